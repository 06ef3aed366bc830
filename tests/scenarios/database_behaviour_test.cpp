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
