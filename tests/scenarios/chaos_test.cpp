// The chaos scenarios of scenarios/chaos/, each with the behaviour it is there to show, checked
// against a figure that a wrong implementation would get wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

std::string read_source(const std::string& relative) {
  std::ifstream in(source_path(relative));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces the one occurrence of `from` in `text` (fails the test when absent).
std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "not in the scenario: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

const char* kNPlusOne = "scenarios/chaos/crash-n-plus-one.yaml";

// One crash: the three other replicas carry the load and health checks take the dead one out
// of rotation within a second: availability stays >= 99.9%.
TEST(CrashNPlusOne, OneCrashKeepsThreeNines) {
  const json s = run_yaml(read_source(kNPlusOne)).summary;
  const double availability = num(s, "system.availability");
  std::printf("[chaos] one crash: availability %.6f\n", availability);
  EXPECT_GE(availability, 0.999);
  EXPECT_EQ(num(s, "components.lb.load_balancer.marked_down"), 1);
  EXPECT_EQ(num(s, "components.lb.load_balancer.marked_up"), 1);
  // While it is down (2 minutes of 14 measured) it gets almost nothing: the others share it.
  const double to_dead = num(s, "components.lb.load_balancer.sent_to_1");
  const double to_other = num(s, "components.lb.load_balancer.sent_to_0");
  EXPECT_NEAR(to_dead / to_other, 12.0 / 14 / (1 + 2.0 / 14 / 3), 0.02);
}

// Two crashes: two replicas face 112% of their capacity: queues fill, requests time out or
// are rejected, availability falls well below 99.9%.
TEST(CrashNPlusOne, TwoCrashesDoNot) {
  const std::string yaml =
      read_source(kNPlusOne) + "  - {name: second, at: 300s, for: 120s, crash: 'api[2]'}\n";
  const json s = run_yaml(yaml).summary;
  const double availability = num(s, "system.availability");
  std::printf("[chaos] two crashes: availability %.6f\n", availability);
  EXPECT_LT(availability, 0.99);
  EXPECT_GT(
      num(s, "system.requests.outcomes.timed_out") + num(s, "system.requests.outcomes.rejected"),
      1000);
}

// Random crashes of each replica (independent alternating exponential up and down times):
// each replica is up a fraction p = MTBF / (MTBF + MTTR) of the time, and the fraction of
// time exactly k of the 4 are up is Binomial(4, p) at k. Measured from the incidents over a
// long run with little traffic (only the up/down timeline matters here).
TEST(CrashNPlusOne, RandomCrashesMatchTheBinomialSteadyState) {
  std::string yaml = read_source(kNPlusOne);
  yaml = replace(yaml, "duration: 900s", "duration: 1000000s");
  yaml = replace(yaml, "window: 10s", "window: 10000s");
  yaml = replace(yaml, "poisson: 900/s", "poisson: 0.1/s");
  yaml = replace(yaml, R"(  - name: first
    at: 300s
    for: 120s
    crash: api[1])",
                 "  - {name: churn, random: {mtbf: 300s, mttr: 100s}, crash: api}");
  const json s = run_yaml(yaml).summary;
  const double start = num(s, "run.measured_from_s");
  const double end = num(s, "run.measured_to_s");
  // Transitions (time, +1 up / -1 down) of all replicas, then the time at each k, per batch.
  std::vector<std::pair<double, int>> events;
  for (const json& i : at(s, "incidents")) {
    events.emplace_back(i["from_s"].get<double>(), -1);
    if (!i["to_s"].is_null()) events.emplace_back(i["to_s"].get<double>(), +1);
  }
  std::sort(events.begin(), events.end());
  constexpr int kBatches = 20;
  const double batch = (end - start) / kBatches;
  std::vector<std::vector<double>> time_at(kBatches, std::vector<double>(5, 0.0));
  // Adds [from, to) at level `level` of up replicas, split over the batches.
  auto add = [&](double from, double to, int level) {
    from = std::max(from, start);
    to = std::min(to, end);
    while (from < to) {
      const int b = std::min(kBatches - 1, static_cast<int>((from - start) / batch));
      const double b_end = b == kBatches - 1 ? end : start + (b + 1) * batch;
      const double e = std::min(to, b_end);
      time_at[b][level] += e - from;
      from = e;
    }
  };
  int up = 4;
  double t = 0;
  for (const auto& [when, d] : events) {
    add(t, when, up);
    t = when;
    up += d;
  }
  add(t, end, up);
  const double p = 300.0 / 400.0;
  const boost::math::binomial_distribution<double> binomial(4, p);
  for (int k = 0; k <= 4; ++k) {
    double mean = 0, sq = 0;
    for (int b = 0; b < kBatches; ++b) {
      const double f = time_at[b][k] / batch;
      mean += f;
      sq += f * f;
    }
    mean /= kBatches;
    const double sd_of_mean = std::sqrt((sq / kBatches - mean * mean) / (kBatches - 1));
    // Batch means of 50,000 s (125 cycles of each replica): 4 standard errors, and at least
    // 0.002 so that a rare level (k = 0: 0.4%) does not get a tolerance of nearly nothing.
    expect_near_theory("random crashes: fraction of time with " + std::to_string(k) + " of 4 up",
                       "Binomial(4, mtbf / (mtbf + mttr))", boost::math::pdf(binomial, k), mean,
                       std::max(4 * sd_of_mean, 0.002));
  }
}

const char* kAzPartition = "scenarios/chaos/az-partition.yaml";

// W = 2 of 3: the two east replicas make the write quorum, so writes go on through the
// partition; west's reads of east replicas are lost; db[2], cut off, serves stale reads.
TEST(AzPartition, QuorumOfTwoKeepsWritingWhileTheCutReplicaGoesStale) {
  const SimRun run = run_yaml(read_source(kAzPartition));
  const json& s = run.summary;
  EXPECT_EQ(num(s, "clients.writers.availability"), 1.0);
  // Readers: 300/s for 60 s, 2 in 3 to an east replica: 12,000 lost, binomial sd ~ 110
  // (plus the reads in flight at the cut's edges).
  const double lost = num(s, "clients.readers.requests.outcomes.timed_out");
  EXPECT_NEAR(lost, 12000, 4 * std::sqrt(18000 * (2.0 / 3) * (1.0 / 3)) + 60);
  // Stale reads per second, before the cut and during it.
  const double before = window_sum(run.timeseries, "component/db", "stale_reads", 10, 60) / 50;
  const double during = window_sum(run.timeseries, "component/db", "stale_reads", 65, 120) / 55;
  std::printf("[chaos] stale reads/s: before %.2f, during the partition %.2f\n", before, during);
  // Before: db[2] lags the quorum by a WAN trip (~20 ms), so a few reads are stale. During:
  // db[2] gets no writes; 100 writes/s over 1000 keys leave most keys newer at the primary
  // (after 5 s, 1 - e^-0.5 = 39% of them; by the end almost all): most of db[2]'s 100
  // reads/s are stale.
  EXPECT_LT(before, 5);
  EXPECT_GT(during, 60);
}

// W = 3: every replica must acknowledge, so writes fail during the partition (after the
// replication timeout), and only then: consistency over availability.
TEST(AzPartition, QuorumOfThreeStopsWritesDuringThePartition) {
  const SimRun run = run_yaml(replace(read_source(kAzPartition), "quorum: {read: 1, write: 2}",
                                      "quorum: {read: 1, write: 3}"));
  const json& s = run.summary;
  const double errors = num(s, "clients.writers.requests.outcomes.error");
  // 100 writes/s for 60 s, Poisson: sd ~ 77; writes in flight at the edges add a few.
  EXPECT_NEAR(errors, 6000, 4 * std::sqrt(6000.0) + 60);
  EXPECT_EQ(num(s, "components.db.database.replication_timeouts"), errors);
  EXPECT_EQ(window_sum(run.timeseries, "client/writers", "error", 10, 55), 0);
  EXPECT_EQ(window_sum(run.timeseries, "client/writers", "error", 125, 180), 0);
}

const char* kRetryStorm = "scenarios/chaos/retry-storm.yaml";

// Retries without a budget turn a 20 s slowdown into a lasting collapse: after the trigger,
// goodput stays near 0 and the offered load stays a multiple of the base load to the end.
TEST(RetryStorm, WithoutABudgetItNeverRecovers) {
  const SimRun run = run_yaml(read_source(kRetryStorm));
  const json& inc = at(run.summary, "incidents")[0];
  EXPECT_FALSE(inc["recovery"]["recovered"].get<bool>());
  const double base = inc["recovery"]["baseline_goodput_per_s"].get<double>();
  EXPECT_NEAR(base, 560, 15);
  // From 20 s after the trigger to the end of issuing (240 s): 28 windows of 5 s.
  const double goodput = window_sum(run.timeseries, "system", "goodput_per_s", 100, 240) / 28;
  const double offered = window_sum(run.timeseries, "system", "offered_per_s", 100, 240) / 28;
  std::printf("[chaos] retry storm without budget: goodput %.1f/s, offered %.1f/s (base %.1f)\n",
              goodput, offered, base);
  EXPECT_LT(goodput, 0.05 * base);
  // Every request times out and is tried three times: ~3x the base load.
  EXPECT_GT(offered, 2.5 * base);
  EXPECT_GT(window_sum(run.timeseries, "system", "retry_amplification", 100, 240) / 28, 2.5);
  EXPECT_NEAR(window_sum(run.timeseries, "system", "retry_amplification", 20, 60) / 8, 1.0, 0.01);
}

// The same with a 10% retry budget: the extra load stays below the spare capacity, the queue
// drains after the trigger, and goodput is back to its level within half a minute.
TEST(RetryStorm, WithABudgetItRecovers) {
  const SimRun run = run_yaml(replace(read_source(kRetryStorm), "retry: {max_retries: 2}",
                                      "retry: {max_retries: 2, budget: 10%}"));
  const json& inc = at(run.summary, "incidents")[0];
  ASSERT_TRUE(inc["recovery"]["recovered"].get<bool>());
  const double recovery = inc["recovery"]["recovery_s"].get<double>();
  // Fluid estimate: during the 20 s at half speed (capacity 400/s) the queue takes the excess
  // of at most 560 x 1.1 = 616/s: <= 4,320 requests; after it the spare capacity is at least
  // 800 - 616 = 184/s: drained within ~24 s (recovery is counted in 5 s windows).
  std::printf("[chaos] retry storm with a 10%% budget: recovered %.0f s after the trigger\n",
              recovery);
  EXPECT_LE(recovery, 30);
  const double goodput = window_sum(run.timeseries, "system", "goodput_per_s", 120, 240) / 24;
  EXPECT_NEAR(goodput, 560, 15);
}

// The same storm with cancellation: a timed-out attempt still waiting in the queue is dropped
// there, so the service works only on attempts someone waits for, and it recovers.
TEST(RetryStorm, WithCancellationItRecovers) {
  const SimRun run = run_yaml(replace(read_source(kRetryStorm), "    retry: {max_retries: 2}\n",
                                      "    retry: {max_retries: 2}\n    cancel: true\n"));
  const json& inc = at(run.summary, "incidents")[0];
  ASSERT_TRUE(inc["recovery"]["recovered"].get<bool>());
  std::printf(
      "[chaos] retry storm with cancellation: recovered %.0f s after the trigger, %.0f "
      "attempts cancelled in the queue\n",
      inc["recovery"]["recovery_s"].get<double>(), num(run.summary, "components.api.cancelled"));
  EXPECT_LE(inc["recovery"]["recovery_s"].get<double>(), 30);
  EXPECT_GT(num(run.summary, "components.api.cancelled"), 1000);
  EXPECT_NEAR(num(run.summary, "components.api.residence.ratio"), 1.0, 0.01);
}

// Hedging at the observed p95 (scenarios/chaos/hedging.yaml): about 5% more backend calls,
// and p99.9 far below the backend's own (lognormal p99.9 = 267 ms; the exact hedged figure
// for a fixed delay is checked in tests/validation/hedging_test.cpp).
TEST(Hedging, P95HedgeCutsTheTailForAFewPercentMoreLoad) {
  const json s = run_yaml(read_source("scenarios/chaos/hedging.yaml")).summary;
  const double extra = num(s, "components.api.service.hedges") / num(s, "components.api.arrivals");
  const double p999 = num(s, "system.latency.ok.p999_ms");
  std::printf("[chaos] hedge at p95: %.1f%% more backend calls, p99.9 %.1f ms (unhedged 267)\n",
              100 * extra, p999);
  // The learned p95 is the first copies' (network 0): 5% of them are still out then.
  EXPECT_NEAR(extra, 0.05, 0.01);
  EXPECT_LT(p999, 0.4 * 267);
}

// cancel_loser: once a hedged call has its answer, the other copy is cancelled at its callee:
// dropped if it still waits in the queue there, so hedging adds less work to a busy backend.
TEST(Hedging, CancelLoserDropsTheQueuedCopy) {
  const json s = run_yaml(R"(
name: hedge-cancel
seed: 93
duration: 300s
warmup: 20s
clients:
  - {name: users, target: api, arrival: {poisson: 120/s}}
components:
  - name: api
    kind: service
    workers: unlimited
    service_time: const(0s)
    calls: [{to: backend, hedge: {after: 15ms, cancel_loser: true}}]
  - {name: backend, kind: service, replicas: 2, workers: 1, service_time: exp(5ms)}
)")
                     .summary;
  const double hedges = num(s, "components.api.service.hedges");
  const double cancelled = num(s, "components.backend.cancelled");
  std::printf("[chaos] cancel_loser: %.0f hedges, %.0f losers dropped in the queue\n", hedges,
              cancelled);
  EXPECT_GT(hedges, 100);
  EXPECT_GT(cancelled, 0.1 * hedges);
  EXPECT_LE(cancelled, hedges + 1);
  EXPECT_NEAR(num(s, "components.backend.residence.ratio"), 1.0, 0.02);
}

const char* kRateLimit = "scenarios/chaos/rate-limit.yaml";

// A token bucket in front of an overloaded service: 429s instead of queueing collapse; the
// admitted load stays under capacity, goodput stays at the bucket's rate, latency stays low.
TEST(RateLimit, TokenBucketKeepsGoodputAtItsRate) {
  const json s = run_yaml(read_source(kRateLimit)).summary;
  // 760/s admitted, Poisson-smoothed by the bucket; the measured interval is 100 s.
  EXPECT_NEAR(num(s, "system.goodput_per_s"), 760, 10);
  EXPECT_LT(num(s, "system.latency.ok.p99_ms"), 150);
  EXPECT_EQ(num(s, "system.requests.outcomes.timed_out"), 0);
  EXPECT_GT(num(s, "components.api.service.throttled"), 0);
}

// The same overload without the bucket: the queue grows without bound, every request waits
// past its 500 ms timeout, and goodput collapses although the server is busy all the time.
TEST(RateLimit, WithoutItTheQueueCollapses) {
  const json s =
      run_yaml(replace(read_source(kRateLimit), "    rate_limit: {rate: 760/s, burst: 50}\n", ""))
          .summary;
  EXPECT_LT(num(s, "system.goodput_per_s"), 0.1 * 760);
  EXPECT_NEAR(num(s, "components.api.utilisation"), 1.0, 0.01);
}

}  // namespace
}  // namespace sdsim::testing
