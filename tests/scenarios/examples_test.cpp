// Every scenario under scenarios/ loads and runs (shortened to keep the suite fast), with
// conservation and no deadlock; runs are deterministic (same seed, same bytes) and another
// seed gives other numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
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

TEST(Determinism, SameSeedGivesIdenticalBytesAndAnotherSeedDiffers) {
  auto s = load_file(source_path("scenarios/examples/mm1.yaml"));
  ASSERT_TRUE(s);
  shorten(*s, 100.0, 0);
  const SimRun a = run_checked(*s, true);
  // A second engine in the same process is not possible (SimGrid: one per process), so the
  // second and third runs are separate processes: see DeterminismAcrossProcesses in
  // tests/scenarios/cli_test.cpp. Here: the request log is complete and ordered.
  EXPECT_NE(a.request_log.find("users,0,"), std::string::npos);
}

}  // namespace
}  // namespace sdsim::testing
