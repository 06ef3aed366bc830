// Database configuration (`kind: database`): a primary and its replicas (per shard), each a
// station with workers, cores and a waiting room like a service; service time per operation;
// replication (async with a lag, or sync), read placement and quorums.
// docs/models/database.md describes the semantics.
#pragma once

#include <memory>
#include <string>

#include "models/common/station_keys.hpp"
#include "models/database/replica_placement.hpp"
#include "sim/config/map_reader.hpp"
#include "sim/dist/distribution.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

struct DatabaseConfig final : ComponentConfig {
  enum class Replication {
    kAsync,  // the primary acknowledges a write alone; replica j applies it after `lag`
    kSync,   // replicated by messages; acknowledged after write_quorum replicas applied it
  };

  int replicas = 1;  // N per shard, the primary included
  int shards = 1;    // S: keys partitioned by a stable hash; S x N hosts
  StationKeys station;
  std::shared_ptr<const Distribution> read_time, write_time;
  ReadPolicy read_policy = ReadPolicy::kAny;
  Replication replication = Replication::kAsync;
  std::shared_ptr<const Distribution> lag;  // null: 0
  // sync: a write still short of W acknowledgements this long after its own work ended fails
  // (an error to its caller); absent: it waits (a crashed or cut replica then holds it).
  std::optional<Seconds> replication_timeout;
  int read_quorum = 1;   // R: replicas a read consults
  int write_quorum = 1;  // W: replicas (primary included) that applied a write before its ack

  int replica_count() const override { return replicas * shards; }
  int shard_count() const override { return shards; }
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_database(MapReader& item);

}  // namespace sdsim
