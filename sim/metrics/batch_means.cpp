#include "sim/metrics/batch_means.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

namespace sdsim {

BatchMeans::BatchMeans(const MeasureClock& clock, std::optional<Seconds> duration,
                       Seconds start_width)
    : clock_(clock), adaptive_(!duration || *duration <= clock.warmup) {
  if (adaptive_) {
    width_ = start_width > 0 ? start_width : 1.0;
    slots_.resize(2 * kBatches);
  } else {
    width_ = (*duration - clock.warmup) / kBatches;
    slots_.resize(kBatches);
  }
}

int BatchMeans::slot_of(Seconds issued_at) const {
  const double k = std::floor((issued_at - clock_.warmup) / width_);
  return k < 0 ? 0 : k > 1e9 ? 1'000'000'000 : static_cast<int>(k);
}

void BatchMeans::add(Seconds issued_at, Seconds latency) {
  int k = slot_of(issued_at);
  const int n = static_cast<int>(slots_.size());
  if (k >= n) {
    if (!adaptive_) {
      k = n - 1;  // rounding at the very end of the interval
    } else {
      while (k >= n) {  // merge neighbours in pairs; the width doubles
        for (int i = 0; i < n / 2; ++i) {
          if (i > 0) {  // slot 0 already holds slot 0
            slots_[i].reset();
            slots_[i].merge(slots_[2 * i]);
          }
          slots_[i].merge(slots_[2 * i + 1]);
        }
        for (int i = n / 2; i < n; ++i) slots_[i].reset();
        width_ *= 2;
        k = slot_of(issued_at);
      }
    }
  }
  slots_[k].add(latency);
}

std::pair<double, double> student_t_interval95(const std::vector<double>& values,
                                               std::optional<double> centre) {
  const double n = static_cast<double>(values.size());
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (n - 1));
  const boost::math::students_t dist(n - 1);
  const double t = boost::math::quantile(boost::math::complement(dist, 0.025));
  const double half = t * sd / std::sqrt(n);
  const double c = centre ? *centre : mean;
  return {c - half, c + half};
}

double lag1_autocorrelation(const std::vector<double>& values) {
  const std::size_t n = values.size();
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(n);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    den += (values[i] - mean) * (values[i] - mean);
    if (i + 1 < n) num += (values[i] - mean) * (values[i + 1] - mean);
  }
  return den > 0 ? num / den : 0.0;
}

nlohmann::json BatchMeans::summary_json(std::vector<std::string>& warnings, bool queue_grew) const {
  using nlohmann::json;
  // The batches the measured interval covers; a short last one joins the one before.
  const Seconds length = clock_.stop - clock_.warmup;
  if (!(length > 0) || !std::isfinite(length)) return nullptr;
  int used = static_cast<int>(std::ceil(length / width_ - 1e-9));
  used = std::clamp(used, 1, static_cast<int>(slots_.size()));
  std::vector<LatencyHistogram> batches(slots_.begin(), slots_.begin() + used);
  const double last_cover = length - (used - 1) * width_;
  if (used > 1 && last_cover < 0.5 * width_) {
    batches[used - 2].merge(batches[used - 1]);
    batches.pop_back();
  }
  const std::size_t n = batches.size();
  if (n < 2) return nullptr;
  std::uint64_t fewest = batches[0].count();
  for (const auto& b : batches) fewest = std::min(fewest, b.count());
  json out{{"batches", n},       {"batch_length_s", width_}, {"min_per_batch", fewest},
           {"mean_ms", nullptr}, {"p99_ms", nullptr},        {"lag1_autocorrelation", nullptr}};
  // Why the intervals cannot be trusted. A batch far shorter of ok requests than the others
  // (below the average by more than 4 standard deviations of a Poisson count: not noise)
  // comes from a system that was not steady (a fault, an overload, a collapse): a longer run
  // does not help there. Otherwise the run is too short.
  std::uint64_t total = 0;
  for (const auto& b : batches) total += b.count();
  const double average = static_cast<double>(total) / static_cast<double>(n);
  const bool uneven = fewest < kMinPerBatch && total >= kMinPerBatch * n &&
                      static_cast<double>(fewest) < average - 4 * std::sqrt(average);
  const std::string too_short = ": the run is too short for these intervals; run longer";
  const std::string not_steady =
      ": the system was not in a steady state (a fault, an overload or a collapse; the average "
      "batch holds " +
      std::to_string(total / n) + "), and these intervals assume one";
  // A station's queue grew through the run (MetricsHub knows): that is why, not the length.
  const std::string grew =
      ": a queue grew through the run (see the station's warning), so the system was not in a "
      "steady state, and these intervals assume one";
  const std::string maybe_not_steady =
      ": the run is too short for these intervals, or the system is not in a steady state (an "
      "overload, a fault): run longer if it is steady";
  if (static_cast<int>(n) < kMinBatches) {
    warnings.push_back("latency.ok.ci95: only " + std::to_string(n) + " batches of " +
                       format_seconds(width_) + " (at least " + std::to_string(kMinBatches) +
                       " are needed for intervals; the run stopped early or is very short)");
    return out;
  }
  if (total == 0) {  // every request failed, or none was issued: not a matter of run length
    warnings.push_back("latency.ok.ci95: no ok request in the measured interval, so no intervals");
    return out;
  }
  if (fewest < 2) {
    warnings.push_back("latency.ok.ci95: a batch has fewer than 2 ok requests (" +
                       std::to_string(n) + " batches of " + format_seconds(width_) + ")" +
                       (uneven       ? not_steady
                        : queue_grew ? grew
                                     : too_short));
    return out;
  }
  std::vector<double> means, p99s;
  for (const auto& b : batches) {
    means.push_back(*b.mean() * 1e3);
    p99s.push_back(*b.quantile(0.99) * 1e3);
  }
  const auto [mlo, mhi] = student_t_interval95(means);
  out["mean_ms"] = {mlo, mhi};
  const double r1 = lag1_autocorrelation(means);
  out["lag1_autocorrelation"] = r1;
  if (fewest >= kMinPerBatch) {
    // Sectioning: the interval is centred on the p99 of the whole measured range (all batches
    // pooled), with the half-width from the spread of the batch p99s. The mean of the batch
    // p99s is biased low (a batch's p99 from a few hundred samples underestimates, and the p99
    // of a mixture of batches exceeds their average): centred there, the interval covered the
    // true M/M/1 p99 in 86 of 100 seeds; centred on the pooled p99, see docs/guide.md.
    LatencyHistogram pooled = batches[0];
    for (std::size_t i = 1; i < n; ++i) pooled.merge(batches[i]);
    const auto [plo, phi] = student_t_interval95(p99s, *pooled.quantile(0.99) * 1e3);
    out["p99_ms"] = {plo, phi};
  }
  char buf[200];
  if (r1 > kMaxLag1) {
    std::snprintf(buf, sizeof buf,
                  "latency.ok.ci95: batches are correlated (lag-1 autocorrelation of the %zu "
                  "batch means %.3f, above %.1f)",
                  n, r1, kMaxLag1);
    warnings.push_back(buf + (uneven ? not_steady : queue_grew ? grew : maybe_not_steady));
  } else if (fewest < kMinPerBatch) {
    std::snprintf(buf, sizeof buf,
                  "latency.ok.ci95: too few ok requests per batch (%llu in the smallest of %zu; "
                  "%llu needed)",
                  static_cast<unsigned long long>(fewest), n,
                  static_cast<unsigned long long>(kMinPerBatch));
    warnings.push_back(buf + (uneven ? not_steady : queue_grew ? grew : too_short));
  }
  return out;
}

}  // namespace sdsim
