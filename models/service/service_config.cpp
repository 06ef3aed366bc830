#include "models/service/service_config.hpp"

#include <algorithm>
#include "models/common/station_keys.hpp"
#include "models/service/service.hpp"

#include "sim/core/text.hpp"

namespace sdsim {

ServiceConfig::Mode ServiceConfig::mode() const {
  if (cores == 0) return Mode::kDelay;
  if (workers != 0 && workers <= cores) return Mode::kDelay;
  return Mode::kCpu;
}

std::unique_ptr<ComponentConfig> parse_service(MapReader& r) {
  auto c = std::make_unique<ServiceConfig>();
  if (auto n = r.integer("replicas", 1, 100000))
    c->replicas = static_cast<int>(*n);
  else if (r.get("replicas").IsDefined())
    c->replicas = 0;  // bad, reported: 0 = not known
  StationKeys keys;
  parse_station_keys(r, keys);
  c->workers = keys.workers;
  c->cores = keys.cores;
  c->queue_capacity = keys.queue_capacity;
  c->queue_policy = keys.queue_policy;
  c->service_time = r.distribution("service_time", Dimension::kTime, true);
  if (r.has("calls")) c->calls = parse_call_plan(r.get("calls"), r.context() + ".calls", r.diag());
  if (auto a = r.boolean("async")) c->async = *a;
  if (r.has("rate_limit")) {
    MapReader rl(r.get("rate_limit"), r.context() + ".rate_limit", r.diag());
    if (rl.ok()) {
      ServiceConfig::RateLimit limit;
      if (auto v = rl.positive_quantity("rate", Dimension::kRate, {}, true)) limit.rate = *v;
      if (auto b = rl.quantity("burst", Dimension::kNumber)) {
        if (*b < 1)
          rl.error_at("burst", "burst must be >= 1 (a token bucket holds at least one token)");
        else
          limit.burst = *b;
      }
      c->rate_limit = limit;
    }
    rl.finish();
  }
  if (r.has("connections")) {
    const YAML::Node m = r.get("connections");
    if (!m.IsMap()) {
      r.error(mark_of(m),
              "connections: expected a mapping of component name to pool size "
              "(e.g. connections: {db: 16})");
    } else {
      for (const auto& kv : m) {
        const std::string target = kv.first.Scalar();
        std::int64_t n = 0;
        if (!kv.second.IsScalar() || !parse_whole_number(kv.second.Scalar(), &n) || n < 1 ||
            n > 1'000'000)
          r.error(mark_of(kv.second), "connections." + target +
                                          ": expected a pool size, a whole number from 1 to "
                                          "1000000");
        else if (!c->connections
                      .emplace(target, ServiceConfig::Pool{static_cast<int>(n), mark_of(kv.first)})
                      .second)
          r.error(mark_of(kv.first), "connections: duplicate key '" + target + "'");
      }
    }
  }
  return c;
}

std::vector<NameRef> ServiceConfig::callees() const {
  return calls ? calls->callees() : std::vector<NameRef>{};
}

void ServiceConfig::resolve(const ConfigIndex& index, Diagnostics& diag) const {
  if (calls) resolve_call_plan(*calls, name, index, diag);
  std::vector<std::string> called;
  for (const NameRef& t : callees()) called.push_back(t.name);
  for (const auto& [target, pool] : connections) {
    if (std::find(called.begin(), called.end(), target) != called.end()) continue;
    std::string msg = name + ": connections: '" + target + "' is not called by " + name;
    const std::string hint = did_you_mean(target, called);
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    diag.error(pool.mark, msg);
  }
}

std::unique_ptr<Component> ServiceConfig::build(SimContext& ctx) const {
  return std::make_unique<Service>(*this, ctx);
}

}  // namespace sdsim
