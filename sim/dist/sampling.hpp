// Our own variate generators on top of RandomStream's uniforms, so draws are identical on every
// standard library (std::normal_distribution and friends are implementation-defined).
#pragma once

#include "sim/rng/random_stream.hpp"

namespace sdsim {

// Standard normal N(0, 1) by Box-Muller (Box & Muller 1958), cosine branch only: consumes
// exactly two uniforms per draw (uniform_open01 for the radius, uniform01 for the angle).
double sample_standard_normal(RandomStream& rng);

// Gamma(shape, scale 1), shape > 0. Marsaglia & Tsang (2000), "A simple method for generating
// gamma variables", ACM TOMS 26(3); for shape < 1 draws Gamma(shape + 1) * U^(1 / shape)
// (their section 6, as in Boost.Random). Consumes a variable number of uniforms.
double sample_standard_gamma(double shape, RandomStream& rng);

}  // namespace sdsim
