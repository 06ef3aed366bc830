// Stop requests: how a signal handler asks the run in progress to stop early.
//
// A handler may do almost nothing safely; storing into a lock-free atomic is allowed
// (C++17 [support.signal]). The calendar reads the flag once per SimGrid round (a relaxed
// load: free beside a round's cost) and the run then stops cleanly, as a resource guard does
// (RunControl::stop): open requests end as `unfinished`, results are written, marked partial.
// The flag is process-wide state by necessity: a signal is delivered to the process.
#pragma once

#include <atomic>

namespace sdsim {

namespace detail {
inline std::atomic<int> stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");
}  // namespace detail

// Asks the run to stop; `signal_number` (> 0) says why (SIGINT, SIGTERM). Async-signal-safe.
inline void request_stop(int signal_number) noexcept {
  detail::stop_signal.store(signal_number, std::memory_order_relaxed);
}
// The signal number of a pending stop request; 0 when none.
inline int stop_requested() noexcept { return detail::stop_signal.load(std::memory_order_relaxed); }

// Makes SIGINT and SIGTERM request a stop; a second one ends the process at once, as the
// signal would have (result files are written atomically: none is left half-written).
// Call it after SimGrid's engine is created: its constructor installs its own SIGINT handler,
// which calls exit() from the handler, in the middle of the run.
void handle_stop_signals();
// Gives SIGINT and SIGTERM their default action back (after the run).
void default_stop_signals();

}  // namespace sdsim
