// Checks of a loaded scenario's call graph (who calls whom: clients' targets, components'
// callees(), request classes' own calls), run by the scenario loader once names resolve.
#pragma once

#include "sim/config/scenario.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

// An error for each cycle along the components' own calls, and, when there is none, along each
// request class's calls (the class's own where it has them, the services' elsewhere): a
// request would be forwarded forever, or hold a worker at each hop until they run out.
void check_cycles(const Scenario& s, const ConfigIndex& index, Diagnostics& diag);

// A warning for each component that no request can reach (no client targets it, no reached
// component calls it). Needs resolved names: only for a scenario without errors.
void check_reached(const Scenario& s, Diagnostics& diag);

}  // namespace sdsim
