// erlang and gamma: Gamma(shape, scale = mean / shape); erlang is the integer-shape case.
#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <string>

#include "sim/dist/distribution.hpp"
#include "sim/dist/law_checks.hpp"
#include "sim/dist/sampling.hpp"

namespace sdsim {
namespace {

// Up to this k an Erlang draw is the sum of k exponentials (k uniforms, exact law, cheap);
// above it, one Marsaglia-Tsang gamma draw (same law, bounded cost).
constexpr int kErlangSumLimit = 16;
constexpr double kErlangMaxK = 1e6;

std::string shortest(double value) { return format_quantity(value, Dimension::kNumber); }

class GammaLaw : public Distribution {
 public:
  GammaLaw(double shape, double mean, Dimension dim)
      : shape_(shape), mean_(mean), scale_(mean / shape), dim_(dim) {}
  double sample(RandomStream& rng) const override {
    return scale_ * sample_standard_gamma(shape_, rng);
  }
  double mean() const override { return mean_; }
  double variance() const override { return shape_ * scale_ * scale_; }
  double quantile(double p) const override {
    return boost::math::quantile(boost::math::gamma_distribution<double>(shape_, scale_), p);
  }
  std::string describe() const override {
    return "gamma(" + shortest(shape_) + ", " + format_quantity(mean_, dim_) + ")";
  }

 protected:
  double shape_;
  double mean_;
  double scale_;
  Dimension dim_;
};

class Erlang final : public GammaLaw {
 public:
  Erlang(int k, double mean, Dimension dim) : GammaLaw(k, mean, dim), k_(k) {}
  double sample(RandomStream& rng) const override {
    if (k_ > kErlangSumLimit) return GammaLaw::sample(rng);
    double log_sum = 0;
    for (int i = 0; i < k_; ++i) log_sum += std::log(rng.uniform_open01());
    return -scale_ * log_sum;
  }
  std::string describe() const override {
    return "erlang(" + std::to_string(k_) + ", " + format_quantity(mean_, dim_) + ")";
  }

 private:
  int k_;
};

}  // namespace

ArgumentCheck check_erlang(double k, double mean, Dimension dim) {
  if (!(k >= 1 && k <= kErlangMaxK && k == std::floor(k))) {
    return ArgumentProblem{"k", "erlang k must be a whole number in [1, 1000000], got " +
                                    shortest(k) + " (use gamma for a non-integer shape)"};
  }
  return check_positive("erlang", "mean", mean, dim);
}

ArgumentCheck check_gamma(double shape, double mean, Dimension dim) {
  if (auto problem = check_positive("gamma", "shape", shape, Dimension::kNumber)) return problem;
  return check_positive("gamma", "mean", mean, dim);
}

std::unique_ptr<Distribution> make_erlang(int k, double mean, Dimension dim) {
  throw_if_problem(check_erlang(k, mean, dim));
  return std::make_unique<Erlang>(k, mean, dim);
}

std::unique_ptr<Distribution> make_gamma(double shape, double mean, Dimension dim) {
  throw_if_problem(check_gamma(shape, mean, dim));
  return std::make_unique<GammaLaw>(shape, mean, dim);
}

}  // namespace sdsim
