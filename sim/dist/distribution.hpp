// Probability distributions of scenario values (service times, think times, ...), sampled by
// our own code from a RandomStream so results are identical on every standard library.
//
// Text forms (DESIGN.md; values carry units of the distribution's dimension):
//   const(v)  exp(mean)  uniform(a, b)  erlang(k, mean)  gamma(shape, mean)
//   lognormal(median=.., p99=..)  lognormal(mean=.., cv=..)  hyperexp(mean=.., cv=..)
//   normal(mean, sd)  pareto(alpha, min)  weibull(shape, mean)  empirical(file.csv)
// A bare quantity ("12ms") is const(12ms).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/units.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {

class Distribution {
 public:
  virtual ~Distribution() = default;
  // One draw, >= 0 and finite for every law above.
  virtual double sample(RandomStream& rng) const = 0;
  // The moments of the law that sample() draws from (for normal, those of the resampled law,
  // not its `mean` argument). They can be +infinity: pareto's mean for alpha <= 1, its
  // variance for alpha <= 2; code that uses them must be ready for that.
  virtual double mean() const = 0;
  virtual double variance() const = 0;
  // Inverse CDF where it has a closed form or a cheap numeric one (Boost.Math); used by tests
  // and reports. p in (0, 1).
  virtual double quantile(double p) const = 0;
  // Canonical text that parses back (with the same Dimension) to the same law with the same
  // parameters, bit for bit, in SI units with their suffix: "exp(0.012s)", "erlang(3, 0.012s)".
  // empirical(file) keeps the file name as written: it parses back with the same base directory.
  virtual std::string describe() const = 0;
  // True when every draw equals mean() (const).
  virtual bool is_deterministic() const { return false; }
};

struct DistributionParse {
  std::unique_ptr<Distribution> dist;  // null on error
  std::string error;             // what was expected, e.g. "exp takes one argument: exp(mean)"
  std::size_t error_offset = 0;  // offset in the text where the problem is
};

// What the text of a distribution needs from where it was written.
struct DistributionContext {
  // Relative file names (empirical(file.csv)) are resolved against this directory: the
  // scenario file's. Empty means the current directory.
  std::filesystem::path base_directory;
};

// Parses the text form; values are read as `dim` quantities (kTime for service and think times).
// empirical(file) reads its file here, once; a problem with it is an error of the parse, at the
// file name, with the file's own line in the message.
DistributionParse parse_distribution(std::string_view text, Dimension dim,
                                     const DistributionContext& context = {});

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
// Normal N(mean, sd^2) resampled below 0: the normal law conditioned on X >= 0. mean > 0 (so a
// draw needs fewer than two tries on average), sd > 0. `mean` is that of the normal law before
// resampling; the law drawn from has mean mean + sd phi(mean/sd) / Phi(mean/sd), which differs
// from `mean` unless sd is small against it (+0.1% at sd = mean/3, +2.8% at sd = mean/2, +29%
// at sd = mean).
std::unique_ptr<Distribution> make_normal(double mean, double sd, Dimension dim = Dimension::kTime);
// Pareto: P(X > x) = (min / x)^alpha for x >= min. alpha >= 0.1 (smaller ones overflow), min > 0.
// mean() is +infinity for alpha <= 1, variance() for alpha <= 2.
std::unique_ptr<Distribution> make_pareto(double alpha, double min,
                                          Dimension dim = Dimension::kTime);
// Weibull with that shape k and mean: scale = mean / Gamma(1 + 1/k). k >= 0.1, mean > 0.
std::unique_ptr<Distribution> make_weibull(double shape, double mean,
                                           Dimension dim = Dimension::kTime);
// The empirical law of `samples` (SI units, >= 0, at least one): linear interpolation between
// order statistics, i.e. the inverse of the piecewise-linear CDF through (x_(i), (i-1)/(n-1)).
// Draws lie in [min, max] of the samples. `text` is what describe() returns.
std::unique_ptr<Distribution> make_empirical(std::vector<double> samples, std::string text);

}  // namespace sdsim
