// Service: `replicas` identical replicas, each a host with a pool of workers and a FIFO
// waiting room of bounded capacity. A call that finds a free worker starts at once; else it
// waits if there is room; else it is rejected at once (503). With capacity 0 this is Erlang's
// loss system (M/M/c/c); with capacity K - c, M/M/c/K. Service time is a draw from the
// service_time law, spent as a timer (each worker has its own core) or as a SimGrid exec on
// the replica's host (more workers than cores: the busy workers share the cores).
//
// After its own work a handler makes its downstream calls (`calls:`), step by step
// (CallPlan), then replies. Thread per request (default): the worker stays held while the
// calls run. `async: true`: the worker is released when its own work ends. A failed step
// (fewer than `wait` ok replies possible) fails the request: the reply carries the first
// failure (a 503 stays a 503; a call timeout becomes an error). docs/models/service.md.
#pragma once

#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/common/slot_table.hpp"
#include "models/service/service_config.hpp"
#include "sim/engine/message.hpp"
#include "sim/metrics/histogram.hpp"
#include "sim/metrics/station_stats.hpp"

namespace sdsim {

class Service;
class Route;

// A call plan with its targets resolved to indices of the service's downstream table.
struct PlanRuntime {
  const CallPlan* plan = nullptr;
  std::vector<std::vector<int>> targets;  // per step
  // Per step with a percentile hedge: the latency of its ok replies (all replicas together).
  std::vector<std::unique_ptr<LatencyHistogram>> latency;
};

// A call as its callee knows it: who made it and the caller's handle on it.
struct CallKey {
  const Node* caller;
  std::uint32_t slot, gen, tag;
  bool operator==(const CallKey&) const = default;
};
struct CallKeyHash {
  std::size_t operator()(const CallKey& k) const {
    std::size_t h = std::hash<const void*>()(k.caller);
    for (std::uint32_t v : {k.slot, k.gen, k.tag}) h = h * 0x9E3779B97F4A7C15ull + v;
    return h;
  }
};

class ServiceReplica final : public Node {
 public:
  ServiceReplica(Service& service, Host& host, std::size_t index);
  void connect(const ComponentDirectory& directory);
  // Its host went off: everything queued and in progress here is lost.
  void crash();
  void on_call(Message& m) override;
  void on_reply(Message& m) override;
  void on_event(std::uint32_t tag, void* data) override;
  // A caller gave up: the call is dropped if it still waits in the queue (not if it started).
  void on_cancel(const Message& m) override;

 private:
  struct Job {
    Message* message = nullptr;
    Seconds arrived_at = 0;
    Seconds service = 0;
    Seconds started = 0;  // its own work began (traces)
    const PlanRuntime* plan = nullptr;
    std::uint32_t step = 0;
    std::uint32_t calls = 0;   // calls made by the current step
    std::uint32_t ok = 0;      // ... answered ok
    std::uint32_t failed = 0;  // ... failed (error, rejection, timeout)
    std::uint32_t needed = 0;  // ok replies that complete the step
    Seconds calls_started = 0;
    Seconds network = 0;
    Status failure = Status::kOk;
    CacheResult cache = CacheResult::kNone;
    bool holds_worker = false;
    // A hedged step's two calls (slot, generation), to cancel the loser.
    std::uint32_t hedged[2] = {0, 0}, hedged_gen[2] = {0, 0};
    bool hedging = false;
    bool working = false;  // its own work has not ended
  };
  struct Call {
    std::uint32_t job = 0;
    std::uint32_t job_gen = 0;
    std::uint32_t step = 0;
    int target = 0;
    std::size_t replica = 0;
    Message* waiting = nullptr;  // the message while it waits for a connection
    Seconds sent_at = 0;
    bool hedge = false;                 // the second copy of a hedged call
    LatencyHistogram* learn = nullptr;  // a first copy: its round trip teaches the hedge
  };
  // One downstream component, as this replica sees it.
  struct Downstream {
    Component* component = nullptr;
    std::vector<Route*> to, back;  // per replica, made on first use
    int pool = 0;                  // connections; 0 = unlimited
    int in_use = 0;
    std::deque<std::pair<std::uint32_t, std::uint32_t>> waiting;  // (call slot, gen)
  };
  struct Queued {
    Message* message;
    Seconds arrived_at;
  };
  enum Tag : std::uint32_t { kServiceDone = kFirstModelTag, kCallTimeout, kHedge };

  void begin(Message* m, Seconds arrived_at, bool from_queue);
  void work_done(std::uint32_t job);
  void release_worker();
  // Takes a request leaving the queue off the cancellation books; true if it was cancelled.
  bool forget(const Queued& q);
  void run_steps(std::uint32_t job);
  void issue_step(std::uint32_t job);
  void make_call(std::uint32_t job, const CallStep& step, int target, std::size_t replica,
                 bool hedge = false);
  void hedge_call(std::uint32_t call);
  // Cancels the calls of job `slot`'s hedged step still out (cancel_loser).
  void cancel_losers(std::uint32_t slot);
  void send(std::uint32_t call);
  void release_connection(int target);
  void step_result(std::uint32_t job, bool ok, Status status, CacheResult cache, Seconds network);
  void finish(std::uint32_t job, Status status);

  Service& service_;
  std::size_t index_;
  int busy_ = 0;     // workers held
  int working_ = 0;  // workers doing their own work (on a core)
  std::deque<Queued> queue_;
  QueuePolicy queue_policy_;
  // Cancellation: calls waiting in the queue (by key: how many), and those cancelled there,
  // dropped when they come up.
  std::unordered_map<CallKey, int, CallKeyHash> queued_;
  std::unordered_set<CallKey, CallKeyHash> cancelled_;
  double tokens_ = 0;      // rate limit: the bucket, refilled continuously
  Seconds tokens_at_ = 0;  // when tokens_ was last brought up to date
  SlotTable<Job> jobs_;
  SlotTable<Call> calls_;
  std::vector<Downstream> downstream_;
  std::uint32_t last_call_ = 0;  // the call slot make_call acquired last
};

class Service final : public Component {
 public:
  Service(const ServiceConfig& config, SimContext& ctx);
  std::size_t replica_count() const override { return replicas_.size(); }
  Node& replica(std::size_t i) override { return *replicas_[i]; }
  void connect(const ComponentDirectory& directory) override;
  void replica_down(std::size_t i) override { replicas_[i]->crash(); }

 private:
  friend class ServiceReplica;
  int target_index(const std::string& name);
  PlanRuntime make_plan(const CallPlan* plan);

  const ServiceConfig& config_;
  SimContext& ctx_;
  StationStats& stats_;
  RandomStream service_rng_;
  RandomStream call_rng_;               // call probabilities
  RandomStream replica_rng_;            // which replica of a downstream component
  RandomStream error_rng_;              // injected errors (faults)
  StationStats::CounterId throttled_;   // 429s of the rate limit
  StationStats::CounterId hedges_ = 0;  // second copies sent (when some step hedges)
  bool counts_hedges_ = false;
  // Some client cancels its timed-out attempts: queued calls are tracked for on_cancel.
  bool cancellable_ = false;
  ServiceConfig::Mode mode_;
  bool cpu_tracked_;
  std::vector<std::string> targets_;  // downstream component names, by index
  std::deque<PlanRuntime> plans_;     // stable addresses; [0] = the service's own calls
  // Per request class id (Message::klass): its service-time law and call plan here.
  std::vector<const Distribution*> class_service_time_;
  std::vector<const PlanRuntime*> class_plan_;
  std::vector<std::unique_ptr<ServiceReplica>> replicas_;
};

}  // namespace sdsim
