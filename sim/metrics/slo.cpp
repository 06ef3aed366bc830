#include "sim/metrics/slo.hpp"

#include <nlohmann/json.hpp>

namespace sdsim {

namespace {
bool meets_latency(std::optional<Seconds> target, std::optional<double> measured) {
  // No ok request in the window: no latency to judge (availability judges it).
  return !target || !measured || *measured <= *target;
}
}  // namespace

bool SloTracker::meets(double availability, std::optional<double> p50, std::optional<double> p99,
                       std::optional<double> p999) const {
  if (config_.availability && availability < *config_.availability) return false;
  return meets_latency(config_.p50, p50) && meets_latency(config_.p99, p99) &&
         meets_latency(config_.p999, p999);
}

nlohmann::json SloTracker::summary(const nlohmann::json& system) const {
  using nlohmann::json;
  json j = json::object();
  bool all_met = true;
  if (config_.availability) {
    const json& a = system["availability"];
    const double target = *config_.availability;
    json block = {{"target", target}, {"measured", a}};
    if (a.is_number()) {
      const double measured = a.get<double>();
      const bool met = measured >= target;
      all_met = all_met && met;
      block["met"] = met;
      block["error_budget"] = 1 - target;
      block["error_budget_consumed"] =
          target < 1 ? json((1 - measured) / (1 - target)) : json(nullptr);
    } else {
      block["met"] = nullptr;  // nothing measured
    }
    j["availability"] = block;
  }
  const json& latency = system["latency"]["ok"];
  json lat = json::object();
  auto judge = [&](const char* name, const char* field, std::optional<Seconds> target) {
    if (!target) return;
    const json& m = latency[field];
    json block = {{"target_ms", *target * 1e3}, {"measured_ms", m}};
    if (m.is_number()) {
      const bool met = m.get<double>() <= *target * 1e3;
      all_met = all_met && met;
      block["met"] = met;
    } else {
      block["met"] = nullptr;
    }
    lat[name] = block;
  };
  judge("p50", "p50_ms", config_.p50);
  judge("p99", "p99_ms", config_.p99);
  judge("p99.9", "p999_ms", config_.p999);
  if (!lat.empty()) j["latency"] = lat;
  // A window judges the requests that ended in it: one that never ended (lost without a
  // timeout to end it) is in none, though the run's availability counts it.
  const json& unfinished = system["requests"]["outcomes"]["unfinished"];
  j["windows"] = {{"judged", windows_},
                  {"met", windows_met_},
                  {"missed", windows_ - windows_met_},
                  {"never_ended", unfinished.is_number() ? unfinished : json(0)}};
  j["met"] = all_met;
  return j;
}

bool SloTracker::met(const nlohmann::json& slo_summary) {
  return slo_summary.is_object() && slo_summary.value("met", false);
}

}  // namespace sdsim
