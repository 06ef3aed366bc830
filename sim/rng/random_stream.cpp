#include "sim/rng/random_stream.hpp"

#include <cstdio>
#include <cstdlib>

namespace sdsim {

std::uint64_t stable_hash(std::string_view text) {
  // FNV-1a 64: offset basis and prime from the reference definition (Fowler, Noll, Vo).
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t mix64(std::uint64_t x) {
  // SplitMix64 finaliser (Steele, Lea, Flood 2014; constants as in Vigna's splitmix64.c).
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

RandomStream::RandomStream(std::uint64_t scenario_seed, std::string_view component,
                           std::string_view purpose, std::uint64_t replication)
    : gen_(mix64(scenario_seed ^ mix64(stable_hash(component) ^
                                       mix64(stable_hash(purpose) ^ mix64(replication))))) {}

RandomStream::RandomStream(std::uint64_t raw_seed) : gen_(raw_seed) {}

std::uint64_t RandomStream::below(std::uint64_t n) {
  if (n == 0) {
    std::fputs("sdsim: internal error: RandomStream::below(0)\n", stderr);
    std::abort();
  }
  // Reject the lowest 2^64 mod n values so the accepted range is a multiple of n
  // (the arc4random_uniform method); x % n is then exactly uniform.
  const std::uint64_t threshold = (0 - n) % n;  // == 2^64 mod n
  for (;;) {
    const std::uint64_t x = gen_();
    if (x >= threshold) return x % n;
  }
}

}  // namespace sdsim
