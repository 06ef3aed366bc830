#include "sim/engine/stop_request.hpp"

#include <csignal>

namespace sdsim {

namespace {

extern "C" void on_stop_signal(int sig) {
  if (stop_requested() != 0) {  // the second one: go now
    std::signal(sig, SIG_DFL);  // signal() and raise() are async-signal-safe (POSIX)
    std::raise(sig);
    return;
  }
  request_stop(sig);
}

void set_handlers(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace

void handle_stop_signals() { set_handlers(on_stop_signal); }

void default_stop_signals() { set_handlers(SIG_DFL); }

}  // namespace sdsim
