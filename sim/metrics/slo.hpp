// Service-level objectives (docs/reference.md, "slo"): latency percentile targets and an
// availability target over all clients (the `system` scope), judged over the measured interval
// and per time-series window, with the error budget and its burn rate.
//
//   error budget            = 1 - availability target (the share of requests allowed to fail)
//   budget consumed         = (1 - measured availability) / error budget (1 = all of it)
//   burn rate (per window)  = (1 - window availability) / error budget (1 = spending the
//                             budget exactly as fast as the target allows)
// A window meets the SLO when its availability and its latency percentiles meet the targets;
// a window in which no request ended is not judged.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "sim/core/units.hpp"

namespace sdsim {

struct SloConfig {
  std::optional<Seconds> p50, p99, p999;  // latency targets (of ok requests)
  std::optional<double> availability;     // target fraction, e.g. 0.999
  bool empty() const { return !p50 && !p99 && !p999 && !availability; }
};

// Judges each window as MetricsHub closes it and the run as a whole.
class SloTracker {
 public:
  explicit SloTracker(const SloConfig& config) : config_(config) {}

  // One window of the system scope: `ended` requests ended in it with `availability`, and the
  // latency percentiles of its ok requests (seconds; nullopt without ok requests). `emit`
  // receives the window's rows (met, burn_rate). Windows in [warmup, stop) are counted.
  template <class Emit>
  void window(bool counted, std::uint64_t ended, double availability, std::optional<double> p50,
              std::optional<double> p99, std::optional<double> p999, Emit&& emit) {
    if (ended == 0) return;
    const bool met = meets(availability, p50, p99, p999);
    emit("met", met ? 1.0 : 0.0);
    if (config_.availability && *config_.availability < 1)
      emit("burn_rate", (1 - availability) / (1 - *config_.availability));
    if (!counted) return;
    ++windows_;
    if (met) ++windows_met_;
  }

  // The verdict over the measured interval, from the system scope's summary block.
  nlohmann::json summary(const nlohmann::json& system) const;
  // True when the summary says every target was met.
  static bool met(const nlohmann::json& slo_summary);

 private:
  bool meets(double availability, std::optional<double> p50, std::optional<double> p99,
             std::optional<double> p999) const;

  SloConfig config_;
  std::uint64_t windows_ = 0, windows_met_ = 0;
};

}  // namespace sdsim
