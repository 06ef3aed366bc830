// Backend choice policies of a load balancer: pure classes (no simulated time, no engine), so
// unit tests drive them directly.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "sim/rng/random_stream.hpp"

namespace sdsim {

class BackendPolicy {
 public:
  virtual ~BackendPolicy() = default;
  // Index of the backend for the next request, in [0, backends).
  virtual std::size_t pick() = 0;
};

// Backends in turn: 0, 1, ..., n-1, 0, ...
class RoundRobinPolicy final : public BackendPolicy {
 public:
  explicit RoundRobinPolicy(std::size_t backends) : n_(backends) {}
  std::size_t pick() override {
    const std::size_t i = next_;
    next_ = next_ + 1 == n_ ? 0 : next_ + 1;
    return i;
  }

 private:
  std::size_t n_;
  std::size_t next_ = 0;
};

// Each request to a backend chosen uniformly at random, independently (so each backend sees a
// thinned, still Poisson, arrival stream when the input is Poisson).
class RandomPolicy final : public BackendPolicy {
 public:
  RandomPolicy(std::size_t backends, RandomStream rng) : n_(backends), rng_(rng) {}
  std::size_t pick() override { return static_cast<std::size_t>(rng_.below(n_)); }

 private:
  std::size_t n_;
  RandomStream rng_;
};

}  // namespace sdsim
