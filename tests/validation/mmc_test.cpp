// M/M/c with c = 4 workers at rho = lambda / (c mu) = 0.85 against theory:
//   P(wait) = Erlang C  C(c, a) = B(c, a) / (1 - rho (1 - B(c, a))), a = lambda / mu;
//   mean wait Wq = C / (c mu - lambda);  mean sojourn Wq + 1/mu;
//   sojourn p99: T = Wq + S with Wq = 0 w.p. 1 - C, else Exp(c mu - lambda), S ~ Exp(mu);
//   its survival function is closed-form (queueing_theory.hpp) and the quantile is found by
//   bisection.
// plus the time averages utilisation = rho and mean queue length Lq = lambda Wq.
// Tolerances (tolerances.hpp): the means, P(wait) and the time averages have exact asymptotic
// variances from the birth-death chain of the number in system; the p99 a calibrated one.
#include <gtest/gtest.h>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

constexpr int kC = 4;
constexpr double kMu = 100.0;      // service exp(10ms)
constexpr double kLambda = 340.0;  // rho = 0.85

void check_mm4(double duration_s, std::uint64_t seed) {
  // Warm-up 200 s: the slowest relaxation of this chain is ~1 / (c mu (1 - sqrt(rho))^2) =
  // 0.4 s, so 200 s forgets the empty start entirely.
  const std::string yaml = format(R"(
name: mmc-validation
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
    workers: %d
    service_time: exp(10ms)
)",
                                  static_cast<unsigned long long>(seed), duration_s, kLambda, kC);
  const nlohmann::json s = run_scenario_text(yaml, "mmc.yaml");
  const double n = figure(s, "components.api.queue_wait.count");
  const double a = kLambda / kMu;
  const BirthDeath chain = mmc_chain(kC, kLambda, kMu);

  const double C = erlang_c(kC, a);
  const auto waits = [](int k) { return k >= kC ? 1.0 : 0.0; };
  expect_near_theory("M/M/4 rho=0.85 P(wait)", "Erlang C(4, 3.4)", C,
                     figure(s, "components.api.p_wait"),
                     k_se(std::sqrt(chain.arrival_average_variance(waits)), n));

  const double wq_ms = 1e3 * mmc_mean_wait(kC, kLambda, kMu);
  const auto in_queue = [](int k) { return k > kC ? double(k - kC) : 0.0; };
  expect_near_theory("M/M/4 rho=0.85 mean wait (ms)", "Wq = C/(c mu - lambda)", wq_ms,
                     figure(s, "components.api.queue_wait.mean_ms"),
                     k_se(1e3 * std::sqrt(chain.little_mean_variance(in_queue)), n));

  const auto in_system = [](int k) { return double(k); };
  expect_near_theory("M/M/4 rho=0.85 mean sojourn (ms)", "E[T] = Wq + 1/mu", wq_ms + 1e3 / kMu,
                     figure(s, "system.latency.ok.mean_ms"),
                     k_se(1e3 * std::sqrt(chain.little_mean_variance(in_system)), n));

  const double p99_ms =
      1e3 * quantile_by_bisection(
                [](double t) { return mmc_sojourn_survival(kC, kLambda, kMu, t); }, 0.99);
  expect_near_theory("M/M/4 rho=0.85 sojourn p99 (ms)", "P(T > t) = 0.01, T = Wq + S", p99_ms,
                     figure(s, "system.latency.ok.p99_ms"),
                     k_se(1e3 * calibrated::kMM4P99, n) + kHistogramRelativeError * p99_ms);

  // Time averages (integrated over simulated time, not derived from request counts): exact
  // asymptotic variance of a birth-death time average, Var ~ sigma^2 / measured_length.
  const double t = figure(s, "run.measured_length_s");
  const auto busy_share = [](int k) { return std::min(k, kC) / double(kC); };
  expect_near_theory("M/M/4 rho=0.85 utilisation", "rho = lambda/(c mu)", kLambda / (kC * kMu),
                     figure(s, "components.api.utilisation"),
                     k_se(std::sqrt(chain.time_average_variance(busy_share)), t));
  expect_near_theory("M/M/4 rho=0.85 mean queue length", "Lq = lambda Wq", kLambda * wq_ms / 1e3,
                     figure(s, "components.api.mean_queue_length"),
                     k_se(std::sqrt(chain.time_average_variance(in_queue)), t));

  expect_near_theory("M/M/4 rho=0.85 Little L/(lambda W)", "L = lambda W", 1.0,
                     figure(s, "components.api.local.ratio"), kLittleTolerance);
}

// 6e6 measured requests (~6 s CPU): 4 SE = P(wait) +-0.0040 (0.6%), Wq +-2.8%, p99 +-4.1%.
TEST(MMc, FourWorkersAtRho085MatchErlangCWaitAndSojournP99) { check_mm4(17850.0, 31); }

// 10x: P(wait) +-0.0013, Wq +-0.9%, p99 +-1.3%.
TEST(MMc, FourWorkersAtRho085MatchErlangCWaitAndSojournP99_Long) { check_mm4(176700.0, 32); }

}  // namespace
}  // namespace sdsim::validation
