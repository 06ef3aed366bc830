// Probability distributions of scenario values (service times, think times, ...), sampled by
// our own code from a RandomStream so results are identical on every standard library.
//
// Text forms (DESIGN.md; values carry units of the distribution's dimension):
//   const(v)  exp(mean)  uniform(a, b)  erlang(k, mean)  gamma(shape, mean)
//   lognormal(median=.., p99=..)  lognormal(mean=.., cv=..)  hyperexp(mean=.., cv=..)
// A bare quantity ("12ms") is const(12ms).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/units.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {

class Distribution {
 public:
  virtual ~Distribution() = default;
  // One draw, >= 0 for every law above.
  virtual double sample(RandomStream& rng) const = 0;
  virtual double mean() const = 0;
  virtual double variance() const = 0;
  // Inverse CDF where it has a closed form or a cheap numeric one (Boost.Math); used by tests
  // and reports. p in (0, 1).
  virtual double quantile(double p) const = 0;
  // Canonical text that parses back (with the same Dimension) to the same law with the same
  // parameters, bit for bit, in SI units with their suffix: "exp(0.012s)", "erlang(3, 0.012s)".
  virtual std::string describe() const = 0;
  // True when every draw equals mean() (const).
  virtual bool is_deterministic() const { return false; }
};

struct DistributionParse {
  std::unique_ptr<Distribution> dist;  // null on error
  std::string error;             // what was expected, e.g. "exp takes one argument: exp(mean)"
  std::size_t error_offset = 0;  // offset in the text where the problem is
};

// Parses the text form; values are read as `dim` quantities (kTime for service and think times).
DistributionParse parse_distribution(std::string_view text, Dimension dim);

// Factories (SI units), for code and tests. They check their arguments like the parser and
// throw std::invalid_argument with the parser's message when a value is out of range. `dim`
// only decides the unit written by describe(); the one-argument forms use kTime.
std::unique_ptr<Distribution> make_constant(double value);
std::unique_ptr<Distribution> make_exponential(double mean);
std::unique_ptr<Distribution> make_constant(double value, Dimension dim);
std::unique_ptr<Distribution> make_exponential(double mean, Dimension dim);
// Uniform on [a, b], 0 <= a <= b.
std::unique_ptr<Distribution> make_uniform(double a, double b, Dimension dim = Dimension::kTime);
// Sum of k exponentials; `mean` is the mean of the sum. k in [1, 1000000].
std::unique_ptr<Distribution> make_erlang(int k, double mean, Dimension dim = Dimension::kTime);
// Gamma with scale mean / shape; shape > 0.
std::unique_ptr<Distribution> make_gamma(double shape, double mean,
                                         Dimension dim = Dimension::kTime);
// Lognormal with the given median and 99th percentile: mu = ln(median),
// sigma = ln(p99 / median) / z_0.99. 0 < median < p99.
std::unique_ptr<Distribution> make_lognormal_median_p99(double median, double p99,
                                                        Dimension dim = Dimension::kTime);
// Lognormal with the given mean and coefficient of variation: sigma^2 = ln(1 + cv^2),
// mu = ln(mean) - sigma^2 / 2. mean > 0, cv > 0.
std::unique_ptr<Distribution> make_lognormal_mean_cv(double mean, double cv,
                                                     Dimension dim = Dimension::kTime);
// Two-phase hyperexponential with balanced means (each phase carries half the mean), cv >= 1.
// cv == 1 returns the exponential law (same draws as make_exponential).
std::unique_ptr<Distribution> make_hyperexp(double mean, double cv,
                                            Dimension dim = Dimension::kTime);

}  // namespace sdsim
