// FaultInjector: runs the scenario's `faults:` (sim/engine/fault_config.hpp) on the calendar.
//
// Each fault becomes one or more processes: a scheduled fault is one process over all its
// targets (a crash of `api` takes every replica at once); a random fault on a component is one
// independent process per replica, and on a zone one process for the zone (a failure domain:
// its hosts fail together). A process alternates: up for a draw of `up`, down for a draw of
// `down`, from the fault's own stream (`fault/<name>`, purpose `replica <i>` or `all`), so
// adding a fault changes no other stream. Every down period is an incident
// (MetricsHub::begin_incident).
//
// Effects compose: a host is off while any crash holds it; its slowdown is the largest active
// factor; its error probability is 1 - prod(1 - p) over active error faults; a link is cut in
// a direction while any partition cuts it, and its added latency is the sum of active spikes.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/engine/calendar.hpp"
#include "sim/engine/fault_config.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {

class Component;
class ComponentDirectory;
class Host;
class MetricsHub;
class Network;
class Platform;
struct Scenario;

class FaultInjector final : public EventTarget {
 public:
  FaultInjector(const Scenario& scenario, Calendar& calendar, Network& network, MetricsHub& metrics,
                std::uint64_t seed, std::uint64_t replication);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Tells the platform which hosts slow-node faults may slow down, and by how much. Before
  // any host is built.
  static void prepare_platform(const Scenario& scenario, Platform& platform);
  // Resolves targets to built components. Once, after they connect.
  void connect(const ComponentDirectory& directory);
  // Schedules the first transitions. Once, before the run.
  void start();

  void fire(std::uint32_t tag, void* data) override;

 private:
  struct Replica {
    Component* component = nullptr;
    std::size_t index = 0;
  };
  struct Process {
    const FaultSpec* spec = nullptr;
    std::vector<Replica> replicas;  // crash, slow, errors
    std::string target;             // for incidents
    RandomStream rng{0};
    bool down = false;  // the fault is in effect
    std::uint32_t incident = 0;
  };
  struct ReplicaState {
    int crashes = 0;
    std::multiset<double> slowdowns;
    std::vector<double> error_probabilities;
  };
  struct LinkState {
    int cuts_from_a = 0, cuts_from_b = 0, fail_fast = 0;
    Seconds extra_latency = 0;
    std::vector<std::pair<double, Seconds>> losses;  // (probability, rto) of active faults
  };

  void apply(Process& p, bool down);
  void apply_replica(const FaultSpec& f, const Replica& r, bool down);
  void apply_link(const FaultSpec& f, bool down);
  ReplicaState& state_of(const Replica& r);

  const Scenario& scenario_;
  Calendar& calendar_;
  Network& network_;
  MetricsHub& metrics_;
  std::uint64_t seed_;
  std::uint64_t replication_;
  std::vector<Process> processes_;
  std::map<std::pair<const Component*, std::size_t>, ReplicaState> replicas_;
  std::vector<LinkState> links_;
  std::vector<RandomStream> link_rngs_;
};

}  // namespace sdsim
