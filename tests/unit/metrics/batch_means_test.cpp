// BatchMeans without the engine: batching by issue time, the t interval, the lag-1
// autocorrelation, and the warnings.
#include "sim/metrics/batch_means.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sdsim {
namespace {

TEST(StudentTInterval, MatchesTheTable) {
  // n = 4: mean 2.5, s = 1.29099, t(0.975, 3) = 3.18245: half-width 2.05426.
  const auto [lo, hi] = student_t_interval95({1, 2, 3, 4});
  EXPECT_NEAR(lo, 2.5 - 2.05426, 1e-4);
  EXPECT_NEAR(hi, 2.5 + 2.05426, 1e-4);
}

TEST(Lag1Autocorrelation, AlternatingIsNegativeTrendIsPositive) {
  EXPECT_LT(lag1_autocorrelation({1, -1, 1, -1, 1, -1, 1, -1}), -0.8);
  EXPECT_GT(lag1_autocorrelation({1, 2, 3, 4, 5, 6, 7, 8}), 0.5);
  EXPECT_EQ(lag1_autocorrelation({3, 3, 3}), 0.0);
}

TEST(BatchMeans, ThirtyBatchesOfADurationRun) {
  MeasureClock clock;
  clock.warmup = 10;
  BatchMeans b(clock, 40.0, 1.0);  // 30 batches of 1 s
  // 200 requests per batch, latency 1 ms in even batches and 3 ms in odd ones.
  for (int k = 0; k < 30; ++k)
    for (int i = 0; i < 200; ++i) b.add(10 + k + i / 200.0, k % 2 == 0 ? 1e-3 : 3e-3);
  clock.stop = 40;
  std::vector<std::string> warnings;
  const auto j = b.summary_json(warnings);
  EXPECT_EQ(j["batches"], 30);
  EXPECT_EQ(j["min_per_batch"], 200);
  EXPECT_LT(j["mean_ms"][0].get<double>(), 2.0);
  EXPECT_GT(j["mean_ms"][1].get<double>(), 2.0);
  EXPECT_LT(j["lag1_autocorrelation"].get<double>(), -0.9);
  EXPECT_TRUE(warnings.empty());
}

TEST(BatchMeans, RequestLimitedRunMergesSlotsAndWarnsWhenCorrelated) {
  MeasureClock clock;
  BatchMeans b(clock, std::nullopt, 1.0);  // 60 slots of 1 s, doubling as needed
  // 200 s of a slow upward drift: correlated batch means.
  for (int t = 0; t < 200 * 100; ++t) b.add(t / 100.0, 1e-3 * (1 + t / 20000.0));
  clock.stop = 200;
  std::vector<std::string> warnings;
  const auto j = b.summary_json(warnings);
  EXPECT_EQ(j["batch_length_s"], 4.0);  // 1 -> 2 -> 4 s: 50 batches cover 200 s
  EXPECT_EQ(j["batches"], 50);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("batches are correlated"), std::string::npos);
  EXPECT_NE(warnings[0].find("run longer"), std::string::npos);
}

// A run stopped early (SIGINT, --max-events) covers only the first batches of its duration:
// with 2 of them the lag-1 estimate is always -0.5 and a t interval on 1 degree of freedom says
// little, so there is no interval, and a warning says why.
TEST(BatchMeans, TooFewBatchesGiveNoInterval) {
  MeasureClock clock;
  BatchMeans b(clock, 30.0, 1.0);  // 30 batches of 1 s planned
  for (int t = 0; t < 2 * 1000; ++t) b.add(t / 1000.0, 1e-3 * (1 + (t % 7)));
  clock.stop = 2.0;  // stopped after 2 s
  std::vector<std::string> warnings;
  const auto j = b.summary_json(warnings);
  EXPECT_EQ(j["batches"], 2);
  EXPECT_TRUE(j["mean_ms"].is_null());
  EXPECT_TRUE(j["p99_ms"].is_null());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("only 2 batches"), std::string::npos) << warnings[0];
}

// A collapse: full batches on either side of a stretch with almost no ok requests. A longer
// run would not help, so the warning says the system was not steady instead of "run longer".
TEST(BatchMeans, BatchesStarvedByAnOutageAreNotBlamedOnTheRunLength) {
  MeasureClock clock;
  BatchMeans b(clock, 30.0, 1.0);
  for (int i = 0; i < 30000; ++i) {
    const double t = i / 1000.0;
    if (t < 10 || t >= 12 || i % 1000 == 0) b.add(t, 1e-3 * (1 + i % 5));  // 10-12 s: 1 per s
  }
  clock.stop = 30;
  std::vector<std::string> warnings;
  const auto j = b.summary_json(warnings);
  EXPECT_EQ(j["min_per_batch"], 1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not in a steady state"), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings[0].find("run longer"), std::string::npos) << warnings[0];
}

// Batch counts that vary as Poisson counts do (here 90 to 148, average 119) are noise: the
// smallest below 100 means "run longer", not "not steady".
TEST(BatchMeans, NoisyBatchCountsAreBlamedOnTheRunLength) {
  MeasureClock clock;
  BatchMeans b(clock, 30.0, 1.0);
  for (int k = 0; k < 30; ++k) {
    const int count = k == 7 ? 90 : 100 + (k * 37) % 49;  // 100..148, one batch of 90
    for (int i = 0; i < count; ++i) b.add(k + (i + 0.5) / count, 1e-3 * (1 + i % 5));
  }
  clock.stop = 30;
  std::vector<std::string> warnings;
  const auto j = b.summary_json(warnings);
  EXPECT_EQ(j["min_per_batch"], 90);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("run longer"), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings[0].find("steady"), std::string::npos) << warnings[0];

  // The same batches beside a station whose queue grew: that is the reason given, not the
  // run's length (a longer run of a growing queue only grows it more).
  std::vector<std::string> grew;
  b.summary_json(grew, true);
  ASSERT_EQ(grew.size(), 1u);
  EXPECT_NE(grew[0].find("a queue grew through the run"), std::string::npos) << grew[0];
  EXPECT_EQ(grew[0].find("run longer"), std::string::npos) << grew[0];
}

TEST(BatchMeans, TooFewPerBatchIsWarnedAndP99Withheld) {
  MeasureClock clock;
  BatchMeans b(clock, 30.0, 1.0);
  for (int i = 0; i < 300; ++i) b.add(i / 10.0, (i % 7) * 1e-3 + 1e-3);
  clock.stop = 30;
  std::vector<std::string> warnings;
  const auto j = b.summary_json(warnings);
  EXPECT_EQ(j["min_per_batch"], 10);
  EXPECT_TRUE(j["p99_ms"].is_null());
  EXPECT_TRUE(j["mean_ms"].is_array());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("too few"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace sdsim
