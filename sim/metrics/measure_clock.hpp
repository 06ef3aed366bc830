// MeasureClock: the measured interval [warmup, stop) of a run. stop is when clients stop
// issuing (duration, or the N-th request); it is +infinity until known.
#pragma once

#include <limits>

#include "sim/core/units.hpp"

namespace sdsim {

struct MeasureClock {
  Seconds warmup = 0;
  Seconds stop = std::numeric_limits<double>::infinity();
  bool contains(Seconds t) const { return t >= warmup && t < stop; }
};

}  // namespace sdsim
