// The sdsim command line, run as a real subprocess (SDSIM_CLI is the built binary): exit codes
// (0 success, 2 bad input), compiler-style messages, result files written atomically, and
// determinism across processes (same seed, same bytes; another seed, other numbers).
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli_runner.hpp"
#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

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

// A component nothing reaches is a warning (the scenario still runs): `validate` and `run` print
// it on stderr with its place, and the run lists it in summary.json's warnings.
TEST(Cli, UnreachedComponentIsAWarningOnStderrAndInTheSummary) {
  ScratchDir dir;
  const fs::path file = dir.path() / "unreached.yaml";
  write_all(file,
            "name: unreached\n"
            "duration: 5s\n"
            "clients:\n"
            "  - {name: users, target: api, arrival: {poisson: 10/s}}\n"
            "components:\n"
            "  - {name: api, kind: service, service_time: exp(5ms)}\n"
            "  - {name: extra, kind: service, workers: 2, service_time: exp(5ms)}\n");
  const std::string warning =
      file.string() +
      ":7:5: warning: component 'extra' is never reached: no client targets it and no call "
      "goes to it\n";
  const CliResult v = run_cli({"validate", file.string()}, dir.path());
  EXPECT_EQ(v.exit_code, 0) << show(v);
  EXPECT_EQ(v.err, warning) << show(v);
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_cli({"run", file.string(), "--out", out.string(), "--quiet", "--no-report"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.err.rfind(warning, 0), 0u) << show(r);
  const auto summary = nlohmann::json::parse(read_all(out / "summary.json"));
  ASSERT_FALSE(summary["warnings"].empty());
  EXPECT_EQ(summary["warnings"][0].get<std::string>(),
            file.string() +
                ":7:5: component 'extra' is never reached: no client targets it and no call goes "
                "to it");
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
  EXPECT_TRUE(fs::is_regular_file(out / "report.html")) << show(r);
  EXPECT_NE(r.out.find("report.html"), std::string::npos) << show(r);
  ASSERT_TRUE(fs::is_regular_file(out / "latency_hist.csv")) << show(r);
  EXPECT_EQ(read_all(out / "latency_hist.csv").rfind("scope,le_ms,count\nsystem,", 0), 0u);
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
                    (dir.path() / label).string(), "--quiet", "--check-slo", "--no-report"},
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
  const CliResult none =
      run_cli({"run", source_path("scenarios/examples/mm1.yaml"), "--out",
               (dir.path() / "none").string(), "--quiet", "--check-slo", "--no-report"},
              dir.path());
  EXPECT_EQ(none.exit_code, 2) << "no slo to check: " << show(none);
}

// --set changes the scenario before it is checked: here M/M/1 at rho 0.9 becomes M/M/2 (half
// the load per worker), and a bad value is rejected with a message naming the --set.
TEST(Cli, SetChangesTheScenarioBeforeItIsChecked) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  auto summary = [&](const std::string& label, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", scenario.string(), "--out",
                                     (dir.path() / label).string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << label << ": " << show(r);
    return nlohmann::json::parse(read_all(dir.path() / label / "summary.json"));
  };
  const auto one = summary("one", {});
  const auto two = summary(
      "two", {"--set", "components.api.workers=2", "--set", "components.api.queue={capacity: 50}"});
  EXPECT_EQ(one["components"]["api"]["workers_per_replica"], 1);
  EXPECT_EQ(two["components"]["api"]["workers_per_replica"], 2);
  EXPECT_LT(num(two, "components.api.utilisation"), 0.6);
  EXPECT_GT(num(one, "components.api.utilisation"), 0.8);

  const CliResult bad = run_cli({"run", scenario.string(), "--set", "components.api.workers=0",
                                 "--out", (dir.path() / "bad").string()},
                                dir.path());
  EXPECT_EQ(bad.exit_code, 2) << show(bad);
  EXPECT_NE(bad.err.find("error: --set components.api.workers=0: api: workers: 0 is out of range"),
            std::string::npos)
      << show(bad);
  EXPECT_FALSE(fs::exists(dir.path() / "bad"));
  const CliResult malformed = run_cli({"run", scenario.string(), "--set", "workers"}, dir.path());
  EXPECT_EQ(malformed.exit_code, 2) << show(malformed);
}

// One SimGrid engine per process: the determinism check needs separate processes.
TEST(Cli, DeterminismAcrossProcesses) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  struct Output {
    std::string summary, timeseries, request_log, latency_hist;
  };
  auto run = [&](const std::string& label, std::vector<std::string> extra) {
    const fs::path out = dir.path() / label;
    std::vector<std::string> args = {"run",
                                     scenario.string(),
                                     "--out",
                                     out.string(),
                                     "--quiet",
                                     "--request-log",
                                     (out / "requests.csv").string(),
                                     "--no-report"};
    fs::create_directories(out);
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << label << ": " << show(r);
    return Output{read_all(out / "summary.json"), read_all(out / "timeseries.csv"),
                  read_all(out / "requests.csv"), read_all(out / "latency_hist.csv")};
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
  ASSERT_FALSE(a.latency_hist.empty());
  EXPECT_TRUE(a.latency_hist == b.latency_hist)
      << "latency_hist.csv differs between two runs, same seed";
  EXPECT_TRUE(a.latency_hist != c.latency_hist) << "--seed 43 gave the same latency_hist.csv";
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
    const CliResult r = run_cli(
        {"run", (dir.path() / (label + ".yaml")).string(), "--out", (dir.path() / label).string(),
         "--quiet", "--request-log", log.string(), "--no-report"},
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
    const CliResult r = run_cli(
        {"run", (dir.path() / (label + ".yaml")).string(), "--out", (dir.path() / label).string(),
         "--quiet", "--request-log", log.string(), "--no-report"},
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
                                 (dir.path() / label).string(), "--quiet", "--no-report"},
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

// latency_hist.csv holds the buckets behind summary latency.ok: per scope the counts add up to
// latency.ok.count, and the nearest-rank p50 / p99 read from the buckets is the bucket the
// summary's percentile lies in (at most its upper edge, above the previous edge).
TEST(Cli, LatencyHistogramMatchesTheSummary) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli(
      {"run", scenario.string(), "--out", out.string(), "--quiet", "--no-report"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto summary = nlohmann::json::parse(read_all(out / "summary.json"));
  std::istringstream in(read_all(out / "latency_hist.csv"));
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "scope,le_ms,count");
  std::map<std::string, std::vector<std::pair<double, std::uint64_t>>> scopes;
  while (std::getline(in, line)) {
    const auto a = line.find(','), b = line.rfind(',');
    ASSERT_NE(a, b) << line;
    scopes[line.substr(0, a)].emplace_back(std::stod(line.substr(a + 1, b - a - 1)),
                                           std::stoull(line.substr(b + 1)));
  }
  ASSERT_EQ(scopes.size(), 2u) << "system and client/users";
  for (const auto& [scope, buckets] : scopes) {
    const auto& ok = scope == "system" ? summary["system"]["latency"]["ok"]
                                       : summary["clients"]["users"]["latency"]["ok"];
    std::uint64_t total = 0;
    for (const auto& [edge, n] : buckets) total += n;
    EXPECT_EQ(total, ok["count"].get<std::uint64_t>()) << scope;
    for (const auto& [q, key] : {std::pair{0.5, "p50_ms"}, std::pair{0.99, "p99_ms"}}) {
      const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
      std::uint64_t seen = 0;
      double prev = 0, edge = 0;
      for (const auto& [e, n] : buckets) {
        seen += n;
        edge = e;
        if (seen >= rank) break;
        prev = e;
      }
      const double p = ok[key].get<double>();
      EXPECT_LE(p, edge) << scope << " " << key;
      EXPECT_GE(p, prev) << scope << " " << key;
    }
  }
}

// `--no-report` skips report.html; `sdsim report DIR` builds it from DIR's files afterwards;
// a DIR without summary.json is bad input.
TEST(Cli, ReportCommandBuildsThePageAfterANoReportRun) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  const fs::path out = dir.path() / "out dir";  // a space: the script runs without a shell
  const CliResult r =
      run_cli({"run", scenario.string(), "--out", out.string(), "--no-report"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_FALSE(fs::exists(out / "report.html")) << "--no-report wrote report.html";
  EXPECT_EQ(r.out.find("report.html"), std::string::npos) << show(r);
  const CliResult rep = run_cli({"report", out.string()}, dir.path());
  ASSERT_EQ(rep.exit_code, 0) << show(rep);
  EXPECT_NE(rep.out.find("report.html"), std::string::npos) << show(rep);
  const std::string page = read_all(out / "report.html");
  EXPECT_NE(page.find("<table id=\"summary\">"), std::string::npos);
  EXPECT_NE(page.find("data:image/png;base64,"), std::string::npos);
  const CliResult none = run_cli({"report", (dir.path() / "empty").string()}, dir.path());
  EXPECT_EQ(none.exit_code, 2) << show(none);
  EXPECT_NE(none.err.find("summary.json does not exist"), std::string::npos) << show(none);
}

// Without Python (or with a failing script) the run keeps its results and exit code, and a
// warning says why report.html is missing and how to fix it.
TEST(Cli, RunWithoutPythonWarnsAndKeepsItsResults) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  ASSERT_EQ(::setenv("SDSIM_PYTHON", (dir.path() / "no-python3").c_str(), 1), 0);
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli({"run", scenario.string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.err.find("warning: report.html not written: cannot run"), std::string::npos)
      << show(r);
  EXPECT_NE(r.err.find("apt-get install python3 python3-matplotlib"), std::string::npos) << show(r);
  EXPECT_TRUE(fs::is_regular_file(out / "summary.json"));
  EXPECT_TRUE(fs::is_regular_file(out / "timeseries.csv"));
  EXPECT_FALSE(fs::exists(out / "report.html"));
  ::unsetenv("SDSIM_PYTHON");
}

TEST(Cli, FailingReportScriptWarnsWithItsExitCode) {
  ScratchDir dir;
  const fs::path scenario = short_mm1(dir.path());
  write_all(dir.path() / "bad_report.py", "import sys\nsys.stderr.write('boom\\n')\nsys.exit(5)\n");
  ASSERT_EQ(::setenv("SDSIM_REPORT_SCRIPT", (dir.path() / "bad_report.py").c_str(), 1), 0);
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_cli({"run", scenario.string(), "--out", out.string(), "--quiet"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.err.find("boom"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("failed with exit code 5"), std::string::npos) << show(r);
  EXPECT_TRUE(fs::is_regular_file(out / "summary.json"));
  const CliResult rep = run_cli({"report", out.string()}, dir.path());
  EXPECT_EQ(rep.exit_code, 1) << "sdsim report fails when its script does: " << show(rep);
  ::setenv("SDSIM_REPORT_SCRIPT", (dir.path() / "missing.py").c_str(), 1);
  const CliResult missing =
      run_cli({"run", scenario.string(), "--out", out.string(), "--quiet"}, dir.path());
  EXPECT_EQ(missing.exit_code, 0) << show(missing);
  EXPECT_NE(missing.err.find("does not exist (set SDSIM_REPORT_SCRIPT"), std::string::npos)
      << show(missing);
  ::unsetenv("SDSIM_REPORT_SCRIPT");
}

}  // namespace
}  // namespace sdsim::testing
