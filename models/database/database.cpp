#include "models/database/database.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/common/answer.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/cpu.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/metrics/tracer.hpp"

namespace sdsim {

namespace {

// Per-host arrival counters (reads_at_<i>, writes_at_<i>) are reported for the first hosts
// only, so a large database does not flood timeseries.csv.
constexpr std::size_t kPerHostCounters = 32;

// A replicated write that wants no acknowledgement (async replication) has this caller slot.
constexpr std::uint32_t kNoAck = 0xffffffffu;

// Messages between replicas carry a version in Message::caller_tag.
std::uint32_t version_tag(std::uint64_t version) {
  if (version > std::numeric_limits<std::uint32_t>::max())
    throw std::logic_error("database: more than 2^32 writes to one key");
  return static_cast<std::uint32_t>(version);
}

}  // namespace

Database::Database(const DatabaseConfig& config, SimContext& ctx)
    : Component(config.name),
      config_(config),
      ctx_(ctx),
      stats_(ctx.metrics.add_station(
          config.name,
          StationShape{"database", config.replicas * config.shards, config.station.workers,
                       config.station.cores > 0 || config.station.workers > 0
                           ? config.station.effective_cores()
                           : 0,
                       config.station.queue_capacity.has_value(),
                       config.station.cpu_sharing() || ctx.scenario.faults.slows(config.name),
                       false})),
      service_rng_(ctx.stream(config.name, "service_time")),
      lag_rng_(ctx.stream(config.name, "lag")),
      quorum_rng_(ctx.stream(config.name, "quorum")),
      error_rng_(ctx.stream(config.name, "errors")),
      // A slow-node fault needs the work as executions, which slow down with their host.
      cpu_sharing_(config.station.cpu_sharing() || ctx.scenario.faults.slows(config.name)),
      placement_(static_cast<std::size_t>(config.shards), static_cast<std::size_t>(config.replicas),
                 config.read_policy),
      shards_(static_cast<std::size_t>(config.shards)) {
  counters_.reads = stats_.add_counter("reads");
  counters_.writes = stats_.add_counter("writes");
  counters_.reads_served = stats_.add_counter("reads_served");
  counters_.replica_reads = stats_.add_counter("replica_reads");
  counters_.stale_reads = stats_.add_counter("stale_reads");
  stats_.add_ratio("stale_read_ratio", {counters_.stale_reads}, {counters_.replica_reads});
  counters_.lag = stats_.add_mean_ms("replication_lag");
  if (config.replication_timeout)
    counters_.replication_timeouts = stats_.add_counter("replication_timeouts");
  const std::size_t hosts = static_cast<std::size_t>(config.replicas * config.shards);
  for (std::size_t i = 0; i < std::min(hosts, kPerHostCounters); ++i) {
    counters_.reads_at.push_back(stats_.add_counter("reads_at_" + std::to_string(i)));
    counters_.writes_at.push_back(stats_.add_counter("writes_at_" + std::to_string(i)));
  }
  for (std::size_t i = 0; i < hosts; ++i) {
    Host& h = ctx.platform.add_host(config.name + "[" + std::to_string(i) + "]",
                                    config.station.effective_cores());
    const auto n = static_cast<std::size_t>(config.replicas);
    replicas_.push_back(std::make_unique<DatabaseReplica>(*this, h, i / n, i % n));
    peers_.insert(replicas_.back().get());
  }
}

std::size_t Database::pick_replica(const Message& m, RandomStream& rng) const {
  return placement_.pick(m.op, placement_.shard_of(m.key), rng);
}

std::size_t Database::pick_replica_in_shard(const Message& m, std::size_t shard,
                                            RandomStream& rng) const {
  return placement_.pick(m.op, shard, rng);
}

DatabaseReplica::DatabaseReplica(Database& db, Host& host, std::size_t shard, std::size_t index)
    : Node(host),
      db_(db),
      shard_(shard),
      index_(index),
      to_peer_(static_cast<std::size_t>(db.config_.replicas), nullptr),
      from_peer_(static_cast<std::size_t>(db.config_.replicas), nullptr) {}

std::size_t DatabaseReplica::host_index() const {
  return shard_ * static_cast<std::size_t>(db_.config_.replicas) + index_;
}

void DatabaseReplica::on_call(Message& m) {
  if (db_.is_peer(m.caller)) {
    answer_peer(m);
    return;
  }
  Database& db = db_;
  const Seconds now = db.ctx_.calendar.now();
  const DatabaseConfig& cfg = db.config_;
  db.stats_.arrived(now);
  const std::size_t host = host_index();
  if (const double p = db.error_probability(host); p > 0 && db.error_rng_.uniform01() < p) {
    db.stats_.errored(now, now);
    answer_at_once(m, Status::kError);
    return;
  }
  const bool write = m.op == Op::kWrite;
  db.stats_.count(write ? db.counters_.writes : db.counters_.reads, now);
  if (host < db.counters_.reads_at.size())
    db.stats_.count(write ? db.counters_.writes_at[host] : db.counters_.reads_at[host], now);
  m.stale = false;
  m.cache = CacheResult::kNone;
  if (write && index_ != 0) {
    // Only a primary takes writes (pick_replica sends them there; a fan-out to every replica
    // does not): answered at once with an error, counted as a rejection.
    db.stats_.rejected(now, now);
    answer_at_once(m, Status::kError);
    return;
  }
  const int workers = cfg.station.workers;
  if (workers == 0 || busy_ < workers) {
    begin(&m, now, false);
    return;
  }
  if (!cfg.station.queue_capacity ||
      static_cast<std::int64_t>(queue_.size()) < *cfg.station.queue_capacity) {
    queue_.push_back({&m, now});
    db.stats_.queued(now);
    return;
  }
  db.stats_.rejected(now, now);
  answer_at_once(m, Status::kRejected);
}

void DatabaseReplica::crash() {
  Database& db = db_;
  SimContext& ctx = db.ctx_;
  const Seconds now = ctx.calendar.now();
  for (const Queued& q : queue_) {
    db.stats_.lost(now, q.arrived_at, true, true, false);
    ctx.messages.release(q.message);
  }
  queue_.clear();
  const int on_cores = db.cpu_sharing_ ? std::min(working_, host().cores()) : 0;
  if (on_cores > 0) db.stats_.cpu_busy(now, -on_cores);
  // Jobs still working hold a worker; the others wait for acknowledgements or versions.
  jobs_.for_each_live([&](std::uint32_t slot, Job& j) {
    db.stats_.lost(now, j.arrived_at, false, j.working, j.working);
    ctx.messages.release(j.message);
    jobs_.release(slot);  // answers still on the way are stale now
  });
  busy_ = working_ = 0;
}

void DatabaseReplica::restart() {
  for (const auto& [key, version] : db_.shards_[shard_].committed) apply(key, version);
}

void DatabaseReplica::begin(Message* m, Seconds arrived_at, bool from_queue) {
  Database& db = db_;
  const Seconds now = db.ctx_.calendar.now();
  ++busy_;
  ++working_;
  db.stats_.started(now, arrived_at, from_queue);
  if (m->trace != 0 && now > arrived_at)
    db.ctx_.tracer->span(m->trace, db.name(), host_index(), "queue wait", "queue", arrived_at, now);
  const Distribution& law = m->op == Op::kWrite ? *db.config_.write_time : *db.config_.read_time;
  const Seconds work = law.sample(db.service_rng_);
  const std::uint32_t slot = jobs_.acquire();
  Job& j = jobs_[slot].value;
  j.message = m;
  j.arrived_at = arrived_at;
  j.service = work;
  j.started = now;
  j.working = true;
  void* data = pack_slot(slot, jobs_[slot].gen);
  if (!db.cpu_sharing_) {
    db.ctx_.calendar.at(now + work, this, kServiceDone, data);
  } else {
    if (working_ <= host().cores()) db.stats_.cpu_busy(now, 1);
    db.ctx_.cpu.start(host(), work, this, kServiceDone, data);
  }
}

void DatabaseReplica::on_event(std::uint32_t tag, void* data) {
  switch (tag) {
    case kServiceDone:
      // A job lost in a crash has a new generation (its timer still fires).
      if (jobs_.is_current(unpack_slot(data), unpack_gen(data))) work_done(unpack_slot(data));
      return;
    case kAckTimeout: {
      const std::uint32_t slot = unpack_slot(data);
      if (!jobs_.is_current(slot, unpack_gen(data))) return;  // acknowledged in time
      // Short of W acknowledgements: the write fails. It stays applied where it got to (as a
      // write a client gave up on would), but is not committed.
      db_.stats_.count(db_.counters_.replication_timeouts, jobs_[slot].value.arrived_at);
      finish(slot, Status::kError);
      return;
    }
    case kApplyReplicated: {
      Message& m = *static_cast<Message*>(data);
      if (!host().is_on()) {  // it crashed while the write waited for its lag
        db_.ctx_.messages.release(&m);
        return;
      }
      apply(m.key, m.caller_tag);
      db_.stats_.sample(db_.counters_.lag, m.sent_at, db_.ctx_.calendar.now() - m.sent_at);
      if (m.caller_slot == kNoAck) {  // async: nobody waits for it
        db_.ctx_.messages.release(&m);
        return;
      }
      answer_at_once(m, Status::kOk);
      return;
    }
    default:
      return;
  }
}

void DatabaseReplica::work_done(std::uint32_t slot) {
  Database& db = db_;
  const Seconds now = db.ctx_.calendar.now();
  if (db.cpu_sharing_ && working_ <= host().cores()) db.stats_.cpu_busy(now, -1);
  --working_;
  Job& j = jobs_[slot].value;
  j.working = false;
  db.stats_.work_done(now, j.arrived_at, j.service);
  if (j.message->trace != 0)
    db.ctx_.tracer->span(j.message->trace, db.name(), host_index(),
                         j.message->op == Op::kWrite ? "write" : "read", "service", j.started, now);
  if (j.message->op == Op::kWrite)
    write_done(slot);
  else
    read_done(slot);
  // Released last: a request taken from the queue now may reuse the job table.
  release_worker();
}

void DatabaseReplica::release_worker() {
  Database& db = db_;
  --busy_;
  db.stats_.worker_released(db.ctx_.calendar.now());
  const int workers = db.config_.station.workers;
  if (!queue_.empty() && (workers == 0 || busy_ < workers)) {
    const Queued next = queue_.front();
    queue_.pop_front();
    begin(next.message, next.arrived_at, true);
  }
}

void DatabaseReplica::write_done(std::uint32_t slot) {
  Database& db = db_;
  SimContext& ctx = db.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::uint64_t key = jobs_[slot].value.message->key;
  Database::Shard& shard = db.shards_[shard_];
  const std::uint64_t version = ++shard.assigned[key];
  apply(key, version);
  jobs_[slot].value.version = version;
  const auto n = static_cast<std::size_t>(db.config_.replicas);
  if (db.config_.replication == DatabaseConfig::Replication::kAsync) {
    std::uint64_t& c = shard.committed[key];
    c = std::max(c, version);
    // Each replica gets the write over the network (a partition or a crash loses it: that
    // replica stays behind until a later write of the key reaches it, or it restarts) and
    // applies it `lag` after it arrives. No acknowledgement.
    for (std::size_t p = 0; p < n; ++p)
      if (p != index_) send_peer(p, slot, Op::kWrite, version, false);
    finish(slot);
    return;
  }
  jobs_[slot].value.pending = db.config_.write_quorum - 1;
  for (std::size_t p = 0; p < n; ++p)
    if (p != index_) send_peer(p, slot, Op::kWrite, version, true);
  if (db.config_.replication_timeout && jobs_[slot].value.pending > 0)
    ctx.calendar.at(now + *db.config_.replication_timeout, this, kAckTimeout,
                    pack_slot(slot, jobs_[slot].gen));
  if (jobs_[slot].value.pending == 0) {
    std::uint64_t& c = shard.committed[key];
    c = std::max(c, version);
    finish(slot);
  }
}

void DatabaseReplica::read_done(std::uint32_t slot) {
  Database& db = db_;
  Job& j = jobs_[slot].value;
  const std::uint64_t key = j.message->key;
  j.version = applied(key);
  j.committed = db.committed(shard_, key);
  const int r = db.config_.read_quorum;
  if (r <= 1) {
    finish(slot);
    return;
  }
  // Ask r - 1 distinct other replicas of the shard, uniformly (a partial Fisher-Yates draw).
  const auto n = static_cast<std::size_t>(db.config_.replicas);
  pick_.clear();
  for (std::size_t p = 0; p < n; ++p)
    if (p != index_) pick_.push_back(p);
  const auto ask = static_cast<std::size_t>(r - 1);
  for (std::size_t i = 0; i < ask; ++i)
    std::swap(pick_[i], pick_[i + db.quorum_rng_.below(pick_.size() - i)]);
  j.pending = r - 1;
  for (std::size_t i = 0; i < ask; ++i) send_peer(pick_[i], slot, Op::kRead, 0, true);
}

void DatabaseReplica::send_peer(std::size_t peer, std::uint32_t slot, Op op, std::uint64_t version,
                                bool ack) {
  Database& db = db_;
  SimContext& ctx = db.ctx_;
  if (to_peer_[peer] == nullptr) {
    Node& other = *db.replicas_[shard_ * static_cast<std::size_t>(db.config_.replicas) + peer];
    to_peer_[peer] = &ctx.network.route(*this, other);
    from_peer_[peer] = &ctx.network.route(other, *this);
  }
  const Message& parent = *jobs_[slot].value.message;
  Message* m = ctx.messages.make();
  m->request_id = parent.request_id;
  m->trace = parent.trace;
  m->caller = this;
  m->reply_route = from_peer_[peer];
  m->caller_slot = ack ? slot : kNoAck;
  m->caller_gen = jobs_[slot].gen;
  m->issued_at = parent.issued_at;
  m->sent_at = ctx.calendar.now();
  m->key = parent.key;
  m->op = op;
  m->caller_tag = version_tag(version);
  // A replicated write carries the write's payload; a version query carries nothing.
  m->request_bytes = op == Op::kWrite ? parent.request_bytes : 0;
  m->response_bytes = 0;
  to_peer_[peer]->send_call(*m, m->request_bytes);
}

void DatabaseReplica::answer_peer(Message& m) {
  Database& db = db_;
  if (m.op == Op::kRead) {
    m.caller_tag = version_tag(applied(m.key));
    answer_at_once(m, Status::kOk);
    return;
  }
  // A replicated write: applied on arrival, or after the lag when one is given.
  const Seconds delay = db.config_.lag ? db.config_.lag->sample(db.lag_rng_) : 0;
  if (delay > 0)
    db.ctx_.calendar.after(delay, this, kApplyReplicated, &m);
  else
    on_event(kApplyReplicated, &m);
}

void DatabaseReplica::on_reply(Message& m) {
  Database& db = db_;
  const std::uint32_t slot = m.caller_slot;
  const bool current = jobs_.is_current(slot, m.caller_gen);
  const std::uint64_t version = m.caller_tag;
  const Op op = m.op;
  db.ctx_.messages.release(&m);
  if (!current) return;  // an ack beyond the write quorum: the write was acknowledged already
  Job& j = jobs_[slot].value;
  if (op == Op::kRead) j.version = std::max(j.version, version);
  if (--j.pending > 0) return;
  if (op == Op::kWrite) {
    std::uint64_t& c = db.shards_[shard_].committed[j.message->key];
    c = std::max(c, j.version);
  }
  finish(slot);
}

void DatabaseReplica::finish(std::uint32_t slot, Status status) {
  Database& db = db_;
  const Seconds now = db.ctx_.calendar.now();
  const Job j = jobs_[slot].value;
  jobs_.release(slot);
  Message& m = *j.message;
  if (m.op == Op::kRead) {
    const bool stale = j.version < j.committed;
    m.stale = stale;
    db.stats_.count(db.counters_.reads_served, j.arrived_at);
    if (index_ != 0) db.stats_.count(db.counters_.replica_reads, j.arrived_at);
    if (stale) db.stats_.count(db.counters_.stale_reads, j.arrived_at);
  }
  db.stats_.departed(now, j.arrived_at);
  if (m.trace != 0)  // the whole stay: queue, work, and the replicas' answers for a quorum
    db.ctx_.tracer->span(m.trace, db.name(), host_index(), "handle", "residence", j.arrived_at,
                         now);
  m.status = status;
  m.held_for = now - j.arrived_at;
  m.reply_route->send_reply(m, m.response_bytes);
}

}  // namespace sdsim
