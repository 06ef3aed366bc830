// The contract between the engine (sim/) and the component kinds (models/).
//
// A kind registers a parse function (Registry). Loading a scenario calls it for each list
// item of that kind, with a MapReader on the item, and gets a ComponentConfig: a typed,
// validated description. After every item is parsed, each config resolves the names it
// refers to (resolve), so a bad reference is a load error with its line and column. To run,
// each config builds its Component on the engine API (SimContext); components then connect to
// each other by name, once, and start.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/engine/node.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {

class Calendar;
class Network;
class Cpu;
class Platform;
class MessagePool;
class MetricsHub;
class RunControl;
class Tracer;
struct Scenario;
class ComponentConfig;
class Component;

// A reference to another component by name, with where it was written: resolved at load
// ("target: lb" -> the lb's config), checked for existence and callability.
struct NameRef {
  std::string name;
  SourceMark mark;
};

// A request class's own calls at some services (a client's `classes[].calls`): for the
// class's requests, each named service makes these calls instead of its own.
struct ClassCalls {
  std::string name;                                                 // the class
  std::vector<std::pair<std::string, std::vector<NameRef>>> calls;  // service -> its callees
};

// What a model sees of the engine while it builds and runs.
struct SimContext {
  Calendar& calendar;
  Network& network;
  Cpu& cpu;
  Platform& platform;
  MessagePool& messages;
  MetricsHub& metrics;
  RunControl& control;
  const Scenario& scenario;
  std::uint64_t seed;
  std::uint64_t replication;
  // Sampled request traces (`sdsim run --trace N`); null when tracing is off.
  Tracer* tracer = nullptr;

  // The random stream of (component, purpose) in this run.
  RandomStream stream(std::string_view component, std::string_view purpose) const {
    return RandomStream(seed, component, purpose, replication);
  }
};

// Every parsed component and client, by name (for resolve).
class ConfigIndex {
 public:
  virtual ~ConfigIndex() = default;
  virtual const ComponentConfig* find(std::string_view name) const = 0;
  // True for every name given in the file, including items that failed to parse (so a
  // reference to them is not reported a second time).
  virtual bool exists(std::string_view name) const = 0;
  virtual std::vector<std::string> names() const = 0;
};

// Every built component, by name (for connect).
class ComponentDirectory {
 public:
  virtual ~ComponentDirectory() = default;
  // Throws std::logic_error when absent: names were resolved at load.
  virtual Component& get(std::string_view name) const = 0;
};

class ComponentConfig {
 public:
  virtual ~ComponentConfig() = default;
  std::string name;
  std::string kind;
  SourceMark mark;
  bool is_client = false;

  // Checks the names this component refers to. Default: none.
  virtual void resolve(const ConfigIndex& index, Diagnostics& diag) const {}
  // The components this one calls (a client's target, load balancer backends, ...), for the
  // loader's checks: no call cycle (a request must not be forwarded forever), and a network
  // link between the zones of caller and callee.
  virtual std::vector<NameRef> callees() const { return {}; }
  // Calls this config has other components make instead of their own callees(): a client's
  // per-class `calls` of a service, made by that service for the class's requests. For the
  // same checks as callees() (no cycle within a class, network links) and the check that
  // every component is reached. Default: none.
  virtual std::vector<ClassCalls> class_calls() const { return {}; }
  // How many replicas (hosts) it has; callers address one of them per call. 0: not known (its
  // `replicas` was bad and is reported; the checks of 'name[i]' references skip it).
  virtual int replica_count() const { return 1; }
  // How many shards it has (a fan-out to `all_shards` makes one call per shard).
  virtual int shard_count() const { return 1; }
  // True when it cancels the calls it times out (Message::cancel), so its callees should
  // track queued calls to drop cancelled ones.
  virtual bool cancels_calls() const { return false; }
  // True when other components may call it (a client may not be called).
  virtual bool callable() const { return !is_client; }
  // Longest time one of this client's requests may stay open (timeouts, retries): sets the
  // default drain limit. nullopt: unbounded (wait for the reply).
  virtual std::optional<Seconds> longest_request_wait() const { return std::nullopt; }
  virtual std::unique_ptr<Component> build(SimContext& ctx) const = 0;
};

class Component {
 public:
  explicit Component(std::string name) : name_(std::move(name)) {}
  virtual ~Component() = default;
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  const std::string& name() const { return name_; }
  virtual std::size_t replica_count() const = 0;
  virtual Node& replica(std::size_t i) = 0;

  // Which replica a caller addresses with call `m` (its key and op are set). The callee's
  // rule, run by the caller with the caller's own random stream, as a client-side driver
  // would: default uniformly at random; a database sends writes to its primary and a
  // key to its shard.
  virtual std::size_t pick_replica(const Message& m, RandomStream& rng) const;
  // Shards: a fan-out to `all_shards` makes one call per shard, to
  // pick_replica_in_shard(m, s, rng). Default: one shard holding every replica.
  virtual std::size_t shard_count() const { return 1; }
  virtual std::size_t pick_replica_in_shard(const Message& m, std::size_t shard,
                                            RandomStream& rng) const {
    return pick_replica(m, rng);
  }
  // Resolves the names this component calls into references. Once, before the run.
  virtual void connect(const ComponentDirectory& directory) {}
  // Schedules its first events (clients). Once, before the run.
  virtual void start() {}

  // ---- faults (sim/engine/faults.hpp) ----
  // Replica i's host went off: the work queued and in progress there is lost; the kind drops
  // it (and counts it) here. Messages on their way to it are lost by the network. Default:
  // nothing is held.
  virtual void replica_down(std::size_t i) {}
  // Replica i's host is on again: it starts empty (cold caches, empty queues).
  virtual void replica_up(std::size_t i) {}
  // Error injection: replica i answers each call with an error with probability p (0: off).
  // Kinds that take calls check error_probability() on arrival.
  void set_error_probability(std::size_t i, double p) {
    if (error_probability_.size() <= i) error_probability_.resize(i + 1, 0.0);
    error_probability_[i] = p;
  }
  double error_probability(std::size_t i) const {
    return i < error_probability_.size() ? error_probability_[i] : 0.0;
  }

 private:
  std::string name_;
  std::vector<double> error_probability_;
};

// Reports an error when `ref` names nothing callable; suggests a near name.
void resolve_callable(const NameRef& ref, const std::string& owner, const ConfigIndex& index,
                      Diagnostics& diag);

}  // namespace sdsim
