// ProgressMeter: a one-line progress display on stderr for `sdsim run` (docs/cli.md):
// simulated time out of `duration` (or requests issued out of `requests`), requests done,
// and an estimate of the wall time left, rewritten in place (\r) at most kRefreshSeconds
// apart, from the first second of wall time on, and erased at the end. It only reads what
// the run reports (RunOptions::progress), so it cannot change results.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "sim/engine/simulation.hpp"

namespace sdsim::cli {

class ProgressMeter {
 public:
  // Short runs print nothing. The environment variable SDSIM_PROGRESS_AFTER (seconds)
  // overrides it (tests use 0).
  static constexpr double kFirstAfterSeconds = 1.0;
  static constexpr double kRefreshSeconds = 0.25;

  explicit ProgressMeter(std::FILE* out);
  ~ProgressMeter() { clear(); }

  // True when `out` is a terminal (the only case where a progress line is shown).
  static bool is_terminal(std::FILE* out);

  void update(const RunProgress& p);
  // Erases the line, if one was shown.
  void clear();

  // The line for `p` after `wall_s` seconds of wall time (no \r): for tests and update().
  static std::string format(const RunProgress& p, double wall_s);

 private:
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  double first_after_ = kFirstAfterSeconds;
  double last_ = -1;  // wall seconds of the last line shown (< 0: none yet)
  std::size_t width_ = 0;
};

}  // namespace sdsim::cli
