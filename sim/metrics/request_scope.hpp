// RequestScope: what one client (or the whole system) measured about its requests.
//
// Attribution (DESIGN.md): summary figures cover requests *issued* in the measured interval
// [warmup, stop) ("counted" requests), whenever their attempts and replies happen: offered
// load is their attempts, throughput their responses that reached the client (any status,
// late ones included), goodput their ok outcomes, each per second of the interval, so
// goodput <= throughput always. Per-window figures attribute an outcome and its latency to
// the window in which the request *ended*, offered load to the window in which each attempt
// was *sent*, and throughput to the window in which the response arrived.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "sim/core/units.hpp"
#include "sim/metrics/batch_means.hpp"
#include "sim/metrics/histogram.hpp"
#include "sim/metrics/measure_clock.hpp"
#include "sim/metrics/outcome.hpp"

namespace sdsim {

// A window figure with no value (no samples): an empty CSV cell.
inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct RequestCounters {
  std::uint64_t issued = 0;
  std::uint64_t attempts = 0;
  std::uint64_t responses = 0;
  std::array<std::uint64_t, kOutcomeCount> outcomes{};
  std::uint64_t ended() const;
};

class RequestScope {
 public:
  RequestScope(std::string name, const MeasureClock& clock)
      : name_(std::move(name)), clock_(clock) {}

  // Optional per-request log (CSV "client,request,issued_s,ended_s,outcome", times as C99 hex
  // floats so they compare bit for bit). For validation and debugging; off by default.
  void set_request_log(std::ostream* log) { log_ = log; }
  // Nothing issued, sent, answered or ended since the window began.
  bool window_empty() const {
    return window_.issued == 0 && window_.attempts == 0 && window_.responses == 0 &&
           window_.ended() == 0;
  }
  // Batch means of the system scope (MetricsHub): each client scope adds its counted ok
  // requests to it. May be null.
  void set_batch_means(BatchMeans* batches) { batches_ = batches; }

  const std::string& name() const { return name_; }

  // Hot path. `issued_at` says whether the request is counted in the summary.
  void request_issued(Seconds issued_at);
  void attempt_sent(Seconds now, Seconds issued_at);
  void response_received(Seconds now, Seconds attempt_latency, Seconds issued_at);
  void request_ended(Seconds now, Seconds issued_at, Outcome outcome, std::uint64_t id = 0) {
    if (log_ != nullptr) log_request(id, issued_at, now, outcome);
    record_end(now, issued_at, outcome);
  }

  // Summary (issue-attributed) figures.
  const RequestCounters& summary_counts() const { return summary_; }
  // Latency of counted ok requests (summary `latency.ok`).
  const LatencyHistogram& latency_ok() const { return latency_ok_; }
  std::uint64_t open_counted() const { return summary_.issued - summary_.ended(); }
  // Requests ended over the whole run, counted or not (for a progress display).
  std::uint64_t ended_total() const { return ended_total_; }
  nlohmann::json summary_json(Seconds measured_length) const;

  // The system scope is the sum of the client scopes, made at window ends and at the end of
  // the run rather than recorded twice on the hot path.
  void add_window_of(const RequestScope& other);
  void add_summary_of(const RequestScope& other);

  // Window figures: rows "metric,value" for the window just closed, then resets them.
  template <class Emit>
  void close_window(Seconds length, Emit&& emit);

 private:
  void record_end(Seconds now, Seconds issued_at, Outcome outcome);
  void log_request(std::uint64_t id, Seconds issued_at, Seconds now, Outcome outcome);

  std::string name_;
  const MeasureClock& clock_;
  std::ostream* log_ = nullptr;
  BatchMeans* batches_ = nullptr;
  RequestCounters summary_;
  std::uint64_t ended_total_ = 0;
  LatencyHistogram latency_ok_;
  LatencyHistogram latency_all_;
  LatencyHistogram latency_attempt_;
  RequestCounters window_;
  LatencyHistogram window_ok_;
};

template <class Emit>
void RequestScope::close_window(Seconds length, Emit&& emit) {
  const double len = length > 0 ? length : 1;
  emit("issued", static_cast<double>(window_.issued));
  emit("offered_per_s", static_cast<double>(window_.attempts) / len);
  emit("throughput_per_s", static_cast<double>(window_.responses) / len);
  emit("goodput_per_s", static_cast<double>(window_.outcomes[0]) / len);
  // Attempts sent per request issued in the window (retries and hedges show here).
  emit("retry_amplification", window_.issued > 0 ? static_cast<double>(window_.attempts) /
                                                       static_cast<double>(window_.issued)
                                                 : kNoValue);
  for (int o = 0; o < kOutcomeCount; ++o)
    emit(kOutcomeNames[o], static_cast<double>(window_.outcomes[o]));
  const std::uint64_t ended = window_.ended();
  emit("availability", ended > 0 ? static_cast<double>(window_.outcomes[0]) / ended : kNoValue);
  auto ms = [](std::optional<double> s) { return s ? *s * 1e3 : kNoValue; };
  emit("latency_mean_ms", ms(window_ok_.mean()));
  emit("latency_p50_ms", ms(window_ok_.quantile(0.5)));
  emit("latency_p99_ms", ms(window_ok_.quantile(0.99)));
  emit("latency_p999_ms", ms(window_ok_.quantile(0.999)));
  window_ = RequestCounters{};
  window_ok_.reset();
}

// JSON for a histogram of seconds, in milliseconds: count, mean, p50, p90, p99, p99.9, max
// (null when empty).
nlohmann::json latency_json_ms(const LatencyHistogram& h);

}  // namespace sdsim
