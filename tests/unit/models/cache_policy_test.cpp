// Cache eviction policies and the cache store: which entry each policy evicts, in which
// order; perfect_lfu counts every key; TTL, dirty entries and a crash's losses.
#include "models/cache/cache_policy.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

#include "models/cache/cache_store.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {
namespace {

using Keys = std::vector<std::uint64_t>;

TEST(LruPolicy, EvictsTheLeastRecentlyUsed) {
  ListPolicy p(3, true);
  for (std::uint64_t k : {1, 2, 3}) EXPECT_TRUE(p.insert(k).admitted);
  EXPECT_TRUE(p.access(1));  // order (oldest first): 2 3 1
  EXPECT_EQ(p.eviction_order(), (Keys{2, 3, 1}));
  EXPECT_EQ(p.insert(4).evicted, 2u);
  EXPECT_TRUE(p.access(3));
  EXPECT_EQ(p.insert(5).evicted, 1u);
  EXPECT_EQ(p.eviction_order(), (Keys{4, 3, 5}));
  EXPECT_FALSE(p.access(2));
  EXPECT_EQ(p.size(), 3u);
}

TEST(FifoPolicy, EvictsInInsertionOrderWhateverTheHits) {
  ListPolicy p(3, false);
  for (std::uint64_t k : {1, 2, 3}) p.insert(k);
  EXPECT_TRUE(p.access(1));
  EXPECT_TRUE(p.access(1));
  EXPECT_EQ(p.insert(4).evicted, 1u);
  EXPECT_EQ(p.insert(5).evicted, 2u);
  EXPECT_EQ(p.eviction_order(), (Keys{3, 4, 5}));
}

TEST(ListPolicy, EraseFreesRoomWithoutEviction) {
  ListPolicy p(2, true);
  p.insert(1);
  p.insert(2);
  EXPECT_TRUE(p.erase(1));
  EXPECT_FALSE(p.erase(1));
  EXPECT_FALSE(p.insert(3).evicted.has_value());
  EXPECT_EQ(p.eviction_order(), (Keys{2, 3}));
}

TEST(LfuPolicy, EvictsTheFewestHits) {
  LfuPolicy p(3, false);
  for (std::uint64_t k : {1, 2, 3}) p.insert(k);
  p.access(1);
  p.access(1);
  p.access(3);  // hits: 1 -> 2, 2 -> 0, 3 -> 1
  EXPECT_EQ(p.count(1), 2u);
  EXPECT_EQ(p.victim(), 2u);
  EXPECT_EQ(p.insert(4).evicted, 2u);
  // 4 has 0 hits (3 has 1), so it goes next.
  EXPECT_EQ(p.insert(5).evicted, 4u);
  p.access(5);  // 5 -> 1 hit: the tie (3 and 5 at 1 hit) evicts 3, inserted first
  EXPECT_EQ(p.insert(6).evicted, 3u);
}

TEST(LfuPolicy, TiesEvictTheOldestEntryNotTheLeastRecentlyUsed) {
  LfuPolicy p(2, false);
  p.insert(1);
  p.insert(2);
  p.access(2);
  p.access(1);  // both 1 hit; 1 used last but inserted first
  EXPECT_EQ(p.insert(3).evicted, 1u);
}

TEST(LfuPolicy, CountsOnlyHitsOfCachedEntries) {
  LfuPolicy p(1, false);
  p.insert(1);
  for (int i = 0; i < 5; ++i) p.access(2);  // misses: not counted
  EXPECT_EQ(p.count(2), 0u);
  EXPECT_EQ(p.insert(2).evicted, 1u);
  EXPECT_EQ(p.count(2), 0u);
}

TEST(PerfectLfuPolicy, CountsEveryKeyAndKeepsTheMostCounted) {
  LfuPolicy p(2, true);
  for (int i = 0; i < 3; ++i) p.access(1);
  p.insert(1);
  p.access(2);
  p.insert(2);  // cached: 1 (3), 2 (1)
  p.access(3);  // 3 counted once: not better than 2
  EXPECT_EQ(p.count(3), 1u);
  EXPECT_FALSE(p.insert(3).admitted);
  EXPECT_FALSE(p.contains(3));
  p.access(3);  // now 2: beats key 2's 1
  const auto a = p.insert(3);
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(a.evicted, 2u);
  // Key 2's count survives its eviction.
  EXPECT_EQ(p.count(2), 1u);
  p.clear();
  EXPECT_EQ(p.count(1), 0u);
  EXPECT_EQ(p.size(), 0u);
}

TEST(PerfectLfuPolicy, ConvergesToTheMostPopularKeys) {
  // Keys 1..20, P(k) proportional to 1/k: after many requests the 5 cached keys are 1..5.
  LfuPolicy p(5, true);
  RandomStream rng(42);
  std::vector<double> w;
  double total = 0;
  for (int k = 1; k <= 20; ++k) total += 1.0 / k;
  for (int i = 0; i < 200000; ++i) {
    double u = rng.uniform01() * total;
    std::uint64_t k = 1;
    while (u > 1.0 / k && k < 20) u -= 1.0 / k++;
    if (!p.access(k)) p.insert(k);
  }
  for (std::uint64_t k = 1; k <= 5; ++k) EXPECT_TRUE(p.contains(k)) << k;
}

TEST(RandomPolicy, EvictsUniformlyAmongCachedEntries) {
  // Capacity 4 holding keys 1..4; insert a fifth and count which key goes, over many trials.
  std::map<std::uint64_t, int> evicted;
  RandomEvictionPolicy p(4, RandomStream(7));
  const int trials = 40000;
  for (int t = 0; t < trials; ++t) {
    p.clear();
    for (std::uint64_t k = 1; k <= 4; ++k) p.insert(k);
    ++evicted[*p.insert(5).evicted];
  }
  // Each about 1/4: binomial sd sqrt(n p (1-p)) ~ 87; 5 sd.
  for (std::uint64_t k = 1; k <= 4; ++k) EXPECT_NEAR(evicted[k], trials / 4, 450) << k;
  EXPECT_EQ(evicted.count(5), 0u);
}

TEST(RandomPolicy, EraseKeepsTheIndexConsistent) {
  RandomEvictionPolicy p(3, RandomStream(1));
  for (std::uint64_t k : {1, 2, 3}) p.insert(k);
  EXPECT_TRUE(p.erase(1));
  EXPECT_TRUE(p.contains(3));
  EXPECT_TRUE(p.erase(3));
  EXPECT_TRUE(p.contains(2));
  EXPECT_EQ(p.size(), 1u);
}

// Constant or logarithmic operations: 300,000 operations on 50,000 entries would take
// minutes if any operation were linear in the size (ctest's timeout would catch it).
TEST(CachePolicies, HandleLargeCachesQuickly) {
  for (auto kind : {CachePolicyKind::kLru, CachePolicyKind::kFifo, CachePolicyKind::kRandom,
                    CachePolicyKind::kLfu, CachePolicyKind::kPerfectLfu}) {
    auto p = make_cache_policy(kind, 50000, RandomStream(3));
    RandomStream rng(5);
    for (int i = 0; i < 300000; ++i) {
      const std::uint64_t k = rng.below(100000);
      if (!p->access(k)) p->insert(k);
    }
    EXPECT_EQ(p->size(), 50000u);
  }
}

TEST(CacheStore, TtlExpiresAnEntryAfterItsFillNotRenewedByHits) {
  CacheStore s(std::make_unique<ListPolicy>(10, true));
  s.write(1, 10.0, false);  // expires at 10 s
  EXPECT_EQ(s.read(1, 5.0), CacheStore::Lookup::kHit);
  EXPECT_EQ(s.read(1, 9.9), CacheStore::Lookup::kHit);
  EXPECT_EQ(s.read(1, 10.0), CacheStore::Lookup::kExpired);
  EXPECT_FALSE(s.contains(1));
  EXPECT_EQ(s.read(1, 11.0), CacheStore::Lookup::kMiss);
}

TEST(CacheStore, FillIfAbsentDoesNotOverwriteAWrite) {
  CacheStore s(std::make_unique<ListPolicy>(10, true));
  s.write(1, CacheStore::kNever, true);
  EXPECT_FALSE(s.fill_if_absent(1, 5.0).admitted);
  EXPECT_TRUE(s.is_dirty(1));
  EXPECT_EQ(s.read(1, 100.0), CacheStore::Lookup::kHit);
}

TEST(CacheStore, EvictionReportsDirtyEntriesAndTakeDirtyCleansThem) {
  CacheStore s(std::make_unique<ListPolicy>(2, true));
  s.write(1, CacheStore::kNever, true);
  s.write(2, CacheStore::kNever, false);
  const auto f = s.write(3, CacheStore::kNever, true);
  ASSERT_TRUE(f.evicted.has_value());
  EXPECT_EQ(f.evicted->key, 1u);
  EXPECT_TRUE(f.evicted->dirty);
  s.write(2, CacheStore::kNever, true);
  EXPECT_EQ(s.take_dirty(), (Keys{2, 3}));
  EXPECT_EQ(s.dirty_count(), 0u);
  EXPECT_TRUE(s.contains(2));
}

TEST(CacheStore, DirtyEntriesDoNotExpireBeforeTheyAreFlushed) {
  CacheStore s(std::make_unique<ListPolicy>(2, true));
  s.write(1, 1.0, true);
  EXPECT_EQ(s.read(1, 2.0), CacheStore::Lookup::kHit);
  s.take_dirty();
  EXPECT_EQ(s.read(1, 2.0), CacheStore::Lookup::kExpired);
}

TEST(CacheStore, DropAllLosesEverythingAndCountsTheDirtyEntries) {
  CacheStore s(std::make_unique<LfuPolicy>(10, true));
  s.write(1, CacheStore::kNever, true);
  s.write(2, CacheStore::kNever, true);
  s.write(3, CacheStore::kNever, false);
  EXPECT_EQ(s.drop_all(), 2u);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.dirty_count(), 0u);
  EXPECT_EQ(s.read(1, 0.0), CacheStore::Lookup::kMiss);
  EXPECT_EQ(s.drop_all(), 0u);
}

}  // namespace
}  // namespace sdsim
