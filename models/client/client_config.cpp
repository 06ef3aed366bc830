#include "models/client/client_config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "models/client/client.hpp"
#include "sim/core/text.hpp"
#include "sim/dist/sample_file.hpp"

namespace sdsim {

namespace {

// keys: {count: N, zipf: alpha} | {count: N, hotspot: {keys: f, traffic: t}} | {count: N}
std::shared_ptr<const KeySpace> parse_keys(MapReader& r) {
  MapReader k(r.get("keys"), r.context() + ".keys", r.diag());
  const auto count = k.integer("count", 1, static_cast<std::int64_t>(KeySpace::kMaxKeys), true);
  const std::uint64_t n = count ? static_cast<std::uint64_t>(*count) : 0;
  const bool zipf = k.has("zipf");
  const bool hotspot = k.has("hotspot");
  std::shared_ptr<const KeySpace> out;
  if (zipf && hotspot) {
    k.error(k.mark_of_key("hotspot"),
            "give at most one of 'zipf' and 'hotspot' (neither: uniform)");
  } else if (zipf) {
    const double alpha = k.quantity("zipf", Dimension::kNumber).value_or(-1);
    if (k.has("zipf") && !(alpha >= 0 && alpha <= 10))
      k.error_at("zipf",
                 "keys.zipf: the exponent alpha must be a number from 0 to 10 (e.g. zipf: 1.1)");
    else if (n > 0)
      out = std::make_shared<KeySpace>(KeySpace::zipf(n, alpha));
  } else if (hotspot) {
    MapReader h(k.get("hotspot"), k.context() + ".hotspot", r.diag());
    const double keys = h.quantity("keys", Dimension::kFraction, true).value_or(-1);
    const double traffic = h.quantity("traffic", Dimension::kFraction, true).value_or(-1);
    if (keys == 0) h.error_at("keys", "hotspot.keys: the hot fraction of the keys must be > 0");
    h.finish();
    if (keys > 0 && traffic >= 0 && n > 0)
      out = std::make_shared<KeySpace>(KeySpace::hotspot(n, keys, traffic));
  } else if (n > 0) {
    out = std::make_shared<KeySpace>(KeySpace::uniform(n));
  }
  k.finish();
  return out;
}

std::vector<RequestClass> parse_classes(MapReader& r) {
  std::vector<RequestClass> out;
  const YAML::Node list = r.get("classes");
  if (!list.IsSequence() || list.size() == 0) {
    r.error(mark_of(list), "classes: expected a non-empty list of {name, share, op} items");
    return out;
  }
  std::set<std::string> names;
  double total = 0;
  bool complete = true;
  for (const YAML::Node& item : list) {
    std::string label = r.context() + ".classes";
    if (item.IsMap() && item["name"] && item["name"].IsScalar())
      label += "." + item["name"].Scalar();
    MapReader c(item, label, r.diag());
    RequestClass rc;
    rc.mark = c.mark();
    const auto name = c.string("name", true);
    if (name && !is_valid_name(*name))
      c.error_at("name", "invalid class name '" + *name +
                             "': use letters, digits, '_' and '-', starting with a letter");
    else if (name && !names.insert(*name).second)
      c.error_at("name", "duplicate class name '" + *name + "'");
    const auto share = c.positive_quantity("share", Dimension::kFraction, {}, true);
    const auto op = c.choice("op", {"read", "write"});
    for (const char* key : {"service_time", "calls"}) {
      if (!c.has(key)) continue;
      const YAML::Node m = c.get(key);
      if (!m.IsMap()) {
        c.error(mark_of(m), std::string(key) + ": expected a mapping of service name to " +
                                (key[0] == 's' ? "a distribution (e.g. {api: exp(20ms)})"
                                               : "a calls list (e.g. {api: [{to: db}]})"));
        continue;
      }
      for (const auto& kv : m) {
        const std::string target = kv.first.Scalar();
        const std::string ctx = c.context() + "." + key + "." + target;
        auto& o = rc.overrides[target];
        o.mark = mark_of(kv.first);
        if (key[0] == 's')
          o.service_time = read_distribution(kv.second, Dimension::kTime, ctx, r.diag(),
                                             m.Style() == YAML::EmitterStyle::Flow);
        else
          o.calls = parse_call_plan(kv.second, ctx, r.diag());
      }
    }
    c.finish();
    if (!c.ok() || !name || !share) {
      complete = false;
      continue;
    }
    rc.name = *name;
    rc.share = *share;
    rc.op = op && *op == "write" ? Op::kWrite : Op::kRead;
    total += rc.share;
    out.push_back(std::move(rc));
  }
  if (complete && std::abs(total - 1.0) > 1e-9) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", total);
    r.error(mark_of(list),
            std::string("classes: the shares add up to ") + buf + "; they must add up to 1 (100%)");
  }
  return out;
}

constexpr double kMaxRate = 1e9;

// A rate key of an arrival mapping: >= 0 (> 0 when `positive`), at most 1e9/s.
std::optional<double> read_rate(MapReader& m, const char* key, bool required, bool positive) {
  const auto rate = positive ? m.positive_quantity(key, Dimension::kRate, {}, required)
                             : m.quantity(key, Dimension::kRate, required);
  if (!rate) return std::nullopt;
  if (*rate > kMaxRate) {
    m.error_at(key, std::string(key) + ": the rate must be at most 1e9/s");
    return std::nullopt;
  }
  return rate;
}

// The file line of each value of a sample file (read_sample_file gives the values only):
// lines that are blank, comments or the unit header hold none.
std::vector<int> value_lines(const std::filesystem::path& path) {
  std::vector<int> out;
  std::ifstream in(path, std::ios::binary);
  std::string text;
  int line = 0;
  bool first = true;
  while (std::getline(in, text)) {
    ++line;
    std::string_view t = text;
    if (line == 1 && t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r'))
      t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r'))
      t.remove_suffix(1);
    if (t.empty() || t.front() == '#') continue;
    const char c = t.front();
    const bool number = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+';
    if (first && !number) {
      first = false;
      continue;  // the unit header
    }
    first = false;
    out.push_back(line);
  }
  return out;
}

// spike: {at, for, factor}, one item of spikes: [...].
std::optional<RateProfile::Window> parse_spike(const YAML::Node& node, const std::string& context,
                                               Diagnostics& diag) {
  MapReader s(node, context, diag);
  const auto at = s.quantity("at", Dimension::kTime, true);
  const auto length = s.positive_quantity("for", Dimension::kTime, {}, true);
  const auto factor = s.quantity("factor", Dimension::kNumber, true);
  bool good = at && length && factor;
  if (factor && !(*factor > 0 && *factor <= 1e6)) {
    s.error_at("factor", "factor: the rate multiplier must be > 0 and at most 1e6 (e.g. 3)");
    good = false;
  }
  s.finish();
  if (!good || !s.ok()) return std::nullopt;
  return RateProfile::Window{*at, *length, *factor};
}

// ramp: {from, to, over, at}: `from` until `at`, linear to `to` over `over`, then `to`.
std::shared_ptr<RateProfile> parse_ramp(MapReader& a, ClientConfig& c) {
  MapReader m(a.get("ramp"), a.context() + ".ramp", a.diag());
  const auto from = read_rate(m, "from", true, false);
  const auto to = read_rate(m, "to", true, false);
  const auto over = m.positive_quantity("over", Dimension::kTime, {}, true);
  const Seconds at = m.quantity("at", Dimension::kTime).value_or(0);
  bool good = from && to && over;
  if (from && to && *from == 0 && *to == 0) {
    m.error_at("to", "to: at least one of 'from' and 'to' must be > 0");
    good = false;
  }
  m.finish();
  if (!good || !m.ok()) return nullptr;
  c.shocks.push_back({"ramp", "ramp", at, *over});
  return std::make_shared<RateProfile>(std::vector<RateProfile::Piece>{
      {0, *from, 0}, {at, *from, (*to - *from) / *over}, {at + *over, *to, 0}});
}

bool parse_onoff(MapReader& a, ClientConfig& c) {
  MapReader m(a.get("onoff"), a.context() + ".onoff", a.diag());
  const auto on = read_rate(m, "on", true, true);
  const auto off = read_rate(m, "off", false, false);
  auto on_time = m.distribution("on_time", Dimension::kTime, true);
  auto off_time = m.distribution("off_time", Dimension::kTime, true);
  const auto start = m.choice("start", {"on", "off"});
  bool good = on && on_time && off_time;
  for (const char* key : {"on_time", "off_time"}) {
    const auto& d = key[1] == 'n' ? on_time : off_time;
    if (d && !(d->mean() > 0)) {
      m.error_at(key, std::string(key) + ": the mean period must be > 0");
      good = false;
    }
  }
  m.finish();
  if (!good || !m.ok()) return false;
  c.onoff = {*on, off.value_or(0), on_time, off_time, start && *start == "on"};
  return true;
}

// trace: {file, format: timestamps | rates, period, repeat, cycle}.
std::shared_ptr<RateProfile> parse_trace(MapReader& a, ClientConfig& c) {
  MapReader m(a.get("trace"), a.context() + ".trace", a.diag());
  const auto file = m.string("file", true);
  const auto format = m.choice("format", {"timestamps", "rates"}, true);
  const bool rates = format && *format == "rates";
  const auto period = m.positive_quantity("period", Dimension::kTime);
  const bool repeat = m.boolean("repeat").value_or(false);
  const auto cycle = m.quantity("cycle", Dimension::kTime);
  bool good = file && format && (period || !m.has("period"));
  if (period && !rates) {
    m.error_at("period", "period: applies to format: rates (the time each line's rate lasts)");
    good = false;
  }
  if (cycle && (rates || !repeat)) {
    m.error_at("cycle", "cycle: applies to format: timestamps with repeat: true");
    good = false;
  }
  if (format && !rates && repeat && !cycle && !m.has_misspelling_of("cycle")) {
    m.error(m.mark(),
            "repeat: true with format: timestamps needs 'cycle' (e.g. cycle: 60s): "
            "the trace starts again every cycle");
    good = false;
  }
  std::shared_ptr<RateProfile> profile;
  if (good && m.ok()) {
    std::filesystem::path path(*file);
    if (path.is_relative()) path = std::filesystem::path(a.diag().file()).parent_path() / path;
    const SampleFile data = read_sample_file(path, rates ? Dimension::kRate : Dimension::kTime);
    const std::string name = path.string();
    if (!data.error.empty()) {
      m.error_at("file", "file: " + data.error);
    } else if (rates) {
      const Seconds p = period.value_or(1.0);
      std::vector<RateProfile::Piece> pieces;
      bool any = false;
      for (std::size_t i = 0; i < data.values.size(); ++i) {
        pieces.push_back({static_cast<double>(i) * p, data.values[i], 0});
        any = any || data.values[i] > 0;
        if (data.values[i] > kMaxRate) {
          m.error_at("file", "file: " + name + ":" + std::to_string(value_lines(path).at(i)) +
                                 ": the rate must be at most 1e9/s");
          return nullptr;
        }
      }
      if (!any) {
        m.error_at("file", "file: " + name + ": every rate is 0: no request would be sent");
        return nullptr;
      }
      const Seconds end = static_cast<double>(data.values.size()) * p;
      if (!repeat) pieces.push_back({end, 0, 0});  // after the trace: no more arrivals
      profile = std::make_shared<RateProfile>(std::move(pieces), repeat ? end : 0);
    } else {
      const auto& t = data.values;
      for (std::size_t i = 1; i < t.size(); ++i)
        if (t[i] < t[i - 1]) {
          const std::vector<int> lines = value_lines(path);
          m.error_at("file", "file: " + name + ":" + std::to_string(lines.at(i)) +
                                 ": the times must be in non-decreasing order (line " +
                                 std::to_string(lines.at(i - 1)) + " is later)");
          return nullptr;
        }
      if (cycle && !(*cycle > 0 && *cycle >= t.back())) {
        m.error_at("cycle", "cycle: must be > 0s and at least the last time in the file (" +
                                format_seconds(t.back()) + ")");
        return nullptr;
      }
      c.timestamps = {t, cycle.value_or(0)};
    }
  }
  m.finish();
  return profile;
}

void parse_arrival(MapReader& r, ClientConfig& c) {
  MapReader a(r.get("arrival"), r.context() + ".arrival", r.diag());
  static const char* const kProcesses[] = {"poisson", "constant", "ramp", "onoff", "trace"};
  std::string process;
  int given = 0;
  for (const char* p : kProcesses)
    if (a.has(p)) {
      ++given;
      process = p;
    }
  const bool one_spike = a.has("spike");
  const bool spike_list = a.has("spikes");
  if (!a.ok()) return;  // reported: not a mapping
  if (given != 1) {
    const std::string message =
        "give exactly one process: poisson, constant, ramp, onoff or trace (e.g. poisson: "
        "100/s)";
    if (given == 0)
      a.error_unless_unknown_keys(a.mark(), message);  // a misspelt or unknown process
    else
      a.error(a.mark(), message);
    return;
  }
  // spike / spikes: rate multipliers over windows, next to poisson, ramp or onoff.
  std::vector<RateProfile::Window> windows;
  bool spikes_good = true;
  if (one_spike && spike_list) {
    a.error(a.mark_of_key("spikes"), "give either 'spike' (one) or 'spikes' (a list), not both");
    spikes_good = false;
  } else if (one_spike || spike_list) {
    if (process != "poisson" && process != "ramp" && process != "onoff") {
      a.error(a.mark_of_key(one_spike ? "spike" : "spikes"),
              std::string(one_spike ? "spike" : "spikes") +
                  ": applies to poisson, ramp and onoff arrivals, not " + process);
      spikes_good = false;
    } else if (one_spike) {
      if (auto w = parse_spike(a.get("spike"), a.context() + ".spike", a.diag()))
        windows.push_back(*w);
      else
        spikes_good = false;
    } else {
      const YAML::Node list = a.get("spikes");
      if (!list.IsSequence() || list.size() == 0) {
        a.error(mark_of(list), "spikes: expected a non-empty list of {at, for, factor} items");
        spikes_good = false;
      } else {
        for (std::size_t i = 0; i < list.size(); ++i) {
          auto w =
              parse_spike(list[i], a.context() + ".spikes[" + std::to_string(i) + "]", a.diag());
          if (w)
            windows.push_back(*w);
          else
            spikes_good = false;
        }
      }
    }
  }
  for (std::size_t i = 0; spikes_good && i < windows.size(); ++i)
    c.shocks.push_back({"spike", one_spike ? "spike" : "spike-" + std::to_string(i + 1),
                        windows[i].at, windows[i].length});

  if (process == "poisson" || process == "constant") {
    c.arrival =
        process == "poisson" ? ClientConfig::Arrival::kPoisson : ClientConfig::Arrival::kConstant;
    if (auto rate = a.positive_quantity(process, Dimension::kRate)) {
      if (*rate < 1e-9 || *rate > 1e9)
        a.error_at(process, process + ": the rate must be between 1e-9/s and 1e9/s");
      else {
        c.rate = *rate;
        if (process == "poisson") {
          c.interarrival = make_exponential(1.0 / *rate);
          if (!windows.empty()) {
            c.arrival = ClientConfig::Arrival::kProfile;
            c.profile =
                std::make_shared<RateProfile>(RateProfile({{0, *rate, 0}}).with_windows(windows));
          }
        }
      }
    }
  } else if (process == "ramp") {
    c.arrival = ClientConfig::Arrival::kProfile;
    if (auto p = parse_ramp(a, c))
      c.profile = windows.empty() ? p : std::make_shared<RateProfile>(p->with_windows(windows));
  } else if (process == "onoff") {
    c.arrival = ClientConfig::Arrival::kOnOff;
    if (parse_onoff(a, c))
      c.profile = std::make_shared<RateProfile>(RateProfile({{0, 1, 0}}).with_windows(windows));
  } else {
    auto p = parse_trace(a, c);
    c.arrival = p ? ClientConfig::Arrival::kProfile : ClientConfig::Arrival::kTimestamps;
    c.profile = p;
  }
  a.finish();
}

}  // namespace

std::unique_ptr<ComponentConfig> parse_client(MapReader& r) {
  auto c = std::make_unique<ClientConfig>();
  if (auto t = r.string("target", true)) c->target = {*t, r.mark_of_value("target")};

  const bool open = r.has("arrival");
  const bool closed = r.has("closed");
  if (open && closed) {
    r.error(r.mark_of_key("closed"),
            "give either 'arrival' (open loop) or 'closed' (closed loop), not both");
  } else if (!open && !closed && !r.has_misspelling_of("arrival") &&
             !r.has_misspelling_of("closed")) {
    r.error(r.mark(),
            "missing 'arrival' (e.g. arrival: {poisson: 100/s}) or 'closed' "
            "(e.g. closed: {users: 50, think: exp(1s)})");
  }
  if (open) parse_arrival(r, *c);
  if (closed) {
    c->arrival = ClientConfig::Arrival::kClosed;
    MapReader cl(r.get("closed"), r.context() + ".closed", r.diag());
    if (auto u = cl.integer("users", 1, 10'000'000, true)) c->users = static_cast<int>(*u);
    c->think = cl.distribution("think", Dimension::kTime, true);
    cl.finish();
  }
  if (auto t = r.positive_quantity("timeout", Dimension::kTime,
                                   " (leave it out to wait for every reply)"))
    c->timeout = *t;
  if (auto cancel = r.boolean("cancel")) {
    c->cancel = *cancel;
    if (*cancel && !r.has("timeout"))
      r.error_at("cancel", "cancel: a client cancels the attempts it times out: give a timeout");
  }
  if (r.has("breaker")) {
    MapReader b(r.get("breaker"), r.context() + ".breaker", r.diag());
    if (b.ok()) {
      BreakerPolicy p;
      if (auto v = b.positive_quantity("failure_rate", Dimension::kFraction)) p.failure_rate = *v;
      auto time = [&](const char* key, Seconds& out) {
        if (auto v = b.positive_quantity(key, Dimension::kTime)) out = *v;
      };
      time("window", p.window);
      time("open_for", p.open_for);
      if (auto n = b.integer("min_attempts", 1, 1000000)) p.min_attempts = static_cast<int>(*n);
      if (auto n = b.integer("probes", 1, 1000)) p.probes = static_cast<int>(*n);
      c->breaker = p;
    }
    b.finish();
  }
  if (r.has("retry")) {
    MapReader rt(r.get("retry"), r.context() + ".retry", r.diag());
    if (rt.ok()) {
      RetryPolicy p;
      if (auto n = rt.integer("max_retries", 1, 100, true)) p.max_retries = static_cast<int>(*n);
      if (rt.has("backoff")) {
        MapReader b(rt.get("backoff"), rt.context() + ".backoff", r.diag());
        const char* kinds[] = {"constant", "exponential", "decorrelated"};
        int given = 0;
        for (int k = 0; k < 3; ++k)
          if (b.has(kinds[k])) {
            ++given;
            if (auto v = b.positive_quantity(kinds[k], Dimension::kTime)) {
              p.base = *v;
              p.backoff = static_cast<RetryPolicy::Backoff>(k + 1);
            }
          }
        if (b.ok() && given != 1) {
          const std::string message =
              "give one of constant, exponential or decorrelated, such as {exponential: 20ms, "
              "cap: 1s}";
          if (given == 0)
            b.error_unless_unknown_keys(b.mark(), message);
          else
            b.error(b.mark(), message);
        }
        if (b.has("cap")) {
          if (auto v = b.quantity("cap", Dimension::kTime)) p.cap = *v;
          if (p.backoff == RetryPolicy::Backoff::kConstant)
            b.error_at("cap", "cap: a constant backoff has nothing to cap");
          else if (p.cap < p.base)
            b.error_at("cap", "cap must be at least the first wait");
        } else if (p.backoff == RetryPolicy::Backoff::kExponential ||
                   p.backoff == RetryPolicy::Backoff::kDecorrelated) {
          p.cap = std::max<Seconds>(p.base, 10 * p.base);  // documented default
        }
        b.finish();
      }
      if (auto j2 = rt.choice("jitter", {"none", "full", "equal"})) {
        p.jitter = *j2 == "full"    ? RetryPolicy::Jitter::kFull
                   : *j2 == "equal" ? RetryPolicy::Jitter::kEqual
                                    : RetryPolicy::Jitter::kNone;
        if (p.jitter != RetryPolicy::Jitter::kNone &&
            (p.backoff == RetryPolicy::Backoff::kNone ||
             p.backoff == RetryPolicy::Backoff::kDecorrelated))
          rt.error_at("jitter", p.backoff == RetryPolicy::Backoff::kNone
                                    ? "jitter needs a backoff to spread"
                                    : "decorrelated backoff is random already: no jitter");
      }
      if (rt.has("budget")) {
        if (auto v = rt.positive_quantity("budget", Dimension::kFraction,
                                          " (leave it out for retries without a budget)"))
          p.budget = *v;
      }
      if (rt.has("on")) {
        const YAML::Node on = rt.get("on");
        if (!on.IsSequence() || on.size() == 0) {
          rt.error(mark_of(on), "on: expected a list of outcomes, such as [timeout, rejected]");
        } else {
          p.on_timeout = p.on_rejected = p.on_error = false;
          for (const YAML::Node& o : on) {
            const std::string v = o.IsScalar() ? o.Scalar() : "";
            if (v == "timeout")
              p.on_timeout = true;
            else if (v == "rejected")
              p.on_rejected = true;
            else if (v == "error")
              p.on_error = true;
            else {
              std::string msg =
                  "on: unknown outcome '" + v + "' (expected timeout, rejected, error)";
              const std::string hint = did_you_mean(v, {"timeout", "rejected", "error"});
              if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
              rt.error(mark_of(o), msg);
            }
          }
        }
      }
      c->retry = p;
    }
    rt.finish();
  }

  if (r.has("keys")) c->keys = parse_keys(r);
  if (r.has("classes")) c->classes = parse_classes(r);
  c->request_size = r.quantity("request_size", Dimension::kSize).value_or(0);
  c->response_size = r.quantity("response_size", Dimension::kSize).value_or(0);
  return c;
}

void ClientConfig::resolve(const ConfigIndex& index, Diagnostics& diag) const {
  resolve_callable(target, name, index, diag);
  // Every service's name, for a suggestion: only on an error (listing them for every client
  // made loading quadratic in the number of components: 2.5 s for 4,000).
  const auto services = [&index] {
    std::vector<std::string> out;
    for (const std::string& n : index.names())
      if (const ComponentConfig* c = index.find(n); c != nullptr && c->kind == "service")
        out.push_back(n);
    return out;
  };
  for (const RequestClass& k : classes)
    for (const auto& [component, o] : k.overrides) {
      const ComponentConfig* c = index.find(component);
      if (c == nullptr && index.exists(component)) continue;  // it has errors of its own
      if (c == nullptr || c->kind != "service") {
        std::string msg = name + ".classes." + k.name + ": '" + component + "' " +
                          (c == nullptr ? "names no component" : "is not a service") +
                          "; per-class service_time and calls apply to services";
        const std::string hint = did_you_mean(component, services());
        if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
        diag.error(o.mark, msg);
        continue;
      }
      if (o.calls) resolve_call_plan(*o.calls, component, index, diag);
    }
}

std::vector<ClassCalls> ClientConfig::class_calls() const {
  std::vector<ClassCalls> out;
  for (const RequestClass& k : classes) {
    ClassCalls cc{k.name, {}};
    for (const auto& [component, o] : k.overrides)
      if (o.calls) cc.calls.emplace_back(component, o.calls->callees());
    if (!cc.calls.empty()) out.push_back(std::move(cc));
  }
  return out;
}

std::unique_ptr<Component> ClientConfig::build(SimContext& ctx) const {
  return std::make_unique<Client>(*this, ctx);
}

std::optional<Seconds> ClientConfig::longest_request_wait() const {
  if (!timeout) return std::nullopt;
  if (!retry) return timeout;
  const Seconds wait = retry->backoff == RetryPolicy::Backoff::kNone       ? 0
                       : retry->backoff == RetryPolicy::Backoff::kConstant ? retry->base
                                                                           : retry->cap;
  return (retry->max_retries + 1) * *timeout + retry->max_retries * wait;
}

}  // namespace sdsim
