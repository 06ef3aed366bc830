// Database: S shards of N replicas each (S x N hosts); replica 0 of a shard is its primary.
// Each replica is a station like a service replica (workers, a FIFO waiting room of bounded
// capacity, cores), with a service time per operation (Message::op).
//
// Placement (pick_replica, the callee's rule run by the caller): a key belongs to shard
// mix64(key) mod S; a write goes to its shard's primary; a read to the primary, to a replica
// other than the primary, or to any replica, uniformly (`read_policy`).
//
// Versions: the primary gives each write of key k, when its own work ends, the next version
// of k and applies it at once. The write is *committed* when it is acknowledged to its caller:
//   async: at once; the primary sends it to every other replica of the shard over the network
//          (no acknowledgement); a replica applies it `lag` after it arrives (drawn from the
//          db's "lag" stream; no worker time). A lost message (partition, crash) leaves that
//          replica behind until a later write of the key, or its restart;
//   sync:  the primary sends it to every other replica of the shard over the network; a
//          replica applies it on arrival (after the lag, if one is given; no worker time) and
//          answers; the write is acknowledged when W replicas (the primary included) applied
//          it (W = quorum.write, default N).
// A read is served from the replica's applied version when its own work ends; with quorum
// read R > 1 the serving replica then asks R - 1 other replicas of the shard (distinct,
// uniformly; answered on arrival, no worker time) for their applied version of the key. The
// read is *stale* when the newest version it saw is older than the version of k committed
// when its own work ended. docs/models/database.md.
#pragma once

#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/common/slot_table.hpp"
#include "models/database/database_config.hpp"
#include "sim/engine/message.hpp"
#include "sim/engine/node.hpp"
#include "sim/metrics/station_stats.hpp"

namespace sdsim {

class Database;
class Route;

class DatabaseReplica final : public Node {
 public:
  DatabaseReplica(Database& db, Host& host, std::size_t shard, std::size_t index);
  void on_call(Message& m) override;
  void on_reply(Message& m) override;
  void on_event(std::uint32_t tag, void* data) override;
  // Its host went off: queued and in-progress requests are lost. Its data survives.
  void crash();
  // Back on: it catches up with the shard's committed versions at once.
  void restart();

  std::uint64_t applied(std::uint64_t key) const {
    auto it = applied_.find(key);
    return it == applied_.end() ? 0 : it->second;
  }
  void apply(std::uint64_t key, std::uint64_t version) {
    std::uint64_t& v = applied_[key];
    if (version > v) v = version;  // a later version applied first makes an earlier one moot
  }

 private:
  struct Job {
    Message* message = nullptr;
    Seconds arrived_at = 0;
    Seconds service = 0;
    Seconds started = 0;          // its own work began (for traces)
    std::uint64_t version = 0;    // write: its version; read: the newest version seen
    std::uint64_t committed = 0;  // read: the committed version when its own work ended
    int pending = 0;              // answers still needed (acks of a write, versions of a read)
    bool working = false;         // its own work has not ended (it holds a worker)
  };
  struct Queued {
    Message* message;
    Seconds arrived_at;
  };
  enum Tag : std::uint32_t { kServiceDone = kFirstModelTag, kApplyReplicated, kAckTimeout };

  void begin(Message* m, Seconds arrived_at, bool from_queue);
  void work_done(std::uint32_t slot);
  void write_done(std::uint32_t slot);
  void read_done(std::uint32_t slot);
  void finish(std::uint32_t slot, Status status = Status::kOk);
  void release_worker();
  // A message between replicas of this shard (replication or a version query).
  // `ack`: the peer answers (a sync write's acknowledgement, a version query); async
  // replication wants no answer.
  void send_peer(std::size_t peer, std::uint32_t slot, Op op, std::uint64_t version, bool ack);
  void answer_peer(Message& m);
  // shard x replicas + index: this replica's number among all of the database's (trace tracks).
  std::size_t host_index() const;

  Database& db_;
  std::size_t shard_, index_;  // index within the shard (0 = primary)
  int busy_ = 0, working_ = 0;
  std::deque<Queued> queue_;
  SlotTable<Job> jobs_;
  std::unordered_map<std::uint64_t, std::uint64_t> applied_;  // key -> newest applied version
  std::vector<Route*> to_peer_, from_peer_;                   // per replica of the shard
  std::vector<std::size_t> pick_;                             // scratch: peers to ask
};

class Database final : public Component {
 public:
  Database(const DatabaseConfig& config, SimContext& ctx);
  std::size_t replica_count() const override { return replicas_.size(); }
  Node& replica(std::size_t i) override { return *replicas_[i]; }
  std::size_t pick_replica(const Message& m, RandomStream& rng) const override;
  std::size_t shard_count() const override { return config_.shards; }
  void replica_down(std::size_t i) override { replicas_[i]->crash(); }
  void replica_up(std::size_t i) override { replicas_[i]->restart(); }
  std::size_t pick_replica_in_shard(const Message& m, std::size_t shard,
                                    RandomStream& rng) const override;

 private:
  friend class DatabaseReplica;
  struct Shard {
    std::unordered_map<std::uint64_t, std::uint64_t> assigned;   // key -> newest version given
    std::unordered_map<std::uint64_t, std::uint64_t> committed;  // key -> newest acknowledged
  };
  std::uint64_t committed(std::size_t shard, std::uint64_t key) const {
    auto it = shards_[shard].committed.find(key);
    return it == shards_[shard].committed.end() ? 0 : it->second;
  }
  bool is_peer(const Node* n) const { return peers_.count(n) != 0; }

  const DatabaseConfig& config_;
  SimContext& ctx_;
  StationStats& stats_;
  RandomStream service_rng_;
  RandomStream lag_rng_;
  RandomStream quorum_rng_;  // which replicas a quorum read asks
  RandomStream error_rng_;   // injected errors (faults)
  bool cpu_sharing_;
  ReplicaPlacement placement_;
  std::vector<Shard> shards_;
  std::vector<std::unique_ptr<DatabaseReplica>> replicas_;  // shard s, replica j: s * N + j
  std::unordered_set<const Node*> peers_;
  struct Counters {
    StationStats::CounterId reads, writes, stale_reads, replica_reads, reads_served, lag;
    StationStats::CounterId replication_timeouts = 0;
    std::vector<StationStats::CounterId> reads_at,
        writes_at;  // per host (the first kPerHostCounters)
  } counters_;
};

}  // namespace sdsim
