// Database placement: writes at the primary of their key's shard, reads by the read policy
// (uniform shares checked with a chi-square test at p = 0.001 on a fixed seed), and a key's
// shard fixed by a stable hash.
#include "models/database/replica_placement.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/rng/random_stream.hpp"

namespace sdsim {
namespace {

constexpr double kChi2Crit1 = 10.828;  // 1 degree of freedom, p = 0.001
constexpr double kChi2Crit2 = 13.816;  // 2 degrees of freedom, p = 0.001
constexpr double kChi2Crit3 = 16.266;  // 3 degrees of freedom, p = 0.001

double chi_square(const std::vector<std::uint64_t>& counts, double expected_each) {
  double x = 0;
  for (auto c : counts) {
    const double d = static_cast<double>(c) - expected_each;
    x += d * d / expected_each;
  }
  return x;
}

TEST(ReplicaPlacement, WritesGoToThePrimaryOfTheShard) {
  RandomStream rng(1);
  const ReplicaPlacement p(4, 3, ReadPolicy::kAny);
  for (std::size_t shard = 0; shard < 4; ++shard)
    for (int i = 0; i < 100; ++i) EXPECT_EQ(p.pick(Op::kWrite, shard, rng), shard * 3);
}

TEST(ReplicaPlacement, PrimaryPolicyReadsAtThePrimary) {
  RandomStream rng(2);
  const ReplicaPlacement p(2, 3, ReadPolicy::kPrimary);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(p.pick(Op::kRead, 1, rng), 3u);
}

TEST(ReplicaPlacement, ReplicasPolicyIsUniformOverTheOthers) {
  RandomStream rng(3);
  const ReplicaPlacement p(1, 3, ReadPolicy::kReplicas);
  std::vector<std::uint64_t> counts(3, 0);
  constexpr int kDraws = 30000;
  for (int i = 0; i < kDraws; ++i) ++counts[p.pick(Op::kRead, 0, rng)];
  EXPECT_EQ(counts[0], 0u);
  EXPECT_LT(chi_square({counts[1], counts[2]}, kDraws / 2.0), kChi2Crit1);
}

TEST(ReplicaPlacement, AnyPolicyIsUniformOverAllReplicasOfTheShard) {
  RandomStream rng(4);
  const ReplicaPlacement p(2, 3, ReadPolicy::kAny);
  std::vector<std::uint64_t> counts(3, 0);
  constexpr int kDraws = 30000;
  for (int i = 0; i < kDraws; ++i) {
    const std::size_t host = p.pick(Op::kRead, 1, rng);
    ASSERT_GE(host, 3u);
    ASSERT_LT(host, 6u);
    ++counts[host - 3];
  }
  EXPECT_LT(chi_square(counts, kDraws / 3.0), kChi2Crit2);
}

TEST(ReplicaPlacement, ShardOfAKeyIsStableAndSpreadsKeys) {
  const ReplicaPlacement p(4, 2, ReadPolicy::kAny);
  // Fixed by the definition of mix64 (SplitMix64's finaliser): a change moves every key.
  EXPECT_EQ(p.shard_of(1), mix64(1) % 4);
  std::vector<std::uint64_t> counts(4, 0);
  constexpr int kKeys = 40000;
  for (std::uint64_t k = 1; k <= kKeys; ++k) {
    EXPECT_EQ(p.shard_of(k), p.shard_of(k));
    ++counts[p.shard_of(k)];
  }
  EXPECT_LT(chi_square(counts, kKeys / 4.0), kChi2Crit3);
  EXPECT_EQ(ReplicaPlacement(1, 3, ReadPolicy::kAny).shard_of(12345), 0u);
}

}  // namespace
}  // namespace sdsim
