// Open-loop arrival processes against theory: the ramp, spikes, the on/off MMPP and trace
// files (docs/models/client.md). Counts come from the time series (`issued` of the client in
// each 1 s window, by issue time) or the request log.
//
// Tolerances: a Poisson count with mean m has standard deviation sqrt(m), also for a
// non-homogeneous Poisson process (its count over a window is Poisson with mean the integral
// of the rate); we allow 4 standard deviations (a false failure about once in 16,000 runs per
// check). For the MMPP the count variance is the exact MMPP formula below, not Poisson's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "sim/rng/random_stream.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

// `metric` of `scope` per window of timeseries.csv: (window start, value).
std::vector<std::pair<double, double>> series(const std::string& csv, const std::string& scope,
                                              const std::string& metric) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (f.size() == 5 && f[2] == scope && f[3] == metric && !f[4].empty())
      out.emplace_back(std::stod(f[0]), std::stod(f[4]));
  }
  return out;
}

// Requests issued in windows starting in [from, to).
double issued(const std::vector<std::pair<double, double>>& s, double from, double to) {
  double n = 0;
  for (const auto& [start, v] : s)
    if (start >= from && start < to) n += v;
  return n;
}

void expect_poisson_count(const std::string& what, const std::string& formula, double expected,
                          double measured) {
  expect_near_theory(what, formula, expected, measured, 4 * std::sqrt(expected));
}

// A client with this arrival against a pure delay station (no queueing: only arrivals matter).
std::string scenario(const std::string& arrival, double duration, double window = 1) {
  return format(R"(
name: arrivals
seed: 11
duration: %gs
window: %gs
clients:
  - name: users
    target: sink
    arrival: %s
components:
  - name: sink
    kind: service
    workers: unlimited
    service_time: exp(1ms)
)",
                duration, window, arrival.c_str());
}

const nlohmann::json& only_incident(const nlohmann::json& summary, const std::string& kind) {
  const auto& list = summary.at("incidents");
  EXPECT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list.at(0).at("kind"), kind);
  return list.at(0);
}

// rate 100/s until 30 s, linear to 500/s at 90 s, then 500/s: the count over a window is
// Poisson with mean the integral of the rate over it.
TEST(Arrivals, RampCountsAreTheIntegralOfTheRate) {
  const auto run = sdsim::testing::run_yaml(
      scenario("{ramp: {from: 100/s, to: 500/s, over: 60s, at: 30s}}", 120));
  const auto s = series(run.timeseries, "client/users", "issued");
  expect_poisson_count("before the ramp [0,30)", "100/s x 30s", 3000, issued(s, 0, 30));
  expect_poisson_count("first half of the ramp [30,60)", "100 x 30 + (400/60) x 30^2 / 2", 6000,
                       issued(s, 30, 60));
  expect_poisson_count("whole ramp [30,90)", "(100 + 500) / 2 x 60", 18000, issued(s, 30, 90));
  expect_poisson_count("after the ramp [90,120)", "500/s x 30s", 15000, issued(s, 90, 120));
  const auto& i = only_incident(run.summary, "ramp");
  EXPECT_EQ(i.at("name"), "users/ramp");
  EXPECT_DOUBLE_EQ(i.at("from_s").get<double>(), 30.0);
  EXPECT_DOUBLE_EQ(i.at("to_s").get<double>(), 90.0);
}

TEST(Arrivals, SpikeMultipliesTheRateInItsWindow) {
  const auto run = sdsim::testing::run_yaml(
      scenario("{poisson: 300/s, spike: {at: 60s, for: 30s, factor: 3}}", 150));
  const auto s = series(run.timeseries, "client/users", "issued");
  expect_poisson_count("in the spike [60,90)", "factor x base x length = 3 x 300 x 30", 27000,
                       issued(s, 60, 90));
  expect_poisson_count("outside the spike", "base x (150 - 30) = 300 x 120", 36000,
                       issued(s, 0, 60) + issued(s, 90, 150));
  const auto& i = only_incident(run.summary, "spike");
  EXPECT_EQ(i.at("name"), "users/spike");
  EXPECT_DOUBLE_EQ(i.at("from_s").get<double>(), 60.0);
  EXPECT_DOUBLE_EQ(i.at("to_s").get<double>(), 90.0);
}

// Two spikes in a list on a ramp: each multiplies the ramp's rate over its window.
TEST(Arrivals, SpikeListOnARamp) {
  const auto run = sdsim::testing::run_yaml(scenario(
      "{ramp: {from: 100/s, to: 300/s, over: 100s}, spikes: [{at: 20s, for: 10s, factor: 4}, "
      "{at: 70s, for: 10s, factor: 0.5}]}",
      100));
  const auto s = series(run.timeseries, "client/users", "issued");
  // Rate 100 + 2t: integral over [a, b] is 100 (b - a) + (b^2 - a^2).
  expect_poisson_count("spike 1 [20,30)", "4 x (100 x 10 + 30^2 - 20^2)", 6000, issued(s, 20, 30));
  expect_poisson_count("spike 2 [70,80)", "0.5 x (100 x 10 + 80^2 - 70^2)", 1250,
                       issued(s, 70, 80));
  expect_poisson_count("outside", "100 x 80 + (100^2 - 0) - (30^2 - 20^2) - (80^2 - 70^2)", 16000,
                       issued(s, 0, 20) + issued(s, 30, 70) + issued(s, 80, 100));
  EXPECT_EQ(run.summary.at("incidents").size(), 3u);  // the ramp and two spikes
}

// Two-state MMPP: rate l1 in `on` (mean period 1/r1), l2 in `off` (mean 1/r2). In steady
// state P(on) = r2 / (r1 + r2), the mean rate is l = P(on) l1 + P(off) l2, and the count over
// a window of length T has (the arrival rate is a two-state Markov process with covariance
// s2 e^{-theta tau}, s2 = P(on) P(off) (l1 - l2)^2, theta = r1 + r2)
//   Var N(T) = l T + (2 s2 / theta^2) (theta T - 1 + e^{-theta T})
// (H. Heffes, D. Lucantoni, IEEE JSAC 4(6), 1986; the index of dispersion Var/mean tends to
// 1 + 2 s2 / (theta l) for long windows).
TEST(Arrivals, OnOffMeanRateAndDispersionMatchTheMmpp) {
  const double l1 = 200, l2 = 20, r1 = 1 / 0.5, r2 = 1 / 1.0;  // on exp(0.5s), off exp(1s)
  const double duration = 6000, T = 5;
  const auto run = sdsim::testing::run_yaml(scenario(
      "{onoff: {on: 200/s, off: 20/s, on_time: exp(0.5s), off_time: exp(1s)}}", duration, T));
  const double p_on = r2 / (r1 + r2);
  const double rate = p_on * l1 + (1 - p_on) * l2;
  const double theta = r1 + r2;
  const double s2 = p_on * (1 - p_on) * (l1 - l2) * (l1 - l2);
  const auto var_count = [&](double t) {
    return rate * t + 2 * s2 / (theta * theta) * (theta * t - 1 + std::exp(-theta * t));
  };
  const auto s = series(run.timeseries, "client/users", "issued");
  // The first window is left out: the process starts in `off`, not in steady state (the
  // start is forgotten at rate theta = 3/s, i.e. within a second or two).
  std::vector<double> counts;
  for (const auto& [start, n] : s)
    if (start >= T && start + T <= duration) counts.push_back(n);
  const double n = static_cast<double>(counts.size());
  double mean = 0;
  for (double c : counts) mean += c;
  mean /= n;
  double m2 = 0, m4 = 0;
  for (double c : counts) {
    m2 += (c - mean) * (c - mean);
    m4 += std::pow(c - mean, 4);
  }
  m2 /= n - 1;
  m4 /= n;
  // Mean rate: the standard deviation of the total count is sqrt(Var N(total)) (MMPP formula).
  const double span = n * T;
  expect_near_theory("MMPP mean rate (/s)", "(l1 E[on] + l2 E[off]) / (E[on] + E[off])", rate,
                     mean / T, 4 * std::sqrt(var_count(span)) / span);
  // Variance of the window counts: windows T = 5 s apart are independent to e^{-15}, so the
  // sample variance has standard error sqrt((m4 - m2^2) / n), from the measured moments.
  const double se = std::sqrt((m4 - m2 * m2) / n);
  expect_near_theory("MMPP count variance over 5 s windows",
                     "l T + 2 s2 / theta^2 (theta T - 1 + e^-theta T)", var_count(T), m2, 4 * se);
  std::printf("  index of dispersion over 5 s: theory %.3f, measured %.3f (Poisson: 1)\n",
              var_count(T) / (rate * T), m2 / mean);
  // The bursts are listed up to the cap, with a warning for the rest.
  EXPECT_EQ(run.summary.at("incidents").size(), 1000u);
  EXPECT_EQ(run.summary.at("incidents").at(0).at("kind"), "burst");
  EXPECT_EQ(run.summary.at("warnings").size(), 1u) << run.summary.at("warnings").dump();
}

// A spike on an on/off source multiplies both rates. With on = off = 200/s the source is
// Poisson 200/s whatever the periods (short ones: many redraws at period changes), so the
// counts are Poisson: the redraw at each period change must not bias them.
TEST(Arrivals, SpikeOnOnOffMultipliesBothRates) {
  const auto run = sdsim::testing::run_yaml(
      scenario("{onoff: {on: 200/s, off: 200/s, on_time: exp(50ms), off_time: exp(20ms)}, "
               "spike: {at: 20s, for: 20s, factor: 2.5}}",
               60));
  const auto s = series(run.timeseries, "client/users", "issued");
  expect_poisson_count("in the spike [20,40)", "2.5 x 200/s x 20 s", 10000, issued(s, 20, 40));
  expect_poisson_count("outside the spike", "200/s x 40 s", 8000,
                       issued(s, 0, 20) + issued(s, 40, 60));
  std::size_t spikes = 0;
  for (const auto& i : run.summary.at("incidents")) spikes += i.at("kind") == "spike";
  EXPECT_EQ(spikes, 1u);
}

// Fraction of time in `on` from the listed bursts (an off rate of 0: nothing between them).
TEST(Arrivals, OnOffBurstsCoverTheOnFraction) {
  const double duration = 1000;
  const auto run = sdsim::testing::run_yaml(
      scenario("{onoff: {on: 100/s, on_time: exp(1s), off_time: exp(3s), start: on}}", duration));
  double on = 0;
  std::size_t k = 0;
  for (const auto& i : run.summary.at("incidents")) {
    // Clipped to the issuing time (the last burst may end after it, or be open at the end).
    const double to = i.at("to_s").is_null() ? duration : i.at("to_s").get<double>();
    on += std::min(to, duration) - i.at("from_s").get<double>();
    ++k;
  }
  // Over n cycles of mean 4 s, the on time (a sum of n exp(1s)) against the total (n on plus
  // n off periods): the ratio's standard deviation is about sqrt(n) x sd(on - p c) / (n E[c]),
  // with on - p c = (1 - p) on - p off: variance (0.75 x 1)^2 + (0.25 x 3)^2 = 1.125.
  const double n = static_cast<double>(k);
  const double cycles = duration / 4;
  expect_near_theory("fraction of time on", "E[on] / (E[on] + E[off]) = 1 / 4", 0.25, on / duration,
                     4 * std::sqrt(cycles * 1.125) / duration);
  EXPECT_GT(n, 200);
  // Arrivals only in on-periods: the count is Poisson given the on time.
  expect_poisson_count("requests = on rate x on time", "100/s x sum of on-periods", 100 * on,
                       run.summary["run"]["requests_issued_total"].get<double>());
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path =
        std::filesystem::temp_directory_path() / ("sdsim-arrivals-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

// Every time of the file is an arrival, exactly (times in 1/64 s, written in full: exact in the
// file and in the log's 9 significant digits),
// and with repeat the trace starts again every cycle.
TEST(Arrivals, TraceTimestampsAreReplayedExactly) {
  TempDir dir;
  std::ostringstream file;
  file << "# arrival times\ns\n";
  std::vector<double> times;
  double t = 0;
  RandomStream rng(42);
  file.precision(17);
  for (int i = 0; i < 250; ++i) {
    times.push_back(t);
    file << t << "\n";
    t += static_cast<double>(rng.below(3)) / 64;  // some equal times (a 0 gap)
  }
  ASSERT_LE(times.back(), 10.0);  // the cycle
  dir.write("arrivals.csv", file.str());
  dir.write("trace.yaml", scenario("{trace: {file: arrivals.csv, format: timestamps, repeat: "
                                   "true, cycle: 10s}}",
                                   25));
  auto s = sdsim::testing::load_file((dir.path / "trace.yaml").string());
  ASSERT_TRUE(s);
  const auto run = sdsim::testing::run_checked(*s, true);
  std::vector<double> expected;
  for (int cycle = 0; cycle < 3; ++cycle)
    for (double x : times)
      if (x + 10 * cycle < 25) expected.push_back(x + 10 * cycle);
  std::vector<double> logged;
  std::istringstream in(run.request_log);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    logged.push_back(std::stod(f.at(2)));
  }
  std::sort(logged.begin(), logged.end());
  ASSERT_EQ(logged.size(), expected.size());
  for (std::size_t i = 0; i < logged.size(); ++i) EXPECT_EQ(logged[i], expected[i]) << i;
  std::printf("  %zu arrivals replayed at exactly the file's times (25 s of 10 s cycles)\n",
              logged.size());
}

TEST(Arrivals, TraceRatesGiveThePoissonCountOfEachSecond) {
  TempDir dir;
  const std::vector<double> rates{100, 400, 50, 1000, 0};
  std::string file = "/s\n";
  for (double r : rates) file += std::to_string(static_cast<int>(r)) + "\n";
  dir.write("rates.csv", file);
  dir.write("rates.yaml", scenario("{trace: {file: rates.csv, format: rates, repeat: true}}", 50));
  auto sc = sdsim::testing::load_file((dir.path / "rates.yaml").string());
  ASSERT_TRUE(sc);
  const auto run = sdsim::testing::run_checked(*sc);
  const auto s = series(run.timeseries, "client/users", "issued");
  // Line i holds for seconds i, i + 5, i + 10, ... (10 cycles in 50 s).
  for (std::size_t i = 0; i < rates.size(); ++i) {
    double n = 0;
    for (const auto& [start, v] : s)
      if (static_cast<std::size_t>(std::lround(start)) % rates.size() == i) n += v;
    const std::string what = "line " + std::to_string(i + 1) + " (" +
                             std::to_string(static_cast<int>(rates[i])) + "/s), 10 cycles";
    if (rates[i] == 0)
      EXPECT_EQ(n, 0) << what;
    else
      expect_poisson_count(what, "rate x 10 s", rates[i] * 10, n);
  }
  EXPECT_TRUE(run.summary.at("incidents").empty());  // a trace is not a shock
}

}  // namespace
}  // namespace sdsim::validation
