// LatencyHistogram: percentiles of non-negative values (seconds) with a bounded relative
// error, in bounded memory.
//
// Buckets are log-linear (as in HdrHistogram): each power-of-two range [2^e, 2^(e+1)) is cut
// into kSubBuckets equal parts, so a bucket [lo, hi) has hi/lo <= 1 + 1/kSubBuckets (at the
// bottom of its octave; less above). A percentile is reported as the geometric midpoint of
// its bucket, clamped to the observed [min, max], so its relative error is at most
// sqrt(1 + 1/kSubBuckets) - 1 = 0.39% for kSubBuckets = 128 (DESIGN.md asks for <= 1%).
// Values below 2^-40 s (~1 ps) count as exact zeros; values above 2^30 s land in the top
// bucket (and max is kept exactly). The bucket index is read from the double's exponent and
// fraction bits: no log() per sample.
// Memory: buckets are allocated a whole octave (1 KiB) at a time, covering only the octaves
// between the smallest and the largest value seen (a service's latencies span a few octaves:
// a few KiB, where all 70 octaves would take 70 KiB per histogram; a scenario has thousands).
// Means are exact (sum / count), not derived from buckets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sdsim {

class LatencyHistogram {
 public:
  static constexpr int kSubBuckets = 128;
  static constexpr int kMinExp = -40;  // 2^-40 s
  static constexpr int kMaxExp = 30;   // 2^30 s (34 years)
  // Worst-case relative error of a reported percentile (before clamping to min/max).
  static double relative_error_bound();

  LatencyHistogram();

  void add(double value);
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  // Exact mean and extremes; nullopt when empty.
  std::optional<double> mean() const;
  std::optional<double> min() const;
  std::optional<double> max() const;
  // Nearest-rank percentile (the smallest value with at least q of the samples at or below
  // it), q in (0, 1]; nullopt when empty.
  std::optional<double> quantile(double q) const;
  // Fraction of samples > threshold (resolution: one bucket).
  std::optional<double> fraction_above(double threshold) const;
  // Calls visit(upper_edge_s, count) for each non-empty bucket, in increasing order; exact
  // zeros come first with upper edge 0. The counts add up to count(). (For CDF plots.)
  template <class Visit>
  void for_each_bucket(Visit&& visit) const {
    if (zeros_ > 0) visit(0.0, zeros_);
    if (lowest_ < 0) return;
    for (int b = lowest_; b <= highest_; ++b)
      if (at(b) > 0) visit(bucket_high(b), at(b));
  }
  // Bytes held by the buckets (for tests and memory accounting).
  std::size_t allocated_bytes() const { return buckets_.capacity() * sizeof(std::uint64_t); }

 private:
  static int bucket_of(double value);
  static double bucket_low(int index);
  static double bucket_high(int index);
  double representative(int index) const;
  // Makes bucket `index` addressable (allocating whole octaves); at() reads an allocated one.
  void cover(int index);
  std::uint64_t at(int index) const { return buckets_[static_cast<std::size_t>(index - base_)]; }

  std::vector<std::uint64_t> buckets_;  // buckets base_ .. base_ + size - 1 (whole octaves)
  int base_ = 0;
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
  int lowest_ = -1;  // touched bucket range, for cheap reset and scans
  int highest_ = -1;
};

}  // namespace sdsim
