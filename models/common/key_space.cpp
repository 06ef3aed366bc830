#include "models/common/key_space.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sdsim {

KeySpace KeySpace::uniform(std::uint64_t count) {
  if (count < 1 || count > kMaxKeys) throw std::invalid_argument("key count out of range");
  return KeySpace(Law::kUniform, count);
}

KeySpace KeySpace::zipf(std::uint64_t count, double alpha) {
  if (count < 1 || count > kMaxKeys) throw std::invalid_argument("key count out of range");
  if (!(alpha >= 0)) throw std::invalid_argument("zipf alpha must be >= 0");
  KeySpace k(Law::kZipf, count);
  k.cdf_.resize(count);
  // Kahan-compensated running sum, so the smallest weights still count at 10^7 keys.
  double sum = 0, carry = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const double w = std::pow(static_cast<double>(i + 1), -alpha) - carry;
    const double t = sum + w;
    carry = (t - sum) - w;
    sum = t;
    k.cdf_[i] = sum;
  }
  k.zipf_norm_ = sum;
  k.alpha_ = alpha;
  for (double& c : k.cdf_) c /= sum;
  k.cdf_.back() = 1.0;
  return k;
}

KeySpace KeySpace::hotspot(std::uint64_t count, double key_fraction, double traffic_fraction) {
  if (count < 1 || count > kMaxKeys) throw std::invalid_argument("key count out of range");
  if (!(key_fraction > 0 && key_fraction <= 1) || !(traffic_fraction >= 0 && traffic_fraction <= 1))
    throw std::invalid_argument("hotspot fractions out of range");
  KeySpace k(Law::kHotspot, count);
  k.hot_ = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(key_fraction * static_cast<double>(count))), 1, count);
  // With every key hot, all traffic is hot traffic.
  k.hot_traffic_ = k.hot_ == count ? 1.0 : traffic_fraction;
  return k;
}

std::uint64_t KeySpace::sample(RandomStream& rng) const {
  switch (law_) {
    case Law::kUniform:
      return 1 + rng.below(count_);
    case Law::kZipf: {
      const double u = rng.uniform01();
      const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
      return 1 + static_cast<std::uint64_t>(std::min<std::ptrdiff_t>(
                     it - cdf_.begin(), static_cast<std::ptrdiff_t>(count_) - 1));
    }
    case Law::kHotspot: {
      // One uniform draw: [0, t) picks a hot key, [t, 1) a cold one, each uniformly.
      const double u = rng.uniform01();
      if (u < hot_traffic_) {
        const auto i = static_cast<std::uint64_t>(u / hot_traffic_ * static_cast<double>(hot_));
        return 1 + std::min(i, hot_ - 1);
      }
      const std::uint64_t cold = count_ - hot_;
      const auto i = static_cast<std::uint64_t>((u - hot_traffic_) / (1 - hot_traffic_) *
                                                static_cast<double>(cold));
      return hot_ + 1 + std::min(i, cold - 1);
    }
  }
  return 1;
}

double KeySpace::probability(std::uint64_t key) const {
  if (key < 1 || key > count_) return 0;
  switch (law_) {
    case Law::kUniform:
      return 1.0 / static_cast<double>(count_);
    case Law::kZipf:
      return std::pow(static_cast<double>(key), -alpha_) / zipf_norm_;
    case Law::kHotspot:
      return key <= hot_ ? hot_traffic_ / static_cast<double>(hot_)
                         : (1 - hot_traffic_) / static_cast<double>(count_ - hot_);
  }
  return 0;
}

}  // namespace sdsim
