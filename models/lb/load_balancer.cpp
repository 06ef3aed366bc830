#include "models/lb/load_balancer.hpp"

#include <cmath>

#include "models/common/answer.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/metrics/tracer.hpp"

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
  if (config.outlier_ejection) ejections_ = stats_.add_counter("ejections");
  if (config.health_check) {
    probes_failed_ = stats_.add_counter("probes_failed");
    marked_down_ = stats_.add_counter("marked_down");
    marked_up_ = stats_.add_counter("marked_up");
    no_backend_ = stats_.add_counter("no_healthy_backend");
  }
  for (int i = 0; i < config.replicas; ++i) {
    Host& h = ctx.platform.add_host(config.name + "[" + std::to_string(i) + "]", 1);
    replicas_.push_back(std::make_unique<LoadBalancerReplica>(*this, h, replicas_.size()));
  }
}

void LoadBalancer::start() {
  for (auto& r : replicas_) r->start();
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
  // It restarts knowing nothing: every backend up until probes say otherwise.
  for (std::size_t i = 0; i < probes_.size(); ++i) {
    probes_[i] = Probe{probes_[i].seq};
    health_.up[i] = 1;
    checked_down_[i] = ejected_[i] = 0;
    failures_in_a_row_[i] = 0;
  }
  health_.down = 0;
  ejected_count_ = 0;  // pending readmissions find nothing ejected
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
  health_.up.assign(n, 1);
  probes_.assign(n, Probe{});
  checked_down_.assign(n, 0);
  ejected_.assign(n, 0);
  failures_in_a_row_.assign(n, 0);
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
  policy_->set_health(&health_);
}

void LoadBalancerReplica::start() {
  const auto& hc = lb_.config_.health_check;
  if (!hc) return;
  // The first round of probes one interval in, every backend at once.
  for (std::size_t i = 0; i < to_.size(); ++i)
    lb_.ctx_.calendar.at(lb_.ctx_.calendar.now() + hc->interval, this, kProbe,
                         pack_slot(static_cast<std::uint32_t>(i), 0));
}

void LoadBalancerReplica::send_probe(std::size_t i) {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  const auto& hc = *lb_.config_.health_check;
  ctx.calendar.at(now + hc.interval, this, kProbe, pack_slot(static_cast<std::uint32_t>(i), 0));
  if (!host().is_on()) return;  // a crashed load balancer probes nothing
  Probe& p = probes_[i];
  if (p.awaiting) return;  // still waiting for the last one (timeout <= interval: not here)
  p.awaiting = true;
  ++p.seq;
  Message* m = ctx.messages.make();
  m->probe = true;
  m->caller = this;
  m->reply_route = back_[i];
  m->caller_slot = static_cast<std::uint32_t>(i);
  m->caller_gen = p.seq;
  m->sent_at = now;
  to_[i]->send_call(*m, 0);
  ctx.calendar.at(now + hc.timeout, this, kProbeTimeout,
                  pack_slot(static_cast<std::uint32_t>(i), p.seq));
}

void LoadBalancerReplica::probe_result(std::size_t i, bool ok) {
  const auto& hc = *lb_.config_.health_check;
  Probe& p = probes_[i];
  p.awaiting = false;
  const Seconds now = lb_.ctx_.calendar.now();
  if (ok) {
    p.fails = 0;
    if (++p.oks >= hc.healthy_after && !health_.up[i]) set_up(i, true);
  } else {
    lb_.stats_.count(lb_.probes_failed_, now);
    p.oks = 0;
    if (++p.fails >= hc.unhealthy_after && health_.up[i]) set_up(i, false);
  }
}

void LoadBalancerReplica::set_up(std::size_t i, bool up) {
  checked_down_[i] = up ? 0 : 1;
  refresh(i);
  lb_.stats_.count(up ? lb_.marked_up_ : lb_.marked_down_, lb_.ctx_.calendar.now());
}

void LoadBalancerReplica::refresh(std::size_t i) {
  const std::uint8_t up = checked_down_[i] == 0 && ejected_[i] == 0 ? 1 : 0;
  if (up == health_.up[i]) return;
  health_.up[i] = up;
  if (up)
    --health_.down;
  else
    ++health_.down;
}

void LoadBalancerReplica::passive_result(std::size_t i, bool ok) {
  const auto& oe = lb_.config_.outlier_ejection;
  if (!oe) return;
  if (ok) {
    failures_in_a_row_[i] = 0;
    return;
  }
  if (++failures_in_a_row_[i] < oe->consecutive_errors || ejected_[i]) return;
  // Never eject more than max_ejected of the backends (at least one stays).
  const double limit = std::floor(oe->max_ejected * static_cast<double>(to_.size()));
  if (static_cast<double>(ejected_count_ + 1) > limit || ejected_count_ + 1 >= to_.size()) return;
  ejected_[i] = 1;
  ++ejected_count_;
  failures_in_a_row_[i] = 0;
  refresh(i);
  const Seconds now = lb_.ctx_.calendar.now();
  lb_.stats_.count(lb_.ejections_, now);
  lb_.ctx_.calendar.at(now + oe->eject_for, this, kReadmit,
                       pack_slot(static_cast<std::uint32_t>(i), 0));
}

void LoadBalancerReplica::no_backend(Message& parent, Seconds arrived_at) {
  const Seconds now = lb_.ctx_.calendar.now();
  lb_.stats_.count(lb_.no_backend_, arrived_at);
  lb_.stats_.departed(now, arrived_at);
  parent.status = Status::kRejected;
  parent.held_for = now - arrived_at;
  parent.cache = CacheResult::kNone;
  parent.reply_route->send_reply(parent, 0);
}

void LoadBalancerReplica::on_call(Message& parent) {
  const Seconds now = lb_.ctx_.calendar.now();
  StationStats& stats = lb_.stats_;
  stats.arrived(now);
  const LoadBalancerConfig& cfg = lb_.config_;
  if (const double p = lb_.error_probability(index_); p > 0 && lb_.error_rng_.uniform01() < p) {
    stats.errored(now, now);
    answer_at_once(parent, Status::kError);
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
  answer_at_once(parent, Status::kRejected);
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
  if (tag == kProbe) {
    send_probe(slot);
    return;
  }
  if (tag == kReadmit) {
    if (ejected_[slot]) {
      ejected_[slot] = 0;
      --ejected_count_;
      refresh(slot);
    }
    return;
  }
  if (tag == kProbeTimeout) {
    if (probes_[slot].awaiting && probes_[slot].seq == unpack_gen(data)) probe_result(slot, false);
    return;
  }
  if (tag == kTimeout) {
    if (!pending_.is_current(slot, unpack_gen(data))) return;  // answered in time
    const Pending p = pending_[slot].value;
    pending_.release(slot);  // the late reply is stale
    --outstanding_[p.backend];
    lb_.stats_.count(lb_.timeouts_, p.arrived_at);
    passive_result(p.backend, false);
    lb_.stats_.departed(now, p.arrived_at);
    p.parent->status = Status::kError;  // 504
    p.parent->cache = CacheResult::kNone;
    p.parent->held_for = now - p.arrived_at;
    if (p.parent->trace != 0)
      lb_.ctx_.tracer->span(p.parent->trace, lb_.name(), index_, "forward (timed out)", "residence",
                            p.arrived_at, now);
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
  if (health_.down == to_.size()) {
    no_backend(parent, arrived_at);
    return;
  }
  const std::size_t i = policy_->pick();
  ++outstanding_[i];
  if (!lb_.sent_to_.empty()) lb_.stats_.count(lb_.sent_to_[i], arrived_at);
  const std::uint32_t slot = pending_.acquire();
  pending_[slot].value = {&parent, arrived_at, static_cast<std::uint32_t>(i)};
  Message* child = ctx.messages.make();
  child->request_id = parent.request_id;
  child->trace = parent.trace;
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
  if (child.probe) {
    const std::uint32_t i = child.caller_slot;
    const bool current = probes_[i].awaiting && probes_[i].seq == child.caller_gen;
    ctx.messages.release(&child);
    if (current) probe_result(i, true);
    return;
  }
  const std::uint32_t slot = child.caller_slot;
  const bool current = pending_.is_current(slot, child.caller_gen);
  const Status status = child.status;
  const CacheResult cache = child.cache;
  const bool stale = child.stale;
  const Seconds retry_after = child.retry_after;
  ctx.messages.release(&child);
  if (!current) return;
  const Pending p = pending_[slot].value;
  pending_.release(slot);
  --outstanding_[p.backend];
  passive_result(p.backend, status == Status::kOk);
  lb_.stats_.departed(now, p.arrived_at);
  p.parent->status = status;
  p.parent->cache = cache;
  p.parent->stale = stale;
  p.parent->retry_after = retry_after;
  p.parent->held_for = now - p.arrived_at;
  if (p.parent->trace != 0)  // the forwarded call nests in it
    lb_.ctx_.tracer->span(p.parent->trace, lb_.name(), index_, "forward", "residence", p.arrived_at,
                          now);
  p.parent->reply_route->send_reply(*p.parent, p.parent->response_bytes);
}

}  // namespace sdsim
