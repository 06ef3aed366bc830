#include "models/cache/cache.hpp"

#include "models/common/answer.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/metrics/tracer.hpp"

namespace sdsim {

Cache::Cache(const CacheConfig& config, SimContext& ctx)
    : Component(config.name),
      config_(config),
      ctx_(ctx),
      stats_(ctx.metrics.add_station(
          config.name,
          StationShape{"cache", config.replicas, config.workers, config.workers,
                       config.queue_capacity.has_value(), false, config.downstream.has_value()})),
      hit_time_rng_(ctx.stream(config.name, "hit_time")),
      ttl_rng_(ctx.stream(config.name, "ttl_jitter")),
      replica_rng_(ctx.stream(config.name, "replica")),
      error_rng_(ctx.stream(config.name, "errors")) {
  counters_.hits = stats_.add_counter("hits");
  counters_.misses = stats_.add_counter("misses");
  stats_.add_ratio("hit_ratio", {counters_.hits}, {counters_.hits, counters_.misses});
  counters_.evictions = stats_.add_counter("evictions");
  counters_.expirations = stats_.add_counter("expirations");
  counters_.coalesced = stats_.add_counter("coalesced");
  counters_.writes = stats_.add_counter("writes");
  counters_.dirty_flushed = stats_.add_counter("dirty_flushed");
  if (config.downstream && config.write_policy == CacheConfig::WritePolicy::kWriteBack)
    counters_.dirty_lost = stats_.add_counter("dirty_lost");
  if (config.timeout) counters_.downstream_timeouts = stats_.add_counter("downstream_timeouts");
  for (int i = 0; i < config.replicas; ++i) {
    const std::string host_name = config.name + "[" + std::to_string(i) + "]";
    Host& h = ctx.platform.add_host(host_name, 1);
    replicas_.push_back(std::make_unique<CacheReplica>(
        *this, h, replicas_.size(),
        make_cache_policy(config.policy, static_cast<std::size_t>(config.capacity),
                          ctx.stream(host_name, "eviction"))));
  }
}

std::size_t Cache::pick_replica(const Message& m, RandomStream&) const {
  const std::size_t n = replicas_.size();
  return n == 1 ? 0 : static_cast<std::size_t>(mix64(m.key) % n);
}

void Cache::connect(const ComponentDirectory& directory) {
  Component* d = config_.downstream ? &directory.get(config_.downstream->name) : nullptr;
  for (auto& r : replicas_) r->connect(d);
}

void Cache::start() {
  for (auto& r : replicas_) r->start();
}

CacheReplica::CacheReplica(Cache& cache, Host& host, std::size_t index,
                           std::unique_ptr<CachePolicy> policy)
    : Node(host), cache_(cache), index_(index), store_(std::move(policy)) {}

void CacheReplica::connect(Component* downstream) {
  downstream_ = downstream;
  if (downstream_ == nullptr) return;
  to_.assign(downstream_->replica_count(), nullptr);
  back_.assign(downstream_->replica_count(), nullptr);
}

void CacheReplica::start() {
  const CacheConfig& cfg = cache_.config_;
  if (downstream_ != nullptr && cfg.write_policy == CacheConfig::WritePolicy::kWriteBack)
    cache_.ctx_.calendar.after(cfg.flush_interval, this, kFlushTick);
}

Seconds CacheReplica::expiry(Seconds now) {
  const CacheConfig& cfg = cache_.config_;
  if (!cfg.ttl) return CacheStore::kNever;
  if (cfg.ttl_jitter <= 0) return now + *cfg.ttl;
  const double u = 2 * cache_.ttl_rng_.uniform01() - 1;
  return now + *cfg.ttl * (1 + cfg.ttl_jitter * u);
}

void CacheReplica::on_call(Message& m) {
  Cache& c = cache_;
  const CacheConfig& cfg = c.config_;
  const Seconds now = c.ctx_.calendar.now();
  c.stats_.arrived(now);
  if (const double p = c.error_probability(index_); p > 0 && c.error_rng_.uniform01() < p) {
    c.stats_.errored(now, now);
    answer_at_once(m, Status::kError);
    return;
  }
  if (cfg.workers == 0 || busy_ < cfg.workers) {
    begin(&m, now, false);
    return;
  }
  if (!cfg.queue_capacity || static_cast<std::int64_t>(queue_.size()) < *cfg.queue_capacity) {
    queue_.push_back({&m, now});
    c.stats_.queued(now);
    return;
  }
  c.stats_.rejected(now, now);
  answer_at_once(m, Status::kRejected);
}

void CacheReplica::begin(Message* m, Seconds arrived_at, bool from_queue) {
  Cache& c = cache_;
  const Seconds now = c.ctx_.calendar.now();
  ++busy_;
  c.stats_.started(now, arrived_at, from_queue);
  if (m->trace != 0 && now > arrived_at)
    c.ctx_.tracer->span(m->trace, c.name(), index_, "queue wait", "queue", arrived_at, now);
  const Seconds service = c.config_.hit_time ? c.config_.hit_time->sample(c.hit_time_rng_) : 0;
  if (service <= 0) {
    lookup_done(m, arrived_at, 0);
    return;
  }
  const std::uint32_t slot = lookups_.acquire();
  lookups_[slot].value = {m, arrived_at, service};
  c.ctx_.calendar.at(now + service, this, kLookupDone, pack_slot(slot, lookups_[slot].gen));
}

void CacheReplica::on_event(std::uint32_t tag, void* data) {
  Cache& c = cache_;
  if (tag == kLookupDone) {
    const std::uint32_t slot = unpack_slot(data);
    if (!lookups_.is_current(slot, unpack_gen(data))) return;
    const Lookup l = lookups_[slot].value;
    lookups_.release(slot);
    lookup_done(l.message, l.arrived_at, l.service);
    return;
  }
  if (tag == kFlushTick) {
    // While the replica is down its store is empty: nothing to flush.
    const Seconds now = c.ctx_.calendar.now();
    for (std::uint64_t key : store_.take_dirty()) flush(key, now);
    c.ctx_.calendar.after(c.config_.flush_interval, this, kFlushTick);
    return;
  }
  if (tag == kCallTimeout) {
    const std::uint32_t slot = unpack_slot(data);
    if (!calls_.is_current(slot, unpack_gen(data))) return;  // answered in time, or crashed
    Call call = std::move(calls_[slot].value);
    calls_.release(slot);  // its late reply is stale now
    const Seconds now = c.ctx_.calendar.now();
    c.stats_.count(*c.counters_.downstream_timeouts,
                   call.kind == CallKind::kFlush ? now : call.first.arrived_at);
    switch (call.kind) {
      case CallKind::kFlush:
        return;  // the entry was written off as clean when it was flushed
      case CallKind::kFetch: {
        auto it = fetching_.find(call.key);
        if (it != fetching_.end() && it->second == slot) fetching_.erase(it);
        answer(call, Status::kError, CacheResult::kMiss, 0);
        return;
      }
      case CallKind::kWrite:
        answer(call, Status::kError, CacheResult::kNone, 0);
        return;
    }
  }
}

void CacheReplica::lookup_done(Message* m, Seconds arrived_at, Seconds service) {
  Cache& c = cache_;
  const Seconds now = c.ctx_.calendar.now();
  c.stats_.finished(now, arrived_at, service);
  if (m->trace != 0 && service > 0)
    c.ctx_.tracer->span(m->trace, c.name(), index_, "lookup", "service", now - service, now);
  --busy_;
  const Waiter w{m, arrived_at, now};
  if (m->op == Op::kWrite)
    write(w);
  else
    read(w);
  // The next lookup starts after this one's reply or downstream call (same date).
  if (!queue_.empty() && (c.config_.workers == 0 || busy_ < c.config_.workers)) {
    const Queued next = queue_.front();
    queue_.pop_front();
    begin(next.message, next.arrived_at, true);
  }
}

void CacheReplica::read(const Waiter& w) {
  Cache& c = cache_;
  const Seconds now = c.ctx_.calendar.now();
  const std::uint64_t key = w.message->key;
  const CacheStore::Lookup r = store_.read(key, now);
  if (r == CacheStore::Lookup::kHit) {
    c.stats_.count(c.counters_.hits, w.arrived_at);
    reply(w, Status::kOk, CacheResult::kHit);
    return;
  }
  c.stats_.count(c.counters_.misses, w.arrived_at);
  if (r == CacheStore::Lookup::kExpired) c.stats_.count(c.counters_.expirations, w.arrived_at);
  if (downstream_ == nullptr) {
    // Cache-aside: the caller reads the database next; the entry is filled now.
    absorb(store_.fill_if_absent(key, expiry(now)), w.arrived_at);
    reply(w, Status::kOk, CacheResult::kMiss);
    return;
  }
  if (c.config_.coalesce) {
    auto it = fetching_.find(key);
    if (it != fetching_.end()) {
      c.stats_.count(c.counters_.coalesced, w.arrived_at);
      calls_[it->second].value.add(w);
      return;
    }
  }
  const std::uint32_t call = call_downstream(CallKind::kFetch, w.message, key);
  calls_[call].value.add(w);
  if (c.config_.coalesce) fetching_.emplace(key, call);
}

void CacheReplica::write(const Waiter& w) {
  Cache& c = cache_;
  const Seconds now = c.ctx_.calendar.now();
  const std::uint64_t key = w.message->key;
  c.stats_.count(c.counters_.writes, w.arrived_at);
  if (downstream_ == nullptr) {
    absorb(store_.write(key, expiry(now), false), w.arrived_at);
    reply(w, Status::kOk, CacheResult::kNone);
    return;
  }
  switch (c.config_.write_policy) {
    case CacheConfig::WritePolicy::kWriteBack: {
      const CacheStore::Fill f = store_.write(key, expiry(now), true);
      absorb(f, w.arrived_at);
      if (!f.admitted) flush(key, w.arrived_at);  // not cached (perfect_lfu): write it now
      reply(w, Status::kOk, CacheResult::kNone);
      return;
    }
    case CacheConfig::WritePolicy::kWriteAround:
      store_.invalidate(key);
      break;
    case CacheConfig::WritePolicy::kWriteThrough:
      break;
  }
  const std::uint32_t call = call_downstream(CallKind::kWrite, w.message, key);
  calls_[call].value.add(w);
}

std::uint32_t CacheReplica::call_downstream(CallKind kind, const Message* parent,
                                            std::uint64_t key) {
  SimContext& ctx = cache_.ctx_;
  const Seconds now = ctx.calendar.now();
  Message* m = ctx.messages.make();
  m->request_id = parent != nullptr ? parent->request_id : 0;
  m->trace = parent != nullptr ? parent->trace : 0;
  m->issued_at = parent != nullptr ? parent->issued_at : now;
  m->klass = parent != nullptr ? parent->klass : 0;
  m->key = key;
  m->op = kind == CallKind::kFetch ? Op::kRead : Op::kWrite;
  m->request_bytes = 0;
  m->response_bytes = 0;
  const std::size_t r = downstream_->pick_replica(*m, cache_.replica_rng_);
  if (to_[r] == nullptr) {
    Node& callee = downstream_->replica(r);
    to_[r] = &ctx.network.route(*this, callee);
    back_[r] = &ctx.network.route(callee, *this);
  }
  const std::uint32_t slot = calls_.acquire();
  Call& call = calls_[slot].value;
  call.kind = kind;
  call.key = key;
  call.sent_at = now;
  m->caller = this;
  m->reply_route = back_[r];
  m->caller_slot = slot;
  m->caller_gen = calls_[slot].gen;
  m->sent_at = now;
  to_[r]->send_call(*m, m->request_bytes);
  if (cache_.config_.timeout)
    ctx.calendar.at(now + *cache_.config_.timeout, this, kCallTimeout,
                    pack_slot(slot, calls_[slot].gen));
  return slot;
}

void CacheReplica::absorb(const CacheStore::Fill& fill, Seconds at) {
  if (!fill.evicted) return;
  cache_.stats_.count(cache_.counters_.evictions, at);
  if (fill.evicted->dirty) flush(fill.evicted->key, at);
}

void CacheReplica::flush(std::uint64_t key, Seconds at) {
  cache_.stats_.count(cache_.counters_.dirty_flushed, at);
  call_downstream(CallKind::kFlush, nullptr, key);
}

void CacheReplica::on_reply(Message& m) {
  Cache& c = cache_;
  SimContext& ctx = c.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::uint32_t slot = m.caller_slot;
  const bool current = calls_.is_current(slot, m.caller_gen);
  const Status status = m.status;
  const Seconds held = m.held_for;
  ctx.messages.release(&m);
  if (!current) return;
  Call call = std::move(calls_[slot].value);
  calls_.release(slot);
  const bool ok = status == Status::kOk;
  CacheResult result = CacheResult::kNone;
  switch (call.kind) {
    case CallKind::kFlush:
      return;  // background work: nobody waits for it
    case CallKind::kFetch: {
      auto it = fetching_.find(call.key);
      if (it != fetching_.end() && it->second == slot) fetching_.erase(it);
      if (ok) absorb(store_.fill_if_absent(call.key, expiry(now)), call.first.arrived_at);
      result = CacheResult::kMiss;
      break;
    }
    case CallKind::kWrite:
      if (ok && c.config_.write_policy == CacheConfig::WritePolicy::kWriteThrough)
        absorb(store_.write(call.key, expiry(now), false), call.first.arrived_at);
      break;
  }
  answer(call, status, result, (now - call.sent_at) - held);
}

void CacheReplica::answer(Call& call, Status status, CacheResult result, Seconds network) {
  Cache& c = cache_;
  const Seconds now = c.ctx_.calendar.now();
  // The network share goes to the request that made the call; coalesced ones only waited.
  c.stats_.downstream_done(call.first.arrived_at, now - call.first.waiting_since, network);
  reply(call.first, status, result);
  for (const Waiter& w : call.more) {
    c.stats_.downstream_done(w.arrived_at, now - w.waiting_since, 0);
    reply(w, status, result);
  }
}

void CacheReplica::reply(const Waiter& w, Status status, CacheResult result) {
  const Seconds now = cache_.ctx_.calendar.now();
  cache_.stats_.departed(now, w.arrived_at);
  Message& m = *w.message;
  if (m.trace != 0) {  // the whole stay, named by its outcome (a miss includes the fetch)
    const char* what = status != Status::kOk          ? "failed"
                       : result == CacheResult::kHit  ? "hit"
                       : result == CacheResult::kMiss ? "miss"
                                                      : "write";
    cache_.ctx_.tracer->span(m.trace, cache_.name(), index_, what, "residence", w.arrived_at, now);
  }
  m.status = status;
  m.cache = result;
  m.held_for = now - w.arrived_at;
  m.reply_route->send_reply(m, m.response_bytes);
}

void CacheReplica::crash() {
  Cache& c = cache_;
  SimContext& ctx = c.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::uint64_t dirty = store_.drop_all();  // cold: it restarts empty
  if (dirty > 0 && c.counters_.dirty_lost) c.stats_.count(*c.counters_.dirty_lost, now, dirty);
  for (const Queued& q : queue_) {
    c.stats_.lost(now, q.arrived_at, true, true, false);
    ctx.messages.release(q.message);
  }
  queue_.clear();
  lookups_.for_each_live([&](std::uint32_t slot, Lookup& l) {
    c.stats_.lost(now, l.arrived_at, false, true, true);
    ctx.messages.release(l.message);
    lookups_.release(slot);  // its kLookupDone timer is stale now
  });
  // Requests waiting on a downstream call (the one that made it and the coalesced ones) had
  // ended their lookup: they hold no worker and are out of the local scope.
  calls_.for_each_live([&](std::uint32_t slot, Call& call) {
    auto drop = [&](const Waiter& w) {
      c.stats_.lost(now, w.arrived_at, false, false, false);
      ctx.messages.release(w.message);
    };
    if (call.first.message != nullptr) drop(call.first);
    for (const Waiter& w : call.more) drop(w);
    calls_.release(slot);  // replies and timeouts still on the way are stale now
  });
  fetching_.clear();
  busy_ = 0;
}

}  // namespace sdsim
