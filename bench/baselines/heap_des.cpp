#include "bench/baselines/heap_des.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <limits>
#include <memory>
#include <queue>
#include <stdexcept>
#include <vector>

#include "sim/dist/distribution.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim::bench {

namespace {

constexpr std::uint64_t kArrival = std::numeric_limits<std::uint64_t>::max();

// 32 bytes. `id` is the request of a completion, or kArrival.
struct Event {
  double date;
  std::uint64_t seq;
  double issued_at;
  std::uint64_t id;
};

struct Later {
  bool operator()(const Event& a, const Event& b) const {
    return a.date != b.date ? a.date > b.date : a.seq > b.seq;
  }
};

struct Waiting {
  std::uint64_t id;
  double issued_at;
};

void log_line(std::ostream& log, const std::string& client, std::uint64_t id, double issued_at,
              double ended_at) {
  // Same text as RequestScope::log_request (sim/metrics/request_scope.cpp).
  char buf[160];
  std::snprintf(buf, sizeof buf, ",%llu,%a,%a,", static_cast<unsigned long long>(id), issued_at,
                ended_at);
  log << client << buf << "ok\n";
}

}  // namespace

MmcResult run_mmc_des(const MmcOptions& o, std::ostream* request_log) {
  if (o.workers < 1) throw std::invalid_argument("run_mmc_des: workers must be >= 1");
  if (!(o.rate_per_s > 0)) throw std::invalid_argument("run_mmc_des: rate must be > 0");

  RandomStream arrivals(o.seed, o.client_name, "arrivals", o.replication);
  RandomStream service(o.seed, o.service_name, "service_time", o.replication);
  // The same laws as the client and service configs build (client_config.cpp: exp(1/rate)).
  const std::unique_ptr<Distribution> interarrival = make_exponential(1.0 / o.rate_per_s);
  const std::unique_ptr<Distribution> service_time = make_exponential(o.mean_service_s);

  std::vector<Event> storage;
  storage.reserve(static_cast<std::size_t>(o.workers) + 16);
  std::priority_queue<Event, std::vector<Event>, Later> heap(Later{}, std::move(storage));
  std::deque<Waiting> queue;
  std::uint64_t seq = 0;
  std::uint64_t issued = 0;
  int busy = 0;
  MmcResult result;

  if (request_log != nullptr) *request_log << "client,request,issued_s,ended_s,outcome\n";

  const auto wall_start = std::chrono::steady_clock::now();

  auto begin_service = [&](std::uint64_t id, double issued_at, double now) {
    ++busy;
    const double work = service_time->sample(service);
    heap.push({now + work, seq++, issued_at, id});
  };

  // Client::start: calendar.at(draw) (0 + draw == draw).
  if (o.requests > 0) heap.push({interarrival->sample(arrivals), seq++, 0.0, kArrival});

  while (!heap.empty()) {
    const Event e = heap.top();
    heap.pop();
    ++result.events;
    const double now = e.date;
    if (e.id == kArrival) {
      // Client::issue, then (zero latency) ServiceReplica::on_call, then the next arrival.
      const std::uint64_t id = issued++;
      if (busy < o.workers)
        begin_service(id, now, now);
      else
        queue.push_back({id, now});
      if (issued < o.requests)
        heap.push({now + interarrival->sample(arrivals), seq++, 0.0, kArrival});
    } else {
      // ServiceReplica::on_event(kServiceDone): reply (zero latency, the client logs the end),
      // then the head of the queue starts.
      --busy;
      ++result.completed;
      result.response_sum_s += now - e.issued_at;
      result.end_s = now;
      if (request_log != nullptr) log_line(*request_log, o.client_name, e.id, e.issued_at, now);
      if (!queue.empty()) {
        const Waiting w = queue.front();
        queue.pop_front();
        begin_service(w.id, w.issued_at, now);
      }
    }
  }

  result.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace sdsim::bench
