// TimeIntegral: the integral over simulated time of a level (requests in queue, busy workers),
// so time averages are measured, not recomputed from other figures. Readers take the area at
// two instants and divide by their distance.
#pragma once

#include "sim/core/units.hpp"

namespace sdsim {

class TimeIntegral {
 public:
  void add(Seconds now, double delta) {
    area_ += level_ * (now - last_);
    last_ = now;
    level_ += delta;
  }
  double level() const { return level_; }
  // Integral of the level over [0, now]; now >= the last change.
  double area_at(Seconds now) const { return area_ + level_ * (now - last_); }

 private:
  double level_ = 0;
  double area_ = 0;
  Seconds last_ = 0;
};

}  // namespace sdsim
