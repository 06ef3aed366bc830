#include "sim/output/summary_table.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sdsim {

namespace {

std::string num(const nlohmann::json& v, const char* fmt = "%.3g") {
  if (v.is_null()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v.get<double>());
  return buf;
}

std::string pct(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f%%", 100.0 * v.get<double>());
  return buf;
}

std::string pad(const std::string& s, std::size_t w) {
  return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
}

void latency_line(std::ostringstream& out, const char* label, const nlohmann::json& l) {
  out << pad(label, 14) << "n " << l["count"].get<std::uint64_t>() << "  mean "
      << num(l["mean_ms"], "%.4g") << " ms  p50 " << num(l["p50_ms"], "%.4g") << "  p90 "
      << num(l["p90_ms"], "%.4g") << "  p99 " << num(l["p99_ms"], "%.4g") << "  p99.9 "
      << num(l["p999_ms"], "%.4g") << "  max " << num(l["max_ms"], "%.4g") << " ms\n";
}

void scope_block(std::ostringstream& out, const std::string& title, const nlohmann::json& s) {
  const auto& r = s["requests"];
  const auto& o = r["outcomes"];
  out << title << "\n";
  out << pad("  requests", 14) << "issued " << r["issued"].get<std::uint64_t>() << "  ok "
      << o["ok"].get<std::uint64_t>() << "  rejected " << o["rejected"].get<std::uint64_t>()
      << "  timed_out " << o["timed_out"].get<std::uint64_t>() << "  error "
      << o["error"].get<std::uint64_t>() << "  unfinished " << o["unfinished"].get<std::uint64_t>()
      << (r["conserved"].get<bool>() ? "" : "  (NOT CONSERVED)") << "\n";
  out << pad("  rates", 14) << "offered " << num(s["offered_per_s"], "%.4g") << "/s  throughput "
      << num(s["throughput_per_s"], "%.4g") << "/s  goodput " << num(s["goodput_per_s"], "%.4g")
      << "/s  availability " << pct(s["availability"]) << "\n";
  latency_line(out, "  latency ok", s["latency"]["ok"]);
  // Batch-means confidence intervals (system scope only).
  if (s["latency"]["ok"].contains("ci95") && s["latency"]["ok"]["ci95"].is_object()) {
    const auto& ci = s["latency"]["ok"]["ci95"];
    auto range = [](const nlohmann::json& v) {
      return v.is_null() ? std::string("-")
                         : "[" + num(v[0], "%.4g") + ", " + num(v[1], "%.4g") + "]";
    };
    out << pad("  95% CI", 14) << "mean " << range(ci["mean_ms"]) << " ms  p99 "
        << range(ci["p99_ms"]) << " ms  (" << ci["batches"].get<std::uint64_t>() << " batches of "
        << num(ci["batch_length_s"], "%.4g") << " s, lag-1 autocorrelation "
        << num(ci["lag1_autocorrelation"], "%.2f") << ")\n";
  }
}

}  // namespace

std::string format_summary_table(const nlohmann::json& j) {
  std::ostringstream out;
  const auto& sc = j["scenario"];
  const auto& run = j["run"];
  out << "sdsim " << j["sdsim_version"].get<std::string>() << " | " << sc["name"].get<std::string>()
      << " (" << sc["file"].get<std::string>() << ") | seed " << sc["seed"].get<std::uint64_t>()
      << "\n";
  out << "measured [" << num(run["measured_from_s"], "%.6g") << " s, "
      << num(run["measured_to_s"], "%.6g") << " s), run ended at " << num(run["ended_at_s"], "%.6g")
      << " s (simulated)\n";
  if (j.contains("partial") && j["partial"].get<bool>())
    out << "PARTIAL RESULTS: the run was stopped early (" << j["stopped_by"].get<std::string>()
        << "); requests still open count as unfinished\n";
  out << "\n";
  scope_block(out, "system", j["system"]);
  if (j["clients"].size() > 1)
    for (const auto& [name, c] : j["clients"].items()) scope_block(out, "client " + name, c);

  out << "\n"
      << pad("component", 16) << pad("kind", 14) << pad("arrivals/s", 11) << pad("util", 7)
      << pad("cpu", 7) << pad("Lq", 9) << pad("P(wait)", 8) << pad("wait p99 ms", 12)
      << pad("rejected", 9) << "Little L/(lambda W)\n";
  for (const auto& [name, c] : j["components"].items()) {
    out << pad(name, 16) << pad(c["kind"].get<std::string>(), 14)
        << pad(num(c["arrival_rate_per_s"], "%.4g"), 11)
        << pad(c.contains("utilisation") ? num(c["utilisation"], "%.3f") : "-", 7)
        << pad(c.contains("cpu_utilisation") ? num(c["cpu_utilisation"], "%.3f") : "-", 7)
        << pad(num(c["mean_queue_length"], "%.4g"), 9) << pad(num(c["p_wait"], "%.3f"), 8)
        << pad(num(c["queue_wait"]["p99_ms"], "%.4g"), 12)
        << pad(std::to_string(c["rejected"].get<std::uint64_t>()), 9) << "local "
        << num(c["local"]["ratio"], "%.3f") << ", residence "
        << num(c["residence"]["ratio"], "%.3f") << "\n";
  }
  if (j.contains("incidents") && !j["incidents"].empty())
    out << "\nincidents: " << j["incidents"].size()
        << (j["incidents"].size() == 1 ? " fault or shock window" : " fault and shock windows")
        << " (summary.json: incidents)\n";
  if (j.contains("slo")) {
    const auto& slo = j["slo"];
    out << "\nSLO " << (slo["met"].get<bool>() ? "met" : "MISSED") << ":";
    if (slo.contains("availability")) {
      const auto& a = slo["availability"];
      out << " availability " << num(a["measured"], "%.5f") << " (target "
          << num(a["target"], "%.5f") << (a["met"] == false ? ", missed" : "") << ")";
    }
    if (slo.contains("latency"))
      for (const auto& [p, l] : slo["latency"].items())
        out << ", " << p << " " << num(l["measured_ms"], "%.4g") << " ms (target "
            << num(l["target_ms"], "%.4g") << (l["met"] == false ? ", missed" : "") << ")";
    const auto& w = slo["windows"];
    out << "; windows met " << w["met"].get<std::uint64_t>() << "/"
        << w["judged"].get<std::uint64_t>();
    if (const auto never = w.value("never_ended", std::uint64_t{0}); never > 0)
      out << " (judged on the requests that ended: " << never << " never did and are in no window)";
    out << "\n";
  }
  for (const auto& w : j["warnings"]) out << "\nwarning: " << w.get<std::string>() << "\n";
  return out.str();
}

}  // namespace sdsim
