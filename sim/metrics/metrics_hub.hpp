// MetricsHub: owns every scope of a run (the system, each client, each component), closes
// time-series windows on a calendar event at each window boundary (streaming the rows to a
// sink, so memory does not grow with run length), and assembles the summary.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/engine/calendar.hpp"
#include "sim/metrics/measure_clock.hpp"
#include "sim/metrics/request_scope.hpp"
#include "sim/metrics/slo.hpp"
#include "sim/metrics/station_stats.hpp"

namespace sdsim {

class MetricsHub final : public EventTarget {
 public:
  // `timeseries` receives CSV rows (header included); may be null (no time series).
  MetricsHub(Calendar& calendar, Seconds warmup, Seconds window, std::ostream* timeseries);

  RequestScope& add_client(const std::string& name);
  // A request class of a client: measured on its own (its requests are also in the client's
  // scope); reported under clients.<client>.classes.<name> and as scope class/<client>/<name>.
  RequestScope& add_class(const std::string& client, const std::string& name);
  // Batch means for confidence intervals of the system scope's ok latency (BatchMeans;
  // summary system.latency.ok.ci95). `duration`: the scenario's, if any. Before add_client.
  void enable_batch_means(std::optional<Seconds> duration);
  // Every client scope (now and later) logs each request's end to `log` (see RequestScope).
  void set_request_log(std::ostream* log);
  StationStats& add_station(const std::string& name, StationShape shape);
  // The station of component `name`; nullptr if it has none (a client). Not for the hot path.
  StationStats* station(std::string_view name);
  // Judges the system scope against `slo` per window (timeseries scope `slo`) and overall
  // (summary `slo`). Before start().
  void set_slo(const SloConfig& slo);

  // Incidents: the windows of faults and traffic shocks (issue "Chaos in simulation"). Each
  // is listed in summary.json (`incidents`: kind, name, target, from_s, to_s; to_s null while
  // open at the end) and, in timeseries.csv, as scope incident/<name>, metric `active`: the
  // fraction of each time-series window it covered (rows only for windows it touched).
  using IncidentId = std::uint32_t;
  IncidentId begin_incident(std::string kind, std::string name, std::string target, Seconds at);
  void end_incident(IncidentId id, Seconds at);
  // A model's own warning for summary.json's `warnings` (e.g. incidents left unlisted).
  void add_warning(std::string text) { model_warnings_.push_back(std::move(text)); }

  const MeasureClock& clock() const { return clock_; }
  // Schedules the first window boundary and the warm-up mark. Call before the run.
  void start();
  // Clients stopped issuing at `t`: the measured interval is [warmup, t).
  void mark_issue_stop(Seconds t);
  bool issue_stopped() const { return issue_stopped_; }
  // The run is over at `t`: closes the last (partial) window, stops scheduling.
  void finish(Seconds t);

  // Counted requests still open, over all clients.
  std::uint64_t open_counted() const;
  // Requests ended so far over all clients, counted or not (a progress display).
  std::uint64_t ended_total() const;

  // {"system": ..., "clients": {...}, "components": {...}}, plus warnings.
  nlohmann::json summary() const;
  std::vector<std::string> warnings() const;
  // latency_hist.csv: the non-empty buckets of the latency histogram of counted ok requests
  // (summary `latency.ok`), for the system and each client: rows `scope,le_ms,count`.
  void write_latency_histogram(std::ostream& out) const;
  Seconds measured_length() const;

  void fire(std::uint32_t tag, void* data) override;

  // At most this many windows are written; then the time series stops (with a warning).
  static constexpr std::uint64_t kMaxWindows = 100'000;

 private:
  void close_window(Seconds end);

  Calendar& calendar_;
  MeasureClock clock_;
  Seconds window_;
  std::ostream* out_;
  std::ostream* request_log_ = nullptr;
  std::deque<RequestScope> clients_;
  std::deque<std::pair<std::string, RequestScope>> classes_;  // (client, scope)
  std::deque<StationStats> stations_;
  struct Incident {
    std::string kind, name, target;
    Seconds from = 0;
    Seconds to = -1;  // < 0: still open
  };
  std::vector<Incident> incidents_;
  // The system's goodput per window (start, end, goodput): for recovery times.
  struct GoodputWindow {
    Seconds start, end;
    double goodput;
  };
  std::vector<GoodputWindow> goodput_;
  nlohmann::json recovery_of(const Incident& i) const;
  std::vector<std::string> model_warnings_;
  std::unique_ptr<RequestScope> system_window_;
  std::unique_ptr<BatchMeans> batches_;
  std::optional<SloTracker> slo_;
  Seconds window_start_ = 0;
  Seconds interval_end_ = 0;
  std::uint64_t windows_ = 0;
  bool truncated_ = false;
  bool issue_stopped_ = false;
  bool finished_ = false;
  bool warmup_marked_ = false;
};

}  // namespace sdsim
