#include "tools/cli/child_process.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>

extern char** environ;

namespace sdsim::cli {

ChildResult run_child(const std::vector<std::string>& argv_text) {
  ChildResult result;
  std::vector<std::string> copy = argv_text;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Blocked while waiting, taken with sigwaitinfo: no handler, no race with the wait.
  sigset_t waited, old;
  sigemptyset(&waited);
  for (int sig : {SIGINT, SIGTERM, SIGCHLD}) sigaddset(&waited, sig);
  sigprocmask(SIG_BLOCK, &waited, &old);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // the child starts with no signal blocked
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  result.spawn_error = posix_spawnp(&pid, argv[0], nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  int signals = 0;
  while (result.spawn_error == 0) {
    const pid_t done = waitpid(pid, &result.status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    const int sig = sigwaitinfo(&waited, nullptr);
    if (sig != SIGINT && sig != SIGTERM) continue;
    if (result.signal == 0) result.signal = sig;
    kill(pid, ++signals == 1 ? sig : SIGKILL);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  return result;
}

}  // namespace sdsim::cli
