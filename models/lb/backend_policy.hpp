// Backend choice policies of a load balancer: pure classes (no simulated time, no engine), so
// unit tests drive them directly.
//
// Sources: smooth weighted round robin is nginx's (ngx_http_upstream_round_robin.c, 2012);
// power of two choices is M. Mitzenmacher, "The power of two choices in randomized load
// balancing", IEEE TPDS 12(10), 2001.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/rng/random_stream.hpp"

namespace sdsim {

// Which backends may be picked: all, unless health checks marked some down. The load balancer
// owns it; policies read it and skip the down ones (at least one is up when pick() is called).
struct BackendHealth {
  std::vector<std::uint8_t> up;  // per backend: 1 = may be picked
  std::size_t down = 0;          // how many are not
  bool is_up(std::size_t i) const { return down == 0 || up[i] != 0; }
};

class BackendPolicy {
 public:
  virtual ~BackendPolicy() = default;
  // Index of the backend for the next request, in [0, backends), among those up.
  virtual std::size_t pick() = 0;
  void set_health(const BackendHealth* health) { health_ = health; }

 protected:
  bool is_up(std::size_t i) const { return health_ == nullptr || health_->is_up(i); }
  bool all_up() const { return health_ == nullptr || health_->down == 0; }
  std::size_t up_count(std::size_t n) const { return health_ == nullptr ? n : n - health_->down; }

 private:
  const BackendHealth* health_ = nullptr;
};

// Backends in turn: 0, 1, ..., n-1, 0, ...
class RoundRobinPolicy final : public BackendPolicy {
 public:
  explicit RoundRobinPolicy(std::size_t backends) : n_(backends) {}
  std::size_t pick() override {
    for (;;) {  // the next one that is up (one is)
      const std::size_t i = next_;
      next_ = next_ + 1 == n_ ? 0 : next_ + 1;
      if (is_up(i)) return i;
    }
  }

 private:
  std::size_t n_;
  std::size_t next_ = 0;
};

// Smooth weighted round robin (nginx): each pick adds every backend's weight to its credit,
// takes the backend with the most credit (the lowest index on a tie) and takes the total
// weight W off its credit. Deterministic. With whole-number weights the picks repeat with
// period W and backend i gets exactly w_i of every W consecutive picks, spread out (weights
// 5, 1, 1 give a a b a c a a, not a a a a a b c).
class WeightedRoundRobinPolicy final : public BackendPolicy {
 public:
  // weights: one positive finite number per backend.
  explicit WeightedRoundRobinPolicy(std::vector<double> weights)
      : weights_(std::move(weights)), credit_(weights_.size(), 0.0) {
    for (double w : weights_) total_ += w;
  }
  std::size_t pick() override {
    if (all_up()) {
      std::size_t best = 0;
      for (std::size_t i = 0; i < weights_.size(); ++i) {
        credit_[i] += weights_[i];
        if (credit_[i] > credit_[best]) best = i;
      }
      credit_[best] -= total_;
      return best;
    }
    // As nginx: backends that are down take no part (no credit); the total is the up ones'.
    std::size_t best = weights_.size();
    double total = 0;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      if (!is_up(i)) continue;
      credit_[i] += weights_[i];
      total += weights_[i];
      if (best == weights_.size() || credit_[i] > credit_[best]) best = i;
    }
    credit_[best] -= total;
    return best;
  }

 private:
  std::vector<double> weights_;
  std::vector<double> credit_;
  double total_ = 0;
};

// Each request to a backend chosen uniformly at random, independently (so each backend sees a
// thinned, still Poisson, arrival stream when the input is Poisson).
class RandomPolicy final : public BackendPolicy {
 public:
  RandomPolicy(std::size_t backends, RandomStream rng) : n_(backends), rng_(rng) {}
  std::size_t pick() override {
    for (;;) {  // uniform among the backends that are up (rejection)
      const auto i = static_cast<std::size_t>(rng_.below(n_));
      if (is_up(i)) return i;
    }
  }

 private:
  std::size_t n_;
  RandomStream rng_;
};

// Each request to backend i with probability w_i / sum(w), independently (one uniform draw per
// request, inverted through the cumulative weights).
class WeightedRandomPolicy final : public BackendPolicy {
 public:
  WeightedRandomPolicy(const std::vector<double>& weights, RandomStream rng) : rng_(rng) {
    double sum = 0;
    for (double w : weights) cumulative_.push_back(sum += w);
  }
  std::size_t pick() override {
    for (;;) {  // by weight among the backends that are up (rejection)
      const double u = rng_.uniform01() * cumulative_.back();
      const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
      // u < total, so it is never end() in exact arithmetic; guard against rounding.
      const std::size_t i = std::min<std::size_t>(it - cumulative_.begin(), cumulative_.size() - 1);
      if (is_up(i)) return i;
    }
  }

 private:
  std::vector<double> cumulative_;
  RandomStream rng_;
};

// Requests this load balancer has sent to each backend and not yet had answered. The driver
// keeps it (sent: +1, reply: -1); the policies below read it.
using OutstandingCounts = std::vector<std::uint32_t>;

// The backend with the fewest outstanding requests; a tie is broken uniformly at random among
// the tied backends (one draw, only when there is a tie). With single-worker backends and no
// waiting room this sends to an idle backend whenever there is one.
class LeastOutstandingPolicy final : public BackendPolicy {
 public:
  LeastOutstandingPolicy(const OutstandingCounts& outstanding, RandomStream rng)
      : outstanding_(outstanding), rng_(rng) {
    tied_.reserve(outstanding.size());
  }
  std::size_t pick() override {
    std::uint32_t least = UINT32_MAX;
    for (std::size_t i = 0; i < outstanding_.size(); ++i) {
      if (!is_up(i)) continue;
      const std::uint32_t o = outstanding_[i];
      if (o < least) {
        least = o;
        tied_.clear();
      }
      if (o == least) tied_.push_back(i);
    }
    return tied_.size() == 1 ? tied_[0] : tied_[rng_.below(tied_.size())];
  }

 private:
  const OutstandingCounts& outstanding_;
  RandomStream rng_;
  std::vector<std::size_t> tied_;
};

// Two distinct backends drawn uniformly at random; the one with fewer outstanding requests, a
// tie broken by a fair coin. One backend: always it (no draw).
class PowerOfTwoPolicy final : public BackendPolicy {
 public:
  PowerOfTwoPolicy(const OutstandingCounts& outstanding, RandomStream rng)
      : outstanding_(outstanding), rng_(rng) {}

  std::size_t pick() override {
    const std::size_t n = outstanding_.size();
    if (n == 1) return 0;
    if (const std::size_t up = up_count(n); up == 1) {  // no choice left
      for (std::size_t i = 0; i < n; ++i)
        if (is_up(i)) return i;
    }
    std::size_t a, b;
    for (;;) {  // two distinct backends among those up (rejection)
      a = static_cast<std::size_t>(rng_.below(n));
      b = static_cast<std::size_t>(rng_.below(n - 1));
      if (b >= a) ++b;  // uniform over the n - 1 others
      if (is_up(a) && is_up(b)) break;
    }
    if (outstanding_[a] != outstanding_[b]) return outstanding_[a] < outstanding_[b] ? a : b;
    return rng_.below(2) == 0 ? a : b;
  }

 private:
  const OutstandingCounts& outstanding_;
  RandomStream rng_;
};

}  // namespace sdsim
