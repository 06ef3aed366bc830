// Loss systems against theory: the fraction of arrivals turned away (rejection_ratio) equals,
// by PASTA, the stationary probability that the station is full.
//   Erlang B (queue capacity 0, c workers, offered load a = lambda / mu):
//     B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!
//   M/M/c/K (waiting room K - c):  p_K with p_n ~ a^n / n! (n <= c), a^c / c! (a/c)^(n-c).
// Also the carried load: utilisation = a (1 - P_block) / c.
// Tolerance: k standard errors of the arrival-averaged indicator 1{N = K} (of the time average
// of busy workers for the utilisation), with the exact asymptotic variance of the birth-death
// chain (queueing_theory.hpp, BirthDeath).
#include <gtest/gtest.h>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

struct LossCase {
  const char* what;
  int workers;
  int waiting_places;  // queue.capacity
  double lambda;
  const char* service;  // exp(mean)
  double mu;
  double duration_s;
  std::uint64_t seed;
};

void check_loss(const LossCase& c) {
  const std::string yaml = format(R"(
name: loss-validation
seed: %llu
duration: %.0fs
warmup: 200s
window: 1000s
clients:
  - name: callers
    target: trunk
    arrival: {poisson: %.0f/s}
components:
  - name: trunk
    kind: service
    workers: %d
    queue: {capacity: %d}
    service_time: %s
)",
                                  static_cast<unsigned long long>(c.seed), c.duration_s, c.lambda,
                                  c.workers, c.waiting_places, c.service);
  const nlohmann::json s = run_scenario_text(yaml, "loss.yaml");
  const int K = c.workers + c.waiting_places;
  const double a = c.lambda / c.mu;
  const double expected =
      c.waiting_places == 0 ? erlang_b(c.workers, a) : mmck_blocking(c.workers, K, a);
  const BirthDeath chain = mmc_chain(c.workers, c.lambda, c.mu, K);
  const auto full = [K](int k) { return k == K ? 1.0 : 0.0; };
  const double n = figure(s, "components.trunk.arrivals");
  expect_near_theory(std::string(c.what) + " blocking",
                     c.waiting_places == 0 ? format("Erlang B(%d, %g)", c.workers, a)
                                           : format("M/M/%d/%d p_K, a=%g", c.workers, K, a),
                     expected, figure(s, "components.trunk.rejection_ratio"),
                     k_se(std::sqrt(chain.arrival_average_variance(full)), n));
  // Carried load: busy workers / workers = a (1 - P_block) / c, a time average (exact
  // asymptotic variance of the birth-death time average, over the measured length).
  const auto busy_share = [w = c.workers](int k) { return std::min(k, w) / double(w); };
  expect_near_theory(
      std::string(c.what) + " utilisation", "a (1 - P_block) / c", a * (1 - expected) / c.workers,
      figure(s, "components.trunk.utilisation"),
      k_se(std::sqrt(chain.time_average_variance(busy_share)), figure(s, "run.measured_length_s")));
  // Every rejected request reached the client as `rejected` (no retries here).
  EXPECT_EQ(figure(s, "system.requests.outcomes.rejected"), figure(s, "components.trunk.rejected"));
}

// c = 10, a = 8 Erlangs (exp(100ms) service at 80/s): B = 0.1217. 2e6 arrivals (~2 s CPU):
// sigma = 0.61 per arrival (a blocked period lasts ~1/(c mu) = 10 ms, ~1 arrival), 4 SE = 0.0017
// (1.4%).
TEST(ErlangB, TenWorkersNoQueueRejectLikeErlangB) {
  check_loss({"M/M/10/10 a=8", 10, 0, 80.0, "exp(100ms)", 10.0, 25200.0, 41});
}

// c = 2, waiting room 4 (K = 6), a = 1.8 (rho 0.9): p_K = 0.1127. 2e6 arrivals: 4 SE = 0.0018.
TEST(MMcK, TwoWorkersFourWaitingPlacesRejectLikeBirthDeathPK) {
  check_loss({"M/M/2/6 rho=0.9", 2, 4, 180.0, "exp(10ms)", 100.0, 11312.0, 42});
}

// 10x: 4 SE = 0.00054 and 0.00056.
TEST(ErlangB, TenWorkersNoQueueRejectLikeErlangB_Long) {
  check_loss({"M/M/10/10 a=8", 10, 0, 80.0, "exp(100ms)", 10.0, 250200.0, 43});
}

TEST(MMcK, TwoWorkersFourWaitingPlacesRejectLikeBirthDeathPK_Long) {
  check_loss({"M/M/2/6 rho=0.9", 2, 4, 180.0, "exp(10ms)", 100.0, 111312.0, 44});
}

}  // namespace
}  // namespace sdsim::validation
