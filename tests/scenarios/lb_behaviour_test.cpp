// Load-balancer behaviour over whole runs: the share of requests each backend replica gets
// (observed through the load balancer's sent_to_<i> counters), least outstanding and power
// of two steering away from a busier replica, and the load balancer's own bounded queue
// turning requests away with 503s. Each test is one small run (its own process).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

std::uint64_t sent_to(const json& s, const std::string& lb, int replica) {
  return count(s, "components." + lb + ".load_balancer.sent_to_" + std::to_string(replica));
}

TEST(WeightedRoundRobin, SharesAreExactlyProportionalToTheWeights) {
  // 600 requests, weights 3, 1, 2 (total 6): 100 full cycles, so exactly 300, 100, 200.
  // No warm-up: every request is counted.
  const SimRun run = run_yaml(R"(
name: wrr
seed: 3
requests: 600
clients:
  - name: c
    target: lb
    arrival: {poisson: 100/s}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, weights: [3, 1, 2], backends: app}
  - {name: app, kind: service, replicas: 3, workers: 4, service_time: exp(10ms)}
)");
  const json& s = run.summary;
  EXPECT_EQ(count(s, "components.lb.arrivals"), 600u);
  EXPECT_EQ(sent_to(s, "lb", 0), 300u);
  EXPECT_EQ(sent_to(s, "lb", 1), 100u);
  EXPECT_EQ(sent_to(s, "lb", 2), 200u);
  // What the LB sent is what the backend received.
  EXPECT_EQ(count(s, "components.app.arrivals"), 600u);
}

TEST(WeightedRandom, SharesFollowTheWeightsWithinBinomialNoise) {
  // Weights 1, 3: P(replica 1) = 0.75; n = 40,000 draws: sd sqrt(n p (1 - p)) = 86.6,
  // tolerance 4 sd = 346.
  const SimRun run = run_yaml(R"(
name: wrandom
seed: 4
requests: 40000
clients:
  - name: c
    target: lb
    arrival: {poisson: 1000/s}
components:
  - {name: lb, kind: load_balancer, policy: random, weights: [1, 3], backends: app}
  - {name: app, kind: service, replicas: 2, workers: unlimited, service_time: exp(10ms)}
)");
  const json& s = run.summary;
  ASSERT_EQ(sent_to(s, "lb", 0) + sent_to(s, "lb", 1), 40000u);
  EXPECT_NEAR(static_cast<double>(sent_to(s, "lb", 1)), 30000.0, 346.0);
}

TEST(LeastOutstanding, SendsLessToABusierReplicaAndCutsTheTailVersusRoundRobin) {
  // A service cannot have replicas of different speeds, so one replica is made busier by
  // other traffic: three identical copies of a service (2 single-worker replicas of
  // exp(10ms)), each with a background client that sends 39 of every 40 of its 40/s to
  // replica 0 (a weighted LB), and a foreground client of 100/s through an LB whose policy
  // differs: round_robin (half to each replica, blind to the load: replica 0 at rho ~0.89,
  // replica 1 at ~0.51), least_outstanding, power_of_two (with two replicas both are drawn:
  // the less loaded wins). The load-aware LBs see replica 0's replies come back later (more
  // of their own requests outstanding there) and send it less, so their requests wait less.
  // Seeds 7, 8, 9 gave least_outstanding shares 0.419 to 0.429 and p99s 104 to 110 ms against
  // round robin's 220 to 333 ms; the margins below leave room for the noise of ~18,000
  // requests (a share's binomial sd ~0.004; p99s vary by ~20%).
  const SimRun run = run_yaml(R"(
name: lo-vs-rr
seed: 7
duration: 200s
warmup: 20s
clients:
  - {name: bg-rr, target: lb-bg-rr, arrival: {poisson: 40/s}}
  - {name: bg-lo, target: lb-bg-lo, arrival: {poisson: 40/s}}
  - {name: bg-p2, target: lb-bg-p2, arrival: {poisson: 40/s}}
  - {name: via-rr, target: lb-rr, arrival: {poisson: 100/s}}
  - {name: via-lo, target: lb-lo, arrival: {poisson: 100/s}}
  - {name: via-p2, target: lb-p2, arrival: {poisson: 100/s}}
components:
  - {name: lb-bg-rr, kind: load_balancer, weights: [39, 1], backends: app-rr}
  - {name: lb-bg-lo, kind: load_balancer, weights: [39, 1], backends: app-lo}
  - {name: lb-bg-p2, kind: load_balancer, weights: [39, 1], backends: app-p2}
  - {name: lb-rr, kind: load_balancer, policy: round_robin, backends: app-rr}
  - {name: lb-lo, kind: load_balancer, policy: least_outstanding, backends: app-lo}
  - {name: lb-p2, kind: load_balancer, policy: power_of_two, backends: app-p2}
  - {name: app-rr, kind: service, replicas: 2, workers: 1, service_time: exp(10ms)}
  - {name: app-lo, kind: service, replicas: 2, workers: 1, service_time: exp(10ms)}
  - {name: app-p2, kind: service, replicas: 2, workers: 1, service_time: exp(10ms)}
)");
  const json& s = run.summary;
  auto share0 = [&](const std::string& lb) {
    return static_cast<double>(sent_to(s, lb, 0)) /
           static_cast<double>(sent_to(s, lb, 0) + sent_to(s, lb, 1));
  };
  const double rr = share0("lb-rr"), lo = share0("lb-lo"), p2 = share0("lb-p2");
  const double p99_rr = num(s, "clients.via-rr.latency.ok.p99_ms");
  const double p99_lo = num(s, "clients.via-lo.latency.ok.p99_ms");
  const double p99_p2 = num(s, "clients.via-p2.latency.ok.p99_ms");
  std::printf(
      "[lb] share to the busier replica: round_robin %.3f, least_outstanding %.3f, "
      "power_of_two %.3f; p99 %.1f / %.1f / %.1f ms\n",
      rr, lo, p2, p99_rr, p99_lo, p99_p2);
  EXPECT_NEAR(rr, 0.5, 1e-3);  // alternating: exactly half, +-1 request
  EXPECT_LT(lo, 0.46);
  EXPECT_LT(p2, 0.46);
  EXPECT_LT(p99_lo, 0.7 * p99_rr);
  EXPECT_LT(p99_p2, 0.7 * p99_rr);
}

TEST(LoadBalancerQueue, FullQueueRejectsAtOnceAndCountsLikeAService) {
  // The LB's own work: constant 10 ms, one worker, no waiting room, offered 50/s (Poisson):
  // an arrival finding the worker busy is turned away (503) without reaching the backend.
  // M/D/1/1: blocking = a / (1 + a) with a = 0.5 (Erlang B(1, a), insensitive to the law):
  // 1/3. ~19,000 arrivals; sd of the ratio ~0.005 (correlation is short here: a busy period
  // is one 10 ms service); tolerance 0.025.
  const SimRun run = run_yaml(R"(
name: lb-queue
seed: 9
duration: 400s
warmup: 20s
clients:
  - {name: c, target: lb, arrival: {poisson: 50/s}}
components:
  - {name: lb, kind: load_balancer, backends: app, service_time: 10ms, workers: 1,
     queue: {capacity: 0}}
  - {name: app, kind: service, workers: unlimited, service_time: 1ms}
)");
  const json& s = run.summary;
  EXPECT_NEAR(num(s, "components.lb.rejection_ratio"), 1.0 / 3.0, 0.025);
  EXPECT_GT(count(s, "components.lb.rejected"), 0u);
  EXPECT_EQ(count(s, "components.lb.rejected"), count(s, "system.requests.outcomes.rejected"));
  // Sent on = arrived - rejected (counted by LB arrival date); the backend counts by its own
  // arrival date, 10 ms later, so one request may fall on the other side of the interval end.
  EXPECT_EQ(sent_to(s, "lb", 0),
            count(s, "components.lb.arrivals") - count(s, "components.lb.rejected"));
  EXPECT_NEAR(static_cast<double>(count(s, "components.app.arrivals")),
              static_cast<double>(sent_to(s, "lb", 0)), 2.0);
  EXPECT_EQ(count(s, "components.app.rejected"), 0u);
  // A station: its utilisation is the carried load a (1 - B) = 1/3; nobody waits.
  EXPECT_NEAR(num(s, "components.lb.utilisation"), 1.0 / 3.0, 0.025);
  EXPECT_EQ(num(s, "components.lb.mean_queue_length"), 0.0);
  EXPECT_NEAR(num(s, "components.lb.mean_service_s"), 0.010, 1e-9);
}

}  // namespace
}  // namespace sdsim::testing
