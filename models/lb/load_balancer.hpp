// LoadBalancer: a proxy. Each call is forwarded to one replica of the backend component
// chosen by the policy; the reply comes back through the load balancer to the caller.
//
// Without `service_time` the load balancer spends no time of its own (one network hop each
// way is the cost) and the call is forwarded the moment it arrives. With `service_time`, each
// replica is a station like a service's: a pool of `workers` (default unlimited), a FIFO
// waiting room of `queue.capacity` (default unbounded; full: 503 at once), and the drawn work
// spent as a timer before the call is forwarded. The worker is free again once the call is
// forwarded (an event-loop proxy does not hold a worker while the backend works), so an LB
// with exponential work and one worker in front of a service is a Jackson tandem.
// docs/models/load_balancer.md.
#pragma once

#include <deque>
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
  LoadBalancerReplica(LoadBalancer& lb, Host& host, std::size_t index);
  void connect(Component& backends);
  void on_call(Message& m) override;
  void on_reply(Message& m) override;
  void on_event(std::uint32_t tag, void* data) override;
  // Its host went off: requests queued, in its own work and forwarded are lost.
  void crash();
  // Starts the health checks (when configured).
  void start();

 private:
  struct Pending {
    Message* parent = nullptr;
    Seconds arrived_at = 0;
    std::uint32_t backend = 0;
  };
  // A request doing the load balancer's own work.
  struct Work {
    Message* parent = nullptr;
    Seconds arrived_at = 0;
    Seconds service = 0;
  };
  struct Queued {
    Message* parent;
    Seconds arrived_at;
  };
  enum Tag : std::uint32_t {
    kWorkDone = kFirstModelTag,
    kTimeout,
    kProbe,
    kProbeTimeout,
    kReadmit  // data: backend index; an ejected backend comes back
  };
  struct Probe {
    std::uint32_t seq = 0;  // of the probe in flight
    bool awaiting = false;
    int fails = 0, oks = 0;  // in a row
  };
  void send_probe(std::size_t backend);
  void probe_result(std::size_t backend, bool ok);
  void set_up(std::size_t backend, bool up);
  // Outlier ejection: the outcome of a reply from `backend` (a backend timeout is a failure).
  void passive_result(std::size_t backend, bool ok);
  // Recomputes whether `backend` may be picked: neither failing health checks nor ejected.
  void refresh(std::size_t backend);
  // The caller's request cannot be forwarded: every backend is down (503).
  void no_backend(Message& parent, Seconds arrived_at);

  // Picks a backend replica and sends the call on; the request arrived at `arrived_at`.
  void forward(Message& parent, Seconds arrived_at);
  void begin(Message& parent, Seconds arrived_at, bool from_queue);

  LoadBalancer& lb_;
  std::size_t index_;
  std::unique_ptr<BackendPolicy> policy_;
  std::vector<Route*> to_;
  std::vector<Route*> back_;
  OutstandingCounts outstanding_;  // per backend replica (read by the policies)
  BackendHealth health_;           // per backend replica (read by the policies)
  std::vector<Probe> probes_;
  std::vector<std::uint8_t> checked_down_;  // out by health checks
  std::vector<std::uint8_t> ejected_;       // out by outlier ejection
  std::vector<int> failures_in_a_row_;
  std::size_t ejected_count_ = 0;
  SlotTable<Pending> pending_;
  // Own work (service_time set only).
  int busy_ = 0;
  std::deque<Queued> queue_;
  SlotTable<Work> work_;
};

class LoadBalancer final : public Component {
 public:
  LoadBalancer(const LoadBalancerConfig& config, SimContext& ctx);
  std::size_t replica_count() const override { return replicas_.size(); }
  Node& replica(std::size_t i) override { return *replicas_[i]; }
  void connect(const ComponentDirectory& directory) override;
  void replica_down(std::size_t i) override { replicas_[i]->crash(); }
  void start() override;

 private:
  friend class LoadBalancerReplica;
  const LoadBalancerConfig& config_;
  SimContext& ctx_;
  StationStats& stats_;
  RandomStream service_rng_;
  RandomStream error_rng_;  // injected errors (faults)
  StationStats::CounterId timeouts_ = 0;
  StationStats::CounterId marked_down_ = 0, marked_up_ = 0, probes_failed_ = 0, no_backend_ = 0;
  StationStats::CounterId ejections_ = 0;
  // sent_to_<i> counters, one per backend replica (empty when there are too many replicas).
  std::vector<StationStats::CounterId> sent_to_;
  std::vector<std::unique_ptr<LoadBalancerReplica>> replicas_;
};

}  // namespace sdsim
