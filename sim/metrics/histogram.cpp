#include "sim/metrics/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sdsim {

namespace {
constexpr int kExponents = LatencyHistogram::kMaxExp - LatencyHistogram::kMinExp;
constexpr int kBuckets = kExponents * LatencyHistogram::kSubBuckets;
const double kZeroBelow = std::ldexp(1.0, LatencyHistogram::kMinExp);
}  // namespace

double LatencyHistogram::relative_error_bound() { return std::sqrt(1.0 + 1.0 / kSubBuckets) - 1.0; }

LatencyHistogram::LatencyHistogram() = default;

void LatencyHistogram::cover(int index) {
  const int first = index / kSubBuckets * kSubBuckets;  // the octave's first bucket
  const int size = static_cast<int>(buckets_.size());
  const int low = size == 0 ? first : std::min(base_, first);
  const int high = size == 0 ? first + kSubBuckets : std::max(base_ + size, first + kSubBuckets);
  // A new vector of exactly the octaves needed (growth is rare: at most once per octave).
  std::vector<std::uint64_t> grown(static_cast<std::size_t>(high - low), 0);
  if (size > 0) std::copy(buckets_.begin(), buckets_.end(), grown.begin() + (base_ - low));
  buckets_.swap(grown);
  base_ = low;
}

int LatencyHistogram::bucket_of(double value) {
  // value >= 2^kMinExp is a normal double 1.f x 2^e: the octave is e - kMinExp and the
  // sub-bucket is the top log2(kSubBuckets) bits of the fraction f, read from the bits.
  static_assert(kSubBuckets == 128, "the shift below takes 7 fraction bits");
  const auto bits = std::bit_cast<std::uint64_t>(value);
  const int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  const int octave = e - kMinExp;
  if (octave >= kExponents) return kBuckets - 1;
  const int sub = static_cast<int>((bits >> (52 - 7)) & (kSubBuckets - 1));
  return octave * kSubBuckets + sub;
}

double LatencyHistogram::bucket_low(int index) {
  const int octave = index / kSubBuckets;
  const int sub = index % kSubBuckets;
  return std::ldexp(1.0 + static_cast<double>(sub) / kSubBuckets, octave + kMinExp);
}

double LatencyHistogram::bucket_high(int index) {
  const int octave = index / kSubBuckets;
  const int sub = index % kSubBuckets;
  return std::ldexp(1.0 + static_cast<double>(sub + 1) / kSubBuckets, octave + kMinExp);
}

double LatencyHistogram::representative(int index) const {
  const double mid = std::sqrt(bucket_low(index) * bucket_high(index));
  return std::clamp(mid, min_, max_);
}

void LatencyHistogram::add(double value) {
  if (!(value >= 0)) value = 0;  // negative or NaN: a broken caller; count as zero
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  ++count_;
  sum_ += value;
  if (value < kZeroBelow) {
    ++zeros_;
    return;
  }
  const int b = bucket_of(value);
  if (b < base_ || b >= base_ + static_cast<int>(buckets_.size())) cover(b);
  ++buckets_[static_cast<std::size_t>(b - base_)];
  if (lowest_ < 0 || b < lowest_) lowest_ = b;
  if (b > highest_) highest_ = b;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
  zeros_ += other.zeros_;
  if (other.lowest_ >= 0) {
    cover(other.lowest_);
    cover(other.highest_);
    for (int b = other.lowest_; b <= other.highest_; ++b)
      buckets_[static_cast<std::size_t>(b - base_)] += other.at(b);
    lowest_ = lowest_ < 0 ? other.lowest_ : std::min(lowest_, other.lowest_);
    highest_ = std::max(highest_, other.highest_);
  }
}

void LatencyHistogram::reset() {
  std::fill(buckets_.begin(), buckets_.end(), 0);  // keeps the octaves: the next window reuses them
  lowest_ = highest_ = -1;
  zeros_ = count_ = 0;
  sum_ = min_ = max_ = 0;
}

std::optional<double> LatencyHistogram::mean() const {
  if (count_ == 0) return std::nullopt;
  return sum_ / static_cast<double>(count_);
}
std::optional<double> LatencyHistogram::min() const {
  if (count_ == 0) return std::nullopt;
  return min_;
}
std::optional<double> LatencyHistogram::max() const {
  if (count_ == 0) return std::nullopt;
  return max_;
}

std::optional<double> LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  if (rank >= count_) return max_;
  std::uint64_t seen = zeros_;
  if (seen >= rank) return min_;  // min_ is a zero here
  for (int b = lowest_; b <= highest_; ++b) {
    seen += at(b);
    if (seen >= rank) return representative(b);
  }
  return max_;
}

std::optional<double> LatencyHistogram::fraction_above(double threshold) const {
  if (count_ == 0) return std::nullopt;
  std::uint64_t above = 0;
  if (threshold < kZeroBelow) {
    above = count_ - zeros_;
  } else if (lowest_ >= 0) {
    const int t = bucket_of(threshold);
    for (int b = std::max(t + 1, lowest_); b <= highest_; ++b) above += at(b);
  }
  return static_cast<double>(above) / static_cast<double>(count_);
}

}  // namespace sdsim
