#include "sim/engine/network.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/engine/flows.hpp"

namespace sdsim {

void Route::send(Message& m, Bytes bytes, std::uint32_t tag) {
  ++sent_;
  if (flows_ != nullptr) {
    flows_->start(from_.host(), to_.host(), bytes, *this, tag, &m);
    return;
  }
  const Seconds now = calendar_.now();
  Seconds leaves = now;
  if (bandwidth_ > 0) {
    line_free_at_ = std::max(now, line_free_at_) + 8.0 * bytes / bandwidth_;
    leaves = line_free_at_;
  }
  const Seconds arrives = std::max(leaves + latency_, last_arrival_);
  last_arrival_ = arrives;
  calendar_.at(arrives, this, tag, &m);
}

void Route::fire(std::uint32_t tag, void* data) {
  if (!to_.host().is_on()) {
    lose(static_cast<Message*>(data));
    return;
  }
  to_.fire(tag, data);
}

void Route::lose(Message* m) {
  ++lost_;
  pool_.release(m);
}

Network::Network(Calendar& calendar, MessagePool& pool, const NetworkConfig& config)
    : calendar_(calendar), pool_(pool), config_(config) {
  if (config.model == NetworkModel::kFlow) flows_ = std::make_unique<Flows>(calendar);
}

Network::~Network() = default;

Route& Network::route(const Node& from, Node& to) {
  auto& slot = routes_[{&from, &to}];
  if (!slot) {
    const auto path = config_.path(from.host().zone(), to.host().zone());
    if (!path)
      throw std::logic_error("no network path from " + from.host().name() + " (zone " +
                             config_.zones.at(static_cast<std::size_t>(from.host().zone())) +
                             ") to " + to.host().name() + " (zone " +
                             config_.zones.at(static_cast<std::size_t>(to.host().zone())) + ")");
    slot = std::make_unique<Route>(calendar_, pool_, flows_.get(), from, to, path->latency,
                                   path->bandwidth);
  }
  return *slot;
}

std::uint64_t Network::messages_sent() const {
  std::uint64_t n = 0;
  for (const auto& [_, r] : routes_) n += r->sent();
  return n;
}

std::uint64_t Network::messages_lost() const {
  std::uint64_t n = 0;
  for (const auto& [_, r] : routes_) n += r->lost();
  return n;
}

void Network::cancel_all() {
  if (flows_) flows_->cancel_all();
}

}  // namespace sdsim
