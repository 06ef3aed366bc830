#include "models/cache/cache_store.hpp"

#include <algorithm>

namespace sdsim {

CacheStore::Lookup CacheStore::read(Key key, Seconds now) {
  if (!policy_->access(key)) return Lookup::kMiss;
  auto e = expires_.find(key);
  // A dirty entry does not expire before it is flushed: its data exists nowhere else.
  if (e == expires_.end() || now < e->second || dirty_.count(key) != 0) return Lookup::kHit;
  policy_->erase(key);
  expires_.erase(e);
  return Lookup::kExpired;
}

CacheStore::Fill CacheStore::insert(Key key, Seconds expires_at, bool dirty) {
  Fill f;
  const CachePolicy::Admission a = policy_->insert(key);
  f.admitted = a.admitted;
  if (a.evicted) {
    const Key v = *a.evicted;
    f.evicted = Evicted{v, dirty_.erase(v) != 0};
    expires_.erase(v);
  }
  if (!a.admitted) return f;
  if (expires_at != kNever) expires_[key] = expires_at;
  if (dirty) dirty_.insert(key);
  return f;
}

CacheStore::Fill CacheStore::write(Key key, Seconds expires_at, bool dirty) {
  if (policy_->access(key)) {
    if (expires_at != kNever)
      expires_[key] = expires_at;
    else
      expires_.erase(key);
    if (dirty)
      dirty_.insert(key);
    else
      dirty_.erase(key);
    return Fill{true, std::nullopt};
  }
  return insert(key, expires_at, dirty);
}

CacheStore::Fill CacheStore::fill_if_absent(Key key, Seconds expires_at) {
  if (policy_->contains(key)) return Fill{false, std::nullopt};
  return insert(key, expires_at, false);
}

void CacheStore::invalidate(Key key) {
  policy_->erase(key);
  expires_.erase(key);
  dirty_.erase(key);
}

std::vector<CacheStore::Key> CacheStore::take_dirty() {
  std::vector<Key> keys(dirty_.begin(), dirty_.end());
  std::sort(keys.begin(), keys.end());
  dirty_.clear();
  return keys;
}

std::uint64_t CacheStore::drop_all() {
  const std::uint64_t lost = dirty_.size();
  policy_->clear();
  expires_.clear();
  dirty_.clear();
  return lost;
}

}  // namespace sdsim
