// Argument checks shared by the distribution factories (which throw) and parse_distribution
// (which reports the message at the offending argument). Internal to sim/dist.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/core/units.hpp"

namespace sdsim {

// What is wrong with a law's arguments, and which argument ("mean", "p99") to point at.
struct ArgumentProblem {
  std::string argument;
  std::string message;
};
using ArgumentCheck = std::optional<ArgumentProblem>;

// A value for messages: "12ms" for times, the exact SI text otherwise.
std::string show_value(double value_si, Dimension dim);

// "<law> <argument> must be > 0, got <value>" unless value is positive and finite.
ArgumentCheck check_positive(std::string_view law, std::string_view argument, double value,
                             Dimension dim);

// Throws std::invalid_argument(problem->message) if there is a problem.
void throw_if_problem(const ArgumentCheck& problem);

ArgumentCheck check_constant(double value, Dimension dim);
ArgumentCheck check_exponential(double mean, Dimension dim);
ArgumentCheck check_uniform(double a, double b, Dimension dim);
ArgumentCheck check_erlang(double k, double mean, Dimension dim);
ArgumentCheck check_gamma(double shape, double mean, Dimension dim);
ArgumentCheck check_lognormal_median_p99(double median, double p99, Dimension dim);
ArgumentCheck check_lognormal_mean_cv(double mean, double cv, Dimension dim);
ArgumentCheck check_hyperexp(double mean, double cv, Dimension dim);
ArgumentCheck check_normal(double mean, double sd, Dimension dim);
ArgumentCheck check_pareto(double alpha, double min, Dimension dim);
ArgumentCheck check_weibull(double shape, double mean, Dimension dim);

}  // namespace sdsim
