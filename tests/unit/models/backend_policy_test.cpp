// Backend choice policies: round robin cycles exactly; random is uniform (a
// chi-square test with a fixed seed), has no serial dependence, and streams
// with different keys differ.
#include "models/lb/backend_policy.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/rng/random_stream.hpp"

namespace sdsim {
namespace {

// Critical values of the chi-square law at p = 0.001 (so a correct policy fails
// with probability 1e-3 for a given seed; the seeds are fixed, so the test is
// deterministic).
constexpr double kChi2Crit7 = 24.322;   // 7 degrees of freedom
constexpr double kChi2Crit63 = 103.44;  // 63 degrees of freedom

double chi_square(const std::vector<std::uint64_t>& counts, double expected_each) {
  double x = 0;
  for (auto c : counts) {
    const double d = static_cast<double>(c) - expected_each;
    x += d * d / expected_each;
  }
  return x;
}

TEST(RoundRobinPolicy, CyclesThroughEveryBackendInOrder) {
  for (std::size_t n = 1; n <= 7; ++n) {
    RoundRobinPolicy p(n);
    for (std::size_t i = 0; i < 5 * n + 3; ++i) ASSERT_EQ(p.pick(), i % n) << "n=" << n;
  }
}

TEST(RoundRobinPolicy, EveryBackendGetsExactlyItsShare) {
  RoundRobinPolicy p(5);
  std::vector<int> counts(5, 0);
  for (int i = 0; i < 1000; ++i) ++counts[p.pick()];
  for (int c : counts) EXPECT_EQ(c, 200);
}

TEST(RandomPolicy, PicksAreInRangeAndUniform) {
  constexpr std::size_t kBackends = 8;
  constexpr std::uint64_t kPicks = 80'000;
  RandomPolicy p(kBackends, RandomStream(1, "lb", "backend_choice"));
  std::vector<std::uint64_t> counts(kBackends, 0);
  for (std::uint64_t i = 0; i < kPicks; ++i) {
    const std::size_t b = p.pick();
    ASSERT_LT(b, kBackends);
    ++counts[b];
  }
  const double x = chi_square(counts, static_cast<double>(kPicks) / kBackends);
  std::printf(
      "[random policy] chi-square %.2f with 7 dof (critical value at "
      "p=0.001: %.2f)\n",
      x, kChi2Crit7);
  EXPECT_LT(x, kChi2Crit7);
}

TEST(RandomPolicy, UniformForANonPowerOfTwoCount) {
  // 3 backends: a modulo-biased or power-of-two-masked choice would show here.
  RandomPolicy p(3, RandomStream(2, "lb", "backend_choice"));
  std::vector<std::uint64_t> counts(3, 0);
  for (int i = 0; i < 60'000; ++i) ++counts[p.pick()];
  EXPECT_LT(chi_square(counts, 20'000), 13.816);  // 2 dof, p = 0.001
}

TEST(RandomPolicy, ConsecutivePicksAreIndependent) {
  // Pairs (pick_i, pick_i+1) over 8 x 8 cells: round robin, or any serial
  // pattern, fails.
  RandomPolicy p(8, RandomStream(3, "lb", "backend_choice"));
  std::vector<std::uint64_t> pairs(64, 0);
  std::size_t prev = p.pick();
  constexpr int kPairs = 128'000;
  for (int i = 0; i < kPairs; ++i) {
    const std::size_t b = p.pick();
    ++pairs[prev * 8 + b];
    prev = b;
  }
  // Overlapping pairs are slightly dependent; the test stays valid in practice
  // at p=0.001.
  EXPECT_LT(chi_square(pairs, kPairs / 64.0), kChi2Crit63);
}

TEST(RandomPolicy, SameKeyReproducesDifferentKeysDiffer) {
  RandomPolicy a(8, RandomStream(1, "lb", "backend_choice"));
  RandomPolicy same(8, RandomStream(1, "lb", "backend_choice"));
  RandomPolicy other_component(8, RandomStream(1, "lb2", "backend_choice"));
  RandomPolicy other_seed(8, RandomStream(2, "lb", "backend_choice"));
  int equal_same = 0, equal_component = 0, equal_seed = 0;
  for (int i = 0; i < 256; ++i) {
    const std::size_t x = a.pick();
    equal_same += x == same.pick();
    equal_component += x == other_component.pick();
    equal_seed += x == other_seed.pick();
  }
  EXPECT_EQ(equal_same, 256);
  // Independent sequences agree on ~1/8 of the picks: 32 of 256 (sd 5.3).
  EXPECT_LT(equal_component, 64);
  EXPECT_LT(equal_seed, 64);
}

TEST(RandomPolicy, SingleBackendAlwaysZero) {
  RandomPolicy p(1, RandomStream(5));
  for (int i = 0; i < 100; ++i) ASSERT_EQ(p.pick(), 0u);
}

}  // namespace
}  // namespace sdsim
