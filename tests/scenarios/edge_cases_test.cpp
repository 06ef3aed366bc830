// Edge cases of scenarios (issue #7): zero-latency links, and figures without samples. (An
// overload with an unbounded queue is in guards_test.cpp; a duration shorter than the warm-up
// is a load error: tests/config/duration_shorter_than_warmup.yaml.)
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/output/summary_table.hpp"
#include "tests/support/sim_harness.hpp"
#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"

namespace sdsim::testing {
namespace {

TEST(EdgeCases, ZeroLatencyLinksAddNoTime) {
  // client -> LB -> api across two zones, every hop and the link explicitly 0 ms: the
  // request's latency is the M/M/1 sojourn at the api alone (rho 0.5, E[T] = 20 ms).
  const SimRun r = run_yaml(R"(
name: zero-latency
seed: 3
duration: 2200s
warmup: 200s
window: 100s
network:
  default: {latency: 0ms}
  zones: {edge: [users, lb], core: [api]}
  links: [{between: [edge, core], latency: 0ms}]
clients:
  - {name: users, target: lb, arrival: {poisson: 50/s}}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, backends: api}
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
)");
  const auto& s = r.summary;
  const double n = num(s, "system.latency.ok.count");
  ASSERT_GT(n, 90'000);
  // Tolerance: 4 standard errors from the exact asymptotic variance of the M/M/1 mean sojourn.
  const double sigma_ms =
      1e3 * std::sqrt(validation::mm1_sojourn_mean_asymptotic_variance(0.5, 100.0));
  expect_near_theory("zero latency: mean latency (ms)", "E[T] = 1/(mu-lambda)", 20.0,
                     num(s, "system.latency.ok.mean_ms"), validation::k_se(sigma_ms, n));
  // Nothing is spent between the hops: the client's latency is the api's residence, request
  // for request (the same requests: with no network, each arrives at the api when issued).
  EXPECT_NEAR(num(s, "system.latency.ok.mean_ms"),
              num(s, "components.api.residence.latency.mean_ms"), 1e-9);
  EXPECT_EQ(count(s, "run.network.messages_lost"), 0u);
  EXPECT_GT(num(s, "system.latency.ok.min_ms"), 0.0);  // service times are never 0
  EXPECT_NEAR(num(s, "components.api.local.ratio"), 1.0, 0.05);
}

TEST(EdgeCases, PercentilesWithoutSamplesAreNull) {
  // Every call fails (injected errors for the whole run): no request ends ok, so the latency
  // of ok requests has no samples. Its figures are null, not 0; the table prints "-".
  const SimRun r = run_yaml(R"(
name: all-fail
duration: 10s
window: 1s
clients:
  - {name: users, target: api, arrival: {poisson: 50/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
faults:
  - {name: broken, at: 0s, for: 1h, errors: api, probability: 100%}
)");
  const auto& s = r.summary;
  EXPECT_EQ(count(s, "system.requests.outcomes.ok"), 0u);
  EXPECT_GT(count(s, "system.requests.outcomes.error"), 300u);
  const auto& ok = at(s, "system.latency.ok");
  EXPECT_EQ(ok["count"], 0);
  for (const char* k : {"mean_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "min_ms", "max_ms"})
    EXPECT_TRUE(ok[k].is_null()) << k << " = " << ok[k];
  // The errors did end: that latency block has samples (0 ms: answered at once, no latency).
  EXPECT_EQ(num(s, "system.latency.all_ended.p99_ms"), 0.0);
  EXPECT_TRUE(at(s, "components.api.queue_wait.p99_ms").is_null());
  EXPECT_TRUE(at(s, "system.goodput_per_s").get<double>() == 0.0);  // a rate: 0 ok per second
  const std::string table = format_summary_table(s);
  EXPECT_NE(table.find("latency ok  n 0  mean - ms  p50 -  p90 -  p99 -  p99.9 -  max - ms"),
            std::string::npos)
      << table;
  // The time series leaves the cells empty (no value), never 0.
  EXPECT_NE(r.timeseries.find(",system,latency_p99_ms,\n"), std::string::npos);
  EXPECT_EQ(r.timeseries.find(",system,latency_p99_ms,0\n"), std::string::npos);
}

}  // namespace
}  // namespace sdsim::testing
