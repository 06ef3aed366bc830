// Behaviour of `kind: database`: where writes and reads go, per-operation service times,
// replication modes and quorums. Each test runs a small scenario in its own process and checks
// a figure that a wrong implementation would get wrong. Shares of arrivals are checked within
// 4 binomial standard errors (independent draws per request).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

// A client with 80% reads and 20% writes over 100 keys, straight to a 3-replica database.
std::string three_replicas(const std::string& db_extra) {
  return R"(
name: db-placement
duration: 100s
clients:
  - name: users
    target: db
    arrival: {poisson: 300/s}
    keys: {count: 100}
    classes:
      - {name: reads, share: 80%, op: read}
      - {name: writes, share: 20%, op: write}
components:
  - name: db
    kind: database
    replicas: 3
    workers: unlimited
    service_time: exp(2ms)
)" + db_extra;
}

double db(const json& s, const std::string& counter) {
  return num(s, "components.db.database." + counter);
}

void expect_share(double part, double whole, double p, const std::string& what) {
  EXPECT_NEAR(part / whole, p, 4 * std::sqrt(p * (1 - p) / whole)) << what;
}

TEST(Database, WritesOnlyReachThePrimary) {
  const json s = run_yaml(three_replicas("")).summary;
  const double writes = db(s, "writes");
  EXPECT_GT(writes, 1000);
  EXPECT_EQ(db(s, "writes_at_0"), writes);
  EXPECT_EQ(db(s, "writes_at_1"), 0);
  EXPECT_EQ(db(s, "writes_at_2"), 0);
  EXPECT_EQ(num(s, "clients.users.classes.writes.requests.outcomes.ok"),
            num(s, "clients.users.classes.writes.requests.issued"));
}

TEST(Database, ReadPolicyPrimaryReadsOnlyAtThePrimary) {
  const json s = run_yaml(three_replicas("    read_policy: primary\n")).summary;
  const double reads = db(s, "reads");
  EXPECT_GT(reads, 1000);
  EXPECT_EQ(db(s, "reads_at_0"), reads);
  EXPECT_EQ(db(s, "reads_at_1") + db(s, "reads_at_2"), 0);
  EXPECT_EQ(db(s, "replica_reads"), 0);
}

TEST(Database, ReadPolicyReplicasSpreadsOverTheOthersOnly) {
  const json s = run_yaml(three_replicas("    read_policy: replicas\n")).summary;
  const double reads = db(s, "reads");
  EXPECT_EQ(db(s, "reads_at_0"), 0);
  EXPECT_EQ(db(s, "reads_at_1") + db(s, "reads_at_2"), reads);
  expect_share(db(s, "reads_at_1"), reads, 0.5, "replica 1");
  EXPECT_EQ(db(s, "replica_reads"), reads);
}

TEST(Database, ReadPolicyAnySpreadsOverAllReplicas) {
  const json s = run_yaml(three_replicas("")).summary;  // the default
  const double reads = db(s, "reads");
  for (int i = 0; i < 3; ++i)
    expect_share(db(s, "reads_at_" + std::to_string(i)), reads, 1.0 / 3,
                 "replica " + std::to_string(i));
  EXPECT_EQ(db(s, "replica_reads"), db(s, "reads_at_1") + db(s, "reads_at_2"));
}

// M/G/inf: no waiting, so the mean service time (and the mean residence) is the mix of the
// per-operation means: 70% reads const(2ms), 30% writes exp(10ms) -> 0.7 x 2 + 0.3 x 10 =
// 4.4 ms. Service-time variance: E[S^2] = 0.7 x 4 + 0.3 x 200 = 62.8 ms^2, minus 4.4^2 ->
// sd 6.59 ms; with n ~ 40,000 requests 4 standard errors are 0.13 ms.
TEST(Database, PerOperationServiceTimesGiveTheMixedMean) {
  const json s = run_yaml(R"(
name: db-per-op
duration: 200s
clients:
  - name: users
    target: db
    arrival: {poisson: 200/s}
    keys: {count: 10}
    classes:
      - {name: reads, share: 70%, op: read}
      - {name: writes, share: 30%, op: write}
components:
  - name: db
    kind: database
    replicas: 2
    workers: unlimited
    service_time: {read: const(2ms), write: exp(10ms)}
)")
                     .summary;
  const double n = num(s, "components.db.arrivals");
  const double tol = 4 * 6.59e-3 / std::sqrt(n);
  EXPECT_NEAR(num(s, "components.db.mean_service_s"), 4.4e-3, tol);
  EXPECT_NEAR(num(s, "components.db.residence.W_s"), 4.4e-3, tol);
  EXPECT_NEAR(num(s, "clients.users.classes.reads.latency.ok.mean_ms"), 2.0, 1e-9);
}

}  // namespace
}  // namespace sdsim::testing

namespace sdsim::testing {
namespace {

// Writes and reads of 10 keys; every network hop takes `latency`; db service const(1ms).
std::string replicated(const std::string& latency, const std::string& db_extra) {
  return R"(
name: db-replication
duration: 100s
network:
  default: {latency: )" +
         latency + R"(}
clients:
  - name: users
    target: db
    arrival: {poisson: 400/s}
    keys: {count: 10}
    classes:
      - {name: reads, share: 70%, op: read}
      - {name: writes, share: 30%, op: write}
components:
  - name: db
    kind: database
    replicas: 3
    workers: unlimited
    service_time: const(1ms)
)" + db_extra;
}

double db_counter(const json& s, const std::string& counter) {
  return num(s, "components.db.database." + counter);
}

// Sync: a write is acknowledged after every replica applied it: client -> primary 5 ms, work
// 1 ms, replication to each replica and its ack 2 x 5 ms, reply 5 ms = 21 ms exactly; the
// committed version is applied everywhere, so no read is stale.
TEST(Database, SyncReplicationWaitsForEveryReplicaAndHasNoStaleReads) {
  const json s = run_yaml(replicated("5ms", "    replication: {mode: sync}\n")).summary;
  EXPECT_GT(db_counter(s, "replica_reads"), 10000);
  EXPECT_EQ(db_counter(s, "stale_reads"), 0);
  EXPECT_NEAR(num(s, "clients.users.classes.writes.latency.ok.max_ms"), 21.0, 0.2);
  EXPECT_NEAR(num(s, "clients.users.classes.writes.latency.ok.mean_ms"), 21.0, 1e-6);
  EXPECT_NEAR(db_counter(s, "replication_lag_mean_ms"), 5.0, 1e-6);
}

// The same with async replication: the write is acknowledged at once (11 ms), and reads at
// replicas within the 20 ms lag of a write are stale.
TEST(Database, AsyncReplicationAcknowledgesAtOnceAndHasStaleReads) {
  const json s =
      run_yaml(replicated("5ms", "    replication: {mode: async, lag: const(20ms)}\n")).summary;
  EXPECT_NEAR(num(s, "clients.users.classes.writes.latency.ok.mean_ms"), 11.0, 1e-6);
  EXPECT_GT(db_counter(s, "stale_reads"), 100);
}

// Quorums with a random replica lag exp(20ms): a write is acknowledged after W replicas
// applied it. R + W > N: every read quorum meets every acknowledged write: no stale read.
TEST(Database, QuorumOverlapHasNoStaleReads) {
  const json s = run_yaml(replicated("1ms",
                                     "    replication: {mode: sync, lag: exp(20ms)}\n"
                                     "    quorum: {read: 2, write: 2}\n"))
                     .summary;
  EXPECT_GT(db_counter(s, "replica_reads"), 10000);
  EXPECT_EQ(db_counter(s, "stale_reads"), 0);
}

TEST(Database, FullReadQuorumHasNoStaleReadsEvenWithWriteQuorumOne) {
  const json s = run_yaml(replicated("1ms",
                                     "    replication: {mode: sync, lag: exp(20ms)}\n"
                                     "    quorum: {read: 3, write: 1}\n"))
                     .summary;
  EXPECT_EQ(db_counter(s, "stale_reads"), 0);
}

// R + W <= N: a read may consult only replicas that have not applied an acknowledged write.
TEST(Database, QuorumWithoutOverlapHasStaleReads) {
  const json s = run_yaml(replicated("1ms",
                                     "    replication: {mode: sync, lag: exp(20ms)}\n"
                                     "    quorum: {read: 1, write: 2}\n"))
                     .summary;
  EXPECT_GT(db_counter(s, "stale_reads"), 100);
  // Writes wait for the faster of two exp(20ms) lags (mean 10 ms) on top of 1 ms of work and
  // 4 x 1 ms of network: more than the 3 ms of an async write, far less than the 20 ms lag.
  const double w = num(s, "clients.users.classes.writes.latency.ok.mean_ms");
  EXPECT_GT(w, 10.0);
  EXPECT_LT(w, 20.0);
}

// Shards: 4 shards x 2 replicas (hosts s x 2 + j). A fan-out to all_shards reaches one
// replica of every shard (the primary, with read_policy: primary); writes go to the primary
// of their key's shard only.
TEST(Database, FanOutToAllShardsReachesOneReplicaPerShard) {
  const json s = run_yaml(R"(
name: db-shards
duration: 50s
clients:
  - name: users
    target: api
    arrival: {poisson: 200/s}
    keys: {count: 1000}
  - name: writer
    target: db
    arrival: {poisson: 200/s}
    keys: {count: 1000}
    classes: [{name: w, share: 100%, op: write}]
components:
  - name: api
    kind: service
    workers: unlimited
    service_time: const(1ms)
    calls: [{to: db, fan_out: all_shards}]
  - name: db
    kind: database
    shards: 4
    replicas: 2
    workers: unlimited
    service_time: const(1ms)
    read_policy: primary
)")
                     .summary;
  const double calls = num(s, "components.api.arrivals");
  const double writes = db_counter(s, "writes");
  double writes_at_primaries = 0;
  for (int shard = 0; shard < 4; ++shard) {
    const std::string primary = std::to_string(2 * shard), other = std::to_string(2 * shard + 1);
    EXPECT_EQ(db_counter(s, "reads_at_" + primary), calls) << "shard " << shard;
    EXPECT_EQ(db_counter(s, "reads_at_" + other), 0) << "shard " << shard;
    EXPECT_EQ(db_counter(s, "writes_at_" + other), 0) << "shard " << shard;
    // 1000 keys hashed over 4 shards: each holds a quarter of them, give or take.
    EXPECT_NEAR(db_counter(s, "writes_at_" + primary) / writes, 0.25, 0.05) << "shard " << shard;
    writes_at_primaries += db_counter(s, "writes_at_" + primary);
  }
  EXPECT_EQ(writes_at_primaries, writes);
}

}  // namespace
}  // namespace sdsim::testing
