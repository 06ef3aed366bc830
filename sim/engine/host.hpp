// Host: one simulated machine (one replica of a component, or a client's machine), backed by
// a SimGrid host. Models see this wrapper only; SimGrid stays inside sim/.
#pragma once

#include <string>
#include <vector>

namespace simgrid::s4u {
class Host;
}

namespace sdsim {

class Cpu;
class Flows;

class Host {
 public:
  Host(simgrid::s4u::Host* host, int cores, int zone, std::vector<double> slowdowns = {})
      : host_(host), cores_(cores), zone_(zone), slowdowns_(std::move(slowdowns)) {}
  const std::string& name() const;
  int cores() const { return cores_; }
  // Index of its network zone (NetworkConfig::zones).
  int zone() const { return zone_; }
  bool is_on() const;
  // Faults (sim/engine/faults): turns the SimGrid host off (its executions and comms fail) or
  // on again.
  void set_on(bool on);
  // Slow-node faults: runs at nominal speed / factor, where factor is one of the factors the
  // platform prepared for this host (1 = nominal). Work in progress slows down too.
  void set_slowdown(double factor);
  // Work (in seconds of one core at nominal speed) this host's core does per second now:
  // 1.0 nominal; lower while slowed down.
  double speed_factor() const;

 private:
  friend class Cpu;    // starts executions on the SimGrid host
  friend class Flows;  // starts comms between SimGrid hosts
  simgrid::s4u::Host* sg() const { return host_; }

  simgrid::s4u::Host* host_;
  int cores_;
  int zone_;
  std::vector<double> slowdowns_;  // SimGrid pstate i + 1 runs at 1 / slowdowns_[i]
};

}  // namespace sdsim
