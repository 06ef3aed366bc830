// Named random streams. Every random draw in a simulation comes from a RandomStream keyed by
// (scenario seed, replication, component name, purpose), so adding a component or a draw
// never shifts another stream, and two runs of one scenario with one seed are identical.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace sdsim {

// FNV-1a, 64 bit: a hash whose value is fixed by its definition (std::hash is not).
std::uint64_t stable_hash(std::string_view text);

// SplitMix64 finaliser: spreads a 64-bit key over all bits (seeding only).
std::uint64_t mix64(std::uint64_t x);

class RandomStream {
 public:
  // A stream for one (component, purpose) pair of one run. The generator is seeded with
  //   mix64(scenario_seed ^ mix64(stable_hash(component) ^
  //                               mix64(stable_hash(purpose) ^ mix64(replication))))
  // This formula is part of the reproducibility contract: changing it changes every result.
  RandomStream(std::uint64_t scenario_seed, std::string_view component, std::string_view purpose,
               std::uint64_t replication = 0);
  // A stream from a raw 64-bit seed (tests and baselines).
  explicit RandomStream(std::uint64_t raw_seed);

  // Uniform on [0, 1), 53 random bits.
  double uniform01() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1): never 0, safe for log().
  double uniform_open01() { return (static_cast<double>(gen_() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform integer in [0, n), unbiased (rejection). n > 0. Consumes one next_u64() per call,
  // more with probability < n / 2^64.
  std::uint64_t below(std::uint64_t n);
  std::uint64_t next_u64() { return gen_(); }

 private:
  // mt19937_64's output sequence is fixed by the C++ standard; we do our own sampling on
  // top of it because std:: distributions differ between standard libraries.
  std::mt19937_64 gen_;
};

}  // namespace sdsim
