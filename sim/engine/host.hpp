// Host: one simulated machine (one replica of a component, or a client's machine), backed by
// a SimGrid host. Models see this wrapper only; SimGrid stays inside sim/.
#pragma once

#include <string>

namespace simgrid::s4u {
class Host;
}

namespace sdsim {

class Cpu;
class Flows;

class Host {
 public:
  Host(simgrid::s4u::Host* host, int cores, int zone) : host_(host), cores_(cores), zone_(zone) {}
  const std::string& name() const;
  int cores() const { return cores_; }
  // Index of its network zone (NetworkConfig::zones).
  int zone() const { return zone_; }
  bool is_on() const;
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
};

}  // namespace sdsim
