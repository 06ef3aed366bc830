// Load balancer configuration (`kind: load_balancer`): a proxy in front of the replicas of
// one component. docs/models/load_balancer.md describes the semantics.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/map_reader.hpp"
#include "sim/dist/distribution.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

struct LoadBalancerConfig final : ComponentConfig {
  enum class Policy { kRoundRobin, kRandom, kLeastOutstanding, kPowerOfTwo };
  Policy policy = Policy::kRoundRobin;
  NameRef backends;
  int replicas = 1;
  // One positive weight per backend replica (round_robin and random only); empty = equal.
  std::vector<double> weights;
  SourceMark weights_mark;
  // The load balancer's own work per request, before it forwards; null = none (a pure
  // forward, no worker or queue involved).
  std::shared_ptr<const Distribution> service_time;
  int workers = 0;                             // per replica; 0 = unlimited
  std::optional<std::int64_t> queue_capacity;  // waiting room per replica; absent = unbounded
  // Backend timeout: a forwarded call unanswered this long ends with an error (504) to the
  // caller; absent = wait for the reply (a backend lost in a crash then holds it forever).
  std::optional<Seconds> timeout;
  // Active health checks: each LB replica probes each backend replica every `interval`; a
  // probe unanswered within `timeout` fails; `unhealthy_after` failures in a row take the
  // backend out of rotation, `healthy_after` successes in a row put it back.
  struct HealthCheck {
    Seconds interval = 5;
    Seconds timeout = 1;
    int unhealthy_after = 2;
    int healthy_after = 2;
  };
  std::optional<HealthCheck> health_check;
  // Passive outlier ejection: a backend replica whose replies fail `consecutive_errors` times
  // in a row (errors, 503s, backend timeouts) is out of rotation for `eject_for`; at most
  // `max_ejected` of the replicas are out at once.
  struct OutlierEjection {
    int consecutive_errors = 5;
    Seconds eject_for = 30;
    double max_ejected = 0.5;
  };
  std::optional<OutlierEjection> outlier_ejection;

  void resolve(const ConfigIndex& index, Diagnostics& diag) const override;
  std::vector<NameRef> callees() const override { return {backends}; }
  int replica_count() const override { return replicas; }
  // Each load-balancer replica keeps a route to and from each backend replica.
  static constexpr long long kMaxRoutePairs = 1'000'000;
  // Per-backend-replica counters (sent_to_<i>) are kept for backends of at most this many
  // replicas (each is a row per window in timeseries.csv).
  static constexpr std::size_t kMaxSentCounters = 64;
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_load_balancer(MapReader& item);

}  // namespace sdsim
