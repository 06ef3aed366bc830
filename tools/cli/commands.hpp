// The sdsim commands. Each lives in its own file (run_command.cpp, ...) and is listed once in
// the table of sdsim_main.cpp; a command gets its own arguments (after the command word) and
// returns the process exit code (see args.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/overrides.hpp"
#include "sim/config/scenario.hpp"
#include "tools/cli/args.hpp"

namespace sdsim::cli {

struct Command {
  const char* name;
  const char* usage;  // the command's lines of `sdsim --help`
  int (*main)(const std::vector<std::string>& args);
};

// Options every command takes: --log LEVEL (or SDSIM_LOG) and --quiet.
struct CommonOptions {
  std::optional<std::string> log_level;
  bool quiet = false;
  void add_to(ArgParser& parser);
  // Applies --log; returns an exit code on a bad level.
  std::optional<int> apply() const;
};

// Loads and checks a scenario with its overrides, printing its diagnostics to stderr; nullopt
// on errors.
std::optional<Scenario> load_scenario(const std::string& file,
                                      const std::vector<Override>& overrides = {});

// Parses the texts of repeated `--set PATH=VALUE` options; nullopt (after a usage error
// message) when one is malformed.
std::optional<std::vector<Override>> parse_sets(const std::vector<std::string>& texts,
                                                const std::string& origin = "--set");

// An output file named on the command line (`option`: "--request-log") must not be the
// scenario or another output of the same command (`taken`: file -> what it is, such as
// "the scenario" or "summary.json"): prints why and returns kExitBadInput when it is. Paths are
// compared as files (relative, absolute, through `..` and symbolic links alike).
std::optional<int> refuse_overwrite(
    const std::string& option, const std::filesystem::path& file,
    const std::vector<std::pair<std::filesystem::path, std::string>>& taken);

int run_main(const std::vector<std::string>& args);
int validate_main(const std::vector<std::string>& args);
int report_main(const std::vector<std::string>& args);

// Writes dir/report.html with tools/plots/report.py (report_command.cpp). On failure (no
// Python, no matplotlib, the script failed) prints a warning saying why and how to fix it, and
// returns false; other results in dir are left as they are. A SIGINT or SIGTERM that comes
// while the script runs is passed on to it and stored in *interrupted_by (when given).
bool write_report(const std::filesystem::path& dir, int* interrupted_by = nullptr);
int sweep_main(const std::vector<std::string>& args);
int compare_main(const std::vector<std::string>& args);
int merge_main(const std::vector<std::string>& args);
int keys_main(const std::vector<std::string>& args);

}  // namespace sdsim::cli
