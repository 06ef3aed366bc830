// Platform: builds the SimGrid platform of a scenario. Hosts live in one star zone (each host
// with its own access link), so routes stay O(hosts) and a 1,000-component scenario builds in
// linear time. A host's speed is 1 flop/s per core: one unit of work is one second of one
// core at nominal speed.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "sim/engine/host.hpp"

namespace simgrid::s4u {
class NetZone;
}

namespace sdsim {

class Platform {
 public:
  Platform();
  // Creates a host named `name` with `cores` cores. Names must be unique.
  Host& add_host(const std::string& name, int cores);
  // Seals the platform; no host may be added after.
  void seal();
  std::size_t host_count() const { return hosts_.size(); }

 private:
  simgrid::s4u::NetZone* zone_;
  std::deque<Host> hosts_;  // stable addresses
  bool sealed_ = false;
};

}  // namespace sdsim
