// Cache: `replicas` replicas, each holding the entries of the keys that hash to it (a stable
// hash of the key: pick_replica sends a key to its replica), each with its own eviction
// policy (CacheStore). A read spends `hit_time`, then:
//   hit                      -> reply, Message::cache = kHit
//   miss, no downstream      -> fill the entry at once, reply kMiss (cache-aside: the caller's
//                               next call `when: cache_miss` goes to the database)
//   miss, downstream         -> read-through: call the downstream component; when its reply
//                               comes back ok, fill the entry; reply kMiss (carrying the
//                               downstream's failure, if any). With `coalesce`, misses on a
//                               key whose downstream call is in flight wait for that call.
// Writes (Message::op == kWrite): without downstream they update the entry; with one,
// write_through (write downstream, update the entry on the ack, reply), write_around (write
// downstream, invalidate the entry, reply after the ack) or write_back (update the entry,
// mark it dirty, reply at once; dirty entries go downstream every flush_interval and when
// evicted). Lookups take a worker (`workers`, default unlimited) for their hit_time and wait
// in a FIFO room when none is free (rejected when it is full, like a service); a worker is
// not held while a downstream call runs. With `timeout`, a downstream call unanswered in time
// fails: its waiters get an error, nothing is filled. Faults: a crashed replica loses its
// entries (dirty ones counted in dirty_lost) and every request it holds; it restarts cold;
// injected errors answer a call with an error on arrival. docs/models/cache.md.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/cache/cache_config.hpp"
#include "models/cache/cache_store.hpp"
#include "models/common/slot_table.hpp"
#include "sim/engine/message.hpp"
#include "sim/engine/node.hpp"
#include "sim/metrics/station_stats.hpp"

namespace sdsim {

class Cache;
class Route;

class CacheReplica final : public Node {
 public:
  CacheReplica(Cache& cache, Host& host, std::size_t index, std::unique_ptr<CachePolicy> policy);
  void connect(Component* downstream);
  void start();
  void on_call(Message& m) override;
  void on_reply(Message& m) override;
  void on_event(std::uint32_t tag, void* data) override;
  // Its host went off: every entry is dropped (the dirty ones are counted in dirty_lost), and
  // every request it holds (queued, in a lookup, waiting on a downstream call) is lost without
  // a reply; its downstream calls are forgotten (late replies and timers are stale).
  void crash();
  const CacheStore& store() const { return store_; }

 private:
  struct Waiter {
    Message* message = nullptr;
    Seconds arrived_at = 0;
    Seconds waiting_since = 0;  // when its lookup ended
  };
  struct Lookup {
    Message* message = nullptr;
    Seconds arrived_at = 0;
    Seconds service = 0;
  };
  struct Queued {
    Message* message;
    Seconds arrived_at;
  };
  enum class CallKind : std::uint8_t { kFetch, kWrite, kFlush };
  struct Call {
    CallKind kind = CallKind::kFetch;
    std::uint64_t key = 0;
    Seconds sent_at = 0;
    // fetch: the misses waiting; write: the writer; flush: none. The first waiter is held
    // inline so that only coalesced misses allocate.
    Waiter first;
    std::vector<Waiter> more;
    void add(const Waiter& w) {
      if (first.message == nullptr)
        first = w;
      else
        more.push_back(w);
    }
  };
  enum Tag : std::uint32_t { kLookupDone = kFirstModelTag, kFlushTick, kCallTimeout };

  void begin(Message* m, Seconds arrived_at, bool from_queue);
  void lookup_done(Message* m, Seconds arrived_at, Seconds service);
  void read(const Waiter& w);
  void write(const Waiter& w);
  std::uint32_t call_downstream(CallKind kind, const Message* parent, std::uint64_t key);
  void absorb(const CacheStore::Fill& fill, Seconds at);
  void flush(std::uint64_t key, Seconds at);
  void reply(const Waiter& w, Status status, CacheResult result);
  void answer(Call& call, Status status, CacheResult result, Seconds network);
  Seconds expiry(Seconds now);

  Cache& cache_;
  std::size_t index_;
  CacheStore store_;
  int busy_ = 0;  // workers doing a lookup
  std::deque<Queued> queue_;
  SlotTable<Lookup> lookups_;
  SlotTable<Call> calls_;
  std::unordered_map<std::uint64_t, std::uint32_t> fetching_;  // key -> fetch call (coalesce)
  Component* downstream_ = nullptr;
  std::vector<Route*> to_, back_;  // per downstream replica, made on first use
};

class Cache final : public Component {
 public:
  Cache(const CacheConfig& config, SimContext& ctx);
  std::size_t replica_count() const override { return replicas_.size(); }
  Node& replica(std::size_t i) override { return *replicas_[i]; }
  // Keys are partitioned over replicas by a stable hash: a key always goes to one replica.
  std::size_t pick_replica(const Message& m, RandomStream& rng) const override;
  void connect(const ComponentDirectory& directory) override;
  void start() override;
  CacheReplica& cache_replica(std::size_t i) { return *replicas_[i]; }
  // The replica restarts cold: its crash dropped everything (replica_up has nothing to do).
  void replica_down(std::size_t i) override { replicas_[i]->crash(); }

 private:
  friend class CacheReplica;
  struct Counters {
    StationStats::CounterId hits, misses, evictions, expirations, coalesced, writes, dirty_flushed;
    // Registered only when they can happen: write_back with a downstream; a timeout.
    std::optional<StationStats::CounterId> dirty_lost, downstream_timeouts;
  };

  const CacheConfig& config_;
  SimContext& ctx_;
  StationStats& stats_;
  Counters counters_{};
  RandomStream hit_time_rng_;
  RandomStream ttl_rng_;
  RandomStream replica_rng_;  // which replica of the downstream component
  RandomStream error_rng_;    // injected errors (faults)
  std::vector<std::unique_ptr<CacheReplica>> replicas_;
};

}  // namespace sdsim
