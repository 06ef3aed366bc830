// CallPlan: the downstream calls a handler makes after its own work (`calls:` on a service,
// or a request class's override). Steps run in order; a step is one call, a fan-out to every
// replica or shard of one component, or a parallel group of several components. A step
// completes when `wait` of its calls have answered ok, and fails when too few still can
// (docs/models/service.md). Parsed once at load; read-only at run time.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

// A step runs only when its condition holds for the request being handled.
enum class CallWhen {
  kAlways,
  kCacheHit,   // the last cache called in this handler answered a hit
  kCacheMiss,  // ... a miss
  kRead,       // the request is a read
  kWrite,      // ... a write
};

struct CallStep {
  enum class FanOut { kOne, kAllReplicas, kAllShards };
  std::string name;              // optional; for messages and paths
  std::vector<NameRef> targets;  // one, or several for a `parallel:` group
  FanOut fan_out = FanOut::kOne;
  int wait = 0;  // ok replies that complete the step; 0 = all of them
  SourceMark wait_mark;
  double probability = 1;  // a Bernoulli draw per request decides whether the step runs
  CallWhen when = CallWhen::kAlways;
  SourceMark when_mark;
  std::optional<Seconds> timeout;  // per call, from the moment it is made (pool wait included)
  Bytes request_size = 0;
  Bytes response_size = 0;
  // Hedging (a single call only): no reply after `after` (or after the `percentile` of this
  // step's observed latency, once 100 replies were seen), a second copy goes to a replica
  // picked again; the first ok reply wins; the loser runs on unless cancel_loser.
  struct Hedge {
    Seconds after = 0;          // fixed delay, when percentile == 0
    double percentile = 0;      // e.g. 0.95 for `after: p95`
    bool cancel_loser = false;  // the copy that did not win is cancelled at its callee
  };
  std::optional<Hedge> hedge;
  SourceMark mark;
};

struct CallPlan {
  std::vector<CallStep> steps;
  // Every component this plan may call, in order of first appearance.
  std::vector<NameRef> callees() const;
};

// Parses a `calls:` list. Errors go to `diag`; returns null only when it is not a list.
std::shared_ptr<const CallPlan> parse_call_plan(const YAML::Node& list, const std::string& context,
                                                Diagnostics& diag);

// Checks the plan's references once every item is parsed: targets exist and can be called,
// a step does not call `owner` itself, `wait: k` is at most the calls the step makes, and a
// `when: cache_hit|cache_miss` step follows a step that calls a cache.
void resolve_call_plan(const CallPlan& plan, const std::string& owner, const ConfigIndex& index,
                       Diagnostics& diag);

}  // namespace sdsim
