// Service: `replicas` identical replicas, each a host with a pool of workers and a FIFO
// waiting room of bounded capacity. A call that finds a free worker starts at once; else it
// waits if there is room; else it is rejected at once (503). With capacity 0 this is Erlang's
// loss system (M/M/c/c); with capacity K - c, M/M/c/K. Service time is a draw from the
// service_time law, spent as a timer (each worker has its own core) or as a SimGrid exec on
// the replica's host (more workers than cores: the busy workers share the cores).
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "models/common/slot_table.hpp"
#include "models/service/service_config.hpp"
#include "sim/engine/message.hpp"
#include "sim/metrics/station_stats.hpp"

namespace sdsim {

class Service;

class ServiceReplica final : public Node {
 public:
  ServiceReplica(Service& service, Host& host);
  void on_call(Message& m) override;
  void on_reply(Message& m) override;
  void on_event(std::uint32_t tag, void* data) override;

 private:
  struct Job {
    Message* message = nullptr;
    Seconds arrived_at = 0;
    Seconds service = 0;
  };
  enum Tag : std::uint32_t { kServiceDone = kFirstModelTag };

  void begin(Message* m, Seconds arrived_at, bool from_queue);

  Service& service_;
  int busy_ = 0;
  std::deque<Job> queue_;
  SlotTable<Job> in_service_;
};

class Service final : public Component {
 public:
  Service(const ServiceConfig& config, SimContext& ctx);
  std::size_t replica_count() const override { return replicas_.size(); }
  Node& replica(std::size_t i) override { return *replicas_[i]; }

 private:
  friend class ServiceReplica;
  const ServiceConfig& config_;
  SimContext& ctx_;
  StationStats& stats_;
  RandomStream service_rng_;
  ServiceConfig::Mode mode_;
  std::vector<std::unique_ptr<ServiceReplica>> replicas_;
};

}  // namespace sdsim
