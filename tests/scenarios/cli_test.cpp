// The sdsim command line, run as a real subprocess (SDSIM_CLI is the built binary): exit codes
// (0 success, 2 bad input), compiler-style messages, result files written atomically, and
// determinism across processes (same seed, same bytes; another seed, other numbers).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

#ifndef SDSIM_CLI
#error "SDSIM_CLI (path of the sdsim binary) must be defined by the build"
#endif

extern char** environ;

namespace sdsim::testing {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_all(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << file;
}

// A scratch folder of this test, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::path(::testing::TempDir()) /
            ("sdsim_cli_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct CliResult {
  int exit_code = -1;  // -1: did not exit normally (signal)
  std::string out;
  std::string err;
};

// Runs `sdsim args...` with stdout and stderr captured in files of `scratch`.
CliResult run_cli(const std::vector<std::string>& args, const fs::path& scratch) {
  static int serial = 0;
  const std::string tag = std::to_string(serial++);
  const fs::path out_file = scratch / ("stdout_" + tag + ".txt");
  const fs::path err_file = scratch / ("stderr_" + tag + ".txt");

  std::vector<std::string> argv_text{SDSIM_CLI};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CliResult result;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << SDSIM_CLI << ": " << std::strerror(rc);
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_all(out_file);
  result.err = read_all(err_file);
  fs::remove(out_file);
  fs::remove(err_file);
  return result;
}

std::string show(const CliResult& r) {
  return "exit code " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" +
         r.err;
}

// scenarios/examples/mm1.yaml with `duration` cut to 50 s (warm-up 5 s), written to `dir`.
fs::path short_mm1(const fs::path& dir) {
  std::string text = read_all(source_path("scenarios/examples/mm1.yaml"));
  text = std::regex_replace(text, std::regex("\\nduration: [^\\n]*"), "\nduration: 50s");
  text = std::regex_replace(text, std::regex("\\nwarmup: [^\\n]*"), "\nwarmup: 5s");
  EXPECT_NE(text.find("\nduration: 50s"), std::string::npos);
  const fs::path file = dir / "mm1_short.yaml";
  write_all(file, text);
  return file;
}

TEST(Cli, ValidateGoodFileExitsZero) {
  ScratchDir dir;
  const std::string file = source_path("scenarios/examples/mm1.yaml");
  const CliResult r = run_cli({"validate", file}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.out.find(": ok"), std::string::npos) << show(r);
  EXPECT_EQ(r.err, "") << show(r);
}

TEST(Cli, ValidateBadFileExitsTwoWithFileLineColumn) {
  ScratchDir dir;
  const fs::path file = dir.path() / "typo.yaml";
  write_all(file,
            "name: typo\n"
            "duration: 10s\n"
            "clients:\n"
            "  - {name: users, target: api, arrival: {poisson: 10/s}}\n"
            "components:\n"
            "  - name: api\n"
            "    kind: service\n"
            "    wokers: 4\n"
            "    service_time: exp(10ms)\n");
  const CliResult r = run_cli({"validate", file.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find(file.string() + ":8:5: error: api: unknown key 'wokers' (did you mean "
                                       "'workers'?)"),
            std::string::npos)
      << show(r);
  EXPECT_EQ(r.out, "") << show(r);
}

TEST(Cli, ValidateReportsEveryErrorOfABadFile) {
  ScratchDir dir;
  const std::string file = source_path("tests/config/distribution_argument_count.yaml");
  const CliResult r = run_cli({"validate", file}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << show(r);
  const std::regex located(std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), "\\$&") +
                           R"(:\d+:\d+: error: )");
  const auto count = std::distance(std::sregex_iterator(r.err.begin(), r.err.end(), located),
                                   std::sregex_iterator());
  EXPECT_EQ(count, 3) << show(r);
}

TEST(Cli, MissingFileExitsTwoWithClearMessage) {
  ScratchDir dir;
  const fs::path file = dir.path() / "no_such_scenario.yaml";
  for (const char* command : {"validate", "run"}) {
    std::vector<std::string> args = {command, file.string()};
    if (std::string(command) == "run") {
      args.push_back("--out");
      args.push_back((dir.path() / "out").string());
    }
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << command << ": " << show(r);
    EXPECT_NE(r.err.find(file.string()), std::string::npos) << command << ": " << show(r);
    EXPECT_NE(r.err.find("no such file"), std::string::npos) << command << ": " << show(r);
    EXPECT_FALSE(fs::exists(dir.path() / "out" / "summary.json")) << command;
  }
}

TEST(Cli, UnknownOptionExitsTwo) {
  ScratchDir dir;
  const CliResult r =
      run_cli({"validate", source_path("scenarios/examples/mm1.yaml"), "--bogus"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("unknown option '--bogus'"), std::string::npos) << show(r);
}

TEST(Cli, UsageErrorsExitTwo) {
  ScratchDir dir;
  const std::string mm1 = source_path("scenarios/examples/mm1.yaml");
  const std::vector<std::vector<std::string>> cases = {
      {},                               // no arguments
      {"frobnicate", mm1},              // unknown command
      {"validate"},                     // no file
      {"run", mm1, "--seed"},           // option without its value
      {"run", mm1, "--seed", "-3"},     // not a non-negative whole number
      {"run", mm1, "--log", "chatty"},  // unknown level
      {"validate", mm1, "extra.yaml"},  // one file only
  };
  for (const auto& args : cases) {
    const CliResult r = run_cli(args, dir.path());
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    EXPECT_EQ(r.exit_code, 2) << "sdsim" << joined << ": " << show(r);
    EXPECT_NE(r.err, "") << "sdsim" << joined << ": a usage error says what is wrong";
  }
}

TEST(Cli, HelpExitsZero) {
  ScratchDir dir;
  for (const char* flag : {"--help", "-h"}) {
    const CliResult r = run_cli({flag}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << flag << ": " << show(r);
    EXPECT_NE(r.out.find("usage:"), std::string::npos) << flag << ": " << show(r);
    EXPECT_NE(r.out.find("sdsim validate FILE"), std::string::npos) << show(r);
  }
}

TEST(Cli, VersionExitsZero) {
  ScratchDir dir;
  const CliResult r = run_cli({"--version"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^sdsim \d+\.\d+\.\d+\n$)"))) << show(r);
}

TEST(Cli, RunWritesResultsAndLeavesNoTemporaryFiles) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  const fs::path out = dir.path() / "results" / "mm1";  // created by sdsim, parents too
  const CliResult r = run_cli({"run", scenario.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.out.find("summary.json"), std::string::npos) << "the table and where it wrote\n"
                                                           << show(r);
  ASSERT_TRUE(fs::is_regular_file(out / "summary.json")) << show(r);
  ASSERT_TRUE(fs::is_regular_file(out / "timeseries.csv")) << show(r);
  EXPECT_GT(fs::file_size(out / "timeseries.csv"), 0u);
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
  const auto summary = nlohmann::json::parse(read_all(out / "summary.json"));
  expect_conserved(summary["system"], "system");
  EXPECT_GT(summary["system"]["requests"]["issued"].get<std::uint64_t>(), 0u);
}

TEST(Cli, QuietRunPrintsNothing) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  const CliResult r = run_cli(
      {"run", scenario.string(), "--out", (dir.path() / "out").string(), "--quiet"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "") << show(r);
  // Warnings still go to stderr (this run is too short for its confidence intervals).
  EXPECT_TRUE(std::regex_match(r.err, std::regex("(sdsim: warning: [^\\n]*\\n)*"))) << show(r);
}

TEST(Cli, RunOnBadFileExitsTwoAndWritesNothing) {
  ScratchDir dir;
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_cli({"run", source_path("tests/config/unknown_key_typo.yaml"), "--out", out.string()},
              dir.path());
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(unknown_key_typo\.yaml:\d+:\d+: error: )")))
      << show(r);
  EXPECT_FALSE(fs::exists(out)) << "nothing is written for a rejected scenario";
}

// --check-slo: exit 3 when the scenario's SLO is missed, 0 when met, with results written
// either way. M/M/1 at rho 0.9 with E[S] = 10 ms (mm1.yaml): p99 = ln(100) x 100 ms = 460 ms.
TEST(Cli, CheckSloExitsThreeWhenMissed) {
  ScratchDir dir;
  const std::string base = read_all(short_mm1(dir.path()));
  auto run = [&](const std::string& label, const std::string& slo) {
    write_all(dir.path() / (label + ".yaml"), base + slo);
    return run_cli({"run", (dir.path() / (label + ".yaml")).string(), "--out",
                    (dir.path() / label).string(), "--quiet", "--check-slo"},
                   dir.path());
  };
  const CliResult met = run("met", "slo: {latency: {p99: 1s}, availability: 99%}\n");
  EXPECT_EQ(met.exit_code, 0) << show(met);
  const CliResult missed = run("missed", "slo: {latency: {p99: 200ms}}\n");
  EXPECT_EQ(missed.exit_code, 3) << show(missed);
  EXPECT_NE(missed.err.find("SLO was missed"), std::string::npos) << show(missed);
  const nlohmann::json s = nlohmann::json::parse(read_all(dir.path() / "missed" / "summary.json"));
  EXPECT_FALSE(s["slo"]["met"].get<bool>());
  EXPECT_FALSE(s["slo"]["latency"]["p99"]["met"].get<bool>());
  EXPECT_GT(s["slo"]["windows"]["missed"].get<int>(), 0);
  const CliResult none = run_cli({"run", source_path("scenarios/examples/mm1.yaml"), "--out",
                                  (dir.path() / "none").string(), "--quiet", "--check-slo"},
                                 dir.path());
  EXPECT_EQ(none.exit_code, 2) << "no slo to check: " << show(none);
}

// One SimGrid engine per process: the determinism check needs separate processes.
TEST(Cli, DeterminismAcrossProcesses) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  struct Output {
    std::string summary, timeseries, request_log;
  };
  auto run = [&](const std::string& label, std::vector<std::string> extra) {
    const fs::path out = dir.path() / label;
    std::vector<std::string> args = {"run",
                                     scenario.string(),
                                     "--out",
                                     out.string(),
                                     "--quiet",
                                     "--request-log",
                                     (out / "requests.csv").string()};
    fs::create_directories(out);
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << label << ": " << show(r);
    return Output{read_all(out / "summary.json"), read_all(out / "timeseries.csv"),
                  read_all(out / "requests.csv")};
  };
  const Output a = run("a", {});
  const Output b = run("b", {});
  const Output c = run("c", {"--seed", "43"});

  ASSERT_FALSE(a.summary.empty());
  ASSERT_FALSE(a.timeseries.empty());
  ASSERT_FALSE(a.request_log.empty());
  EXPECT_TRUE(a.summary == b.summary) << "summary.json differs between two runs, same seed";
  EXPECT_TRUE(a.timeseries == b.timeseries) << "timeseries.csv differs between two runs, same seed";
  EXPECT_TRUE(a.request_log == b.request_log) << "request log differs between two runs, same seed";
  EXPECT_TRUE(a.summary != c.summary) << "--seed 43 gave the same summary.json as seed 42";
  // Not only the recorded seed: the measurements differ.
  EXPECT_NE(nlohmann::json::parse(a.summary)["system"], nlohmann::json::parse(c.summary)["system"])
      << "--seed 43 gave the same measurements as seed 42";
  EXPECT_TRUE(a.request_log != c.request_log) << "--seed 43 gave the same request log";

  for (const Output* o : {&a, &c}) {
    const auto summary = nlohmann::json::parse(o->summary);
    EXPECT_TRUE(summary["system"]["requests"]["conserved"].get<bool>());
    expect_conserved(summary["system"], "system");
  }
}

// Adding a component (and a client of it) must not change another component's random
// streams: the first client's requests are issued and served at exactly the same times.
TEST(Cli, AddingAComponentLeavesTheOtherStreamsUnchanged) {
  ScratchDir dir;
  const std::string base = R"(name: isolation
seed: 9
duration: 30s
clients:
  - {name: users, target: api, arrival: {poisson: 50/s}}
)";
  const std::string components = R"(components:
  - {name: api, kind: service, workers: 2, service_time: exp(20ms)}
)";
  const std::string extra_client = "  - {name: batch, target: db, arrival: {poisson: 30/s}}\n";
  const std::string extra_component =
      "  - {name: db, kind: service, workers: 1, service_time: exp(5ms)}\n";
  write_all(dir.path() / "a.yaml", base + components);
  write_all(dir.path() / "b.yaml", base + extra_client + components + extra_component);
  auto users_lines = [&](const std::string& label) {
    const fs::path log = dir.path() / (label + ".csv");
    const CliResult r =
        run_cli({"run", (dir.path() / (label + ".yaml")).string(), "--out",
                 (dir.path() / label).string(), "--quiet", "--request-log", log.string()},
                dir.path());
    EXPECT_EQ(r.exit_code, 0) << show(r);
    std::istringstream in(read_all(log));
    std::string line, users;
    while (std::getline(in, line))
      if (line.rfind("users,", 0) == 0) users += line + "\n";
    return users;
  };
  const std::string a = users_lines("a");
  const std::string b = users_lines("b");
  ASSERT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "the users' requests changed when an unrelated component was added";
}

// Faults draw from their own streams (DESIGN.md, issue "Chaos in simulation"): a run with a
// fault issues the same requests at the same times as one without: a paired comparison.
TEST(Cli, AddingAFaultLeavesArrivalsUnchanged) {
  ScratchDir dir;
  const std::string base = R"(name: paired
seed: 10
duration: 30s
clients:
  - {name: users, target: api, arrival: {poisson: 50/s}, timeout: 1s}
components:
  - {name: api, kind: service, replicas: 2, workers: 2, service_time: exp(10ms)}
)";
  write_all(dir.path() / "a.yaml", base);
  write_all(dir.path() / "b.yaml",
            base +
                "faults:\n  - {name: f, at: 10s, for: 10s, errors: api, probability: 50%}\n"
                "  - {name: g, random: {mtbf: 5s, mttr: 1s}, crash: api}\n");
  auto issue_times = [&](const std::string& label, std::size_t* errors) {
    const fs::path log = dir.path() / (label + ".csv");
    const CliResult r =
        run_cli({"run", (dir.path() / (label + ".yaml")).string(), "--out",
                 (dir.path() / label).string(), "--quiet", "--request-log", log.string()},
                dir.path());
    EXPECT_EQ(r.exit_code, 0) << show(r);
    std::istringstream in(read_all(log));
    std::string line;
    std::getline(in, line);
    std::map<std::string, std::string> issued;  // request id -> issue time
    *errors = 0;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::string cell;
      std::istringstream ls(line);
      while (std::getline(ls, cell, ',')) f.push_back(cell);
      if (f.size() != 5) continue;
      issued[f[1]] = f[2];
      if (f[4] != "ok") ++*errors;
    }
    return issued;
  };
  std::size_t errors_a = 0, errors_b = 0;
  const auto a = issue_times("a", &errors_a);
  const auto b = issue_times("b", &errors_b);
  ASSERT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "the requests issued changed when faults were added";
  EXPECT_EQ(errors_a, 0u);
  EXPECT_GT(errors_b, 100u) << "the faults had no effect";
}

// Metastability threshold (scenarios/chaos/metastability-threshold.yaml): a sweep over the
// trigger's length, one process per run. Short triggers recover, long ones do not, and once a
// length does not recover no longer one does; the threshold is the first that does not.
TEST(Cli, MetastabilityThresholdSweep) {
  ScratchDir dir;
  const std::string base = read_all(source_path("scenarios/chaos/metastability-threshold.yaml"));
  ASSERT_NE(base.find("for: 6s, slow"), std::string::npos);
  std::vector<std::pair<int, bool>> recovered;
  for (int d : {2, 4, 6, 8, 12}) {
    const std::string label = "trigger" + std::to_string(d);
    std::string text = base;
    text.replace(text.find("for: 6s, slow"), 13, "for: " + std::to_string(d) + "s, slow");
    write_all(dir.path() / (label + ".yaml"), text);
    const CliResult r = run_cli({"run", (dir.path() / (label + ".yaml")).string(), "--out",
                                 (dir.path() / label).string(), "--quiet"},
                                dir.path());
    ASSERT_EQ(r.exit_code, 0) << show(r);
    const auto s = nlohmann::json::parse(read_all(dir.path() / label / "summary.json"));
    recovered.emplace_back(d, s["incidents"][0]["recovery"]["recovered"].get<bool>());
  }
  int threshold = -1;
  for (const auto& [d, ok] : recovered) {
    if (!ok && threshold < 0) threshold = d;
    if (threshold >= 0) {
      EXPECT_FALSE(ok) << d << " s recovered after a shorter trigger did not";
    }
  }
  std::printf("[chaos] metastability threshold: triggers of %d s and longer do not recover\n",
              threshold);
  EXPECT_TRUE(recovered.front().second) << "the shortest trigger should recover";
  EXPECT_FALSE(recovered.back().second) << "the longest trigger should not";
}

}  // namespace
}  // namespace sdsim::testing
