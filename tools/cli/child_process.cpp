#include "tools/cli/child_process.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>

extern char** environ;

namespace sdsim::cli {

BlockedSignals::BlockedSignals() {
  sigemptyset(&set_);
  for (int sig : {SIGINT, SIGTERM, SIGCHLD}) sigaddset(&set_, sig);
  sigprocmask(SIG_BLOCK, &set_, &old_);
}

BlockedSignals::~BlockedSignals() { sigprocmask(SIG_SETMASK, &old_, nullptr); }

int BlockedSignals::wait() const {
  while (true) {
    const int sig = sigwaitinfo(&set_, nullptr);
    if (sig > 0) return sig;
    if (errno != EINTR) return -1;
  }
}

ChildResult run_child(const std::vector<std::string>& argv_text) {
  ChildResult result;
  std::vector<std::string> copy = argv_text;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const BlockedSignals signals;
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // the child starts with no signal blocked
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  result.spawn_error = posix_spawnp(&pid, argv[0], nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  int stops = 0;
  while (result.spawn_error == 0) {
    const pid_t done = waitpid(pid, &result.status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    const int sig = signals.wait();
    if (sig != SIGINT && sig != SIGTERM) continue;
    if (result.signal == 0) result.signal = sig;
    kill(pid, ++stops == 1 ? sig : SIGKILL);
  }
  return result;
}

}  // namespace sdsim::cli
