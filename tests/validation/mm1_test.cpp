// M/M/1 (Poisson arrivals, one worker, exponential service, FIFO, unbounded queue) against
// theory. In steady state the sojourn time is exponential: T ~ Exp(mu - lambda), so
//   E[T] = 1 / (mu - lambda),  p-quantile t_p = -ln(1 - p) / (mu - lambda),
// and an arrival waits with probability rho = lambda / mu (PASTA). Little's law L = lambda W
// holds at the station. Tolerances: tolerances.hpp (k standard errors from the request count;
// exact asymptotic variance for the mean and P(wait), calibrated for the percentiles).
#include <gtest/gtest.h>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

constexpr double kMu = 100.0;  // service exp(10ms)

struct Mm1Case {
  double lambda;
  double duration_s;  // of issuing, warm-up included
  double sigma_p50;   // calibrated, tolerances.hpp
  double sigma_p99;
  std::uint64_t seed;
};

void check_mm1(const Mm1Case& c) {
  const double rho = c.lambda / kMu;
  // Warm-up 200 s: the M/M/1 relaxation time 1 / (mu (1 - sqrt(rho))^2) is 3.8 s at rho 0.9
  // (0.34 s at 0.5), so the start from empty is forgotten ~50 relaxation times over.
  const std::string yaml = format(R"(
name: mm1-validation
seed: %llu
duration: %.0fs
warmup: 200s
window: 1000s
clients:
  - name: users
    target: api
    arrival: {poisson: %.0f/s}
components:
  - name: api
    kind: service
    workers: 1
    service_time: exp(10ms)
)",
                                  static_cast<unsigned long long>(c.seed), c.duration_s, c.lambda);
  const nlohmann::json s = run_scenario_text(yaml, "mm1.yaml");
  const double n = figure(s, "system.latency.ok.count");
  const std::string tag = format("M/M/1 rho=%.2f ", rho);

  // Mean sojourn: exact asymptotic variance (1 + rho)^2 / ((1 - rho)^4 mu^2) per request.
  const double mean_ms = 1e3 / (kMu - c.lambda);
  const double sigma_mean_ms = 1e3 * std::sqrt(mm1_sojourn_mean_asymptotic_variance(rho, kMu));
  expect_near_theory(tag + "mean sojourn (ms)", "E[T] = 1/(mu-lambda)", mean_ms,
                     figure(s, "system.latency.ok.mean_ms"), k_se(sigma_mean_ms, n));

  // Percentiles: calibrated sigma, plus the histogram's relative resolution.
  for (const auto& [p, key, sigma] :
       {std::tuple{0.5, "p50_ms", c.sigma_p50}, std::tuple{0.99, "p99_ms", c.sigma_p99}}) {
    const double expected_ms = 1e3 * mm1_sojourn_quantile(c.lambda, kMu, p);
    expect_near_theory(tag + "sojourn " + key, format("t_p = -ln(1-%.2f)/(mu-lambda)", p),
                       expected_ms, figure(s, std::string("system.latency.ok.") + key),
                       k_se(1e3 * sigma, n) + kHistogramRelativeError * expected_ms);
  }

  // P(wait) = rho, averaged over arrivals: exact PASTA asymptotic variance of the birth-death
  // chain (queueing_theory.hpp).
  const BirthDeath chain = mmc_chain(1, c.lambda, kMu);
  const auto waits = [](int k) { return k >= 1 ? 1.0 : 0.0; };
  expect_near_theory(tag + "P(wait)", "P(W>0) = rho", rho, figure(s, "components.api.p_wait"),
                     k_se(std::sqrt(chain.arrival_average_variance(waits)), n));

  // Little's law at the station (tolerances.hpp: boundary terms only).
  expect_near_theory(tag + "Little L/(lambda W)", "L = lambda W", 1.0,
                     figure(s, "components.api.local.ratio"), kLittleTolerance);
}

// 2e6 measured requests (~2 s CPU): 4 SE = mean +-0.85%, p50 +-0.9%, p99 +-2.0% (+0.39%).
TEST(MM1, AtRho05SojournMeanP50P99MatchExponentialLaw) {
  check_mm1({50.0, 40200.0, calibrated::kMM1Rho05P50, calibrated::kMM1Rho05P99, 11});
}

// 1e7 measured requests (~9 s CPU). At rho 0.9 one request's sojourn is correlated with the
// next few hundred (variance inflation (1+rho)^2/(1-rho)^2 = 361 for the mean), so even 1e7
// requests give 4 SE = mean +-2.4%, p50 +-2.1%, p99 +-5.9% (+0.39%).
TEST(MM1, AtRho09SojournMeanP50P99MatchExponentialLawAndLittleHolds) {
  check_mm1({90.0, 111312.0, calibrated::kMM1Rho09P50, calibrated::kMM1Rho09P99, 12});
}

// 10x the requests: tolerances 3.2x tighter (rho 0.5: mean +-0.27%; rho 0.9: mean +-0.76%,
// p99 +-1.9%). ~20 s and ~90 s CPU.
TEST(MM1, AtRho05SojournMeanP50P99MatchExponentialLaw_Long) {
  check_mm1({50.0, 400200.0, calibrated::kMM1Rho05P50, calibrated::kMM1Rho05P99, 21});
}

TEST(MM1, AtRho09SojournMeanP50P99MatchExponentialLawAndLittleHolds_Long) {
  check_mm1({90.0, 1111312.0, calibrated::kMM1Rho09P50, calibrated::kMM1Rho09P99, 22});
}

}  // namespace
}  // namespace sdsim::validation
