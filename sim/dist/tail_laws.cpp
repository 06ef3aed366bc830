// pareto and weibull: laws for long service-time tails, both sampled by inversion (one uniform
// per draw).
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "sim/dist/distribution.hpp"
#include "sim/dist/law_checks.hpp"

namespace sdsim {
namespace {

// Below these, draws overflow or the law's tail is too long for any run to converge: see
// check_pareto and check_weibull.
constexpr double kParetoMinAlpha = 0.1;
constexpr double kWeibullMinShape = 0.1;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string shortest(double value) { return format_quantity(value, Dimension::kNumber); }

// Pareto (type I): P(X > x) = (min / x)^alpha for x >= min.
//   E[X] = alpha min / (alpha - 1) for alpha > 1, infinite otherwise;
//   Var[X] = alpha min^2 / ((alpha - 1)^2 (alpha - 2)) for alpha > 2, infinite otherwise.
class Pareto final : public Distribution {
 public:
  Pareto(double alpha, double min, Dimension dim) : alpha_(alpha), min_(min), dim_(dim) {}
  // Inversion: X = min U^(-1/alpha) with U uniform on (0, 1). U >= 2^-54, so a draw is at most
  // min 2^(54 / alpha) <= min 2^540: finite, since alpha >= 0.1.
  double sample(RandomStream& rng) const override {
    return min_ * std::pow(rng.uniform_open01(), -1.0 / alpha_);
  }
  double mean() const override { return alpha_ > 1.0 ? alpha_ * min_ / (alpha_ - 1.0) : kInfinity; }
  double variance() const override {
    if (alpha_ <= 2.0) return kInfinity;
    return alpha_ * min_ * min_ / ((alpha_ - 1.0) * (alpha_ - 1.0) * (alpha_ - 2.0));
  }
  double quantile(double p) const override { return min_ * std::pow(1.0 - p, -1.0 / alpha_); }
  std::string describe() const override {
    return "pareto(" + shortest(alpha_) + ", " + format_quantity(min_, dim_) + ")";
  }

 private:
  double alpha_;
  double min_;
  Dimension dim_;
};

// Weibull with the given shape k and mean: P(X > x) = exp(-(x / scale)^k) with
// scale = mean / Gamma(1 + 1/k), so that E[X] = scale Gamma(1 + 1/k) = mean and
// Var[X] = scale^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2); k = 1 is the exponential law, k < 1 has
// a longer tail (cv > 1), k > 1 a shorter one.
class Weibull final : public Distribution {
 public:
  Weibull(double shape, double mean, Dimension dim)
      : shape_(shape),
        mean_(mean),
        scale_(mean / boost::math::tgamma(1.0 + 1.0 / shape)),
        dim_(dim) {}
  // Inversion: X = scale (-ln U)^(1/k), one uniform on (0, 1).
  double sample(RandomStream& rng) const override {
    return scale_ * std::pow(-std::log(rng.uniform_open01()), 1.0 / shape_);
  }
  double mean() const override { return mean_; }
  double variance() const override {
    const double g1 = boost::math::tgamma(1.0 + 1.0 / shape_);
    return scale_ * scale_ * (boost::math::tgamma(1.0 + 2.0 / shape_) - g1 * g1);
  }
  double quantile(double p) const override {
    return scale_ * std::pow(-std::log1p(-p), 1.0 / shape_);
  }
  std::string describe() const override {
    return "weibull(" + shortest(shape_) + ", " + format_quantity(mean_, dim_) + ")";
  }

 private:
  double shape_;
  double mean_;
  double scale_;
  Dimension dim_;
};

}  // namespace

ArgumentCheck check_pareto(double alpha, double min, Dimension dim) {
  if (!(alpha > 0 && std::isfinite(alpha))) {
    return ArgumentProblem{"alpha", "pareto alpha must be > 0, got " + shortest(alpha)};
  }
  if (alpha < kParetoMinAlpha) {
    return ArgumentProblem{"alpha",
                           "pareto alpha must be >= 0.1, got " + shortest(alpha) +
                               " (draws reach min x 2^(54/alpha), which overflows near 0.05)"};
  }
  return check_positive("pareto", "min", min, dim);
}

ArgumentCheck check_weibull(double shape, double mean, Dimension dim) {
  if (auto problem = check_positive("weibull", "shape", shape, Dimension::kNumber)) return problem;
  if (shape < kWeibullMinShape) {
    return ArgumentProblem{"shape", "weibull shape must be >= 0.1, got " + shortest(shape) +
                                        " (a smaller shape has cv > 400: a run far too long "
                                        "to converge)"};
  }
  return check_positive("weibull", "mean", mean, dim);
}

std::unique_ptr<Distribution> make_pareto(double alpha, double min, Dimension dim) {
  throw_if_problem(check_pareto(alpha, min, dim));
  return std::make_unique<Pareto>(alpha, min, dim);
}

std::unique_ptr<Distribution> make_weibull(double shape, double mean, Dimension dim) {
  throw_if_problem(check_weibull(shape, mean, dim));
  return std::make_unique<Weibull>(shape, mean, dim);
}

}  // namespace sdsim
