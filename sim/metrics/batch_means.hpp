// BatchMeans: confidence intervals for one run, by the method of batch means (Law & Kelton,
// "Simulation Modeling and Analysis", 5th ed., section 9.5.3).
//
// The ok requests issued in the measured interval [warmup, stop) are split by issue time into
// batches of equal length; each batch gives one mean and one p99 (from its own histogram,
// LatencyHistogram). If the batches are long enough, these per-batch values are nearly
// independent and nearly normal, so a Student t interval on them (n - 1 degrees of freedom)
// is a 95% confidence interval for the steady-state mean latency and for the p99 of a batch.
// Whether they are long enough is checked, not assumed: the lag-1 autocorrelation of the batch
// means must not exceed kMaxLag1, and every batch must hold kMinPerBatch requests; otherwise
// the summary carries a warning ("the run is too short for these intervals; run longer").
//
// Batches: with a `duration`, kBatches batches of (duration - warmup) / kBatches. With a
// request limit the end is not known in advance: 2 x kBatches slots of a starting width are
// filled, and when an issue time falls past the last slot, neighbouring slots are merged in
// pairs and the width doubles (so kBatches to 2 x kBatches batches at the end). At the end
// the batches are those the interval covers; a last batch covering less than half a width is
// merged into the one before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/core/units.hpp"
#include "sim/metrics/histogram.hpp"
#include "sim/metrics/measure_clock.hpp"

namespace sdsim {

class BatchMeans {
 public:
  static constexpr int kBatches = 30;
  // Largest lag-1 autocorrelation of the batch means accepted without a warning. With n
  // independent batches its estimate has mean about -1/n and standard deviation about
  // 1/sqrt(n) (0.18 for 30 batches), so this flags about 1 run in 20 that is fine, and
  // runs whose batches are clearly correlated (docs/guide.md).
  static constexpr double kMaxLag1 = 0.3;
  // Fewest ok requests per batch for the intervals (a p99 of fewer than 100 values is the
  // batch's maximum).
  static constexpr std::uint64_t kMinPerBatch = 100;
  // Fewest batches for an interval (a run stopped early covers fewer than kBatches). With 2 the
  // lag-1 estimate is always -0.5 and checks nothing; with 10 its standard deviation is about
  // 0.3 and t(0.975, 9) = 2.26 is within 10% of the 30-batch 2.05.
  static constexpr int kMinBatches = 10;

  // `duration`: the end of issuing when known in advance (nullopt: a request limit);
  // `start_width`: the first slot width in that case.
  BatchMeans(const MeasureClock& clock, std::optional<Seconds> duration, Seconds start_width);

  // Hot path: an ok request issued at `issued_at` (in the measured interval) took `latency`.
  void add(Seconds issued_at, Seconds latency);

  // {"batches", "batch_length_s", "min_per_batch", "mean_ms": [lo, hi] | null,
  //  "p99_ms": [lo, hi] | null, "lag1_autocorrelation"}; null when there are fewer than two
  // batches. Appends a warning to `warnings` when the intervals should not be trusted.
  // `queue_grew`: a station's queue grew through the run (its own warning says so); the
  // warning then blames that rather than the run's length.
  nlohmann::json summary_json(std::vector<std::string>& warnings, bool queue_grew = false) const;

 private:
  int slot_of(Seconds issued_at) const;

  const MeasureClock& clock_;
  bool adaptive_;
  Seconds width_;
  std::vector<LatencyHistogram> slots_;
};

// Student t 95% interval [mean -/+ t(0.975, n-1) s / sqrt(n)] of `values` (n >= 2).
// With `centre`, the interval is centre +/- the same half-width (sectioning: a point estimate
// from the whole run, the spread from the batches).
std::pair<double, double> student_t_interval95(const std::vector<double>& values,
                                               std::optional<double> centre = std::nullopt);
// Lag-1 sample autocorrelation of `values`; 0 when they do not vary.
double lag1_autocorrelation(const std::vector<double>& values);

}  // namespace sdsim
