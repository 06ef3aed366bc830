#include "sim/metrics/station_stats.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "sim/metrics/request_scope.hpp"

namespace sdsim {

double StationStats::worker_capacity() const {
  return shape_.workers_per_replica > 0
             ? static_cast<double>(shape_.workers_per_replica) * shape_.replicas
             : 0.0;
}

double StationStats::core_capacity() const {
  return shape_.cores_per_replica > 0
             ? static_cast<double>(shape_.cores_per_replica) * shape_.replicas
             : 0.0;
}

StationStats::CounterId StationStats::add_counter(std::string name) {
  counters_.push_back(Counter{std::move(name)});
  return static_cast<CounterId>(counters_.size() - 1);
}

StationStats::CounterId StationStats::add_mean_ms(std::string name) {
  counters_.push_back(Counter{std::move(name), true});
  return static_cast<CounterId>(counters_.size() - 1);
}

void StationStats::add_ratio(std::string name, std::vector<CounterId> numerators,
                             std::vector<CounterId> denominators) {
  ratios_.push_back(Ratio{std::move(name), std::move(numerators), std::move(denominators)});
}

nlohmann::json StationStats::counters_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const Counter& c : counters_) {
    if (c.is_mean)
      j[c.name + "_mean_ms"] =
          c.measured > 0 ? nlohmann::json(c.measured_sum / c.measured * 1e3) : nullptr;
    else
      j[c.name] = c.measured;
  }
  for (const Ratio& r : ratios_) {
    double num = 0, den = 0;
    for (CounterId id : r.num) num += static_cast<double>(counters_[id].measured);
    for (CounterId id : r.den) den += static_cast<double>(counters_[id].measured);
    j[r.name] = den > 0 ? nlohmann::json(num / den) : nullptr;
  }
  return j;
}

void StationStats::mark_interval_start(Seconds t) {
  interval_start_ = t;
  at_start_ = areas_at(t);
}

void StationStats::mark_interval_end(Seconds t) {
  interval_end_ = t;
  at_end_ = areas_at(t);
}

namespace {
nlohmann::json number_or_null(double v, bool ok) {
  return ok ? nlohmann::json(v) : nlohmann::json(nullptr);
}
}  // namespace

bool StationStats::steady_warning(std::string* why) const {
  const double len = interval_end_ - interval_start_;
  if (len <= 0) return false;
  const bool cpu_shared = shape_.cpu_tracked;
  const double util =
      worker_capacity() > 0 ? (at_end_.busy - at_start_.busy) / (len * worker_capacity()) : 0;
  const double cpu_util = cpu_shared ? (at_end_.cpu - at_start_.cpu) / (len * core_capacity()) : 0;
  const double mean_queue = (at_end_.queue - at_start_.queue) / len;
  // A queue that grows through the run: the least-squares line through the per-window mean
  // queue lengths of the measured interval rises by more than max(10, its start level): the
  // queue more than doubles from start to end.
  if (trend_n_ >= 6) {
    const double denom = trend_n_ * trend_tt_ - trend_t_ * trend_t_;
    if (denom > 0) {
      const double slope = (trend_n_ * trend_tq_ - trend_t_ * trend_q_) / denom;
      const double growth = slope * len;
      const double q_start = mean_queue - growth / 2;
      if (growth > std::max(10.0, q_start)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.3f", std::max(util, cpu_util));
        *why = name_ + ": the queue grows through the run (about " +
               std::to_string(static_cast<long long>(growth)) +
               " requests from start to end of the measured interval, utilisation " + buf +
               "): not in steady state; the figures depend on the run length";
        return true;
      }
    }
  }
  return false;
}

bool StationStats::little_warning(std::string* why) const {
  const double len = interval_end_ - interval_start_;
  if (len <= 0 || arrivals_ < 1000) return false;
  const double lambda = static_cast<double>(arrivals_) / len;
  auto check = [&](const char* scope, double area, double sum, std::uint64_t done) {
    if (done == 0) return false;
    const double lw = lambda * sum / static_cast<double>(done);
    const double ratio = lw > 0 ? area / len / lw : 0;
    if (lw <= 0 || std::abs(ratio - 1) <= 0.1) return false;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", ratio);
    *why = name_ + ": Little's law " + scope + " ratio L / (lambda W) = " + buf +
           ", not ~1: requests are held here without end (e.g. calls lost with a crashed or "
           "cut-off replica and no timeout: set one) or the run is too short for its queues";
    return true;
  };
  return check("residence", at_end_.residence - at_start_.residence, residence_sum_,
               residence_done_) ||
         check("local", at_end_.local - at_start_.local, local_sum_, local_done_);
}

nlohmann::json StationStats::summary_json() const {
  using nlohmann::json;
  const double len = interval_end_ - interval_start_;
  const bool have = len > 0;
  const double l = have ? len : 1;
  const double lambda = static_cast<double>(arrivals_) / l;
  const double mean_local = local_done_ > 0 ? local_sum_ / static_cast<double>(local_done_) : 0;
  const double mean_res =
      residence_done_ > 0 ? residence_sum_ / static_cast<double>(residence_done_) : 0;
  const double l_local = (at_end_.local - at_start_.local) / l;
  const double l_res = (at_end_.residence - at_start_.residence) / l;
  const std::uint64_t quick = rejections_ + errors_ + shed_ + cancelled_;  // no service
  const std::uint64_t served = local_done_ > quick ? local_done_ - quick : 0;
  auto little = [&](double measured_l, double w, std::uint64_t done) {
    const double lw = lambda * w;
    return json{{"L_measured", measured_l},
                {"lambda_per_s", lambda},
                {"W_s", number_or_null(w, done > 0)},
                {"lambda_W", lambda * w},
                {"ratio", number_or_null(measured_l / lw, lw > 0 && done > 0)}};
  };
  json j;
  j["kind"] = shape_.kind;
  j["replicas"] = shape_.replicas;
  j["workers_per_replica"] =
      shape_.workers_per_replica > 0 ? json(shape_.workers_per_replica) : json("unlimited");
  if (shape_.cores_per_replica > 0) j["cores_per_replica"] = shape_.cores_per_replica;
  j["arrivals"] = arrivals_;
  j["arrival_rate_per_s"] = lambda;
  j["rejected"] = rejections_;
  j["rejection_ratio"] =
      number_or_null(static_cast<double>(rejections_) / arrivals_, arrivals_ > 0);
  j["errors_injected"] = errors_;
  j["lost"] = lost_;
  j["shed"] = shed_;
  j["cancelled"] = cancelled_;
  if (worker_capacity() > 0)
    j["utilisation"] =
        number_or_null((at_end_.busy - at_start_.busy) / (l * worker_capacity()), have);
  if (core_capacity() > 0) {
    const bool cpu_shared = shape_.cpu_tracked;
    const double cpu_area =
        cpu_shared ? at_end_.cpu - at_start_.cpu : at_end_.busy - at_start_.busy;
    j["cpu_utilisation"] = number_or_null(cpu_area / (l * core_capacity()), have);
  }
  if (up_tracked_) {
    const double up = at_end_.up - at_start_.up;
    j["replicas_up_mean"] = number_or_null(up / l, have);
    if (worker_capacity() > 0)
      j["utilisation_up"] =
          number_or_null(utilisation_up(at_end_.busy - at_start_.busy, up), have && up > 0);
  }
  j["mean_busy_workers"] = (at_end_.busy - at_start_.busy) / l;
  j["mean_queue_length"] = (at_end_.queue - at_start_.queue) / l;
  j["mean_service_s"] =
      number_or_null(served > 0 ? service_sum_ / static_cast<double>(served) : 0, served > 0);
  j["queue_wait"] = latency_json_ms(wait_);
  j["p_wait"] = number_or_null(
      static_cast<double>(waited_count_) / static_cast<double>(wait_.count()), wait_.count() > 0);
  j["local"] = little(l_local, mean_local, local_done_);
  j["residence"] = little(l_res, mean_res, residence_done_);
  j["residence"]["latency"] = latency_json_ms(residence_hist_);
  if (shape_.makes_calls) {
    // Means per request that left in the measured interval: queue wait + service +
    // downstream wait = mean residence (up to requests rejected at arrival).
    const bool done = residence_done_ > 0;
    const double n = done ? static_cast<double>(residence_done_) : 1;
    j["breakdown_ms"] = {
        {"queue_wait_mean", number_or_null(wait_.mean().value_or(0) * 1e3, wait_.count() > 0)},
        {"service_mean", number_or_null(served > 0 ? service_sum_ / served * 1e3 : 0, served > 0)},
        {"downstream_wait_mean", number_or_null(downstream_sum_ / n * 1e3, done)},
        {"network_mean", number_or_null(network_sum_ / n * 1e3, done)}};
  }
  if (!counters_.empty()) j[shape_.kind] = counters_json();
  return j;
}

}  // namespace sdsim
