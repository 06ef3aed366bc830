#include "sim/metrics/request_scope.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace sdsim {

std::uint64_t RequestCounters::ended() const {
  std::uint64_t n = 0;
  for (auto c : outcomes) n += c;
  return n;
}

void RequestScope::request_issued(Seconds issued_at) {
  ++window_.issued;
  if (clock_.contains(issued_at)) ++summary_.issued;
}

void RequestScope::attempt_sent(Seconds now, Seconds issued_at) {
  ++window_.attempts;
  if (clock_.contains(issued_at)) ++summary_.attempts;
}

void RequestScope::response_received(Seconds now, Seconds attempt_latency, Seconds issued_at) {
  ++window_.responses;
  if (clock_.contains(issued_at)) {
    ++summary_.responses;
    latency_attempt_.add(attempt_latency);
  }
}

void RequestScope::log_request(std::uint64_t id, Seconds issued_at, Seconds now, Outcome outcome) {
  char buf[160];
  std::snprintf(buf, sizeof buf, ",%llu,%a,%a,", static_cast<unsigned long long>(id), issued_at,
                now);
  *log_ << name_ << buf << outcome_name(outcome) << '\n';
}

void RequestScope::record_end(Seconds now, Seconds issued_at, Outcome outcome) {
  const auto o = static_cast<int>(outcome);
  const Seconds latency = now - issued_at;
  ++ended_total_;
  ++window_.outcomes[o];
  if (outcome == Outcome::kOk) window_ok_.add(latency);
  if (!clock_.contains(issued_at)) return;
  ++summary_.outcomes[o];
  if (outcome == Outcome::kUnfinished) return;  // no latency: it never ended
  latency_all_.add(latency);
  if (outcome == Outcome::kOk) {
    latency_ok_.add(latency);
    if (batches_ != nullptr) batches_->add(issued_at, latency);
  }
}

namespace {
void add_counters(RequestCounters& into, const RequestCounters& from) {
  into.issued += from.issued;
  into.attempts += from.attempts;
  into.responses += from.responses;
  for (int o = 0; o < kOutcomeCount; ++o) into.outcomes[o] += from.outcomes[o];
}
}  // namespace

void RequestScope::add_window_of(const RequestScope& other) {
  add_counters(window_, other.window_);
  window_ok_.merge(other.window_ok_);
}

void RequestScope::add_summary_of(const RequestScope& other) {
  add_counters(summary_, other.summary_);
  latency_ok_.merge(other.latency_ok_);
  latency_all_.merge(other.latency_all_);
  latency_attempt_.merge(other.latency_attempt_);
}

nlohmann::json latency_json_ms(const LatencyHistogram& h) {
  using nlohmann::json;
  auto ms = [](std::optional<double> s) -> json { return s ? json(*s * 1e3) : json(nullptr); };
  return json{{"count", h.count()},
              {"mean_ms", ms(h.mean())},
              {"p50_ms", ms(h.quantile(0.5))},
              {"p90_ms", ms(h.quantile(0.9))},
              {"p99_ms", ms(h.quantile(0.99))},
              {"p999_ms", ms(h.quantile(0.999))},
              {"min_ms", ms(h.min())},
              {"max_ms", ms(h.max())}};
}

nlohmann::json RequestScope::summary_json(Seconds measured_length) const {
  using nlohmann::json;
  const double len = measured_length > 0 ? measured_length : 1;
  json outcomes = json::object();
  for (int o = 0; o < kOutcomeCount; ++o)
    outcomes[std::string(kOutcomeNames[o])] = summary_.outcomes[o];
  const std::uint64_t ended = summary_.ended();
  const auto ok = summary_.outcomes[0];
  json j;
  j["requests"] = {{"issued", summary_.issued},
                   {"ended", ended},
                   {"conserved", ended == summary_.issued},
                   {"outcomes", outcomes}};
  j["attempts"] = summary_.attempts;
  j["retry_amplification"] = summary_.issued > 0
                                 ? json(static_cast<double>(summary_.attempts) / summary_.issued)
                                 : json(nullptr);
  j["availability"] =
      summary_.issued > 0 ? json(static_cast<double>(ok) / summary_.issued) : json(nullptr);
  // Rates need a measured interval; a requests-limited run that stopped at once has none.
  const bool timed = measured_length > 1e-9;
  auto rate = [&](std::uint64_t n) {
    return timed ? json(static_cast<double>(n) / len) : json(nullptr);
  };
  j["offered_per_s"] = rate(summary_.attempts);
  j["throughput_per_s"] = rate(summary_.responses);
  j["goodput_per_s"] = rate(ok);
  j["latency"] = {{"ok", latency_json_ms(latency_ok_)},
                  {"all_ended", latency_json_ms(latency_all_)},
                  {"attempt", latency_json_ms(latency_attempt_)}};
  return j;
}

}  // namespace sdsim
