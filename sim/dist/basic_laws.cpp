// const, exp and uniform, and the helpers of law_checks.hpp.
#include <boost/math/distributions/exponential.hpp>
#include <cmath>
#include <stdexcept>

#include "sim/dist/distribution.hpp"
#include "sim/dist/law_checks.hpp"

namespace sdsim {

std::string show_value(double value_si, Dimension dim) {
  return dim == Dimension::kTime ? format_seconds(value_si) : format_quantity(value_si, dim);
}

void throw_if_problem(const ArgumentCheck& problem) {
  if (problem) throw std::invalid_argument(problem->message);
}

ArgumentCheck check_positive(std::string_view law, std::string_view argument, double value,
                             Dimension dim) {
  if (value > 0 && std::isfinite(value)) return std::nullopt;
  return ArgumentProblem{std::string(argument), std::string(law) + " " + std::string(argument) +
                                                    " must be > 0, got " + show_value(value, dim)};
}

namespace {

class Constant final : public Distribution {
 public:
  Constant(double value, Dimension dim) : value_(value), dim_(dim) {}
  double sample(RandomStream& /*rng*/) const override { return value_; }
  double mean() const override { return value_; }
  double variance() const override { return 0; }
  double quantile(double /*p*/) const override { return value_; }
  std::string describe() const override { return "const(" + format_quantity(value_, dim_) + ")"; }
  bool is_deterministic() const override { return true; }

 private:
  double value_;
  Dimension dim_;
};

class Exponential final : public Distribution {
 public:
  Exponential(double mean, Dimension dim) : mean_(mean), dim_(dim) {}
  // Exactly one uniform per draw, written as the textbook inversion: hand-written baselines
  // reproduce this expression bit for bit. Do not change it.
  double sample(RandomStream& rng) const override {
    return -mean_ * std::log(rng.uniform_open01());
  }
  double mean() const override { return mean_; }
  double variance() const override { return mean_ * mean_; }
  double quantile(double p) const override {
    return boost::math::quantile(boost::math::exponential_distribution<double>(1.0 / mean_), p);
  }
  std::string describe() const override { return "exp(" + format_quantity(mean_, dim_) + ")"; }

 private:
  double mean_;
  Dimension dim_;
};

class Uniform final : public Distribution {
 public:
  Uniform(double a, double b, Dimension dim) : a_(a), b_(b), dim_(dim) {}
  double sample(RandomStream& rng) const override { return a_ + (b_ - a_) * rng.uniform01(); }
  double mean() const override { return 0.5 * (a_ + b_); }
  double variance() const override { return (b_ - a_) * (b_ - a_) / 12.0; }
  double quantile(double p) const override { return a_ + (b_ - a_) * p; }
  std::string describe() const override {
    return "uniform(" + format_quantity(a_, dim_) + ", " + format_quantity(b_, dim_) + ")";
  }
  bool is_deterministic() const override { return a_ == b_; }

 private:
  double a_;
  double b_;
  Dimension dim_;
};

}  // namespace

ArgumentCheck check_constant(double value, Dimension dim) {
  if (value >= 0 && std::isfinite(value)) return std::nullopt;
  return ArgumentProblem{"value", "const value must be >= 0, got " + show_value(value, dim)};
}

ArgumentCheck check_exponential(double mean, Dimension dim) {
  return check_positive("exp", "mean", mean, dim);
}

ArgumentCheck check_uniform(double a, double b, Dimension dim) {
  if (!(a >= 0 && std::isfinite(a))) {
    return ArgumentProblem{"a", "uniform a must be >= 0, got " + show_value(a, dim)};
  }
  if (!(b >= a && std::isfinite(b))) {
    return ArgumentProblem{
        "b", "uniform needs b >= a, got a=" + show_value(a, dim) + ", b=" + show_value(b, dim)};
  }
  return std::nullopt;
}

std::unique_ptr<Distribution> make_constant(double value) {
  return make_constant(value, Dimension::kTime);
}

std::unique_ptr<Distribution> make_exponential(double mean) {
  return make_exponential(mean, Dimension::kTime);
}

std::unique_ptr<Distribution> make_constant(double value, Dimension dim) {
  throw_if_problem(check_constant(value, dim));
  return std::make_unique<Constant>(value, dim);
}

std::unique_ptr<Distribution> make_exponential(double mean, Dimension dim) {
  throw_if_problem(check_exponential(mean, dim));
  return std::make_unique<Exponential>(mean, dim);
}

std::unique_ptr<Distribution> make_uniform(double a, double b, Dimension dim) {
  throw_if_problem(check_uniform(a, b, dim));
  return std::make_unique<Uniform>(a, b, dim);
}

}  // namespace sdsim
