// The `faults:` list of a scenario (docs/reference.md, "faults"). Faults name components,
// zones and links: parse_faults reads the list after `network` and the components are parsed,
// and checks every name with the loader's index.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "sim/engine/fault_config.hpp"
#include "sim/engine/network_config.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

// `duration`: the run's, when it is given (a fault at or after it is an error).
void parse_faults(const YAML::Node& list, const NetworkConfig& network, const ConfigIndex& index,
                  std::optional<Seconds> duration, Diagnostics& diag, FaultConfig& out);

}  // namespace sdsim
