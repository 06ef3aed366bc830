// `sdsim merge DIR...`: folds the runs of sweep folders (written by `sdsim sweep --emit-jobs`
// and run elsewhere: GNU parallel, a Slurm job array) into sweep.csv and sweep.html, with the
// function `sdsim sweep` uses after its own runs (write_sweep_results).
#include <algorithm>

#include "tools/cli/commands.hpp"
#include "tools/cli/sweep.hpp"

namespace sdsim::cli {

int merge_main(const std::vector<std::string>& args) {
  CommonOptions common;
  std::vector<std::string> dirs;
  bool no_html = false;
  ArgParser parser("merge");
  common.add_to(parser);
  parser.flag("--no-html", &no_html);
  parser.positionals(&dirs, 1, 1000000, "one or more sweep folders DIR");
  if (auto code = parser.parse(args)) return *code;
  if (auto code = common.apply()) return *code;
  int code = kExitOk;
  for (const auto& d : dirs) code = std::max(code, write_sweep_results(d, !no_html, common.quiet));
  return code;
}

}  // namespace sdsim::cli
