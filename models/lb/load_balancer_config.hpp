// Load balancer configuration (`kind: load_balancer`): a proxy in front of the replicas of
// one component. docs/models/load_balancer.md describes the semantics.
#pragma once

#include <memory>
#include <string>

#include "sim/config/map_reader.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

struct LoadBalancerConfig final : ComponentConfig {
  enum class Policy { kRoundRobin, kRandom };
  Policy policy = Policy::kRoundRobin;
  NameRef backends;
  int replicas = 1;

  void resolve(const ConfigIndex& index, Diagnostics& diag) const override;
  std::vector<NameRef> callees() const override { return {backends}; }
  int replica_count() const override { return replicas; }
  // Each load-balancer replica keeps a route to and from each backend replica.
  static constexpr long long kMaxRoutePairs = 1'000'000;
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_load_balancer(MapReader& item);

}  // namespace sdsim
