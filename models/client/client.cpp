#include "models/client/client.hpp"

#include <algorithm>
#include <cmath>

#include "models/common/class_table.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/metrics/tracer.hpp"

namespace sdsim {

Client::Client(const ClientConfig& config, SimContext& ctx)
    : Component(config.name),
      Node(ctx.platform.add_host(config.name, 1)),
      config_(config),
      ctx_(ctx),
      scope_(ctx.metrics.add_client(config.name)),
      arrivals_(ctx.stream(config.name, "arrivals")),
      think_(ctx.stream(config.name, "think")),
      replicas_(ctx.stream(config.name, "replica")),
      class_rng_(ctx.stream(config.name, "class")),
      key_rng_(ctx.stream(config.name, "keys")),
      phases_(ctx.stream(config.name, "phases")),
      retry_rng_(ctx.stream(config.name, "retry")),
      shocks_(config.shocks.size()) {
  ctx.control.add_drainable(this);
  double sum = 0;
  for (const RequestClass& k : config.classes) {
    class_scopes_.push_back(&ctx.metrics.add_class(config.name, k.name));
    sum += k.share;
    class_cdf_.push_back(sum);
  }
  if (!class_cdf_.empty()) class_cdf_.back() = 1.0;
  first_class_id_ = ClassTable(ctx.scenario).first_id(config.name);
}

void Client::connect(const ComponentDirectory& directory) {
  Component& target = directory.get(config_.target.name);
  target_ = &target;
  for (std::size_t i = 0; i < target.replica_count(); ++i) {
    Node& r = target.replica(i);
    to_.push_back(&ctx_.network.route(*this, r));
    back_.push_back(&ctx_.network.route(r, *this));
  }
}

void Client::start() {
  if (config_.arrival == ClientConfig::Arrival::kClosed) {
    // Each user starts in a think-time draw (DESIGN.md).
    for (int u = 0; u < config_.users; ++u) think(u);
    return;
  }
  for (std::size_t i = 0; i < config_.shocks.size(); ++i) {
    const ShockWindow& w = config_.shocks[i];
    void* index = reinterpret_cast<void*>(i);
    ctx_.calendar.at(w.at, this, kShockBegin, index);
    ctx_.calendar.at(w.at + w.length, this, kShockEnd, index);
  }
  if (config_.arrival == ClientConfig::Arrival::kOnOff) {
    on_ = config_.onoff.start_on;
    if (on_) begin_burst(0);
    const auto& period = on_ ? config_.onoff.on_time : config_.onoff.off_time;
    ctx_.calendar.after(period->sample(phases_), this, kPhase);
  }
  schedule_next_arrival();
}

void Client::arrivals_exhausted() {
  // With a duration, issuing stops then anyway. With a request limit, the run waits for the
  // limit, which this client will not help reach: say so.
  if (ctx_.scenario.duration) return;
  ctx_.metrics.add_warning("client " + config_.name + ": its arrivals ended at " +
                           format_seconds(ctx_.calendar.now()) +
                           " (the end of its trace or rate profile), before the scenario's "
                           "`requests` were issued");
}

void Client::begin_burst(Seconds now) {
  if (bursts_ < kMaxBursts) {
    burst_ = ctx_.metrics.begin_incident(
        "burst", config_.name + "/burst-" + std::to_string(bursts_ + 1), config_.name, now);
    burst_open_ = true;
  } else if (bursts_ == kMaxBursts) {
    ctx_.metrics.add_warning("client " + config_.name + ": only its first " +
                             std::to_string(kMaxBursts) +
                             " on-periods (bursts) are listed in incidents");
  }
  ++bursts_;
}

void Client::on_phase_end() {
  const Seconds now = ctx_.calendar.now();
  if (on_ && burst_open_) {
    ctx_.metrics.end_incident(burst_, now);
    burst_open_ = false;
  }
  if (!ctx_.control.issuing()) return;  // no more periods: nothing is sent any more
  on_ = !on_;
  if (on_) begin_burst(now);
  const auto& period = on_ ? config_.onoff.on_time : config_.onoff.off_time;
  ctx_.calendar.after(period->sample(phases_), this, kPhase);
  ++generation_;  // the pending arrival was drawn at the old rate
  schedule_next_arrival();
}

void Client::schedule_next_arrival() {
  if (config_.arrival == ClientConfig::Arrival::kConstant) {
    // k / rate, not a running sum of gaps: no rounding drift, so exactly rate x duration
    // requests are issued over a duration (at 0, 1/rate, ...; at `duration` itself, none).
    ctx_.calendar.at(static_cast<double>(constant_arrivals_++) / config_.rate, this, kArrival);
    return;
  }
  const Seconds now = ctx_.calendar.now();
  switch (config_.arrival) {
    case ClientConfig::Arrival::kProfile: {
      // Non-homogeneous Poisson by inversion: Lambda(t) - Lambda(now) = E, E ~ exp(1).
      const Seconds t = config_.profile->invert(now, -std::log(arrivals_.uniform_open01()));
      if (t != RateProfile::kNever)
        ctx_.calendar.at(std::max(t, now), this, kArrival);
      else
        arrivals_exhausted();
      return;
    }
    case ClientConfig::Arrival::kOnOff: {
      // Poisson at the state's rate (times the spike factors) until the period ends.
      const double rate = on_ ? config_.onoff.on : config_.onoff.off;
      if (rate <= 0) return;  // silent until the next period
      const Seconds t = config_.profile->invert(now, -std::log(arrivals_.uniform_open01()) / rate);
      if (t != RateProfile::kNever)
        ctx_.calendar.at(std::max(t, now), this, kArrival, reinterpret_cast<void*>(generation_));
      return;
    }
    case ClientConfig::Arrival::kTimestamps: {
      const auto& trace = config_.timestamps;
      if (next_timestamp_ == trace.times.size()) {
        if (trace.cycle <= 0) return arrivals_exhausted();  // the trace is over
        next_timestamp_ = 0;
        ++cycles_;
      }
      const Seconds t = trace.times[next_timestamp_++] + static_cast<double>(cycles_) * trace.cycle;
      ctx_.calendar.at(std::max(t, now), this, kArrival);
      return;
    }
    default:
      ctx_.calendar.after(config_.interarrival->sample(arrivals_), this, kArrival);
  }
}

void Client::think(std::int32_t user) {
  ctx_.calendar.after(config_.think->sample(think_), this, kThinkDone,
                      reinterpret_cast<void*>(static_cast<std::intptr_t>(user)));
}

void Client::issue(std::int32_t user) {
  const Seconds now = ctx_.calendar.now();
  const std::uint32_t slot = open_.acquire();
  auto& e = open_[slot];
  std::int32_t klass = -1;
  if (!class_cdf_.empty()) {
    const double u = class_rng_.uniform01();
    klass = static_cast<std::int32_t>(std::min<std::ptrdiff_t>(
        std::upper_bound(class_cdf_.begin(), class_cdf_.end(), u) - class_cdf_.begin(),
        static_cast<std::ptrdiff_t>(class_cdf_.size()) - 1));
  }
  e.value = {next_id_++, now, user, klass};
  if (ctx_.tracer != nullptr) e.value.trace = ctx_.tracer->begin_request(config_.name, e.value.id);
  scope_.request_issued(now);
  scope_.attempt_sent(now, now);
  if (klass >= 0) {
    class_scopes_[klass]->request_issued(now);
    class_scopes_[klass]->attempt_sent(now, now);
  }

  if (config_.keys) e.value.key = config_.keys->sample(key_rng_);
  if (config_.retry && config_.retry->budget)
    budget_tokens_ = std::min(RetryPolicy::kBudgetBurst, budget_tokens_ + *config_.retry->budget);
  send_attempt(slot);
}

bool Client::breaker_admits() {
  if (!config_.breaker) return true;
  const Seconds now = ctx_.calendar.now();
  if (breaker_ == Breaker::kOpen) {
    if (now < open_until_) return false;
    breaker_ = Breaker::kHalfOpen;  // the open time is over: let probes through
    probes_sent_ = probe_oks_ = 0;
  }
  if (breaker_ == Breaker::kHalfOpen) {
    if (probes_sent_ >= config_.breaker->probes) return false;
    ++probes_sent_;
  }
  return true;
}

void Client::breaker_open() {
  const Seconds now = ctx_.calendar.now();
  if (breaker_ != Breaker::kHalfOpen)  // one incident from first opening to closing
    breaker_incident_ =
        ctx_.metrics.begin_incident("breaker_open", config_.name + "/breaker", config_.name, now);
  breaker_ = Breaker::kOpen;
  open_until_ = now + config_.breaker->open_for;
  outcomes_.clear();
  window_failed_ = 0;
}

void Client::breaker_record(bool ok) {
  if (!config_.breaker) return;
  const BreakerPolicy& b = *config_.breaker;
  const Seconds now = ctx_.calendar.now();
  switch (breaker_) {
    case Breaker::kOpen:
      return;  // a late answer to an attempt sent before it opened
    case Breaker::kHalfOpen:
      if (!ok) {
        breaker_open();
      } else if (++probe_oks_ >= b.probes) {
        breaker_ = Breaker::kClosed;
        ctx_.metrics.end_incident(breaker_incident_, now);
      }
      return;
    case Breaker::kClosed:
      break;
  }
  outcomes_.emplace_back(now, !ok);
  window_failed_ += ok ? 0 : 1;
  while (!outcomes_.empty() && outcomes_.front().first <= now - b.window) {
    window_failed_ -= outcomes_.front().second ? 1 : 0;
    outcomes_.pop_front();
  }
  if (static_cast<int>(outcomes_.size()) >= b.min_attempts &&
      static_cast<double>(window_failed_) >= b.failure_rate * static_cast<double>(outcomes_.size()))
    breaker_open();
}

void Client::send_attempt(std::uint32_t slot) {
  const Seconds now = ctx_.calendar.now();
  auto& e = open_[slot];
  const Open& o = e.value;
  if (!breaker_admits()) {
    // Failed fast by the open breaker: not sent; a retry (if any) waits its backoff.
    attempt_failed(slot, Outcome::kError);
    return;
  }
  Message* m = ctx_.messages.make();
  m->key = o.key;
  if (o.klass >= 0) {
    m->klass = first_class_id_ + static_cast<std::uint32_t>(o.klass);
    m->op = config_.classes[o.klass].op;
  }
  const std::size_t r = target_->pick_replica(*m, replicas_);
  e.value.replica = static_cast<std::uint32_t>(r);
  m->request_id = o.id;
  m->trace = o.trace;
  e.value.sent_at = now;
  m->caller = this;
  m->reply_route = back_[r];
  m->caller_slot = slot;
  m->caller_gen = e.gen;
  m->caller_tag = o.attempt;
  m->issued_at = o.issued_at;
  m->sent_at = now;
  m->request_bytes = config_.request_size;
  m->response_bytes = config_.response_size;
  to_[r]->send_call(*m, m->request_bytes);
  if (config_.timeout) {
    deadlines_.push_back({now + *config_.timeout, slot, e.gen, o.attempt});
    if (!deadline_armed_) {
      deadline_armed_ = true;
      ctx_.calendar.at(deadlines_.front().at, this, kTimeout);
    }
  }
}

Seconds Client::backoff(Open& o) {
  const RetryPolicy& p = *config_.retry;
  Seconds d = 0;
  switch (p.backoff) {
    case RetryPolicy::Backoff::kNone:
      return 0;
    case RetryPolicy::Backoff::kConstant:
      d = p.base;
      break;
    case RetryPolicy::Backoff::kExponential:
      d = std::min(p.cap, p.base * std::ldexp(1.0, static_cast<int>(o.attempt)));
      break;
    case RetryPolicy::Backoff::kDecorrelated: {
      // AWS's "decorrelated jitter": uniform between the base and 3x the last wait, capped.
      const Seconds last = o.attempt == 0 ? p.base : o.last_wait;
      d = std::min(p.cap, p.base + retry_rng_.uniform01() * (3 * last - p.base));
      o.last_wait = d;
      return d;
    }
  }
  switch (p.jitter) {
    case RetryPolicy::Jitter::kNone:
      return d;
    case RetryPolicy::Jitter::kFull:
      return retry_rng_.uniform01() * d;
    case RetryPolicy::Jitter::kEqual:
      return d / 2 + retry_rng_.uniform01() * d / 2;
  }
  return d;
}

void Client::attempt_failed(std::uint32_t slot, Outcome outcome, Seconds retry_after) {
  Open& o = open_[slot].value;
  if (config_.retry) {
    const RetryPolicy& p = *config_.retry;
    const bool retryable = outcome == Outcome::kTimedOut   ? p.on_timeout
                           : outcome == Outcome::kRejected ? p.on_rejected
                                                           : p.on_error;
    const bool budget_ok = !p.budget || budget_tokens_ >= 1;
    if (retryable && o.attempt < static_cast<std::uint32_t>(p.max_retries) && budget_ok) {
      if (p.budget) budget_tokens_ -= 1;
      o.backing_off = true;
      o.backoff_from = ctx_.calendar.now();
      const Seconds wait = std::max(backoff(o), retry_after);
      ctx_.calendar.at(ctx_.calendar.now() + wait, this, kRetry, pack_slot(slot, open_[slot].gen));
      return;
    }
  }
  end(slot, outcome);
}

void Client::end(std::uint32_t slot, Outcome outcome) {
  const Open o = open_[slot].value;
  const bool counted = ctx_.metrics.clock().contains(o.issued_at);
  if (o.trace != 0)  // its attempts and backoffs nest in it
    ctx_.tracer->span(o.trace, config_.name, 0,
                      outcome == Outcome::kOk ? "request" : "request (failed)", "request",
                      o.issued_at, ctx_.calendar.now());
  scope_.request_ended(ctx_.calendar.now(), o.issued_at, outcome, o.id);
  if (o.klass >= 0)
    class_scopes_[o.klass]->request_ended(ctx_.calendar.now(), o.issued_at, outcome);
  open_.release(slot);
  if (o.user >= 0 && ctx_.control.issuing()) think(o.user);
  ctx_.control.request_ended(counted);
}

void Client::on_event(std::uint32_t tag, void* data) {
  switch (tag) {
    case kArrival: {
      if (config_.arrival == ClientConfig::Arrival::kOnOff &&
          reinterpret_cast<std::uintptr_t>(data) != generation_)
        return;  // drawn before the last phase change
      if (!ctx_.control.try_issue()) return;
      issue(-1);
      if (ctx_.control.issuing()) schedule_next_arrival();
      break;
    }
    case kThinkDone: {
      if (!ctx_.control.try_issue()) return;
      issue(static_cast<std::int32_t>(reinterpret_cast<std::intptr_t>(data)));
      break;
    }
    case kPhase:
      on_phase_end();
      break;
    case kShockBegin: {
      if (!ctx_.control.issuing()) return;  // no traffic any more: no shock
      const std::size_t i = reinterpret_cast<std::uintptr_t>(data);
      const ShockWindow& w = config_.shocks[i];
      shocks_[i] = {true, ctx_.metrics.begin_incident(w.kind, config_.name + "/" + w.name,
                                                      config_.name, ctx_.calendar.now())};
      break;
    }
    case kShockEnd: {
      const std::size_t i = reinterpret_cast<std::uintptr_t>(data);
      if (shocks_[i].begun) ctx_.metrics.end_incident(shocks_[i].id, ctx_.calendar.now());
      break;
    }
    case kTimeout:
      deadline_armed_ = false;
      expire_deadlines();
      break;
    case kRetry: {
      const std::uint32_t slot = unpack_slot(data);
      if (!open_.is_current(slot, unpack_gen(data))) return;  // ended (drain) meanwhile
      Open& o = open_[slot].value;
      o.backing_off = false;
      if (o.trace != 0)
        ctx_.tracer->span(o.trace, config_.name, 0, "retry backoff", "backoff", o.backoff_from,
                          ctx_.calendar.now(), o.attempt + 1);
      ++o.attempt;
      scope_.attempt_sent(ctx_.calendar.now(), o.issued_at);
      if (o.klass >= 0) class_scopes_[o.klass]->attempt_sent(ctx_.calendar.now(), o.issued_at);
      send_attempt(slot);
      break;
    }
    default:
      break;
  }
}

void Client::expire_deadlines() {
  const Seconds now = ctx_.calendar.now();
  while (!deadlines_.empty()) {
    const Deadline d = deadlines_.front();
    if (!open_.is_current(d.slot, d.gen) || open_[d.slot].value.attempt != d.attempt ||
        open_[d.slot].value.backing_off) {  // answered in time: nothing to do
      deadlines_.pop_front();
      continue;
    }
    if (d.at > now) break;
    deadlines_.pop_front();
    if (const Open& t = open_[d.slot].value; t.trace != 0)
      ctx_.tracer->span(t.trace, config_.name, 0, "attempt (timed out)", "attempt", t.sent_at, now,
                        t.attempt);
    breaker_record(false);
    if (config_.cancel) {  // tell the callee it may drop the attempt if it has not started
      const Open& o = open_[d.slot].value;
      Message* c = ctx_.messages.make();
      c->cancel = true;
      c->request_id = o.id;
      c->caller = this;
      c->caller_slot = d.slot;
      c->caller_gen = d.gen;
      c->caller_tag = d.attempt;
      c->sent_at = now;
      to_[o.replica]->send_call(*c, 0);
    }
    attempt_failed(d.slot, Outcome::kTimedOut);
  }
  if (!deadlines_.empty()) {
    deadline_armed_ = true;
    ctx_.calendar.at(deadlines_.front().at, this, kTimeout);
  }
}

void Client::on_reply(Message& m) {
  const Seconds now = ctx_.calendar.now();
  const bool current = open_.is_current(m.caller_slot, m.caller_gen);
  scope_.response_received(now, now - m.sent_at, m.issued_at);
  if (m.klass != 0)
    class_scopes_[m.klass - first_class_id_]->response_received(now, now - m.sent_at, m.issued_at);
  const Status status = m.status;
  const std::uint32_t slot = m.caller_slot;
  const bool this_attempt =
      current && open_[slot].value.attempt == m.caller_tag && !open_[slot].value.backing_off;
  const Seconds retry_after = m.retry_after;
  if (this_attempt && m.trace != 0)
    ctx_.tracer->span(m.trace, config_.name, 0,
                      status == Status::kOk ? "attempt" : "attempt (failed)", "attempt", m.sent_at,
                      now, m.caller_tag);
  ctx_.messages.release(&m);
  // The client gave up on this attempt already: counted in throughput only.
  if (!this_attempt) return;
  breaker_record(status == Status::kOk);
  if (status == Status::kOk)
    end(slot, Outcome::kOk);
  else
    attempt_failed(slot, status == Status::kRejected ? Outcome::kRejected : Outcome::kError,
                   retry_after);
}

void Client::on_call(Message& m) {
  // Nothing calls a client (load-time check); reply with an error rather than leak.
  m.status = Status::kError;
  m.reply_route->send_reply(m, 0);
}

void Client::abandon_open_requests(Seconds now) {
  for (std::uint32_t s = 0; s < open_.capacity(); ++s)
    if (open_[s].live) {
      scope_.request_ended(now, open_[s].value.issued_at, Outcome::kUnfinished, open_[s].value.id);
      if (open_[s].value.klass >= 0)
        class_scopes_[open_[s].value.klass]->request_ended(now, open_[s].value.issued_at,
                                                           Outcome::kUnfinished);
      open_.release(s);
    }
}

}  // namespace sdsim
