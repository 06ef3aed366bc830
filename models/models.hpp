// The component kinds sdsim knows, registered by name.
#pragma once

#include "sim/registry/registry.hpp"

namespace sdsim {

// Registers every kind of models/ (one line each, in models.cpp).
void register_models(Registry& registry);

}  // namespace sdsim
