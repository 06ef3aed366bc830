// Behaviour of caches in call graphs: who reaches the database, and how often. Each test runs
// one small scenario in its own process.
//
// Edge effects: components count the calls that *arrive* in the measured interval, so a call
// that reaches the cache just before the stop and the database just after it is counted at
// the cache only. The tolerances below bound those by the calls in flight at the stop.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

TEST(CacheBehaviour, CacheAsideSendsExactlyTheMissesToTheDatabase) {
  const json s = run_yaml(R"(
name: cache-aside
duration: 50s
warmup: 5s
clients:
  - name: users
    target: api
    arrival: {poisson: 400/s}
    keys: {count: 2000, zipf: 0.9}
components:
  - name: api
    kind: service
    workers: unlimited
    service_time: const(1ms)
    calls: [{to: cache}, {to: db, when: cache_miss}]
  - {name: cache, kind: cache, capacity: 200, hit_time: 0.3ms}
  - {name: db, kind: service, workers: unlimited, service_time: const(2ms)}
)")
                     .summary;
  const double misses = num(s, "components.cache.cache.misses");
  const double hits = num(s, "components.cache.cache.hits");
  EXPECT_GT(misses, 1000);
  EXPECT_GT(hits, misses);  // Zipf(0.9), 10% of the keys cached
  EXPECT_EQ(hits + misses, num(s, "components.cache.arrivals"));
  // A miss reaches the db 0.3 ms after the cache (lookup time): at 400/s, a handful at most
  // straddle each end of the interval.
  EXPECT_NEAR(num(s, "components.db.arrivals"), misses, 5);
  EXPECT_NEAR(num(s, "components.cache.cache.hit_ratio"), hits / (hits + misses), 1e-12);
  EXPECT_EQ(num(s, "components.cache.cache.evictions") > 0, true);
}

TEST(CacheBehaviour, ReadThroughCallsDownstreamOncePerUncoalescedMiss) {
  const json s = run_yaml(R"(
name: read-through
duration: 50s
clients:
  - name: users
    target: cache
    arrival: {poisson: 1000/s}
    keys: {count: 500, zipf: 1.0}
components:
  - {name: cache, kind: cache, capacity: 50, downstream: db, ttl: 2s}
  - {name: db, kind: service, workers: unlimited, service_time: const(5ms)}
)")
                     .summary;
  const double misses = num(s, "components.cache.cache.misses");
  const double coalesced = num(s, "components.cache.cache.coalesced");
  EXPECT_GT(coalesced, 0);
  EXPECT_GT(num(s, "components.cache.cache.expirations"), 0);
  // The db is reached at the same instant as the miss (no network, no lookup time).
  EXPECT_NEAR(num(s, "components.db.arrivals"), misses - coalesced, 2);
  // Every request's reply waited for the db on a miss: 5 ms each.
  EXPECT_NEAR(num(s, "system.latency.ok.mean_ms"), 5.0 * misses / num(s, "system.requests.issued"),
              0.05);
}

// One hot key, constant arrivals every 1 ms, a 50 ms database read and a 50 ms TTL: with
// coalescing the cache reads the db once per cycle (miss, 50 ms fetch, 50 ms of hits, expiry:
// 100 ms), i.e. 10/s; without, every request during a fetch is a miss and goes to the db
// (half of them).
constexpr const char* kHotKey = R"(
name: hot-key
duration: 20s
clients:
  - name: users
    target: cache
    arrival: {constant: 1000/s}
    keys: {count: 1}
components:
  - {name: cache, kind: cache, capacity: 10, downstream: db, ttl: 50ms, coalesce: %s}
  - {name: db, kind: service, workers: unlimited, service_time: const(50ms)}
)";

TEST(CacheBehaviour, CoalescingOnAHotKeyMakesOneDownstreamCallPerCycle) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, kHotKey, "true");
  const json s = run_yaml(buf).summary;
  const double db = num(s, "components.db.arrivals");
  EXPECT_NEAR(db, 20.0 / 0.1, 3);
  EXPECT_NEAR(num(s, "components.cache.cache.misses"), 20000 / 2, 60);
  EXPECT_EQ(db,
            num(s, "components.cache.cache.misses") - num(s, "components.cache.cache.coalesced"));
}

TEST(CacheBehaviour, WithoutCoalescingEveryMissOnAHotKeyGoesDownstream) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, kHotKey, "false");
  const json s = run_yaml(buf).summary;
  const double misses = num(s, "components.cache.cache.misses");
  EXPECT_EQ(num(s, "components.cache.cache.coalesced"), 0);
  EXPECT_EQ(num(s, "components.db.arrivals"), misses);
  // Each fetch's reply refills the entry, so most of a cycle still hits; but far more than
  // the coalesced 200 calls reach the db.
  EXPECT_GT(misses, 20 * 200);
}

// Reads and writes over 100 keys, 500/s for 40 s, a cache of 20 entries in front of a db.
constexpr const char* kWrites = R"(
name: writes
duration: 40s
clients:
  - name: users
    target: cache
    arrival: {poisson: 500/s}
    keys: {count: 100, zipf: 0.8}
    classes:
      - {name: reads, share: 70%%, op: read}
      - {name: writes, share: 30%%, op: write}
components:
  - {name: cache, kind: cache, capacity: 20, downstream: db, write_policy: %s%s}
  - {name: db, kind: service, workers: unlimited, service_time: const(2ms)}
)";

json run_writes(const char* policy, const char* extra = "") {
  char buf[2048];
  std::snprintf(buf, sizeof buf, kWrites, policy, extra);
  return run_yaml(buf).summary;
}

TEST(CacheBehaviour, WriteThroughSendsEveryWriteDownstream) {
  const json s = run_writes("write_through");
  const double writes = num(s, "components.cache.cache.writes");
  EXPECT_NEAR(writes / num(s, "system.requests.issued"), 0.3, 0.02);
  EXPECT_EQ(num(s, "components.cache.cache.dirty_flushed"), 0);
  EXPECT_NEAR(
      num(s, "components.db.arrivals"),
      writes + num(s, "components.cache.cache.misses") - num(s, "components.cache.cache.coalesced"),
      2);
  // A write's reply waits for the db's ack: 2 ms.
  EXPECT_NEAR(num(s, "clients.users.classes.writes.latency.ok.mean_ms"), 2.0, 1e-6);
}

TEST(CacheBehaviour, WriteAroundSendsEveryWriteDownstreamAndInvalidates) {
  const json s = run_writes("write_around");
  const double writes = num(s, "components.cache.cache.writes");
  EXPECT_NEAR(
      num(s, "components.db.arrivals"),
      writes + num(s, "components.cache.cache.misses") - num(s, "components.cache.cache.coalesced"),
      2);
  EXPECT_NEAR(num(s, "clients.users.classes.writes.latency.ok.mean_ms"), 2.0, 1e-6);
}

TEST(CacheBehaviour, WriteBackAbsorbsWritesAndFlushesDirtyEntries) {
  const json s = run_writes("write_back", ", flush_interval: 1s");
  const double writes = num(s, "components.cache.cache.writes");
  const double flushed = num(s, "components.cache.cache.dirty_flushed");
  EXPECT_GT(flushed, 0);
  // Several writes to one key within a flush interval make one flush.
  EXPECT_LT(flushed, writes);
  EXPECT_NEAR(num(s, "components.db.arrivals"),
              flushed + num(s, "components.cache.cache.misses") -
                  num(s, "components.cache.cache.coalesced"),
              2);  // flushes reach the db at once (no network); a tick at the stop counts nowhere
  // Writes are answered at once.
  EXPECT_NEAR(num(s, "clients.users.classes.writes.latency.ok.mean_ms"), 0.0, 1e-9);
}

TEST(CacheBehaviour, WithoutDownstreamWritesOnlyUpdateTheCache) {
  const json s = run_yaml(R"(
name: writes-local
duration: 20s
clients:
  - name: users
    target: cache
    arrival: {poisson: 200/s}
    keys: {count: 50}
    classes:
      - {name: reads, share: 50%, op: read}
      - {name: writes, share: 50%, op: write}
components:
  - {name: cache, kind: cache, capacity: 100, policy: fifo}
)")
                     .summary;
  EXPECT_EQ(num(s, "components.cache.cache.evictions"), 0);
  // 50 keys, all fit: at most 50 first-time misses.
  EXPECT_LE(num(s, "components.cache.cache.misses"), 50);
}

TEST(CacheBehaviour, ReplicasPartitionKeysByHash) {
  const json s = run_yaml(R"(
name: replicas
duration: 20s
clients:
  - name: users
    target: cache
    arrival: {poisson: 500/s}
    keys: {count: 100}
components:
  - {name: cache, kind: cache, replicas: 4, capacity: 100, policy: random}
)")
                     .summary;
  // Each key always reaches the same replica: 100 cold misses in all, never more.
  EXPECT_EQ(num(s, "components.cache.cache.misses"), 100);
}

TEST(CacheBehaviour, BoundedWorkersQueueAndRejectLikeAService) {
  // Constant arrivals every 6.67 ms; one worker, 10 ms per lookup, no waiting room: every
  // other request finds the worker busy and is rejected.
  const json s = run_yaml(R"(
name: cache-workers
duration: 60s
clients:
  - {name: users, target: cache, arrival: {constant: 150/s}, keys: {count: 10}}
components:
  - {name: cache, kind: cache, capacity: 10, workers: 1, queue: {capacity: 0}, hit_time: 10ms}
)")
                     .summary;
  const double n = num(s, "system.requests.issued");
  EXPECT_NEAR(num(s, "system.requests.outcomes.rejected"), n / 2, 1);
  EXPECT_EQ(num(s, "components.cache.rejected"), num(s, "system.requests.outcomes.rejected"));
  // Rejected requests are neither hits nor misses.
  EXPECT_EQ(num(s, "components.cache.cache.hits") + num(s, "components.cache.cache.misses"),
            num(s, "system.requests.outcomes.ok"));
  EXPECT_NEAR(num(s, "components.cache.utilisation"), 0.75, 0.01);
}

}  // namespace
}  // namespace sdsim::testing
