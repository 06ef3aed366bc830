#include "models/lb/load_balancer_config.hpp"

#include <cmath>
#include <limits>

#include "models/common/station_keys.hpp"
#include "models/lb/load_balancer.hpp"
#include "sim/core/text.hpp"

namespace sdsim {

namespace {

const char* policy_name(LoadBalancerConfig::Policy p) {
  switch (p) {
    case LoadBalancerConfig::Policy::kRoundRobin:
      return "round_robin";
    case LoadBalancerConfig::Policy::kRandom:
      return "random";
    case LoadBalancerConfig::Policy::kLeastOutstanding:
      return "least_outstanding";
    case LoadBalancerConfig::Policy::kPowerOfTwo:
      return "power_of_two";
  }
  return "?";
}

void parse_weights(MapReader& r, LoadBalancerConfig& c) {
  const YAML::Node list = r.get("weights");
  c.weights_mark = mark_of(list);
  if (!list.IsSequence() || list.size() == 0) {
    r.error(mark_of(list),
            "weights: expected a list of positive numbers, one per backend replica "
            "(e.g. weights: [3, 1])");
    return;
  }
  bool ok = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node w = list[i];
    const std::string context = r.context() + ".weights[" + std::to_string(i) + "]";
    if (!w.IsScalar()) {
      r.diag().error(mark_of(w), context + ": expected a positive number");
      ok = false;
      continue;
    }
    const auto v = read_quantity(w, Dimension::kNumber, context, r.diag());
    if (!v) {
      ok = false;
    } else if (!(*v > 0) || !std::isfinite(*v)) {
      r.diag().error(mark_of(w), context + ": " + w.Scalar() +
                                     " is not a positive number (a weight must be > 0)");
      ok = false;
    } else {
      c.weights.push_back(*v);
    }
  }
  if (!ok) c.weights.clear();
}

}  // namespace

std::unique_ptr<ComponentConfig> parse_load_balancer(MapReader& r) {
  using Policy = LoadBalancerConfig::Policy;
  auto c = std::make_unique<LoadBalancerConfig>();
  if (auto p = r.choice("policy", {"round_robin", "random", "least_outstanding", "power_of_two"})) {
    if (*p == "random") c->policy = Policy::kRandom;
    if (*p == "least_outstanding") c->policy = Policy::kLeastOutstanding;
    if (*p == "power_of_two") c->policy = Policy::kPowerOfTwo;
  }
  if (auto b = r.string("backends", true)) c->backends = {*b, r.mark_of_value("backends")};
  if (auto n = r.integer("replicas", 1, 10000))
    c->replicas = static_cast<int>(*n);
  else if (r.get("replicas").IsDefined())
    c->replicas = 0;  // bad, reported: 0 = not known
  if (r.has("weights")) {
    parse_weights(r, *c);
    if (c->policy == Policy::kLeastOutstanding || c->policy == Policy::kPowerOfTwo) {
      r.error(r.mark_of_key("weights"), std::string("weights: apply to round_robin and random "
                                                    "only, not to policy ") +
                                            policy_name(c->policy));
      c->weights.clear();
    }
  }
  c->service_time = r.distribution("service_time", Dimension::kTime);
  if (auto t = r.positive_quantity("timeout", Dimension::kTime,
                                   " (leave it out to wait for the backend)"))
    c->timeout = *t;
  if (r.has("health_check")) {
    MapReader h(r.get("health_check"), r.context() + ".health_check", r.diag());
    if (h.ok()) {
      LoadBalancerConfig::HealthCheck hc;
      if (auto v = h.positive_quantity("interval", Dimension::kTime)) hc.interval = *v;
      if (auto v = h.positive_quantity("timeout", Dimension::kTime)) hc.timeout = *v;
      if (hc.timeout > hc.interval)
        h.error_at("timeout", "timeout must not exceed interval (one probe at a time)");
      if (auto v = h.integer("unhealthy_after", 1, 1000)) hc.unhealthy_after = static_cast<int>(*v);
      if (auto v = h.integer("healthy_after", 1, 1000)) hc.healthy_after = static_cast<int>(*v);
      c->health_check = hc;
    }
    h.finish();
  }
  if (r.has("outlier_ejection")) {
    MapReader o(r.get("outlier_ejection"), r.context() + ".outlier_ejection", r.diag());
    if (o.ok()) {
      LoadBalancerConfig::OutlierEjection oe;
      if (auto n = o.integer("consecutive_errors", 1, 100000))
        oe.consecutive_errors = static_cast<int>(*n);
      if (auto t = o.positive_quantity("eject_for", Dimension::kTime)) oe.eject_for = *t;
      if (auto f = o.quantity("max_ejected", Dimension::kFraction)) oe.max_ejected = *f;
      c->outlier_ejection = oe;
    }
    o.finish();
  }
  parse_workers_key(r, c->workers);
  parse_fifo_queue_key(r, c->queue_capacity);
  if (c->workers == 0 && c->queue_capacity)
    r.error(r.mark_of_key("queue"),
            "a queue has no use with workers: unlimited (nobody ever waits)");
  if (!r.has("service_time")) {
    // Without its own work the load balancer forwards at once: workers and a queue would
    // never be used, so asking for them is a mistake worth reporting.
    for (const char* key : {"workers", "queue"})
      if (r.has(key))
        r.error(r.mark_of_key(key), std::string(key) +
                                        ": has no effect without service_time (the load "
                                        "balancer forwards at once)");
  }
  return c;
}

void LoadBalancerConfig::resolve(const ConfigIndex& index, Diagnostics& diag) const {
  resolve_callable(backends, name, index, diag);
  if (backends.name == name)
    diag.error(backends.mark, name + ": a load balancer cannot be its own backend");
  if (const ComponentConfig* b = index.find(backends.name)) {
    const long long pairs = static_cast<long long>(replicas) * b->replica_count();
    if (pairs > kMaxRoutePairs)
      diag.error(mark, name + ": " + std::to_string(replicas) + " replicas x " +
                           std::to_string(b->replica_count()) +
                           " backend replicas = " + std::to_string(pairs) + " routes; at most " +
                           std::to_string(kMaxRoutePairs) + " (use fewer load-balancer replicas)");
    if (!weights.empty() && b->replica_count() > 0 &&
        weights.size() != static_cast<std::size_t>(b->replica_count()))
      diag.error(weights_mark, name + ": weights: " + std::to_string(weights.size()) +
                                   " weights for " + std::to_string(b->replica_count()) +
                                   " replicas of " + backends.name +
                                   " (one weight per backend replica)");
  }
}

std::unique_ptr<Component> LoadBalancerConfig::build(SimContext& ctx) const {
  return std::make_unique<LoadBalancer>(*this, ctx);
}

}  // namespace sdsim
