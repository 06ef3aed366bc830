// Sweeps: a grid of points (values of dotted paths, as for --set) times R replications, each run
// its own `sdsim run` process; then one function folds the runs' summary.json files into
// sweep.csv (and sweep.html). `sdsim sweep`, `sdsim merge` and `sdsim compare` share this.
//
// A sweep folder DIR holds:
//   sweep.json          the plan: scenario file, --set options, axes, replications, seeds
//   runs/<point>-r<k>/  one run each (`p000-r0`, ...): summary.json, timeseries.csv, perf.json
//   sweep.csv           one row per point: its values, then mean / ci95 / n of each metric
//   sweep.html          the knee plot and the table (tools/plots/sweep.py)
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/scenario.hpp"

namespace sdsim::cli {

// The seed of replication k: the scenario's seed for k = 0 (so replication 0 of a point is
// `sdsim run FILE --set ...` exactly), else mix64(seed ^ mix64(k)). It depends on the seed and
// k only, never on the point: every point sees the same random numbers (common random
// numbers), which makes differences between points far less noisy than independent runs.
std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint64_t k);

struct SweepPoint {
  std::string id;                   // "p000"
  std::vector<std::string> values;  // one per axis
};

struct SweepPlan {
  std::string file;  // absolute path of the scenario
  std::string scenario_name;
  std::vector<std::string> sets;  // the --set options, "PATH=VALUE", applied before the point's
  std::vector<SweepAxis> axes;
  std::uint64_t replications = 1;
  std::vector<std::uint64_t> seeds;  // one per replication
  std::vector<SweepPoint> points;    // the grid, the first axis outermost

  // The run folder of a point and replication, relative to the sweep folder.
  static std::string run_name(const SweepPoint& p, std::uint64_t k);
  // The `sdsim run` arguments of a run (after the program name).
  std::vector<std::string> run_args(const SweepPoint& p, std::uint64_t k,
                                    const std::filesystem::path& dir) const;
  // The point's overrides: the --set options, then its values (origin "sweep").
  std::vector<Override> overrides(const SweepPoint& p) const;
};

// The plan of `scenario` (loaded with the --set options `sets`; its `sweep:` block unless
// `axes`/`replications` replace it). `file` is made absolute.
SweepPlan make_plan(const std::string& file, const Scenario& scenario,
                    const std::vector<std::string>& sets,
                    const std::optional<std::vector<SweepAxis>>& axes,
                    std::optional<std::uint64_t> replications);

void write_plan(const std::filesystem::path& dir, const SweepPlan& plan);
// Reads DIR/sweep.json; nullopt (after a message on stderr) when missing or malformed.
std::optional<SweepPlan> read_plan(const std::filesystem::path& dir);

// A mean with its 95% confidence interval (Student t, n - 1 degrees of freedom); low and high
// are nullopt for n < 2.
struct Interval {
  double mean = 0;
  std::optional<double> low, high;
  std::size_t n = 0;
  double half_width() const { return low ? mean - *low : 0; }
};
Interval mean_interval(const std::vector<double>& values);
// `i` widened, when it has an interval (n >= 2), to at least +/- `half_width`: the resolution of
// the values it is the mean of. Below it an interval would claim a precision the measurements do
// not have (with common random numbers, the replications of a percentile can all land in one
// histogram bucket and give a width of 0).
Interval at_least(Interval i, double half_width);
// `i` with its bounds clipped to [lowest, highest], the values the metric can take.
Interval clipped(Interval i, double lowest, double highest);

// One metric of summary.json as sweep.csv and compare name it.
struct Metric {
  std::string name;         // column prefix: "p99_ms", "api_utilisation"
  std::string path;         // in summary.json: "system.latency.ok.p99_ms"
  double resolution = 0.0;  // relative resolution of each value (percentiles: the histogram's)
  bool fraction = false;    // a value in [0, 1] (availability, utilisation, slo_met): its
                            // interval is clipped to [0, 1]
};
// p50/p99/p999/mean of ok latency (ms), availability, goodput, throughput, each component's
// worker utilisation (where it has one) and, when `slo`, slo_met: 1 for a run that met the
// scenario's SLO (summary.json's slo.met), 0 for one that missed it, so that its mean over the
// replications is the fraction of runs that met it.
std::vector<Metric> sweep_metrics(const std::vector<std::string>& component_names, bool slo);

// The measurements of a sweep folder: values[point][metric][k] (nullopt: no run, or no value).
struct SweepResults {
  SweepPlan plan;
  std::vector<Metric> metrics;
  std::vector<std::vector<std::vector<std::optional<double>>>> values;
  std::vector<std::string> missing;  // runs without a complete summary.json
  // Runs whose summary.json is not of this plan (another scenario file, seed or --set: a
  // folder copied in, or a plan replaced under them), each with why; left out like `missing`.
  std::vector<std::pair<std::string, std::string>> foreign;
};
std::optional<SweepResults> read_results(const std::filesystem::path& dir);

// What `sdsim sweep` does, as a function (`sdsim compare FILE_A FILE_B` runs two).
struct SweepRequest {
  std::string file;
  std::vector<std::string> sets;               // --set texts
  std::optional<std::vector<SweepAxis>> axes;  // --vary: replaces the scenario's
  std::optional<std::uint64_t> replications;   // replaces the scenario's
  std::optional<std::string> out;              // default out/<name>-sweep
  unsigned jobs = 1;                           // runs at a time
  bool html = true;
  bool quiet = false;
  std::optional<std::string> emit_jobs;  // write the run commands there instead of running
};
// Most runs (points x replications) a sweep makes; more is refused as bad input (the
// scenario's `sweep.replications` has the same bound).
constexpr std::uint64_t kMaxSweepRuns = 100000;
// Returns the exit code (2 bad input, 1 some run failed, 0 success); the folder is in *dir.
int run_sweep(const SweepRequest& request, std::filesystem::path* dir = nullptr);

// Folds the runs of DIR into DIR/sweep.csv and, when `html`, DIR/sweep.html (a warning when
// python3 or matplotlib is missing). The one code path of `sdsim sweep` and `sdsim merge`.
// Returns an exit code: 128 + the signal when one stopped sweep.py (sweep.csv is written); 1
// when runs are missing (the csv is written from the others, and the
// missing ones are named on stderr unless !report_missing) or when none has finished (then
// nothing is written).
int write_sweep_results(const std::filesystem::path& dir, bool html, bool quiet,
                        bool report_missing = true);

}  // namespace sdsim::cli
