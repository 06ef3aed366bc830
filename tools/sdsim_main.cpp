// sdsim: the command line. `sdsim run FILE`, `sdsim validate FILE`; see usage() and
// docs/cli.md. Exit codes: 0 success, 1 the run failed (I/O error, SimGrid deadlock),
// 2 bad input (usage or scenario errors).
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "models/models.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/log.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/metrics/slo.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/summary_table.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitSloMissed = 3;

const char* kUsage = R"(sdsim - a discrete-event simulator for distributed systems (SimGrid engine)

usage:
  sdsim run FILE [--seed N] [--out DIR] [--quiet] [--check-slo] [--log LEVEL]
                [--request-log FILE]
      Runs the scenario; writes DIR/summary.json, DIR/timeseries.csv and DIR/perf.json
      (default DIR: out/<scenario name>) and prints a summary table.
  sdsim validate FILE
      Checks the scenario and reports every problem; runs nothing.
  sdsim --help | --version

options:
  --seed N      use seed N instead of the scenario's `seed`
  --out DIR     where to write results (created if missing)
  --quiet       print nothing on success (errors still go to stderr)
  --check-slo   exit with 3 when the scenario's `slo` is missed (for CI gates)
  --log LEVEL   trace, debug, info, warn (default), error, off; or set SDSIM_LOG
  --request-log FILE
                writes one CSV line per request (client, id, issue and end time as exact
                hex floats, outcome): for validation and debugging; large

exit codes:
  0  success
  1  the run failed (cannot write results, or the simulation deadlocked: an sdsim bug)
  2  bad input: a usage error or an invalid scenario (messages give file:line:column)
  3  with --check-slo: the run completed and its results are written, but the SLO was missed
)";

struct Args {
  std::string command;
  std::string file;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> out;
  bool quiet = false;
  bool check_slo = false;
  std::string log_level;
  std::optional<std::string> request_log;
};

int usage_error(const std::string& message) {
  std::cerr << "sdsim: " << message << "\n(see 'sdsim --help')\n";
  return kExitBadInput;
}

std::optional<int> parse_args(int argc, char** argv, Args& a) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    const auto eq = s.find('=');
    if (s.rfind("--", 0) == 0 && eq != std::string::npos) {  // --seed=3 is --seed 3
      args.push_back(s.substr(0, eq));
      args.push_back(s.substr(eq + 1));
    } else {
      args.push_back(s);
    }
  }
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitBadInput;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    auto value = [&](const char* opt) -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      (void)opt;
      return args[++i];
    };
    if (s == "--help" || s == "-h") {
      std::cout << kUsage;
      return kExitOk;
    } else if (s == "--version") {
      std::cout << "sdsim " << SDSIM_VERSION << "\n";
      return kExitOk;
    } else if (s == "--quiet" || s == "-q") {
      a.quiet = true;
    } else if (s == "--check-slo") {
      a.check_slo = true;
    } else if (s == "--seed") {
      auto v = value("--seed");
      std::uint64_t n = 0;
      if (!v) return usage_error("--seed needs a value");
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      if (ec != std::errc() || p != v->data() + v->size())
        return usage_error("--seed: expected a non-negative whole number, found '" + *v + "'");
      a.seed = n;
    } else if (s == "--out") {
      auto v = value("--out");
      if (!v || v->empty()) return usage_error("--out needs a folder");
      a.out = *v;
    } else if (s == "--request-log") {
      auto v = value("--request-log");
      if (!v || v->empty()) return usage_error("--request-log needs a file");
      a.request_log = *v;
    } else if (s == "--log") {
      auto v = value("--log");
      if (!v) return usage_error("--log needs a level");
      a.log_level = *v;
    } else if (!s.empty() && s[0] == '-') {
      return usage_error("unknown option '" + s + "'");
    } else if (a.command.empty()) {
      a.command = s;
    } else if (a.file.empty()) {
      a.file = s;
    } else {
      return usage_error("unexpected argument '" + s + "'");
    }
  }
  if (a.command != "run" && a.command != "validate")
    return usage_error("unknown command '" + a.command + "' (expected run or validate)");
  if (a.file.empty()) return usage_error(a.command + " needs a scenario FILE");
  if (a.command == "validate" && (a.seed || a.out || a.request_log || a.check_slo))
    return usage_error(
        "validate takes no --seed, --out, --request-log or --check-slo (it runs nothing)");
  return std::nullopt;
}

bool set_log_level(const std::string& text) {
  std::string level = text;
  if (level.empty()) {
    const char* env = std::getenv("SDSIM_LOG");
    level = env ? env : "warn";
  }
  const auto l = spdlog::level::from_str(level);
  if (l == spdlog::level::off && level != "off") return false;
  sdsim::configure_logging(l);
  return true;
}

std::optional<sdsim::Scenario> load(const std::string& file) {
  sdsim::Registry registry;
  sdsim::register_models(registry);
  sdsim::Diagnostics diag(file);
  auto scenario = sdsim::load_scenario_file(file, registry, diag);
  std::cerr << diag.format();
  if (!scenario) {
    std::cerr << "sdsim: " << diag.error_count() << (diag.error_count() == 1 ? " error" : " errors")
              << " in " << file << "\n";
  }
  return scenario;
}

int run(const Args& a) {
  auto scenario = load(a.file);
  if (!scenario) return kExitBadInput;
  if (a.check_slo && scenario->slo.empty()) {
    std::cerr << "sdsim: --check-slo: " << a.file
              << " has no `slo` to check (add one, e.g. slo: {latency: {p99: 300ms}, "
                 "availability: 99.9%})\n";
    return kExitBadInput;
  }
  const std::filesystem::path dir =
      a.out ? std::filesystem::path(*a.out) : std::filesystem::path("out") / scenario->name;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "sdsim: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return kExitRunFailed;
  }
  sdsim::AtomicFile timeseries((dir / "timeseries.csv").string());
  sdsim::RunOptions options;
  options.seed = a.seed;
  options.timeseries = &timeseries.stream();
  std::optional<sdsim::AtomicFile> request_log;
  if (a.request_log) {
    request_log.emplace(*a.request_log);
    options.request_log = &request_log->stream();
  }
  sdsim::RunResult result = sdsim::run_simulation(*scenario, options);

  timeseries.commit();
  if (request_log) request_log->commit();
  sdsim::write_file_atomically((dir / "summary.json").string(), result.summary.dump(2) + "\n");
  const double rate =
      result.wall_seconds > 0 ? static_cast<double>(result.issued) / result.wall_seconds : 0;
  nlohmann::json perf = {
      {"note", "wall-clock figures: these vary from run to run, unlike summary.json"},
      {"wall_s", result.wall_seconds},
      {"requests_issued", result.issued},
      {"requests_per_wall_s", rate}};
  sdsim::write_file_atomically((dir / "perf.json").string(), perf.dump(2) + "\n");
  if (!a.quiet) {
    std::cout << sdsim::format_summary_table(result.summary);
    std::printf(
        "\nwrote %s/{summary.json,timeseries.csv,perf.json}; %.3g requests in %.3g s wall (%.3g "
        "req/s)\n",
        dir.string().c_str(), static_cast<double>(result.issued), result.wall_seconds, rate);
  }
  if (result.stalled) {
    std::cerr << "sdsim: the run was stopped: simulated time did not advance (see the warning "
                 "in summary.json)\n";
    return kExitRunFailed;
  }
  if (result.deadlock) {
    std::cerr << "sdsim: SimGrid reported a deadlock: this is a bug in sdsim, please report it\n";
    return kExitRunFailed;
  }
  if (a.check_slo) {
    if (!sdsim::SloTracker::met(result.summary["slo"])) {
      std::cerr << "sdsim: the SLO was missed (summary.json: slo)\n";
      return kExitSloMissed;
    }
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (auto code = parse_args(argc, argv, a)) return *code;
  if (!set_log_level(a.log_level)) {
    const char* env = std::getenv("SDSIM_LOG");
    const std::string source = a.log_level.empty() ? "SDSIM_LOG" : "--log";
    const std::string value = a.log_level.empty() && env ? env : a.log_level;
    return usage_error(source + ": unknown level '" + value +
                       "' (expected trace, debug, info, warn, error or off)");
  }
  try {
    if (a.command == "validate") {
      auto scenario = load(a.file);
      if (!scenario) return kExitBadInput;
      if (!a.quiet) std::cout << a.file << ": ok (" << scenario->name << ")\n";
      return kExitOk;
    }
    return run(a);
  } catch (const std::exception& e) {
    std::cerr << "sdsim: " << e.what() << "\n";
    return kExitRunFailed;
  }
}
