// Faults (docs/reference.md, "faults"): each test runs a small scenario in its own process and
// checks a figure that a wrong implementation would get wrong, with conservation and no
// deadlock checked by the harness.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

using Logged = LoggedRequest;

// Round robin over 4 replicas, one of them down for [20 s, 40 s): exactly every 4th request
// issued then goes to the dead host and times out; none before or after.
TEST(Faults, CrashOfOneReplicaTimesOutItsShareOnly) {
  const SimRun run = run_yaml(R"(
name: crash-one
seed: 3
duration: 60s
window: 5s
clients:
  - {name: users, target: lb, arrival: {constant: 100/s}, timeout: 200ms}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, backends: api}
  - {name: api, kind: service, replicas: 4, workers: unlimited, service_time: const(5ms)}
faults:
  - {name: api-crash, at: 20s, for: 20s, crash: 'api[1]'}
)",
                              true);
  int before = 0, during = 0, after = 0, during_total = 0;
  for (const Logged& r : request_log(run)) {
    const bool in = r.issued >= 20 && r.issued < 40;
    during_total += in;
    if (r.outcome != "timed_out") continue;
    if (r.issued < 20) ++before;
    if (in) ++during;
    if (r.issued >= 40) ++after;
  }
  EXPECT_EQ(before, 0);
  EXPECT_EQ(after, 0);
  EXPECT_EQ(during, during_total / 4);
  const json& inc = at(run.summary, "incidents");
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0]["kind"], "crash");
  EXPECT_EQ(inc[0]["target"], "api[1]");
  EXPECT_DOUBLE_EQ(inc[0]["from_s"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(inc[0]["to_s"].get<double>(), 40.0);
  EXPECT_NE(run.timeseries.find("20,25,incident/api-crash,active,1"), std::string::npos);
}

// A load balancer with a backend timeout answers 504 (an error) for calls to a dead replica
// instead of holding them: the client gets errors after the timeout, and the load balancer's
// books balance (Little's law holds for its residence).
TEST(Faults, LoadBalancerTimeoutTurnsADeadBackendIntoErrors) {
  const SimRun run = run_yaml(R"(
name: lb-timeout
seed: 3
duration: 60s
clients:
  - {name: users, target: lb, arrival: {constant: 100/s}}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, backends: api, timeout: 100ms}
  - {name: api, kind: service, replicas: 2, workers: unlimited, service_time: const(5ms)}
faults:
  - {name: api-crash, at: 20s, for: 20s, crash: 'api[0]'}
)",
                              true);
  int errors = 0, in_window = 0;
  for (const Logged& r : request_log(run)) {
    const bool in = r.issued >= 20 && r.issued < 40;
    in_window += in;
    if (r.outcome == "error") {
      ++errors;
      EXPECT_TRUE(in) << r.issued;
      EXPECT_NEAR(r.ended - r.issued, 0.100, 1e-9);
    }
  }
  EXPECT_EQ(errors, in_window / 2);
  EXPECT_EQ(num(run.summary, "components.lb.load_balancer.backend_timeouts"), errors);
  EXPECT_NEAR(num(run.summary, "components.lb.residence.ratio"), 1.0, 1e-3);
}

// Without a backend timeout, calls lost with a crashed replica stay open at the load balancer
// for good: its Little's-law ratio drifts from 1, and the run says why in its warnings.
TEST(Faults, RequestsHeldForeverAreWarnedAbout) {
  const json s = run_yaml(R"(
name: held-forever
seed: 3
duration: 60s
clients:
  - {name: users, target: lb, arrival: {constant: 100/s}, timeout: 200ms}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, backends: api}
  - {name: api, kind: service, replicas: 2, workers: unlimited, service_time: const(5ms)}
faults:
  - {name: api-crash, at: 20s, for: 20s, crash: 'api[0]'}
)")
                     .summary;
  EXPECT_GT(num(s, "components.lb.residence.ratio"), 2.0);
  bool warned = false;
  for (const json& w : at(s, "warnings"))
    warned = warned || w.get<std::string>().find("lb: Little's law residence ratio") == 0;
  EXPECT_TRUE(warned) << s["warnings"].dump();
}

// Utilisation of the replicas up: with a health-checked load balancer the two survivors of a
// crash carry the third's share. 600/s x 5 ms = 3 busy workers: of 12 provisioned workers
// that is 0.25 all along (`utilisation`), of the 8 up during the crash 0.375
// (`utilisation_up`); `replicas_up` is 2 then. Components no crash can reach get neither.
TEST(Faults, UtilisationOfTheReplicasUpShowsTheSurvivorsLoad) {
  const SimRun r = run_yaml(R"(
name: survivors
seed: 5
duration: 120s
warmup: 10s
window: 5s
clients:
  - {name: users, target: lb, arrival: {poisson: 600/s}, timeout: 1s}
components:
  - name: lb
    kind: load_balancer
    policy: round_robin
    backends: api
    health_check: {interval: 0.2s, timeout: 100ms, unhealthy_after: 1, healthy_after: 1}
  - {name: api, kind: service, replicas: 3, workers: 4, service_time: exp(5ms)}
faults:
  - {name: api-crash, at: 40s, for: 40s, crash: 'api[1]'}
)");
  const auto up = window_series(r.timeseries, "component/api", "replicas_up");
  const auto util = window_series(r.timeseries, "component/api", "utilisation");
  const auto util_up = window_series(r.timeseries, "component/api", "utilisation_up");
  for (double start = 45; start < 80; start += 5) {
    EXPECT_DOUBLE_EQ(up.at(start), 2.0) << start;
    EXPECT_NEAR(util_up.at(start), 0.375, 0.04) << start;
    EXPECT_NEAR(util.at(start), 0.25, 0.027) << start;
  }
  for (double start = 85; start < 120; start += 5) {
    EXPECT_DOUBLE_EQ(up.at(start), 3.0) << start;
    EXPECT_DOUBLE_EQ(util_up.at(start), util.at(start)) << start;
  }
  // Measured interval [10 s, 120 s): 3 x 110 - 40 = 290 replica-seconds up.
  EXPECT_NEAR(num(r.summary, "components.api.replicas_up_mean"), 290.0 / 110, 1e-9);
  EXPECT_NEAR(num(r.summary, "components.api.utilisation_up"),
              num(r.summary, "components.api.utilisation") * 330 / 290, 1e-9);
  EXPECT_TRUE(window_series(r.timeseries, "component/lb", "replicas_up").empty());
  EXPECT_FALSE(r.summary["components"]["lb"].contains("replicas_up_mean"));
}

// Requests lost with a crash and never timed out end in no window: the per-window SLO verdict
// cannot see them, and slo.windows.never_ended counts them (the run's availability does).
TEST(Faults, RequestsThatNeverEndAreCountedBesideTheWindowVerdict) {
  const json s = run_yaml(R"(
name: never-ended
seed: 3
duration: 60s
clients:
  - {name: users, target: lb, arrival: {constant: 100/s}}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, backends: api}
  - {name: api, kind: service, replicas: 2, workers: 2, service_time: const(5ms)}
faults:
  - {name: api-crash, at: 20s, for: 20s, crash: 'api[0]'}
slo: {availability: 99%}
)")
                     .summary;
  const std::uint64_t unfinished = count(s, "system.requests.outcomes.unfinished");
  EXPECT_GT(unfinished, 900u);  // every other request for 20 s (at 100/s)
  EXPECT_EQ(count(s, "slo.windows.never_ended"), unfinished);
  EXPECT_EQ(count(s, "slo.windows.missed"), 0u);  // the windows saw no failure
  EXPECT_FALSE(at(s, "slo.met").get<bool>());     // the run did
}

// Passive outlier ejection: a replica answering errors is taken out after 5 in a row and let
// back after 5 s, when it costs 5 more errors: about 5 errors per 5 s of the 20 s outage,
// instead of half of 100 calls/s (1,000).
TEST(Faults, OutlierEjectionBoundsTheErrorsOfABadReplica) {
  const json s = run_yaml(R"(
name: ejection
seed: 5
duration: 60s
clients:
  - {name: users, target: lb, arrival: {constant: 100/s}}
components:
  - name: lb
    kind: load_balancer
    policy: round_robin
    backends: api
    outlier_ejection: {consecutive_errors: 5, eject_for: 5s}
  - {name: api, kind: service, replicas: 2, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: bad, at: 20s, for: 20s, errors: 'api[1]', probability: 100%}
)")
                     .summary;
  // Ejected at 20.1 s, back at 25.1, 30.2, 35.2 s: four times 5 errors.
  EXPECT_EQ(num(s, "components.lb.load_balancer.ejections"), 4);
  EXPECT_EQ(num(s, "system.requests.outcomes.error"), 20);
}

// A load balancer replica that crashes loses what it holds; the client times out on it.
TEST(Faults, LoadBalancerCrashLosesWhatItHolds) {
  const json s = run_yaml(R"(
name: lb-crash
seed: 3
duration: 30s
clients:
  - {name: users, target: lb, arrival: {constant: 100/s}, timeout: 1s}
components:
  - {name: lb, kind: load_balancer, backends: api}
  - {name: api, kind: service, workers: unlimited, service_time: const(500ms)}
faults:
  - {name: lb-crash, at: 10.001s, for: 5s, crash: lb}
)")
                     .summary;
  // At 10.001 s the load balancer holds the 50 requests forwarded in the last 500 ms (the
  // backend takes 500 ms): lost with it, then 5 s of arrivals are lost on the way to it.
  EXPECT_EQ(num(s, "components.lb.lost"), 50);
  EXPECT_EQ(num(s, "system.requests.outcomes.timed_out"), 550);
}

// A zone's crash takes every replica of every component in it down together (a failure
// domain) and leaves the other zones alone.
TEST(Faults, ZoneCrashTakesItsComponentsDownTogether) {
  const SimRun run = run_yaml(R"(
name: zone-crash
seed: 12
duration: 30s
network:
  zones: {east: [users, front], west: [back, side]}
  links: [{between: [east, west], latency: 1ms}]
clients:
  - {name: users, target: front, arrival: {constant: 100/s}, timeout: 500ms}
components:
  - name: front
    kind: service
    workers: unlimited
    service_time: const(1ms)
    calls: [{to: side, timeout: 100ms}, {to: back, timeout: 100ms}]
  - {name: back, kind: service, replicas: 2, workers: unlimited, service_time: const(1ms)}
  - {name: side, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: west-down, random: {mtbf: 5s, mttr: 2s}, crash: {zone: west}}
)",
                              true);
  const json& inc = at(run.summary, "incidents");
  ASSERT_GT(inc.size(), 2u);
  for (const json& i : inc) EXPECT_EQ(i["target"], "zone west");  // one process for the zone
  // A failed request timed out on side (1 ms of work + 100 ms: 101 ms) or, when the zone went
  // down just after side answered (1 + 1 + 1 ms), on back (104 ms). Nothing else: the zone's
  // components fail together.
  int errors = 0, at_side = 0;
  for (const Logged& r : request_log(run)) {
    if (r.outcome != "error") continue;
    ++errors;
    const double l = r.ended - r.issued;
    const bool side = std::abs(l - 0.101) < 1e-6;
    at_side += side;
    EXPECT_TRUE(side || std::abs(l - 0.104) < 1e-6) << r.issued << " " << l;
  }
  EXPECT_GT(errors, 100);
  EXPECT_GT(at_side, errors / 2);
}

// A slow node for the whole run: an M/M/1 whose service rate is divided by the factor.
TEST(Faults, SlowNodeForTheWholeRunIsASlowerMM1) {
  const json s = run_yaml(R"(
name: slow-mm1
seed: 13
duration: 2000s
warmup: 100s
clients:
  - {name: users, target: api, arrival: {poisson: 20/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
faults:
  - {name: slow, at: 0s, slow: api, factor: 3}
)")
                     .summary;
  // mu = 100/s / 3, lambda = 20/s: rho = 0.6, mean sojourn 1 / (mu - lambda) = 75 ms. The
  // M/M/1 mean's asymptotic sd over ~38,000 requests at rho 0.6 is about 1.9 ms.
  expect_near_theory("slow x3 M/M/1 mean sojourn (ms)", "1 / (mu / 3 - lambda)", 75,
                     num(s, "system.latency.ok.mean_ms"), 4 * 1.9);
  EXPECT_NEAR(num(s, "components.api.utilisation"), 0.6, 0.02);
}

// Work in progress on a crashing replica is lost and counted; the replica restarts empty.
TEST(Faults, CrashLosesQueuedAndInServiceWork) {
  const json s = run_yaml(R"(
name: crash-queue
seed: 4
duration: 30s
clients:
  - {name: users, target: api, arrival: {constant: 10/s}, timeout: 5s}
components:
  - {name: api, kind: service, workers: 1, service_time: const(1s)}
faults:
  - {name: down, at: 10.05s, for: 1s, crash: api}
)")
                     .summary;
  // One worker, 1 s per request, one arrival every 0.1 s: the queue grows by 9 a second; at
  // 10.05 s, 1 in service and about 90 queued are lost.
  const double lost = num(s, "components.api.lost");
  EXPECT_GE(lost, 85);
  EXPECT_LE(lost, 95);
  EXPECT_EQ(count(s, "system.requests.outcomes.timed_out") +
                count(s, "system.requests.outcomes.ok") +
                count(s, "system.requests.outcomes.unfinished"),
            count(s, "system.requests.issued"));
}

// A crash at a window's boundary (80 s, windows of 5 s) loses its work in the window that
// starts then, [80, 85): window boundaries come before every other event of their date,
// although the crash was scheduled at the start of the run and the window's end later.
TEST(Faults, CrashAtAWindowBoundaryCountsInTheWindowItStarts) {
  const SimRun r = run_yaml(R"(
name: crash-boundary
seed: 4
duration: 100s
window: 5s
clients:
  - {name: users, target: api, arrival: {constant: 10/s}, timeout: 5s}
components:
  - {name: api, kind: service, workers: 1, service_time: const(1s)}
faults:
  - {name: down, at: 80s, for: 1s, crash: api}
)");
  EXPECT_GT(num(r.summary, "components.api.lost"), 0);
  const double lost = window_sum(r.timeseries, "component/api", "lost", 0, 100);
  EXPECT_GT(lost, 700);  // 1 in service and the queue of ~80 s x 9/s
  EXPECT_EQ(window_sum(r.timeseries, "component/api", "lost", 75, 80), 0);
  EXPECT_EQ(window_sum(r.timeseries, "component/api", "lost", 80, 85), lost);
}

// Error injection: a share p of the calls during the window get an error at once.
TEST(Faults, ErrorsAnswerTheirShareWithErrors) {
  const json s = run_yaml(R"(
name: errors
seed: 5
duration: 200s
clients:
  - {name: users, target: api, arrival: {poisson: 100/s}}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: flaky, at: 50s, for: 100s, errors: api, probability: 20%}
)")
                     .summary;
  const double n = num(s, "system.requests.issued");
  const double errors = num(s, "system.requests.outcomes.error");
  EXPECT_EQ(num(s, "components.api.errors_injected"), errors);
  // Half the run under the fault: an expected share of 0.2 x 0.5 = 0.1.
  EXPECT_NEAR(errors / n, 0.1, 4 * std::sqrt(0.1 * 0.9 / n) + 2 / n);
}

// A slow node slows work in progress: a 1 s job slowed 2x at 0.5 s ends at 1.5 s.
TEST(Faults, SlowNodeSlowsWorkInProgress) {
  const SimRun run = run_yaml(R"(
name: slow
requests: 1
drain: 10s
clients:
  - {name: users, target: api, arrival: {constant: 1/s}}
components:
  - {name: api, kind: service, service_time: const(1s)}
faults:
  - {name: slow, at: 0.5s, for: 10s, slow: api, factor: 2}
)",
                              true);
  const auto log = request_log(run);
  ASSERT_EQ(log.size(), 1u);
  // Issued at 0 (constant arrivals start at 0); half the work done at 0.5 s, the other half
  // at half speed takes 1 s more.
  EXPECT_EQ(log[0].issued, 0.0);
  EXPECT_NEAR(log[0].ended, 1.5, 1e-9);
}

// Partition between two zones: a request crossing it times out (or, failing fast, errors at
// once); within a zone nothing changes.
std::string partition_yaml(bool fail_fast) {
  return std::string(R"(
name: partition
seed: 6
duration: 30s
network:
  default: {latency: 1ms}
  zones: {east: [users, api], west: [db]}
  links: [{name: wan, between: [east, west], latency: 10ms}]
clients:
  - {name: users, target: api, arrival: {constant: 10/s}, timeout: 1s}
components:
  - name: api
    kind: service
    workers: unlimited
    service_time: const(1ms)
    calls: [{to: db, timeout: 500ms}]
  - {name: db, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: split, at: 10s, for: 10s, partition: [east, west], fail_fast: )") +
         (fail_fast ? "true" : "false") + "}\n";
}

TEST(Faults, PartitionLosesMessagesAcrossIt) {
  const SimRun run = run_yaml(partition_yaml(false), true);
  for (const Logged& r : request_log(run)) {
    // A call leaving at t reaches the db at t + 11 ms and its reply is back 11 ms later: a
    // request issued in [10 s - 14 ms, 20 s - 12 ms) loses its call or its reply.
    const bool cut = r.issued >= 10 - 0.014 && r.issued < 20 - 0.012;
    if (r.issued > 9.9 && r.issued < 9.98) {
      EXPECT_EQ(r.outcome, "ok") << r.issued;
    }
    if (r.issued > 10 && r.issued < 19.98) {
      // The api's call times out after 500 ms: the request ends as an error then.
      EXPECT_EQ(r.outcome, "error") << r.issued;
      EXPECT_NEAR(r.ended - r.issued, 0.001 + 0.001 + 0.5 + 0.001, 1e-6) << r.issued;
    }
    if (r.issued > 20.1) {
      EXPECT_EQ(r.outcome, "ok") << r.issued;
    }
    (void)cut;
  }
  EXPECT_GT(num(run.summary, "run.network.messages_cut"), 90);
}

TEST(Faults, PartitionFailingFastErrorsAtOnce) {
  const SimRun run = run_yaml(partition_yaml(true), true);
  int errors = 0;
  for (const Logged& r : request_log(run)) {
    if (r.issued > 10 && r.issued < 19.98) {
      EXPECT_EQ(r.outcome, "error") << r.issued;
      // client -> api 1 ms, api work 1 ms, the call cut at once, reply 1 ms.
      EXPECT_NEAR(r.ended - r.issued, 0.003, 1e-9) << r.issued;
      ++errors;
    }
  }
  EXPECT_GT(errors, 90);
}

// A one-way partition cuts one direction only: messages east -> west are lost. East's calls to
// west never arrive; west's calls to east arrive and are served, but their replies (east ->
// west) are lost: request-reply needs both directions, so both clients time out.
TEST(Faults, OneWayPartitionCutsOneDirection) {
  const SimRun run = run_yaml(R"(
name: one-way
seed: 14
duration: 20s
network:
  zones: {east: [east-users, east-api], west: [west-users, west-api]}
  links: [{name: wan, between: [east, west], latency: 5ms}]
clients:
  - {name: east-users, target: west-api, arrival: {constant: 10/s}, timeout: 1s}
  - {name: west-users, target: east-api, arrival: {constant: 10/s}, timeout: 1s}
components:
  - {name: east-api, kind: service, workers: unlimited, service_time: const(1ms)}
  - {name: west-api, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: cut, at: 5s, for: 10s, partition: [east, west], one_way: true}
)",
                              true);
  int east_lost = 0, west_lost = 0;
  for (const Logged& r : request_log(run)) {
    if (r.outcome != "timed_out") continue;
    ++(r.client == "east-users" ? east_lost : west_lost);
  }
  // 10 s x 10/s of each client in the window (a reply leaving east at 14.996 s is cut too).
  EXPECT_EQ(east_lost, 100);
  EXPECT_EQ(west_lost, 100);
  // The difference is on the other side of the cut: east-api got every call, west-api none
  // of those sent in the window.
  EXPECT_EQ(num(run.summary, "components.east-api.arrivals"), 200);
  EXPECT_EQ(num(run.summary, "components.west-api.arrivals"), 100);
}

// Random faults take any up and down laws: with constants the timeline is exact.
TEST(Faults, RandomFaultWithConstantLawsIsPeriodic) {
  const json s = run_yaml(R"(
name: periodic
duration: 60s
clients:
  - {name: users, target: api, arrival: {constant: 10/s}, timeout: 1s}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: blink, random: {up: const(10s), down: const(5s)}, errors: api, probability: 100%}
)")
                     .summary;
  const json& inc = at(s, "incidents");
  ASSERT_GE(inc.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_DOUBLE_EQ(inc[k]["from_s"].get<double>(), 10.0 + 15.0 * k);
    EXPECT_DOUBLE_EQ(inc[k]["to_s"].get<double>(), 15.0 + 15.0 * k);
  }
  // 4 windows of 5 s at 10/s, every call an error: 200 errors (the 5th window starts at 70 s).
  EXPECT_EQ(num(s, "system.requests.outcomes.error"), 200);
}

// A latency spike adds its latency to every message on the link while it lasts, messages
// already on the wire included.
TEST(Faults, LatencySpikeDelaysMessagesOnTheLink) {
  const SimRun run = run_yaml(R"(
name: spike
seed: 7
duration: 30s
network:
  zones: {east: [users], west: [api]}
  links: [{name: wan, between: [east, west], latency: 10ms}]
clients:
  - {name: users, target: api, arrival: {constant: 100/s}}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(0s)}
faults:
  - {name: slow-wan, at: 10.005s, for: 10s, latency_spike: wan, add: 100ms}
)",
                              true);
  for (const Logged& r : request_log(run)) {
    const double l = r.ended - r.issued;
    if (r.issued < 9.98) {
      EXPECT_NEAR(l, 0.020, 1e-9) << r.issued;
    }
    // Issued at 10.00 s: its call is on the wire when the spike begins (10.005 s): it arrives
    // 100 ms late, and its reply pays the spike too.
    if (std::abs(r.issued - 10.0) < 1e-9) {
      EXPECT_NEAR(l, 0.220, 1e-9);
    }
    if (r.issued > 10.01 && r.issued < 19.9) {
      EXPECT_NEAR(l, 0.220, 1e-9) << r.issued;
    }
    if (r.issued > 20.2) {
      EXPECT_NEAR(l, 0.020, 1e-9) << r.issued;
    }
  }
}

// Loss: each copy of a message is lost with probability p and resent after the RTO, so a
// message pays rto x (number of lost copies), geometric with mean p / (1 - p).
TEST(Faults, LossCostsRetransmissionTimeouts) {
  const SimRun run = run_yaml(R"(
name: loss
seed: 8
duration: 200s
network:
  zones: {east: [users], west: [api]}
  links: [{name: wan, between: [east, west], latency: 10ms}]
clients:
  - {name: users, target: api, arrival: {poisson: 100/s}}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(0s)}
faults:
  - {name: lossy, at: 0s, loss: wan, probability: 10%, rto: 200ms}
)",
                              true);
  double sum = 0;
  int n = 0, exact = 0;
  for (const Logged& r : request_log(run)) {
    const double extra = r.ended - r.issued - 0.020;
    const double k = extra / 0.2;
    if (std::abs(k - std::round(k)) < 1e-6) ++exact;  // whole numbers of RTOs
    sum += extra;
    ++n;
  }
  EXPECT_EQ(exact, n);
  // Two messages per request: mean extra 2 x rto x p / (1 - p) = 44.4 ms. Per message the
  // extra is rto x K, K geometric: Var K = p / (1 - p)^2, so per request sd = rto x
  // sqrt(2 p) / (1 - p) = 0.0994 s.
  const double expected = 2 * 0.2 * 0.1 / 0.9;
  const double sd = 0.2 * std::sqrt(2 * 0.1) / 0.9;
  expect_near_theory("loss: mean extra latency per request (s)", "2 rto p / (1 - p)", expected,
                     sum / n, 4 * sd / std::sqrt(n));
}

// Random crashes with MTBF/MTTR: each replica's long-run fraction of time down is
// MTTR / (MTBF + MTTR), measured from the incidents.
TEST(Faults, RandomCrashesDownFractionIsMttrOverCycle) {
  const json s = run_yaml(R"(
name: random-crash
seed: 9
duration: 20000s
window: 100s
clients:
  - {name: users, target: api, arrival: {poisson: 1/s}, timeout: 1s}
components:
  - {name: api, kind: service, replicas: 4, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: flaky, random: {mtbf: 90s, mttr: 10s}, crash: api}
)")
                     .summary;
  const double end = num(s, "run.ended_at_s");
  std::vector<double> down(4, 0);
  int periods = 0;
  for (const json& i : at(s, "incidents")) {
    const std::string t = i["target"];
    const int r = t[4] - '0';
    const double to = i["to_s"].is_null() ? end : i["to_s"].get<double>();
    down[r] += std::min(to, end) - i["from_s"].get<double>();
    ++periods;
  }
  // About 20000 / 100 = 200 cycles per replica; the down fraction of an alternating renewal
  // process over n cycles has sd about sqrt((cv_up^2 + cv_down^2) / n) x mttr mtbf / cycle^2
  // with exponential times (cv = 1): sqrt(2 / 200) x 0.09 = 0.009.
  double total = 0;
  for (double d : down) total += d / end;
  const double n = 4 * end / 100;
  expect_near_theory("random crash: mean down fraction of 4 replicas", "mttr / (mtbf + mttr)", 0.1,
                     total / 4, 4 * std::sqrt(2 / n) * 0.09);
  EXPECT_GT(periods, 600);
}

}  // namespace
}  // namespace sdsim::testing
