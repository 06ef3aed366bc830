#include "models/lb/load_balancer_config.hpp"

#include "models/lb/load_balancer.hpp"

namespace sdsim {

std::unique_ptr<ComponentConfig> parse_load_balancer(MapReader& r) {
  auto c = std::make_unique<LoadBalancerConfig>();
  if (auto p = r.choice("policy", {"round_robin", "random"}))
    c->policy = *p == "random" ? LoadBalancerConfig::Policy::kRandom
                               : LoadBalancerConfig::Policy::kRoundRobin;
  if (auto b = r.string("backends", true)) c->backends = {*b, r.mark_of_value("backends")};
  if (auto n = r.integer("replicas", 1, 10000)) c->replicas = static_cast<int>(*n);
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
  }
}

std::unique_ptr<Component> LoadBalancerConfig::build(SimContext& ctx) const {
  return std::make_unique<LoadBalancer>(*this, ctx);
}

}  // namespace sdsim
