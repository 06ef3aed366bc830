// `sdsim compare A B`: the paired difference B - A of each metric, with its 95% interval, over
// replications that share their seeds (see docs/cli.md). A and B are sweep folders, or scenario
// files that are first swept (their `sweep:` block, --replications R) into --out DIR/{A,B}.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <tuple>

#include "tools/cli/commands.hpp"
#include "tools/cli/sweep.hpp"

namespace sdsim::cli {

namespace fs = std::filesystem;

namespace {

// "p99_ms" -> ("p99", " ms"); "goodput_per_s" -> ("goodput", " /s").
std::pair<std::string, std::string> display(const std::string& metric) {
  auto ends = [&](const std::string& suffix) {
    return metric.size() > suffix.size() &&
           metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("_ms")) return {metric.substr(0, metric.size() - 3), " ms"};
  if (ends("_per_s")) return {metric.substr(0, metric.size() - 6), " /s"};
  return {metric, ""};
}

// About three significant digits, fixed notation for ordinary magnitudes.
std::string fmt(double v, bool sign) {
  char buf[64];
  const double a = std::fabs(v);
  const char* f = a == 0 ? "%.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g";
  std::string spec = sign && v != 0 ? std::string("%+") + (f + 1) : f;
  std::snprintf(buf, sizeof buf, spec.c_str(), v);
  return buf;
}

// What A or B will give, known before anything runs: its plan (points, seeds) and the names of
// its metrics. A sweep folder is read as is; a scenario file is loaded and planned the way
// `sdsim sweep` will run it.
struct Side {
  std::string arg;
  bool is_folder = false;
  SweepPlan plan;
  std::vector<std::string> metric_names;
};

std::optional<Side> prepare(const std::string& arg, std::optional<std::uint64_t> replications) {
  Side side;
  side.arg = arg;
  if (fs::is_directory(arg)) {
    if (replications) std::cerr << "sdsim: compare: --replications is ignored for " << arg << "\n";
    const auto results = read_results(arg);
    if (!results) return std::nullopt;
    side.is_folder = true;
    side.plan = results->plan;
    for (const auto& m : results->metrics) side.metric_names.push_back(m.name);
    return side;
  }
  const auto scenario = load_scenario(arg, {});
  if (!scenario) return std::nullopt;
  side.plan = make_plan(arg, *scenario, {}, std::nullopt, replications);
  std::vector<std::string> components;
  for (const auto& c : scenario->components) components.push_back(c->name);
  for (const auto& m : sweep_metrics(components, !scenario->slo.empty()))
    side.metric_names.push_back(m.name);
  return side;
}

// A scenario file is swept into `into`; a folder is used as is.
std::optional<fs::path> results_of(const Side& side, const fs::path& into,
                                   std::optional<std::uint64_t> replications, unsigned jobs,
                                   bool quiet, int* code) {
  if (side.is_folder) return fs::path(side.arg);
  SweepRequest req;
  req.file = side.arg;
  req.replications = replications;
  req.out = into.string();
  req.jobs = jobs;
  req.html = false;
  req.quiet = quiet;
  *code = run_sweep(req);
  if (*code != kExitOk) return std::nullopt;
  return into;
}

// "out/compare/A (four: /abs/four.yaml --set components.api.workers=8)": what a side ran, so
// that two sides of one scenario with different --set are told apart.
std::string describe(const fs::path& dir, const SweepPlan& plan) {
  std::string text = dir.string() + " (" + plan.scenario_name + ": " + plan.file;
  for (const auto& set : plan.sets) text += " --set " + set;
  return text + ")";
}

// Why A and B cannot be compared (empty: they can): the same grid, the same seeds.
std::string unpaired(const SweepPlan& a, const SweepPlan& b) {
  if (a.points.size() != b.points.size())
    return "A has " + std::to_string(a.points.size()) + " points and B " +
           std::to_string(b.points.size()) +
           "; points are paired by position, so both need the same grid";
  const std::size_t pairs = std::min(a.seeds.size(), b.seeds.size());
  for (std::size_t k = 0; k < pairs; ++k)
    if (a.seeds[k] != b.seeds[k])
      return "replication " + std::to_string(k) + " of A ran with seed " +
             std::to_string(a.seeds[k]) + " and of B with " + std::to_string(b.seeds[k]) +
             ": the runs cannot be paired (give both scenarios the same `seed`)";
  return "";
}

// The --metric names that match no metric of both A and B ("p99" or "p99_ms"), as a usage
// error; nullopt when all match.
std::optional<int> unknown_metric(const std::vector<std::string>& wanted,
                                  const std::vector<std::string>& names) {
  for (const auto& w : wanted) {
    bool found = false;
    for (const auto& n : names) found = found || n == w || display(n).first == w;
    if (!found) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      return usage_error("--metric: no metric '" + w + "' (metrics: " + list + ")");
    }
  }
  return std::nullopt;
}

std::vector<std::string> common_names(const std::vector<std::string>& a,
                                      const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& n : a)
    if (std::find(b.begin(), b.end(), n) != b.end()) out.push_back(n);
  return out;
}

}  // namespace

int compare_main(const std::vector<std::string>& args) {
  CommonOptions common;
  std::vector<std::string> ab, wanted;
  std::optional<std::uint64_t> replications, jobs;
  std::optional<std::string> out;
  ArgParser parser("compare");
  common.add_to(parser);
  parser.repeated("--metric", &wanted);
  parser.unsigned_value("--replications", &replications);
  parser.unsigned_value("-j", &jobs);
  parser.value("--out", &out);
  parser.positionals(&ab, 2, 2, "two sweep folders or scenario files, A and B");
  if (auto code = parser.parse(args)) return *code;
  if (auto code = common.apply()) return *code;
  if (replications && *replications == 0) return usage_error("--replications: must be >= 1");
  if (jobs && *jobs == 0) return usage_error("-j: must be >= 1");
  const fs::path base = out ? fs::path(*out) : fs::path("out") / "compare";
  const unsigned j = static_cast<unsigned>(jobs.value_or(1));
  // Everything that can be checked before a run is: a mistyped --metric or unpaired seeds
  // should not cost two sweeps.
  const auto side_a = prepare(ab[0], replications);
  if (!side_a) return kExitBadInput;
  const auto side_b = prepare(ab[1], replications);
  if (!side_b) return kExitBadInput;
  if (const std::string why = unpaired(side_a->plan, side_b->plan); !why.empty()) {
    std::cerr << "sdsim: compare: " << why << "\n";
    return kExitBadInput;
  }
  if (auto code = unknown_metric(wanted, common_names(side_a->metric_names, side_b->metric_names)))
    return *code;
  // A scenario side is swept into base/A or base/B, replacing what is there: it must not be,
  // or hold, the other side's folder (which would be replaced before it is read).
  for (const auto& [side, into, other] :
       {std::tuple{&*side_a, base / "A", &*side_b}, std::tuple{&*side_b, base / "B", &*side_a}}) {
    if (side->is_folder || !other->is_folder) continue;
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(into, ec);
    const fs::path folder = fs::weakly_canonical(other->arg, ec);
    // `into` is `folder` or holds it: its path is a prefix of the folder's.
    if (std::mismatch(target.begin(), target.end(), folder.begin(), folder.end()).first ==
        target.end()) {
      std::cerr << "sdsim: compare: " << side->arg << " would be swept into " << into.string()
                << ", which holds " << other->arg
                << ", the other side's results: give another --out\n";
      return kExitBadInput;
    }
  }

  int code = kExitOk;
  const auto dir_a = results_of(*side_a, base / "A", replications, j, common.quiet, &code);
  if (!dir_a) return code;
  const auto dir_b = results_of(*side_b, base / "B", replications, j, common.quiet, &code);
  if (!dir_b) return code;
  const auto a = read_results(*dir_a);
  const auto b = read_results(*dir_b);
  if (!a || !b) return kExitBadInput;
  if (const std::string why = unpaired(a->plan, b->plan); !why.empty()) {  // as run
    std::cerr << "sdsim: compare: " << why << "\n";
    return kExitBadInput;
  }
  for (const auto& [name, r, dir] :
       {std::tuple{"A", &*a, &*dir_a}, std::tuple{"B", &*b, &*dir_b}}) {
    if (r->metrics.empty()) {  // every run missing: nothing to pair
      std::cerr << "sdsim: compare: " << name << " (" << dir->string()
                << ") has no run with a complete summary.json of its plan\n";
      return kExitRunFailed;
    }
  }
  // Metrics of both, in A's order, filtered by --metric (a metric can have no value at all in
  // the runs, e.g. a utilisation: it is known only now).
  std::vector<std::pair<std::size_t, std::size_t>> metrics;  // (index in A, index in B)
  std::vector<std::string> names;
  for (std::size_t i = 0; i < a->metrics.size(); ++i)
    for (std::size_t k = 0; k < b->metrics.size(); ++k)
      if (a->metrics[i].name == b->metrics[k].name) {
        metrics.emplace_back(i, k);
        names.push_back(a->metrics[i].name);
      }
  if (!wanted.empty()) {
    // Each NAME was checked against both scenarios before the runs; one that has no value in
    // them (a component with unlimited workers has no utilisation) is said here, and the
    // others are shown.
    for (const auto& w : wanted) {
      bool found = false;
      for (const auto& n : names) found = found || n == w || display(n).first == w;
      if (!found)
        std::cerr << "sdsim: compare: --metric " << w
                  << ": no run of A and B has a value of it (a component with unlimited "
                     "workers has no utilisation)\n";
    }
    std::vector<std::pair<std::size_t, std::size_t>> chosen;
    for (const auto& w : wanted)
      for (std::size_t m = 0; m < names.size(); ++m)
        if ((names[m] == w || display(names[m]).first == w) &&
            std::find(chosen.begin(), chosen.end(), metrics[m]) == chosen.end())
          chosen.push_back(metrics[m]);  // `--metric p99 --metric p99_ms`: once
    metrics = chosen;
    if (metrics.empty()) return kExitRunFailed;
  }
  // Runs left out of a side (not finished, failed, or not of its plan) leave their pairs out:
  // said on stderr, and the exit code is 1, as `sdsim merge` does.
  int result = kExitOk;
  for (const auto& [name, r, dir] :
       {std::tuple{"A", &*a, &*dir_a}, std::tuple{"B", &*b, &*dir_b}}) {
    const std::size_t left_out = r->missing.size() + r->foreign.size();
    if (left_out == 0) continue;
    const std::string first = r->missing.empty() ? r->foreign[0].first : r->missing[0];
    std::cerr << "sdsim: compare: " << left_out << " run" << (left_out == 1 ? "" : "s") << " of "
              << name << (left_out == 1 ? " has" : " have")
              << " no complete summary.json of its plan (first: "
              << (*dir / "runs" / first).string() << "): their pairs are left out\n";
    result = kExitRunFailed;
  }
  // Points are paired by position: say so when A and B vary different paths or values.
  auto values_of = [](const SweepPlan& plan, std::size_t p) {
    std::string where;
    for (std::size_t x = 0; x < plan.axes.size(); ++x)
      where += (where.empty() ? "" : ", ") + plan.axes[x].path + "=" + plan.points[p].values[x];
    return where;
  };
  std::vector<std::string> paths_a, paths_b;
  for (const auto& x : a->plan.axes) paths_a.push_back(x.path);
  for (const auto& x : b->plan.axes) paths_b.push_back(x.path);
  if (paths_a != paths_b)
    std::cerr << "sdsim: compare: note: A and B vary different paths; their points are paired "
                 "by position (p000 with p000, ...)\n";

  std::cout << "A: " << describe(*dir_a, a->plan) << "\nB: " << describe(*dir_b, b->plan) << "\n"
            << "paired by replication (same seeds); 95% intervals, Student t\n";
  for (std::size_t p = 0; p < a->plan.points.size(); ++p) {
    const std::string where_a = values_of(a->plan, p), where_b = values_of(b->plan, p);
    std::string where = where_a == where_b ? where_a
                                           : "A: " + (where_a.empty() ? "-" : where_a) +
                                                 "; B: " + (where_b.empty() ? "-" : where_b);
    if (a->plan.points.size() > 1 || !where.empty())
      std::cout << a->plan.points[p].id << (where.empty() ? "" : " (" + where + ")") << "\n";
    for (const auto& [ia, ib] : metrics) {
      const auto& va = a->values[p][ia];
      const auto& vb = b->values[p][ib];
      std::vector<double> d;
      double abs_a = 0, abs_b = 0;  // sums of |A_k| and |B_k| over the pairs
      for (std::size_t k = 0; k < std::min(va.size(), vb.size()); ++k)
        if (va[k] && vb[k]) {
          d.push_back(*vb[k] - *va[k]);
          abs_a += std::fabs(*va[k]);
          abs_b += std::fabs(*vb[k]);
        }
      const auto [label, unit] = display(a->metrics[ia].name);
      // A_k and B_k are each known only to +/- r of themselves (a percentile: its histogram
      // bucket), and their errors need not cancel: B_k - A_k is known to +/- r (|A_k| + |B_k|),
      // so the mean difference to r (mean |A| + mean |B|). A narrower interval (0 when every pair
      // lands in the same pair of buckets) would claim a precision the histograms do not have.
      Interval i = mean_interval(d);
      if (!d.empty()) {
        const double n = static_cast<double>(d.size());
        i = at_least(i, a->metrics[ia].resolution * (abs_a / n + abs_b / n));
      }
      std::cout << "  B - A: " << label << " ";
      if (i.n == 0) {
        std::cout << "no pairs\n";
        continue;
      }
      std::cout << fmt(i.mean, true) << unit;
      if (i.low) {
        std::cout << " +/- " << fmt(i.half_width(), false) << unit << " (n=" << i.n << " pairs"
                  << (*i.low > 0    ? "; B higher"
                      : *i.high < 0 ? "; B lower"
                                    : "")
                  << ")\n";
      } else {
        std::cout << " (n=1 pair: no interval)\n";
      }
    }
  }
  return result;
}

}  // namespace sdsim::cli
