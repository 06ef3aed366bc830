// `sdsim sweep`: the plan, one process per run, sweep.csv, and what happens when runs fail.
// Each case runs the real binary (one SimGrid engine per process).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli_runner.hpp"
#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

// M/M/1 (E[S] = 10 ms), short runs, a 2-point sweep of the arrival rate with 3 replications.
const char* kSweep = R"(name: mm1-sweep
seed: 5
duration: 20s
warmup: 2s
window: 5s
clients:
  - {name: users, target: api, arrival: {poisson: 40/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
sweep:
  vary:
    clients.users.arrival.poisson: [30/s, 60/s]
  replications: 3
)";

TEST(Sweep, WritesOneRowPerPointWithIntervals) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli(
      {"sweep", (dir.path() / "s.yaml").string(), "--out", out.string(), "--no-html"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  for (const char* run : {"p000-r0", "p000-r1", "p000-r2", "p001-r0", "p001-r1", "p001-r2"}) {
    const auto s = nlohmann::json::parse(read_all(out / "runs" / run / "summary.json"));
    expect_conserved(s["system"], run);
    // A run's stderr is kept only when it said something (here: the batch-means warning of
    // these short runs); an empty one is removed.
    const fs::path err = out / "runs" / run / "stderr.txt";
    if (fs::exists(err)) {
      EXPECT_GT(fs::file_size(err), 0u) << "an empty stderr is removed";
    }
  }
  // Replication k has the same seed at every point, and another seed than k - 1.
  auto seed = [&](const char* run) {
    return nlohmann::json::parse(read_all(out / "runs" / run / "summary.json"))["scenario"]["seed"];
  };
  EXPECT_EQ(seed("p000-r1"), seed("p001-r1"));
  EXPECT_NE(seed("p000-r0"), seed("p000-r1"));
  EXPECT_EQ(seed("p000-r0"), 5) << "replication 0 runs with the scenario's seed";

  const auto rows = read_csv(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u) << read_all(out / "sweep.csv");
  const auto& h = rows[0];
  EXPECT_EQ(h[0], "point");
  EXPECT_EQ(h[1], "clients.users.arrival.poisson");
  EXPECT_EQ(rows[1][1], "30/s");
  EXPECT_EQ(rows[2][1], "60/s");
  for (const char* m : {"p50_ms", "p99_ms", "p999_ms", "mean_ms", "availability", "goodput_per_s",
                        "throughput_per_s", "api_utilisation"}) {
    const std::string name = m;
    for (std::size_t p = 1; p <= 2; ++p) {
      const double mean = std::stod(rows[p][column(h, name + "_mean")]);
      const double low = std::stod(rows[p][column(h, name + "_ci95_low")]);
      const double high = std::stod(rows[p][column(h, name + "_ci95_high")]);
      EXPECT_EQ(rows[p][column(h, name + "_n")], "3") << name;
      EXPECT_LE(low, mean) << name;
      EXPECT_LE(mean, high) << name;
    }
  }
  // The interval is Student t with R - 1 = 2 degrees of freedom: mean +/- t(0.975, 2) s / sqrt(3),
  // t(0.975, 2) = 4.302653; recomputed here from the three runs' p99 (6 significant digits).
  {
    std::vector<double> x;
    for (const char* run : {"p001-r0", "p001-r1", "p001-r2"})
      x.push_back(num(nlohmann::json::parse(read_all(out / "runs" / run / "summary.json")),
                      "system.latency.ok.p99_ms"));
    const double mean = (x[0] + x[1] + x[2]) / 3;
    double ss = 0;
    for (double v : x) ss += (v - mean) * (v - mean);
    const double half = 4.302653 * std::sqrt(ss / 2) / std::sqrt(3.0);
    EXPECT_NEAR(std::stod(rows[2][column(h, "p99_ms_mean")]), mean, 1e-5 * mean);
    EXPECT_NEAR(std::stod(rows[2][column(h, "p99_ms_ci95_low")]), mean - half, 1e-5 * mean);
    EXPECT_NEAR(std::stod(rows[2][column(h, "p99_ms_ci95_high")]), mean + half, 1e-5 * mean);
    EXPECT_GT(half, 0);
  }
  EXPECT_EQ(std::count(h.begin(), h.end(), "slo_met_mean"), 0) << "no slo, no slo_met";
  // The utilisation follows the arrival rate (rho = lambda E[S]).
  EXPECT_NEAR(std::stod(rows[1][column(h, "api_utilisation_mean")]), 0.3, 0.05);
  EXPECT_NEAR(std::stod(rows[2][column(h, "api_utilisation_mean")]), 0.6, 0.05);
}

// Every request takes exactly 10 ms, with no queueing: the same p99 and mean in every
// replication (the percentile-resolution tests of sweep and compare).
const char* const kConstant10ms = R"(name: constant
seed: 3
duration: 20s
clients:
  - {name: users, target: api, arrival: {poisson: 50/s}}
components:
  - {name: api, kind: service, workers: unlimited, service_time: const(10ms)}
)";

// Every replication reports the same p99 and mean. The mean's interval is then exactly 0 wide
// (it is exact), but a percentile is known only to its histogram bucket: its interval is +/-
// the bucket resolution, not 0.
TEST(Sweep, PercentileIntervalIsAtLeastTheHistogramResolution) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kConstant10ms);
  const CliResult r = run_cli({"sweep", (dir.path() / "s.yaml").string(), "--replications", "3",
                               "--out", (dir.path() / "out").string(), "--no-html", "--quiet"},
                              dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto rows = read_csv(dir.path() / "out" / "sweep.csv");
  ASSERT_EQ(rows.size(), 2u);
  const auto& h = rows[0];
  auto cell = [&](const std::string& c) { return std::stod(rows[1][column(h, c)]); };
  EXPECT_EQ(cell("mean_ms_mean"), 10);
  EXPECT_EQ(cell("mean_ms_ci95_low"), 10);
  EXPECT_EQ(cell("mean_ms_ci95_high"), 10);
  EXPECT_EQ(cell("p99_ms_mean"), 10);
  const double bound = std::sqrt(1 + 1.0 / 128) - 1;  // 0.39%: LatencyHistogram's
  EXPECT_NEAR(cell("p99_ms_ci95_low"), 10 * (1 - bound), 1e-4);
  EXPECT_NEAR(cell("p99_ms_ci95_high"), 10 * (1 + bound), 1e-4);
}

// The command line's --vary and --replications replace the scenario's; -j 2 gives the same
// bytes as -j 1 (each run is deterministic and the csv does not depend on the order). -j2 is
// -j 2.
TEST(Sweep, VaryOptionReplacesTheBlockAndParallelRunsGiveTheSameCsv) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  auto sweep = [&](const std::string& label, const std::vector<std::string>& jobs) {
    std::vector<std::string> args = {
        "sweep",          (dir.path() / "s.yaml").string(),
        "--vary",         "components.api.service_time=exp(5ms),exp(8ms),uniform(4ms, 12ms)",
        "--replications", "2",
        "--out",          (dir.path() / label).string(),
        "--no-html",      "--quiet"};
    args.insert(args.end(), jobs.begin(), jobs.end());
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_EQ(r.out, "") << "--quiet";
    return read_all(dir.path() / label / "sweep.csv");
  };
  const std::string one = sweep("j1", {"-j", "1"});
  const std::string two = sweep("j2", {"-j2"});
  const auto rows = read_csv(dir.path() / "j1" / "sweep.csv");
  ASSERT_EQ(rows.size(), 4u) << one;
  EXPECT_EQ(rows[0][1], "components.api.service_time");
  EXPECT_EQ(rows[3][1], "uniform(4ms, 12ms)");
  EXPECT_EQ(rows[1][column(rows[0], "p50_ms_n")], "2");
  EXPECT_TRUE(one == two) << "-j 2 changed sweep.csv\n" << one << "\n" << two;
}

// Bad --vary options stop the sweep before anything runs (exit 2, no output folder): a point
// that does not load; a value given twice (one point run twice under two ids), a path varied
// in two options, and the seed (each replication has its own), as in the `sweep:` block.
TEST(Sweep, BadVaryIsRejectedBeforeAnyRun) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const fs::path out = dir.path() / "out";
  const struct {
    std::vector<std::string> vary;
    std::string error;
  } cases[] = {
      {{"components.api.workers=1,0"},
       "error: --vary components.api.workers=0: api: workers: 0 is out of range"},
      {{"components.api.workers=3,3"},
       "--vary components.api.workers=3,3: the value '3' appears twice"},
      {{"components.api.workers=1,2", "components.api.workers=4"},
       "'components.api.workers' is varied twice"},
      {{"seed=1,2"}, "'seed' cannot be varied"},
      {{"components.api.workers=1,,2"}, "--vary components.api.workers=1,,2: an empty value"},
      {{"components.api.workers="}, "--vary components.api.workers=: an empty value"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"sweep", (dir.path() / "s.yaml").string(), "--out",
                                     out.string()};
    for (const std::string& v : c.vary) args.insert(args.end(), {"--vary", v});
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_NE(r.err.find(c.error), std::string::npos) << show(r);
    EXPECT_EQ(r.out, "") << "no sweep starts: " << show(r);
    EXPECT_FALSE(fs::exists(out)) << show(r);
  }
}

// A run that fails is reported with its stderr; the sweep exits non-zero and keeps the others.
// The second point is valid but cannot run: zero think time and zero service time make a loop
// of zero-time steps, which `sdsim run` stops (exit code 1, run.status "stalled").
TEST(Sweep, FailedRunIsReportedAndTheOthersKept) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", R"(name: stalls
duration: 5s
clients:
  - {name: users, target: api, closed: {users: 1, think: const(0s)}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(5ms)}
)");
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli({"sweep", (dir.path() / "s.yaml").string(), "--vary",
                               "components.api.service_time=exp(5ms),const(0ms)", "--replications",
                               "2", "-j", "2", "--out", out.string(), "--no-html", "--quiet"},
                              dir.path());
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_NE(r.err.find("run p001-r0 failed (exit code 1)"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("simulated time did not advance"), std::string::npos)
      << "the run's own stderr is shown\n"
      << show(r);
  EXPECT_NE(r.err.find("2 of 4 runs failed"), std::string::npos) << show(r);
  const auto rows = read_csv(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][column(rows[0], "goodput_per_s_n")], "2") << "the good point is kept";
  EXPECT_EQ(rows[2][column(rows[0], "goodput_per_s_n")], "0") << "a stalled run is not used";
}

// sweep.html: the knee plot (tools/plots/sweep.py, Debian's python3 with matplotlib) and the
// table; without python it is a warning and sweep.csv is still written (exit code 0).
TEST(Sweep, WritesTheKneePlotOrWarnsWithoutPython) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const std::vector<std::string> args = {
      "sweep", (dir.path() / "s.yaml").string(), "--replications", "2", "--quiet", "--out"};
  auto with_out = [&](const std::string& label) {
    std::vector<std::string> a = args;
    a.push_back((dir.path() / label).string());
    return a;
  };
  ::unsetenv("SDSIM_PYTHON");
  if (fs::exists("/usr/bin/python3")) {
    const CliResult r = run_cli(with_out("html"), dir.path());
    ASSERT_EQ(r.exit_code, 0) << show(r);
    const std::string page = read_all(dir.path() / "html" / "sweep.html");
    EXPECT_NE(page.find("<img alt=\"p99 latency"), std::string::npos) << "the knee plot";
    EXPECT_NE(page.find("<img alt=\"goodput"), std::string::npos);
    EXPECT_NE(page.find("<td>30/s</td>"), std::string::npos) << "the table";
  }
  ::setenv("SDSIM_PYTHON", (dir.path() / "no-python-here").c_str(), 1);
  const CliResult r = run_cli(with_out("nohtml"), dir.path());
  ::unsetenv("SDSIM_PYTHON");
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.err.find("warning: no sweep.html"), std::string::npos) << show(r);
  EXPECT_TRUE(fs::exists(dir.path() / "nohtml" / "sweep.csv"));
  EXPECT_FALSE(fs::exists(dir.path() / "nohtml" / "sweep.html"));
}

// sdsim compare: 4 against 8 workers at high load (M/M/4 at rho 0.85, M/M/8 at 0.425): more
// workers can only shorten the p99, and with common seeds the paired interval excludes 0. The
// same folder against itself gives exactly 0, +/- 0 (a percentile: +/- its resolution).
// Scenarios with different seeds cannot be paired, and that, like a mistyped --metric, is found
// before anything runs.
TEST(Compare, PairedDifferenceHasTheKnownSignAndIdenticalRunsGiveZero) {
  ScratchDir dir;
  const std::string four = R"(name: four
seed: 8
duration: 20s
warmup: 2s
clients:
  - {name: users, target: api, arrival: {poisson: 340/s}}
components:
  - {name: api, kind: service, workers: 4, service_time: exp(10ms)}
)";
  std::string eight = std::regex_replace(four, std::regex("workers: 4"), "workers: 8");
  eight = std::regex_replace(eight, std::regex("name: four"), "name: eight");
  write_all(dir.path() / "four.yaml", four);
  write_all(dir.path() / "eight.yaml", eight);
  const fs::path out = dir.path() / "cmp";
  const CliResult r =
      run_cli({"compare", (dir.path() / "four.yaml").string(), (dir.path() / "eight.yaml").string(),
               "--replications", "4", "-j", "2", "--out", out.string(), "--quiet"},
              dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.out, m,
      std::regex(R"(B - A: p99 (-?[0-9.]+) ms \+/- ([0-9.]+) ms \(n=4 pairs; B lower\))")))
      << show(r);
  const double diff = std::stod(m[1]), half = std::stod(m[2]);
  std::printf("[compare] 8 - 4 workers at 340/s: p99 %.1f ms +/- %.1f ms (4 pairs)\n", diff, half);
  EXPECT_LT(diff + half, 0) << "the interval should exclude 0";
  EXPECT_NE(r.out.find("B: " + (out / "B").string() +
                       " (eight: " + (dir.path() / "eight.yaml").string() + ")"),
            std::string::npos)
      << "each side is named by its folder, scenario and file\n"
      << show(r);
  EXPECT_TRUE(fs::exists(out / "A" / "sweep.csv"));
  EXPECT_TRUE(fs::exists(out / "B" / "sweep.csv"));

  const CliResult same =
      run_cli({"compare", (out / "A").string(), (out / "A").string()}, dir.path());
  ASSERT_EQ(same.exit_code, 0) << show(same);
  // A percentile's difference keeps the floor of its histogram resolution (see
  // PercentileDifferenceIntervalIsAtLeastTheHistogramResolution); other metrics are exact.
  EXPECT_TRUE(
      std::regex_search(same.out, std::regex(R"(B - A: p99 0 ms \+/- 0\.[0-9]+ ms \(n=4 pairs\))")))
      << show(same);
  EXPECT_NE(same.out.find("B - A: goodput 0 /s +/- 0 /s (n=4 pairs)"), std::string::npos)
      << show(same);

  write_all(dir.path() / "other.yaml", std::regex_replace(four, std::regex("seed: 8"), "seed: 9"));
  const CliResult unpaired =
      run_cli({"compare", (out / "A").string(), (dir.path() / "other.yaml").string(),
               "--replications", "4", "--out", (dir.path() / "cmp2").string(), "--quiet"},
              dir.path());
  EXPECT_EQ(unpaired.exit_code, 2) << show(unpaired);
  EXPECT_NE(unpaired.err.find("cannot be paired"), std::string::npos) << show(unpaired);
  EXPECT_FALSE(fs::exists(dir.path() / "cmp2" / "B")) << "found unpaired only after running B";

  // A scenario side swept into the folder of the other side would replace it before it is
  // read (here B into cmp/B, which is A): refused before anything runs.
  const fs::path b_csv = out / "B" / "sweep.csv";
  const std::string before = read_all(b_csv);
  const CliResult onto =
      run_cli({"compare", (out / "B").string(), (dir.path() / "four.yaml").string(),
               "--replications", "4", "--out", out.string(), "--quiet"},
              dir.path());
  EXPECT_EQ(onto.exit_code, 2) << show(onto);
  EXPECT_NE(onto.err.find("the other side's results: give another --out"), std::string::npos)
      << show(onto);
  EXPECT_EQ(read_all(b_csv), before) << "the other side's folder is untouched";

  // A mistyped --metric is reported before either scenario is swept.
  const CliResult typo =
      run_cli({"compare", (dir.path() / "four.yaml").string(), (dir.path() / "eight.yaml").string(),
               "--metric", "p98", "--out", (dir.path() / "cmp3").string(), "--quiet"},
              dir.path());
  EXPECT_EQ(typo.exit_code, 2) << show(typo);
  EXPECT_NE(typo.err.find("--metric: no metric 'p98' (metrics: p50_ms, p99_ms"), std::string::npos)
      << show(typo);
  EXPECT_FALSE(fs::exists(dir.path() / "cmp3")) << "swept before checking --metric";
}

// Beyond one machine: --emit-jobs writes one `sdsim run` command per line, GNU parallel runs
// them, `sdsim merge` folds them; the result is byte-identical to `sdsim sweep`'s own (runs are
// deterministic and both use write_sweep_results). A missing run is reported by merge.
TEST(Sweep, EmittedJobsRunThroughGnuParallelMergeToTheSameCsv) {
  if (std::system("parallel --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "GNU parallel is not installed (tools/bootstrap installs it)";
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const std::string file = (dir.path() / "s.yaml").string();
  const CliResult local =
      run_cli({"sweep", file, "--out", (dir.path() / "local").string(), "--no-html", "--quiet"},
              dir.path());
  ASSERT_EQ(local.exit_code, 0) << show(local);

  const fs::path jobs = dir.path() / "jobs.txt";
  const fs::path remote = dir.path() / "remote";
  const CliResult emit =
      run_cli({"sweep", file, "--out", remote.string(), "--emit-jobs", jobs.string()}, dir.path());
  ASSERT_EQ(emit.exit_code, 0) << show(emit);
  EXPECT_FALSE(fs::exists(remote / "runs" / "p000-r0")) << "--emit-jobs runs nothing";
  const auto lines = read_csv(jobs);  // one command per line (no commas in these)
  ASSERT_EQ(lines.size(), 6u) << read_all(jobs);
  EXPECT_EQ(lines[0][0].rfind(std::string(SDSIM_CLI) + " run " + file + " --set ", 0), 0u)
      << "absolute paths: " << lines[0][0];
  EXPECT_NE(lines[0][0].find(" --out " + (remote / "runs" / "p000-r0").string()), std::string::npos)
      << lines[0][0];

  const std::string run = "cd / && parallel -j 2 --halt now,fail=1 < '" + jobs.string() + "'";
  ASSERT_EQ(std::system(run.c_str()), 0) << run;
  const CliResult merge = run_cli({"merge", remote.string(), "--no-html", "--quiet"}, dir.path());
  ASSERT_EQ(merge.exit_code, 0) << show(merge);
  const std::string a = read_all(dir.path() / "local" / "sweep.csv");
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == read_all(remote / "sweep.csv"))
      << "merge of the parallel runs differs from sweep's own\n"
      << a << "\n"
      << read_all(remote / "sweep.csv");

  fs::remove_all(remote / "runs" / "p001-r2");
  const CliResult partial = run_cli({"merge", remote.string(), "--no-html", "--quiet"}, dir.path());
  EXPECT_EQ(partial.exit_code, 1) << show(partial);
  EXPECT_NE(partial.err.find("1 of 6 runs have no complete summary.json"), std::string::npos)
      << show(partial);
  const auto rows = read_csv(remote / "sweep.csv");
  EXPECT_EQ(rows[2][column(rows[0], "p99_ms_n")], "2");
}

// slo_met: each run's summary.json says whether it met the scenario's `slo` (slo.met); sweep.csv
// gives the fraction of replications that met it, as a mean with its interval (clipped to
// [0, 1]) and n. M/M/c, E[S] = 10 ms at 80/s, p99 target 100 ms: one worker (rho = 0.8, p99 of
// the sojourn ~ ln(100)/(mu - lambda) = 230 ms) misses it in every replication, four (p99 ~ 30
// ms) meet it in every one. compare's --metric takes it.
TEST(Sweep, SloMetIsTheFractionOfReplicationsThatMetTheSlo) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", R"(name: slo-sweep
seed: 4
duration: 20s
warmup: 2s
clients:
  - {name: users, target: api, arrival: {poisson: 80/s}}
components:
  - {name: api, kind: service, workers: 1, service_time: exp(10ms)}
slo: {latency: {p99: 100ms}}
sweep:
  vary:
    components.api.workers: [1, 4]
  replications: 3
)");
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli(
      {"sweep", (dir.path() / "s.yaml").string(), "--out", out.string(), "--no-html", "--quiet"},
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto rows = read_csv(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u) << read_all(out / "sweep.csv");
  const auto& h = rows[0];
  for (std::size_t p = 1; p <= 2; ++p) {
    // The fraction recomputed from the runs' own verdicts.
    double met = 0;
    for (int k = 0; k < 3; ++k) {
      const std::string run = rows[p][0] + "-r" + std::to_string(k);
      met += nlohmann::json::parse(read_all(out / "runs" / run / "summary.json"))["slo"]["met"]
                     .get<bool>()
                 ? 1
                 : 0;
    }
    EXPECT_EQ(std::stod(rows[p][column(h, "slo_met_mean")]), met / 3) << rows[p][0];
    EXPECT_EQ(rows[p][column(h, "slo_met_n")], "3");
    EXPECT_GE(std::stod(rows[p][column(h, "slo_met_ci95_low")]), 0);
    EXPECT_LE(std::stod(rows[p][column(h, "slo_met_ci95_high")]), 1);
  }
  EXPECT_EQ(rows[1][column(h, "slo_met_mean")], "0") << "one worker misses the p99 target";
  EXPECT_EQ(rows[2][column(h, "slo_met_mean")], "1") << "four workers meet it";
  EXPECT_EQ(rows[2][column(h, "slo_met_ci95_low")], "1");
  EXPECT_EQ(rows[2][column(h, "slo_met_ci95_high")], "1");

  const CliResult cmp =
      run_cli({"compare", out.string(), out.string(), "--metric", "slo_met"}, dir.path());
  EXPECT_EQ(cmp.exit_code, 0) << show(cmp);
  EXPECT_NE(cmp.out.find("B - A: slo_met 0 +/- 0 (n=3 pairs)"), std::string::npos) << show(cmp);
}

// compare: a percentile is known only to its histogram bucket (+/- r = 0.39% of itself), so a
// paired difference B_k - A_k is known to +/- r (|A_k| + |B_k|) and the interval of the mean
// difference is at least r (mean |A| + mean |B|). Constant service times (10 ms against 12 ms,
// no queueing) give the same difference in every pair: the Student t interval alone is 0 wide.
TEST(Compare, PercentileDifferenceIntervalIsAtLeastTheHistogramResolution) {
  ScratchDir dir;
  const std::string ten = kConstant10ms;
  write_all(dir.path() / "ten.yaml", ten);
  write_all(dir.path() / "twelve.yaml",
            std::regex_replace(ten, std::regex("const\\(10ms\\)"), "const(12ms)"));
  const CliResult r =
      run_cli({"compare", (dir.path() / "ten.yaml").string(), (dir.path() / "twelve.yaml").string(),
               "--replications", "3", "--metric", "p50", "--metric", "mean", "--out",
               (dir.path() / "cmp").string(), "--quiet"},
              dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.out, m, std::regex(R"(B - A: p50 \+2\.00 ms \+/- ([0-9.]+) ms \(n=3 pairs; B higher\))")))
      << show(r);
  const double bound = std::sqrt(1 + 1.0 / 128) - 1;  // 0.39%: LatencyHistogram's
  const double expected = bound * (10 + 12);
  std::printf("[compare] p50 12 ms - 10 ms: +/- %s ms, expected r (10 + 12) = %.4f ms\n",
              m[1].str().c_str(), expected);
  EXPECT_NEAR(std::stod(m[1]), expected, 0.001);
  // A mean has no histogram floor: its interval is Student t's alone (0 up to rounding).
  ASSERT_TRUE(std::regex_search(
      r.out, m, std::regex(R"(B - A: mean \+2\.00 ms \+/- ([-+.e0-9]+) ms \(n=3 pairs)")))
      << show(r);
  EXPECT_LT(std::stod(m[1]), 1e-9) << show(r);
}

// A second, different sweep into the folder of an earlier one says so and removes the earlier
// run folders: only folders of runs/ named like run folders, nothing else. --emit-jobs does the
// same, and the emitted runs still merge.
// A folder without an earlier sweep's plan (sweep.json) is not an earlier sweep: nothing in it
// is removed, whatever its names.
TEST(Sweep, SweepIntoAFolderWithoutAPlanRemovesNothing) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const fs::path out = dir.path() / "mine";
  fs::create_directories(out / "runs" / "p7-r3");
  write_all(out / "runs" / "p7-r3" / "data.txt", "precious");
  write_all(out / "sweep.csv", "mine");
  const CliResult r =
      run_cli({"sweep", (dir.path() / "s.yaml").string(), "--vary", "components.api.workers=4",
               "--out", out.string(), "--no-html", "--quiet"},
              dir.path());
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.err.find("replacing"), std::string::npos) << show(r);
  EXPECT_EQ(read_all(out / "runs" / "p7-r3" / "data.txt"), "precious");
}

TEST(Sweep, SweepIntoAnEarlierSweepsFolderReplacesItsRuns) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const std::string file = (dir.path() / "s.yaml").string();
  const fs::path out = dir.path() / "out";
  const CliResult first =
      run_cli({"sweep", file, "--out", out.string(), "--no-html", "--quiet"}, dir.path());
  ASSERT_EQ(first.exit_code, 0) << show(first);
  EXPECT_EQ(first.err.find("replacing"), std::string::npos) << "a new folder replaces nothing";
  ASSERT_TRUE(fs::exists(out / "runs" / "p001-r2"));
  write_all(out / "notes.txt", "mine");
  write_all(out / "runs" / "notes.txt", "mine");
  fs::create_directories(out / "runs" / "p001-extra");
  fs::create_directories(out / "runs" / "keep");
  fs::create_directories(out / "runs" / "p7-r3");  // named like a run, but not the plan's

  auto run_folders = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out / "runs")) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  };
  const CliResult second =
      run_cli({"sweep", file, "--set", "components.api.workers=2", "--replications", "1", "--out",
               out.string(), "--no-html", "--quiet"},
              dir.path());
  ASSERT_EQ(second.exit_code, 0) << show(second);
  EXPECT_NE(second.err.find("sdsim: replacing the earlier sweep in " + out.string() + "\n"),
            std::string::npos)
      << show(second);
  EXPECT_EQ(run_folders(), (std::vector<std::string>{"keep", "notes.txt", "p000-r0", "p001-extra",
                                                     "p001-r0", "p7-r3"}));
  EXPECT_EQ(read_all(out / "notes.txt"), "mine");
  EXPECT_EQ(read_csv(out / "sweep.csv")[1][column(read_csv(out / "sweep.csv")[0], "p99_ms_n")],
            "1");

  const fs::path jobs = dir.path() / "jobs.txt";
  const CliResult emit = run_cli({"sweep", file, "--vary", "clients.users.arrival.poisson=30/s",
                                  "--out", out.string(), "--emit-jobs", jobs.string(), "--quiet"},
                                 dir.path());
  ASSERT_EQ(emit.exit_code, 0) << show(emit);
  EXPECT_NE(emit.err.find("replacing the earlier sweep in " + out.string()), std::string::npos)
      << show(emit);
  EXPECT_EQ(run_folders(), (std::vector<std::string>{"keep", "notes.txt", "p001-extra", "p7-r3"}));
  EXPECT_FALSE(fs::exists(out / "sweep.csv")) << "the earlier sweep's csv is not this plan's";
  ASSERT_EQ(std::system(("sh '" + jobs.string() + "'").c_str()), 0);
  const CliResult merge = run_cli({"merge", out.string(), "--no-html", "--quiet"}, dir.path());
  ASSERT_EQ(merge.exit_code, 0) << show(merge);
  EXPECT_EQ(merge.err, "") << "merge replaces nothing";
  const auto rows = read_csv(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][column(rows[0], "p99_ms_n")], "3");
}

}  // namespace
}  // namespace sdsim::testing

namespace sdsim::testing {
namespace {

// SIGTERM (or Ctrl-C) to a sweep: no new run starts, the runs under way get the signal and
// write their partial results, the sweep waits for them and exits 143; no run is left behind.
TEST(Sweep, SignalStopsTheRunsUnderWayAndWaitsForThem) {
  ScratchDir dir;
  write_all(dir.path() / "long.yaml", R"(name: long
duration: 1000000s
window: 100s
clients:
  - {name: users, target: api, arrival: {poisson: 200/s}}
components:
  - {name: api, kind: service, workers: 2, service_time: exp(5ms)}
)");
  const fs::path out = dir.path() / "out";
  const CliResult r = run_cli(
      {"sweep", (dir.path() / "long.yaml").string(), "--vary", "components.api.workers=2,3,4",
       "--replications", "2", "-j", "2", "--out", out.string(), "--no-html"},
      dir.path(),
      {SIGTERM, out / "runs" / "p000-r0" / "timeseries.csv.tmp", std::chrono::milliseconds(300)});
  EXPECT_EQ(r.exit_code, 143) << show(r);
  EXPECT_NE(r.err.find("SIGTERM: stopping the 2 runs under way"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("sweep interrupted: 0 of 6 runs finished"), std::string::npos) << show(r);
  // The two runs under way wrote their partial results before the sweep returned.
  for (const char* run : {"p000-r0", "p000-r1"}) {
    const auto summary = nlohmann::json::parse(read_all(out / "runs" / run / "summary.json"));
    EXPECT_TRUE(summary["partial"].get<bool>()) << run;
    EXPECT_EQ(summary["stopped_by"], "SIGTERM") << run;
  }
  EXPECT_FALSE(fs::exists(out / "runs" / "p001-r0")) << "no run starts after the signal";
  EXPECT_FALSE(fs::exists(out / "sweep.csv")) << "nothing finished: nothing to fold";
}

// `sdsim merge` takes only the runs of the folder's plan: a run of another sweep copied in (here
// with another --set) is named and left out, not averaged in.
TEST(Sweep, MergeLeavesOutRunsOfAnotherPlan) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const std::string file = (dir.path() / "s.yaml").string();
  const fs::path a = dir.path() / "a", b = dir.path() / "b";
  for (const auto& [out, set] :
       {std::pair{a, "components.api.workers=1"}, std::pair{b, "components.api.workers=2"}}) {
    const CliResult r = run_cli({"sweep", file, "--replications", "2", "--set", set, "--out",
                                 out.string(), "--no-html", "--quiet"},
                                dir.path());
    ASSERT_EQ(r.exit_code, 0) << show(r);
  }
  fs::remove_all(a / "runs" / "p001-r1");
  fs::copy(b / "runs" / "p001-r1", a / "runs" / "p001-r1");
  const CliResult r = run_cli({"merge", a.string(), "--no-html"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_NE(r.err.find("1 of 4 runs are not of this sweep's plan"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("components.api.workers=2"), std::string::npos) << "why: " << show(r);
  const auto rows = read_csv(a / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][column(rows[0], "p99_ms_n")], "2");
  EXPECT_EQ(rows[2][column(rows[0], "p99_ms_n")], "1") << "the foreign run is left out";

  // With no run of the plan left, merge writes nothing (and removes the earlier sweep.csv).
  for (const char* run : {"p000-r0", "p000-r1", "p001-r0"}) fs::remove_all(a / "runs" / run);
  const CliResult none = run_cli({"merge", a.string(), "--no-html"}, dir.path());
  EXPECT_EQ(none.exit_code, 1) << show(none);
  EXPECT_NE(none.err.find("nothing to merge"), std::string::npos) << show(none);
  EXPECT_FALSE(fs::exists(a / "sweep.csv"));
}

// A --metric that both scenarios name but no run has a value of (a load balancer with
// unlimited workers has no utilisation) is said on stderr after the runs; the others are shown.
TEST(Compare, MetricWithNoValueInTheRunsIsSaidAndTheOthersShown) {
  ScratchDir dir;
  write_all(dir.path() / "lb.yaml", R"(name: lb
seed: 3
duration: 10s
clients:
  - {name: users, target: lb, arrival: {poisson: 100/s}}
components:
  - {name: lb, kind: load_balancer, policy: round_robin, backends: api}
  - {name: api, kind: service, replicas: 2, workers: 2, service_time: exp(5ms)}
)");
  const std::string file = (dir.path() / "lb.yaml").string();
  const CliResult r =
      run_cli({"compare", file, file, "--replications", "2", "--metric", "p99", "--metric",
               "lb_utilisation", "--out", (dir.path() / "cmp").string(), "--quiet"},
              dir.path());
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.err.find("--metric lb_utilisation: no run of A and B has a value of it"),
            std::string::npos)
      << show(r);
  EXPECT_NE(r.out.find("B - A: p99 "), std::string::npos) << show(r);
}

// A sweep's job file must not replace the scenario or the sweep's own files.
TEST(Sweep, EmitJobsRefusesToOverwriteTheScenario) {
  ScratchDir dir;
  write_all(dir.path() / "s.yaml", kSweep);
  const CliResult r =
      run_cli({"sweep", (dir.path() / "s.yaml").string(), "--out", (dir.path() / "o").string(),
               "--emit-jobs", (dir.path() / "." / "s.yaml").string()},
              dir.path());
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("that is the scenario"), std::string::npos) << show(r);
  EXPECT_EQ(read_all(dir.path() / "s.yaml"), kSweep);
}

}  // namespace
}  // namespace sdsim::testing
