#include "models/cache/cache_policy.hpp"

namespace sdsim {

std::unique_ptr<CachePolicy> make_cache_policy(CachePolicyKind kind, std::size_t capacity,
                                               RandomStream rng) {
  switch (kind) {
    case CachePolicyKind::kLru:
      return std::make_unique<ListPolicy>(capacity, true);
    case CachePolicyKind::kFifo:
      return std::make_unique<ListPolicy>(capacity, false);
    case CachePolicyKind::kRandom:
      return std::make_unique<RandomEvictionPolicy>(capacity, std::move(rng));
    case CachePolicyKind::kLfu:
      return std::make_unique<LfuPolicy>(capacity, false);
    case CachePolicyKind::kPerfectLfu:
      return std::make_unique<LfuPolicy>(capacity, true);
  }
  return nullptr;
}

// ---- ListPolicy ----

bool ListPolicy::access(Key key) {
  auto it = where_.find(key);
  if (it == where_.end()) return false;
  if (recency_) order_.splice(order_.begin(), order_, it->second);
  return true;
}

CachePolicy::Admission ListPolicy::insert(Key key) {
  Admission a{true, std::nullopt};
  if (where_.size() >= capacity()) {
    const Key victim = order_.back();
    order_.pop_back();
    where_.erase(victim);
    a.evicted = victim;
  }
  order_.push_front(key);
  where_[key] = order_.begin();
  return a;
}

bool ListPolicy::erase(Key key) {
  auto it = where_.find(key);
  if (it == where_.end()) return false;
  order_.erase(it->second);
  where_.erase(it);
  return true;
}

void ListPolicy::clear() {
  order_.clear();
  where_.clear();
}

// ---- RandomEvictionPolicy ----

void RandomEvictionPolicy::remove_at(std::size_t i) {
  index_.erase(keys_[i]);
  if (i + 1 != keys_.size()) {
    keys_[i] = keys_.back();
    index_[keys_[i]] = i;
  }
  keys_.pop_back();
}

CachePolicy::Admission RandomEvictionPolicy::insert(Key key) {
  Admission a{true, std::nullopt};
  if (keys_.size() >= capacity()) {
    const std::size_t i = static_cast<std::size_t>(rng_.below(keys_.size()));
    a.evicted = keys_[i];
    remove_at(i);
  }
  index_[key] = keys_.size();
  keys_.push_back(key);
  return a;
}

bool RandomEvictionPolicy::erase(Key key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  remove_at(it->second);
  return true;
}

void RandomEvictionPolicy::clear() {
  keys_.clear();
  index_.clear();
}

// ---- LfuPolicy ----

bool LfuPolicy::access(Key key) {
  std::uint64_t total = 0;
  if (perfect_) total = ++seen_[key];
  auto it = cached_.find(key);
  if (it == cached_.end()) return false;
  order_.erase(it->second);
  const std::uint64_t count = perfect_ ? total : std::get<0>(it->second) + 1;
  it->second = Rank{count, std::get<1>(it->second), key};  // keeps its insertion order
  order_.insert(it->second);
  return true;
}

CachePolicy::Admission LfuPolicy::insert(Key key) {
  Admission a{true, std::nullopt};
  std::uint64_t count = 0;
  if (perfect_) {
    auto s = seen_.find(key);
    count = s == seen_.end() ? 0 : s->second;
  }
  if (cached_.size() >= capacity()) {
    const Rank victim = *order_.begin();
    // perfect_lfu keeps the C most-counted keys: a newcomer must beat the least counted.
    if (perfect_ && count <= std::get<0>(victim)) return Admission{false, std::nullopt};
    order_.erase(order_.begin());
    cached_.erase(std::get<2>(victim));
    a.evicted = std::get<2>(victim);
  }
  const Rank r{count, ++clock_, key};
  cached_.emplace(key, r);
  order_.insert(r);
  return a;
}

bool LfuPolicy::erase(Key key) {
  auto it = cached_.find(key);
  if (it == cached_.end()) return false;
  order_.erase(it->second);
  cached_.erase(it);
  return true;
}

void LfuPolicy::clear() {
  order_.clear();
  cached_.clear();
  seen_.clear();
  clock_ = 0;
}

std::uint64_t LfuPolicy::count(Key key) const {
  if (perfect_) {
    auto s = seen_.find(key);
    return s == seen_.end() ? 0 : s->second;
  }
  auto it = cached_.find(key);
  return it == cached_.end() ? 0 : std::get<0>(it->second);
}

std::optional<CachePolicy::Key> LfuPolicy::victim() const {
  if (order_.empty()) return std::nullopt;
  return std::get<2>(*order_.begin());
}

}  // namespace sdsim
