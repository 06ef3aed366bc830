// lognormal and hyperexp: the right-skewed laws used for heavy-ish service-time tails.
#include <algorithm>
#include <boost/math/distributions/lognormal.hpp>
#include <cmath>
#include <string>

#include "sim/dist/distribution.hpp"
#include "sim/dist/law_checks.hpp"
#include "sim/dist/sampling.hpp"

namespace sdsim {
namespace {

// z_0.99: the 99th percentile of the standard normal.
constexpr double kZ99 = 2.3263478740408408;

std::string shortest(double value) { return format_quantity(value, Dimension::kNumber); }

// ln X ~ N(mu, sigma^2). Keeps the text it was built from so describe() round-trips exactly.
class Lognormal final : public Distribution {
 public:
  Lognormal(double mu, double sigma, std::string text)
      : mu_(mu), sigma_(sigma), text_(std::move(text)) {}
  double sample(RandomStream& rng) const override {
    return std::exp(mu_ + sigma_ * sample_standard_normal(rng));
  }
  double mean() const override { return std::exp(mu_ + 0.5 * sigma_ * sigma_); }
  double variance() const override {
    const double s2 = sigma_ * sigma_;
    return std::expm1(s2) * std::exp(2.0 * mu_ + s2);
  }
  double quantile(double p) const override {
    return boost::math::quantile(boost::math::lognormal_distribution<double>(mu_, sigma_), p);
  }
  std::string describe() const override { return text_; }

 private:
  double mu_;
  double sigma_;
  std::string text_;
};

// Two exponential phases, chosen with probabilities p1, p2 = 1 - p1 and rates rate1, rate2,
// "balanced means" (p1 / rate1 == p2 / rate2 == mean / 2), which fixes the law from mean and cv:
//   p1,2 = (1 +- sqrt((cv^2 - 1) / (cv^2 + 1))) / 2,   rate_i = 2 p_i / mean.
// This is the usual two-moment H2 fit with balanced means, e.g. W. Whitt, "Approximating a
// point process by a renewal process, I: two basic methods", Oper. Res. 30(1), 1982.
class HyperExponential final : public Distribution {
 public:
  HyperExponential(double mean, double cv, Dimension dim) : mean_(mean), cv_(cv), dim_(dim) {
    const double c2 = cv * cv;
    const double q = std::sqrt((c2 - 1.0) / (c2 + 1.0));
    p1_ = 0.5 * (1.0 + q);
    p2_ = 1.0 / ((c2 + 1.0) * (1.0 + q));  // = (1 - q) / 2 without cancellation for large cv
    rate1_ = 2.0 * p1_ / mean;
    rate2_ = 2.0 * p2_ / mean;
  }
  // Two uniforms per draw: the phase, then an exponential of that phase's rate.
  double sample(RandomStream& rng) const override {
    const double rate = rng.uniform01() < p1_ ? rate1_ : rate2_;
    return -std::log(rng.uniform_open01()) / rate;
  }
  double mean() const override { return p1_ / rate1_ + p2_ / rate2_; }
  double variance() const override {
    const double m = mean();
    const double second_moment = 2.0 * (p1_ / (rate1_ * rate1_) + p2_ / (rate2_ * rate2_));
    return second_moment - m * m;
  }
  // No closed form: bisection on the survival function S(x) = p1 e^(-rate1 x) + p2 e^(-rate2 x),
  // which is decreasing. Since e^(-max_rate x) <= S(x) <= e^(-min_rate x), the root of
  // S(x) = 1 - p lies in [-ln(1 - p) / max_rate, -ln(1 - p) / min_rate].
  double quantile(double p) const override {
    const double target = 1.0 - p;
    const double tail = -std::log1p(-p);
    double lo = tail / std::max(rate1_, rate2_);
    double hi = tail / std::min(rate1_, rate2_);
    for (int i = 0; i < 200 && lo < hi; ++i) {
      const double mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;  // adjacent doubles: done
      const double survival = p1_ * std::exp(-rate1_ * mid) + p2_ * std::exp(-rate2_ * mid);
      (survival > target ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  }
  std::string describe() const override {
    return "hyperexp(mean=" + format_quantity(mean_, dim_) + ", cv=" + shortest(cv_) + ")";
  }

 private:
  double mean_;
  double cv_;
  Dimension dim_;
  double p1_ = 0;
  double p2_ = 0;
  double rate1_ = 0;
  double rate2_ = 0;
};

}  // namespace

ArgumentCheck check_lognormal_median_p99(double median, double p99, Dimension dim) {
  if (auto problem = check_positive("lognormal", "median", median, dim)) return problem;
  if (!(p99 > median && std::isfinite(p99))) {
    return ArgumentProblem{"p99", "lognormal needs p99 > median, got median=" +
                                      show_value(median, dim) + ", p99=" + show_value(p99, dim)};
  }
  return std::nullopt;
}

ArgumentCheck check_lognormal_mean_cv(double mean, double cv, Dimension dim) {
  if (auto problem = check_positive("lognormal", "mean", mean, dim)) return problem;
  return check_positive("lognormal", "cv", cv, Dimension::kNumber);
}

ArgumentCheck check_hyperexp(double mean, double cv, Dimension dim) {
  if (auto problem = check_positive("hyperexp", "mean", mean, dim)) return problem;
  if (!(cv >= 1 && std::isfinite(cv))) {
    return ArgumentProblem{"cv", "hyperexp cv must be >= 1, got " + shortest(cv) +
                                     " (use erlang or gamma for cv < 1)"};
  }
  if (cv > 1000) {
    return ArgumentProblem{"cv", "hyperexp cv must be <= 1000, got " + shortest(cv) +
                                     " (a longer tail needs a run far too long to converge)"};
  }
  return std::nullopt;
}

std::unique_ptr<Distribution> make_lognormal_median_p99(double median, double p99, Dimension dim) {
  throw_if_problem(check_lognormal_median_p99(median, p99, dim));
  const double sigma = std::log(p99 / median) / kZ99;
  return std::make_unique<Lognormal>(std::log(median), sigma,
                                     "lognormal(median=" + format_quantity(median, dim) +
                                         ", p99=" + format_quantity(p99, dim) + ")");
}

std::unique_ptr<Distribution> make_lognormal_mean_cv(double mean, double cv, Dimension dim) {
  throw_if_problem(check_lognormal_mean_cv(mean, cv, dim));
  const double sigma2 = std::log1p(cv * cv);
  return std::make_unique<Lognormal>(
      std::log(mean) - 0.5 * sigma2, std::sqrt(sigma2),
      "lognormal(mean=" + format_quantity(mean, dim) + ", cv=" + shortest(cv) + ")");
}

std::unique_ptr<Distribution> make_hyperexp(double mean, double cv, Dimension dim) {
  throw_if_problem(check_hyperexp(mean, cv, dim));
  if (cv == 1.0) return make_exponential(mean, dim);
  return std::make_unique<HyperExponential>(mean, cv, dim);
}

}  // namespace sdsim
