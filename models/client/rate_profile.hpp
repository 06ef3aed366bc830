// RateProfile: a time-varying arrival rate, piecewise linear in time (ramps, spikes, rate
// traces), optionally repeating with a cycle. Non-homogeneous Poisson arrivals are drawn
// exactly by inversion: from time s, with E ~ exp(1), the next arrival is the t with
// Lambda(t) - Lambda(s) = E, where Lambda is the integrated rate (a quadratic on a linear
// piece). No time stepping.
#pragma once

#include <limits>
#include <vector>

#include "sim/core/units.hpp"

namespace sdsim {

class RateProfile {
 public:
  // The rate is rate + slope x (t - start) on [start, next piece's start). The first piece
  // starts at 0. Without a cycle the last piece lasts forever and must have slope 0; with a
  // cycle (> the last start) the pieces cover [0, cycle) and repeat.
  struct Piece {
    Seconds start = 0;
    double rate = 0;   // per second, at `start`
    double slope = 0;  // per second per second
  };
  struct Window {
    Seconds at = 0;
    Seconds length = 0;
    double factor = 1;
  };

  RateProfile(std::vector<Piece> pieces, Seconds cycle = 0);
  static constexpr Seconds kNever = std::numeric_limits<double>::infinity();

  // Multiplies the rate by `factor` over each [at, at + length) (overlapping windows multiply).
  // Only for a profile without a cycle.
  RateProfile with_windows(const std::vector<Window>& windows) const;

  // The first t >= s with integral from s to t of the rate = mass (> 0); kNever if the rate
  // never accumulates that much.
  Seconds invert(Seconds s, double mass) const;
  double rate_at(Seconds t) const;
  // The integral of the rate over [a, b] (tests and docs figures).
  double integral(Seconds a, Seconds b) const;

 private:
  std::size_t piece_of(Seconds local) const;
  Seconds end_of(std::size_t i) const;
  double piece_mass(std::size_t i, Seconds from, Seconds to) const;

  std::vector<Piece> pieces_;
  Seconds cycle_ = 0;
  double cycle_mass_ = 0;
};

}  // namespace sdsim
