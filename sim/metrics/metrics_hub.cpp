#include "sim/metrics/metrics_hub.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <tuple>

namespace sdsim {

namespace {
constexpr std::uint32_t kTagWindow = 1;
constexpr std::uint32_t kTagWarmup = 2;

void write_number(std::ostream& out, double v) {
  if (std::isnan(v)) return;  // no value (empty window): an empty CSV cell
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  out << buf;
}
}  // namespace

MetricsHub::MetricsHub(Calendar& calendar, Seconds warmup, Seconds window, std::ostream* timeseries)
    : calendar_(calendar), window_(window), out_(timeseries) {
  clock_.warmup = warmup;
  system_window_ = std::make_unique<RequestScope>("system", clock_);
}

RequestScope& MetricsHub::add_client(const std::string& name) {
  RequestScope& s = clients_.emplace_back(name, clock_);
  s.set_request_log(request_log_);
  s.set_batch_means(batches_.get());
  return s;
}

void MetricsHub::enable_batch_means(std::optional<Seconds> duration) {
  // A request-limited run's length is not known in advance: its slots start at 1/1024 of a
  // window and double as the issue times run past them, so that a run as short as 30/1024 of a
  // window still has 30 batches (starting at one window, a run of 19 windows had 19).
  batches_ = std::make_unique<BatchMeans>(clock_, duration, window_ / 1024);
  for (auto& c : clients_) c.set_batch_means(batches_.get());
}

RequestScope& MetricsHub::add_class(const std::string& client, const std::string& name) {
  return classes_
      .emplace_back(std::piecewise_construct, std::forward_as_tuple(client),
                    std::forward_as_tuple(name, clock_))
      .second;
}

void MetricsHub::set_request_log(std::ostream* log) {
  request_log_ = log;
  if (log != nullptr) *log << "client,request,issued_s,ended_s,outcome\n";
  for (auto& c : clients_) c.set_request_log(log);
}

StationStats& MetricsHub::add_station(const std::string& name, StationShape shape) {
  return stations_.emplace_back(name, std::move(shape), clock_);
}

StationStats* MetricsHub::station(std::string_view name) {
  for (StationStats& s : stations_)
    if (s.name() == name) return &s;
  return nullptr;
}

MetricsHub::IncidentId MetricsHub::begin_incident(std::string kind, std::string name,
                                                  std::string target, Seconds at) {
  incidents_.push_back(Incident{std::move(kind), std::move(name), std::move(target), at});
  return static_cast<IncidentId>(incidents_.size() - 1);
}

void MetricsHub::end_incident(IncidentId id, Seconds at) { incidents_[id].to = at; }

void MetricsHub::set_slo(const SloConfig& slo) {
  if (!slo.empty()) slo_.emplace(slo);
}

void MetricsHub::start() {
  if (out_) *out_ << "window_start_s,window_end_s,scope,metric,value\n";
  calendar_.at_first(window_, this, kTagWindow);
  if (clock_.warmup > 0) {
    calendar_.at_first(clock_.warmup, this, kTagWarmup);
  } else {
    for (auto& s : stations_) s.mark_interval_start(0);
    warmup_marked_ = true;
  }
}

void MetricsHub::fire(std::uint32_t tag, void*) {
  if (finished_) return;
  const Seconds now = calendar_.now();
  if (tag == kTagWarmup) {
    for (auto& s : stations_) s.mark_interval_start(now);
    warmup_marked_ = true;
    return;
  }
  close_window(now);
  if (++windows_ >= kMaxWindows) {
    truncated_ = true;  // the time series stops here; the summary goes on
    return;
  }
  // Boundaries from an integer index, not a running sum: no drift.
  calendar_.at_first(static_cast<double>(windows_ + 1) * window_, this, kTagWindow);
}

void MetricsHub::mark_issue_stop(Seconds t) {
  if (issue_stopped_) return;
  issue_stopped_ = true;
  clock_.stop = std::max(t, clock_.warmup);
  interval_end_ = clock_.stop;
  if (!warmup_marked_) {
    for (auto& s : stations_) s.mark_interval_start(clock_.warmup);
    warmup_marked_ = true;
  }
  for (auto& s : stations_) s.mark_interval_end(clock_.stop);
}

void MetricsHub::close_window(Seconds end) {
  const Seconds start = window_start_;
  // The SLO judges the system scope's window: read its figures as they are emitted.
  struct SystemWindow {
    double availability = kNoValue, p50 = kNoValue, p99 = kNoValue, p999 = kNoValue;
    double goodput = kNoValue;
  } sys;
  auto capture = [&sys](std::string_view metric, double v) {
    if (metric == "goodput_per_s") sys.goodput = v;
    if (metric == "availability") sys.availability = v;
    if (metric == "latency_p50_ms") sys.p50 = v;
    if (metric == "latency_p99_ms") sys.p99 = v;
    if (metric == "latency_p999_ms") sys.p999 = v;
  };
  auto judge = [&](auto&& emit) {
    if (!slo_ || std::isnan(sys.availability)) return;
    auto seconds = [](double ms) {
      return std::isnan(ms) ? std::optional<double>() : std::optional<double>(ms / 1e3);
    };
    const bool counted = clock_.contains(start) && end <= clock_.stop;
    slo_->window(counted, 1, sys.availability, seconds(sys.p50), seconds(sys.p99),
                 seconds(sys.p999), emit);
  };
  RequestScope& system = *system_window_;
  if (out_) {
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "%.9g,%.9g,", start, end);
    auto emitter = [&](const std::string& scope) {
      return [this, &prefix, scope](std::string_view metric, double v) {
        *out_ << prefix << scope << ',' << metric << ',';
        write_number(*out_, v);
        *out_ << '\n';
      };
    };
    for (auto& c : clients_) system.add_window_of(c);
    auto system_rows = emitter("system");
    system.close_window(end - start, [&](std::string_view metric, double v) {
      system_rows(metric, v);
      capture(metric, v);
    });
    judge(emitter("slo"));
    for (auto& c : clients_) c.close_window(end - start, emitter("client/" + c.name()));
    for (auto& [client, c] : classes_)
      c.close_window(end - start, emitter("class/" + client + "/" + c.name()));
    for (auto& s : stations_) s.close_window(start, end, emitter("component/" + s.name()));
    const double len = end - start;
    for (const Incident& i : incidents_) {
      const Seconds to = i.to < 0 ? end : i.to;  // open: runs to the window's end at least
      const bool instant = to <= i.from;
      const bool touches = instant ? i.from >= start && i.from < end : i.from < end && to > start;
      if (!touches) continue;
      const double covered = instant ? 0.0 : std::min(to, end) - std::max(i.from, start);
      emitter("incident/" + i.name)("active", len > 0 ? covered / len : 0.0);
    }
  } else {
    auto ignore = [](std::string_view, double) {};
    for (auto& c : clients_) system.add_window_of(c);
    system.close_window(end - start, capture);
    judge(ignore);
    for (auto& c : clients_) c.close_window(end - start, ignore);
    for (auto& [client, c] : classes_) c.close_window(end - start, ignore);
    for (auto& s : stations_) s.close_window(start, end, ignore);
  }
  if (!std::isnan(sys.goodput)) goodput_.push_back({start, end, sys.goodput});
  window_start_ = end;
}

nlohmann::json MetricsHub::recovery_of(const Incident& i) const {
  using nlohmann::json;
  // The level before: mean goodput of the measured windows that ended before it began.
  double sum = 0;
  int n = 0;
  for (const GoodputWindow& w : goodput_)
    if (w.start >= clock_.warmup && w.end <= i.from) {
      sum += w.goodput;
      ++n;
    }
  if (n == 0 || i.to < 0) return json{{"baseline_goodput_per_s", nullptr}, {"recovery_s", nullptr}};
  const double baseline = sum / n;
  // The first of 3 consecutive windows (starting after it ended, before issuing stopped)
  // with goodput within 5% of the level before.
  int run = 0;
  for (std::size_t k = 0; k < goodput_.size(); ++k) {
    const GoodputWindow& w = goodput_[k];
    if (w.start < i.to) continue;
    if (w.end > clock_.stop) break;
    run = w.goodput >= 0.95 * baseline ? run + 1 : 0;
    if (run == 3)
      return json{{"baseline_goodput_per_s", baseline},
                  {"recovered", true},
                  {"recovery_s", goodput_[k - 2].start - i.to}};
  }
  return json{{"baseline_goodput_per_s", baseline}, {"recovered", false}, {"recovery_s", nullptr}};
}

void MetricsHub::finish(Seconds t) {
  if (finished_) return;
  if (!issue_stopped_) mark_issue_stop(t);
  // The last window ends with the run. A sliver (under 1% of a window: the run ended just
  // after a boundary) is reported over the window's full length instead, so that a reply at
  // the very end does not read as a rate of 10^13 per second; nothing happens after the end.
  // A run that ends on a boundary has closed its last window there: no empty one after it
  // (it would read as throughput falling to 0 at the end).
  bool empty = t == window_start_;
  for (const auto& c : clients_) empty = empty && c.window_empty();
  if (!truncated_ && !empty)
    close_window(t - window_start_ < 0.01 * window_ ? window_start_ + window_ : t);
  finished_ = true;
}

std::uint64_t MetricsHub::open_counted() const {
  std::uint64_t n = 0;
  for (const auto& c : clients_) n += c.open_counted();
  return n;
}

std::uint64_t MetricsHub::ended_total() const {
  std::uint64_t n = 0;
  for (const auto& c : clients_) n += c.ended_total();
  return n;
}

Seconds MetricsHub::measured_length() const {
  return issue_stopped_ ? clock_.stop - clock_.warmup : 0;
}

std::vector<std::string> MetricsHub::warnings() const {
  std::vector<std::string> w;
  bool queue_grew = false;
  for (const auto& s : stations_) {
    std::string why;
    if (s.steady_warning(&why)) {
      w.push_back(why);
      queue_grew = true;
    } else if (s.little_warning(&why)) {
      w.push_back(why);
    }
  }
  if (truncated_)
    w.push_back("the time series stops after " + std::to_string(kMaxWindows) +
                " windows: use a longer `window` for this run's length");
  w.insert(w.end(), model_warnings_.begin(), model_warnings_.end());
  if (batches_ && measured_length() > 0) batches_->summary_json(w, queue_grew);
  return w;
}

nlohmann::json MetricsHub::summary() const {
  using nlohmann::json;
  const Seconds len = measured_length();
  RequestScope system("system", clock_);
  json clients = json::object();
  for (const auto& c : clients_) {
    system.add_summary_of(c);
    clients[c.name()] = c.summary_json(len);
  }
  for (const auto& [client, c] : classes_)
    clients[client]["classes"][c.name()] = c.summary_json(len);
  json components = json::object();
  for (const auto& s : stations_) components[s.name()] = s.summary_json();
  json incidents = json::array();
  for (const Incident& i : incidents_) {
    json entry{{"kind", i.kind},
               {"name", i.name},
               {"target", i.target},
               {"from_s", i.from},
               {"to_s", i.to < 0 ? json(nullptr) : json(i.to)}};
    // Recovery after each trigger (not for every on-period of an on/off source).
    if (i.kind != "burst") entry["recovery"] = recovery_of(i);
    incidents.push_back(entry);
  }
  json system_json = system.summary_json(len);
  if (batches_) {
    std::vector<std::string> ignored;  // warnings() reports them
    system_json["latency"]["ok"]["ci95"] = batches_->summary_json(ignored);
  }
  json out{{"system", system_json},
           {"clients", clients},
           {"components", components},
           {"incidents", incidents}};
  if (slo_) out["slo"] = slo_->summary(out["system"]);
  return out;
}

void MetricsHub::write_latency_histogram(std::ostream& out) const {
  RequestScope system("system", clock_);
  for (const auto& c : clients_) system.add_summary_of(c);
  out << "scope,le_ms,count\n";
  auto write = [&out](const std::string& scope, const LatencyHistogram& h) {
    char edge[32];
    h.for_each_bucket([&](double upper_s, std::uint64_t n) {
      // 9 significant digits tell apart neighbouring buckets (0.78% apart at most).
      std::snprintf(edge, sizeof edge, "%.9g", upper_s * 1e3);
      out << scope << ',' << edge << ',' << n << '\n';
    });
  };
  write("system", system.latency_ok());
  for (const auto& c : clients_) write("client/" + c.name(), c.latency_ok());
}

}  // namespace sdsim
