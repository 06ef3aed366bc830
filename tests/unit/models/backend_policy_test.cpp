// Backend choice policies: round robin cycles exactly; random is uniform (a chi-square test
// with a fixed seed), has no serial dependence, and streams with different keys differ;
// weighted round robin gives exact shares per cycle, weighted random follows the weights;
// least outstanding and power of two pick the less loaded backend, ties at random.
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

TEST(WeightedRoundRobinPolicy, EveryCycleOfTotalWeightGivesExactShares) {
  const std::vector<double> weights{5, 1, 3, 2};
  WeightedRoundRobinPolicy p(weights);
  for (int cycle = 0; cycle < 50; ++cycle) {
    std::vector<int> counts(weights.size(), 0);
    for (int i = 0; i < 11; ++i) ++counts[p.pick()];
    for (std::size_t b = 0; b < weights.size(); ++b)
      ASSERT_EQ(counts[b], weights[b]) << "cycle " << cycle << " backend " << b;
  }
}

TEST(WeightedRoundRobinPolicy, SpreadsTheHeavyBackendOut) {
  // nginx's smooth order for 5, 1, 1: a a b a c a a (not a a a a a b c).
  WeightedRoundRobinPolicy p({5, 1, 1});
  std::vector<std::size_t> seq;
  for (int i = 0; i < 7; ++i) seq.push_back(p.pick());
  EXPECT_EQ(seq, (std::vector<std::size_t>{0, 0, 1, 0, 2, 0, 0}));
}

TEST(WeightedRoundRobinPolicy, EqualWeightsAreRoundRobin) {
  WeightedRoundRobinPolicy p({2, 2, 2});
  for (int i = 0; i < 30; ++i) ASSERT_EQ(p.pick(), static_cast<std::size_t>(i % 3));
}

TEST(WeightedRandomPolicy, SharesFollowTheWeights) {
  const std::vector<double> weights{1, 2, 3, 4};
  WeightedRandomPolicy p(weights, RandomStream(7, "lb", "backend_choice"));
  constexpr int kPicks = 100'000;
  std::vector<std::uint64_t> counts(4, 0);
  for (int i = 0; i < kPicks; ++i) ++counts[p.pick()];
  double x = 0;
  for (std::size_t b = 0; b < 4; ++b) {
    const double e = kPicks * weights[b] / 10.0;
    x += (counts[b] - e) * (counts[b] - e) / e;
  }
  EXPECT_LT(x, 16.266);  // 3 dof, p = 0.001
}

TEST(LeastOutstandingPolicy, PicksTheBackendWithFewestOutstanding) {
  OutstandingCounts out{3, 1, 4, 2};
  LeastOutstandingPolicy p(out, RandomStream(8));
  EXPECT_EQ(p.pick(), 1u);
  out[1] = 5;  // the policy reads the live counts
  EXPECT_EQ(p.pick(), 3u);
  out[0] = 0;
  EXPECT_EQ(p.pick(), 0u);
}

TEST(LeastOutstandingPolicy, BreaksTiesUniformlyAmongTheTiedOnly) {
  OutstandingCounts out{2, 0, 1, 0, 0};
  LeastOutstandingPolicy p(out, RandomStream(9, "lb", "backend_choice"));
  std::vector<std::uint64_t> counts(5, 0);
  for (int i = 0; i < 30'000; ++i) ++counts[p.pick()];
  EXPECT_EQ(counts[0], 0u);
  EXPECT_EQ(counts[2], 0u);
  EXPECT_LT(chi_square({counts[1], counts[3], counts[4]}, 10'000), 13.816);  // 2 dof
}

TEST(PowerOfTwoPolicy, TwoBackendsAlwaysTheLessLoadedOne) {
  OutstandingCounts out{4, 1};
  PowerOfTwoPolicy p(out, RandomStream(10));
  for (int i = 0; i < 100; ++i) ASSERT_EQ(p.pick(), 1u);
  out = {0, 3};
  for (int i = 0; i < 100; ++i) ASSERT_EQ(p.pick(), 0u);
}

TEST(PowerOfTwoPolicy, NeverPicksTheMostLoadedOfThreeAndFavoursTheLeast) {
  // {0, 5, 9}: the least loaded wins in the 2 pairs out of 3 that contain it, backend 1 in
  // the pair {1, 2}; backend 2 never.
  OutstandingCounts out{0, 5, 9};
  PowerOfTwoPolicy p(out, RandomStream(11, "lb", "backend_choice"));
  std::vector<std::uint64_t> counts(3, 0);
  constexpr int kPicks = 30'000;
  for (int i = 0; i < kPicks; ++i) ++counts[p.pick()];
  EXPECT_EQ(counts[2], 0u);
  const double e0 = kPicks * 2.0 / 3, e1 = kPicks / 3.0;
  const double x =
      (counts[0] - e0) * (counts[0] - e0) / e0 + (counts[1] - e1) * (counts[1] - e1) / e1;
  EXPECT_LT(x, 10.828);  // 1 dof, p = 0.001
}

TEST(PowerOfTwoPolicy, TiesAreAFairCoinAndOneBackendIsAlwaysZero) {
  OutstandingCounts out{2, 2};
  PowerOfTwoPolicy p(out, RandomStream(12, "lb", "backend_choice"));
  std::vector<std::uint64_t> counts(2, 0);
  for (int i = 0; i < 20'000; ++i) ++counts[p.pick()];
  EXPECT_LT(chi_square(counts, 10'000), 10.828);
  OutstandingCounts one{7};
  PowerOfTwoPolicy single(one, RandomStream(13));
  for (int i = 0; i < 10; ++i) ASSERT_EQ(single.pick(), 0u);
}

}  // namespace
}  // namespace sdsim
