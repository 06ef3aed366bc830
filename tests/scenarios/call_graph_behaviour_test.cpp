// Behaviour of call graphs and request classes: each test runs a small scenario in its own
// process and checks a figure that a wrong implementation would get wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

TEST(Calls, ProbabilityThinsTheCallsToItsShare) {
  const json s = run_yaml(R"(
name: probability
duration: 200s
clients:
  - {name: users, target: app, arrival: {poisson: 200/s}}
components:
  - name: app
    kind: service
    workers: unlimited
    service_time: const(1ms)
    calls: [{to: auth, probability: 30%}, {to: db}]
  - {name: auth, kind: service, workers: unlimited, service_time: const(1ms)}
  - {name: db, kind: service, workers: unlimited, service_time: const(1ms)}
)")
                     .summary;
  const double n = num(s, "components.app.arrivals");
  EXPECT_EQ(num(s, "components.db.arrivals"), n);
  EXPECT_NEAR(num(s, "components.auth.arrivals") / n, 0.3, 4 * std::sqrt(0.21 / n));
}

TEST(Calls, WhenWriteCallsOnlyForWrites) {
  const json s = run_yaml(R"(
name: when-write
duration: 200s
clients:
  - name: users
    target: app
    arrival: {poisson: 200/s}
    classes:
      - {name: reads, share: 80%, op: read}
      - {name: writes, share: 20%, op: write}
components:
  - name: app
    kind: service
    workers: unlimited
    service_time: const(1ms)
    calls: [{to: db, when: write}, {to: search, when: read}]
  - {name: db, kind: service, workers: unlimited, service_time: const(1ms)}
  - {name: search, kind: service, workers: unlimited, service_time: const(1ms)}
)")
                     .summary;
  // Components count arrivals in [0, 200 s): a request issued in the last 1 ms reaches the
  // db or search after it.
  EXPECT_NEAR(num(s, "components.db.arrivals"),
              num(s, "clients.users.classes.writes.requests.issued"), 2);
  EXPECT_NEAR(num(s, "components.search.arrivals"),
              num(s, "clients.users.classes.reads.requests.issued"), 2);
  const double n = num(s, "clients.users.requests.issued");
  EXPECT_NEAR(num(s, "clients.users.classes.writes.requests.issued") / n, 0.2,
              4 * std::sqrt(0.16 / n));
  expect_conserved(at(s, "clients.users.classes.reads"), "class reads");
  expect_conserved(at(s, "clients.users.classes.writes"), "class writes");
}

TEST(Calls, ClassOverridesServiceTimeAndCalls) {
  const json s = run_yaml(R"(
name: class-overrides
duration: 100s
clients:
  - name: users
    target: app
    arrival: {poisson: 100/s}
    classes:
      - {name: browse, share: 0.5}
      - name: checkout
        share: 0.5
        op: write
        service_time: {app: const(30ms)}
        calls: {app: [{to: payments}]}
components:
  - {name: app, kind: service, workers: unlimited, service_time: const(10ms)}
  - {name: payments, kind: service, workers: unlimited, service_time: const(5ms)}
)")
                     .summary;
  // No queueing, no latency: each class's response time is exact.
  EXPECT_NEAR(num(s, "clients.users.classes.browse.latency.ok.mean_ms"), 10.0, 1e-6);
  EXPECT_NEAR(num(s, "clients.users.classes.checkout.latency.ok.mean_ms"), 35.0, 1e-6);
  // (components count arrivals in [warmup, stop): the last ~35 ms of checkouts reach
  // payments after the stop.)
  EXPECT_NEAR(num(s, "components.payments.arrivals"),
              num(s, "clients.users.classes.checkout.requests.issued"), 10);
  EXPECT_LE(num(s, "components.payments.arrivals"),
            num(s, "clients.users.classes.checkout.requests.issued"));
}

TEST(Calls, CallTimeoutFailsTheRequestAndIgnoresTheLateReply) {
  const json s = run_yaml(R"(
name: call-timeout
duration: 50s
clients:
  - {name: users, target: app, arrival: {constant: 20/s}}
components:
  - name: app
    kind: service
    workers: unlimited
    service_time: const(0s)
    calls: [{to: slow, timeout: 50ms}]
  - {name: slow, kind: service, workers: unlimited, service_time: const(100ms)}
)")
                     .summary;
  const std::uint64_t n = count(s, "system.requests.issued");
  EXPECT_EQ(n, 1000u);
  EXPECT_EQ(count(s, "system.requests.outcomes.error"), n);
  EXPECT_NEAR(num(s, "system.latency.all_ended.mean_ms"), 50.0, 1e-6);
  // The slow service still did (and answered) every call.
  EXPECT_EQ(count(s, "components.slow.arrivals"), n);
}

TEST(Calls, DownstreamRejectionReachesTheClientAsRejected) {
  // Constant arrivals every 6.67 ms; the db takes 10 ms with one worker and no queue, so
  // every other call finds it busy and is rejected.
  const json s = run_yaml(R"(
name: propagate
duration: 60s
clients:
  - {name: users, target: app, arrival: {constant: 150/s}}
components:
  - {name: app, kind: service, workers: unlimited, service_time: const(0s), calls: [{to: db}]}
  - name: db
    kind: service
    workers: 1
    queue: {capacity: 0}
    service_time: const(10ms)
)")
                     .summary;
  const double n = num(s, "system.requests.issued");
  EXPECT_NEAR(num(s, "system.requests.outcomes.rejected"), n / 2, 1);
  EXPECT_NEAR(num(s, "system.requests.outcomes.ok"), n / 2, 1);
  EXPECT_EQ(num(s, "system.requests.outcomes.rejected"), num(s, "components.db.rejected"));
}

TEST(Calls, ParallelGroupWaitsForTheSlowestAndBreakdownCountsTheNetwork) {
  // 1 ms per hop: client -> app -> {a, b} in parallel -> app -> client.
  const json s = run_yaml(R"(
name: parallel
duration: 20s
network: {default: {latency: 1ms}}
clients:
  - {name: users, target: app, arrival: {constant: 10/s}}
components:
  - name: app
    kind: service
    workers: unlimited
    service_time: const(2ms)
    calls:
      - {name: both, parallel: [a, b], wait: all}
      - {to: c}
  - {name: a, kind: service, workers: unlimited, service_time: const(5ms)}
  - {name: b, kind: service, workers: unlimited, service_time: const(8ms)}
  - {name: c, kind: service, workers: unlimited, service_time: const(1ms)}
)")
                     .summary;
  // 1 + 2 + (1 + 8 + 1) + (1 + 1 + 1) + 1 = 17 ms.
  EXPECT_NEAR(num(s, "system.latency.ok.mean_ms"), 17.0, 1e-6);
  EXPECT_NEAR(num(s, "components.app.breakdown_ms.service_mean"), 2.0, 1e-6);
  EXPECT_NEAR(num(s, "components.app.breakdown_ms.downstream_wait_mean"), 13.0, 1e-6);
  // Network: 2 ms on each of the three calls' round trips (parallel ones overlap).
  EXPECT_NEAR(num(s, "components.app.breakdown_ms.network_mean"), 6.0, 1e-6);
}

TEST(Calls, ThreadPoolExhaustionQueuesBehindASlowDependency) {
  // 2 workers held for 100 ms each by a slow dependency cap the app at 20 requests/s:
  // offered 30/s, so the bounded queue overflows and requests are rejected; async handlers
  // with the same 2 workers serve everything.
  const char* yaml = R"(
name: exhaustion
duration: 100s
clients:
  - {name: users, target: app, arrival: {constant: 30/s}}
components:
  - name: app
    kind: service
    workers: 2
    queue: {capacity: 10}
    async: %s
    service_time: const(1ms)
    calls: [{to: slow}]
  - {name: slow, kind: service, workers: unlimited, service_time: const(100ms)}
)";
  char buf[1024];
  std::snprintf(buf, sizeof buf, yaml, "false");
  const json t = run_yaml(buf).summary;
  const double n = num(t, "system.requests.issued");
  // Served at most 20/s over the run (plus the queue's 10 at the end).
  EXPECT_LE(num(t, "system.requests.outcomes.ok"), 20 * 100 + 12);
  EXPECT_GE(num(t, "system.requests.outcomes.rejected"), n - (20 * 100 + 12));
  EXPECT_NEAR(num(t, "components.app.utilisation"), 1.0, 0.02);
}

TEST(Calls, AsyncHandlersDoNotExhaustThePool) {
  const json a = run_yaml(R"(
name: exhaustion-async
duration: 100s
clients:
  - {name: users, target: app, arrival: {constant: 30/s}}
components:
  - name: app
    kind: service
    workers: 2
    queue: {capacity: 10}
    async: true
    service_time: const(1ms)
    calls: [{to: slow}]
  - {name: slow, kind: service, workers: unlimited, service_time: const(100ms)}
)")
                     .summary;
  EXPECT_EQ(num(a, "system.requests.outcomes.ok"), num(a, "system.requests.issued"));
  EXPECT_NEAR(num(a, "components.app.utilisation"), 30 * 0.001 / 2, 1e-3);
}

}  // namespace
}  // namespace sdsim::testing
