// CacheStore: the entries one cache replica holds: its eviction policy plus, per entry, when it
// expires and whether it is dirty (written but not yet flushed downstream: write_back). A pure
// class (times are given by the caller): unit tests drive it directly.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/cache/cache_policy.hpp"
#include "sim/core/units.hpp"

namespace sdsim {

class CacheStore {
 public:
  using Key = CachePolicy::Key;
  static constexpr Seconds kNever = std::numeric_limits<Seconds>::infinity();

  enum class Lookup { kHit, kMiss, kExpired };
  struct Evicted {
    Key key = 0;
    bool dirty = false;
  };
  struct Fill {
    bool admitted = false;           // false: the policy refused it (perfect_lfu)
    std::optional<Evicted> evicted;  // the entry that made room
  };

  explicit CacheStore(std::unique_ptr<CachePolicy> policy) : policy_(std::move(policy)) {}

  // A read of `key` at `now`: a hit when cached and not expired. An expired entry is removed
  // (kExpired: a miss), unless it is dirty (its data exists nowhere else: it stays until
  // flushed). Counts as a use for the policy either way.
  Lookup read(Key key, Seconds now);
  // Puts `key` in the cache with a new expiry date, or updates it when cached (a use for the
  // policy). `dirty`: it holds a write not yet flushed.
  Fill write(Key key, Seconds expires_at, bool dirty);
  // Fills `key` only when it is absent (a read-through reply must not overwrite a newer write).
  Fill fill_if_absent(Key key, Seconds expires_at);
  // Removes `key` (its dirty data with it).
  void invalidate(Key key);
  // Keys of the dirty entries, ascending; they are clean afterwards (being flushed).
  std::vector<Key> take_dirty();
  // A crash: every entry (and every policy count) is lost. Returns how many dirty entries
  // were lost with them.
  std::uint64_t drop_all();

  bool contains(Key key) const { return policy_->contains(key); }
  bool is_dirty(Key key) const { return dirty_.count(key) != 0; }
  std::size_t size() const { return policy_->size(); }
  std::size_t dirty_count() const { return dirty_.size(); }

 private:
  Fill insert(Key key, Seconds expires_at, bool dirty);

  std::unique_ptr<CachePolicy> policy_;
  std::unordered_map<Key, Seconds> expires_;  // cached keys that expire
  std::unordered_set<Key> dirty_;
};

}  // namespace sdsim
