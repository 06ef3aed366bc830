// ReplicaPlacement: which host of a database a call goes to. A pure class (no simulated time,
// no engine), so a unit test drives it directly.
//
// S shards of N replicas, host s x N + j is replica j of shard s (j = 0: the primary). A key
// belongs to shard mix64(key) mod S (SplitMix64's finaliser: fixed by its definition, so the
// partition is the same in every run and on every platform). A write goes to its shard's
// primary; a read by the read policy: the primary, uniformly over the N - 1 other replicas,
// or uniformly over all N (one draw from the caller's stream, none when there is one choice).
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/engine/message.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {

enum class ReadPolicy {
  kPrimary,   // every read at the primary
  kReplicas,  // uniformly over the replicas other than the primary (needs N >= 2)
  kAny,       // uniformly over all N replicas
};

class ReplicaPlacement {
 public:
  ReplicaPlacement(std::size_t shards, std::size_t replicas, ReadPolicy policy)
      : shards_(shards), replicas_(replicas), policy_(policy) {}

  std::size_t shard_of(std::uint64_t key) const {
    return shards_ == 1 ? 0 : static_cast<std::size_t>(mix64(key) % shards_);
  }
  // The host an `op` call goes to within `shard`.
  std::size_t pick(Op op, std::size_t shard, RandomStream& rng) const {
    const std::size_t primary = shard * replicas_;
    if (op == Op::kWrite || replicas_ == 1) return primary;
    switch (policy_) {
      case ReadPolicy::kPrimary:
        return primary;
      case ReadPolicy::kReplicas:
        return primary + 1 + static_cast<std::size_t>(rng.below(replicas_ - 1));
      case ReadPolicy::kAny:
        break;
    }
    return primary + static_cast<std::size_t>(rng.below(replicas_));
  }

 private:
  std::size_t shards_, replicas_;
  ReadPolicy policy_;
};

}  // namespace sdsim
