// Child processes that sdsim waits for (the runs of a sweep, the plotting scripts) and the
// signals that come meanwhile: SIGINT and SIGTERM are taken by sdsim and passed on to the
// children (a second one kills them) instead of ending sdsim at once, so that no child outlives
// sdsim and the caller can say what happened.
#pragma once

#include <csignal>
#include <string>
#include <vector>

namespace sdsim::cli {

// Blocks SIGINT, SIGTERM and SIGCHLD while it lives, so that the waiting code takes them with
// wait() (sigwaitinfo: no handler, no race between a check and a wait). Children started
// meanwhile must unblock them (run_child does; `sdsim sweep`'s runs do after fork).
class BlockedSignals {
 public:
  BlockedSignals();
  ~BlockedSignals();  // a SIGCHLD still pending is then delivered, and ignored
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;
  // Waits for the next of the three; -1 if waiting failed.
  int wait() const;

 private:
  sigset_t set_, old_;
};

struct ChildResult {
  int spawn_error = 0;  // errno of posix_spawn (the rest is then meaningless)
  int status = 0;       // waitpid status
  int signal = 0;       // the first SIGINT or SIGTERM sdsim got while waiting (0: none)
};

// Runs argv[0] (a path, or a name looked up in PATH) with `argv` and waits for it; stdin,
// stdout and stderr are sdsim's.
ChildResult run_child(const std::vector<std::string>& argv);

}  // namespace sdsim::cli
