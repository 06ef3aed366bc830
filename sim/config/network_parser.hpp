// The `network:` section of a scenario (docs/reference.md, "network"). Zone members name
// clients and components, which are parsed after this section, so loading takes two steps:
// parse_network reads the section (types, units, zone and link names, members listed twice);
// resolve_network then checks every member names a client or component, and that every call
// between two zones has a link joining them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/config/map_reader.hpp"
#include "sim/engine/network_config.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

// Where each zone member was written, for resolve_network's messages.
struct NetworkMembers {
  struct Member {
    std::string name;
    SourceMark mark;
    int zone;
  };
  std::vector<Member> members;
  // false when a zone's list or a link could not be read: the checks that calls can cross the
  // network are then skipped (they would report zones the author did join, in the bad part).
  bool complete = true;
};

// The index of the zone `node` names, or -1 after an error (unknown zones get "did you mean").
int zone_index(const YAML::Node& node, const std::string& context, const NetworkConfig& out,
               Diagnostics& diag);

// Reads the `network` mapping into `out`.
void parse_network(MapReader& net, NetworkConfig& out, NetworkMembers& members);

// Checks the zone members against every client and component, and every call (a config's
// callees) between zones against the links.
void resolve_network(const NetworkConfig& network, const NetworkMembers& members,
                     const std::vector<std::unique_ptr<ComponentConfig>>& clients,
                     const std::vector<std::unique_ptr<ComponentConfig>>& components,
                     const ConfigIndex& index, Diagnostics& diag);

}  // namespace sdsim
