// Resource guards (docs/cli.md: --max-events, --max-inflight): a run that would exceed its event
// or in-flight budget stops cleanly, with partial results: run.status `stopped`, `partial`
// true, `stopped_by` the guard, a warning, the requests still open counted as unfinished, and
// conservation kept (run_guarded checks it). The CLI side (exit code 4, signals) is in
// cli_guards_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

bool has_warning(const nlohmann::json& s, const std::string& text) {
  for (const auto& w : s["warnings"])
    if (w.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

// lambda = 2000/s into one worker of exp(1ms) (mu = 1000/s): rho = 2, an unbounded queue.
// Without a guard it grows by lambda - mu = 1000 requests per simulated second until the end.
const char* kOverload = R"(
name: overload
duration: 1000s
window: 1s
clients:
  - {name: users, target: api, arrival: {poisson: 2000/s}%s}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(1ms)}
)";

std::string overload(const std::string& client_extra = "") {
  char buf[1024];
  std::snprintf(buf, sizeof buf, kOverload, client_extra.c_str());
  return buf;
}

TEST(Guards, MaxInflightStopsAnOverloadedUnboundedQueue) {
  auto scenario = load_text(overload());
  ASSERT_TRUE(scenario);
  RunGuards guards;
  guards.max_inflight = 20'000;
  const SimRun r = run_guarded(*scenario, guards);
  const auto& s = r.summary;
  EXPECT_EQ(s["stopped_by"], "max_inflight");
  // The steady-state warning of an overload is there too (the queue grew through the run).
  EXPECT_TRUE(has_warning(s, "the queue grows through the run")) << s["warnings"].dump(2);
  EXPECT_TRUE(has_warning(s, "--max-inflight 20000")) << s["warnings"].dump(2);
  // Every open request holds exactly one call (queued or in service; zero latency: none on the
  // wire), so the guard trips with exactly 20,000 open: they end unfinished.
  EXPECT_EQ(count(s, "system.requests.outcomes.unfinished"), 20'000u);
  // When: the queue's drift is lambda - mu = 1000/s, its standard deviation after t seconds
  // sqrt((lambda + mu) t) = 245 requests at t = 20 s, i.e. 0.245 s of drift: 4 of them, 1 s.
  expect_near_theory("overload: time to reach the limit (s)", "N / (lambda - mu)", 20.0,
                     num(s, "run.ended_at_s"), 1.0);
  // The measured interval ends with the run; the time series too.
  EXPECT_NEAR(num(s, "run.measured_to_s"), num(s, "run.ended_at_s"), 1e-9);
  EXPECT_GT(window_sum(r.timeseries, "system", "unfinished", 0, 1000), 19'999.0);
}

TEST(Guards, MaxInflightCountsWorkWhoseClientGaveUp) {
  // With a 50 ms timeout the client holds at most about 2000/s x 50 ms = 100 requests open,
  // but the server still does the abandoned work: its queue grows as before. The guard counts
  // calls held in the system, so it still stops the run (memory would grow with the queue).
  auto scenario = load_text(overload(", timeout: 50ms"));
  ASSERT_TRUE(scenario);
  RunGuards guards;
  guards.max_inflight = 5'000;
  const SimRun r = run_guarded(*scenario, guards);
  const auto& s = r.summary;
  EXPECT_EQ(s["stopped_by"], "max_inflight");
  EXPECT_GT(count(s, "system.requests.outcomes.timed_out"), 1000u);
  EXPECT_LT(count(s, "system.requests.outcomes.unfinished"), 200u);
  // 5000 calls queued at a drift of 1000/s: about 5 s (0.11 s standard deviation).
  expect_near_theory("overload with timeouts: time to the limit (s)", "N / (lambda - mu)", 5.0,
                     num(s, "run.ended_at_s"), 0.5);
}

TEST(Guards, MaxEventsStopsALongRun) {
  // A stable M/M/1 (rho 0.5) that would run 10^5 s: the event budget stops it.
  auto scenario = load_text(R"(
name: long
duration: 100000s
window: 10s
clients:
  - {name: users, target: api, arrival: {poisson: 50/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
)");
  ASSERT_TRUE(scenario);
  RunGuards guards;
  guards.max_events = 200'000;
  const SimRun r = run_guarded(*scenario, guards);
  const auto& s = r.summary;
  EXPECT_EQ(s["stopped_by"], "max_events");
  EXPECT_TRUE(has_warning(s, "--max-events 200000")) << s["warnings"].dump(2);
  // Checked after each SimGrid round: it stops within the round that reaches the limit (here a
  // round holds the few events of one instant).
  EXPECT_GE(count(s, "run.events"), 200'000u);
  EXPECT_LT(count(s, "run.events"), 200'010u);
  EXPECT_LT(num(s, "run.ended_at_s"), 100'000.0);
  EXPECT_GT(count(s, "system.requests.outcomes.ok"), 10'000u);
}

TEST(Guards, StalledRunIsPartial) {
  // Zero think time, zero service time, zero latency: simulated time never advances. The
  // calendar's stall check ends the run (after 2 x 10^7 events at one instant) the same way as
  // a guard: partial, stopped_by "stalled", conservation kept; run.status stays "stalled".
  auto scenario = load_text(R"(
name: stall
duration: 10s
clients:
  - {name: users, target: api, closed: {users: 1, think: const(0s)}}
components:
  - {name: api, kind: service, workers: 1, service_time: const(0s)}
)");
  ASSERT_TRUE(scenario);
  const RunResult r = run_simulation(*scenario, RunOptions{});
  EXPECT_TRUE(r.stalled);
  EXPECT_EQ(r.stopped_by, "stalled");
  EXPECT_EQ(r.summary["partial"], true);
  EXPECT_EQ(r.summary["stopped_by"], "stalled");
  EXPECT_EQ(r.summary["run"]["status"], "stalled");
  EXPECT_EQ(r.summary["run"]["ended_at_s"], 0.0);
  expect_conserved(r.summary["system"], "system");
}

TEST(Guards, ZeroMeansNoLimit) {
  // 0 lifts both guards (read literally, a limit of 0 would stop the run at its first event or
  // request): the overload above runs to its end (100 s here, 10^5 requests in flight at the
  // end), and it is not partial.
  std::string yaml = overload();
  yaml.replace(yaml.find("duration: 1000s"), 15, "duration: 100s ");
  auto scenario = load_text(yaml);
  ASSERT_TRUE(scenario);
  RunOptions options;
  options.guards.max_inflight = 0;
  options.guards.max_events = 0;
  const RunResult r = run_simulation(*scenario, options);
  EXPECT_EQ(r.summary["partial"], false);
  EXPECT_EQ(r.summary["stopped_by"], nullptr);
  EXPECT_EQ(r.summary["run"]["status"], "complete");
  EXPECT_TRUE(r.stopped_by.empty());
  expect_conserved(r.summary["system"], "system");
}

}  // namespace
}  // namespace sdsim::testing
