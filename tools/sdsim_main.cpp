// sdsim: the command line. `sdsim COMMAND ...`; each command is a file in tools/cli/ and one
// row of the table below; see `sdsim --help` and docs/cli.md. Exit codes: 0 success, 1 the
// run failed (I/O error, SimGrid deadlock), 2 bad input (usage or scenario errors), 3 an SLO
// was missed with --check-slo, 4 a resource guard stopped the run, 130 / 143 SIGINT / SIGTERM
// stopped it (partial results written in both cases).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "sim/core/text.hpp"
#include "tools/cli/commands.hpp"

namespace {

using sdsim::cli::Command;

const Command kCommands[] = {
    {"run", R"(  sdsim run FILE [--set PATH=VALUE]... [--seed N] [--out DIR] [--quiet] [--check-slo]
                [--log LEVEL] [--request-log FILE] [--no-report] [--max-events N]
                [--max-inflight N] [--trace N [--trace-out FILE]]
      Runs the scenario; writes DIR/summary.json, DIR/timeseries.csv, DIR/latency_hist.csv,
      DIR/perf.json and DIR/report.html (default DIR: out/<scenario name>) and prints a
      summary table.
        --set PATH=VALUE
                      change the scenario before it is checked (repeatable):
                      --set components.api.workers=32, --set 'faults.split.for=10s',
                      --set 'components.api.queue={capacity: 8}'
        --seed N      use seed N instead of the scenario's `seed`
        --out DIR     where to write results (created if missing)
        --check-slo   exit with 3 when the scenario's `slo` is missed (for CI gates)
        --request-log FILE
                      one CSV line per request (client, id, issue and end time as exact
                      hex floats, outcome): for validation and debugging; large
        --no-report   do not write report.html (it takes ~1 s of CPU, needs matplotlib)
        --max-events N
                      stop the run after N simulated events (default 10^10; 0: no limit)
        --max-inflight N
                      stop the run when N requests are in flight at once: open at clients,
                      or calls held anywhere (default 10^6, about 0.3 GB; 0: no limit)
      A run stopped by these limits, SIGINT or SIGTERM writes its results, marked
      "partial": true (open requests count as unfinished). A second SIGINT quits at once.
        --trace N     trace one request in N (by request id) as Chrome trace-event JSON,
                      for Perfetto (ui.perfetto.dev) or chrome://tracing
        --trace-out FILE
                      where to write the trace (default DIR/trace.json)
)",
     sdsim::cli::run_main},
    {"report", R"(  sdsim report DIR
      (Re)builds DIR/report.html (plots and tables) from the results `sdsim run` wrote in DIR.
)",
     sdsim::cli::report_main},
    {"validate", R"(  sdsim validate FILE [--set PATH=VALUE]...
      Checks the scenario (with its --set changes) and reports every problem; runs nothing.
)",
     sdsim::cli::validate_main},
    {"sweep",
     R"(  sdsim sweep FILE [--vary PATH=V1,V2,...]... [--replications R] [--set PATH=VALUE]...
                  [--out DIR] [-j N] [--no-html] [--emit-jobs JOBFILE]
      Runs every point of the grid (the scenario's `sweep:` block, or the --vary options)
      R times, each run its own `sdsim run` process (replication k has the same seed at
      every point); writes DIR/sweep.json, DIR/runs/<point>-r<k>/, DIR/sweep.csv (mean and
      95% interval of each metric per point) and DIR/sweep.html (default DIR:
      out/<scenario name>-sweep).
        --vary PATH=V1,V2,...   an axis of the grid (repeatable; replaces `sweep: vary`)
        --replications R        runs per point (replaces `sweep: replications`)
        -j N                    N runs at a time (default 1)
        --no-html               no sweep.html
        --emit-jobs JOBFILE     run nothing: write DIR/sweep.json and one `sdsim run`
                                command per line to JOBFILE (GNU parallel, Slurm job
                                array), then fold the results with `sdsim merge DIR`
)",
     sdsim::cli::sweep_main},
    {"compare", R"(  sdsim compare A B [--metric NAME]... [--replications R] [--out DIR] [-j N]
      The paired difference B - A of each metric with its 95% interval, pairing the
      replications of A and B that share a seed, point by point, such as
        B - A: p99 -38.0 ms +/- 6.1 ms (n=10 pairs; B lower)
      A and B are sweep folders, or scenario files: each is then swept first (its
      `sweep:` block, --replications R) into DIR/A and DIR/B (default DIR: out/compare).
        --metric NAME   only these metrics (p50, p99, p999, mean, availability, goodput,
                        throughput, <component>_utilisation, slo_met; repeatable)
)",
     sdsim::cli::compare_main},
    {"merge", R"(  sdsim merge DIR... [--no-html]
      Folds the runs of each sweep folder DIR (DIR/sweep.json, DIR/runs/*/summary.json)
      into DIR/sweep.csv and DIR/sweep.html, as `sdsim sweep` does after its runs; exit
      code 1 when runs are missing (the csv is made of the others).
)",
     sdsim::cli::merge_main},
    {"keys", R"(  sdsim keys FILE...
      For the schema test: loads each scenario and prints, as JSON, the keys the loader
      accepted in each mapping, by place (path of keys; [] a list item, [KIND] a component).
)",
     sdsim::cli::keys_main},
};

const char* kHeader =
    "sdsim - a discrete-event simulator for distributed systems (SimGrid engine)\n\nusage:\n";
const char* kFooter = R"(  sdsim --help | --version

options of every command:
  --quiet, -q   print nothing on success (errors and warnings still go to stderr)
  --log LEVEL   trace, debug, info, warn (default), error, off; or set SDSIM_LOG

exit codes:
  0  success
  1  the run failed (cannot write results; the simulation deadlocked, an sdsim bug; or
     simulated time stopped advancing, "stalled": partial results written); sweep, merge,
     compare: some runs failed or are missing
  2  bad input: a usage error or an invalid scenario (messages give file:line:column)
  3  with --check-slo: the run completed and its results are written, but the SLO was missed
  4  stopped by a resource guard (--max-events, --max-inflight); partial results written
  130, 143  stopped by SIGINT, SIGTERM; partial results written (a sweep: the runs
            under way are stopped and the finished ones folded into sweep.csv)
)";

void print_usage(std::ostream& out) {
  out << kHeader;
  for (const auto& c : kCommands) out << c.usage;
  out << kFooter;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return sdsim::cli::kExitBadInput;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(std::cout);
    return sdsim::cli::kExitOk;
  }
  if (first == "--version") {
    std::cout << "sdsim " << SDSIM_VERSION << "\n";
    return sdsim::cli::kExitOk;
  }
  for (const auto& c : kCommands) {
    if (first != c.name) continue;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& s : rest) {
      if (s == "--help" || s == "-h") {
        std::cout << c.usage;
        return sdsim::cli::kExitOk;
      }
    }
    try {
      return c.main(rest);
    } catch (const std::exception& e) {
      std::cerr << "sdsim: " << e.what() << "\n";
      return sdsim::cli::kExitRunFailed;
    }
  }
  std::string names;
  std::vector<std::string> list;
  for (const auto& c : kCommands) {
    names += std::string(names.empty() ? "" : ", ") + c.name;
    list.emplace_back(c.name);
  }
  const std::string hint = sdsim::did_you_mean(first, list);
  return sdsim::cli::usage_error("unknown command '" + first + "'" +
                                 (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                 " (expected " + names + ")");
}
