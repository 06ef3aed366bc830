// A hand-written discrete-event simulation of an M/M/c queue: the speed and correctness
// reference for sdsim (DESIGN.md, "Performance targets"; notes/simgrid-3.32-measured.md 1, 9).
//
// It reproduces, bit for bit, what sdsim computes for the scenario
//   client `client_name` (arrival: {poisson: rate}) -> service `service_name`
//   (workers: c, unbounded FIFO queue, service_time: exp(mean)), network latency 0,
//   `requests: N`, same seed and replication,
// because it draws from the same named streams in the same order with the same arithmetic:
//   - interarrival times from RandomStream(seed, client, "arrivals", replication) with
//     make_exponential(1.0 / rate); the first arrival at t = draw, each next one at t + draw,
//     drawn right after the request is issued (models/client/client.cpp);
//   - service times from RandomStream(seed, service, "service_time", replication), one draw
//     when a request starts service, completion = start + draw (models/service/service.cpp);
//   - events due at the same date fire in the order they were scheduled (sim/engine/calendar).
// Zero-latency hops (call, reply) are folded into the events that cause them: with a
// continuous law two distinct events share a date with probability ~0, and the order of
// draws within each stream does not depend on them (see the bit-identity test).
//
// Events are POD records in a binary heap ordered by (date, sequence number).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace sdsim::bench {

struct MmcOptions {
  std::uint64_t seed = 42;
  std::uint64_t replication = 0;
  std::string client_name = "users";
  std::string service_name = "api";
  double rate_per_s = 0.9;      // Poisson arrival rate (requests per second)
  double mean_service_s = 1.0;  // mean of the exponential service time (seconds)
  int workers = 1;              // c >= 1
  std::uint64_t requests = 100000;
};

struct MmcResult {
  std::uint64_t completed = 0;
  double response_sum_s = 0;  // sum of (end - issue) over all requests
  double end_s = 0;           // date of the last completion
  std::uint64_t events = 0;   // heap events handled
  double wall_s = 0;          // wall-clock time of the event loop only
};

// Runs the M/M/c until all `requests` requests have completed. When `request_log` is set, it
// receives the same CSV as `sdsim run --request-log` (header, then one line per request in
// the order the requests end; times as C99 hex floats).
MmcResult run_mmc_des(const MmcOptions& options, std::ostream* request_log = nullptr);

}  // namespace sdsim::bench
