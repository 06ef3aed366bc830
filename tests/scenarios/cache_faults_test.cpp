// Caches under faults (docs/models/cache.md, "Faults"): a crash empties the cache and loses
// what it holds, write_back loses its dirty entries, a downstream timeout turns a dead
// downstream into errors, injected errors answer their share. Each test runs one small
// scenario in its own process; the harness checks conservation and no deadlock.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

using nlohmann::json;

using Logged = LoggedRequest;

// A crash empties the cache. Cache-aside (a miss fills its entry at once), N = 2000 keys
// drawn uniformly, capacity N (nothing is ever evicted), Poisson arrivals at lambda = 500/s,
// no lookup time; the cache is down for [20 s, 22 s). Before the crash it holds nearly every
// key; after the restart a read at time t (since the restart) hits iff its key was read in
// (0, t): for Poisson arrivals P(hit) = 1 - exp(-lambda t / N), and a window [t1, t2) has
// the mean hit ratio 1 - N / (lambda (t2 - t1)) (exp(-lambda t1 / N) - exp(-lambda t2 / N)).
// Misses after the restart are the distinct keys read since: N (1 - exp(-lambda T / N)).
TEST(CacheFaults, CrashEmptiesTheCacheAndItRefills) {
  const SimRun run = run_yaml(R"(
name: cache-crash
seed: 7
duration: 40s
window: 1s
clients:
  - {name: users, target: cache, arrival: {poisson: 500/s}, timeout: 1s, keys: {count: 2000}}
components:
  - {name: cache, kind: cache, capacity: 2000}
faults:
  - {name: cache-crash, at: 20s, for: 2s, crash: cache}
)");
  constexpr double kLambda = 500, kKeys = 2000, kUp = 22, kEnd = 40;
  const auto hr = window_series(run.timeseries, "component/cache", "hit_ratio");
  const auto misses = window_series(run.timeseries, "component/cache", "misses");
  const auto arrivals = window_series(run.timeseries, "component/cache", "arrivals_per_s");
  EXPECT_EQ(hr.count(20) + hr.count(21), 0u);  // down: no reads, no ratio
  EXPECT_GT(hr.at(19), 0.97);                  // warm: 1 - exp(-500 x 19 / 2000) ~ 0.99
  for (double t1 = kUp; t1 < kUp + 8; ++t1) {
    const double a = kLambda * (t1 - kUp) / kKeys, b = kLambda * (t1 + 1 - kUp) / kKeys;
    const double expected = 1 - (std::exp(-a) - std::exp(-b)) / (b - a);
    // Binomial sd of a window's ratio over its ~500 reads (neighbouring reads are
    // correlated through the keys they fill, weakly with 2000 keys): 4 sd + 0.01.
    const double n = arrivals.at(t1);
    expect_near_theory("hit ratio in [" + std::to_string(static_cast<int>(t1)) + "s, +1s)",
                       "1 - N/(lambda dt) (e^-lambda t1/N - e^-lambda t2/N)", expected, hr.at(t1),
                       4 * std::sqrt(expected * (1 - expected) / n) + 0.01);
  }
  EXPECT_LT(hr.at(kUp), 0.2);        // ~0 right after the restart ...
  EXPECT_GT(hr.at(kEnd - 1), 0.97);  // ... and back
  double after = 0;
  for (double t = kUp; t < kEnd; ++t) after += misses.at(t);
  // The distinct-key count's sd is sqrt(N e^-m (1 - (1 + m) e^-m)) ~ 4.6 at m = 4.5.
  expect_near_theory("misses after the restart", "N (1 - exp(-lambda T / N))",
                     kKeys * (1 - std::exp(-kLambda * (kEnd - kUp) / kKeys)), after, 4 * 4.6);
  // Every read that reached the cache is a hit or a miss (no lookup time: nothing in work at
  // the crash); the ones sent while it was down never reached it and time out.
  const json& s = run.summary;
  const double hits = num(s, "components.cache.cache.hits");
  const double miss = num(s, "components.cache.cache.misses");
  EXPECT_EQ(hits + miss, num(s, "components.cache.arrivals"));
  EXPECT_EQ(num(s, "components.cache.lost"), 0);
  EXPECT_EQ(num(s, "system.requests.outcomes.timed_out"),
            num(s, "system.requests.issued") - num(s, "components.cache.arrivals"));
}

// Read-through with a lookup time: a crash loses the reads in their lookup and those waiting
// for the db; the client times out on exactly those and on the reads sent while it was down.
TEST(CacheFaults, CrashLosesTheReadsItHolds) {
  const json s = run_yaml(R"(
name: cache-crash-rt
seed: 7
duration: 40s
clients:
  - {name: users, target: cache, arrival: {poisson: 500/s}, timeout: 1s, keys: {count: 20000, zipf: 1.0}}
components:
  - {name: cache, kind: cache, capacity: 2000, hit_time: 0.2ms, downstream: db}
  - {name: db, kind: service, workers: unlimited, service_time: const(50ms)}
faults:
  - {name: cache-crash, at: 20s, for: 2s, crash: cache}
)")
                     .summary;
  const double hits = num(s, "components.cache.cache.hits");
  const double misses = num(s, "components.cache.cache.misses");
  const double arrivals = num(s, "components.cache.arrivals");
  const double lost = num(s, "components.cache.lost");
  // ~500/s x (0.2 ms + 30% misses x 50 ms) ~ 7.6 held on average: P(none) ~ 5e-4.
  EXPECT_GT(lost, 0);
  // Reads lost in their lookup were neither hits nor misses; those lost waiting for the db
  // were misses.
  EXPECT_LE(hits + misses, arrivals);
  EXPECT_GE(hits + misses, arrivals - lost);
  const double down_sent = num(s, "system.requests.issued") - arrivals;
  EXPECT_EQ(num(s, "system.requests.outcomes.timed_out"), lost + down_sent);
}

// Late replies to work dropped in a crash are ignored: the cache is down for 20 ms while every
// request waits 50 ms for the db, so the db's replies to dropped fetches arrive after the
// restart (and must not answer anybody, fill anything or free a reused record).
TEST(CacheFaults, LateRepliesToDroppedWorkAreIgnored) {
  const SimRun run = run_yaml(R"(
name: cache-blip
seed: 8
duration: 20s
clients:
  - {name: users, target: cache, arrival: {constant: 100/s}, timeout: 1s, keys: {count: 10000000}}
components:
  - {name: cache, kind: cache, capacity: 100, hit_time: const(30ms), downstream: db}
  - {name: db, kind: service, workers: unlimited, service_time: const(50ms)}
faults:
  - {name: blip, at: 10.0055s, for: 20ms, crash: cache}
)");
  const json& s = run.summary;
  // Every request is a miss (10^7 keys) and stays 30 + 50 ms: the 8 of the last 80 ms are
  // lost at 10.0055 s, the 2 sent in the next 20 ms never reach it.
  EXPECT_EQ(num(s, "components.cache.lost"), 8);
  EXPECT_EQ(num(s, "system.requests.outcomes.timed_out"), 10);
  EXPECT_EQ(num(s, "system.requests.outcomes.ok"), num(s, "system.requests.issued") - 10);
  // Fetches of lost requests were answered by the db, but fill nothing and answer nobody.
  // (A miss counted near the end may reach the db after the measured interval: a few.)
  EXPECT_NEAR(num(s, "components.db.arrivals"), num(s, "components.cache.cache.misses"), 3);
}

// write_back: 20 keys written at 100/s, flushed every 10 s. The cache crashes at 5 s (before
// the first flush): all 20 keys are dirty then (500 uniform writes leave a key unwritten with
// probability 20 x 0.95^500 ~ 1e-10) and lost. It restarts at 6 s; the flushes at 10 s and
// 20 s each write the 20 keys written since.
TEST(CacheFaults, WriteBackCrashLosesItsDirtyEntries) {
  const json s = run_yaml(R"(
name: write-back-crash
seed: 9
duration: 25s
clients:
  - name: users
    target: cache
    arrival: {constant: 100/s}
    timeout: 1s
    keys: {count: 20}
    classes: [{name: writes, share: 100%, op: write}]
components:
  - {name: cache, kind: cache, capacity: 100, downstream: db, write_policy: write_back, flush_interval: 10s}
  - {name: db, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: cache-crash, at: 5.005s, for: 1s, crash: cache}
)")
                     .summary;
  EXPECT_EQ(num(s, "components.cache.cache.dirty_lost"), 20);
  EXPECT_EQ(num(s, "components.cache.cache.dirty_flushed"), 40);
  EXPECT_EQ(num(s, "components.db.arrivals"), 40);
  // Writes are answered at once (no lookup time): nothing held is lost, the 100 writes sent
  // while it was down time out.
  EXPECT_EQ(num(s, "components.cache.lost"), 0);
  EXPECT_EQ(num(s, "system.requests.outcomes.timed_out"), 100);
}

// A downstream timeout turns a dead db into errors after exactly the timeout: the db is down
// for [20 s, 40 s); every read is a miss (10^7 keys), so each one sent then fails at 100 ms.
TEST(CacheFaults, DownstreamTimeoutTurnsADeadDownstreamIntoErrors) {
  const SimRun run = run_yaml(R"(
name: cache-timeout
seed: 10
duration: 60s
clients:
  - {name: users, target: cache, arrival: {constant: 100/s}, keys: {count: 10000000}}
components:
  - {name: cache, kind: cache, capacity: 1000, downstream: db, coalesce: false, timeout: 100ms}
  - {name: db, kind: service, workers: unlimited, service_time: const(5ms)}
faults:
  - {name: db-crash, at: 20.0005s, for: 20s, crash: db}
)",
                              true);
  int errors = 0, in_window = 0;
  for (const Logged& r : request_log(run)) {
    // A fetch sent less than 5 ms before the crash is lost with the db too.
    const bool in = r.issued >= 20.0005 - 0.005 && r.issued < 40.0005;
    in_window += in;
    if (r.outcome == "error") {
      ++errors;
      EXPECT_TRUE(in) << r.issued;
      EXPECT_NEAR(r.ended - r.issued, 0.100, 1e-9);
    } else {
      EXPECT_EQ(r.outcome, "ok");
    }
  }
  EXPECT_GE(errors, 2000);
  EXPECT_EQ(errors, in_window);
  const json& s = run.summary;
  EXPECT_EQ(num(s, "components.cache.cache.downstream_timeouts"), errors);
  EXPECT_EQ(num(s, "system.requests.outcomes.error"), errors);
  EXPECT_NEAR(num(s, "components.cache.residence.ratio"), 1.0, 1e-3);  // Little's law holds
}

// Coalesced misses wait for the call they joined: when it times out, they all get the error.
TEST(CacheFaults, HitsAreServedWhileTheDownstreamIsDead) {
  const SimRun run = run_yaml(R"(
name: cache-timeout-coalesced
seed: 11
duration: 10s
clients:
  - {name: users, target: cache, arrival: {constant: 1000/s}, keys: {count: 1}}
components:
  - {name: cache, kind: cache, capacity: 10, downstream: db, timeout: 50ms}
  - {name: db, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: db-crash, at: 5s, for: 10s, crash: db}
)",
                              true);
  // One key, read every 1 ms: cached after the first read, so the db's crash changes nothing
  // (no TTL): no errors. This checks that hits are served while the downstream is dead.
  for (const Logged& r : request_log(run)) EXPECT_EQ(r.outcome, "ok");
  const json& s = run.summary;
  // One fetch (a read arriving as it returns may join it).
  EXPECT_EQ(num(s, "components.cache.cache.misses") - num(s, "components.cache.cache.coalesced"),
            1);
}

TEST(CacheFaults, CoalescedWaitersAllGetTheError) {
  const SimRun run = run_yaml(R"(
name: cache-timeout-coalesced
seed: 11
duration: 10s
clients:
  - {name: users, target: cache, arrival: {constant: 1000/s}, keys: {count: 1}}
components:
  - {name: cache, kind: cache, capacity: 10, downstream: db, timeout: 50ms, ttl: 100ms}
  - {name: db, kind: service, workers: unlimited, service_time: const(1ms)}
faults:
  - {name: db-crash, at: 5.0005s, for: 10s, crash: db}
)",
                              true);
  // While the db is down, each fetch times out after 50 ms and the ~50 reads that joined it
  // fail with it, at the same instant: every request after the last refill fails, none waits
  // longer than the timeout.
  int errors = 0;
  for (const Logged& r : request_log(run)) {
    if (r.outcome != "error") {
      EXPECT_EQ(r.outcome, "ok");
      continue;
    }
    ++errors;
    EXPECT_GE(r.issued, 5.0005 - 0.001 - 1e-9);  // at most its fetch reached the db before
    EXPECT_LE(r.ended - r.issued, 0.050 + 1e-9);
  }
  const json& s = run.summary;
  const double timeouts = num(s, "components.cache.cache.downstream_timeouts");
  EXPECT_GT(timeouts, 90);  // one per 50 ms over ~5 s
  EXPECT_GT(errors, 4500);
  // Each uncoalesced miss made one fetch: answered by the db, or sent to it while it was
  // down and timed out (one fetch may have reached it just before the crash: counted twice).
  EXPECT_NEAR(num(s, "components.cache.cache.misses") - num(s, "components.cache.cache.coalesced"),
              num(s, "components.db.arrivals") + timeouts, 1);
}

// Error injection: a share p of the calls during the fault get an error at once, without a
// lookup (no hit, no miss counted).
TEST(CacheFaults, InjectedErrorsAnswerTheirShare) {
  const json s = run_yaml(R"(
name: cache-errors
seed: 12
duration: 200s
clients:
  - {name: users, target: cache, arrival: {poisson: 100/s}, keys: {count: 1000, zipf: 0.8}}
components:
  - {name: cache, kind: cache, capacity: 100, hit_time: 0.5ms}
faults:
  - {name: flaky, at: 50s, for: 100s, errors: cache, probability: 20%}
)")
                     .summary;
  const double n = num(s, "system.requests.issued");
  const double errors = num(s, "system.requests.outcomes.error");
  EXPECT_EQ(num(s, "components.cache.errors_injected"), errors);
  EXPECT_EQ(num(s, "components.cache.cache.hits") + num(s, "components.cache.cache.misses"),
            num(s, "components.cache.arrivals") - errors);
  // Half the run under the fault: an expected share of 0.2 x 0.5 = 0.1; binomial sd of the
  // share over ~20,000 requests is 0.002; 4 sd plus the Poisson count's edge.
  expect_near_theory("injected error share", "p x (fault time / run time)", 0.1, errors / n,
                     4 * std::sqrt(0.1 * 0.9 / n) + 2 / n);
}

}  // namespace
}  // namespace sdsim::testing
