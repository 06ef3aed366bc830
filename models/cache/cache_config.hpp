// Cache configuration (`kind: cache`): capacity and eviction policy, lookup time, TTL,
// read-through and write policies. docs/models/cache.md describes the semantics.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "models/cache/cache_policy.hpp"
#include "sim/config/map_reader.hpp"
#include "sim/dist/distribution.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

struct CacheConfig final : ComponentConfig {
  enum class WritePolicy { kWriteThrough, kWriteAround, kWriteBack };

  std::int64_t capacity = 0;  // entries per replica
  CachePolicyKind policy = CachePolicyKind::kLru;
  std::shared_ptr<const Distribution> hit_time;  // null: 0
  int replicas = 1;
  int workers = 0;                             // lookups at once per replica; 0 = unlimited
  std::optional<std::int64_t> queue_capacity;  // waiting room per replica; absent = unbounded
  std::optional<NameRef> downstream;           // read-through / write target
  bool coalesce = true;                        // with downstream
  std::optional<Seconds> ttl;                  // absent: never expires
  double ttl_jitter = 0;                       // fraction: ttl * (1 + U(-j, +j))
  WritePolicy write_policy = WritePolicy::kWriteThrough;
  Seconds flush_interval = 1;      // write_back
  std::optional<Seconds> timeout;  // downstream calls; absent: wait for the reply

  int replica_count() const override { return replicas; }
  void resolve(const ConfigIndex& index, Diagnostics& diag) const override;
  std::vector<NameRef> callees() const override;
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_cache(MapReader& item);

}  // namespace sdsim
