// sdsim against the hand-written heap DES (bench/baselines/heap_des.hpp): on an M/M/c with
// zero network latency, both draw the same named random streams in the same order, so every
// request must have the same issue and end times to the last bit, and end in the same order.
// The comparison is on the per-request logs (C99 hex floats), whole text.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "bench/baselines/heap_des.hpp"
#include "models/client/client_config.hpp"
#include "models/service/service_config.hpp"
#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

// "line N: sdsim '...' vs DES '...'" for the first line that differs, or "" when equal.
std::string first_difference(const std::string& sdsim_log, const std::string& des_log) {
  std::istringstream a(sdsim_log), b(des_log);
  std::string la, lb;
  for (std::size_t line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "";
    if (!more_a) la = "<end of log>";
    if (!more_b) lb = "<end of log>";
    if (la != lb || !more_a || !more_b)
      return "first difference at line " + std::to_string(line) + ":\n  sdsim: " + la +
             "\n  DES:   " + lb;
  }
}

std::size_t line_count(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// Runs `yaml` (one Poisson client -> one exponential service, latency 0, `requests: N`) in
// sdsim and in the DES with the parameters sdsim parsed, and compares the request logs.
void expect_bit_identical(const std::string& yaml, std::uint64_t requests) {
  auto s = load_text(yaml);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->clients.size(), 1u);
  ASSERT_EQ(s->components.size(), 1u);
  const auto* client = dynamic_cast<const ClientConfig*>(s->clients[0].get());
  const auto* service = dynamic_cast<const ServiceConfig*>(s->components[0].get());
  ASSERT_NE(client, nullptr);
  ASSERT_NE(service, nullptr);
  ASSERT_EQ(client->arrival, ClientConfig::Arrival::kPoisson);
  ASSERT_EQ(s->network.default_latency, 0.0);

  bench::MmcOptions o;
  o.seed = s->seed;
  o.client_name = client->name;
  o.service_name = service->name;
  o.rate_per_s = client->rate;
  o.mean_service_s = service->service_time->mean();  // exp(mean): mean() is the parameter
  o.workers = service->workers;
  o.requests = requests;
  std::ostringstream des_log;
  const bench::MmcResult des = bench::run_mmc_des(o, &des_log);

  const SimRun run = run_checked(*s, /*with_request_log=*/true);

  EXPECT_EQ(des.completed, requests);
  EXPECT_EQ(line_count(des_log.str()), requests + 1);
  EXPECT_EQ(line_count(run.request_log), requests + 1);
  // Not EXPECT_EQ on the strings: gtest's line diff of two 10^4-line texts is quadratic.
  const bool identical = run.request_log == des_log.str();
  EXPECT_TRUE(identical) << first_difference(run.request_log, des_log.str());
  std::printf(
      "[validation] %llu requests, c = %d: sdsim and the heap DES logs are %s; "
      "DES mean response %.17g s\n",
      static_cast<unsigned long long>(requests), o.workers,
      identical ? "identical to the bit" : "DIFFERENT", des.response_sum_s / des.completed);
}

TEST(BitIdentity, MM1ResponseTimesEqualTheHandWrittenDesToTheLastBit) {
  expect_bit_identical(R"(
name: bit_identity_mm1
seed: 20240611
requests: 20000
network: {default: {latency: 0s}}
clients:
  - name: users
    target: api
    arrival: {poisson: 90/s}
components:
  - name: api
    kind: service
    workers: 1
    service_time: exp(10ms)
)",
                       20000);
}

TEST(BitIdentity, MM4ResponseTimesAndEndOrderEqualTheHandWrittenDesToTheLastBit) {
  // rho = 340 / (4 x 100) = 0.85: queues form often, so FIFO hand-over between workers and
  // the order of ends among four servers are exercised.
  expect_bit_identical(R"(
name: bit_identity_mm4
seed: 7
requests: 20000
network: {default: {latency: 0s}}
clients:
  - name: load
    target: pool
    arrival: {poisson: 340/s}
components:
  - name: pool
    kind: service
    workers: 4
    service_time: exp(10ms)
)",
                       20000);
}

}  // namespace
}  // namespace sdsim::testing
