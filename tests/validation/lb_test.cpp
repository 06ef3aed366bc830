// Load-balancer policies and the load balancer's own work against theory.
//
// Loss system behind a load balancer: c backend replicas of one worker each, no waiting room
// (queue capacity 0), Poisson arrivals of rate lambda, exponential service of rate mu, zero
// network latency, offered load a = lambda / mu. A backend replica with a request is full, so
// the fraction of requests the backends turn away (rejection_ratio) depends on the policy:
//   least_outstanding: the LB's outstanding count of a replica is exactly its busy indicator
//     (no network time), so it sends to an idle replica whenever there is one: the c replicas
//     form one M/M/c/c loss system and blocking = Erlang B(c, a);
//   power_of_two with c = 2: both replicas are drawn every time, the idle one wins: also
//     Erlang B(2, a);
//   random: each replica sees a Poisson stream of rate lambda / c (thinning) and is an
//     M/M/1/1 system: blocking = (a/c) / (1 + a/c).
// Tolerance: 4 standard errors of the arrival-averaged blocking indicator. The binomial
// standard error sqrt(p (1 - p) / n) would be too small: consecutive arrivals' outcomes are
// correlated (a full system stays full for a while), so the asymptotic variance per arrival
// is taken from the birth-death chain of the number of busy workers (queueing_theory.hpp,
// BirthDeath::arrival_average_variance, as in loss_test.cpp): the M/M/c/c chain for
// least_outstanding and power_of_two; for random, the rejection ratio over n arrivals is the
// average of c independent M/M/1/1 ratios over n / c arrivals each: variance
// (1 / c^2) x c x sigma_1^2 / (n / c) = sigma_1^2 / n, with sigma_1^2 the asymptotic variance
// per arrival of one M/M/1/1 chain of arrival rate lambda / c.
//
// The load balancer's own work: Poisson(lambda) -> LB (one worker, exp(rate mu1), unbounded
// queue) -> one service replica (one worker, exp(rate mu2)). The LB frees its worker once the
// call is forwarded, so this is a Jackson tandem of two M/M/1 queues: mean response
//   E[T] = 1 / (mu1 - lambda) + 1 / (mu2 - lambda),
// the LB's utilisation is lambda / mu1 and its own mean sojourn (queue + work) 1 / (mu1 -
// lambda). Tolerance for the sum: the asymptotic standard deviation of a sum is at most the
// sum of those of its terms (Cauchy-Schwarz, whatever their correlation), each the exact
// M/M/1 value (queueing_theory.hpp).
#include <gtest/gtest.h>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

struct LossCase {
  const char* policy;
  int backends;  // c
  double lambda;
  double duration_s;
  std::uint64_t seed;
};

constexpr double kMu = 100.0;  // exp(10ms)

void check_loss_behind_lb(const LossCase& c) {
  const std::string yaml =
      format(R"(
name: lb-loss-validation
seed: %llu
duration: %.0fs
warmup: 100s
window: 1000s
clients:
  - name: callers
    target: lb
    arrival: {poisson: %.0f/s}
components:
  - {name: lb, kind: load_balancer, policy: %s, backends: app}
  - name: app
    kind: service
    replicas: %d
    workers: 1
    queue: {capacity: 0}
    service_time: exp(10ms)
)",
             static_cast<unsigned long long>(c.seed), c.duration_s, c.lambda, c.policy, c.backends);
  const nlohmann::json s = run_scenario_text(yaml, "lb-loss.yaml");
  const double a = c.lambda / kMu;
  const bool random = std::string(c.policy) == "random";
  const double n = figure(s, "components.app.arrivals");
  double expected = 0, sigma = 0;
  std::string formula;
  if (random) {
    const double per = a / c.backends;
    expected = per / (1 + per);
    const BirthDeath one = mmc_chain(1, c.lambda / c.backends, kMu, 1);
    sigma = std::sqrt(one.arrival_average_variance([](int k) { return k == 1 ? 1.0 : 0.0; }));
    formula = format("M/M/1/1 per replica: (a/c)/(1+a/c), a/c=%g", per);
  } else {
    expected = erlang_b(c.backends, a);
    const BirthDeath chain = mmc_chain(c.backends, c.lambda, kMu, c.backends);
    const int full = c.backends;
    sigma =
        std::sqrt(chain.arrival_average_variance([full](int k) { return k == full ? 1.0 : 0.0; }));
    formula = format("Erlang B(%d, %g)", c.backends, a);
  }
  expect_near_theory(format("%s over %d replicas blocking", c.policy, c.backends), formula,
                     expected, figure(s, "components.app.rejection_ratio"), k_se(sigma, n));
  // The LB forwards every request (no own work): nothing rejected there; the clients see the
  // backends' 503s.
  EXPECT_EQ(figure(s, "components.lb.rejected"), 0.0);
  EXPECT_EQ(figure(s, "system.requests.outcomes.rejected"), figure(s, "components.app.rejected"));
}

// c = 4, a = 3: B(4, 3) = 0.2061 (random would give 0.4286). ~1e6 arrivals: 4 SE ~ 0.0025.
TEST(LeastOutstanding, SendsToAnIdleReplicaSoBlockingIsErlangB) {
  check_loss_behind_lb({"least_outstanding", 4, 300.0, 3400.0, 51});
}

// c = 4, a = 3: (0.75)/(1.75) = 0.4286. ~1e6 arrivals: 4 SE ~ 0.002.
TEST(RandomChoice, EachReplicaIsAnMm11LossSystem) {
  check_loss_behind_lb({"random", 4, 300.0, 3400.0, 52});
}

// c = 2, a = 1.5: B(2, 1.5) = 0.3103 (random: 0.4286). ~1e6 arrivals.
TEST(PowerOfTwo, WithTwoReplicasBlockingIsErlangB) {
  check_loss_behind_lb({"power_of_two", 2, 150.0, 6800.0, 53});
}

TEST(LeastOutstanding, SendsToAnIdleReplicaSoBlockingIsErlangB_Long) {
  check_loss_behind_lb({"least_outstanding", 4, 300.0, 33400.0, 54});
}

TEST(RandomChoice, EachReplicaIsAnMm11LossSystem_Long) {
  check_loss_behind_lb({"random", 4, 300.0, 33400.0, 56});
}

TEST(PowerOfTwo, WithTwoReplicasBlockingIsErlangB_Long) {
  check_loss_behind_lb({"power_of_two", 2, 150.0, 66800.0, 55});
}

void check_tandem(double duration_s, std::uint64_t seed) {
  constexpr double kLambda = 60.0, kMu1 = 200.0, kMu2 = 100.0;  // LB exp(5ms), app exp(10ms)
  const std::string yaml = format(R"(
name: lb-tandem-validation
seed: %llu
duration: %.0fs
warmup: 100s
window: 1000s
clients:
  - name: users
    target: lb
    arrival: {poisson: 60/s}
components:
  - {name: lb, kind: load_balancer, backends: app, service_time: exp(5ms), workers: 1}
  - {name: app, kind: service, workers: 1, service_time: exp(10ms)}
)",
                                  static_cast<unsigned long long>(seed), duration_s);
  const nlohmann::json s = run_scenario_text(yaml, "lb-tandem.yaml");
  const double n = figure(s, "system.latency.ok.count");
  const double rho1 = kLambda / kMu1, rho2 = kLambda / kMu2;
  const double sigma1 = std::sqrt(mm1_sojourn_mean_asymptotic_variance(rho1, kMu1));
  const double sigma2 = std::sqrt(mm1_sojourn_mean_asymptotic_variance(rho2, kMu2));
  expect_near_theory("LB(M/M/1) -> app(M/M/1) mean response (ms)",
                     "1/(mu1-lambda) + 1/(mu2-lambda)",
                     1e3 / (kMu1 - kLambda) + 1e3 / (kMu2 - kLambda),
                     figure(s, "system.latency.ok.mean_ms"), k_se(1e3 * (sigma1 + sigma2), n));
  // The LB as a station: its own sojourn (queue + work) and utilisation.
  expect_near_theory("LB own mean sojourn (ms)", "1/(mu1-lambda)", 1e3 / (kMu1 - kLambda),
                     1e3 * figure(s, "components.lb.local.W_s"), k_se(1e3 * sigma1, n));
  const BirthDeath chain = mmc_chain(1, kLambda, kMu1);
  expect_near_theory(
      "LB utilisation", "lambda/mu1", rho1, figure(s, "components.lb.utilisation"),
      k_se(std::sqrt(chain.time_average_variance([](int k) { return k >= 1 ? 1.0 : 0.0; })),
           figure(s, "run.measured_length_s")));
  // P(an arrival waits at the LB) = rho1 (PASTA).
  expect_near_theory(
      "LB P(wait)", "rho1", rho1, figure(s, "components.lb.p_wait"),
      k_se(std::sqrt(chain.arrival_average_variance([](int k) { return k >= 1 ? 1.0 : 0.0; })), n));
  EXPECT_NEAR(figure(s, "components.lb.mean_service_s"), 1.0 / kMu1, 0.02 / kMu1);
}

// ~1e6 requests: 4 SE on the mean response ~0.45 ms of 32.1 ms (1.4%).
TEST(LoadBalancerWork, OneWorkerExpServiceInFrontOfAServiceIsAJacksonTandem) {
  check_tandem(16800.0, 61);
}

TEST(LoadBalancerWork, OneWorkerExpServiceInFrontOfAServiceIsAJacksonTandem_Long) {
  check_tandem(166800.0, 62);
}

}  // namespace
}  // namespace sdsim::validation
