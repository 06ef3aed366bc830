// Client configuration (`clients:` items): who is called, how requests arrive, how long the
// client waits. docs/models/client.md describes the semantics.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/client/rate_profile.hpp"
#include "models/common/call_plan.hpp"
#include "models/common/key_space.hpp"
#include "sim/engine/message.hpp"

#include "sim/config/map_reader.hpp"
#include "sim/dist/distribution.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

// A request class (`classes:` item): a share of the client's requests with an operation of
// its own, measured on its own.
struct RequestClass {
  std::string name;
  double share = 1;
  Op op = Op::kRead;
  SourceMark mark;
  // Per service (by name): this class's own service time and calls there.
  struct Override {
    std::shared_ptr<const Distribution> service_time;
    std::shared_ptr<const CallPlan> calls;
    SourceMark mark;
  };
  std::map<std::string, Override> overrides;
};

// A traffic shock of an open-loop client, recorded as an incident (kind ramp or spike) over
// [at, at + length).
struct ShockWindow {
  std::string kind;
  std::string name;  // the incident is named <client>/<name>
  Seconds at = 0;
  Seconds length = 0;
};

// Retries of a failed attempt (`retry:`; docs/models/client.md, "Retries").
struct RetryPolicy {
  enum class Backoff { kNone, kConstant, kExponential, kDecorrelated };
  enum class Jitter { kNone, kFull, kEqual };
  int max_retries = 1;
  Backoff backoff = Backoff::kNone;
  Seconds base = 0;               // the backoff's first (or only) wait
  Seconds cap = 0;                // exponential, decorrelated: the longest wait
  Jitter jitter = Jitter::kNone;  // constant, exponential
  std::optional<double> budget;   // retries per request issued (token bucket)
  bool on_timeout = true, on_rejected = true, on_error = true;  // retryable outcomes
  // The retry budget's bucket: starts full with this many tokens, holds no more.
  static constexpr double kBudgetBurst = 10;
};

// A client-side circuit breaker (`breaker:`; docs/models/client.md, "Circuit breaker").
struct BreakerPolicy {
  double failure_rate = 0.5;  // open when this share of the window's attempts failed
  Seconds window = 10;        // over the attempts that ended in the last `window`
  int min_attempts = 20;      // ... once there are at least this many
  Seconds open_for = 5;       // then fail fast this long
  int probes = 1;             // half-open: attempts let through; all must succeed to close
};

struct ClientConfig final : ComponentConfig {
  // kProfile: non-homogeneous Poisson with a rate profile (poisson with spikes, ramp, rates
  // trace); kOnOff: on/off modulated Poisson; kTimestamps: a trace of arrival times.
  enum class Arrival { kPoisson, kConstant, kClosed, kProfile, kOnOff, kTimestamps };
  NameRef target;
  Arrival arrival = Arrival::kPoisson;
  PerSecond rate = 0;                                // poisson, constant
  std::shared_ptr<const Distribution> interarrival;  // Poisson: exp(1/rate)
  std::shared_ptr<const RateProfile> profile;        // kProfile; kOnOff: the spike factors
  std::vector<ShockWindow> shocks;                   // ramp and spike windows
  struct OnOff {
    PerSecond on = 0, off = 0;
    std::shared_ptr<const Distribution> on_time, off_time;
    bool start_on = false;
  } onoff;
  struct Timestamps {
    std::vector<Seconds> times;  // non-decreasing
    Seconds cycle = 0;           // repeat: the trace starts again every cycle (0: once)
  } timestamps;
  int users = 0;                              // closed loop
  std::shared_ptr<const Distribution> think;  // closed loop
  std::optional<Seconds> timeout;             // per attempt; absent = wait forever
  std::optional<RetryPolicy> retry;           // absent: no retries
  std::optional<BreakerPolicy> breaker;       // absent: none
  bool cancel = false;  // a timed-out attempt is cancelled at the callee (if it supports it)
  std::shared_ptr<const KeySpace> keys;  // absent: requests name no key
  std::vector<RequestClass> classes;     // empty: one implicit class (reads)
  Bytes request_size = 0;                // of each request it sends
  Bytes response_size = 0;               // of the response it asks for

  void resolve(const ConfigIndex& index, Diagnostics& diag) const override;
  std::vector<NameRef> callees() const override { return {target}; }
  std::vector<ClassCalls> class_calls() const override;
  bool cancels_calls() const override { return cancel; }
  // The longest a request may stay open: every attempt's timeout and the longest backoffs.
  std::optional<Seconds> longest_request_wait() const override;
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_client(MapReader& item);

}  // namespace sdsim
