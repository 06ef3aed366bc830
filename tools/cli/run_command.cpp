// `sdsim run FILE`: runs a scenario and writes its results (see docs/cli.md).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sim/engine/simulation.hpp"
#include "sim/metrics/slo.hpp"
#include "sim/metrics/tracer.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/summary_table.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/progress.hpp"

namespace sdsim::cli {

namespace {

struct RunArgs {
  CommonOptions common;
  std::string file;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> out;
  bool check_slo = false;
  std::optional<std::string> request_log;
  bool no_report = false;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> max_events;
  std::optional<std::uint64_t> max_inflight;
  std::optional<std::uint64_t> trace;
  std::optional<std::string> trace_out;
};

std::uint64_t peak_rss_bytes() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024;  // Linux: kilobytes
}

std::optional<int> parse_run_args(const std::vector<std::string>& args, RunArgs& a) {
  std::vector<std::string> files;
  ArgParser parser("run");
  a.common.add_to(parser);
  parser.unsigned_value("--seed", &a.seed);
  parser.value("--out", &a.out);
  parser.flag("--check-slo", &a.check_slo);
  parser.value("--request-log", &a.request_log);
  parser.flag("--no-report", &a.no_report);
  parser.repeated("--set", &a.sets);
  parser.unsigned_value("--max-events", &a.max_events);
  parser.unsigned_value("--max-inflight", &a.max_inflight);
  parser.unsigned_value("--trace", &a.trace);
  parser.value("--trace-out", &a.trace_out);
  parser.positionals(&files, 1, 1, "a scenario FILE");
  if (auto code = parser.parse(args)) return code;
  a.file = files[0];
  if (a.trace && *a.trace == 0) return usage_error("--trace N: N must be at least 1");
  if (a.trace_out && !a.trace) return usage_error("--trace-out needs --trace N");
  return a.common.apply();
}

}  // namespace

int run_main(const std::vector<std::string>& args) {
  RunArgs a;
  if (auto code = parse_run_args(args, a)) return *code;
  const auto load_start = std::chrono::steady_clock::now();
  const auto overrides = parse_sets(a.sets);
  if (!overrides) return kExitBadInput;
  auto scenario = load_scenario(a.file, *overrides);
  if (!scenario) return kExitBadInput;
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  if (a.check_slo && scenario->slo.empty()) {
    std::cerr << "sdsim: --check-slo: " << a.file
              << " has no `slo` to check (add one, e.g. slo: {latency: {p99: 300ms}, "
                 "availability: 99.9%})\n";
    return kExitBadInput;
  }
  const std::filesystem::path dir =
      a.out ? std::filesystem::path(*a.out) : std::filesystem::path("out") / scenario->name;
  // The files named on the command line must not replace the scenario or one another's.
  std::vector<std::pair<std::filesystem::path, std::string>> taken{{a.file, "the scenario"}};
  for (const char* name : {"summary.json", "timeseries.csv", "latency_hist.csv", "perf.json",
                           "report.html", "trace.json"})
    taken.emplace_back(dir / name, std::string(name) + " of this run");
  if (a.request_log) {
    if (auto code = refuse_overwrite("--request-log", *a.request_log, taken)) return *code;
    taken.emplace_back(*a.request_log, "the --request-log");
  }
  if (a.trace_out) {
    std::erase_if(taken, [&dir](const auto& t) { return t.first == dir / "trace.json"; });
    if (auto code = refuse_overwrite("--trace-out", *a.trace_out, taken)) return *code;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "sdsim: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return kExitRunFailed;
  }
  // What an earlier run left in DIR and this one might not rewrite would sit beside the new
  // results as if it were theirs: the report (not with --no-report or when it fails) and the
  // trace (not without --trace, or with --trace-out elsewhere). This run writes them anew.
  // Only in a folder of an earlier run (it has a summary.json): other files are not sdsim's.
  if (std::filesystem::exists(dir / "summary.json", ec)) {
    std::filesystem::remove(dir / "report.html", ec);
    std::filesystem::remove(dir / "trace.json", ec);
  }
  AtomicFile timeseries((dir / "timeseries.csv").string());
  AtomicFile latency_hist((dir / "latency_hist.csv").string());
  RunOptions options;
  options.seed = a.seed;
  options.sets = a.sets;
  options.timeseries = &timeseries.stream();
  options.latency_histogram = &latency_hist.stream();
  std::optional<AtomicFile> request_log;
  if (a.request_log) {
    request_log.emplace(*a.request_log);
    options.request_log = &request_log->stream();
  }
  if (a.max_events) options.guards.max_events = *a.max_events;
  if (a.max_inflight) options.guards.max_inflight = *a.max_inflight;
  options.stop_on_signals = true;
  // A progress line on stderr, only for a terminal and without --quiet.
  std::optional<ProgressMeter> progress;
  if (!a.common.quiet && ProgressMeter::is_terminal(stderr)) {
    progress.emplace(stderr);
    options.progress = [&progress](const RunProgress& p) { progress->update(p); };
  }
  std::optional<Tracer> tracer;
  if (a.trace) {
    tracer.emplace(*a.trace);
    options.tracer = &*tracer;
  }
  RunResult result = run_simulation(*scenario, options);
  if (progress) progress->clear();

  timeseries.commit();
  latency_hist.commit();
  if (request_log) request_log->commit();
  write_file_atomically((dir / "summary.json").string(), result.summary.dump(2) + "\n");
  const double rate =
      result.wall_seconds > 0 ? static_cast<double>(result.issued) / result.wall_seconds : 0;
  nlohmann::json perf = {
      {"note", "wall-clock figures: these vary from run to run, unlike summary.json"},
      {"load_s", load_s},
      {"setup_s", result.setup_seconds},
      {"wall_s", result.wall_seconds},
      {"requests_issued", result.issued},
      {"requests_per_wall_s", rate},
      {"peak_rss_bytes", peak_rss_bytes()}};
  write_file_atomically((dir / "perf.json").string(), perf.dump(2) + "\n");
  if (tracer) {
    const std::string file = a.trace_out ? *a.trace_out : (dir / "trace.json").string();
    AtomicFile trace_file(file);
    tracer->write(trace_file.stream());
    trace_file.commit();
    if (tracer->dropped() > 0)
      std::cerr << "sdsim: warning: the trace keeps its first " << Tracer::kMaxSpans << " spans; "
                << tracer->dropped() << " more were dropped (use a larger --trace N)\n";
    if (!a.common.quiet)
      std::printf("wrote %s: %zu requests traced (1 in %llu), %zu spans\n", file.c_str(),
                  tracer->requests(), static_cast<unsigned long long>(*a.trace), tracer->spans());
  }
  // The report comes last: it reads the files above. Its failure is a warning only; a signal
  // while it is drawn stops it (the results above are complete: exit code 130 or 143 below).
  int report_interrupted_by = 0;
  const bool report = !a.no_report && write_report(dir, &report_interrupted_by);
  if (!a.common.quiet) {
    std::cout << format_summary_table(result.summary);
    std::printf(
        "\nwrote %s/{summary.json,timeseries.csv,latency_hist.csv,perf.json%s%s}; %.3g requests "
        "in %.3g s wall (%.3g req/s)\n",
        dir.string().c_str(), report ? ",report.html" : "",
        tracer && !a.trace_out ? ",trace.json" : "", static_cast<double>(result.issued),
        result.wall_seconds, rate);
  }
  // The run's warnings (a run too short for its intervals, a queue that grows, ...) also go to
  // stderr, with --quiet too: a reader of summary.json's numbers alone should not miss them. Not
  // when the table above, which lists them, went to a terminal: once is enough there.
  const bool table_on_terminal = !a.common.quiet && isatty(STDOUT_FILENO) == 1;
  // The loader's warnings come first there; load_scenario has printed them already.
  if (!table_on_terminal) {
    const auto& warnings = result.summary["warnings"];
    for (std::size_t i = scenario->warnings.size(); i < warnings.size(); ++i)
      std::cerr << "sdsim: warning: " << warnings[i].get<std::string>() << "\n";
  }
  const std::string& stopped = result.stopped_by;
  if (stopped == "SIGINT" || stopped == "SIGTERM") {
    std::cerr << "sdsim: interrupted (" << stopped << "): partial results written to "
              << dir.string() << "\n";
    return kExitSignalBase + (stopped == "SIGINT" ? SIGINT : SIGTERM);
  }
  if (report_interrupted_by != 0) {
    std::cerr << "sdsim: interrupted while writing report.html; the results in " << dir.string()
              << " are complete (`sdsim report " << dir.string() << "` draws the report)\n";
    return kExitSignalBase + report_interrupted_by;
  }
  if (stopped == "max_events" || stopped == "max_inflight") {
    std::cerr << "sdsim: the run was stopped by --"
              << (stopped == "max_events" ? "max-events" : "max-inflight")
              << " (see the warning in summary.json): partial results written to " << dir.string()
              << "\n";
    return kExitStoppedByGuard;
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
  if (a.check_slo && !SloTracker::met(result.summary["slo"])) {
    std::cerr << "sdsim: the SLO was missed (summary.json: slo)\n";
    return kExitSloMissed;
  }
  return kExitOk;
}

}  // namespace sdsim::cli
