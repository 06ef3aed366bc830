// LoadBalancer: a proxy. Each call is forwarded to one replica of the backend component
// chosen by the policy; the reply comes back through the load balancer to the caller. The
// load balancer's own processing time is zero (one network hop each way is the cost).
#pragma once

#include <memory>
#include <vector>

#include "models/common/slot_table.hpp"
#include "models/lb/backend_policy.hpp"
#include "models/lb/load_balancer_config.hpp"
#include "sim/engine/network.hpp"
#include "sim/metrics/station_stats.hpp"

namespace sdsim {

class LoadBalancer;

class LoadBalancerReplica final : public Node {
 public:
  LoadBalancerReplica(LoadBalancer& lb, Host& host, std::unique_ptr<BackendPolicy> policy);
  void connect(Component& backends);
  void on_call(Message& m) override;
  void on_reply(Message& m) override;

 private:
  struct Pending {
    Message* parent = nullptr;
    Seconds arrived_at = 0;
  };
  LoadBalancer& lb_;
  std::unique_ptr<BackendPolicy> policy_;
  std::vector<Route*> to_;
  std::vector<Route*> back_;
  SlotTable<Pending> pending_;
};

class LoadBalancer final : public Component {
 public:
  LoadBalancer(const LoadBalancerConfig& config, SimContext& ctx);
  std::size_t replica_count() const override { return replicas_.size(); }
  Node& replica(std::size_t i) override { return *replicas_[i]; }
  void connect(const ComponentDirectory& directory) override;

 private:
  friend class LoadBalancerReplica;
  const LoadBalancerConfig& config_;
  SimContext& ctx_;
  StationStats& stats_;
  std::vector<std::unique_ptr<LoadBalancerReplica>> replicas_;
};

}  // namespace sdsim
