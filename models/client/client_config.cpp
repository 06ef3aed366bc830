#include "models/client/client_config.hpp"

#include <cmath>
#include <set>

#include "models/client/client.hpp"
#include "sim/core/text.hpp"

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
    const auto share = c.quantity("share", Dimension::kFraction, true);
    if (share && !(*share > 0)) c.error_at("share", "share must be > 0");
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
          o.service_time = read_distribution(kv.second, Dimension::kTime, ctx, r.diag());
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
  if (open) {
    MapReader a(r.get("arrival"), r.context() + ".arrival", r.diag());
    const bool poisson = a.has("poisson");
    const bool constant = a.has("constant");
    if (!a.ok()) {
      // reported: not a mapping
    } else if (poisson + constant != 1) {
      a.error(a.mark(), "give exactly one process: poisson: <rate> or constant: <rate>");
    } else {
      c->arrival = poisson ? ClientConfig::Arrival::kPoisson : ClientConfig::Arrival::kConstant;
      const char* key = poisson ? "poisson" : "constant";
      if (auto rate = a.quantity(key, Dimension::kRate)) {
        if (*rate <= 0)
          a.error_at(key, std::string(key) + ": the rate must be > 0");
        else if (*rate < 1e-9 || *rate > 1e9)
          a.error_at(key, std::string(key) + ": the rate must be between 1e-9/s and 1e9/s");
        else {
          c->rate = *rate;
          if (poisson) c->interarrival = make_exponential(1.0 / *rate);
        }
      }
    }
    a.finish();
  }
  if (closed) {
    c->arrival = ClientConfig::Arrival::kClosed;
    MapReader cl(r.get("closed"), r.context() + ".closed", r.diag());
    if (auto u = cl.integer("users", 1, 10'000'000, true)) c->users = static_cast<int>(*u);
    c->think = cl.distribution("think", Dimension::kTime, true);
    cl.finish();
  }
  if (auto t = r.quantity("timeout", Dimension::kTime)) {
    if (*t <= 0)
      r.error_at("timeout", "timeout must be > 0 (leave it out to wait for every reply)");
    else
      c->timeout = *t;
  }
  if (r.has("keys")) c->keys = parse_keys(r);
  if (r.has("classes")) c->classes = parse_classes(r);
  c->request_size = r.quantity("request_size", Dimension::kSize).value_or(0);
  c->response_size = r.quantity("response_size", Dimension::kSize).value_or(0);
  return c;
}

void ClientConfig::resolve(const ConfigIndex& index, Diagnostics& diag) const {
  resolve_callable(target, name, index, diag);
  std::vector<std::string> services;
  for (const std::string& n : index.names())
    if (const ComponentConfig* c = index.find(n); c != nullptr && c->kind == "service")
      services.push_back(n);
  for (const RequestClass& k : classes)
    for (const auto& [component, o] : k.overrides) {
      const ComponentConfig* c = index.find(component);
      if (c == nullptr && index.exists(component)) continue;  // it has errors of its own
      if (c == nullptr || c->kind != "service") {
        std::string msg = name + ".classes." + k.name + ": '" + component + "' " +
                          (c == nullptr ? "names no component" : "is not a service") +
                          "; per-class service_time and calls apply to services";
        const std::string hint = did_you_mean(component, services);
        if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
        diag.error(o.mark, msg);
        continue;
      }
      if (o.calls) resolve_call_plan(*o.calls, component, index, diag);
    }
}

std::unique_ptr<Component> ClientConfig::build(SimContext& ctx) const {
  return std::make_unique<Client>(*this, ctx);
}

}  // namespace sdsim
