// The network against its definition (docs/reference.md, "network"): a message of S bytes on
// a path of latency L and bottleneck bandwidth B takes L + 8 S / B, in both models, including a
// long fat link (1 Gbps, 30 ms, 100 MB: SimGrid's TCP window bound would make that 1.46 s
// instead of 0.83 s without network/TCP-gamma:0); in the flow model two messages crossing one
// link at once share its bandwidth equally (max-min), while the latency model gives each route
// the full bandwidth. The request log gives each request's exact issue and end times.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;
using sdsim::testing::SimRun;

// Exact end-to-end latencies (seconds) of the requests of a run, all of which must be ok.
std::vector<double> latencies(const SimRun& run) {
  std::vector<double> out;
  for (const auto& r : sdsim::testing::request_log(run)) {
    EXPECT_EQ(r.outcome, "ok") << r.issued;
    out.push_back(r.ended - r.issued);
  }
  return out;
}

// One request of `size` from a client in zone a to a service in zone b (no work, empty reply):
// round trip = 2 (hop + link latency) + 8 size / min(bandwidths).
std::string one_transfer(const char* model, const char* size) {
  return format(R"(
name: one-transfer
requests: 1
drain: 10s
network:
  model: %s
  default: {latency: 1ms}
  zones: {a: [sender], b: [receiver]}
  links: [{between: [a, b], latency: 30ms, bandwidth: 1Gbps}]
clients:
  - {name: sender, target: receiver, arrival: {constant: 1/s}, request_size: %s}
components:
  - {name: receiver, kind: service, workers: unlimited, service_time: 0s}
)",
                model, size);
}

void expect_one_transfer(const char* model, const char* size, double bytes) {
  const SimRun run = sdsim::testing::run_yaml(one_transfer(model, size), true);
  const std::vector<double> l = latencies(run);
  ASSERT_EQ(l.size(), 1u);
  const double expected = 2 * (0.001 + 0.030) + 8 * bytes / 1e9;
  // SimGrid computes in doubles, with its own precision on completion dates (about 1e-9 s).
  expect_near_theory(std::string(model) + ": one transfer of " + size + " (s)",
                     "2 (1 ms + 30 ms) + 8 S / 1 Gbps", expected, l[0], 1e-6);
}

TEST(Network, LatencyModelOneTransferIsLatencyPlusSizeOverBandwidth) {
  expect_one_transfer("latency", "100MB", 1e8);
}

TEST(Network, FlowModelOneTransferIsLatencyPlusSizeOverBandwidth) {
  expect_one_transfer("flow", "100MB", 1e8);
}

TEST(Network, FlowModelSmallTransferIsLatencyPlusSizeOverBandwidth) {
  expect_one_transfer("flow", "1500B", 1500);
}

// Two clients in zone a send 100 MB each at the same instant to one service in zone b. The
// flow model: both cross the 1 Gbps link at once and get 500 Mbps each (the access links are
// unlimited), so each takes 2 x 31 ms + 1.6 s. The latency model: each route has the link's
// full bandwidth to itself (no sharing between routes, as documented): 2 x 31 ms + 0.8 s.
std::string two_flows(const char* model) {
  return format(R"(
name: two-flows
requests: 2
drain: 10s
network:
  model: %s
  default: {latency: 1ms}
  zones: {a: [first, second], b: [receiver]}
  links: [{between: [a, b], latency: 30ms, bandwidth: 1Gbps}]
clients:
  - {name: first, target: receiver, arrival: {constant: 1/s}, request_size: 100MB}
  - {name: second, target: receiver, arrival: {constant: 1/s}, request_size: 100MB}
components:
  - {name: receiver, kind: service, workers: unlimited, service_time: 0s}
)",
                model);
}

TEST(Network, FlowModelTwoFlowsOnOneLinkEachGetHalfTheBandwidth) {
  const SimRun run = sdsim::testing::run_yaml(two_flows("flow"), true);
  const std::vector<double> l = latencies(run);
  ASSERT_EQ(l.size(), 2u);
  for (double v : l)
    expect_near_theory("flow: each of two concurrent 100 MB transfers (s)",
                       "2 x 31 ms + 8 S / (1 Gbps / 2)", 0.062 + 1.6, v, 1e-6);
}

TEST(Network, LatencyModelRoutesDoNotShareBandwidth) {
  const SimRun run = sdsim::testing::run_yaml(two_flows("latency"), true);
  const std::vector<double> l = latencies(run);
  ASSERT_EQ(l.size(), 2u);
  for (double v : l)
    expect_near_theory("latency: each of two concurrent 100 MB transfers (s)",
                       "2 x 31 ms + 8 S / 1 Gbps (a route's own line)", 0.062 + 0.8, v, 1e-9);
}

// Within one zone the path is the default hop: its latency and bandwidth.
TEST(Network, FlowModelDefaultHopBandwidth) {
  const SimRun run = sdsim::testing::run_yaml(R"(
name: default-hop
requests: 1
network:
  model: flow
  default: {latency: 2ms, bandwidth: 100Mbps}
clients:
  - {name: sender, target: receiver, arrival: {constant: 1/s}, request_size: 1MB}
components:
  - name: receiver
    kind: service
    workers: unlimited
    service_time: 0s
)",
                                              true);
  const std::vector<double> l = latencies(run);
  ASSERT_EQ(l.size(), 1u);
  expect_near_theory("flow: 1 MB over the default hop (s)", "2 x 2 ms + 8 S / 100 Mbps",
                     0.004 + 0.08, l[0], 1e-6);
}

}  // namespace
}  // namespace sdsim::validation
