// StationStats driven by hand on a tiny trace whose figures are computed on
// paper: requests arriving before the warm-up are left out of counts and
// sojourns, levels are integrated over [warmup, stop] only, and windows report
// the whole timeline.
#include "sim/metrics/station_stats.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace sdsim {
namespace {

using nlohmann::json;

// Window figures by (window start, metric).
using WindowRows = std::map<std::pair<double, std::string>, double>;

void close(StationStats& s, double start, double end, WindowRows& rows) {
  s.close_window(start, end, [&](std::string_view metric, double v) {
    rows[{start, std::string(metric)}] = v;
  });
}

// One replica, one worker, a waiting room of 1 (bounded), warm-up 10 s, stop at
// 20 s, windows of 5 s. Requests (arrival -> start -> end of own work -> reply
// leaves):
//   A  8 -> 8 -> 12 -> 12       before the warm-up: not counted
//   B  9 -> (queued) 12 -> 15 -> 15   before the warm-up: not counted (waited 3
//   s) C 11: the waiting room (B) is full: rejected at once D 13 -> (queued) 15
//   -> 17 -> 18   (the reply leaves 1 s after its work: downstream) E 17.5
//   -> 17.5 -> 18.5 -> 18.5 F 19 -> 19 -> 22 -> 22     counted (arrived before
//   stop), ends after stop G 21 -> (queued) 22 -> 23 -> 23  after stop: not
//   counted
struct HandTrace {
  MeasureClock clock;
  StationStats s{"api", StationShape{"service", 1, 1, 1, true}, clock};
  WindowRows rows;

  HandTrace() {
    clock.warmup = 10;
    close(s, 0, 5, rows);
    s.arrived(8);  // A
    s.started(8, 8, false);
    s.arrived(9);  // B
    s.queued(9);
    s.mark_interval_start(10);  // warm-up mark
    close(s, 5, 10, rows);
    s.arrived(11);  // C
    s.rejected(11, 11);
    s.finished(12, 8, 4);  // A
    s.departed(12, 8);
    s.started(12, 9, true);  // B
    s.arrived(13);           // D
    s.queued(13);
    close(s, 10, 15, rows);
    s.finished(15, 9, 3);  // B
    s.departed(15, 9);
    s.started(15, 13, true);  // D
    s.finished(17, 13, 2);
    s.arrived(17.5);  // E
    s.started(17.5, 17.5, false);
    s.departed(18, 13);  // D's reply leaves
    s.finished(18.5, 17.5, 1);
    s.departed(18.5, 17.5);
    s.arrived(19);  // F
    s.started(19, 19, false);
    clock.stop = 20;  // clients stop issuing
    s.mark_interval_end(20);
    close(s, 15, 20, rows);
    s.arrived(21);  // G
    s.queued(21);
    s.finished(22, 19, 3);  // F
    s.departed(22, 19);
    s.started(22, 21, true);  // G
    s.finished(23, 21, 1);
    s.departed(23, 21);
    close(s, 20, 25, rows);
  }
};

TEST(StationStats, CountsOnlyArrivalsInTheMeasuredInterval) {
  HandTrace t;
  const json j = t.s.summary_json();
  EXPECT_EQ(j["kind"], "service");
  EXPECT_EQ(j["replicas"], 1);
  EXPECT_EQ(j["workers_per_replica"], 1);
  EXPECT_EQ(j["arrivals"],
            4u);  // C, D, E, F (not A, B before warm-up; not G after stop)
  EXPECT_DOUBLE_EQ(j["arrival_rate_per_s"].get<double>(), 4.0 / 10);
  EXPECT_EQ(j["rejected"], 1u);  // C
  EXPECT_DOUBLE_EQ(j["rejection_ratio"].get<double>(), 0.25);
}

TEST(StationStats, LevelsIntegrateOverWarmupToStopOnly) {
  HandTrace t;
  const json j = t.s.summary_json();
  // Busy over [10, 20]: A 10-12, B 12-15, D 15-17, E 17.5-18.5, F 19-20 = 9 s.
  EXPECT_DOUBLE_EQ(j["utilisation"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(j["cpu_utilisation"].get<double>(), 0.9);  // cores == workers
  EXPECT_DOUBLE_EQ(j["mean_busy_workers"].get<double>(), 0.9);
  // Waiting room over [10, 20]: B 10-12, D 13-15 = 4 request-seconds (B's 9-10
  // and G's 21-22 are outside).
  EXPECT_DOUBLE_EQ(j["mean_queue_length"].get<double>(), 0.4);
}

TEST(StationStats, ServiceAndQueueWaitOfCountedRequests) {
  HandTrace t;
  const json j = t.s.summary_json();
  // Served counted requests D, E, F: work 2 + 1 + 3 (C was rejected, B is not
  // counted).
  EXPECT_DOUBLE_EQ(j["mean_service_s"].get<double>(), 2.0);
  // Waits of D, E, F: 2, 0, 0 s (B's 3 s wait is before the warm-up).
  const json& w = j["queue_wait"];
  EXPECT_EQ(w["count"], 3u);
  EXPECT_NEAR(w["mean_ms"].get<double>(), 2000.0 / 3, 1e-9);
  EXPECT_EQ(w["min_ms"].get<double>(), 0.0);
  EXPECT_EQ(w["p50_ms"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(w["max_ms"].get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(w["p99_ms"].get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(j["p_wait"].get<double>(), 1.0 / 3);
}

TEST(StationStats, LocalLittlesLawFiguresByHand) {
  HandTrace t;
  const json j = t.s.summary_json();
  const json& l = j["local"];
  // In the station (waiting + in service) over [10, 20]: A 2, B 5, D 4, E 1, F
  // 1 = 13.
  EXPECT_DOUBLE_EQ(l["L_measured"].get<double>(), 1.3);
  EXPECT_DOUBLE_EQ(l["lambda_per_s"].get<double>(), 0.4);
  // Sojourns of C, D, E, F: 0 (rejected at once), 4, 1, 3 -> mean 2.
  EXPECT_DOUBLE_EQ(l["W_s"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(l["lambda_W"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(l["ratio"].get<double>(), 1.3 / 0.8);
}

TEST(StationStats, ResidenceLittlesLawFiguresByHand) {
  HandTrace t;
  const json j = t.s.summary_json();
  const json& r = j["residence"];
  // Until the reply leaves, over [10, 20]: A 2, B 5, D 5 (13-18), E 1, F 1
  // = 14.
  EXPECT_DOUBLE_EQ(r["L_measured"].get<double>(), 1.4);
  // Residences of C, D, E, F: 0, 5, 1, 3 -> mean 2.25.
  EXPECT_DOUBLE_EQ(r["W_s"].get<double>(), 2.25);
  EXPECT_DOUBLE_EQ(r["lambda_W"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(r["ratio"].get<double>(), 1.4 / 0.9);
  // The latency block holds the requests that were served: D, E, F.
  const json& lat = r["latency"];
  EXPECT_EQ(lat["count"], 3u);
  EXPECT_DOUBLE_EQ(lat["mean_ms"].get<double>(), 3000.0);
  EXPECT_DOUBLE_EQ(lat["min_ms"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(lat["max_ms"].get<double>(), 5000.0);
}

TEST(StationStats, WindowsCoverTheWholeTimelineWarmupIncluded) {
  HandTrace t;
  auto at = [&](double start, const char* metric) {
    auto it = t.rows.find({start, metric});
    EXPECT_NE(it, t.rows.end()) << start << " " << metric;
    return it == t.rows.end() ? -1.0 : it->second;
  };
  // [0, 5): nothing yet.
  EXPECT_EQ(at(0, "arrivals_per_s"), 0.0);
  EXPECT_EQ(at(0, "utilisation"), 0.0);
  // [5, 10): the warm-up window shows A and B.
  EXPECT_DOUBLE_EQ(at(5, "arrivals_per_s"), 2.0 / 5);
  EXPECT_DOUBLE_EQ(at(5, "utilisation"), 2.0 / 5);
  EXPECT_DOUBLE_EQ(at(5, "mean_queue_length"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(at(5, "mean_in_system"), 3.0 / 5);
  // [10, 15): C (rejected) and D arrive; A leaves.
  EXPECT_DOUBLE_EQ(at(10, "arrivals_per_s"), 2.0 / 5);
  EXPECT_DOUBLE_EQ(at(10, "departures_per_s"), 1.0 / 5);
  EXPECT_EQ(at(10, "rejected"), 1.0);
  EXPECT_DOUBLE_EQ(at(10, "utilisation"), 1.0);
  EXPECT_DOUBLE_EQ(at(10, "mean_queue_length"), 4.0 / 5);
  EXPECT_DOUBLE_EQ(at(10, "mean_in_system"), 9.0 / 5);
  // [15, 20): E and F arrive; B, D, E leave.
  EXPECT_DOUBLE_EQ(at(15, "departures_per_s"), 3.0 / 5);
  EXPECT_DOUBLE_EQ(at(15, "utilisation"), 4.0 / 5);
  EXPECT_DOUBLE_EQ(at(15, "mean_in_system"), 4.0 / 5);
  EXPECT_EQ(at(15, "rejected"), 0.0);
  // [20, 25): after stop, windows go on (G arrives; F and G leave).
  EXPECT_DOUBLE_EQ(at(20, "arrivals_per_s"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(at(20, "departures_per_s"), 2.0 / 5);
  EXPECT_DOUBLE_EQ(at(20, "utilisation"), 3.0 / 5);
  EXPECT_DOUBLE_EQ(at(20, "mean_queue_length"), 1.0 / 5);
  // No cpu_utilisation row when workers == cores.
  EXPECT_EQ(t.rows.count({10, "cpu_utilisation"}), 0u);
  // The windows inside [warmup, stop] average to the summary utilisation.
  EXPECT_DOUBLE_EQ((at(10, "utilisation") + at(15, "utilisation")) / 2,
                   t.s.summary_json()["utilisation"].get<double>());
}

TEST(StationStats, ShortTraceIsNotFlaggedNotSteady) {
  HandTrace t;
  std::string why;
  EXPECT_FALSE(t.s.steady_warning(&why)) << why;
}

TEST(StationStats, EmptyStationGivesNullsNotZeros) {
  MeasureClock clock;
  clock.warmup = 0;
  StationStats s("idle", StationShape{"service", 2, 4, 4, false}, clock);
  s.mark_interval_start(0);
  clock.stop = 10;
  s.mark_interval_end(10);
  const json j = s.summary_json();
  EXPECT_EQ(j["arrivals"], 0u);
  EXPECT_TRUE(j["rejection_ratio"].is_null());
  EXPECT_TRUE(j["mean_service_s"].is_null());
  EXPECT_TRUE(j["p_wait"].is_null());
  EXPECT_TRUE(j["queue_wait"]["p50_ms"].is_null());
  EXPECT_TRUE(j["local"]["W_s"].is_null());
  EXPECT_TRUE(j["local"]["ratio"].is_null());
  EXPECT_EQ(j["utilisation"].get<double>(), 0.0);
}

TEST(StationStats, UtilisationCountsAllReplicasAndWorkers) {
  // 2 replicas x 3 workers = 6 workers; 3 busy for the whole interval: 50%.
  MeasureClock clock;
  StationStats s("pool", StationShape{"service", 2, 3, 3, false}, clock);
  s.mark_interval_start(0);
  for (int i = 0; i < 3; ++i) {
    s.arrived(0);
    s.started(0, 0, false);
  }
  clock.stop = 100;
  s.mark_interval_end(100);
  EXPECT_DOUBLE_EQ(s.summary_json()["utilisation"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(s.summary_json()["mean_busy_workers"].get<double>(), 3.0);
}

TEST(StationStats, CpuUtilisationWhenWorkersOutnumberCores) {
  // 4 workers share 2 cores: 4 busy workers, 2 busy cores over [0, 10]; then
  // idle to 20.
  MeasureClock clock;
  StationStats s("cpu", StationShape{"service", 1, 4, 2, false, true}, clock);
  s.mark_interval_start(0);
  for (int i = 0; i < 4; ++i) {
    s.arrived(0);
    s.started(0, 0, false);
  }
  s.cpu_busy(0, 2);
  s.cpu_busy(10, -2);
  for (int i = 0; i < 4; ++i) s.finished(10, 0, 5);
  clock.stop = 20;
  s.mark_interval_end(20);
  const json j = s.summary_json();
  EXPECT_DOUBLE_EQ(j["utilisation"].get<double>(),
                   0.5);  // 4 of 4 workers half the time
  EXPECT_DOUBLE_EQ(j["cpu_utilisation"].get<double>(),
                   0.5);  // 2 of 2 cores half the time
  EXPECT_EQ(j["cores_per_replica"], 2);
}

TEST(StationStats, FullyBusyStationWithAFlatQueueIsSteady) {
  // 100% utilisation alone is not instability: a saturated closed loop keeps its queue
  // bounded by the number of users. Only a growing queue is flagged.
  MeasureClock clock;
  StationStats s("checkout", StationShape{"service", 1, 1, 1, false}, clock);
  s.mark_interval_start(0);
  s.arrived(0);
  s.started(0, 0, false);  // busy for the whole interval
  for (int i = 0; i < 3; ++i) {
    s.arrived(0);
    s.queued(0);  // three waiting, all along
  }
  WindowRows rows;
  for (int w = 0; w < 50; ++w) close(s, w, w + 1, rows);
  clock.stop = 50;
  s.mark_interval_end(50);
  std::string why;
  EXPECT_FALSE(s.steady_warning(&why)) << why;
}

TEST(StationStats, SaturatedBoundedQueueIsSteady) {
  MeasureClock clock;
  StationStats s("checkout", StationShape{"service", 1, 1, 1, true}, clock);
  s.mark_interval_start(0);
  s.arrived(0);
  s.started(0, 0, false);
  for (int i = 0; i < 5; ++i) {
    s.arrived(0);
    s.queued(0);  // full waiting room, flat
  }
  WindowRows rows;
  for (int w = 0; w < 50; ++w) close(s, w, w + 1, rows);
  clock.stop = 50;
  s.mark_interval_end(50);
  std::string why;
  EXPECT_FALSE(s.steady_warning(&why)) << why;
}

// Builds a station whose waiting room grows as `level(t)` (rounded to whole
// requests, one step per 0.1 s) over [0, 100] s with 1 s windows; the worker is
// always busy and the waiting room is bounded (a large capacity, not yet
// reached), so only the trend rule can flag it.
template <class Level>
bool growing_queue_is_flagged(Level level, std::string* why) {
  MeasureClock clock;
  StationStats s("filling", StationShape{"service", 1, 1, 1, true}, clock);
  s.mark_interval_start(0);
  s.arrived(0);
  s.started(0, 0, false);
  int in_queue = 0;
  WindowRows rows;
  for (int step = 0; step <= 1000; ++step) {
    const double now = step * 0.1;
    if (step > 0 && step % 10 == 0) close(s, now - 1, now, rows);
    const int want = static_cast<int>(level(now) + 0.5);
    for (; in_queue < want; ++in_queue) {
      s.arrived(now);
      s.queued(now);
    }
  }
  clock.stop = 100;
  s.mark_interval_end(100);
  return s.steady_warning(why);
}

TEST(StationStats, QueueThatStartsGrowingMidRunIsFlagged) {
  std::string why;
  EXPECT_TRUE(
      growing_queue_is_flagged([](double t) { return t < 50 ? 0.0 : 8.0 * (t - 50); }, &why));
  EXPECT_NE(why.find("filling"), std::string::npos) << why;
}

TEST(StationStats, QueueThatGrowsThroughTheWholeRunIsFlagged) {
  // DESIGN.md: "A run that is not steady (... or a queue that grows through the
  // run) says so". A bounded waiting room (capacity not reached) filling at a
  // steady 4 requests/s from 5 to 405 is the plainest case of a queue growing
  // through the run.
  std::string why;
  EXPECT_TRUE(growing_queue_is_flagged([](double t) { return 5.0 + 4.0 * t; }, &why))
      << "a queue growing linearly from 5 to 405 over the measured interval "
         "was not flagged "
         "(station_stats.cpp: growth > max(10, 2 x mean) can never hold for "
         "linear growth, "
         "where the fitted growth is 2 x (mean - start level))";
}

TEST(StationStats, FlatQueueIsNotFlagged) {
  std::string why;
  EXPECT_FALSE(growing_queue_is_flagged([](double) { return 20.0; }, &why)) << why;
}

}  // namespace
}  // namespace sdsim

namespace sdsim {
namespace {

// Model counters: measured counts follow the request's arrival time, windows count every
// event; ratios and means are null/absent without data.
TEST(StationStats, ModelCountersRatiosAndMeans) {
  MeasureClock clock;
  clock.warmup = 10;
  clock.stop = 20;
  StationStats s{"c", StationShape{"cache", 1, 0, 0}, clock};
  const auto hits = s.add_counter("hits");
  const auto misses = s.add_counter("misses");
  s.add_ratio("hit_ratio", {hits}, {hits, misses});
  const auto lag = s.add_mean_ms("lag");
  WindowRows rows;
  s.count(hits, 5);  // warm-up: window only
  s.count(misses, 5);
  s.count(misses, 6);
  close(s, 0, 10, rows);
  s.count(hits, 11, 3);
  s.count(misses, 12);
  s.sample(lag, 12, 0.004);
  s.sample(lag, 13, 0.002);
  s.count(hits, 25);  // after stop: window only
  close(s, 10, 30, rows);
  EXPECT_DOUBLE_EQ((rows[{0, "hit_ratio"}]), 1.0 / 3);
  EXPECT_EQ((rows[{0, "hits"}]), 1.0);
  EXPECT_EQ(rows.count({0, "lag_mean_ms"}), 0u);
  EXPECT_DOUBLE_EQ((rows[{10, "hit_ratio"}]), 4.0 / 5);
  EXPECT_DOUBLE_EQ((rows[{10, "lag_mean_ms"}]), 3.0);
  const json j = s.summary_json()["cache"];
  EXPECT_EQ(j["hits"], 3);
  EXPECT_EQ(j["misses"], 1);
  EXPECT_DOUBLE_EQ(j["hit_ratio"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["lag_mean_ms"].get<double>(), 3.0);
  StationStats empty{"e", StationShape{"cache", 1, 0, 0}, clock};
  const auto h = empty.add_counter("hits");
  empty.add_ratio("hit_ratio", {h}, {h});
  EXPECT_TRUE(empty.summary_json()["cache"]["hit_ratio"].is_null());
}

}  // namespace
}  // namespace sdsim
