// The laws against their formulas. Each law: the moment formulas written here (independently of
// the code) are compared with mean()/variance(), then with 200k draws, and the draws' empirical
// CDF is compared with quantile() at p = 0.5, 0.9, 0.99.
//
// Tolerances: 5 standard errors, with a fixed seed per test (deterministic; a correct sampler
// fails a 5-se bound with probability ~6e-7 per check for a given seed).
//   sample mean:      se = sigma / sqrt(n)
//   sample variance:  se = sqrt((mu4 - sigma^4) / n), mu4 the 4th central moment (from the
//                     raw moments below)
//   empirical CDF at the true p-quantile: a Binomial(n, p) count / n, se = sqrt(p(1-p)/n)
#include "sim/dist/distribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "sim/dist/sampling.hpp"

namespace sdsim {
namespace {

constexpr int kDraws = 200000;
constexpr double kSe = 5.0;  // tolerance in standard errors

// E[X], E[X^2], E[X^3], E[X^4].
struct RawMoments {
  double m1, m2, m3, m4;
};

RawMoments exponential_moments(double mean) {
  return {mean, 2 * std::pow(mean, 2), 6 * std::pow(mean, 3), 24 * std::pow(mean, 4)};
}

// E[X^k] = theta^k * shape (shape + 1) ... (shape + k - 1).
RawMoments gamma_moments(double shape, double mean) {
  const double t = mean / shape;
  const double a = shape;
  return {a * t, a * (a + 1) * t * t, a * (a + 1) * (a + 2) * std::pow(t, 3),
          a * (a + 1) * (a + 2) * (a + 3) * std::pow(t, 4)};
}

// E[X^k] = (b^(k+1) - a^(k+1)) / ((k + 1)(b - a)).
RawMoments uniform_moments(double a, double b) {
  const auto m = [&](int k) {
    return (std::pow(b, k + 1) - std::pow(a, k + 1)) / ((k + 1) * (b - a));
  };
  return {m(1), m(2), m(3), m(4)};
}

// E[X^k] = exp(k mu + k^2 sigma^2 / 2).
RawMoments lognormal_moments(double mu, double sigma) {
  const auto m = [&](int k) { return std::exp(k * mu + k * k * sigma * sigma / 2); };
  return {m(1), m(2), m(3), m(4)};
}

// Balanced-means H2: p1,2 = (1 +- sqrt((c^2-1)/(c^2+1)))/2, rate_i = 2 p_i / mean;
// E[X^k] = sum_i p_i k! / rate_i^k.
struct H2 {
  double p1, p2, r1, r2;
};
H2 balanced_h2(double mean, double cv) {
  const double q = std::sqrt((cv * cv - 1) / (cv * cv + 1));
  const double p1 = (1 + q) / 2;
  const double p2 = (1 - q) / 2;
  return {p1, p2, 2 * p1 / mean, 2 * p2 / mean};
}
RawMoments hyperexp_moments(double mean, double cv) {
  const H2 h = balanced_h2(mean, cv);
  const auto m = [&](int k, double fact) {
    return fact * (h.p1 / std::pow(h.r1, k) + h.p2 / std::pow(h.r2, k));
  };
  return {m(1, 1), m(2, 2), m(3, 6), m(4, 24)};
}

// Left-truncated normal N(mu, sd^2) | X >= 0. For Z standard normal conditioned on Z >= a,
// integrating z^k phi(z) by parts gives M_k = E[Z^k] = a^(k-1) phi(a) / Q(a) + (k-1) M_(k-2),
// M_0 = 1 (Q the upper tail); then X = mu + sd Z, expanded binomially.
RawMoments truncated_normal_moments(double mu, double sd) {
  const double a = -mu / sd;
  const double phi = std::exp(-a * a / 2) / std::sqrt(2 * std::numbers::pi);
  const double q = 0.5 * std::erfc(a / std::sqrt(2.0));
  double m[5];
  m[0] = 1;
  m[1] = phi / q;
  for (int k = 2; k <= 4; ++k) m[k] = std::pow(a, k - 1) * phi / q + (k - 1) * m[k - 2];
  const auto raw = [&](int k) {
    double sum = 0;
    double binomial = 1;  // C(k, j)
    for (int j = 0; j <= k; ++j) {
      sum += binomial * std::pow(mu, k - j) * std::pow(sd, j) * m[j];
      binomial = binomial * (k - j) / (j + 1);
    }
    return sum;
  };
  return {raw(1), raw(2), raw(3), raw(4)};
}

// E[X^k] = alpha min^k / (alpha - k), alpha > k.
RawMoments pareto_moments(double alpha, double min) {
  const auto m = [&](int k) { return alpha * std::pow(min, k) / (alpha - k); };
  return {m(1), m(2), m(3), m(4)};
}

// E[X^k] = scale^k Gamma(1 + k / shape), scale = mean / Gamma(1 + 1 / shape).
RawMoments weibull_moments(double shape, double mean) {
  const double scale = mean / std::tgamma(1 + 1 / shape);
  const auto m = [&](int k) { return std::pow(scale, k) * std::tgamma(1 + k / shape); };
  return {m(1), m(2), m(3), m(4)};
}

// Sorted samples x_1..x_n: n - 1 segments [x_i, x_(i+1)], each uniform with probability
// 1 / (n - 1); E[X^k] is the average of the segments' uniform moments (a point mass when
// x_i = x_(i+1)).
RawMoments piecewise_uniform_moments(const std::vector<double>& sorted) {
  RawMoments sum{0, 0, 0, 0};
  const double segments = static_cast<double>(sorted.size() - 1);
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    const double a = sorted[i];
    const double b = sorted[i + 1];
    const RawMoments m =
        a == b ? RawMoments{a, a * a, a * a * a, a * a * a * a} : uniform_moments(a, b);
    sum = {sum.m1 + m.m1 / segments, sum.m2 + m.m2 / segments, sum.m3 + m.m3 / segments,
           sum.m4 + m.m4 / segments};
  }
  return sum;
}

std::vector<double> draw(const Distribution& d, std::uint64_t seed, int n = kDraws) {
  RandomStream rng(seed);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (double& v : x) v = d.sample(rng);
  return x;
}

// The empirical CDF of the sorted draws `x` at quantile(p), p = 0.5, 0.9, 0.99, against p.
void expect_quantiles_match(const Distribution& d, const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  for (double p : {0.5, 0.9, 0.99}) {
    const double q = d.quantile(p);
    const double below = static_cast<double>(std::upper_bound(x.begin(), x.end(), q) - x.begin());
    const double se_p = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(below / n, p, kSe * se_p) << "empirical CDF at quantile(" << p << ") = " << q;
  }
}

void expect_matches_law(const Distribution& d, const RawMoments& raw, std::uint64_t seed) {
  const double mean = raw.m1;
  const double var = raw.m2 - raw.m1 * raw.m1;
  const double mu4 =
      raw.m4 - 4 * raw.m1 * raw.m3 + 6 * raw.m1 * raw.m1 * raw.m2 - 3 * std::pow(raw.m1, 4);
  // The code's formulas: only rounding separates them from ours.
  EXPECT_NEAR(d.mean(), mean, 1e-12 * mean);
  EXPECT_NEAR(d.variance(), var, 1e-9 * var);

  std::vector<double> x = draw(d, seed);
  const double n = static_cast<double>(x.size());
  for (double v : x) ASSERT_TRUE(v >= 0 && std::isfinite(v)) << v;
  const double sample_mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0;
  for (double v : x) ss += (v - sample_mean) * (v - sample_mean);
  const double sample_var = ss / (n - 1);

  const double se_mean = std::sqrt(var / n);
  EXPECT_NEAR(sample_mean, mean, kSe * se_mean)
      << "mean: formula " << mean << ", measured " << sample_mean << ", se " << se_mean;
  const double se_var = std::sqrt((mu4 - var * var) / n);
  EXPECT_NEAR(sample_var, var, kSe * se_var)
      << "variance: formula " << var << ", measured " << sample_var << ", se " << se_var;

  std::sort(x.begin(), x.end());
  expect_quantiles_match(d, x);
}

TEST(Constant, AlwaysDrawsItsValue) {
  const auto d = make_constant(0.012);
  RandomStream rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d->sample(rng), 0.012);
  EXPECT_TRUE(d->is_deterministic());
  EXPECT_EQ(d->mean(), 0.012);
  EXPECT_EQ(d->variance(), 0.0);
  EXPECT_EQ(d->quantile(0.99), 0.012);
}

TEST(Exponential, MatchesMomentsAndQuantiles) {
  const auto d = make_exponential(0.012);
  EXPECT_FALSE(d->is_deterministic());
  expect_matches_law(*d, exponential_moments(0.012), 101);
}

TEST(Exponential, DrawIsMinusMeanTimesLogOfOneOpenUniform) {
  // The bit-for-bit contract with hand-written baselines: one uniform_open01() per draw.
  const double mean = 0.012;
  const auto d = make_exponential(mean);
  RandomStream a(3);
  RandomStream b(3);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d->sample(a), -mean * std::log(b.uniform_open01()));
}

TEST(Exponential, QuantileIsTheInverseCdf) {
  const auto d = make_exponential(2.0);
  for (double p : {0.1, 0.5, 0.99}) EXPECT_NEAR(d->quantile(p), -2.0 * std::log1p(-p), 1e-12);
}

TEST(Uniform, MatchesMomentsAndQuantiles) {
  const auto d = make_uniform(0.002, 0.010);
  expect_matches_law(*d, uniform_moments(0.002, 0.010), 102);
  EXPECT_DOUBLE_EQ(d->quantile(0.25), 0.004);
}

TEST(Uniform, WithEqualBoundsIsDeterministic) {
  EXPECT_TRUE(make_uniform(0.5, 0.5)->is_deterministic());
  EXPECT_FALSE(make_uniform(0.5, 0.6)->is_deterministic());
}

TEST(Erlang, MatchesMomentsAndQuantiles) {
  expect_matches_law(*make_erlang(3, 0.012), gamma_moments(3, 0.012), 103);
}

TEST(Erlang, WithLargeKMatchesMomentsAndQuantiles) {
  // k above the sum-of-exponentials limit: drawn by the gamma sampler.
  expect_matches_law(*make_erlang(40, 0.012), gamma_moments(40, 0.012), 104);
}

TEST(Erlang, WithKOneHasTheExponentialLaw) {
  const auto d = make_erlang(1, 0.5);
  EXPECT_NEAR(d->quantile(0.5), 0.5 * std::log(2.0), 1e-12);
  EXPECT_DOUBLE_EQ(d->variance(), 0.25);
}

TEST(Gamma, MatchesMomentsAndQuantilesForShapeAboveOne) {
  expect_matches_law(*make_gamma(2.5, 0.012), gamma_moments(2.5, 0.012), 105);
}

TEST(Gamma, MatchesMomentsAndQuantilesForShapeBelowOne) {
  expect_matches_law(*make_gamma(0.3, 0.012), gamma_moments(0.3, 0.012), 106);
}

TEST(Lognormal, MedianP99FormHasThatMedianAndP99) {
  const auto d = make_lognormal_median_p99(0.012, 0.080);
  EXPECT_NEAR(d->quantile(0.5), 0.012, 1e-12);
  EXPECT_NEAR(d->quantile(0.99), 0.080, 1e-9 * 0.080);
  const double sigma = std::log(0.080 / 0.012) / 2.3263478740408408;
  expect_matches_law(*d, lognormal_moments(std::log(0.012), sigma), 107);
}

TEST(Lognormal, MeanCvFormHasThatMeanAndCv) {
  const auto d = make_lognormal_mean_cv(0.012, 1.0);
  EXPECT_NEAR(d->mean(), 0.012, 1e-12 * 0.012);
  EXPECT_NEAR(std::sqrt(d->variance()) / d->mean(), 1.0, 1e-12);
  const double sigma2 = std::log(2.0);
  expect_matches_law(*d, lognormal_moments(std::log(0.012) - sigma2 / 2, std::sqrt(sigma2)), 108);
}

TEST(HyperExp, MatchesMomentsAndQuantiles) {
  const auto d = make_hyperexp(0.012, 3.0);
  EXPECT_NEAR(d->mean(), 0.012, 1e-12 * 0.012);
  EXPECT_NEAR(std::sqrt(d->variance()) / d->mean(), 3.0, 1e-9);
  expect_matches_law(*d, hyperexp_moments(0.012, 3.0), 109);
}

TEST(HyperExp, QuantileInvertsTheCdf) {
  const H2 h = balanced_h2(0.012, 4.0);
  const auto d = make_hyperexp(0.012, 4.0);
  for (double p : {0.01, 0.5, 0.9, 0.999}) {
    const double x = d->quantile(p);
    const double cdf = 1 - h.p1 * std::exp(-h.r1 * x) - h.p2 * std::exp(-h.r2 * x);
    EXPECT_NEAR(cdf, p, 1e-12) << "p = " << p;
  }
}

TEST(HyperExp, WithCvOneIsTheExponentialLaw) {
  const auto h = make_hyperexp(0.012, 1.0);
  const auto e = make_exponential(0.012);
  EXPECT_EQ(h->describe(), e->describe());
  RandomStream a(8);
  RandomStream b(8);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(h->sample(a), e->sample(b));
}

// Phi, the standard normal CDF, written here from erfc (the code uses Boost.Math).
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

TEST(Normal, WithSdSmallAgainstTheMeanIsTheNormalLaw) {
  // P(N(12ms, 2ms) < 0) = Phi(-6) = 1e-9: resampling moves the mean by
  // sd phi(6) / Phi(6) = 1.2e-11 s and changes nothing measurable.
  const auto d = make_normal(0.012, 0.002);
  EXPECT_NEAR(d->mean(), 0.012, 1e-8 * 0.012);
  EXPECT_NEAR(d->variance(), 0.002 * 0.002, 1e-6 * 0.002 * 0.002);
  EXPECT_NEAR(d->quantile(0.5), 0.012, 1e-11);
  // z_0.99 = 2.3263478740408408.
  EXPECT_NEAR(d->quantile(0.99), 0.012 + 2.3263478740408408 * 0.002, 1e-11);
  expect_matches_law(*d, truncated_normal_moments(0.012, 0.002), 111);
}

TEST(Normal, ResampledBelowZeroHasTheTruncatedLawAndItsMean) {
  // sd = mean: 16% of the normal law is below 0 and drawn again, which moves the mean up by
  // sd phi(1) / Phi(1) = 0.2876 sd (docs/reference.md says +29%).
  const auto d = make_normal(0.010, 0.010);
  EXPECT_NEAR(d->mean() / 0.010, 1.2876, 1e-4);
  expect_matches_law(*d, truncated_normal_moments(0.010, 0.010), 112);
  // The CDF of the truncated law, F(x) = (Phi((x - mu) / sd) - Phi(-mu / sd)) / Phi(mu / sd),
  // at quantile(p) gives p back.
  for (double p : {0.001, 0.1, 0.5, 0.9, 0.999}) {
    const double x = d->quantile(p);
    const double cdf = (normal_cdf((x - 0.010) / 0.010) - normal_cdf(-1.0)) / normal_cdf(1.0);
    EXPECT_NEAR(cdf, p, 1e-12) << "p = " << p;
  }
  EXPECT_GE(d->quantile(1e-12), 0.0);
}

TEST(Pareto, MatchesMomentsAndQuantiles) {
  // alpha = 9: moments up to the 8th are finite, so the sample variance is close to normal
  // and the 5-se bound of the variance holds like the others.
  const auto d = make_pareto(9, 0.005);
  expect_matches_law(*d, pareto_moments(9, 0.005), 113);
}

TEST(Pareto, QuantileInvertsTheSurvivalFunction) {
  const auto d = make_pareto(1.5, 0.002);
  for (double p : {0.0, 0.5, 0.9, 0.999}) {
    const double x = d->quantile(p);
    EXPECT_NEAR(std::pow(0.002 / x, 1.5), 1 - p, 1e-12) << "p = " << p;
  }
  EXPECT_DOUBLE_EQ(d->quantile(0.0), 0.002);
}

TEST(Pareto, HeavyTailReportsInfiniteMomentsAndDrawsItsQuantiles) {
  // alpha = 1.5: finite mean alpha min / (alpha - 1) = 3 min, infinite variance; alpha = 0.8:
  // infinite mean. The empirical CDF test needs no moments.
  const auto finite_mean = make_pareto(1.5, 0.002);
  EXPECT_DOUBLE_EQ(finite_mean->mean(), 0.006);
  EXPECT_EQ(finite_mean->variance(), std::numeric_limits<double>::infinity());
  const auto infinite_mean = make_pareto(0.8, 0.002);
  EXPECT_EQ(infinite_mean->mean(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(infinite_mean->variance(), std::numeric_limits<double>::infinity());
  for (const auto* d : {finite_mean.get(), infinite_mean.get()}) {
    std::vector<double> x = draw(*d, 114);
    for (double v : x) ASSERT_TRUE(v >= 0.002 && std::isfinite(v)) << v;
    std::sort(x.begin(), x.end());
    expect_quantiles_match(*d, x);
  }
}

TEST(Pareto, SmallestAlphaStillDrawsFiniteValues) {
  // The largest draw is min 2^(54 / alpha) (uniform_open01 >= 2^-54); quantile(1 - 2^-53) is
  // min 2^(53 / alpha), the largest quantile a double p can ask for.
  const auto d = make_pareto(0.1, 3600.0);
  EXPECT_TRUE(std::isfinite(d->quantile(1 - 0x1.0p-53)));
  for (double v : draw(*d, 115, 10000)) ASSERT_TRUE(v >= 3600.0 && std::isfinite(v)) << v;
}

TEST(Weibull, WithShapeBelowOneMatchesMomentsAndQuantiles) {
  // shape 0.5: cv = sqrt(Gamma(5) / Gamma(3)^2 - 1) = sqrt(5).
  const auto d = make_weibull(0.5, 0.012);
  EXPECT_DOUBLE_EQ(d->mean(), 0.012);
  EXPECT_NEAR(std::sqrt(d->variance()) / d->mean(), std::sqrt(5.0), 1e-12);
  expect_matches_law(*d, weibull_moments(0.5, 0.012), 116);
}

TEST(Weibull, WithShapeAboveOneMatchesMomentsAndQuantiles) {
  expect_matches_law(*make_weibull(2.0, 0.012), weibull_moments(2.0, 0.012), 117);
}

TEST(Weibull, QuantileInvertsTheSurvivalFunctionAndShapeOneIsExponential) {
  // P(X > x) = exp(-(x / scale)^k), scale = mean / Gamma(1 + 1/k).
  const double scale = 0.012 / std::tgamma(1 + 1 / 1.7);
  const auto d = make_weibull(1.7, 0.012);
  for (double p : {0.01, 0.5, 0.99}) {
    const double x = d->quantile(p);
    EXPECT_NEAR(std::exp(-std::pow(x / scale, 1.7)), 1 - p, 1e-12) << "p = " << p;
  }
  const auto one = make_weibull(1.0, 0.012);
  for (double p : {0.1, 0.5, 0.99}) {
    EXPECT_NEAR(one->quantile(p), -0.012 * std::log1p(-p), 1e-15) << "p = " << p;
  }
  EXPECT_NEAR(one->variance(), 0.012 * 0.012, 1e-15);
}

TEST(Empirical, InterpolatesLinearlyBetweenOrderStatistics) {
  // Sorted samples 1, 2, 4 ms: the CDF goes linearly through (1ms, 0), (2ms, 0.5), (4ms, 1).
  const auto d = make_empirical({0.004, 0.001, 0.002}, "empirical(x.csv)");
  EXPECT_DOUBLE_EQ(d->quantile(0.0), 0.001);
  EXPECT_DOUBLE_EQ(d->quantile(0.25), 0.0015);
  EXPECT_DOUBLE_EQ(d->quantile(0.5), 0.002);
  EXPECT_DOUBLE_EQ(d->quantile(0.75), 0.003);
  EXPECT_DOUBLE_EQ(d->quantile(1.0), 0.004);
  // Two segments of probability 1/2: uniform on [1, 2] and on [2, 4] ms.
  // mean = (1.5 + 3) / 2 = 2.25 ms; E[X^2] = (7/3 + 28/3) / 2 = 35/6 ms^2.
  EXPECT_NEAR(d->mean(), 0.00225, 1e-15);
  EXPECT_NEAR(d->variance(), (35.0 / 6 - 2.25 * 2.25) * 1e-6, 1e-15);
  EXPECT_EQ(d->describe(), "empirical(x.csv)");
  EXPECT_FALSE(d->is_deterministic());
}

TEST(Empirical, MatchesMomentsAndQuantilesOfItsSamples) {
  // 400 distinct samples of a skewed shape (the quantiles of exp(10ms) at (i + 0.5) / 400).
  std::vector<double> samples;
  for (int i = 0; i < 400; ++i) samples.push_back(-0.010 * std::log1p(-(i + 0.5) / 400));
  std::vector<double> shuffled = samples;
  std::reverse(shuffled.begin(), shuffled.end());
  const auto d = make_empirical(shuffled, "empirical(x.csv)");
  expect_matches_law(*d, piecewise_uniform_moments(samples), 118);
  std::vector<double> x = draw(*d, 119, 10000);
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  EXPECT_GE(*lo, samples.front());
  EXPECT_LE(*hi, samples.back());
}

TEST(Empirical, RepeatedSamplesAreAtoms) {
  // 1, 3, 3, 3, 5 ms: the segments [3, 3] carry 2 of 4 quarters, so P(X = 3ms) = 1/2.
  const auto d = make_empirical({0.001, 0.003, 0.003, 0.003, 0.005}, "e");
  for (double p : {0.25, 0.4, 0.75}) EXPECT_DOUBLE_EQ(d->quantile(p), 0.003) << p;
  EXPECT_DOUBLE_EQ(d->quantile(0.125), 0.002);
  const auto x = draw(*d, 120, 20000);
  const double atoms = static_cast<double>(std::count(x.begin(), x.end(), 0.003));
  // Binomial(20000, 1/2): se = sqrt(0.25 / 20000).
  EXPECT_NEAR(atoms / 20000, 0.5, kSe * std::sqrt(0.25 / 20000));
  EXPECT_NEAR(d->mean(), 0.003, 1e-15);
}

TEST(Empirical, OneSampleIsAConstant) {
  const auto d = make_empirical({0.007}, "e");
  EXPECT_TRUE(d->is_deterministic());
  EXPECT_EQ(d->mean(), 0.007);
  EXPECT_EQ(d->variance(), 0.0);
  EXPECT_EQ(d->quantile(0.3), 0.007);
  RandomStream rng(9);
  EXPECT_EQ(d->sample(rng), 0.007);
}

TEST(SampleStandardNormal, HasZeroMeanUnitVarianceAndNormalQuantiles) {
  // N(0, 1): se of the mean 1/sqrt(n); mu4 = 3 so se of the variance sqrt(2/n).
  RandomStream rng(110);
  std::vector<double> z(kDraws);
  for (double& v : z) v = sample_standard_normal(rng);
  const double n = kDraws;
  const double mean = std::accumulate(z.begin(), z.end(), 0.0) / n;
  double ss = 0;
  for (double v : z) ss += (v - mean) * (v - mean);
  EXPECT_NEAR(mean, 0.0, kSe / std::sqrt(n));
  EXPECT_NEAR(ss / (n - 1), 1.0, kSe * std::sqrt(2 / n));
  std::sort(z.begin(), z.end());
  // Standard normal quantiles: 1.2815515655446004 (p = 0.9), 2.3263478740408408 (p = 0.99).
  for (auto [p, q] : {std::pair{0.5, 0.0}, std::pair{0.9, 1.2815515655446004},
                      std::pair{0.99, 2.3263478740408408}}) {
    const double below = static_cast<double>(std::upper_bound(z.begin(), z.end(), q) - z.begin());
    EXPECT_NEAR(below / n, p, kSe * std::sqrt(p * (1 - p) / n)) << "p = " << p;
  }
}

TEST(Factories, RejectInvalidArgumentsWithTheParserMessage) {
  try {
    make_exponential(0);
    FAIL() << "make_exponential(0) did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "exp mean must be > 0, got 0s");
  }
  EXPECT_THROW(make_uniform(0.2, 0.1), std::invalid_argument);
  EXPECT_THROW(make_erlang(0, 1.0), std::invalid_argument);
  EXPECT_THROW(make_gamma(-1, 1.0), std::invalid_argument);
  EXPECT_THROW(make_lognormal_median_p99(0.1, 0.1), std::invalid_argument);
  EXPECT_THROW(make_lognormal_mean_cv(0.1, 0), std::invalid_argument);
  EXPECT_THROW(make_hyperexp(0.1, 0.9), std::invalid_argument);
  EXPECT_THROW(make_constant(-1), std::invalid_argument);
  EXPECT_THROW(make_normal(0, 0.1), std::invalid_argument);
  EXPECT_THROW(make_normal(0.1, 0), std::invalid_argument);
  EXPECT_THROW(make_pareto(0.05, 1.0), std::invalid_argument);
  EXPECT_THROW(make_pareto(2, 0), std::invalid_argument);
  EXPECT_THROW(make_weibull(0.05, 1.0), std::invalid_argument);
  EXPECT_THROW(make_weibull(2, 0), std::invalid_argument);
  EXPECT_THROW(make_empirical({}, "e"), std::invalid_argument);
  EXPECT_THROW(make_empirical({0.1, -0.1}, "e"), std::invalid_argument);
}

}  // namespace
}  // namespace sdsim
