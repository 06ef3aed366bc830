// Platform: builds the SimGrid platform of a scenario (DESIGN.md, "Platform shape").
//
// A root zone (SimGrid full zone) holds one star zone per network zone (NetworkConfig::zones,
// `default` included), each with a router as its gateway; the root's routes join two zones
// through the network link declared between them (a split-duplex link: each direction has the
// full bandwidth). In its star zone each host has its own split-duplex access link, so routes
// stay O(hosts) and a 1,000-component scenario builds in linear time. The access link has half
// the default latency and the default bandwidth, so a path between two hosts of a zone (two
// access links) costs exactly the default latency with the default bandwidth as bottleneck,
// and a path between zones costs that plus the link's latency, with the smaller bandwidth as
// bottleneck: what the scenario says. In the flow model the access link is the host's network
// interface: its concurrent flows in one direction share the default bandwidth.
//
// A host's speed is 1 flop/s per core: one unit of work is one second of one core at nominal
// speed. SimGrid names: hosts as given ("api[0]"), "<host>.link", "sdsim/root", "zone/<zone>",
// "zone/<zone>/gw", "link/<link>" (scenario names contain no '.', '/' or '[', so none collide).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/host.hpp"
#include "sim/engine/network_config.hpp"

namespace simgrid::s4u {
class NetZone;
}

namespace sdsim {

class Platform {
 public:
  explicit Platform(const NetworkConfig& network);
  // Hosts added from now on belong to network zone `zone` (index in NetworkConfig::zones).
  // The run sets it before building each client and component.
  void enter_zone(int zone);
  // Creates a host named `name` with `cores` cores in the current zone. Names must be unique.
  Host& add_host(const std::string& name, int cores);
  // Host `host` (created later) may be slowed down by `factor` (a slow-node fault): SimGrid
  // needs its speed levels when the host is created.
  void prepare_slowdown(const std::string& host, double factor);
  // Seals the platform; no host may be added after.
  void seal();
  std::size_t host_count() const { return hosts_.size(); }

  // SimGrid represents an unlimited bandwidth by this many bytes per second (an infinite one
  // breaks its solver when every link of a path has it); a message then pays 1e-300 s per byte.
  static constexpr double kUnlimitedBytesPerSecond = 1e300;

 private:
  const NetworkConfig& network_;
  simgrid::s4u::NetZone* root_;
  std::vector<simgrid::s4u::NetZone*> zones_;
  int current_zone_ = 0;
  std::deque<Host> hosts_;  // stable addresses
  std::map<std::string, std::vector<double>> slowdowns_;
  bool sealed_ = false;
};

}  // namespace sdsim
