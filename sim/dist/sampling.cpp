#include "sim/dist/sampling.hpp"

#include <cmath>
#include <numbers>

namespace sdsim {

double sample_standard_normal(RandomStream& rng) {
  const double radius = std::sqrt(-2.0 * std::log(rng.uniform_open01()));
  const double angle = 2.0 * std::numbers::pi * rng.uniform01();
  return radius * std::cos(angle);
}

double sample_standard_gamma(double shape, RandomStream& rng) {
  if (shape < 1.0) {
    // If G ~ Gamma(a + 1) and U ~ U(0, 1) then G * U^(1/a) ~ Gamma(a).
    const double g = sample_standard_gamma(shape + 1.0, rng);
    return g * std::pow(rng.uniform_open01(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0;
    double v = 0;
    do {
      x = sample_standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_open01();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // squeeze: cheap acceptance
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace sdsim
