// RequestScope: summary figures count requests by issue time (DESIGN.md
// "Attribution"), and so do offered load and throughput (the attempts and responses of
// counted requests), availability is ok / issued, empty blocks are null, and
// add_summary_of merges scopes.
#include "sim/metrics/request_scope.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace sdsim {
namespace {

using nlohmann::json;

std::uint64_t outcome(const json& j, const char* name) {
  return j["requests"]["outcomes"][name].get<std::uint64_t>();
}

// One full request: issued, one attempt, a reply after `latency`, ended with
// `o`.
void answered(RequestScope& s, double issued, double latency, Outcome o) {
  s.request_issued(issued);
  s.attempt_sent(issued, issued);
  s.response_received(issued + latency, latency, issued);
  s.request_ended(issued + latency, issued, o);
}

TEST(RequestScope, CountsRequestsByIssueTime) {
  MeasureClock clock;
  clock.warmup = 10;
  clock.stop = 20;
  RequestScope s("c", clock);
  answered(s, 5, 1, Outcome::kOk);  // before warm-up: not counted
  answered(s, 9.5, 1,
           Outcome::kOk);              // issued before, ends after warm-up: not counted
  answered(s, 10, 0.5, Outcome::kOk);  // at warm-up: counted ([warmup, stop))
  answered(s, 19.5, 2, Outcome::kOk);  // issued before stop, ends after: counted
  answered(s, 20, 0.1, Outcome::kOk);  // at stop: not counted
  const json j = s.summary_json(10);
  EXPECT_EQ(j["requests"]["issued"], 2u);
  EXPECT_EQ(j["requests"]["ended"], 2u);
  EXPECT_TRUE(j["requests"]["conserved"].get<bool>());
  EXPECT_EQ(j["latency"]["ok"]["count"], 2u);
  EXPECT_DOUBLE_EQ(j["latency"]["ok"]["mean_ms"].get<double>(), 1250.0);
  EXPECT_DOUBLE_EQ(j["latency"]["ok"]["max_ms"].get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(j["goodput_per_s"].get<double>(), 2.0 / 10);
  EXPECT_EQ(s.open_counted(), 0u);
}

TEST(RequestScope, ThroughputAndOfferedLoadCountTheCountedRequests) {
  MeasureClock clock;
  clock.warmup = 10;
  clock.stop = 20;
  RequestScope s("c", clock);
  // Issued in the warm-up, its reply arrives at 10.5: not counted.
  answered(s, 9.8, 0.7, Outcome::kOk);
  // Counted; its reply arrives after stop: in throughput all the same.
  answered(s, 19.0, 3.0, Outcome::kOk);
  // Counted, timed out at 12; the late reply at 14 still counts in throughput.
  s.request_issued(11);
  s.attempt_sent(11, 11);
  s.request_ended(12, 11, Outcome::kTimedOut);
  s.response_received(14, 3, 11);
  const json j = s.summary_json(10);
  EXPECT_DOUBLE_EQ(j["throughput_per_s"].get<double>(),
                   2.0 / 10);  // 22 and 14 (the late one)
  EXPECT_DOUBLE_EQ(j["offered_per_s"].get<double>(),
                   2.0 / 10);                                    // sent at 19 and 11
  EXPECT_DOUBLE_EQ(j["goodput_per_s"].get<double>(), 1.0 / 10);  // the one at 19
  EXPECT_EQ(j["attempts"], 2u);
  EXPECT_DOUBLE_EQ(j["retry_amplification"].get<double>(), 1.0);
  // Attempt latency includes the late reply (3 s) of the timed-out request.
  EXPECT_EQ(j["latency"]["attempt"]["count"], 2u);
  EXPECT_DOUBLE_EQ(j["latency"]["attempt"]["max_ms"].get<double>(), 3000.0);
}

TEST(RequestScope, EachOutcomeIsCountedAndAvailabilityIsOkOverIssued) {
  MeasureClock clock;
  RequestScope s("c", clock);
  answered(s, 1, 0.010, Outcome::kOk);
  answered(s, 2, 0.020, Outcome::kOk);
  answered(s, 3, 0.001, Outcome::kRejected);
  answered(s, 4, 0.050, Outcome::kError);
  s.request_issued(5);
  s.attempt_sent(5, 5);
  s.request_ended(5.1, 5, Outcome::kTimedOut);
  s.request_issued(6);
  s.attempt_sent(6, 6);
  EXPECT_EQ(s.open_counted(), 1u);
  s.request_ended(9, 6, Outcome::kUnfinished);
  EXPECT_EQ(s.open_counted(), 0u);

  const json j = s.summary_json(10);
  EXPECT_EQ(j["requests"]["issued"], 6u);
  EXPECT_EQ(j["requests"]["ended"], 6u);
  EXPECT_EQ(outcome(j, "ok"), 2u);
  EXPECT_EQ(outcome(j, "rejected"), 1u);
  EXPECT_EQ(outcome(j, "timed_out"), 1u);
  EXPECT_EQ(outcome(j, "error"), 1u);
  EXPECT_EQ(outcome(j, "unfinished"), 1u);
  EXPECT_DOUBLE_EQ(j["availability"].get<double>(),
                   2.0 / 6);  // unfinished counts against
  // Latency of ok requests only; all_ended has every ended one but the
  // unfinished.
  EXPECT_EQ(j["latency"]["ok"]["count"], 2u);
  EXPECT_NEAR(j["latency"]["ok"]["max_ms"].get<double>(), 20.0, 1e-9);
  EXPECT_EQ(j["latency"]["all_ended"]["count"], 5u);
  EXPECT_NEAR(j["latency"]["all_ended"]["max_ms"].get<double>(), 100.0,
              1e-9);  // the timeout
  EXPECT_NEAR(j["latency"]["all_ended"]["min_ms"].get<double>(), 1.0, 1e-9);
}

TEST(RequestScope, EmptyScopeGivesNullsNotZeros) {
  MeasureClock clock;
  RequestScope s("c", clock);
  const json j = s.summary_json(10);
  EXPECT_EQ(j["requests"]["issued"], 0u);
  EXPECT_TRUE(j["requests"]["conserved"].get<bool>());
  EXPECT_TRUE(j["availability"].is_null());
  EXPECT_TRUE(j["retry_amplification"].is_null());
  for (const char* block : {"ok", "all_ended", "attempt"}) {
    const json& b = j["latency"][block];
    EXPECT_EQ(b["count"], 0u) << block;
    for (const char* k : {"mean_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "min_ms", "max_ms"})
      EXPECT_TRUE(b[k].is_null()) << block << "." << k;
  }
  EXPECT_EQ(j["throughput_per_s"].get<double>(), 0.0);
}

TEST(RequestScope, OnlyTimeoutsGiveNullOkPercentilesButAllEndedAtTheTimeout) {
  MeasureClock clock;
  RequestScope s("c", clock);
  for (int i = 0; i < 10; ++i) {
    s.request_issued(i);
    s.attempt_sent(i, i);
    s.request_ended(i + 0.1, i, Outcome::kTimedOut);
  }
  const json j = s.summary_json(10);
  EXPECT_TRUE(j["latency"]["ok"]["p50_ms"].is_null());
  EXPECT_NEAR(j["latency"]["all_ended"]["p50_ms"].get<double>(), 100.0, 1e-6);
  EXPECT_EQ(j["availability"].get<double>(), 0.0);
  EXPECT_EQ(j["goodput_per_s"].get<double>(), 0.0);
}

TEST(RequestScope, AddSummaryOfMergesCountsAndLatencies) {
  MeasureClock clock;
  clock.warmup = 1;
  RequestScope a("a", clock), b("b", clock);
  answered(a, 0.5, 0.1, Outcome::kOk);  // warm-up: stays out of the merge too
  for (int i = 0; i < 30; ++i) answered(a, 2 + i, 0.010 + 0.001 * i, Outcome::kOk);
  for (int i = 0; i < 20; ++i) answered(b, 2 + i, 0.100 + 0.01 * i, Outcome::kOk);
  answered(b, 3, 0.2, Outcome::kRejected);
  RequestScope system("system", clock);
  system.add_summary_of(a);
  system.add_summary_of(b);
  const json ja = a.summary_json(40), jb = b.summary_json(40), js = system.summary_json(40);
  EXPECT_EQ(js["requests"]["issued"], 51u);
  EXPECT_EQ(outcome(js, "ok"), 50u);
  EXPECT_EQ(outcome(js, "rejected"), 1u);
  EXPECT_EQ(js["attempts"], 51u);
  EXPECT_EQ(js["latency"]["ok"]["count"], 50u);
  EXPECT_EQ(js["latency"]["all_ended"]["count"], 51u);
  EXPECT_DOUBLE_EQ(js["latency"]["ok"]["max_ms"].get<double>(),
                   jb["latency"]["ok"]["max_ms"].get<double>());
  EXPECT_DOUBLE_EQ(js["latency"]["ok"]["min_ms"].get<double>(),
                   ja["latency"]["ok"]["min_ms"].get<double>());
  const double mean = (30 * ja["latency"]["ok"]["mean_ms"].get<double>() +
                       20 * jb["latency"]["ok"]["mean_ms"].get<double>()) /
                      50;
  EXPECT_NEAR(js["latency"]["ok"]["mean_ms"].get<double>(), mean, 1e-9);
  EXPECT_NEAR(js["throughput_per_s"].get<double>(),
              ja["throughput_per_s"].get<double>() + jb["throughput_per_s"].get<double>(), 1e-12);
  EXPECT_NEAR(js["offered_per_s"].get<double>(),
              ja["offered_per_s"].get<double>() + jb["offered_per_s"].get<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(js["availability"].get<double>(), 50.0 / 51);
}

TEST(RequestScope, WindowsAttributeOutcomesToTheWindowTheyEndedIn) {
  MeasureClock clock;
  clock.warmup = 100;  // windows ignore the warm-up
  RequestScope s("c", clock);
  std::map<std::string, double> w;
  auto emit = [&](std::string_view m, double v) { w[std::string(m)] = v; };
  answered(s, 0.2, 0.3, Outcome::kOk);
  s.request_issued(0.5);
  s.attempt_sent(0.5, 0.5);
  s.close_window(1.0, emit);
  EXPECT_EQ(w["issued"], 2.0);
  EXPECT_EQ(w["offered_per_s"], 2.0);
  EXPECT_EQ(w["ok"], 1.0);
  EXPECT_EQ(w["availability"], 1.0);
  EXPECT_NEAR(w["latency_p50_ms"], 300.0, 300.0 * LatencyHistogram::relative_error_bound());
  s.response_received(1.5, 1.0, 0.5);
  s.request_ended(1.5, 0.5, Outcome::kError);
  s.close_window(2.0, emit);  // the next window: the error ends here, nothing was issued
  EXPECT_EQ(w["issued"], 0.0);
  EXPECT_EQ(w["ok"], 0.0);
  EXPECT_EQ(w["error"], 1.0);
  EXPECT_EQ(w["throughput_per_s"], 0.5);  // one response over a 2 s window
  EXPECT_EQ(w["availability"], 0.0);
  EXPECT_TRUE(std::isnan(w["latency_p50_ms"]));  // no ok request: no value, not 0
  // Nothing counted in the summary: every request was issued in the warm-up.
  EXPECT_EQ(s.summary_counts().issued, 0u);
}

TEST(RequestScope, RequestLogWritesHexFloatTimes) {
  MeasureClock clock;
  RequestScope s("shop", clock);
  std::ostringstream log;
  s.set_request_log(&log);
  s.request_issued(12);
  s.request_ended(12.5, 12, Outcome::kTimedOut, 7);
  EXPECT_EQ(log.str(), "shop,7,0x1.8p+3,0x1.9p+3,timed_out\n");
}

}  // namespace
}  // namespace sdsim
