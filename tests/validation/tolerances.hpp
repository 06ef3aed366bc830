// How the validation tests size their tolerances from the sample size.
//
// A simulated estimate (a mean, a quantile, a ratio over n requests) of a stationary queue is
// a sum of autocorrelated terms, so its standard error is sigma / sqrt(n) with sigma^2 the
// *asymptotic* variance per request (the variance of one term times the integrated
// autocorrelation time), not the variance of one term. Each check takes
//
//   tolerance = kSigmas x sigma / sqrt(n)  (+ the histogram resolution for percentiles)
//
// with n read from the run's own counts. sigma comes from theory where an exact asymptotic
// formula exists (queueing_theory.hpp: M/M/1 and M/M/c means, birth-death PASTA ratios such as
// Erlang B/C) and otherwise from the calibration constants below, each the standard deviation
// x sqrt(n) of the estimate over 1000 independent replications of an independent reference
// simulator (plain Lindley / Kiefer-Wolfowitz recursions, tolerance_calibration_test.cpp),
// rounded UP by 10%: the constant is itself estimated to +-2.2% (1 / sqrt(2 x 999)), so 10% is
// 4.5 of its standard errors. tolerance_calibration_test.cpp (label long) re-measures them.
//
// kSigmas = 4: a correct simulator fails a check with probability ~6e-5 under normality
// (somewhat more for skewed estimates such as tail percentiles at high load), whatever the
// seed, so a seed or stream change does not break the suite. The _Long tests have 10x the
// requests (SE / 3.2), so they catch a bias of more than ~1.3 default-run standard errors.
#pragma once

#include <cmath>
#include <cstdint>

#include "sim/metrics/histogram.hpp"

namespace sdsim::validation {

inline constexpr double kSigmas = 4.0;

// k standard errors of an estimate with asymptotic standard deviation sigma per sample.
inline double k_se(double sigma, double n) { return kSigmas * sigma / std::sqrt(n); }

// Percentiles come from a log-linear histogram whose reported value has a relative error of at
// most sqrt(1 + 1/128) - 1 = 0.39% (sim/metrics/histogram.hpp, DESIGN.md asks <= 1%). This is
// a bound of the output format, added to the statistical tolerance of a percentile. Written
// out rather than read from the code under test, and checked equal to it.
inline constexpr double kHistogramRelativeError = 0.0039;
static_assert(LatencyHistogram::kSubBuckets == 128,
              "the histogram resolution changed: update kHistogramRelativeError");

// Calibrated sigma (sd x sqrt(n), seconds for times, 1/s for throughputs), for the exact
// configurations of the tests, reference value x 1.1 (see above; the reference values are in
// tolerance_calibration_test.cpp).
namespace calibrated {
// M/M/1, mu = 100/s, lambda = 50/s (rho 0.5): sojourn p50, p99.
inline constexpr double kMM1Rho05P50 = 0.0391 * 1.1;
inline constexpr double kMM1Rho05P99 = 0.593 * 1.1;
// M/M/1, mu = 100/s, lambda = 90/s (rho 0.9): sojourn p50, p99.
inline constexpr double kMM1Rho09P50 = 1.058 * 1.1;
inline constexpr double kMM1Rho09P99 = 19.55 * 1.1;
// M/M/4, mu = 100/s, lambda = 340/s (rho 0.85): sojourn p99.
inline constexpr double kMM4P99 = 1.925 * 1.1;
// M/D/1, D = 10 ms, lambda = 80/s (rho 0.8): mean wait (= mean sojourn - D, same sigma).
inline constexpr double kMD1MeanWait = 0.1495 * 1.1;
// M/D/1, D = 10 ms, lambda = 90/s (rho 0.9): mean wait (scenarios/validation/md1-*.yaml).
inline constexpr double kMD1Rho09MeanWait = 0.655 * 1.1;
// M/H2/1, mean 10 ms, cv 3, lambda = 60/s (rho 0.6): mean wait and mean sojourn.
inline constexpr double kMH1MeanWait = 1.275 * 1.1;
inline constexpr double kMH1MeanSojourn = 1.298 * 1.1;
// Closed loop, Z = exp(90 ms), D = exp(10 ms): throughput (per request: sd(X) x sqrt(n)) and
// mean response, N = 5 and N = 20.
inline constexpr double kClosed5Throughput = 40.53 * 1.1;
inline constexpr double kClosed5Response = 0.02439 * 1.1;
inline constexpr double kClosed20Throughput = 97.42 * 1.1;
inline constexpr double kClosed20Response = 0.2121 * 1.1;
}  // namespace calibrated

// Little's law, L_measured / (lambda x W) per component. Both sides come from one sample path:
// L from the time integral over [warmup, stop), lambda x W from the requests arriving in it.
// They differ only by boundary terms: the part of the sojourns of requests present at warmup
// that falls inside, minus the part after stop of those present at stop. Each is about
// (number present) x (remaining sojourn) ~ E[L] E[T] a few times over, so
// |ratio - 1| ~ a few x E[T] / measured_length, and E[T] / measured_length <= 1e-5 for every
// run here. 1e-3 leaves a wide margin, while a systematic bookkeeping error (a class of
// requests counted on one side only, a level changed at the wrong time) shifts the ratio by
// the share of L it affects, typically far more than 1e-3.
inline constexpr double kLittleTolerance = 1e-3;

}  // namespace sdsim::validation
