// The command line's resource guards and signals, run as real subprocesses (SDSIM_CLI is the
// built binary): --max-inflight and --max-events stop a run with exit code 4, SIGINT and
// SIGTERM with 130 and 143; each writes whole (atomically written) result files marked
// partial, with conservation kept in them. docs/cli.md.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/cli_runner.hpp"
#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

fs::path write_scenario(const fs::path& dir, const std::string& text) {
  const fs::path file = dir / "scenario.yaml";
  std::ofstream(file) << text;
  return file;
}

// A stable M/M/1 (rho 0.5) long enough to run for minutes: a signal finds it running.
const char* kLongRun = R"(
name: long
duration: 10000000s
window: 1000s
clients:
  - {name: users, target: api, arrival: {poisson: 50/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
)";

// The overload of guards_test.cpp: rho = 2, an unbounded queue growing 1000 requests/s.
const char* kOverload = R"(
name: overload
duration: 1000s
window: 1s
clients:
  - {name: users, target: api, arrival: {poisson: 2000/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(1ms)}
)";

// The summary the run left in `out`: whole, parseable, partial for `reason`, conserved.
nlohmann::json expect_partial_summary(const fs::path& out, const std::string& reason) {
  for (const char* f : {"summary.json", "timeseries.csv", "perf.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f << " missing";
  EXPECT_FALSE(fs::exists(out / "summary.json.tmp"));
  nlohmann::json s;
  try {
    s = nlohmann::json::parse(read_all(out / "summary.json"));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "summary.json does not parse: " << e.what();
    return s;
  }
  EXPECT_EQ(s["partial"], true);
  EXPECT_EQ(s["stopped_by"], reason);
  EXPECT_EQ(s["run"]["status"], "stopped");
  expect_conserved(s["system"], "system");
  for (const auto& [name, c] : s["clients"].items()) expect_conserved(c, "client " + name);
  bool warned = false;
  for (const auto& w : s["warnings"])
    warned = warned || w.get<std::string>().find("partial results") != std::string::npos;
  EXPECT_TRUE(warned) << s["warnings"].dump(2);
  return s;
}

void check_signal(int sig, const std::string& name, int expected_exit) {
  ScratchDir dir;
  const fs::path file = write_scenario(dir.path(), kLongRun);
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_cli({"run", file.string(), "--out", out.string(), "--quiet"}, dir.path(),
              SignalPlan{sig, out / "timeseries.csv.tmp", std::chrono::milliseconds(1000)});
  EXPECT_EQ(r.exit_code, expected_exit) << show(r);
  EXPECT_NE(r.err.find("interrupted (" + name + ")"), std::string::npos) << show(r);
  const nlohmann::json s = expect_partial_summary(out, name);
  // It ran for a while before the signal (10^4 requests take well under 1 s of wall time).
  EXPECT_GT(s["run"]["requests_issued_total"].get<std::uint64_t>(), 10'000u);
}

TEST(CliGuards, SigintWritesPartialResultsAndExits130) { check_signal(SIGINT, "SIGINT", 130); }

TEST(CliGuards, SigtermWritesPartialResultsAndExits143) { check_signal(SIGTERM, "SIGTERM", 143); }

TEST(CliGuards, MaxInflightExitsFourWithPartialResults) {
  ScratchDir dir;
  const fs::path file = write_scenario(dir.path(), kOverload);
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_cli({"run", file.string(), "--out", out.string(), "--quiet", "--max-inflight", "3000"},
              dir.path());
  EXPECT_EQ(r.exit_code, 4) << show(r);
  EXPECT_NE(r.err.find("--max-inflight"), std::string::npos) << show(r);
  const nlohmann::json s = expect_partial_summary(out, "max_inflight");
  EXPECT_EQ(s["system"]["requests"]["outcomes"]["unfinished"], 3000);
}

TEST(CliGuards, MaxEventsExitsFourWithPartialResults) {
  ScratchDir dir;
  const fs::path file = write_scenario(dir.path(), kLongRun);
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli(
      {"run", file.string(), "--out", out.string(), "--quiet", "--max-events=50000"}, dir.path());
  EXPECT_EQ(r.exit_code, 4) << show(r);
  const nlohmann::json s = expect_partial_summary(out, "max_events");
  EXPECT_GE(s["run"]["events"].get<std::uint64_t>(), 50'000u);
}

TEST(CliGuards, BadLimitIsAUsageError) {
  ScratchDir dir;
  const fs::path file = write_scenario(dir.path(), kOverload);
  const CliResult r = run_cli({"run", file.string(), "--max-inflight", "lots"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("--max-inflight: expected a non-negative whole number, found 'lots'"),
            std::string::npos)
      << show(r);
}

}  // namespace
}  // namespace sdsim::testing
