// scenarios/chaos/cold-cache-restart.yaml: a cache-aside cache crashes and restarts cold; the
// database carries the refill's misses. Checked window by window from timeseries.csv.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
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

constexpr double kCrashAt = 60, kUpAt = 62, kEnd = 100;  // the scenario's fault and duration
constexpr int kRefillWindows = 10;                       // 1 s windows checked after the restart
constexpr double kDbWorkers = 2, kDbMeanService = 0.002;

TEST(ColdCacheRestart, DatabaseCarriesTheRefillMisses) {
  const SimRun run = run_yaml(read_source("scenarios/chaos/cold-cache-restart.yaml"));
  const auto api = window_series(run.timeseries, "component/api", "arrivals_per_s");
  const auto db = window_series(run.timeseries, "component/db", "arrivals_per_s");
  const auto util = window_series(run.timeseries, "component/db", "utilisation");
  const auto hit = window_series(run.timeseries, "component/cache", "hit_ratio");
  const auto p99 = window_series(run.timeseries, "system", "latency_p99_ms");

  // Before the crash: the steady hit ratio and the latency tail.
  double hit_before = 0, p99_before = 0;
  int n_before = 0;
  for (double t = kCrashAt - 15; t < kCrashAt; ++t, ++n_before) {
    hit_before += hit.at(t);
    p99_before += p99.at(t);
  }
  hit_before /= n_before;
  p99_before /= n_before;
  std::printf("[cold cache] before the crash: hit ratio %.3f, system p99 %.2f ms\n", hit_before,
              p99_before);
  ASSERT_GT(hit_before, 0.3);

  // Each api request reads the cache once and the db once per miss, a millisecond or so
  // later: db arrivals in a window = api arrivals x (1 - hit ratio) but for the requests that
  // straddle the window's edges (~1.3 ms x 1000/s ~ 1.3 per edge; Poisson: 10 bounds both
  // with a wide margin).
  for (int k = 0; k < kRefillWindows; ++k) {
    const double t = kUpAt + k;
    const double expected = api.at(t) * (1 - hit.at(t));
    expect_near_theory("db arrivals/s in [" + std::to_string(static_cast<int>(t)) + "s, +1s)",
                       "api rate x (1 - cache hit ratio)", expected, db.at(t), 10);
  }
  // Utilisation: rho = db rate x E[S] / workers. A window's busy time is a sum of n exp(4 ms)
  // draws (relative sd 1 / sqrt(n)), plus work straddling its edges (and queued at them: the
  // M/M/2 holds a few requests at 0.8): 4 sd + 0.02.
  for (int k = 0; k < kRefillWindows; ++k) {
    const double t = kUpAt + k;
    const double rate = api.at(t) * (1 - hit.at(t));
    const double expected = rate * kDbMeanService / kDbWorkers;
    expect_near_theory("db utilisation in [" + std::to_string(static_cast<int>(t)) + "s, +1s)",
                       "api rate x (1 - hit ratio) x E[S] / workers", expected, util.at(t),
                       expected * 4 / std::sqrt(rate) + 0.02);
  }
  // The curve: the first window after the restart misses far more than before, and the hit
  // ratio climbs back (the db's load falls with it).
  EXPECT_LT(hit.at(kUpAt), 0.5 * hit_before);
  EXPECT_GT(hit.at(kUpAt + kRefillWindows - 1), hit.at(kUpAt));
  EXPECT_GT(util.at(kUpAt), util.at(kUpAt + kRefillWindows - 1));
  double hit_late = 0;
  for (double t = kEnd - 15; t < kEnd; ++t) hit_late += hit.at(t) / 15;
  EXPECT_NEAR(hit_late, hit_before, 0.03);
  // The latency tail rises during the refill: more requests go through the db, and the db
  // queues more.
  std::printf("[cold cache] refill: hit ratio / db rate / db utilisation / system p99 ms\n");
  for (int k = 0; k < kRefillWindows; ++k) {
    const double t = kUpAt + k;
    std::printf("  [%2.0fs] %.3f %7.1f %.3f %6.2f\n", t, hit.at(t), db.at(t), util.at(t),
                p99.at(t));
  }
  // Window p99s scatter by ~+-1.5 ms (~1000 requests each, ~10 above the p99): the first two
  // refill windows' mean against 1.4 x the 15 windows before.
  EXPECT_GT((p99.at(kUpAt) + p99.at(kUpAt + 1)) / 2, 1.4 * p99_before);
}

}  // namespace
}  // namespace sdsim::testing
