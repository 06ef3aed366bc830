#include "models/lb/load_balancer.hpp"

#include "sim/engine/calendar.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"

namespace sdsim {

LoadBalancer::LoadBalancer(const LoadBalancerConfig& config, SimContext& ctx)
    : Component(config.name),
      config_(config),
      ctx_(ctx),
      stats_(ctx.metrics.add_station(
          config.name,
          StationShape{"load_balancer", config.replicas, config.service_time ? config.workers : 0,
                       0, config.service_time && config.queue_capacity.has_value()})),
      service_rng_(ctx.stream(config.name, "service_time")),
      error_rng_(ctx.stream(config.name, "errors")) {
  if (config.timeout) timeouts_ = stats_.add_counter("backend_timeouts");
  for (int i = 0; i < config.replicas; ++i) {
    Host& h = ctx.platform.add_host(config.name + "[" + std::to_string(i) + "]", 1);
    replicas_.push_back(std::make_unique<LoadBalancerReplica>(*this, h, replicas_.size()));
  }
}

void LoadBalancer::connect(const ComponentDirectory& directory) {
  Component& backends = directory.get(config_.backends.name);
  if (backends.replica_count() <= LoadBalancerConfig::kMaxSentCounters)
    for (std::size_t i = 0; i < backends.replica_count(); ++i)
      sent_to_.push_back(stats_.add_counter("sent_to_" + std::to_string(i)));
  for (auto& r : replicas_) r->connect(backends);
}

LoadBalancerReplica::LoadBalancerReplica(LoadBalancer& lb, Host& host, std::size_t index)
    : Node(host), lb_(lb), index_(index) {}

void LoadBalancerReplica::crash() {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  for (const Queued& q : queue_) {
    lb_.stats_.lost(now, q.arrived_at, true, true, false);
    ctx.messages.release(q.parent);
  }
  queue_.clear();
  work_.for_each_live([&](std::uint32_t slot, Work& w) {
    lb_.stats_.lost(now, w.arrived_at, false, true, true);
    ctx.messages.release(w.parent);
    work_.release(slot);
  });
  pending_.for_each_live([&](std::uint32_t slot, Pending& p) {
    lb_.stats_.lost(now, p.arrived_at, false, false, false);
    ctx.messages.release(p.parent);
    pending_.release(slot);  // the backend's reply, if any, is stale now
  });
  for (auto& n : outstanding_) n = 0;
  busy_ = 0;
}

void LoadBalancerReplica::connect(Component& backends) {
  using Policy = LoadBalancerConfig::Policy;
  for (std::size_t i = 0; i < backends.replica_count(); ++i) {
    Node& b = backends.replica(i);
    to_.push_back(&lb_.ctx_.network.route(*this, b));
    back_.push_back(&lb_.ctx_.network.route(b, *this));
  }
  const std::size_t n = to_.size();
  outstanding_.assign(n, 0);  // never resized again: the policies keep a reference
  const LoadBalancerConfig& cfg = lb_.config_;
  // One stream per LB replica: replicas draw independently.
  auto rng = [&] { return lb_.ctx_.stream(host().name(), "backend_choice"); };
  switch (cfg.policy) {
    case Policy::kRoundRobin:
      if (cfg.weights.empty())
        policy_ = std::make_unique<RoundRobinPolicy>(n);
      else
        policy_ = std::make_unique<WeightedRoundRobinPolicy>(cfg.weights);
      break;
    case Policy::kRandom:
      if (cfg.weights.empty())
        policy_ = std::make_unique<RandomPolicy>(n, rng());
      else
        policy_ = std::make_unique<WeightedRandomPolicy>(cfg.weights, rng());
      break;
    case Policy::kLeastOutstanding:
      policy_ = std::make_unique<LeastOutstandingPolicy>(outstanding_, rng());
      break;
    case Policy::kPowerOfTwo:
      policy_ = std::make_unique<PowerOfTwoPolicy>(outstanding_, rng());
      break;
  }
}

void LoadBalancerReplica::on_call(Message& parent) {
  const Seconds now = lb_.ctx_.calendar.now();
  StationStats& stats = lb_.stats_;
  stats.arrived(now);
  const LoadBalancerConfig& cfg = lb_.config_;
  if (const double p = lb_.error_probability(index_); p > 0 && lb_.error_rng_.uniform01() < p) {
    stats.errored(now, now);
    parent.status = Status::kError;
    parent.held_for = 0;
    parent.cache = CacheResult::kNone;
    parent.reply_route->send_reply(parent, 0);
    return;
  }
  if (!cfg.service_time) {  // a pure forward: the default, kept as short as it was
    stats.forwarded(now, now);
    forward(parent, now);
    return;
  }
  if (cfg.workers == 0 || busy_ < cfg.workers) {
    begin(parent, now, false);
    return;
  }
  if (!cfg.queue_capacity || static_cast<std::int64_t>(queue_.size()) < *cfg.queue_capacity) {
    queue_.push_back({&parent, now});
    stats.queued(now);
    return;
  }
  // No room: 503 at once, as a service does.
  stats.rejected(now, now);
  parent.status = Status::kRejected;
  parent.held_for = 0;
  parent.cache = CacheResult::kNone;
  parent.reply_route->send_reply(parent, 0);
}

void LoadBalancerReplica::begin(Message& parent, Seconds arrived_at, bool from_queue) {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  ++busy_;
  lb_.stats_.started(now, arrived_at, from_queue);
  const Seconds work = lb_.config_.service_time->sample(lb_.service_rng_);
  const std::uint32_t slot = work_.acquire();
  work_[slot].value = {&parent, arrived_at, work};
  ctx.calendar.at(now + work, this, kWorkDone, pack_slot(slot, work_[slot].gen));
}

void LoadBalancerReplica::on_event(std::uint32_t tag, void* data) {
  const Seconds now = lb_.ctx_.calendar.now();
  const std::uint32_t slot = unpack_slot(data);
  if (tag == kTimeout) {
    if (!pending_.is_current(slot, unpack_gen(data))) return;  // answered in time
    const Pending p = pending_[slot].value;
    pending_.release(slot);  // the late reply is stale
    --outstanding_[p.backend];
    lb_.stats_.count(lb_.timeouts_, p.arrived_at);
    lb_.stats_.departed(now, p.arrived_at);
    p.parent->status = Status::kError;  // 504
    p.parent->cache = CacheResult::kNone;
    p.parent->held_for = now - p.arrived_at;
    p.parent->reply_route->send_reply(*p.parent, 0);
    return;
  }
  if (tag != kWorkDone || !work_.is_current(slot, unpack_gen(data))) return;  // lost in a crash
  const Work w = work_[slot].value;
  work_.release(slot);
  lb_.stats_.finished(now, w.arrived_at, w.service);
  forward(*w.parent, w.arrived_at);
  // The worker is free once the call is on its way; the next queued request starts after the
  // forward (same date).
  --busy_;
  if (!queue_.empty()) {
    const Queued next = queue_.front();
    queue_.pop_front();
    begin(*next.parent, next.arrived_at, true);
  }
}

void LoadBalancerReplica::forward(Message& parent, Seconds arrived_at) {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::size_t i = policy_->pick();
  ++outstanding_[i];
  if (!lb_.sent_to_.empty()) lb_.stats_.count(lb_.sent_to_[i], arrived_at);
  const std::uint32_t slot = pending_.acquire();
  pending_[slot].value = {&parent, arrived_at, static_cast<std::uint32_t>(i)};
  Message* child = ctx.messages.make();
  child->request_id = parent.request_id;
  child->caller = this;
  child->reply_route = back_[i];
  child->caller_slot = slot;
  child->caller_gen = pending_[slot].gen;
  child->issued_at = parent.issued_at;
  child->sent_at = now;
  child->request_bytes = parent.request_bytes;
  child->response_bytes = parent.response_bytes;
  child->key = parent.key;
  child->op = parent.op;
  child->klass = parent.klass;
  to_[i]->send_call(*child, child->request_bytes);
  if (lb_.config_.timeout)
    ctx.calendar.at(now + *lb_.config_.timeout, this, kTimeout,
                    pack_slot(slot, pending_[slot].gen));
}

void LoadBalancerReplica::on_reply(Message& child) {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::uint32_t slot = child.caller_slot;
  const bool current = pending_.is_current(slot, child.caller_gen);
  const Status status = child.status;
  const CacheResult cache = child.cache;
  const bool stale = child.stale;
  ctx.messages.release(&child);
  if (!current) return;
  const Pending p = pending_[slot].value;
  pending_.release(slot);
  --outstanding_[p.backend];
  lb_.stats_.departed(now, p.arrived_at);
  p.parent->status = status;
  p.parent->cache = cache;
  p.parent->stale = stale;
  p.parent->held_for = now - p.arrived_at;
  p.parent->reply_route->send_reply(*p.parent, p.parent->response_bytes);
}

}  // namespace sdsim
