// Behaviour of whole runs: each test runs a small scenario (its own process:
// one SimGrid engine per process) and checks a figure that a wrong model or
// wrong accounting would get wrong: timeouts, rejections, steady-state
// warnings, the drain, the warm-up, the time series, constant arrivals and the
// replica choice of a client. Every test stays under ~5 s.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

// timeseries.csv rows.
struct Row {
  double start, end;
  std::string scope, metric;
  double value;  // NaN for an empty cell
};

std::vector<Row> parse_timeseries(const std::string& csv) {
  std::vector<Row> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "window_start_s,window_end_s,scope,metric,value");
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (f.size() == 4) f.push_back("");  // empty last cell
    if (f.size() != 5) throw std::runtime_error("bad timeseries row: " + line);
    rows.push_back({std::stod(f[0]), std::stod(f[1]), f[2], f[3],
                    f[4].empty() ? std::nan("") : std::stod(f[4])});
  }
  return rows;
}

// Sum of `metric` of `scope` over windows whose start is in [from, to).
double window_sum(const std::vector<Row>& rows, const std::string& scope, const std::string& metric,
                  double from = -1e300, double to = 1e300) {
  double s = 0;
  for (const auto& r : rows)
    if (r.scope == scope && r.metric == metric && r.start >= from && r.start < to &&
        !std::isnan(r.value))
      s += r.value;
  return s;
}

std::vector<std::string> warnings(const json& summary) {
  std::vector<std::string> w;
  for (const auto& x : summary["warnings"]) w.push_back(x.get<std::string>());
  return w;
}

bool any_warning_has(const json& summary, const std::string& text) {
  for (const auto& w : warnings(summary))
    if (w.find(text) != std::string::npos) return true;
  return false;
}

void report(const char* what, double expected, double measured, double tolerance) {
  std::printf("[behaviour] %-44s expected %-12.6g measured %-12.6g tolerance %.3g\n", what,
              expected, measured, tolerance);
}

// ---------------------------------------------------------------------------------------
// Timeouts

// A run that ends on a window boundary (20 s, windows of 2 s) ends its time series with the
// window [18, 20): no empty window after it, which would read as goodput falling to 0.
TEST(Windows, RunEndingOnABoundaryHasNoEmptyWindowAfterIt) {
  const SimRun run = run_yaml(R"(
name: ends-on-a-boundary
seed: 1
duration: 20s
window: 2s
clients:
  - {name: c, target: s, arrival: {constant: 1/s}}
components:
  - {name: s, kind: service, service_time: const(100ms)}
)");
  const auto issued = window_series(run.timeseries, "system", "issued");
  ASSERT_FALSE(issued.empty());
  EXPECT_EQ(issued.rbegin()->first, 18.0);
  EXPECT_EQ(issued.size(), 10u);
  double total = 0;
  for (const auto& [start, n] : issued) total += n;
  EXPECT_EQ(total, 20);
}

TEST(Timeouts, ServiceSlowerThanTheTimeoutTimesOutEveryRequestButRepliesCountInThroughput) {
  // const(200ms) service, 100 ms timeout, rho = 0.2: every reply comes after
  // the timeout.
  const SimRun run = run_yaml(R"(
name: all-timeouts
seed: 5
duration: 300s
warmup: 10s
clients:
  - name: c
    target: svc
    arrival: {poisson: 1/s}
    timeout: 100ms
components:
  - name: svc
    kind: service
    workers: 1
    service_time: const(200ms)
)");
  const json& sys = run.summary["system"];
  const auto issued = count(sys, "requests.issued");
  EXPECT_GT(issued, 200u);
  EXPECT_EQ(count(sys, "requests.outcomes.timed_out"), issued);
  EXPECT_EQ(count(sys, "requests.outcomes.ok"), 0u);
  EXPECT_EQ(num(sys, "goodput_per_s"), 0.0);
  EXPECT_EQ(num(sys, "availability"), 0.0);
  // Late replies are responses too (DESIGN.md): throughput ~ offered load, not
  // 0.
  EXPECT_GT(num(sys, "throughput_per_s"), 0.0);
  EXPECT_NEAR(num(sys, "throughput_per_s"), num(sys, "offered_per_s"),
              0.02 * num(sys, "offered_per_s"));
  // A timed-out request's latency is its timeout, exactly.
  EXPECT_NEAR(num(sys, "latency.all_ended.p50_ms"), 100.0, 1e-6);
  EXPECT_NEAR(num(sys, "latency.all_ended.max_ms"), 100.0, 1e-6);
  EXPECT_NEAR(num(sys, "latency.all_ended.min_ms"), 100.0, 1e-6);
  EXPECT_EQ(count(sys, "latency.ok.count"), 0u);
  EXPECT_TRUE(at(sys, "latency.ok.p50_ms").is_null());
  // The attempt latency sees the late replies: at least the 200 ms of work.
  EXPECT_GE(num(sys, "latency.attempt.min_ms"), 200.0 - 1e-6);
  // The server did the work of the abandoned requests.
  EXPECT_NEAR(num(run.summary, "components.svc.utilisation"), 0.2, 0.05);
}

TEST(Timeouts, TimedOutFractionIsTheMm1SojournTail) {
  // M/M/1, lambda = 100/s, mu = 1000/s (rho = 0.1), timeout t = the service
  // median ln2 ms. Timed-out requests are not cancelled, so the queue is an
  // M/M/1 and the sojourn T is Exp(mu - lambda): P(timed out) = P(T > t) =
  // exp(-(mu - lambda) t) = 0.5359. (The service alone would give P(S > t) =
  // 0.5: the test tells the two apart.) Tolerance: ~99,000 counted requests,
  // binomial sd 0.0016, inflated x1.5 for the weak correlation of successive
  // sojourns at rho = 0.1: 5 sd = 0.012.
  const SimRun run = run_yaml(R"(
name: tail-timeouts
seed: 17
duration: 1000s
warmup: 10s
window: 10s
clients:
  - name: c
    target: svc
    arrival: {poisson: 100/s}
    timeout: 693.147us
components:
  - name: svc
    kind: service
    workers: 1
    service_time: exp(1ms)
)");
  const json& sys = run.summary["system"];
  const double issued = num(sys, "requests.issued");
  const double timed_out = num(sys, "requests.outcomes.timed_out");
  EXPECT_EQ(num(sys, "requests.outcomes.ok") + timed_out, issued);
  const double expected = std::exp(-(1000.0 - 100.0) * 693.147e-6);
  report("P(timed out) = exp(-(mu-lambda) t)", expected, timed_out / issued, 0.012);
  EXPECT_NEAR(timed_out / issued, expected, 0.012);
  // ok requests all ended before the timeout.
  EXPECT_LE(num(sys, "latency.ok.max_ms"), 0.693147 + 1e-9);
}

// ---------------------------------------------------------------------------------------
// Queue capacity and steady state

TEST(QueueCapacity, OverloadedBoundedQueueRejectsAndIsNotFlaggedNotSteady) {
  // rho = 2 (200/s on exp(10ms)), room for 5 waiting: an M/M/1/K with K = 6.
  // Theory:
  //   P(block) = rho^K (1 - rho) / (1 - rho^(K+1)) = 64/127 = 0.5039
  //   utilisation = 1 - P0 = 1 - (1 - rho) / (1 - rho^(K+1)) = 126/127 = 0.9921
  // ~38,000 counted arrivals; the K = 6 chain relaxes in a few ms, so sd(block)
  // ~ 0.003; tolerance 0.02 (~6 sd).
  const SimRun run = run_yaml(R"(
name: bounded-overload
seed: 9
duration: 200s
warmup: 10s
clients:
  - name: c
    target: svc
    arrival: {poisson: 200/s}
components:
  - name: svc
    kind: service
    workers: 1
    queue: {capacity: 5}
    service_time: exp(10ms)
)");
  const json& s = run.summary;
  EXPECT_GT(count(s, "components.svc.rejected"), 0u);
  EXPECT_GT(count(s, "system.requests.outcomes.rejected"), 0u);
  // Zero network latency: a request arrives when it is issued, so the two
  // scopes agree.
  EXPECT_EQ(count(s, "system.requests.outcomes.rejected"), count(s, "components.svc.rejected"));
  report("M/M/1/6 blocking probability", 64.0 / 127, num(s, "components.svc.rejection_ratio"),
         0.02);
  EXPECT_NEAR(num(s, "components.svc.rejection_ratio"), 64.0 / 127, 0.02);
  report("M/M/1/6 utilisation", 126.0 / 127, num(s, "components.svc.utilisation"), 0.005);
  EXPECT_NEAR(num(s, "components.svc.utilisation"), 126.0 / 127, 0.005);
  EXPECT_LE(num(s, "components.svc.mean_queue_length"), 5.0);
  EXPECT_TRUE(warnings(s).empty()) << s["warnings"].dump();
  EXPECT_FALSE(s["run"]["drain_limit_hit"].get<bool>());
}

TEST(QueueCapacity, OverloadedUnboundedQueueIsFlaggedNotSteadyByName) {
  const SimRun run = run_yaml(R"(
name: unbounded-overload
seed: 9
duration: 30s
clients:
  - name: c
    target: overloaded_api
    arrival: {poisson: 200/s}
components:
  - name: overloaded_api
    kind: service
    workers: 1
    service_time: exp(10ms)
)");
  const json& s = run.summary;
  EXPECT_EQ(count(s, "components.overloaded_api.rejected"), 0u);
  EXPECT_GT(num(s, "components.overloaded_api.utilisation"), 0.99);
  EXPECT_TRUE(any_warning_has(s, "overloaded_api")) << s["warnings"].dump();
  // The queue (~100/s net growth) is far from drained at the 3 s drain limit.
  EXPECT_TRUE(s["run"]["drain_limit_hit"].get<bool>());
  EXPECT_GT(count(s, "system.requests.outcomes.unfinished"), 0u);
}

TEST(QueueCapacity, BoundedQueueStillFillingAtTheEndIsFlaggedNotSteady) {
  // rho = 1.1 on a waiting room of 100,000 that is never reached: the queue
  // grows by ~100 requests per second through the whole measured interval (from
  // ~1,000 at the warm-up to ~6,000 at stop), nothing is rejected. DESIGN.md:
  // "a queue that grows through the run" must be reported as not steady,
  // bounded or not.
  const SimRun run = run_yaml(R"(
name: bounded-filling
seed: 4
duration: 60s
warmup: 10s
clients:
  - name: c
    target: filling_api
    arrival: {poisson: 1100/s}
components:
  - name: filling_api
    kind: service
    workers: 1
    queue: {capacity: 100000}
    service_time: const(1ms)
)");
  const json& s = run.summary;
  EXPECT_EQ(count(s, "components.filling_api.rejected"), 0u);
  EXPECT_GT(num(s, "components.filling_api.mean_queue_length"), 2000.0);
  EXPECT_TRUE(any_warning_has(s, "filling_api"))
      << "no not-steady warning for a queue that grew from ~1,000 to ~6,000 "
         "during the "
         "measured interval; warnings: "
      << s["warnings"].dump();
}

TEST(SteadyState, StableRunHasNoWarning) {
  // rho = 0.5, 300 s of 1 s windows: no saturation, no trend, drained at once.
  const SimRun run = run_yaml(R"(
name: stable
seed: 21
duration: 300s
warmup: 10s
window: 1s
clients:
  - name: c
    target: svc
    arrival: {poisson: 50/s}
components:
  - name: svc
    kind: service
    workers: 1
    service_time: exp(10ms)
)");
  EXPECT_TRUE(warnings(run.summary).empty()) << run.summary["warnings"].dump();
  EXPECT_FALSE(run.summary["run"]["drain_limit_hit"].get<bool>());
  EXPECT_EQ(count(run.summary, "system.requests.outcomes.unfinished"), 0u);
  EXPECT_NEAR(num(run.summary, "components.svc.utilisation"), 0.5, 0.02);
}

// ---------------------------------------------------------------------------------------
// Drain

TEST(Drain, ClosedLoopRequestsStillOpenAtTheDrainLimitAreUnfinished) {
  // 5 users on a 1-worker const(2s) service, 20 requests: when the 20th is
  // issued the other users' requests are queued behind 2 s jobs; 1 s of drain
  // ends at most one of them.
  const SimRun run = run_yaml(R"(
name: drain-closed
seed: 2
requests: 20
drain: 1s
clients:
  - name: users
    target: slow
    closed: {users: 5, think: exp(100ms)}
components:
  - name: slow
    kind: service
    workers: 1
    service_time: const(2s)
)");
  const json& s = run.summary;
  EXPECT_EQ(count(s, "system.requests.issued"), 20u);  // the 20th is counted too
  EXPECT_EQ(count(s, "run.requests_issued_total"), 20u);
  const auto unfinished = count(s, "system.requests.outcomes.unfinished");
  EXPECT_GE(unfinished, 4u);
  EXPECT_EQ(count(s, "system.requests.outcomes.ok") + unfinished, 20u);
  EXPECT_TRUE(s["run"]["drain_limit_hit"].get<bool>());
  EXPECT_EQ(num(s, "run.drain_limit_s"), 1.0);
  EXPECT_NEAR(num(s, "run.ended_at_s") - num(s, "run.issue_stopped_at_s"), 1.0, 1e-9);
  EXPECT_TRUE(any_warning_has(s, "drain limit")) << s["warnings"].dump();
  EXPECT_LT(num(s, "system.availability"), 1.0);
  EXPECT_DOUBLE_EQ(num(s, "system.availability"),
                   static_cast<double>(count(s, "system.requests.outcomes.ok")) / 20);
}

TEST(Drain, OpenLoopRequestLimitWithSlowServiceLeavesUnfinished) {
  // 50 requests at 10/s on a const(1s) service: ~45 still queued when issuing
  // stops.
  const SimRun run = run_yaml(R"(
name: drain-open
seed: 3
requests: 50
drain: 1s
clients:
  - name: c
    target: slow
    arrival: {poisson: 10/s}
components:
  - name: slow
    kind: service
    workers: 1
    service_time: const(1s)
)");
  const json& s = run.summary;
  EXPECT_EQ(count(s, "system.requests.issued"), 50u);
  EXPECT_GT(count(s, "system.requests.outcomes.unfinished"), 30u);
  EXPECT_TRUE(s["run"]["drain_limit_hit"].get<bool>());
  EXPECT_TRUE(any_warning_has(s, "drain limit")) << s["warnings"].dump();
  EXPECT_EQ(
      count(s, "system.requests.outcomes.unfinished") + count(s, "system.requests.outcomes.ok"),
      50u);
}

// ---------------------------------------------------------------------------------------
// Warm-up and the time series

TEST(Warmup, RequestsIssuedBeforeWarmupAreOnlyInTheTimeSeries) {
  const SimRun run = run_yaml(R"(
name: warmup
seed: 8
duration: 20s
warmup: 10s
window: 1s
clients:
  - name: c
    target: svc
    arrival: {poisson: 100/s}
components:
  - name: svc
    kind: service
    workers: 1
    service_time: exp(5ms)
)");
  const json& s = run.summary;
  const auto rows = parse_timeseries(run.timeseries);
  const double issued = num(s, "system.requests.issued");
  // rate x (duration - warmup) = 1000, Poisson sd 32: 5 sd.
  report("issued ~ rate x (duration - warmup)", 1000, issued, 160);
  EXPECT_NEAR(issued, 1000, 160);
  EXPECT_EQ(num(s, "run.measured_from_s"), 10.0);
  EXPECT_EQ(num(s, "run.measured_length_s"), 10.0);
  // The time series shows the warm-up: ~1000 issued in windows before 10 s.
  const double warm = window_sum(rows, "system", "issued", -1, 10);
  EXPECT_NEAR(warm, 1000, 160);
  EXPECT_GT(window_sum(rows, "system", "ok", -1, 10), 800);
  // Windows from the warm-up on hold exactly the counted requests; all windows
  // hold all.
  EXPECT_EQ(window_sum(rows, "system", "issued", 10), issued);
  EXPECT_EQ(window_sum(rows, "system", "issued"), num(s, "run.requests_issued_total"));
  EXPECT_EQ(num(s, "run.requests_issued_total"), warm + issued);
}

TEST(TimeSeries, WindowCountsSumToTotalsAndUtilisationAveragesToTheSummary) {
  const SimRun run = run_yaml(R"(
name: timeseries
seed: 12
duration: 100s
warmup: 20s
window: 1s
clients:
  - name: c
    target: svc
    arrival: {poisson: 80/s}
components:
  - name: svc
    kind: service
    workers: 1
    service_time: exp(10ms)
)");
  const json& s = run.summary;
  const auto rows = parse_timeseries(run.timeseries);
  const double total = num(s, "run.requests_issued_total");
  EXPECT_EQ(count(s, "system.requests.outcomes.ok"), count(s, "system.requests.issued"));
  // Every request ended ok (stable, no timeout, drained): the windows' ok
  // counts, warm-up included, add up to every request issued in the run.
  EXPECT_EQ(window_sum(rows, "system", "ok"), total);
  EXPECT_EQ(window_sum(rows, "client/c", "ok"), total);
  EXPECT_EQ(window_sum(rows, "system", "issued"), total);
  EXPECT_GT(total, num(s, "system.requests.issued"));  // the warm-up ones too
  // Per-window utilisation and queue length over the measured interval [20,
  // 100) (80 whole windows) average to the summary's figures: both are the same
  // integrals (CSV rounding to 9 significant digits only).
  int windows = 0;
  for (const auto& r : rows)
    if (r.scope == "component/svc" && r.metric == "utilisation" && r.start >= 20 && r.end <= 100)
      ++windows;
  EXPECT_EQ(windows, 80);
  EXPECT_NEAR(window_sum(rows, "component/svc", "utilisation", 20, 100) / 80,
              num(s, "components.svc.utilisation"), 1e-6);
  EXPECT_NEAR(window_sum(rows, "component/svc", "mean_queue_length", 20, 100) / 80,
              num(s, "components.svc.mean_queue_length"), 1e-6);
  // Station arrivals per window (rate x 1 s) over the interval are the
  // summary's arrivals.
  EXPECT_NEAR(window_sum(rows, "component/svc", "arrivals_per_s", 20, 100),
              num(s, "components.svc.arrivals"), 1e-6);
}

// ---------------------------------------------------------------------------------------
// Constant arrivals. docs/models/client.md: "`constant: R` sends one request
// every 1/R exactly", "the first request at the first gap", and "Issuing stops
// at `duration` (an arrival at or after it is not issued)". So request k is
// issued at k/R, for every k >= 1 with k/R < duration: floor-like count R x
// duration - 1 when R x duration is whole.

void expect_constant_arrivals(double rate, double duration, const std::string& yaml) {
  const SimRun run = run_yaml(yaml, true);
  // The request log: client,request,issued_s,ended_s,outcome (hex floats).
  std::istringstream in(run.request_log);
  std::string line;
  std::getline(in, line);
  std::vector<double> issued;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    ASSERT_EQ(f.size(), 5u) << line;
    issued.push_back(std::strtod(f[2].c_str(), nullptr));
  }
  std::sort(issued.begin(), issued.end());
  for (std::size_t k = 0; k < issued.size(); ++k)
    EXPECT_EQ(issued[k], static_cast<double>(k) / rate) << "request " << k;
  const auto documented = static_cast<std::uint64_t>(std::ceil(rate * duration));
  std::printf(
      "[behaviour] constant %g/s for %g s: issued %zu, last at %.17g; "
      "documented rule "
      "(k/R < duration, k >= 1) gives %llu\n",
      rate, duration, issued.size(), issued.empty() ? 0.0 : issued.back(),
      static_cast<unsigned long long>(documented));
  EXPECT_EQ(count(run.summary, "run.requests_issued_total"), documented)
      << "the arrival due at exactly " << duration << " s must not be issued";
  EXPECT_EQ(issued.size(), documented);
}

TEST(ConstantArrivals, TenPerSecondForTenSecondsFollowsTheDocumentedBoundary) {
  // Due at exactly k / 10 s: 0, 0.1, ..., 9.9 s (issued) and 10.0 s (= duration:
  // not issued): 100 = rate x duration, with no rounding drift.
  expect_constant_arrivals(10, 10, R"(
name: constant-10
duration: 10s
clients:
  - name: c
    target: svc
    arrival: {constant: 10/s}
components:
  - name: svc
    kind: service
    workers: 1
    service_time: const(1ms)
)");
}

TEST(ConstantArrivals, EightPerSecondForTenSecondsFollowsTheDocumentedBoundary) {
  // Due at 0, 0.125, ..., 9.875 s (issued) and 10 s (not): 80.
  expect_constant_arrivals(8, 10, R"(
name: constant-8
duration: 10s
clients:
  - name: c
    target: svc
    arrival: {constant: 8/s}
components:
  - name: svc
    kind: service
    workers: 1
    service_time: const(1ms)
)");
}

// ---------------------------------------------------------------------------------------
// Replica choice without a load balancer

TEST(ReplicaChoice, ClientSpreadsUniformlyOverReplicasLikeFourIndependentMm1) {
  // 200/s over 4 single-worker replicas of exp(10ms), each request to a replica
  // chosen uniformly at random: each replica is an M/M/1 with lambda/4 = 50/s,
  // rho = 0.5. Theory:
  //   utilisation 0.5;  P(wait) = rho = 0.5;  mean sojourn 1/(mu - lambda/4) =
  //   20 ms; mean waiting-room length 4 x rho^2/(1 - rho) = 2.0.
  // Round robin would give E4/M/1 queues (P(wait) ~0.30, 14 ms); sending more
  // to some replicas raises all three. ~96,000 counted requests: sd of the mean
  // sojourn ~0.15 ms, of P(wait) ~0.004; tolerances ~6 sd.
  const SimRun run = run_yaml(R"(
name: replicas
seed: 31
duration: 500s
warmup: 20s
clients:
  - name: c
    target: svc
    arrival: {poisson: 200/s}
components:
  - name: svc
    kind: service
    replicas: 4
    workers: 1
    service_time: exp(10ms)
)");
  const json& s = run.summary;
  EXPECT_EQ(count(s, "components.svc.arrivals"), count(s, "system.requests.issued"));
  report("utilisation = lambda S / 4", 0.5, num(s, "components.svc.utilisation"), 0.01);
  EXPECT_NEAR(num(s, "components.svc.utilisation"), 0.5, 0.01);
  report("P(wait) = rho per replica", 0.5, num(s, "components.svc.p_wait"), 0.025);
  EXPECT_NEAR(num(s, "components.svc.p_wait"), 0.5, 0.025);
  report("mean sojourn 1/(mu - lambda/4) (ms)", 20.0, num(s, "system.latency.ok.mean_ms"), 1.0);
  EXPECT_NEAR(num(s, "system.latency.ok.mean_ms"), 20.0, 1.0);
  report("mean waiting room 4 rho^2/(1-rho)", 2.0, num(s, "components.svc.mean_queue_length"), 0.2);
  EXPECT_NEAR(num(s, "components.svc.mean_queue_length"), 2.0, 0.2);
  EXPECT_NEAR(num(s, "components.svc.local.ratio"), 1.0, 0.02);
}

}  // namespace
}  // namespace sdsim::testing
