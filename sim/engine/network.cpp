#include "sim/engine/network.hpp"

#include <algorithm>

namespace sdsim {

void Route::send(Message& m, Bytes bytes, std::uint32_t tag) {
  const Seconds now = calendar_.now();
  Seconds leaves = now;
  if (bandwidth_ > 0) {
    line_free_at_ = std::max(now, line_free_at_) + 8.0 * bytes / bandwidth_;
    leaves = line_free_at_;
  }
  const Seconds arrives = std::max(leaves + latency_, last_arrival_);
  last_arrival_ = arrives;
  ++sent_;
  calendar_.at(arrives, this, tag, &m);
}

void Route::fire(std::uint32_t tag, void* data) {
  if (!to_.host().is_on()) {
    ++lost_;
    pool_.release(static_cast<Message*>(data));
    return;
  }
  to_.fire(tag, data);
}

Route& Network::route(const Node& from, Node& to) {
  auto& slot = routes_[{&from, &to}];
  if (!slot)
    slot = std::make_unique<Route>(calendar_, pool_, to, config_.default_latency,
                                   config_.default_bandwidth);
  return *slot;
}

}  // namespace sdsim
