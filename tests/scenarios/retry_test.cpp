// Client retries (docs/models/client.md, "Retries"): each test checks a figure a wrong
// implementation would get wrong; conservation and no deadlock are checked by the harness.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

std::string failing_service(const std::string& retry, const char* probability) {
  return R"(
name: retries
seed: 21
duration: 200s
clients:
  - {name: users, target: api, arrival: {poisson: 100/s}, timeout: 1s, retry: )" +
         retry + R"(}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: flaky, at: 0s, errors: api, probability: )" +
         probability + "}\n";
}

// Each attempt fails independently with p = 0.5; up to 2 retries: a request succeeds with
// 1 - p^3 and makes 1 + p + p^2 attempts on average.
TEST(Retries, IndependentFailuresGiveTheGeometricFigures) {
  const json s = run_yaml(failing_service("{max_retries: 2, on: [error]}", "50%")).summary;
  const double n = num(s, "system.requests.issued");
  const double ok = num(s, "system.requests.outcomes.ok") / n;
  expect_near_theory("retries: share ok", "1 - p^3", 0.875, ok, 4 * std::sqrt(0.875 * 0.125 / n));
  // Attempts per request: 1, 2 or 3 with probabilities 1/2, 1/4, 1/4: variance 0.6875.
  expect_near_theory("retries: attempts per request", "1 + p + p^2", 1.75,
                     num(s, "system.retry_amplification"), 4 * std::sqrt(0.6875 / n));
  EXPECT_EQ(num(s, "components.api.arrivals"), num(s, "system.attempts"));
}

// Every attempt fails at once; a constant backoff of 100 ms between them: the request ends
// (error) exactly 2 x 100 ms after it was issued, after 3 attempts.
TEST(Retries, ConstantBackoffSpacesTheAttempts) {
  const SimRun run =
      run_yaml(failing_service("{max_retries: 2, backoff: {constant: 100ms}}", "100%"), true);
  for (const LoggedRequest& r : request_log(run)) {
    EXPECT_EQ(r.outcome, "error");
    EXPECT_NEAR(r.ended - r.issued, 0.2, 1e-9);
  }
  EXPECT_DOUBLE_EQ(num(run.summary, "system.retry_amplification"), 3.0);
}

// Exponential backoff 10 ms, doubling, capped at 25 ms: waits 10, 20, 25 ms.
TEST(Retries, ExponentialBackoffDoublesUpToItsCap) {
  const SimRun run = run_yaml(
      failing_service("{max_retries: 3, backoff: {exponential: 10ms, cap: 25ms}}", "100%"), true);
  for (const LoggedRequest& r : request_log(run)) EXPECT_NEAR(r.ended - r.issued, 0.055, 1e-9);
}

// Full jitter draws each wait uniformly in [0, d]: the mean wait is d / 2.
TEST(Retries, FullJitterHalvesTheMeanWait) {
  const SimRun run = run_yaml(
      failing_service("{max_retries: 1, backoff: {constant: 100ms}, jitter: full}", "100%"), true);
  double sum = 0, lo = 1, hi = 0;
  int n = 0;
  for (const LoggedRequest& r : request_log(run)) {
    const double w = r.ended - r.issued;
    sum += w;
    lo = std::min(lo, w);
    hi = std::max(hi, w);
    ++n;
  }
  // Uniform on [0, 100 ms]: sd 28.9 ms.
  expect_near_theory("full jitter: mean wait (s)", "d / 2", 0.05, sum / n,
                     4 * 0.1 / std::sqrt(12.0 * n));
  EXPECT_GE(lo, 0.0);
  EXPECT_LE(hi, 0.1);
}

// A retry budget of 10% lets retries add at most 10% of the requests (plus the bucket's
// burst of 10), however many attempts fail.
TEST(Retries, BudgetCapsTheRetries) {
  const json s = run_yaml(failing_service("{max_retries: 3, budget: 10%}", "100%")).summary;
  const double n = num(s, "system.requests.issued");
  const double retries = num(s, "system.attempts") - n;
  EXPECT_LE(retries, 0.1 * n + 10);
  EXPECT_GE(retries, 0.1 * n - 1);
}

// Timeouts are retried too, and the server does the abandoned work: a 300 ms job behind a
// 100 ms client timeout gets each request 3 times (the retry storm's amplification).
TEST(Retries, TimedOutAttemptsAreRetriedAndTheServerDoesTheWorkAgain) {
  const SimRun run = run_yaml(R"(
name: timeout-retries
duration: 10s
clients:
  - {name: users, target: api, arrival: {constant: 10/s}, timeout: 100ms, retry: {max_retries: 2}}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(300ms)}
)",
                              true);
  for (const LoggedRequest& r : request_log(run)) {
    EXPECT_EQ(r.outcome, "timed_out");
    EXPECT_NEAR(r.ended - r.issued, 0.3, 1e-9);
  }
  const double n = num(run.summary, "system.requests.issued");
  EXPECT_EQ(num(run.summary, "system.attempts"), 3 * n);
  // The server counts arrivals before the 10 s stop: the last requests' retries come after.
  EXPECT_GE(num(run.summary, "components.api.arrivals"), 3 * n - 3);
  EXPECT_LE(num(run.summary, "components.api.arrivals"), 3 * n);
}

// `on` chooses what is retried: errors are not retried with on: [timeout].
TEST(Retries, OnlyTheListedOutcomesAreRetried) {
  const json s = run_yaml(failing_service("{max_retries: 2, on: [timeout]}", "100%")).summary;
  EXPECT_DOUBLE_EQ(num(s, "system.retry_amplification"), 1.0);
}

// A 429 carries Retry-After (the time until the bucket has a token); the client waits at least
// that long. A bucket of one token refilled at 1/s; requests at 0 and 0.25 s, no work, no
// latency: the first takes the token; the second is refused with Retry-After 0.75 s, retries
// at 1 s exactly and gets the new token. Retrying at once would have been refused again.
TEST(Retries, RetryAfterIsHonoured) {
  const SimRun run = run_yaml(R"(
name: retry-after
requests: 2
drain: 5s
clients:
  - {name: users, target: api, arrival: {constant: 4/s}, retry: {max_retries: 1, on: [rejected]}}
components:
  - name: api
    kind: service
    workers: unlimited
    service_time: const(0s)
    rate_limit: {rate: 1/s, burst: 1}
)",
                              true);
  const auto log = request_log(run);
  ASSERT_EQ(log.size(), 2u);
  for (const LoggedRequest& r : log) {
    EXPECT_EQ(r.outcome, "ok") << r.issued;
    EXPECT_NEAR(r.ended - r.issued, r.issued == 0 ? 0.0 : 0.75, 1e-9) << r.issued;
  }
  EXPECT_EQ(num(run.summary, "components.api.service.throttled"), 1);
}

}  // namespace
}  // namespace sdsim::testing

namespace sdsim::testing {
namespace {

// Circuit breaker: the service fails every call for [20 s, 40 s). The breaker opens once half
// of the last 5 s's attempts failed (at least 20): at 22.5 s, when the 250 failures since
// 20 s match the 250 successes still in the window. It fails fast for 2 s, lets one probe through,
// and opens again while the probe fails: during the outage the service sees almost nothing
// (one probe per 2 s) instead of 100 calls/s, and once it is healthy the next probe closes the
// breaker. Each open period is an incident.
TEST(Breaker, OpensOnFailuresShieldsTheServiceAndCloses) {
  const SimRun run = run_yaml(R"(
name: breaker
seed: 81
duration: 60s
window: 1s
clients:
  - name: users
    target: api
    arrival: {constant: 100/s}
    breaker: {failure_rate: 50%, window: 5s, min_attempts: 20, open_for: 2s, probes: 1}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: outage, at: 20s, for: 20s, errors: api, probability: 100%}
)");
  const std::string& ts = run.timeseries;
  // Before: all calls reach the service. While open: one probe per 2 s. After: back to 100/s
  // within open_for.
  EXPECT_NEAR(window_sum(ts, "component/api", "arrivals_per_s", 10, 20), 1000, 1);
  const double during = window_sum(ts, "component/api", "arrivals_per_s", 23, 40);
  EXPECT_LE(during, 17 / 2.0 + 2);
  EXPECT_NEAR(window_sum(ts, "component/api", "arrivals_per_s", 43, 60), 1700, 1);
  const json& inc = at(run.summary, "incidents");
  int opens = 0;
  for (const json& i : inc)
    if (i["kind"] == "breaker_open") {
      ++opens;
      EXPECT_NEAR(i["from_s"].get<double>(), 22.5, 0.011);
      EXPECT_GE(i["to_s"].get<double>(), 40.0);
      EXPECT_LE(i["to_s"].get<double>(), 42.5);
    }
  EXPECT_EQ(opens, 1);
}

}  // namespace
}  // namespace sdsim::testing

namespace sdsim::testing {
namespace {

// Cancellation drops only what still waits: one worker, 200 ms of work, a request every
// 100 ms with a 150 ms timeout. Request k (at 0.1k s) that finds the worker busy waits; the
// worker frees every 200 ms, so every other request starts before its timeout and the ones
// in between are cancelled while they wait: half the requests are dropped in the queue,
// none is dropped once started, and the queue does not grow (without cancellation it would
// grow by 5 a second).
TEST(Cancellation, DropsQueuedAttemptsOnly) {
  const json s = run_yaml(R"(
name: cancel
duration: 100s
clients:
  - {name: users, target: api, arrival: {constant: 10/s}, timeout: 150ms, cancel: true}
components:
  - {name: api, kind: service, workers: 1, service_time: const(200ms)}
)")
                     .summary;
  const double n = num(s, "components.api.arrivals");
  EXPECT_NEAR(num(s, "components.api.cancelled"), n / 2, 2);
  // A cancelled request leaves the queue when it comes up (lazily, at no cost): the queue holds
  // 1 or 2 (live or cancelled) and does not grow.
  EXPECT_LT(num(s, "components.api.mean_queue_length"), 2.0);
  EXPECT_NEAR(num(s, "components.api.utilisation"), 1.0, 0.01);
}

}  // namespace
}  // namespace sdsim::testing
