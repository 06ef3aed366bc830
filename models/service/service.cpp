#include "models/service/service.hpp"

#include <algorithm>
#include <limits>

#include "models/common/answer.hpp"
#include "models/common/class_table.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/cpu.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/metrics/tracer.hpp"

namespace sdsim {

namespace {

bool makes_calls(const ServiceConfig& config, const ClassTable& classes) {
  if (config.calls && !config.calls->steps.empty()) return true;
  for (const ClassEntry& e : classes.entries()) {
    if (e.klass == nullptr) continue;
    auto it = e.klass->overrides.find(config.name);
    if (it != e.klass->overrides.end() && it->second.calls && !it->second.calls->steps.empty())
      return true;
  }
  return false;
}

}  // namespace

Service::Service(const ServiceConfig& config, SimContext& ctx)
    : Component(config.name),
      config_(config),
      ctx_(ctx),
      stats_(ctx.metrics.add_station(
          config.name,
          StationShape{"service", config.replicas, config.workers,
                       config.cores > 0 || config.workers > 0 ? config.effective_cores() : 0,
                       config.queue_capacity.has_value(),
                       config.mode() == ServiceConfig::Mode::kCpu ||
                           ctx.scenario.faults.slows(config.name) ||
                           makes_calls(config, ClassTable(ctx.scenario)),
                       makes_calls(config, ClassTable(ctx.scenario))})),
      service_rng_(ctx.stream(config.name, "service_time")),
      call_rng_(ctx.stream(config.name, "calls")),
      replica_rng_(ctx.stream(config.name, "replica")),
      error_rng_(ctx.stream(config.name, "errors")),
      throttled_(config.rate_limit ? stats_.add_counter("throttled") : 0),
      mode_(ctx.scenario.faults.slows(config.name) ? ServiceConfig::Mode::kCpu : config.mode()) {
  const ClassTable classes(ctx.scenario);
  for (const auto* list : {&ctx.scenario.clients, &ctx.scenario.components})
    for (const auto& c : *list)
      if (c->cancels_calls())
        for (const NameRef& callee : c->callees())
          cancellable_ = cancellable_ || callee.name == config.name;
  cpu_tracked_ = mode_ == ServiceConfig::Mode::kCpu || makes_calls(config, classes);
  const PlanRuntime* own = &plans_.emplace_back(make_plan(config.calls.get()));
  class_service_time_.assign(classes.size(), config.service_time.get());
  class_plan_.assign(classes.size(), own);
  for (std::size_t id = 1; id < classes.size(); ++id) {
    const auto& overrides = classes.entries()[id].klass->overrides;
    auto it = overrides.find(config.name);
    if (it == overrides.end()) continue;
    if (it->second.service_time) class_service_time_[id] = it->second.service_time.get();
    if (it->second.calls) class_plan_[id] = &plans_.emplace_back(make_plan(it->second.calls.get()));
  }
  for (int i = 0; i < config.replicas; ++i) {
    Host& h = ctx.platform.add_host(config.name + "[" + std::to_string(i) + "]",
                                    config.effective_cores());
    replicas_.push_back(std::make_unique<ServiceReplica>(*this, h, replicas_.size()));
  }
}

int Service::target_index(const std::string& name) {
  auto it = std::find(targets_.begin(), targets_.end(), name);
  if (it != targets_.end()) return static_cast<int>(it - targets_.begin());
  targets_.push_back(name);
  return static_cast<int>(targets_.size()) - 1;
}

PlanRuntime Service::make_plan(const CallPlan* plan) {
  PlanRuntime p;
  if (plan == nullptr || plan->steps.empty()) return p;
  p.plan = plan;
  for (const CallStep& s : plan->steps) {
    std::vector<int> t;
    for (const NameRef& n : s.targets) t.push_back(target_index(n.name));
    p.targets.push_back(std::move(t));
    p.latency.push_back(s.hedge && s.hedge->percentile > 0 ? std::make_unique<LatencyHistogram>()
                                                           : nullptr);
    if (s.hedge && !counts_hedges_) {
      counts_hedges_ = true;
      hedges_ = stats_.add_counter("hedges");
    }
  }
  return p;
}

void Service::connect(const ComponentDirectory& directory) {
  for (auto& r : replicas_) r->connect(directory);
}

ServiceReplica::ServiceReplica(Service& service, Host& host, std::size_t index)
    : Node(host),
      service_(service),
      index_(index),
      queue_policy_(service.config_.queue_policy),
      tokens_(service.config_.rate_limit ? service.config_.rate_limit->burst : 0) {}  // full

void ServiceReplica::connect(const ComponentDirectory& directory) {
  for (const std::string& name : service_.targets_) {
    Downstream& d = downstream_.emplace_back();
    d.component = &directory.get(name);
    d.to.assign(d.component->replica_count(), nullptr);
    d.back.assign(d.component->replica_count(), nullptr);
    auto pool = service_.config_.connections.find(name);
    if (pool != service_.config_.connections.end()) d.pool = pool->second.size;
  }
}

void ServiceReplica::on_call(Message& m) {
  const Seconds now = service_.ctx_.calendar.now();
  const ServiceConfig& cfg = service_.config_;
  service_.stats_.arrived(now);
  if (const double p = service_.error_probability(index_);
      p > 0 && service_.error_rng_.uniform01() < p) {
    service_.stats_.errored(now, now);
    answer_at_once(m, Status::kError);
    return;
  }
  if (cfg.rate_limit) {  // token bucket: 429 with Retry-After when empty
    const auto& rl = *cfg.rate_limit;
    tokens_ = std::min(rl.burst, tokens_ + (now - tokens_at_) * rl.rate);
    tokens_at_ = now;
    if (tokens_ < 1) {
      service_.stats_.count(service_.throttled_, now);
      service_.stats_.rejected(now, now);
      m.retry_after = (1 - tokens_) / rl.rate;  // 429: the time until the next token
      answer_at_once(m, Status::kRejected);
      return;
    }
    tokens_ -= 1;
  }
  if (cfg.workers == 0 || busy_ < cfg.workers) {
    begin(&m, now, false);
    return;
  }
  if (!cfg.queue_capacity || static_cast<std::int64_t>(queue_.size()) < *cfg.queue_capacity) {
    queue_.push_back({&m, now});
    service_.stats_.queued(now);
    if (service_.cancellable_)
      ++queued_[CallKey{m.caller, m.caller_slot, m.caller_gen, m.caller_tag}];
    return;
  }
  service_.stats_.rejected(now, now);
  answer_at_once(m, Status::kRejected);
}

void ServiceReplica::crash() {
  Service& s = service_;
  SimContext& ctx = s.ctx_;
  const Seconds now = ctx.calendar.now();
  for (const Queued& q : queue_) {
    s.stats_.lost(now, q.arrived_at, true, true, false);
    ctx.messages.release(q.message);
  }
  queue_.clear();
  queued_.clear();
  cancelled_.clear();
  // CPU level: every replica's working jobs counted one core each, up to its cores in CPU mode.
  const int on_cores = s.mode_ == ServiceConfig::Mode::kCpu ? std::min(working_, host().cores())
                       : s.cpu_tracked_                     ? working_
                                                            : 0;
  if (on_cores > 0) s.stats_.cpu_busy(now, -on_cores);
  jobs_.for_each_live([&](std::uint32_t slot, Job& j) {
    s.stats_.lost(now, j.arrived_at, false, j.working, j.holds_worker);
    ctx.messages.release(j.message);
    jobs_.release(slot);
  });
  calls_.for_each_live([&](std::uint32_t c, Call& call) {
    if (call.waiting != nullptr) ctx.messages.release(call.waiting);  // never sent
    calls_.release(c);  // replies still on the way are stale now: dropped on arrival
  });
  for (Downstream& d : downstream_) {
    d.in_use = 0;
    d.waiting.clear();
  }
  busy_ = working_ = 0;
}

void ServiceReplica::begin(Message* m, Seconds arrived_at, bool from_queue) {
  Service& s = service_;
  const Seconds now = s.ctx_.calendar.now();
  ++busy_;
  ++working_;
  s.stats_.started(now, arrived_at, from_queue);
  const std::uint32_t klass = m->klass < s.class_plan_.size() ? m->klass : 0;
  const Seconds work = s.class_service_time_[klass]->sample(s.service_rng_);
  const std::uint32_t slot = jobs_.acquire();
  Job& j = jobs_[slot].value;
  j.message = m;
  j.arrived_at = arrived_at;
  j.service = work;
  j.plan = s.class_plan_[klass];
  j.holds_worker = true;
  j.working = true;
  j.started = now;
  if (m->trace != 0 && now > arrived_at)
    s.ctx_.tracer->span(m->trace, s.name(), index_, "queue wait", "queue", arrived_at, now);
  void* data = pack_slot(slot, jobs_[slot].gen);
  if (s.mode_ == ServiceConfig::Mode::kDelay) {
    if (s.cpu_tracked_) s.stats_.cpu_busy(now, 1);
    s.ctx_.calendar.at(now + work, this, kServiceDone, data);
  } else {
    if (working_ <= host().cores()) s.stats_.cpu_busy(now, 1);
    s.ctx_.cpu.start(host(), work, this, kServiceDone, data);
  }
}

void ServiceReplica::on_event(std::uint32_t tag, void* data) {
  if (tag == kServiceDone) {
    // A job lost in a crash has a new generation (its timer still fires: delay mode).
    if (jobs_.is_current(unpack_slot(data), unpack_gen(data))) work_done(unpack_slot(data));
    return;
  }
  if (tag == kHedge) {
    if (calls_.is_current(unpack_slot(data), unpack_gen(data))) hedge_call(unpack_slot(data));
    return;
  }
  if (tag != kCallTimeout) return;
  const std::uint32_t c = unpack_slot(data);
  if (!calls_.is_current(c, unpack_gen(data))) return;  // answered in time
  const Call call = calls_[c].value;
  calls_.release(c);
  if (call.waiting != nullptr)
    service_.ctx_.messages.release(call.waiting);  // never got a connection
  else
    release_connection(call.target);
  if (jobs_.is_current(call.job, call.job_gen) && jobs_[call.job].value.step == call.step)
    step_result(call.job, false, Status::kError, CacheResult::kNone, 0);
}

void ServiceReplica::work_done(std::uint32_t slot) {
  Service& s = service_;
  const Seconds now = s.ctx_.calendar.now();
  if (s.mode_ == ServiceConfig::Mode::kCpu ? working_ <= host().cores() : s.cpu_tracked_)
    s.stats_.cpu_busy(now, -1);
  --working_;
  Job& j = jobs_[slot].value;
  j.working = false;
  s.stats_.work_done(now, j.arrived_at, j.service);
  if (j.message->trace != 0)
    s.ctx_.tracer->span(j.message->trace, s.name(), index_, "service", "service", j.started, now);
  if (j.plan->plan == nullptr) {
    finish(slot, Status::kOk);
    return;
  }
  j.calls_started = now;
  const bool async = s.config_.async;
  if (async) j.holds_worker = false;
  run_steps(slot);
  // Released after the first calls are made, so a request taken from the queue now starts
  // after them (same date: same results, fewer surprises in traces).
  if (async) release_worker();
}

void ServiceReplica::on_cancel(const Message& m) {
  const CallKey key{m.caller, m.caller_slot, m.caller_gen, m.caller_tag};
  if (queued_.count(key) != 0) cancelled_.insert(key);  // else it started (or is long gone)
}

void ServiceReplica::release_worker() {
  Service& s = service_;
  --busy_;
  const Seconds now = s.ctx_.calendar.now();
  s.stats_.worker_released(now);
  while (!queue_.empty() && (s.config_.workers == 0 || busy_ < s.config_.workers)) {
    Queued next{};
    // Requests the queue policy sheds on the way get a 503.
    auto shed = [&](const Queued& q) {
      forget(q);
      s.stats_.shed(now, q.arrived_at);
      answer_at_once(*q.message, Status::kRejected);
    };
    if (!queue_policy_.take(queue_, now, &next, shed)) return;
    if (forget(next)) {  // cancelled while it waited: dropped, nobody waits for it
      s.stats_.cancelled(now, next.arrived_at);
      s.ctx_.messages.release(next.message);
      continue;
    }
    begin(next.message, next.arrived_at, true);
    return;
  }
}

bool ServiceReplica::forget(const Queued& q) {
  if (!service_.cancellable_) return false;
  const Message& m = *q.message;
  const CallKey key{m.caller, m.caller_slot, m.caller_gen, m.caller_tag};
  auto it = queued_.find(key);
  if (it != queued_.end() && --it->second == 0) queued_.erase(it);
  return cancelled_.erase(key) != 0;
}

void ServiceReplica::run_steps(std::uint32_t slot) {
  Service& s = service_;
  Job& j = jobs_[slot].value;
  const auto& steps = j.plan->plan->steps;
  while (j.step < steps.size()) {
    const CallStep& st = steps[j.step];
    bool run = true;
    switch (st.when) {
      case CallWhen::kAlways:
        break;
      case CallWhen::kCacheHit:
        run = j.cache == CacheResult::kHit;
        break;
      case CallWhen::kCacheMiss:
        run = j.cache == CacheResult::kMiss;
        break;
      case CallWhen::kRead:
        run = j.message->op == Op::kRead;
        break;
      case CallWhen::kWrite:
        run = j.message->op == Op::kWrite;
        break;
    }
    // The draw is made only for steps with a probability below 1 whose condition holds.
    if (run && st.probability < 1) run = s.call_rng_.uniform01() < st.probability;
    if (run) {
      issue_step(slot);
      return;
    }
    ++j.step;
  }
  finish(slot, Status::kOk);
}

void ServiceReplica::issue_step(std::uint32_t slot) {
  Service& s = service_;
  const PlanRuntime& plan = *jobs_[slot].value.plan;
  const std::uint32_t step_index = jobs_[slot].value.step;
  const CallStep& st = plan.plan->steps[step_index];
  std::uint32_t made = 0;
  for (int t : plan.targets[step_index]) {
    const Component& c = *downstream_[t].component;
    const Message& parent = *jobs_[slot].value.message;
    switch (st.fan_out) {
      case CallStep::FanOut::kOne:
        make_call(slot, st, t, c.pick_replica(parent, s.replica_rng_));
        ++made;
        break;
      case CallStep::FanOut::kAllReplicas:
        for (std::size_t r = 0; r < c.replica_count(); ++r, ++made) make_call(slot, st, t, r);
        break;
      case CallStep::FanOut::kAllShards:
        for (std::size_t sh = 0; sh < c.shard_count(); ++sh, ++made)
          make_call(slot, st, t, c.pick_replica_in_shard(parent, sh, s.replica_rng_));
        break;
    }
  }
  Job& j = jobs_[slot].value;
  j.calls = made;
  j.ok = j.failed = 0;
  j.needed =
      st.wait == 0 ? made : std::min<std::uint32_t>(static_cast<std::uint32_t>(st.wait), made);
}

void ServiceReplica::make_call(std::uint32_t slot, const CallStep& st, int target,
                               std::size_t replica, bool hedge) {
  Service& s = service_;
  SimContext& ctx = s.ctx_;
  const Seconds now = ctx.calendar.now();
  Downstream& d = downstream_[target];
  if (d.to[replica] == nullptr) {
    Node& callee = d.component->replica(replica);
    d.to[replica] = &ctx.network.route(*this, callee);
    d.back[replica] = &ctx.network.route(callee, *this);
  }
  const Message& parent = *jobs_[slot].value.message;
  const std::uint32_t c = calls_.acquire();
  last_call_ = c;
  Message* m = ctx.messages.make();
  m->request_id = parent.request_id;
  m->trace = parent.trace;
  m->caller = this;
  m->reply_route = d.back[replica];
  m->caller_slot = c;
  m->caller_gen = calls_[c].gen;
  m->issued_at = parent.issued_at;
  m->request_bytes = st.request_size;
  m->response_bytes = st.response_size;
  m->key = parent.key;
  m->op = parent.op;
  m->klass = parent.klass;
  Call& call = calls_[c].value;
  call.job = slot;
  call.job_gen = jobs_[slot].gen;
  call.step = jobs_[slot].value.step;
  call.target = target;
  call.replica = replica;
  call.waiting = m;
  call.hedge = hedge;
  if (!hedge) call.learn = jobs_[slot].value.plan->latency[jobs_[slot].value.step].get();
  if (st.timeout)
    ctx.calendar.at(now + *st.timeout, this, kCallTimeout, pack_slot(c, calls_[c].gen));
  if (st.hedge && !hedge) {
    // The hedge's delay: fixed, or the step's observed percentile once it has 100 replies.
    std::optional<Seconds> after;
    if (st.hedge->percentile == 0) {
      after = st.hedge->after;
    } else {
      const LatencyHistogram& h = *jobs_[slot].value.plan->latency[jobs_[slot].value.step];
      if (h.count() >= 100) after = h.quantile(st.hedge->percentile);
    }
    if (after) ctx.calendar.at(now + *after, this, kHedge, pack_slot(c, calls_[c].gen));
  }
  if (d.pool > 0 && d.in_use >= d.pool)
    d.waiting.emplace_back(c, calls_[c].gen);
  else
    send(c);
}

void ServiceReplica::hedge_call(std::uint32_t c) {
  const Call call = calls_[c].value;  // still unanswered
  if (!jobs_.is_current(call.job, call.job_gen)) return;
  Job& j = jobs_[call.job].value;
  if (j.step != call.step || j.ok >= j.needed) return;  // the step is over
  const CallStep& st = j.plan->plan->steps[call.step];
  const Component& target = *downstream_[call.target].component;
  service_.stats_.count(service_.hedges_, j.arrived_at);
  ++j.calls;  // one more call may answer the step: it now fails only if both do
  const std::uint32_t job = call.job;
  make_call(job, st, call.target, target.pick_replica(*j.message, service_.replica_rng_), true);
  if (st.hedge->cancel_loser) {
    // The new call is the one most recently acquired for this job: find it by its job.
    Job& jj = jobs_[job].value;
    jj.hedging = true;
    jj.hedged[0] = c;
    jj.hedged_gen[0] = calls_[c].gen;
    jj.hedged[1] = last_call_;
    jj.hedged_gen[1] = calls_[last_call_].gen;
  }
}

void ServiceReplica::cancel_losers(std::uint32_t slot) {
  Job& j = jobs_[slot].value;
  j.hedging = false;
  SimContext& ctx = service_.ctx_;
  for (int k = 0; k < 2; ++k) {
    const std::uint32_t c = j.hedged[k];
    if (!calls_.is_current(c, j.hedged_gen[k])) continue;  // answered (the winner) or gone
    const Call call = calls_[c].value;
    if (call.waiting == nullptr) {  // sent: tell its callee, free the connection
      Message* m = ctx.messages.make();
      m->cancel = true;
      m->caller = this;
      m->caller_slot = c;
      m->caller_gen = calls_[c].gen;
      m->sent_at = ctx.calendar.now();
      downstream_[call.target].to[call.replica]->send_call(*m, 0);
      release_connection(call.target);
    } else {
      ctx.messages.release(call.waiting);  // never got a connection
    }
    calls_.release(c);  // its reply, if any, is stale now
  }
}

void ServiceReplica::send(std::uint32_t c) {
  const Seconds now = service_.ctx_.calendar.now();
  Call& call = calls_[c].value;
  Downstream& d = downstream_[call.target];
  ++d.in_use;
  Message* m = call.waiting;
  call.waiting = nullptr;
  call.sent_at = now;
  m->sent_at = now;
  d.to[call.replica]->send_call(*m, m->request_bytes);
}

void ServiceReplica::release_connection(int target) {
  Downstream& d = downstream_[target];
  --d.in_use;
  while (!d.waiting.empty() && (d.pool == 0 || d.in_use < d.pool)) {
    const auto [c, gen] = d.waiting.front();
    d.waiting.pop_front();
    if (calls_.is_current(c, gen)) send(c);  // else it timed out while waiting
  }
}

void ServiceReplica::on_reply(Message& m) {
  SimContext& ctx = service_.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::uint32_t c = m.caller_slot;
  const bool current = calls_.is_current(c, m.caller_gen);
  const Status status = m.status;
  const CacheResult cache = m.cache;
  const Seconds held = m.held_for;
  ctx.messages.release(&m);
  if (!current) return;  // the call timed out already (its connection was released then)
  const Call call = calls_[c].value;
  calls_.release(c);
  release_connection(call.target);
  // A percentile hedge learns from its first copies' ok round trips, winners and laggards
  // alike (learning from the winners only would make it hedge ever earlier).
  if (call.learn != nullptr && status == Status::kOk) call.learn->add(now - call.sent_at);
  if (jobs_.is_current(call.job, call.job_gen) && jobs_[call.job].value.step == call.step)
    step_result(call.job, status == Status::kOk, status, cache, (now - call.sent_at) - held);
  // else: a laggard of a step that completed (or failed) without it
}

void ServiceReplica::step_result(std::uint32_t slot, bool ok, Status status, CacheResult cache,
                                 Seconds network) {
  Job& j = jobs_[slot].value;
  if (cache != CacheResult::kNone) j.cache = cache;
  if (ok) {
    ++j.ok;
    j.network += network;
  } else {
    if (j.failed++ == 0) j.failure = status == Status::kOk ? Status::kError : status;
  }
  if (j.ok >= j.needed) {
    if (j.hedging) cancel_losers(slot);
    ++j.step;
    run_steps(slot);
  } else if (j.failed > j.calls - j.needed) {
    finish(slot, j.failure);
  }
}

void ServiceReplica::finish(std::uint32_t slot, Status status) {
  Service& s = service_;
  const Seconds now = s.ctx_.calendar.now();
  const Job j = jobs_[slot].value;
  jobs_.release(slot);
  if (j.plan->plan != nullptr)
    s.stats_.downstream_done(j.arrived_at, now - j.calls_started, j.network);
  s.stats_.departed(now, j.arrived_at);
  Message& m = *j.message;
  if (m.trace != 0)  // the whole stay: queue wait, service and downstream calls nest in it
    s.ctx_.tracer->span(m.trace, s.name(), index_, "handle", "residence", j.arrived_at, now);
  m.status = status;
  m.cache = CacheResult::kNone;
  m.held_for = now - j.arrived_at;
  m.reply_route->send_reply(m, m.response_bytes);
  if (j.holds_worker) release_worker();
}

}  // namespace sdsim
