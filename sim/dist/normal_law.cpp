// normal: N(mean, sd^2) resampled below 0, i.e. the normal law conditioned on X >= 0 (a
// "left-truncated normal"). Moments of the truncated law, with a = -mean / sd,
// Q(a) = P(Z > a) = Phi(mean / sd) and lambda = phi(a) / Q(a) (the inverse Mills ratio):
//   E[X]   = mean + sd lambda
//   Var[X] = sd^2 (1 + a lambda - lambda^2)
// N. L. Johnson, S. Kotz, N. Balakrishnan, "Continuous Univariate Distributions", vol. 1,
// 2nd ed., Wiley 1994, section 10.1.
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <string>

#include "sim/dist/distribution.hpp"
#include "sim/dist/law_checks.hpp"
#include "sim/dist/sampling.hpp"

namespace sdsim {
namespace {

class TruncatedNormal final : public Distribution {
 public:
  TruncatedNormal(double mean, double sd, Dimension dim) : mean_(mean), sd_(sd), dim_(dim) {
    const boost::math::normal_distribution<double> z;
    const double a = -mean / sd;
    kept_ = boost::math::cdf(boost::math::complement(z, a));  // Q(a) >= 1/2 as mean > 0
    const double lambda = boost::math::pdf(z, a) / kept_;
    truncated_mean_ = mean + sd * lambda;
    truncated_variance_ = sd * sd * (1.0 + a * lambda - lambda * lambda);
  }
  // Two uniforms per try (Box-Muller); a try is kept with probability Q(a) >= 1/2 because
  // mean > 0, so a draw takes fewer than two tries on average.
  double sample(RandomStream& rng) const override {
    for (;;) {
      const double x = mean_ + sd_ * sample_standard_normal(rng);
      if (x >= 0.0) return x;
    }
  }
  double mean() const override { return truncated_mean_; }
  double variance() const override { return truncated_variance_; }
  // P(X > x) = Q((x - mean) / sd) / Q(a), so x_p = mean + sd Q^-1((1 - p) Q(a)); the upper
  // tail form keeps its precision for p near 1.
  double quantile(double p) const override {
    const boost::math::normal_distribution<double> z;
    return mean_ + sd_ * boost::math::quantile(boost::math::complement(z, (1.0 - p) * kept_));
  }
  std::string describe() const override {
    return "normal(" + format_quantity(mean_, dim_) + ", " + format_quantity(sd_, dim_) + ")";
  }

 private:
  double mean_;  // of the normal law before resampling
  double sd_;
  Dimension dim_;
  double kept_ = 0;  // P(N(mean, sd^2) >= 0)
  double truncated_mean_ = 0;
  double truncated_variance_ = 0;
};

}  // namespace

ArgumentCheck check_normal(double mean, double sd, Dimension dim) {
  if (!(mean > 0 && std::isfinite(mean))) {
    return ArgumentProblem{"mean", "normal mean must be > 0, got " + show_value(mean, dim) +
                                       " (draws below 0 are drawn again)"};
  }
  if (!(sd > 0 && std::isfinite(sd))) {
    return ArgumentProblem{"sd", "normal sd must be > 0, got " + show_value(sd, dim) +
                                     " (use const for a fixed value)"};
  }
  return std::nullopt;
}

std::unique_ptr<Distribution> make_normal(double mean, double sd, Dimension dim) {
  throw_if_problem(check_normal(mean, sd, dim));
  return std::make_unique<TruncatedNormal>(mean, sd, dim);
}

}  // namespace sdsim
