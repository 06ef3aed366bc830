#include "tests/support/sim_harness.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace sdsim::testing {

namespace {
std::optional<Scenario> report(std::optional<Scenario> s, const Diagnostics& diag) {
  if (!s) ADD_FAILURE() << "scenario did not load:\n" << diag.format();
  return s;
}
}  // namespace

std::optional<Scenario> load_text(const std::string& yaml, const std::string& name) {
  Registry registry;
  register_models(registry);
  Diagnostics diag(name);
  return report(load_scenario_text(yaml, name, registry, diag), diag);
}

std::optional<Scenario> load_file(const std::string& path) {
  Registry registry;
  register_models(registry);
  Diagnostics diag(path);
  return report(load_scenario_file(path, registry, diag), diag);
}

void expect_conserved(const nlohmann::json& scope, const std::string& label) {
  const auto& r = scope["requests"];
  std::uint64_t sum = 0;
  for (const auto& [k, v] : r["outcomes"].items()) sum += v.get<std::uint64_t>();
  EXPECT_EQ(r["issued"].get<std::uint64_t>(), sum)
      << label << ": issued requests and outcomes differ (conservation broken)";
  EXPECT_TRUE(r["conserved"].get<bool>()) << label;
}

SimRun run_checked(const Scenario& scenario, bool with_request_log,
                   std::optional<std::uint64_t> seed) {
  std::ostringstream ts, log;
  RunOptions options;
  options.seed = seed;
  options.timeseries = &ts;
  if (with_request_log) options.request_log = &log;
  RunResult r = run_simulation(scenario, options);
  EXPECT_FALSE(r.deadlock) << "SimGrid reported a deadlock";
  EXPECT_EQ(r.summary["run"]["status"], "complete");
  EXPECT_EQ(r.summary["partial"], false);
  expect_conserved(r.summary["system"], "system");
  for (const auto& [name, c] : r.summary["clients"].items()) expect_conserved(c, "client " + name);
  return {r.summary, ts.str(), log.str()};
}

SimRun run_guarded(const Scenario& scenario, const RunGuards& guards) {
  std::ostringstream ts;
  RunOptions options;
  options.timeseries = &ts;
  options.guards = guards;
  RunResult r = run_simulation(scenario, options);
  EXPECT_FALSE(r.deadlock) << "SimGrid reported a deadlock";
  EXPECT_EQ(r.summary["run"]["status"], "stopped");
  EXPECT_EQ(r.summary["partial"], true);
  EXPECT_EQ(r.summary["stopped_by"], r.stopped_by);
  expect_conserved(r.summary["system"], "system");
  for (const auto& [name, c] : r.summary["clients"].items()) expect_conserved(c, "client " + name);
  return {r.summary, ts.str(), ""};
}

void expect_near_theory(const std::string& what, const std::string& formula, double expected,
                        double measured, double tolerance) {
  std::printf(
      "[validation] %-36s formula: %-44s expected %-12.6g measured %-12.6g tolerance %.3g\n",
      what.c_str(), formula.c_str(), expected, measured, tolerance);
  EXPECT_LE(std::fabs(measured - expected), tolerance)
      << what << " (" << formula << "): expected " << expected << ", measured " << measured
      << ", tolerance " << tolerance;
}

std::string source_path(const std::string& relative) {
  return std::string(SDSIM_SOURCE_DIR) + "/" + relative;
}

const nlohmann::json& at(const nlohmann::json& j, const std::string& path) {
  const nlohmann::json* node = &j;
  std::istringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (!node->is_object() || !node->contains(part))
      throw std::runtime_error("summary has no '" + path + "' (missing '" + part + "')");
    node = &(*node)[part];
  }
  return *node;
}
double num(const nlohmann::json& j, const std::string& path) { return at(j, path).get<double>(); }
std::uint64_t count(const nlohmann::json& j, const std::string& path) {
  return at(j, path).get<std::uint64_t>();
}

SimRun run_yaml(const std::string& yaml, bool with_request_log) {
  auto s = load_text(yaml);
  if (!s) throw std::runtime_error("the scenario did not load");
  return run_checked(*s, with_request_log);
}

namespace {
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> f;
  std::string cell;
  std::istringstream ls(line);
  while (std::getline(ls, cell, ',')) f.push_back(cell);
  if (!line.empty() && line.back() == ',') f.emplace_back();  // a trailing empty cell
  return f;
}
}  // namespace

std::vector<LoggedRequest> request_log(const SimRun& run) {
  std::istringstream in(run.request_log);
  std::string line;
  std::getline(in, line);  // header
  std::vector<LoggedRequest> out;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = csv_cells(line);
    if (f.size() != 5) {
      ADD_FAILURE() << "malformed request log line: " << line;
      continue;
    }
    out.push_back({f[0], std::strtoull(f[1].c_str(), nullptr, 10),
                   std::strtod(f[2].c_str(), nullptr), std::strtod(f[3].c_str(), nullptr), f[4]});
  }
  return out;
}

double window_sum(const std::string& timeseries_csv, const std::string& scope,
                  const std::string& metric, double from, double to) {
  std::istringstream in(timeseries_csv);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = csv_cells(line);
    if (f.size() != 5 || f[2] != scope || f[3] != metric || f[4].empty()) continue;
    const double start = std::strtod(f[0].c_str(), nullptr);
    if (start >= from && start < to) sum += std::strtod(f[4].c_str(), nullptr);
  }
  return sum;
}

std::map<double, double> window_series(const std::string& timeseries_csv, const std::string& scope,
                                       const std::string& metric) {
  std::map<double, double> out;
  std::istringstream in(timeseries_csv);
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = csv_cells(line);
    if (f.size() == 5 && f[2] == scope && f[3] == metric && !f[4].empty())
      out[std::strtod(f[0].c_str(), nullptr)] = std::strtod(f[4].c_str(), nullptr);
  }
  return out;
}

}  // namespace sdsim::testing
