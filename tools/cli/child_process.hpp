// A helper process (a plotting script) run to its end with sdsim waiting: SIGINT and SIGTERM
// that arrive meanwhile are passed on to it (a second one kills it) instead of ending sdsim at
// once, so that the script never outlives sdsim and the caller can say what happened.
#pragma once

#include <string>
#include <vector>

namespace sdsim::cli {

struct ChildResult {
  int spawn_error = 0;  // errno of posix_spawn (the rest is then meaningless)
  int status = 0;       // waitpid status
  int signal = 0;       // the first SIGINT or SIGTERM sdsim got while waiting (0: none)
};

// Runs argv[0] (a path, or a name looked up in PATH) with `argv`; stdin, stdout and stderr
// are sdsim's.
ChildResult run_child(const std::vector<std::string>& argv);

}  // namespace sdsim::cli
