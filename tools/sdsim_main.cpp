// sdsim: the command line. `sdsim COMMAND ...`; each command is a file in tools/cli/ and one
// row of the table below; see `sdsim --help` and docs/cli.md. Exit codes: 0 success, 1 the
// run failed (I/O error, SimGrid deadlock), 2 bad input (usage or scenario errors), 3 an SLO
// was missed with --check-slo.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli/commands.hpp"

namespace {

using sdsim::cli::Command;

const Command kCommands[] = {
    {"run", R"(  sdsim run FILE [--seed N] [--out DIR] [--quiet] [--check-slo] [--log LEVEL]
                [--request-log FILE]
      Runs the scenario; writes DIR/summary.json, DIR/timeseries.csv and DIR/perf.json
      (default DIR: out/<scenario name>) and prints a summary table.
        --seed N      use seed N instead of the scenario's `seed`
        --out DIR     where to write results (created if missing)
        --check-slo   exit with 3 when the scenario's `slo` is missed (for CI gates)
        --request-log FILE
                      one CSV line per request (client, id, issue and end time as exact
                      hex floats, outcome): for validation and debugging; large
)",
     sdsim::cli::run_main},
    {"validate", R"(  sdsim validate FILE
      Checks the scenario and reports every problem; runs nothing.
)",
     sdsim::cli::validate_main},
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
  1  the run failed (cannot write results, or the simulation deadlocked: an sdsim bug)
  2  bad input: a usage error or an invalid scenario (messages give file:line:column)
  3  with --check-slo: the run completed and its results are written, but the SLO was missed
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
  for (const auto& c : kCommands) names += std::string(names.empty() ? "" : ", ") + c.name;
  return sdsim::cli::usage_error("unknown command '" + first + "' (expected " + names + ")");
}
