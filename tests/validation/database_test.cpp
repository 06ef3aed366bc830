// Stale reads under asynchronous replication against theory.
//
// Writes to key k commit at the primary as a Poisson process of rate w_k (a writer client,
// Poisson at rate w over 4 keys with zipf(1) popularity: w_k = w k^-1 / H_4; thinning a Poisson
// process by an independent key draw gives independent Poisson processes, and a constant
// service time and network latency shift them without changing that). Each replica applies a
// write exactly L after it committed (lag const(L)). A read of key k served by a replica at
// time t is stale iff some write to k committed in (t - L, t], so with reads at times
// independent of the writes (another client):
//   P(stale | key k) = 1 - exp(-w_k L)
//   stale fraction of replica reads = sum_k (read share of k) (1 - exp(-w_k L))
// with reads uniform over the 4 keys (read share 1/4 each) and read_policy: replicas (every
// read at a replica other than the primary).
//
// Tolerance: the binomial standard error sqrt(p(1-p)/n) alone would be too small, because
// reads of one key less than L apart see the same writes: their stale indicators are
// positively correlated. For the indicator I(t) = 1{a write in (t-L, t]} of one key,
//   Cov(I(t), I(t+tau)) = q e^{-w|tau|} - q^2 for |tau| < L (0 beyond), q = e^{-wL},
// and for Poisson reads of rate lambda_k over a time T (n_k = lambda_k T reads),
//   Var(sum of the n_k indicators) = n_k p_k (1 - p_k) + n_k lambda_k * 2 q ((1 - q)/w - q L),
// the first term the binomial one, the second the integrated covariance. Keys are independent,
// so Var(stale fraction) = sum_k Var_k / n^2. The check allows kSigmas (4) standard errors.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;

TEST(DatabaseAsync, StaleReadFractionMatchesPoissonWritesWithinTheLag) {
  constexpr int kKeys = 4;
  constexpr double kWriteRate = 40.0;  // /s over all keys
  constexpr double kReadRate = 400.0;  // /s over all keys
  constexpr double kLag = 0.05;        // s
  const std::string yaml = format(R"(
name: db-stale-validation
seed: 11
duration: 2000s
warmup: 10s
window: 500s
clients:
  - name: writer
    target: db
    arrival: {poisson: %.0f/s}
    keys: {count: %d, zipf: 1}
    classes: [{name: w, share: 100%%, op: write}]
  - name: reader
    target: db
    arrival: {poisson: %.0f/s}
    keys: {count: %d}
    classes: [{name: r, share: 100%%, op: read}]
components:
  - name: db
    kind: database
    replicas: 3
    workers: unlimited
    service_time: {read: const(1ms), write: const(2ms)}
    read_policy: replicas
    replication: {mode: async, lag: const(%.0fms)}
)",
                                  kWriteRate, kKeys, kReadRate, kKeys, kLag * 1e3);
  const nlohmann::json s = run_scenario_text(yaml, "db-stale.yaml");
  const double n = figure(s, "components.db.database.replica_reads");
  const double t = figure(s, "run.measured_length_s");
  double harmonic = 0;
  for (int k = 1; k <= kKeys; ++k) harmonic += 1.0 / k;
  double expected = 0, variance = 0;
  const double read_rate_k = kReadRate / kKeys;
  for (int k = 1; k <= kKeys; ++k) {
    const double w = kWriteRate / k / harmonic;
    const double q = std::exp(-w * kLag);
    const double p = 1 - q;
    expected += p / kKeys;
    const double n_k = read_rate_k * t;
    variance += n_k * p * (1 - p) + n_k * read_rate_k * 2 * q * ((1 - q) / w - q * kLag);
  }
  const double se = std::sqrt(variance) / n;
  // The reads counted are those of the measured interval: n ~ kReadRate x t.
  EXPECT_NEAR(n / t, kReadRate, k_se(std::sqrt(kReadRate), t));
  expect_near_theory("async lag 50ms, zipf(1) writes 40/s on 4 keys: stale read ratio",
                     "sum_k 1/4 (1 - exp(-w_k L))", expected,
                     figure(s, "components.db.database.stale_read_ratio"), kSigmas * se);
  // Every replicated write is applied exactly L after it committed.
  expect_near_theory("async lag const(50ms): mean replication lag (ms)", "L", kLag * 1e3,
                     figure(s, "components.db.database.replication_lag_mean_ms"), 1e-6);
}

}  // namespace
}  // namespace sdsim::validation
