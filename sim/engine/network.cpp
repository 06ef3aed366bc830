#include "sim/engine/network.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/engine/flows.hpp"
#include "sim/metrics/tracer.hpp"

namespace sdsim {

namespace {
// A route's own tag for "start this message's comm now" (flow model, after a fault delay).
constexpr std::uint32_t kTagStartFlow = 8;
const std::string kNetworkTrack = "network";
}  // namespace

void Route::send(Message& m, Bytes bytes, std::uint32_t tag) {
  ++sent_;
  if (m.trace != 0) m.on_wire_at = calendar_.now();
  Seconds spike = 0, resend = 0;
  if (link_ != nullptr && link_->active) {
    if (from_a_ ? link_->cut_from_a : link_->cut_from_b) {
      cut_off(m);
      return;
    }
    spike = link_->extra_latency;
    // Each copy is lost with probability p; a lost copy is resent after the RTO.
    if (link_->loss > 0)
      while (link_->rng->uniform01() < link_->loss) resend += link_->rto;
  }
  put_on_wire(m, bytes, tag, spike, resend);
}

void Route::put_on_wire(Message& m, Bytes bytes, std::uint32_t tag, Seconds spike, Seconds resend) {
  m.wire_extra = spike;
  const Seconds now = calendar_.now();
  if (flows_ != nullptr) {
    if (const Seconds extra = spike + resend; extra > 0) {
      (tag == kTagCall ? m.request_bytes : m.response_bytes) = bytes;  // for the delayed start
      calendar_.at(now + extra, this, kTagStartFlow + tag, &m);
      return;
    }
    flows_->start(from_.host(), to_.host(), bytes, *this, tag, &m);
    return;
  }
  Seconds leaves = now;
  if (bandwidth_ > 0) {
    line_free_at_ = std::max(now, line_free_at_) + 8.0 * bytes / bandwidth_;
    leaves = line_free_at_;
  }
  // A spike delays every message alike, so the line stays FIFO; a resent message arrives
  // late on its own (the route stands for many connections: no head-of-line blocking).
  const Seconds arrives = std::max(leaves + latency_ + spike, last_arrival_);
  last_arrival_ = arrives;
  calendar_.at(arrives + resend, this, tag, &m);
}

void Route::cut_off(Message& m) {
  ++cut_;
  if (!link_->fail_fast || m.caller == nullptr) {
    lose(&m);
    return;
  }
  m.status = Status::kError;
  m.cache = CacheResult::kNone;
  calendar_.at(calendar_.now(), m.caller, kTagReply, &m);
}

void Route::fire(std::uint32_t tag, void* data) {
  auto* m = static_cast<Message*>(data);
  if (tag >= kTagStartFlow) {  // flow model: the fault delay is over, start the comm
    tag -= kTagStartFlow;
    const Bytes bytes = tag == kTagCall ? m->request_bytes : m->response_bytes;
    flows_->start(from_.host(), to_.host(), bytes, *this, tag, m);
    return;
  }
  // Latency model: a spike that began while the message was on the wire delays it too.
  if (flows_ == nullptr && link_ != nullptr && link_->extra_latency > m->wire_extra) {
    const Seconds more = link_->extra_latency - m->wire_extra;
    m->wire_extra = link_->extra_latency;
    last_arrival_ = std::max(last_arrival_, calendar_.now() + more);
    calendar_.at(calendar_.now() + more, this, tag, m);
    return;
  }
  if (!to_.host().is_on()) {
    lose(m);
    return;
  }
  if (m->cancel) {  // a cancellation: the callee may drop the call; nobody answers it
    to_.on_cancel(*m);
    pool_.release(m);
    return;
  }
  if (m->probe && tag == kTagCall) {  // the host's health endpoint answers at once
    m->held_for = 0;
    m->reply_route->send_reply(*m, 0);
    return;
  }
  if (m->trace != 0 && tracer_ != nullptr)
    tracer_->span(m->trace, kNetworkTrack, tag == kTagCall ? 0 : 1,
                  tag == kTagCall ? "network: call" : "network: reply", "network", m->on_wire_at,
                  calendar_.now());
  to_.fire(tag, data);
}

void Route::lose(Message* m) {
  ++lost_;
  pool_.release(m);
}

Network::Network(Calendar& calendar, MessagePool& pool, const NetworkConfig& config)
    : calendar_(calendar), pool_(pool), config_(config), link_faults_(config.links.size()) {
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
    const LinkFaults* link = nullptr;
    bool from_a = true;
    if (path->link != nullptr) {
      link = &link_faults_[static_cast<std::size_t>(path->link - config_.links.data())];
      from_a = from.host().zone() == path->link->zone_a;
    }
    slot = std::make_unique<Route>(calendar_, pool_, flows_.get(), from, to, path->latency,
                                   path->bandwidth, link, from_a);
    slot->set_tracer(tracer_);
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

std::uint64_t Network::messages_cut() const {
  std::uint64_t n = 0;
  for (const auto& [_, r] : routes_) n += r->cut();
  return n;
}

void Network::cancel_all() {
  if (flows_) flows_->cancel_all();
}

}  // namespace sdsim
