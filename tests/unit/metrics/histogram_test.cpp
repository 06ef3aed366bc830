// LatencyHistogram: percentiles of large samples from known laws against the
// exact empirical nearest-rank quantile of the same sample (a sorted copy),
// within the documented bound relative_error_bound() = sqrt(1 + 1/128) - 1 =
// 0.39% (DESIGN.md asks for <= 1%); exact mean/min/max; empty -> nullopt;
// zeros; many decades; merge; reset; fraction_above.
#include "sim/metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/dist/distribution.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {
namespace {

// The reported percentile may also be off by rounding in sqrt(lo * hi): a few
// ulps.
const double kBound = LatencyHistogram::relative_error_bound() + 1e-12;

// Exact nearest-rank quantile of a sorted sample: the smallest value with at
// least q of the samples at or below it, i.e. the ceil(q n)-th smallest
// (1-based), at least the first.
double exact_quantile(const std::vector<double>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(q * n));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

double relative_error(double reported, double exact) {
  return exact == 0 ? std::fabs(reported) : std::fabs(reported - exact) / exact;
}

// Adds every value, then checks each listed percentile against the exact one.
void expect_percentiles_within_bound(std::vector<double> sample, const std::vector<double>& qs,
                                     const char* label) {
  LatencyHistogram h;
  for (double v : sample) h.add(v);
  std::sort(sample.begin(), sample.end());
  double worst = 0;
  for (double q : qs) {
    const auto got = h.quantile(q);
    ASSERT_TRUE(got.has_value());
    const double exact = exact_quantile(sample, q);
    const double err = relative_error(*got, exact);
    worst = std::max(worst, err);
    EXPECT_LE(err, kBound) << label << ": q=" << q << " reported " << *got << " exact " << exact;
    EXPECT_LE(err, 0.01) << label << ": DESIGN.md's 1% bound, q=" << q;
  }
  std::printf("[histogram] %-28s n=%zu  worst relative error %.5f%% (bound %.5f%%)\n", label,
              sample.size(), 100 * worst, 100 * LatencyHistogram::relative_error_bound());
}

std::vector<double> draw(const Distribution& law, std::uint64_t seed, std::size_t n) {
  RandomStream rng(seed);
  std::vector<double> out(n);
  for (auto& v : out) v = law.sample(rng);
  return out;
}

TEST(LatencyHistogram, ErrorBoundIsTheDocumentedOneAndBelowOnePercent) {
  EXPECT_NEAR(LatencyHistogram::relative_error_bound(), std::sqrt(1.0 + 1.0 / 128) - 1, 1e-15);
  EXPECT_NEAR(LatencyHistogram::relative_error_bound(), 0.0039, 0.0001);
  EXPECT_LT(LatencyHistogram::relative_error_bound(), 0.01);
}

TEST(LatencyHistogram, ExponentialMillionSamplePercentilesMatchExactNearestRank) {
  auto law = make_exponential(0.010);
  expect_percentiles_within_bound(draw(*law, 11, 1'000'000), {0.5, 0.9, 0.99, 0.999}, "exp(10ms)");
}

TEST(LatencyHistogram, LognormalMillionSamplePercentilesMatchExactNearestRank) {
  auto law = make_lognormal_median_p99(0.012, 0.080);
  expect_percentiles_within_bound(draw(*law, 12, 1'000'000), {0.5, 0.9, 0.99, 0.999},
                                  "lognormal(12ms, p99=80ms)");
}

TEST(LatencyHistogram, HeavyTailedSampleEveryPermilleWithinBound) {
  // cv = 4: values spread over ~6 decades; check every 0.1% quantile, not just
  // four.
  auto law = make_hyperexp(0.010, 4.0);
  std::vector<double> qs;
  for (int k = 1; k <= 1000; ++k) qs.push_back(k / 1000.0);
  expect_percentiles_within_bound(draw(*law, 13, 200'000), qs, "hyperexp(10ms, cv=4)");
}

TEST(LatencyHistogram, ValuesOverElevenDecadesEveryPermilleWithinBound) {
  // Log-uniform on [1e-7 s, 1e4 s]: every octave and sub-bucket in that range
  // is exercised, so a wrong octave or sub-bucket mapping anywhere shows as an
  // error far above 0.39%.
  RandomStream rng(14);
  std::vector<double> sample(300'000);
  for (auto& v : sample) v = std::pow(10.0, -7.0 + 11.0 * rng.uniform01());
  std::vector<double> qs;
  for (int k = 1; k <= 1000; ++k) qs.push_back(k / 1000.0);
  expect_percentiles_within_bound(sample, qs, "log-uniform 1e-7..1e4 s");
}

TEST(LatencyHistogram, EachValueLandsInABucketWithinBoundOverManyDecades) {
  // {0, v, v, huge}: the median is the 2nd value, v's bucket, and the clamp to
  // [min, max] = [0, huge] does not hide a wrong bucket. Steps of ~1.37% over
  // 1e-7 s .. 1e4 s visit every octave at many sub-bucket positions.
  int checked = 0;
  for (double v = 1e-7; v <= 1e4; v *= 1.0137) {
    LatencyHistogram h;
    h.add(0);
    h.add(v);
    h.add(v);
    h.add(1e6);
    const double got = *h.quantile(0.5);
    ASSERT_LE(relative_error(got, v), kBound) << "v=" << v << " reported " << got;
    ++checked;
  }
  EXPECT_GT(checked, 1800);
}

TEST(LatencyHistogram, PowersOfTwoAndBucketEdgesWithinBound) {
  // Exact powers of two and values just below them sit on octave edges.
  for (int e = -23; e <= 13; ++e) {
    for (double v : {std::ldexp(1.0, e), std::nextafter(std::ldexp(1.0, e), 0.0),
                     std::ldexp(1.0 + 1.0 / 128, e), std::ldexp(1.0 + 127.0 / 128, e)}) {
      LatencyHistogram h;
      h.add(0);
      h.add(v);
      h.add(v);
      h.add(1e6);
      EXPECT_LE(relative_error(*h.quantile(0.5), v), kBound) << "v=" << v;
    }
  }
}

TEST(LatencyHistogram, NearestRankOnASmallSample) {
  // 1..10 ms, well apart: each percentile is the value of rank ceil(q n).
  LatencyHistogram h;
  for (int i = 10; i >= 1; --i) h.add(i * 1e-3);
  auto near = [](double got, double want) { return relative_error(got, want) <= kBound; };
  EXPECT_TRUE(near(*h.quantile(0.5), 5e-3)) << *h.quantile(0.5);
  EXPECT_TRUE(near(*h.quantile(0.1), 1e-3)) << *h.quantile(0.1);
  EXPECT_TRUE(near(*h.quantile(0.11), 2e-3)) << *h.quantile(0.11);
  EXPECT_TRUE(near(*h.quantile(0.9), 9e-3)) << *h.quantile(0.9);
  EXPECT_EQ(*h.quantile(0.91), 10e-3);  // the last rank is the exact maximum
  EXPECT_EQ(*h.quantile(1.0), 10e-3);
  // Rank 1 (q = 0): the minimum's bucket, within the bound and never below the
  // minimum.
  EXPECT_TRUE(near(*h.quantile(0.0), 1e-3)) << *h.quantile(0.0);
  EXPECT_GE(*h.quantile(0.0), 1e-3);
}

TEST(LatencyHistogram, MeanMinMaxAreExact) {
  auto law = make_exponential(0.25);
  const std::vector<double> sample = draw(*law, 21, 100'000);
  LatencyHistogram h;
  double sum = 0;
  for (double v : sample) {
    h.add(v);
    sum += v;
  }
  EXPECT_EQ(h.count(), sample.size());
  EXPECT_EQ(*h.mean(), sum / static_cast<double>(sample.size()));
  EXPECT_EQ(*h.min(), *std::min_element(sample.begin(), sample.end()));
  EXPECT_EQ(*h.max(), *std::max_element(sample.begin(), sample.end()));
}

TEST(LatencyHistogram, EmptyGivesNulloptNotZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_FALSE(h.mean().has_value());
  EXPECT_FALSE(h.min().has_value());
  EXPECT_FALSE(h.max().has_value());
  for (double q : {0.0, 0.5, 0.99, 1.0}) EXPECT_FALSE(h.quantile(q).has_value()) << q;
  EXPECT_FALSE(h.fraction_above(0.1).has_value());
}

TEST(LatencyHistogram, SingleSampleIsEveryPercentileExactly) {
  LatencyHistogram h;
  h.add(0.0123);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(*h.mean(), 0.0123);
  EXPECT_EQ(*h.min(), 0.0123);
  EXPECT_EQ(*h.max(), 0.0123);
  for (double q : {0.0, 0.001, 0.5, 0.9, 0.99, 0.999, 1.0}) EXPECT_EQ(*h.quantile(q), 0.0123) << q;
  EXPECT_EQ(*h.fraction_above(0.0), 1.0);
  EXPECT_EQ(*h.fraction_above(1.0), 0.0);
}

TEST(LatencyHistogram, ZerosAreCountedAndReportedAsZero) {
  LatencyHistogram h;
  for (int i = 0; i < 60; ++i) h.add(0.0);
  for (int i = 0; i < 40; ++i) h.add(0.5);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(*h.min(), 0.0);
  EXPECT_EQ(*h.quantile(0.5), 0.0);
  EXPECT_EQ(*h.quantile(0.6), 0.0);
  EXPECT_EQ(*h.quantile(0.61), 0.5);
  EXPECT_EQ(*h.quantile(0.99), 0.5);
  EXPECT_DOUBLE_EQ(*h.mean(), 0.2);
  EXPECT_DOUBLE_EQ(*h.fraction_above(0.0), 0.4);

  LatencyHistogram all_zero;
  for (int i = 0; i < 10; ++i) all_zero.add(0.0);
  EXPECT_EQ(*all_zero.quantile(0.5), 0.0);
  EXPECT_EQ(*all_zero.quantile(1.0), 0.0);
  EXPECT_EQ(*all_zero.mean(), 0.0);
  EXPECT_EQ(*all_zero.fraction_above(0.0), 0.0);
}

TEST(LatencyHistogram, ExtremeValuesKeepExactMaxAndNegativeOrNanCountAsZero) {
  LatencyHistogram h;
  h.add(1e-13);  // below 2^-40 s: an exact zero for percentiles
  h.add(1e12);   // above 2^30 s: top bucket, max exact
  h.add(-1.0);   // broken caller: counted as 0
  h.add(std::nan(""));
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(*h.max(), 1e12);
  EXPECT_EQ(*h.min(), 0.0);
  EXPECT_EQ(*h.quantile(1.0), 1e12);
  // Three of four samples are zeros (1e-13, -1 and NaN): ranks 1..3 report the
  // minimum, 0.
  EXPECT_EQ(*h.quantile(0.75), 0.0);
  EXPECT_EQ(*h.fraction_above(1.0), 0.25);
}

TEST(LatencyHistogram, MergeEqualsAddingBothSamples) {
  auto fast = make_exponential(0.002);
  auto slow = make_lognormal_median_p99(0.5, 9.0);
  const auto a = draw(*fast, 31, 50'000);
  const auto b = draw(*slow, 32, 30'000);
  LatencyHistogram ha, hb, both;
  for (double v : a) ha.add(v), both.add(v);
  for (double v : b) hb.add(v), both.add(v);
  both.add(0.0);
  LatencyHistogram zero;
  zero.add(0.0);

  LatencyHistogram merged = ha;
  merged.merge(hb);
  merged.merge(zero);
  merged.merge(LatencyHistogram{});  // merging an empty one changes nothing
  EXPECT_EQ(merged.count(), both.count());
  EXPECT_EQ(*merged.min(), *both.min());
  EXPECT_EQ(*merged.max(), *both.max());
  EXPECT_NEAR(*merged.mean(), *both.mean(), 1e-12 * *both.mean());
  for (int k = 1; k <= 1000; ++k) {
    const double q = k / 1000.0;
    EXPECT_EQ(*merged.quantile(q), *both.quantile(q)) << "q=" << q;
  }
  for (double t : {0.0, 0.001, 0.01, 0.5, 3.0})
    EXPECT_EQ(*merged.fraction_above(t), *both.fraction_above(t)) << t;

  // Into an empty histogram: a copy.
  LatencyHistogram into_empty;
  into_empty.merge(hb);
  EXPECT_EQ(into_empty.count(), hb.count());
  EXPECT_EQ(*into_empty.min(), *hb.min());
  EXPECT_EQ(*into_empty.quantile(0.99), *hb.quantile(0.99));
}

// Buckets are allocated an octave at a time over the range seen, growing down as well as up
// (by add and by merge), with the same percentiles as one histogram of all the values.
TEST(LatencyHistogram, AllocatesOnlyTheOctavesItsValuesSpan) {
  constexpr std::size_t kOctave = LatencyHistogram::kSubBuckets * sizeof(std::uint64_t);
  LatencyHistogram h;
  EXPECT_EQ(h.allocated_bytes(), 0u);
  h.add(0.0);  // an exact zero needs no bucket
  EXPECT_EQ(h.allocated_bytes(), 0u);
  h.add(0.0015);
  h.add(0.0019);  // the same octave [2^-10, 2^-9) s
  EXPECT_EQ(h.allocated_bytes(), kOctave);
  h.add(0.0005);  // one octave down: [2^-11, 2^-10)
  EXPECT_EQ(h.allocated_bytes(), 2 * kOctave);
  h.add(0.006);  // two octaves up: [2^-9, 2^-8) and [2^-8, 2^-7)
  EXPECT_EQ(h.allocated_bytes(), 4 * kOctave);
  EXPECT_EQ(*h.quantile(0.2), 0.0);
  EXPECT_NEAR(*h.quantile(0.4), 0.0005, 0.0005 * LatencyHistogram::relative_error_bound());
  EXPECT_NEAR(*h.quantile(0.6), 0.0015, 0.0015 * LatencyHistogram::relative_error_bound());
  EXPECT_EQ(*h.quantile(1.0), 0.006);

  // A slow histogram merged with a fast one below it: the range grows down.
  auto fast = make_exponential(0.002);
  auto slow = make_lognormal_median_p99(0.5, 9.0);
  LatencyHistogram ha, hb, both;
  for (double v : draw(*fast, 41, 20'000)) ha.add(v), both.add(v);
  for (double v : draw(*slow, 42, 20'000)) hb.add(v), both.add(v);
  hb.merge(ha);
  for (int k = 1; k <= 1000; ++k)
    EXPECT_EQ(*hb.quantile(k / 1000.0), *both.quantile(k / 1000.0)) << k;
  // exp(2 ms) and lognormal(0.5 s, p99 9 s) over 20,000 draws span about 30 octaves, far
  // fewer than the 70 a full table would hold.
  EXPECT_LE(hb.allocated_bytes(), 35 * kOctave);
  EXPECT_EQ(hb.allocated_bytes(), both.allocated_bytes());
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  LatencyHistogram h;
  for (double v : {0.0, 1e-6, 0.3, 40.0, 5e9}) h.add(v);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_FALSE(h.mean().has_value());
  EXPECT_FALSE(h.quantile(0.5).has_value());
  EXPECT_FALSE(h.max().has_value());

  // After a reset it behaves as a fresh histogram (no leftover buckets, zeros
  // or extremes).
  LatencyHistogram fresh;
  for (double v : {0.02, 0.03, 0.05}) h.add(v), fresh.add(v);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(*h.min(), 0.02);
  EXPECT_EQ(*h.max(), 0.05);
  EXPECT_EQ(*h.mean(), *fresh.mean());
  for (double q : {0.1, 0.34, 0.5, 0.67, 1.0}) EXPECT_EQ(*h.quantile(q), *fresh.quantile(q)) << q;
  EXPECT_EQ(*h.fraction_above(1e-3), 1.0);
}

TEST(LatencyHistogram, FractionAboveIsExactUpToOneBucket) {
  auto law = make_exponential(0.1);
  std::vector<double> sample = draw(*law, 41, 200'000);
  LatencyHistogram h;
  for (double v : sample) h.add(v);
  for (double t : {1e-4, 0.01, 0.05, 0.1, 0.3, 1.0}) {
    const double exact = static_cast<double>(std::count_if(sample.begin(), sample.end(),
                                                           [t](double v) { return v > t; })) /
                         static_cast<double>(sample.size());
    // Resolution: the samples in the threshold's bucket, [t/(1+1/128),
    // t(1+1/128)] at most.
    const double slack =
        static_cast<double>(std::count_if(
            sample.begin(), sample.end(),
            [t](double v) { return v >= t / (1 + 1.0 / 128) && v <= t * (1 + 1.0 / 128); })) /
        static_cast<double>(sample.size());
    const double got = *h.fraction_above(t);
    EXPECT_LE(std::fabs(got - exact), slack + 1e-12) << "t=" << t;
    // And against the law: P(X > t) = exp(-t / mean), binomial sd <= 0.0012 at
    // n = 2e5.
    EXPECT_NEAR(got, std::exp(-t / 0.1), 0.006) << "t=" << t;
  }
  EXPECT_EQ(*h.fraction_above(0.0), 1.0);
  EXPECT_EQ(*h.fraction_above(1e6), 0.0);
}

// for_each_bucket (latency_hist.csv, the report's CDF): non-empty buckets in increasing order,
// zeros first with edge 0, counts adding up to count(); each value is below its bucket's upper
// edge and at or above the previous edge, so the CDF read from the buckets brackets the exact
// empirical CDF to within one bucket.
TEST(LatencyHistogram, BucketsVisitedInOrderBracketEveryValue) {
  LatencyHistogram h;
  std::vector<double> values{0.0, 0.0, 1e-3, 1e-3, 2.5e-3, 0.0999, 0.1, 0.1001, 3.0, 7e4};
  for (double v : values) h.add(v);
  std::vector<std::pair<double, std::uint64_t>> buckets;
  h.for_each_bucket([&](double edge, std::uint64_t n) { buckets.emplace_back(edge, n); });
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    EXPECT_GT(buckets[i].second, 0u);
    if (i > 0) {
      EXPECT_GT(buckets[i].first, buckets[i - 1].first);
    }
    total += buckets[i].second;
  }
  EXPECT_EQ(total, h.count());
  ASSERT_FALSE(buckets.empty());
  EXPECT_EQ(buckets[0].first, 0.0);
  EXPECT_EQ(buckets[0].second, 2u);  // the two zeros
  // Each value v > 0 lies in the first visited bucket whose upper edge exceeds it: the counts
  // before that bucket are of values < v, and up to it they include every value <= v.
  for (double v : values) {
    if (v == 0) continue;
    std::uint64_t before = 0, through = 0;
    bool found = false;
    for (const auto& [edge, n] : buckets) {
      through += n;
      if (edge > v) {
        found = true;
        break;
      }
      before += n;
    }
    ASSERT_TRUE(found) << v;
    auto count = [&](auto pred) {
      return static_cast<std::uint64_t>(std::count_if(values.begin(), values.end(), pred));
    };
    EXPECT_LE(before, count([v](double w) { return w < v; })) << v;
    EXPECT_GE(through, count([v](double w) { return w <= v; })) << v;
  }
}

}  // namespace
}  // namespace sdsim
