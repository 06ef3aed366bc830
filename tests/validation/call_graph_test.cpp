// Call graphs against theory (formula, expected, measured; tolerances from the sample size):
//  * Jackson tandem: client -> load balancer -> app (M/M/4, async handlers) -> db (M/M/1).
//    With async handlers the app's departures are Poisson (Burke), so the db is an M/M/1 fed
//    by them and the mean end-to-end response is W_app + W_db.
//  * Fan-out to n replicas with exponential service and no queueing, waiting for all: the
//    response is the max of n exponentials, mean H_n / mu, P(T <= t) = (1 - e^(-mu t))^n;
//    waiting for k of n: the k-th order statistic, mean (1/mu) sum_{i<k} 1/(n - i).
//  * A connection pool of 1 in front of a const(10ms) db: the pool is an M/D/1 queue.
//  * Thread per request vs async: worker utilisation lambda E[hold] / c, with the hold
//    including the downstream wait only for thread-per-request handlers.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

TEST(CallGraph, JacksonTandemMeanResponse) {
  // app: c = 4, mu = 25/s (exp 40 ms), lambda = 80/s: rho = 0.8. db: mu = 125/s (exp 8 ms):
  // rho = 0.64.
  const nlohmann::json s = run_scenario_text(R"(
name: jackson-tandem
seed: 11
duration: 4000s
warmup: 100s
window: 1000s
clients:
  - name: users
    target: lb
    arrival: {poisson: 80/s}
components:
  - {name: lb, kind: load_balancer, backends: app}
  - name: app
    kind: service
    workers: 4
    async: true
    service_time: exp(40ms)
    calls: [{to: db}]
  - name: db
    kind: service
    workers: 1
    service_time: exp(8ms)
)",
                                             "jackson.yaml");
  const double n = figure(s, "system.latency.ok.count");
  const double w_app = mmc_mean_wait(4, 80, 25) + 1 / 25.0;
  const double w_db = 1 / (125.0 - 80.0);
  // sd(X + Y) <= sd(X) + sd(Y): the sum of the two stations' asymptotic standard deviations
  // bounds that of the end-to-end mean, whatever their correlation.
  const BirthDeath app = mmc_chain(4, 80, 25);
  const double sigma = std::sqrt(app.little_mean_variance([](int k) { return double(k); })) +
                       std::sqrt(mm1_sojourn_mean_asymptotic_variance(0.64, 125));
  expect_near_theory("tandem M/M/4 -> M/M/1 mean response (ms)", "W_app + W_db (Jackson)",
                     1e3 * (w_app + w_db), figure(s, "system.latency.ok.mean_ms"),
                     1e3 * k_se(sigma, n));
  // Each station on its own, too.
  expect_near_theory("db mean residence (ms)", "1 / (mu - lambda)", 1e3 * w_db,
                     1e3 * figure(s, "components.db.residence.W_s"),
                     1e3 * k_se(std::sqrt(mm1_sojourn_mean_asymptotic_variance(0.64, 125)), n));
  EXPECT_NEAR(figure(s, "components.app.local.ratio"), 1.0, kLittleTolerance);
  EXPECT_NEAR(figure(s, "components.app.residence.ratio"), 1.0, kLittleTolerance);
  // The breakdown adds up to the app's residence: queue wait + service + downstream wait.
  const double parts = figure(s, "components.app.breakdown_ms.queue_wait_mean") +
                       figure(s, "components.app.breakdown_ms.service_mean") +
                       figure(s, "components.app.breakdown_ms.downstream_wait_mean");
  EXPECT_NEAR(parts, 1e3 * figure(s, "components.app.residence.W_s"), 1e-6 * parts);
  EXPECT_EQ(figure(s, "components.app.breakdown_ms.network_mean"), 0.0);  // latency 0
}

// n backends, exp(10 ms), unlimited workers, no network latency: a request's response time is
// the k-th smallest of n independent exponentials.
nlohmann::json run_fan_out(int n, const char* wait, std::uint64_t seed) {
  return run_scenario_text(format(R"(
name: fan-out
seed: %llu
duration: 2000s
window: 1000s
clients:
  - name: users
    target: front
    arrival: {poisson: 100/s}
components:
  - name: front
    kind: service
    workers: unlimited
    service_time: const(0s)
    calls: [{to: shards, fan_out: all_replicas, wait: %s}]
  - name: shards
    kind: service
    replicas: %d
    workers: unlimited
    service_time: exp(10ms)
)",
                                  static_cast<unsigned long long>(seed), wait, n),
                           "fan-out.yaml");
}

TEST(CallGraph, FanOutWaitAllIsTheMaxOfN) {
  constexpr int kN = 4;
  constexpr double kMu = 100;
  const nlohmann::json s = run_fan_out(kN, "all", 12);
  const double count = figure(s, "system.latency.ok.count");
  double h = 0, var = 0;
  for (int i = 1; i <= kN; ++i) {
    h += 1.0 / i;
    var += 1.0 / (i * kMu * i * kMu);  // the max of n exponentials: sum of Exp(i mu)
  }
  expect_near_theory("fan-out to 4, wait all: mean (ms)", "H_n / mu", 1e3 * h / kMu,
                     figure(s, "system.latency.ok.mean_ms"), 1e3 * k_se(std::sqrt(var), count));
  // p99: (1 - e^(-mu t))^n = 0.99. Requests are independent (no queueing), so the quantile's
  // standard error is sqrt(p (1 - p)) / (f(t) sqrt(count)) with f the density of the max.
  const double p = 0.99;
  const double t = -std::log(1 - std::pow(p, 1.0 / kN)) / kMu;
  const double f = kN * std::pow(1 - std::exp(-kMu * t), kN - 1) * kMu * std::exp(-kMu * t);
  expect_near_theory("fan-out to 4, wait all: p99 (ms)", "(1 - e^(-mu t))^n = 0.99", 1e3 * t,
                     figure(s, "system.latency.ok.p99_ms"),
                     1e3 * (k_se(std::sqrt(p * (1 - p)) / f, count) + kHistogramRelativeError * t));
  EXPECT_EQ(figure(s, "components.shards.arrivals"), kN * figure(s, "components.front.arrivals"));
}

TEST(CallGraph, FanOutWaitKOfNIsTheKthOrderStatistic) {
  constexpr int kN = 4;
  constexpr double kMu = 100;
  const nlohmann::json s = run_fan_out(kN, "2", 13);
  const double count = figure(s, "system.latency.ok.count");
  // T_(2) of 4: Exp(4 mu) + Exp(3 mu).
  const double mean = (1.0 / 4 + 1.0 / 3) / kMu;
  const double var = (1.0 / 16 + 1.0 / 9) / (kMu * kMu);
  expect_near_theory("fan-out to 4, wait 2: mean (ms)", "(1/mu)(1/4 + 1/3)", 1e3 * mean,
                     figure(s, "system.latency.ok.mean_ms"), 1e3 * k_se(std::sqrt(var), count));
}

TEST(CallGraph, FanOutWaitAnyIsTheMinimum) {
  constexpr int kN = 4;
  constexpr double kMu = 100;
  // `any` is the minimum: Exp(n mu).
  const nlohmann::json a = run_fan_out(kN, "any", 14);
  expect_near_theory("fan-out to 4, wait any: mean (ms)", "1 / (n mu)", 1e3 / (kN * kMu),
                     figure(a, "system.latency.ok.mean_ms"),
                     1e3 * k_se(1 / (kN * kMu), figure(a, "system.latency.ok.count")));
}

TEST(CallGraph, ConnectionPoolOfOneIsAnMD1Queue) {
  // lambda = 80/s, D = 10 ms (rho 0.8): Wq = lambda D^2 / (2 (1 - rho)) = 20 ms; the request
  // spends Wq waiting for the connection and D at the db (unlimited workers: no queue there).
  const nlohmann::json s = run_scenario_text(R"(
name: pool
seed: 15
duration: 5000s
warmup: 100s
window: 1000s
clients:
  - name: users
    target: app
    arrival: {poisson: 80/s}
components:
  - name: app
    kind: service
    workers: unlimited
    service_time: const(0s)
    calls: [{to: db}]
    connections: {db: 1}
  - name: db
    kind: service
    workers: unlimited
    service_time: const(10ms)
)",
                                             "pool.yaml");
  const double n = figure(s, "system.latency.ok.count");
  const double wq = 80 * 0.01 * 0.01 / (2 * (1 - 0.8));
  expect_near_theory("pool of 1 before const(10ms): mean response (ms)",
                     "D + lambda D^2/(2(1-rho))", 1e3 * (0.01 + wq),
                     figure(s, "system.latency.ok.mean_ms"),
                     1e3 * k_se(calibrated::kMD1MeanWait, n));
  // The db never has more than one call in service: its time-average busy workers is rho.
  EXPECT_NEAR(figure(s, "components.db.mean_busy_workers"), 0.8,
              k_se(std::sqrt(2.0), n));  // Poisson count: rel. sd <= sqrt(1 + cv^2) per request
}

// 4 workers, own work exp(10 ms), then a call to a const(50 ms) delay; lambda = 40/s.
nlohmann::json run_handler(bool async) {
  return run_scenario_text(format(R"(
name: handlers
seed: 16
duration: 3000s
warmup: 10s
window: 1000s
clients:
  - name: users
    target: app
    arrival: {poisson: 40/s}
components:
  - name: app
    kind: service
    workers: 4
    async: %s
    service_time: exp(10ms)
    calls: [{to: slow}]
  - name: slow
    kind: service
    workers: unlimited
    service_time: const(50ms)
)",
                                  async ? "true" : "false"),
                           "handlers.yaml");
}

// Worker utilisation = lambda E[hold] / c. The estimate is (sum of holds) / (c T): its
// relative standard error is at most sqrt(1 + cv_hold^2) / sqrt(n) (Poisson count x holds).
TEST(CallGraph, ThreadPerRequestHoldsTheWorkerWhileItWaits) {
  const nlohmann::json t = run_handler(false);
  const double n = figure(t, "components.app.arrivals");
  const double hold = 0.010 + 0.050, cv2 = 1e-4 / (hold * hold);
  expect_near_theory("thread per request: worker utilisation", "lambda (E[S] + D) / c",
                     40 * hold / 4, figure(t, "components.app.utilisation"),
                     kSigmas * 40 * hold / 4 * std::sqrt((1 + cv2) / n));
  // The CPU is busy only during the handler's own work.
  expect_near_theory("thread per request: CPU utilisation", "lambda E[S] / c", 40 * 0.010 / 4,
                     figure(t, "components.app.cpu_utilisation"),
                     kSigmas * 40 * 0.010 / 4 * std::sqrt(2.0 / n));
}

TEST(CallGraph, AsyncHandlerReleasesTheWorkerWhileItWaits) {
  const nlohmann::json a = run_handler(true);
  const double n = figure(a, "components.app.arrivals");
  expect_near_theory("async: worker utilisation", "lambda E[S] / c", 40 * 0.010 / 4,
                     figure(a, "components.app.utilisation"),
                     kSigmas * 40 * 0.010 / 4 * std::sqrt(2.0 / n));
  // Same response time as thread per request here (no queueing for workers at this load
  // either way): E[S] + D, plus the M/M/4 queue wait of the own work, which is tiny.
  EXPECT_NEAR(figure(a, "system.latency.ok.mean_ms"), 60.0, 1.0);
}

}  // namespace
}  // namespace sdsim::validation
