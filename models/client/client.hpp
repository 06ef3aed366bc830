// Client: issues requests to its target, open loop (Poisson, constant, ramp, on/off, spikes,
// trace files: docs/models/client.md) or closed
// loop (N users, each thinking, then issuing and waiting for the outcome), and waits for each
// request's outcome: a reply (ok or rejected), or its timeout (timed_out; the server still
// does the work and a late reply is counted in throughput only).
#pragma once

#include <deque>
#include <vector>

#include "models/client/client_config.hpp"
#include "models/common/slot_table.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/run_control.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/metrics/request_scope.hpp"

namespace sdsim {

class Client final : public Component, public Node, public Drainable {
 public:
  Client(const ClientConfig& config, SimContext& ctx);

  std::size_t replica_count() const override { return 1; }
  Node& replica(std::size_t) override { return *this; }
  void connect(const ComponentDirectory& directory) override;
  void start() override;

  void on_call(Message& m) override;
  void on_reply(Message& m) override;
  void on_event(std::uint32_t tag, void* data) override;
  void abandon_open_requests(Seconds now) override;

 private:
  struct Open {
    std::uint64_t id = 0;
    Seconds issued_at = 0;
    std::int32_t user = -1;   // closed loop: who waits for it
    std::int32_t klass = -1;  // index in the client's classes (-1: none)
    std::uint64_t key = 0;
    std::uint32_t attempt = 0;  // of the attempt in flight (0: the first)
    std::uint32_t replica = 0;  // of the target, where that attempt went
    bool backing_off = false;   // waiting to retry
    Seconds last_wait = 0;      // the last backoff (decorrelated jitter)
    std::uint32_t trace = 0;    // its trace number (0: not traced; Tracer)
    Seconds sent_at = 0;        // of the attempt in flight (traces)
    Seconds backoff_from = 0;   // when its backoff began (traces)
  };
  enum Tag : std::uint32_t {
    kArrival = kFirstModelTag,
    kTimeout,
    kThinkDone,
    kPhase,       // onoff: the current period ends
    kShockBegin,  // data: index in config_.shocks
    kShockEnd,
    kRetry,  // data: the request's (slot, generation)
  };
  // At most this many on-periods of an onoff client are listed as incidents.
  static constexpr std::uint64_t kMaxBursts = 1000;

  void issue(std::int32_t user);
  // Sends the current attempt of request `slot`.
  void send_attempt(std::uint32_t slot);
  // The attempt in flight failed with `outcome`: retry it (after its backoff) or end it.
  // `retry_after`: a 429's Retry-After (0: none), honoured as the least wait before a retry.
  void attempt_failed(std::uint32_t slot, Outcome outcome, Seconds retry_after = 0);
  Seconds backoff(Open& o);
  // Circuit breaker: may an attempt go out now? (half-open: counts the probe.)
  bool breaker_admits();
  void breaker_record(bool ok);
  void breaker_open();
  void expire_deadlines();
  void schedule_next_arrival();
  void end(std::uint32_t slot, Outcome outcome);
  void think(std::int32_t user);
  void on_phase_end();
  void begin_burst(Seconds now);
  void arrivals_exhausted();

  const ClientConfig& config_;
  SimContext& ctx_;
  RequestScope& scope_;
  RandomStream arrivals_;
  RandomStream think_;
  RandomStream replicas_;
  RandomStream class_rng_;
  RandomStream key_rng_;
  RandomStream phases_;     // onoff: period lengths
  RandomStream retry_rng_;  // backoff jitter
  double budget_tokens_ = RetryPolicy::kBudgetBurst;
  // Circuit breaker state: closed (recent outcomes in a time window), open until
  // `open_until_`, or half-open (probes let through, `probe_oks_` of them back ok).
  enum class Breaker { kClosed, kOpen, kHalfOpen };
  Breaker breaker_ = Breaker::kClosed;
  std::deque<std::pair<Seconds, bool>> outcomes_;  // (when, failed) in the window
  std::uint64_t window_failed_ = 0;
  Seconds open_until_ = 0;
  int probes_sent_ = 0, probe_oks_ = 0;
  MetricsHub::IncidentId breaker_incident_ = 0;
  Component* target_ = nullptr;
  std::vector<RequestScope*> class_scopes_;  // one per class
  std::vector<double> class_cdf_;            // cumulative shares
  std::uint32_t first_class_id_ = 0;         // scenario-wide id of class 0
  SlotTable<Open> open_;
  std::vector<Route*> to_;    // to each replica of the target
  std::vector<Route*> back_;  // from each replica of the target
  std::uint64_t next_id_ = 0;
  std::uint64_t constant_arrivals_ = 0;  // constant arrivals: the k-th is due at k / rate
  // onoff: the state, and a generation that a phase change bumps: the arrival drawn in the
  // old state is dropped when it fires and one is drawn afresh (exact: Poisson arrivals have
  // independent increments).
  bool on_ = false;
  std::uintptr_t generation_ = 0;
  std::uint64_t bursts_ = 0;
  bool burst_open_ = false;
  MetricsHub::IncidentId burst_ = 0;
  // Trace timestamps: the next line, and the cycles done (repeat).
  std::size_t next_timestamp_ = 0;
  std::uint64_t cycles_ = 0;
  struct ShockState {
    bool begun = false;
    MetricsHub::IncidentId id = 0;
  };
  std::vector<ShockState> shocks_;
  // Timeouts: every attempt gets the same timeout, so deadlines come in issue order. They
  // wait in a FIFO with one calendar event for the earliest; an attempt answered in time
  // costs no event at all (its entry is skipped when it reaches the head).
  struct Deadline {
    Seconds at;
    std::uint32_t slot;
    std::uint32_t gen;
    std::uint32_t attempt;
  };
  std::deque<Deadline> deadlines_;
  bool deadline_armed_ = false;
};

}  // namespace sdsim
