// Every scenario under scenarios/ loads and runs (shortened to keep the suite fast), with
// conservation and no deadlock; runs are deterministic (same seed, same bytes) and another
// seed gives other numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

std::vector<std::string> all_scenarios() {
  std::vector<std::string> out;
  const std::filesystem::path root = source_path("scenarios");
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      out.push_back(std::filesystem::relative(e.path(), source_path("")).string());
  std::sort(out.begin(), out.end());
  return out;
}

// Shortens a scenario: at most `max_duration` of issuing (warm-up scaled alike) or
// `max_requests` requests.
void shorten(Scenario& s, double max_duration, std::uint64_t max_requests) {
  if (s.duration && *s.duration > max_duration) {
    const double scale = max_duration / *s.duration;
    s.duration = max_duration;
    s.warmup *= scale;
    s.window = std::min(s.window, max_duration / 10);
  }
  if (s.requests) s.requests = std::min(*s.requests, max_requests);
}

class ExampleScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleScenario, RunsShortenedWithConservation) {
  auto s = load_file(source_path(GetParam()));
  ASSERT_TRUE(s);
  shorten(*s, 60.0, 50000);
  SimRun run = run_checked(*s);
  EXPECT_GT(run.summary["system"]["requests"]["issued"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(run.timeseries.empty());
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(All, ExampleScenario, ::testing::ValuesIn(all_scenarios()), test_name);

// The request log has every issued request exactly once, in end order. (Determinism across
// runs needs two processes: tests/scenarios/cli_test.cpp, DeterminismAcrossProcesses.)
TEST(RequestLog, HasEveryRequestOnceInEndOrder) {
  auto s = load_file(source_path("scenarios/examples/web-service.yaml"));
  ASSERT_TRUE(s);
  shorten(*s, 20.0, 0);
  const SimRun run = run_checked(*s, true);
  std::istringstream in(run.request_log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "client,request,issued_s,ended_s,outcome");
  std::set<std::uint64_t> ids;
  double last_end = 0;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    ASSERT_EQ(f.size(), 5u) << line;
    EXPECT_TRUE(ids.insert(std::stoull(f[1])).second) << "request logged twice: " << line;
    const double end = std::strtod(f[3].c_str(), nullptr);
    EXPECT_GE(end, last_end) << line;
    EXPECT_GE(end, std::strtod(f[2].c_str(), nullptr)) << line;
    last_end = end;
  }
  EXPECT_EQ(lines, run.summary["run"]["requests_issued_total"].get<std::uint64_t>());
}

}  // namespace
}  // namespace sdsim::testing
