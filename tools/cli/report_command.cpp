// `sdsim report DIR`: (re)builds DIR/report.html from DIR's summary.json, timeseries.csv and
// latency_hist.csv with tools/plots/report.py (see docs/cli.md). `sdsim run` calls the same
// write_report() after a run unless --no-report.
//
// The script is found at the path baked in at build time (SDSIM_REPORT_SCRIPT, the source
// tree's tools/plots/report.py), or at the environment's SDSIM_REPORT_SCRIPT; it runs under
// /usr/bin/python3 (Debian's, which has python3-matplotlib) or the environment's SDSIM_PYTHON,
// as a child process started with posix_spawn (no shell: paths may hold spaces; run_child).
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "tools/cli/child_process.hpp"
#include "tools/cli/commands.hpp"

#ifndef SDSIM_REPORT_SCRIPT
#error "SDSIM_REPORT_SCRIPT (path of tools/plots/report.py) must be defined by the build"
#endif

namespace sdsim::cli {

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

void warn(const std::string& text) { std::cerr << "sdsim: warning: " << text << "\n"; }

}  // namespace

bool write_report(const std::filesystem::path& dir, int* interrupted_by) {
  const std::string python = env_or("SDSIM_PYTHON", "/usr/bin/python3");
  const std::string script = env_or("SDSIM_REPORT_SCRIPT", SDSIM_REPORT_SCRIPT);
  const std::string what = "report.html not written: ";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(script, ec)) {
    warn(what + "the report script " + script +
         " does not exist (set SDSIM_REPORT_SCRIPT to tools/plots/report.py of an sdsim "
         "source tree; --no-report skips the report)");
    return false;
  }
  const ChildResult child = run_child({python, script, dir.string()});
  if (child.spawn_error != 0) {
    warn(what + "cannot run " + python + ": " + std::strerror(child.spawn_error) +
         " (install Python 3 and matplotlib: apt-get install python3 python3-matplotlib; or "
         "set SDSIM_PYTHON to an interpreter that has matplotlib)");
    return false;
  }
  const int status = child.status;
  if (child.signal != 0) {
    if (interrupted_by != nullptr) *interrupted_by = child.signal;
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      warn(what + "interrupted (" + (child.signal == SIGINT ? "SIGINT" : "SIGTERM") + ")");
      return false;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    warn(what + "cannot run " + python +
         " (install it: apt-get install python3 python3-matplotlib; or set SDSIM_PYTHON)");
  } else if (WIFEXITED(status)) {
    warn(what + script + " failed with exit code " + std::to_string(WEXITSTATUS(status)) +
         " (its message is above; if matplotlib is missing: apt-get install "
         "python3-matplotlib)");
  } else {
    warn(what + script + " was killed by signal " + std::to_string(WTERMSIG(status)));
  }
  return false;
}

int report_main(const std::vector<std::string>& args) {
  CommonOptions common;
  std::vector<std::string> dirs;
  ArgParser parser("report");
  common.add_to(parser);
  parser.positionals(&dirs, 1, 1, "a results DIR (the --out of `sdsim run`)");
  if (auto code = parser.parse(args)) return *code;
  if (auto code = common.apply()) return *code;
  const std::filesystem::path dir(dirs[0]);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "summary.json", ec)) {
    std::cerr << "sdsim: report: " << (dir / "summary.json").string()
              << " does not exist (run `sdsim run FILE --out " << dir.string() << "` first)\n";
    return kExitBadInput;
  }
  int interrupted_by = 0;
  const bool written = write_report(dir, &interrupted_by);
  if (interrupted_by != 0) return kExitSignalBase + interrupted_by;
  if (!written) return kExitRunFailed;
  if (!common.quiet) std::cout << "wrote " << (dir / "report.html").string() << "\n";
  return kExitOk;
}

}  // namespace sdsim::cli
