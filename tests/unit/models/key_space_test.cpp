#include "models/common/key_space.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace sdsim {
namespace {

// Draws n keys and returns the observed frequency of each key (index = key).
std::vector<double> frequencies(const KeySpace& ks, int n, std::uint64_t seed) {
  RandomStream rng(seed);
  std::vector<double> f(ks.count() + 1, 0.0);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t k = ks.sample(rng);
    EXPECT_GE(k, 1u);
    EXPECT_LE(k, ks.count());
    f[k] += 1.0 / n;
  }
  return f;
}

// Each frequency within 5 binomial standard errors of its probability.
void expect_matches(const KeySpace& ks, const std::vector<double>& f, int n) {
  for (std::uint64_t k = 1; k <= ks.count(); ++k) {
    const double p = ks.probability(k);
    const double se = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(f[k], p, 5 * se + 1e-12) << "key " << k;
  }
}

TEST(KeySpace, UniformGivesEveryKeyTheSameShare) {
  const KeySpace ks = KeySpace::uniform(10);
  EXPECT_DOUBLE_EQ(ks.probability(3), 0.1);
  expect_matches(ks, frequencies(ks, 200000, 1), 200000);
}

TEST(KeySpace, ZipfProbabilitiesFollowThePowerLaw) {
  const KeySpace ks = KeySpace::zipf(5, 1.0);
  const double h = 1 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5;
  for (int k = 1; k <= 5; ++k) EXPECT_NEAR(ks.probability(k), 1.0 / k / h, 1e-15);
  double total = 0;
  for (int k = 1; k <= 5; ++k) total += ks.probability(k);
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(KeySpace, ZipfSamplesMatchTheirProbabilities) {
  const KeySpace ks = KeySpace::zipf(50, 1.1);
  expect_matches(ks, frequencies(ks, 400000, 2), 400000);
}

TEST(KeySpace, ZipfAlphaZeroIsUniform) {
  const KeySpace ks = KeySpace::zipf(4, 0.0);
  for (int k = 1; k <= 4; ++k) EXPECT_NEAR(ks.probability(k), 0.25, 1e-15);
}

TEST(KeySpace, HotspotSendsItsTrafficShareToItsKeyShare) {
  // 10% of 100 keys (1..10) get 90% of the traffic.
  const KeySpace ks = KeySpace::hotspot(100, 0.1, 0.9);
  EXPECT_NEAR(ks.probability(1), 0.09, 1e-15);
  EXPECT_NEAR(ks.probability(11), 0.1 / 90, 1e-15);
  const auto f = frequencies(ks, 400000, 3);
  double hot = 0;
  for (int k = 1; k <= 10; ++k) hot += f[k];
  EXPECT_NEAR(hot, 0.9, 5 * std::sqrt(0.09 / 400000));
  expect_matches(ks, f, 400000);
}

TEST(KeySpace, HotspotWithEveryKeyHotIsUniform) {
  const KeySpace ks = KeySpace::hotspot(8, 1.0, 0.5);
  for (int k = 1; k <= 8; ++k) EXPECT_NEAR(ks.probability(k), 0.125, 1e-15);
}

TEST(KeySpace, RejectsBadParameters) {
  EXPECT_THROW(KeySpace::uniform(0), std::invalid_argument);
  EXPECT_THROW(KeySpace::zipf(KeySpace::kMaxKeys + 1, 1.0), std::invalid_argument);
  EXPECT_THROW(KeySpace::zipf(10, -1.0), std::invalid_argument);
  EXPECT_THROW(KeySpace::hotspot(10, 0.0, 0.5), std::invalid_argument);
  EXPECT_THROW(KeySpace::hotspot(10, 0.5, 1.5), std::invalid_argument);
}

}  // namespace
}  // namespace sdsim
