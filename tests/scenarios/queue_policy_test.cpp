// Queue disciplines and load shedding of a service's waiting room (docs/reference.md,
// `queue`): each test checks a figure a wrong implementation would get wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

std::string mm1(const std::string& queue, const char* rate, const char* duration = "2000s") {
  return std::string(R"(
name: queue-policy
seed: 61
duration: )") +
         duration + R"(
warmup: 100s
clients:
  - {name: users, target: api, arrival: {poisson: )" +
         rate + R"(}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms), queue: )" +
         queue + "}\n";
}

// Mean and its standard error by batch means (20 batches in issue order) of the ok requests'
// latencies counted in the summary (issued after the warm-up).
std::pair<double, double> batch_mean(const std::vector<LoggedRequest>& log, double warmup) {
  std::vector<const LoggedRequest*> ok;
  for (const auto& r : log)
    if (r.outcome == "ok" && r.issued >= warmup) ok.push_back(&r);
  std::sort(ok.begin(), ok.end(), [](auto* a, auto* b) { return a->issued < b->issued; });
  const std::size_t k = 20, per = ok.size() / k;
  double sum = 0, sq = 0;
  for (std::size_t b = 0; b < k; ++b) {
    double m = 0;
    for (std::size_t i = b * per; i < (b + 1) * per; ++i) m += ok[i]->ended - ok[i]->issued;
    m /= static_cast<double>(per);
    sum += m;
    sq += m * m;
  }
  const double mean = sum / k;
  return {mean, std::sqrt((sq / k - mean * mean) / (k - 1))};
}

// Non-preemptive LIFO is work-conserving and blind to job sizes, so an M/M/1's mean sojourn
// is the FIFO one, 1 / (mu - lambda); only the spread grows (p99 above FIFO's).
TEST(QueuePolicy, LifoKeepsTheMM1MeanAndWidensTheTail) {
  const SimRun run = run_yaml(mm1("{discipline: lifo}", "80/s"), true);
  const auto [mean, se] = batch_mean(request_log(run), 100);
  expect_near_theory("M/M/1 LIFO, rho 0.8: mean sojourn (s)", "1 / (mu - lambda) (as FIFO)", 0.05,
                     mean, 4 * se);
  // FIFO's p99 is ln(100) / (mu - lambda) = 230 ms; LIFO's tail is much longer.
  EXPECT_GT(num(run.summary, "system.latency.ok.p99_ms"), 300);
}

// Adaptive LIFO is FIFO while the queue is healthy: with a 10 s target it never switches,
// and a single worker with constant work finishes requests in the order they came.
TEST(QueuePolicy, AdaptiveLifoIsFifoWhileHealthy) {
  const SimRun run = run_yaml(R"(
name: adaptive
seed: 62
duration: 200s
clients:
  - {name: users, target: api, arrival: {poisson: 70/s}}
components:
  - name: api
    kind: service
    workers: 1
    service_time: const(10ms)
    queue: {discipline: adaptive_lifo, target: 10s}
)",
                              true);
  auto log = request_log(run);
  ASSERT_GT(log.size(), 10000u);
  for (std::size_t i = 1; i < log.size(); ++i)
    ASSERT_LT(log[i - 1].issued, log[i].issued) << "request " << log[i].id << " overtook";
}

// max_wait sheds what waited too long: under overload (rho 1.5) no served request waited
// more than max_wait, and the shed ones reach the client as 503s.
TEST(QueuePolicy, MaxWaitShedsWhatWaitedTooLong) {
  const SimRun run = run_yaml(mm1("{max_wait: 100ms}", "150/s", "300s"), true);
  const json& s = run.summary;
  EXPECT_LE(num(s, "components.api.queue_wait.max_ms"), 100.0 * 1.01);  // histogram bins: 1%
  const double shed = num(s, "components.api.shed");
  EXPECT_GT(shed, 0.25 * num(s, "components.api.arrivals"));
  EXPECT_EQ(num(s, "system.requests.outcomes.rejected"), shed);
  // The server stays busy all the time: throughput of ok requests ~ mu.
  EXPECT_NEAR(num(s, "system.goodput_per_s"), 100, 5);
}

// CoDel under persistent overload: it drops enough to hold the queue's sojourn near its
// target instead of letting the queue grow: the served requests' mean wait stays a few
// times the 5 ms target (FIFO's would grow without bound). It must drop at least the excess,
// (lambda - mu) / lambda of the arrivals; it drops a little more (its control law lets the
// queue run empty now and then: the worker idles ~5% here), which is CoDel's known price.
TEST(QueuePolicy, CodelHoldsTheQueueNearItsTarget) {
  const SimRun run =
      run_yaml(mm1("{discipline: codel, target: 5ms, interval: 100ms}", "150/s", "300s"));
  const json& s = run.summary;
  const double shed = num(s, "components.api.shed") / num(s, "components.api.arrivals");
  std::printf("[queue] codel at rho 1.5: shed %.3f, mean wait of served %.1f ms\n", shed,
              num(s, "components.api.queue_wait.mean_ms"));
  EXPECT_GE(shed, 1.0 / 3 - 0.01);
  EXPECT_LE(shed, 1.0 / 3 + 0.06);
  EXPECT_LT(num(s, "components.api.queue_wait.mean_ms"), 100);
  EXPECT_GT(num(s, "components.api.utilisation"), 0.9);
}

}  // namespace
}  // namespace sdsim::testing
