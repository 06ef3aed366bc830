// The plan of a sweep (sweep.json), the statistics over replications, and sweep.csv.
#include "tools/cli/sweep.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sim/metrics/histogram.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/rng/random_stream.hpp"
#include "tools/cli/args.hpp"
#include "tools/cli/child_process.hpp"

#ifndef SDSIM_PLOTS_DIR
#error "SDSIM_PLOTS_DIR (tools/plots of the source tree) must be defined by the build"
#endif

namespace sdsim::cli {

namespace fs = std::filesystem;

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::uint64_t k) {
  return k == 0 ? scenario_seed : mix64(scenario_seed ^ mix64(k));
}

std::string SweepPlan::run_name(const SweepPoint& p, std::uint64_t k) {
  return p.id + "-r" + std::to_string(k);
}

std::vector<std::string> SweepPlan::run_args(const SweepPoint& p, std::uint64_t k,
                                             const fs::path& dir) const {
  std::vector<std::string> args = {"run", file};
  for (const auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  for (std::size_t a = 0; a < axes.size(); ++a) {
    args.push_back("--set");
    args.push_back(axes[a].path + "=" + p.values[a]);
  }
  args.push_back("--seed");
  args.push_back(std::to_string(seeds.at(k)));
  args.push_back("--out");
  args.push_back((dir / "runs" / run_name(p, k)).string());
  args.push_back("--quiet");
  args.push_back("--no-report");  // one sweep.html for the whole sweep, not a page per run
  return args;
}

std::vector<Override> SweepPlan::overrides(const SweepPoint& p) const {
  std::vector<Override> out;
  for (const auto& s : sets) {
    std::string error;
    if (auto o = parse_override(s, "--set", &error)) out.push_back(*o);
  }
  for (std::size_t a = 0; a < axes.size(); ++a)
    out.push_back(Override{axes[a].path, p.values[a], "sweep"});
  return out;
}

SweepPlan make_plan(const std::string& file, const Scenario& scenario,
                    const std::vector<std::string>& sets,
                    const std::optional<std::vector<SweepAxis>>& axes,
                    std::optional<std::uint64_t> replications) {
  SweepPlan plan;
  plan.file = fs::absolute(file).lexically_normal().string();
  plan.scenario_name = scenario.name;
  plan.sets = sets;
  plan.axes = axes ? *axes : scenario.sweep.vary;
  plan.replications = replications ? *replications : scenario.sweep.replications;
  for (std::uint64_t k = 0; k < plan.replications; ++k)
    plan.seeds.push_back(replication_seed(scenario.seed, k));
  // The grid, first axis outermost: an odometer over the value indices.
  std::vector<std::size_t> index(plan.axes.size(), 0);
  std::size_t count = 1;
  for (const auto& a : plan.axes) count *= a.values.size();
  const int width = count > 1000 ? static_cast<int>(std::to_string(count - 1).size()) : 3;
  for (std::size_t n = 0; n < count; ++n) {
    SweepPoint p;
    char id[32];
    std::snprintf(id, sizeof id, "p%0*zu", width, n);
    p.id = id;
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
      p.values.push_back(plan.axes[a].values[index[a]]);
    plan.points.push_back(std::move(p));
    for (std::size_t a = plan.axes.size(); a-- > 0;) {
      if (++index[a] < plan.axes[a].values.size()) break;
      index[a] = 0;
    }
  }
  return plan;
}

void write_plan(const fs::path& dir, const SweepPlan& plan) {
  nlohmann::json j;
  j["schema"] = "sdsim.sweep/1";
  j["scenario"] = {{"file", plan.file}, {"name", plan.scenario_name}};
  j["set"] = plan.sets;
  j["vary"] = nlohmann::json::array();
  for (const auto& a : plan.axes) j["vary"].push_back({{"path", a.path}, {"values", a.values}});
  j["replications"] = plan.replications;
  j["seeds"] = plan.seeds;
  j["points"] = nlohmann::json::array();
  for (const auto& p : plan.points) j["points"].push_back({{"id", p.id}, {"values", p.values}});
  write_file_atomically((dir / "sweep.json").string(), j.dump(2) + "\n");
}

std::optional<SweepPlan> read_plan(const fs::path& dir) {
  const fs::path file = dir / "sweep.json";
  std::ifstream in(file);
  if (!in) {
    std::cerr << "sdsim: " << file.string() << ": no such file (is " << dir.string()
              << " the folder of a sweep?)\n";
    return std::nullopt;
  }
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("schema") != "sdsim.sweep/1") throw std::runtime_error("unknown schema");
    SweepPlan plan;
    plan.file = j.at("scenario").at("file").get<std::string>();
    plan.scenario_name = j.at("scenario").at("name").get<std::string>();
    plan.sets = j.at("set").get<std::vector<std::string>>();
    for (const auto& a : j.at("vary"))
      plan.axes.push_back(
          {a.at("path").get<std::string>(), a.at("values").get<std::vector<std::string>>()});
    if (!j.at("replications").is_number_unsigned())
      throw std::runtime_error("replications is not a whole number");
    plan.replications = j.at("replications").get<std::uint64_t>();
    plan.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
    for (const auto& p : j.at("points"))
      plan.points.push_back(
          {p.at("id").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
    if (plan.seeds.size() != plan.replications) throw std::runtime_error("seeds do not match");
    if (plan.replications == 0 || plan.points.empty()) throw std::runtime_error("no runs");
    // A point's id names its run folders (removed by a new sweep in the same folder): only the
    // ids make_plan writes are accepted, not a path someone edited in.
    std::set<std::string> ids;
    for (const auto& p : plan.points) {
      if (!ids.insert(p.id).second) throw std::runtime_error("point id '" + p.id + "' repeats");
      const bool id_ok = p.id.size() >= 2 && p.id.size() <= 21 && p.id[0] == 'p' &&
                         p.id.find_first_not_of("0123456789", 1) == std::string::npos;
      if (!id_ok) throw std::runtime_error("point id '" + p.id + "' is not p<number>");
      if (p.values.size() != plan.axes.size())
        throw std::runtime_error("point " + p.id + " has not one value per varied path");
    }
    return plan;
  } catch (const std::exception& e) {
    std::cerr << "sdsim: " << file.string() << ": not a sweep plan (" << e.what() << ")\n";
    return std::nullopt;
  }
}

Interval mean_interval(const std::vector<double>& values) {
  Interval out;
  out.n = values.size();
  if (out.n == 0) return out;
  double sum = 0;
  for (double v : values) sum += v;
  out.mean = sum / static_cast<double>(out.n);
  if (out.n < 2) return out;
  double ss = 0;
  for (double v : values) ss += (v - out.mean) * (v - out.mean);
  const double sd = std::sqrt(ss / static_cast<double>(out.n - 1));
  const boost::math::students_t t(static_cast<double>(out.n - 1));
  const double q = boost::math::quantile(boost::math::complement(t, 0.025));
  const double half = q * sd / std::sqrt(static_cast<double>(out.n));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

Interval at_least(Interval i, double half_width) {
  if (i.low && i.half_width() < half_width) {
    i.low = i.mean - half_width;
    i.high = i.mean + half_width;
  }
  return i;
}

Interval clipped(Interval i, double lowest, double highest) {
  if (i.low) i.low = std::clamp(*i.low, lowest, highest);
  if (i.high) i.high = std::clamp(*i.high, lowest, highest);
  return i;
}

std::vector<Metric> sweep_metrics(const std::vector<std::string>& component_names, bool slo) {
  const double bucket = LatencyHistogram::relative_error_bound();
  std::vector<Metric> out = {
      {"p50_ms", "system.latency.ok.p50_ms", bucket},
      {"p99_ms", "system.latency.ok.p99_ms", bucket},
      {"p999_ms", "system.latency.ok.p999_ms", bucket},
      {"mean_ms", "system.latency.ok.mean_ms"},
      {"availability", "system.availability", 0.0, true},
      {"goodput_per_s", "system.goodput_per_s"},
      {"throughput_per_s", "system.throughput_per_s"},
  };
  for (const auto& c : component_names)
    out.push_back({c + "_utilisation", "components." + c + ".utilisation", 0.0, true});
  if (slo) out.push_back({"slo_met", "slo.met", 0.0, true});
  return out;
}

namespace {

std::optional<double> value_at(const nlohmann::json& j, const std::string& path) {
  const nlohmann::json* at = &j;
  std::size_t from = 0;
  // Component names hold no '.', so splitting at every '.' is safe for these paths.
  while (true) {
    const auto dot = path.find('.', from);
    const std::string key = path.substr(from, dot == std::string::npos ? dot : dot - from);
    if (!at->is_object() || !at->contains(key)) return std::nullopt;
    at = &(*at)[key];
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  if (at->is_boolean()) return at->get<bool>() ? 1.0 : 0.0;  // slo.met
  if (!at->is_number()) return std::nullopt;
  return at->get<double>();
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Runs tools/plots/sweep.py DIR; false when it could not (the reason is on stderr) or was
// stopped by a signal passed on to it (*interrupted_by).
bool write_html(const fs::path& dir, int* interrupted_by) {
  const char* python_env = std::getenv("SDSIM_PYTHON");
  const std::string python = python_env                       ? python_env
                             : fs::exists("/usr/bin/python3") ? "/usr/bin/python3"
                                                              : "python3";
  const char* plots_env = std::getenv("SDSIM_PLOTS_DIR");
  const std::string script = (fs::path(plots_env ? plots_env : SDSIM_PLOTS_DIR) / "sweep.py");
  const ChildResult child = run_child({python, script, dir.string()});
  if (child.spawn_error != 0) return false;
  *interrupted_by = child.signal;
  return WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0;
}

}  // namespace

// Why summary.json `j` is not the run of point `p`, replication k of `plan` (its scenario
// file, seed and --set texts, as run_args gives them); "" when it is.
static std::string not_of_plan(const SweepPlan& plan, const SweepPoint& p, std::uint64_t k,
                               const nlohmann::json& j) {
  const nlohmann::json sc = j.value("scenario", nlohmann::json::object());
  if (!sc.is_object()) return "no scenario block in its summary.json";
  if (sc.value("file", "") != plan.file)
    return "scenario " + sc.value("file", std::string("?")) + ", the plan's is " + plan.file;
  if (!sc.contains("seed") || !sc["seed"].is_number_unsigned() ||
      sc["seed"].get<std::uint64_t>() != plan.seeds.at(k))
    return "seed " + sc.value("seed", nlohmann::json()).dump() + ", the plan's is " +
           std::to_string(plan.seeds.at(k));
  std::vector<std::string> sets = plan.sets;
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    sets.push_back(plan.axes[a].path + "=" + p.values[a]);
  const nlohmann::json want = sets;
  if (sc.value("set", nlohmann::json::array()) != want)
    return "--set " + sc.value("set", nlohmann::json::array()).dump() + ", the plan's are " +
           want.dump();
  return "";
}

std::optional<SweepResults> read_results(const fs::path& dir) {
  auto plan = read_plan(dir);
  if (!plan) return std::nullopt;
  SweepResults r;
  r.plan = *plan;
  // Components from the first summary found (each run has the same components... unless a point
  // varies them; a metric with no value anywhere is dropped below).
  std::vector<std::vector<nlohmann::json>> summaries(plan->points.size());
  std::vector<std::string> components;
  for (std::size_t p = 0; p < plan->points.size(); ++p) {
    for (std::uint64_t k = 0; k < plan->replications; ++k) {
      const fs::path file = dir / "runs" / SweepPlan::run_name(plan->points[p], k) / "summary.json";
      std::ifstream in(file);
      nlohmann::json j;
      if (in) {
        try {
          j = nlohmann::json::parse(in);
        } catch (const std::exception&) {
          j = nullptr;
        }
      }
      // A run that did not complete (stalled, deadlock) is not a measurement.
      if (j.is_object() && (!j.contains("run") || j["run"].value("status", "") != "complete"))
        j = nullptr;
      if (j.is_null()) r.missing.push_back(SweepPlan::run_name(plan->points[p], k));
      // A run of another plan is not one of this plan's measurements either.
      if (j.is_object()) {
        const std::string why = not_of_plan(*plan, plan->points[p], k, j);
        if (!why.empty()) {
          r.foreign.emplace_back(SweepPlan::run_name(plan->points[p], k), why);
          j = nullptr;
        }
      }
      if (j.is_object() && j.contains("components") && j["components"].is_object())
        for (const auto& [name, _] : j["components"].items())
          if (std::find(components.begin(), components.end(), name) == components.end())
            components.push_back(name);
      summaries[p].push_back(std::move(j));
    }
  }
  // slo_met is dropped below when no run has an slo (a scenario without one).
  const std::vector<Metric> all = sweep_metrics(components, true);
  std::vector<std::vector<std::vector<std::optional<double>>>> values(plan->points.size());
  std::vector<bool> any(all.size(), false);
  for (std::size_t p = 0; p < plan->points.size(); ++p) {
    values[p].resize(all.size());
    for (std::size_t m = 0; m < all.size(); ++m)
      for (const auto& s : summaries[p]) {
        values[p][m].push_back(s.is_object() ? value_at(s, all[m].path) : std::nullopt);
        if (values[p][m].back()) any[m] = true;
      }
  }
  r.values.resize(plan->points.size());
  for (std::size_t m = 0; m < all.size(); ++m) {
    if (!any[m]) continue;
    r.metrics.push_back(all[m]);
    for (std::size_t p = 0; p < plan->points.size(); ++p) r.values[p].push_back(values[p][m]);
  }
  return r;
}

int write_sweep_results(const fs::path& dir, bool html, bool quiet, bool report_missing) {
  const auto r = read_results(dir);
  if (!r) return 2;
  const std::size_t runs = r->plan.points.size() * r->plan.replications;
  if (r->missing.size() + r->foreign.size() == runs) {  // nothing to fold: no empty sweep.csv
    const std::string first = r->missing.empty() ? r->foreign[0].first : r->missing[0];
    std::cerr << "sdsim: no run of the sweep in " << dir.string()
              << " has a complete summary.json of its plan (first: "
              << (dir / "runs" / first).string() << "): nothing to merge\n";
    std::error_code ec;  // an earlier sweep.csv or sweep.html describes runs no longer there
    fs::remove(dir / "sweep.csv", ec);
    fs::remove(dir / "sweep.html", ec);
    return 1;
  }
  std::ostringstream csv;
  csv << "point";
  for (const auto& a : r->plan.axes) csv << ',' << csv_cell(a.path);
  for (const auto& m : r->metrics)
    csv << ',' << m.name << "_mean," << m.name << "_ci95_low," << m.name << "_ci95_high," << m.name
        << "_n";
  csv << '\n';
  for (std::size_t p = 0; p < r->plan.points.size(); ++p) {
    csv << r->plan.points[p].id;
    for (const auto& v : r->plan.points[p].values) csv << ',' << csv_cell(v);
    for (std::size_t m = 0; m < r->metrics.size(); ++m) {
      std::vector<double> xs;
      for (const auto& v : r->values[p][m])
        if (v) xs.push_back(*v);
      const Metric& metric = r->metrics[m];
      Interval i = mean_interval(xs);
      // A percentile is known to its histogram bucket only: when the replications agree more
      // closely than that (common random numbers can put them all in one bucket), the interval
      // is the bucket's resolution, not a false width of 0.
      i = at_least(i, metric.resolution * std::fabs(i.mean));
      if (metric.fraction) i = clipped(i, 0, 1);
      csv << ',' << (i.n > 0 ? number(i.mean) : "") << ',' << (i.low ? number(*i.low) : "") << ','
          << (i.high ? number(*i.high) : "") << ',' << i.n;
    }
    csv << '\n';
  }
  write_file_atomically((dir / "sweep.csv").string(), csv.str());
  int code = 0;
  if (!r->foreign.empty()) {
    std::cerr << "sdsim: " << r->foreign.size() << " of " << runs
              << " runs are not of this sweep's plan (sweep.json) and are left out; first: "
              << (dir / "runs" / r->foreign[0].first).string() << " (" << r->foreign[0].second
              << ")\n";
    code = 1;
  }
  if (!r->missing.empty() && report_missing) {
    std::cerr << "sdsim: " << r->missing.size() << " of " << runs
              << " runs have no complete summary.json (first: "
              << (dir / "runs" / r->missing[0]).string() << "); sweep.csv is made of the others\n";
    code = 1;
  }
  if (html) {
    std::error_code ec;
    fs::remove(dir / "sweep.html", ec);  // not one of an earlier sweep
    int interrupted_by = 0;
    const bool written = write_html(dir, &interrupted_by);
    if (interrupted_by != 0) {
      std::cerr << "sdsim: interrupted while writing sweep.html (sweep.csv is complete; `sdsim "
                   "merge "
                << dir.string() << "` draws it)\n";
      return kExitSignalBase + interrupted_by;
    }
    if (!written)
      std::cerr << "sdsim: warning: no sweep.html (tools/plots/sweep.py needs python3 with "
                   "matplotlib); sweep.csv is written\n";
  }
  if (!quiet)
    std::cout << "wrote " << (dir / "sweep.csv").string()
              << (html && fs::exists(dir / "sweep.html") ? " and sweep.html" : "")
              << " (the plan: sweep.json; each run: runs/<point>-r<k>/)\n";
  return code;
}

}  // namespace sdsim::cli
