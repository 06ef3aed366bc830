// KeySpace: which data item (key) a request names, for caches and databases. Keys are
// numbered 1..count; under `zipf` key k is the k-th most popular. A pure class: no simulated
// time, no engine.
//
//   uniform       P(k) = 1 / count
//   zipf(alpha)   P(k) = k^-alpha / H(count, alpha), H the generalised harmonic number
//   hotspot(f, t) a fraction t of the traffic goes uniformly to the first ceil(f * count)
//                 keys ("hot"), the rest uniformly to the others
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng/random_stream.hpp"

namespace sdsim {

class KeySpace {
 public:
  // The most keys a key space may have (a zipf space keeps a table of count doubles).
  static constexpr std::uint64_t kMaxKeys = 10'000'000;

  static KeySpace uniform(std::uint64_t count);
  static KeySpace zipf(std::uint64_t count, double alpha);
  static KeySpace hotspot(std::uint64_t count, double key_fraction, double traffic_fraction);

  std::uint64_t count() const { return count_; }
  // A key in 1..count. One uniform draw per call.
  std::uint64_t sample(RandomStream& rng) const;
  // P(key), for checks against theory.
  double probability(std::uint64_t key) const;

 private:
  enum class Law { kUniform, kZipf, kHotspot };
  KeySpace(Law law, std::uint64_t count) : law_(law), count_(count) {}

  Law law_;
  std::uint64_t count_;
  std::vector<double> cdf_;  // zipf: cdf_[k-1] = P(key <= k), cdf_.back() == 1
  double alpha_ = 0;
  double zipf_norm_ = 1;   // zipf: H(count, alpha)
  std::uint64_t hot_ = 0;  // hotspot: keys 1..hot_ are hot
  double hot_traffic_ = 0;
};

}  // namespace sdsim
