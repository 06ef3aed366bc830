// Service configuration (`kind: service`): replicas, each with a worker pool, a bounded FIFO
// waiting room and a service-time law. docs/models/service.md describes the semantics.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "models/common/call_plan.hpp"
#include "models/common/queue_policy.hpp"
#include "sim/config/map_reader.hpp"
#include "sim/dist/distribution.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

struct ServiceConfig final : ComponentConfig {
  int replicas = 1;
  int workers = 1;  // per replica; 0 = unlimited
  int cores = 0;    // per replica; 0 = as many as workers (no CPU sharing)
  std::optional<std::int64_t> queue_capacity;  // waiting room per replica; absent = unbounded
  QueuePolicyConfig queue_policy;              // order and load shedding of the waiting room
  std::shared_ptr<const Distribution> service_time;
  std::shared_ptr<const CallPlan> calls;  // null: makes no calls
  // true: the worker is released when its own work ends, while the calls run (event-loop
  // servers); false: it stays held until the reply leaves (thread per request).
  bool async = false;
  // Token-bucket rate limit per replica: `rate` tokens a second, at most `burst`; a call that
  // finds no token is answered 429 at once with Retry-After = the time until the next token.
  struct RateLimit {
    PerSecond rate = 0;
    double burst = 1;
  };
  std::optional<RateLimit> rate_limit;
  // Connection pool per downstream component, per replica: at most n calls in flight to it;
  // more wait (FIFO) for a free connection.
  struct Pool {
    int size = 0;
    SourceMark mark;
  };
  std::map<std::string, Pool> connections;

  // How service time is spent.
  enum class Mode {
    kDelay,  // each busy worker has a core of its own: service is a timer (FCFS)
    kCpu,    // workers can outnumber cores: service is a SimGrid exec (CPU sharing)
  };
  Mode mode() const;
  int replica_count() const override { return replicas; }
  // Cores of each replica's host: `cores`, or one per worker (at least 1).
  int effective_cores() const { return cores > 0 ? cores : std::max(workers, 1); }

  void resolve(const ConfigIndex& index, Diagnostics& diag) const override;
  // A hedge with cancel_loser cancels calls (its callees then track their queues).
  bool cancels_calls() const override {
    if (calls)
      for (const CallStep& st : calls->steps)
        if (st.hedge && st.hedge->cancel_loser) return true;
    return false;
  }
  std::vector<NameRef> callees() const override;
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_service(MapReader& item);

}  // namespace sdsim
