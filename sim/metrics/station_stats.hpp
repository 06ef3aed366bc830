// StationStats: what one component (all its replicas together) measured as a queueing station.
//
// Two scopes, each with its own Little's-law check (DESIGN.md): `local` (a request is in the
// station from arrival until its own work there ends: queued + in service) and `residence`
// (from arrival until its reply leaves: downstream waits included). Levels (queue length,
// busy workers, busy cores, requests present) are integrated over simulated time, so time
// averages are measured; the arrival rate and sojourn times come from counts and sums of the
// requests that arrived in the measured interval. L_measured / (lambda * W) should be ~1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/core/units.hpp"
#include "sim/metrics/histogram.hpp"
#include "sim/metrics/measure_clock.hpp"
#include "sim/metrics/time_integral.hpp"

namespace sdsim {

struct StationShape {
  std::string kind;
  int replicas = 1;
  int workers_per_replica = 0;  // 0 = unlimited
  int cores_per_replica = 0;
  bool bounded_queue = false;
  // CPU time is reported by the model (cpu_busy) because workers can share cores. Otherwise
  // each busy worker has a core of its own and busy cores = busy workers.
  bool cpu_tracked = false;
  // It calls other components: summary.json gets the per-hop breakdown of its residence.
  bool makes_calls = false;
};

class StationStats {
 public:
  StationStats(std::string name, StationShape shape, const MeasureClock& clock)
      : name_(std::move(name)), shape_(std::move(shape)), clock_(clock) {}

  const std::string& name() const { return name_; }
  const StationShape& shape() const { return shape_; }

  // ---- hot path; `now` is the calendar's clock ----
  void arrived(Seconds now) {
    local_.add(now, 1);
    residence_.add(now, 1);
    if (clock_.contains(now)) ++arrivals_;
    ++window_arrivals_;
  }
  // Turned away at arrival (no room): leaves both scopes at once.
  void rejected(Seconds now, Seconds arrived_at) {
    local_.add(now, -1);
    residence_.add(now, -1);
    ++window_rejections_;
    if (clock_.contains(arrived_at)) {
      ++rejections_;
      ++local_done_;
      ++residence_done_;
    }
  }
  void queued(Seconds now) { queue_.add(now, 1); }
  // Shed from the queue by the station's queue policy (waited too long: 503).
  void shed(Seconds now, Seconds arrived_at) {
    queue_.add(now, -1);
    local_.add(now, -1);
    residence_.add(now, -1);
    ++window_shed_;
    if (clock_.contains(arrived_at)) {
      ++shed_;
      ++local_done_;
      ++residence_done_;
      local_sum_ += now - arrived_at;  // it waited: part of the station's W (Little)
      residence_sum_ += now - arrived_at;
    }
  }
  // Cancelled by its caller while it waited in the queue: dropped without work or reply.
  void cancelled(Seconds now, Seconds arrived_at) {
    queue_.add(now, -1);
    local_.add(now, -1);
    residence_.add(now, -1);
    ++window_cancelled_;
    if (clock_.contains(arrived_at)) {
      ++cancelled_;
      ++local_done_;
      ++residence_done_;
      local_sum_ += now - arrived_at;  // it waited: part of the station's W (Little)
      residence_sum_ += now - arrived_at;
    }
  }
  // Answered at once with an injected error (a fault): leaves both scopes at once.
  void errored(Seconds now, Seconds arrived_at) {
    local_.add(now, -1);
    residence_.add(now, -1);
    ++window_errors_;
    if (clock_.contains(arrived_at)) {
      ++errors_;
      ++local_done_;
      ++residence_done_;
    }
  }
  // Lost with its replica (a crash): leaves the station without a reply. `queued`: it was
  // waiting; `in_local`: its own work had not ended; `holds_worker`: it held a worker.
  void lost(Seconds now, Seconds arrived_at, bool queued, bool in_local, bool holds_worker) {
    if (queued) queue_.add(now, -1);
    if (in_local) local_.add(now, -1);
    if (holds_worker) busy_.add(now, -1);
    residence_.add(now, -1);
    ++window_lost_;
    if (clock_.contains(arrived_at)) ++lost_;
  }
  // Service starts; `from_queue` when it had waited in the queue.
  void started(Seconds now, Seconds arrived_at, bool from_queue) {
    if (from_queue) queue_.add(now, -1);
    busy_.add(now, 1);
    if (clock_.contains(arrived_at)) {
      const Seconds waited = now - arrived_at;
      wait_.add(waited);
      if (waited > 0) ++waited_count_;
    }
  }
  void cpu_busy(Seconds now, double delta) { cpu_.add(now, delta); }
  // Own work done; the worker is free; the request leaves the local scope.
  void finished(Seconds now, Seconds arrived_at, Seconds service) {
    work_done(now, arrived_at, service);
    worker_released(now);
  }
  // Own work done; the request leaves the local scope (its worker may stay held while it
  // waits for downstream calls: thread-per-request handlers).
  void work_done(Seconds now, Seconds arrived_at, Seconds service) {
    local_.add(now, -1);
    if (clock_.contains(arrived_at)) {
      service_sum_ += service;
      local_sum_ += now - arrived_at;
      ++local_done_;
    }
  }
  void worker_released(Seconds now) { busy_.add(now, -1); }
  // Its downstream calls are over: `waited` from the first call made to the last reply
  // needed (connection-pool waits included), `network` the part of that spent on the wire
  // (each needed call's round trip minus the callee's time; parallel calls overlap, so this
  // is the critical path's share only approximately: see docs/models/service.md).
  void downstream_done(Seconds arrived_at, Seconds waited, Seconds network) {
    if (clock_.contains(arrived_at)) {
      downstream_sum_ += waited;
      network_sum_ += network;
    }
  }
  // Passed through without local work (a load balancer's hop).
  void forwarded(Seconds now, Seconds arrived_at) {
    local_.add(now, -1);
    if (clock_.contains(arrived_at)) {
      local_sum_ += now - arrived_at;
      ++local_done_;
    }
  }
  // The reply leaves the station.
  void departed(Seconds now, Seconds arrived_at) {
    residence_.add(now, -1);
    ++window_departures_;
    if (clock_.contains(arrived_at)) {
      const Seconds r = now - arrived_at;
      residence_sum_ += r;
      residence_hist_.add(r);
      ++residence_done_;
    }
  }

  // ---- replicas up (crash faults; FaultInjector) ----
  // Before the run, for a component a crash can take down: its windows and summary then also
  // give the time-average number of replicas up and the utilisation of the workers of those
  // (`utilisation` stays busy / all provisioned workers, crashed ones included).
  void track_replicas_up() {
    if (up_tracked_) return;
    up_tracked_ = true;
    up_.add(0, shape_.replicas);
  }
  void replica_down(Seconds now) {
    if (up_tracked_) up_.add(now, -1);
  }
  void replica_up(Seconds now) {
    if (up_tracked_) up_.add(now, 1);
  }

  // ---- model counters ----
  // A kind's own event counts (a cache's hits and misses, a database's stale reads ...),
  // reported under components.<name>.<kind> in summary.json (counts of events whose
  // request arrived in the measured interval) and per window in timeseries.csv (events in
  // the window). Register them before the run; count() is on the hot path.
  using CounterId = std::uint32_t;
  CounterId add_counter(std::string name);
  // A ratio sum(numerators) / sum(denominators) of counters, e.g. hit_ratio = hits /
  // (hits + misses); null (summary) or absent (window) when the denominator is 0.
  void add_ratio(std::string name, std::vector<CounterId> numerators,
                 std::vector<CounterId> denominators);
  // A mean of sampled values (e.g. a replication lag), reported as <name>_mean_ms.
  CounterId add_mean_ms(std::string name);
  // `at`: when the request the event belongs to arrived here (decides the measured count).
  void count(CounterId id, Seconds at, std::uint64_t n = 1) {
    Counter& c = counters_[id];
    c.window += n;
    if (clock_.contains(at)) c.measured += n;
  }
  void sample(CounterId id, Seconds at, double value) {
    Counter& c = counters_[id];
    c.window += 1;
    c.window_sum += value;
    if (clock_.contains(at)) {
      c.measured += 1;
      c.measured_sum += value;
    }
  }
  std::uint64_t counted(CounterId id) const { return counters_[id].measured; }

  // ---- measurement marks (called by MetricsHub) ----
  void mark_interval_start(Seconds t);
  void mark_interval_end(Seconds t);
  nlohmann::json summary_json() const;
  bool steady_warning(std::string* why) const;
  // True (with the reason) when a Little's-law ratio is far from 1 with enough requests to
  // tell: requests held without end (a call lost with a crashed replica and no timeout), or
  // a run too short for its queues.
  bool little_warning(std::string* why) const;

  template <class Emit>
  void close_window(Seconds start, Seconds end, Emit&& emit);

 private:
  struct Areas {
    double queue = 0, busy = 0, cpu = 0, local = 0, residence = 0, up = 0;
  };
  Areas areas_at(Seconds t) const {
    return {queue_.area_at(t), busy_.area_at(t),      cpu_.area_at(t),
            local_.area_at(t), residence_.area_at(t), up_.area_at(t)};
  }
  // `busy` worker-seconds over the worker-seconds of the replicas up (`up` replica-seconds).
  double utilisation_up(double busy, double up) const {
    return busy / (static_cast<double>(shape_.workers_per_replica) * up);
  }
  double worker_capacity() const;
  double core_capacity() const;

  struct Counter {
    std::string name;
    bool is_mean = false;
    std::uint64_t measured = 0, window = 0;
    double measured_sum = 0, window_sum = 0;
  };
  struct Ratio {
    std::string name;
    std::vector<CounterId> num, den;
  };
  template <class Emit>
  void close_counter_window(Emit& emit);
  nlohmann::json counters_json() const;

  std::string name_;
  StationShape shape_;
  std::vector<Counter> counters_;
  std::vector<Ratio> ratios_;
  const MeasureClock& clock_;
  TimeIntegral queue_, busy_, cpu_, local_, residence_;
  TimeIntegral up_;  // replicas up, when tracked
  bool up_tracked_ = false;

  std::uint64_t arrivals_ = 0, rejections_ = 0, waited_count_ = 0, errors_ = 0, lost_ = 0;
  std::uint64_t shed_ = 0, cancelled_ = 0;
  std::uint64_t local_done_ = 0, residence_done_ = 0;
  double service_sum_ = 0, local_sum_ = 0, residence_sum_ = 0;
  double downstream_sum_ = 0, network_sum_ = 0;
  LatencyHistogram wait_;
  LatencyHistogram residence_hist_;
  Areas at_start_{}, at_end_{};
  Seconds interval_start_ = 0, interval_end_ = 0;

  // windows
  Areas window_start_areas_{};
  std::uint64_t window_arrivals_ = 0, window_rejections_ = 0, window_departures_ = 0;
  std::uint64_t window_errors_ = 0, window_lost_ = 0, window_shed_ = 0, window_cancelled_ = 0;
  // least-squares trend of the per-window mean queue length over the measured interval
  double trend_n_ = 0, trend_t_ = 0, trend_q_ = 0, trend_tt_ = 0, trend_tq_ = 0;
};

template <class Emit>
void StationStats::close_window(Seconds start, Seconds end, Emit&& emit) {
  const Areas a = areas_at(end);
  const double len = end - start > 0 ? end - start : 1;
  const double mean_queue = (a.queue - window_start_areas_.queue) / len;
  emit("arrivals_per_s", static_cast<double>(window_arrivals_) / len);
  emit("departures_per_s", static_cast<double>(window_departures_) / len);
  emit("rejected", static_cast<double>(window_rejections_));
  emit("errors_injected", static_cast<double>(window_errors_));
  emit("lost", static_cast<double>(window_lost_));
  emit("shed", static_cast<double>(window_shed_));
  emit("cancelled", static_cast<double>(window_cancelled_));
  emit("mean_queue_length", mean_queue);
  emit("mean_in_system", (a.local - window_start_areas_.local) / len);
  if (worker_capacity() > 0)
    emit("utilisation", (a.busy - window_start_areas_.busy) / (len * worker_capacity()));
  if (shape_.cpu_tracked)
    emit("cpu_utilisation", (a.cpu - window_start_areas_.cpu) / (len * core_capacity()));
  if (up_tracked_) {
    const double up = a.up - window_start_areas_.up;
    emit("replicas_up", up / len);
    if (worker_capacity() > 0 && up > 0)
      emit("utilisation_up", utilisation_up(a.busy - window_start_areas_.busy, up));
  }
  if (clock_.contains(start) && end <= clock_.stop) {
    const double mid = 0.5 * (start + end);
    trend_n_ += 1;
    trend_t_ += mid;
    trend_q_ += mean_queue;
    trend_tt_ += mid * mid;
    trend_tq_ += mid * mean_queue;
  }
  close_counter_window(emit);
  window_start_areas_ = a;
  window_arrivals_ = window_rejections_ = window_departures_ = 0;
  window_errors_ = window_lost_ = window_shed_ = window_cancelled_ = 0;
}

template <class Emit>
void StationStats::close_counter_window(Emit& emit) {
  for (const Ratio& r : ratios_) {
    double num = 0, den = 0;
    for (CounterId id : r.num) num += static_cast<double>(counters_[id].window);
    for (CounterId id : r.den) den += static_cast<double>(counters_[id].window);
    if (den > 0) emit(r.name, num / den);
  }
  for (Counter& c : counters_) {
    if (c.is_mean) {
      if (c.window > 0) emit(c.name + "_mean_ms", c.window_sum / c.window * 1e3);
      c.window_sum = 0;
    } else {
      emit(c.name, static_cast<double>(c.window));
    }
    c.window = 0;
  }
}

}  // namespace sdsim
