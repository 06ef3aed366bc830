// CachePolicy: which entries a cache of `capacity` entries keeps, and which one it evicts when
// it is full. Pure classes (no simulated time, no engine): unit tests drive them directly.
//
//   lru          evicts the least recently used entry          list + hash map, O(1)
//   fifo         evicts the entry inserted first (hits do not   list + hash map, O(1)
//                change the order)
//   random       evicts an entry chosen uniformly at random     vector + hash map, O(1)
//   lfu          evicts the entry with the fewest hits since    ordered set, O(log C)
//                it was inserted (counts of cached entries only;
//                a tie goes to the oldest entry: inserted first)
//   perfect_lfu  exact access counts of every key ever seen;    hash map + ordered set,
//                keeps the C most-counted keys (a newcomer is   O(log C); memory grows
//                admitted only when its count beats the least   with the keys seen
//                counted entry's; ties evict the oldest)
//
// Under independent requests with fixed probabilities (IRM), perfect_lfu converges to the
// C most popular keys; LRU follows Che's approximation (Che, Tung, Wang 2002; Fricker,
// Robert, Roberts 2012); FIFO and random share the approximation of Gelenbe (1973) /
// Martina, Garetto, Leonardi (2014). tests/validation/cache_test.cpp checks all four.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/rng/random_stream.hpp"

namespace sdsim {

class CachePolicy {
 public:
  using Key = std::uint64_t;
  struct Admission {
    bool admitted = false;       // false: the policy kept its entries (perfect_lfu)
    std::optional<Key> evicted;  // the entry that made room, if one had to
  };

  explicit CachePolicy(std::size_t capacity) : capacity_(capacity) {}
  virtual ~CachePolicy() = default;

  std::size_t capacity() const { return capacity_; }
  virtual std::size_t size() const = 0;
  virtual bool contains(Key key) const = 0;
  // One use of `key` (a read or a write names it): true when cached; updates its recency or
  // count. perfect_lfu also counts uses of keys it does not hold.
  virtual bool access(Key key) = 0;
  // Inserts `key`, which is not cached, evicting one entry when full (or refusing).
  virtual Admission insert(Key key) = 0;
  // Removes `key` when cached; true when it was.
  virtual bool erase(Key key) = 0;
  // Forgets every entry (and, for perfect_lfu, every count): a cold restart.
  virtual void clear() = 0;

 private:
  std::size_t capacity_;
};

enum class CachePolicyKind { kLru, kLfu, kPerfectLfu, kFifo, kRandom };

// `rng` is used by `random` only (the cache's own stream).
std::unique_ptr<CachePolicy> make_cache_policy(CachePolicyKind kind, std::size_t capacity,
                                               RandomStream rng);

// LRU (recency_on_access) and FIFO (not): a list in eviction order, newest at the front.
class ListPolicy final : public CachePolicy {
 public:
  ListPolicy(std::size_t capacity, bool recency_on_access)
      : CachePolicy(capacity), recency_(recency_on_access) {}
  std::size_t size() const override { return where_.size(); }
  bool contains(Key key) const override { return where_.count(key) != 0; }
  bool access(Key key) override;
  Admission insert(Key key) override;
  bool erase(Key key) override;
  void clear() override;
  // Cached keys, next to be evicted first (tests).
  std::vector<Key> eviction_order() const { return {order_.rbegin(), order_.rend()}; }

 private:
  bool recency_;
  std::list<Key> order_;
  std::unordered_map<Key, std::list<Key>::iterator> where_;
};

class RandomEvictionPolicy final : public CachePolicy {
 public:
  RandomEvictionPolicy(std::size_t capacity, RandomStream rng)
      : CachePolicy(capacity), rng_(std::move(rng)) {}
  std::size_t size() const override { return keys_.size(); }
  bool contains(Key key) const override { return index_.count(key) != 0; }
  bool access(Key key) override { return contains(key); }
  Admission insert(Key key) override;
  bool erase(Key key) override;
  void clear() override;

 private:
  void remove_at(std::size_t i);
  RandomStream rng_;
  std::vector<Key> keys_;
  std::unordered_map<Key, std::size_t> index_;
};

// lfu (in-cache counts) and perfect_lfu (counts of every key seen).
class LfuPolicy final : public CachePolicy {
 public:
  LfuPolicy(std::size_t capacity, bool perfect) : CachePolicy(capacity), perfect_(perfect) {}
  std::size_t size() const override { return cached_.size(); }
  bool contains(Key key) const override { return cached_.count(key) != 0; }
  bool access(Key key) override;
  Admission insert(Key key) override;
  bool erase(Key key) override;
  void clear() override;
  // The count of `key` (hits since insertion for lfu; accesses ever for perfect_lfu).
  std::uint64_t count(Key key) const;
  // The key evicted next, if any (tests).
  std::optional<Key> victim() const;

 private:
  // (count, insertion order, key): the set's first element is the victim.
  using Rank = std::tuple<std::uint64_t, std::uint64_t, Key>;
  bool perfect_;
  std::uint64_t clock_ = 0;
  std::set<Rank> order_;
  std::unordered_map<Key, Rank> cached_;
  std::unordered_map<Key, std::uint64_t> seen_;  // perfect_lfu: every key's count
};

}  // namespace sdsim
