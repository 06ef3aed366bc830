// Client: issues requests to its target, open loop (Poisson or constant arrivals) or closed
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
  };
  enum Tag : std::uint32_t { kArrival = kFirstModelTag, kTimeout, kThinkDone };

  void issue(std::int32_t user);
  void expire_deadlines();
  void schedule_next_arrival();
  void end(std::uint32_t slot, Outcome outcome);
  void think(std::int32_t user);

  const ClientConfig& config_;
  SimContext& ctx_;
  RequestScope& scope_;
  RandomStream arrivals_;
  RandomStream think_;
  RandomStream replicas_;
  RandomStream class_rng_;
  RandomStream key_rng_;
  Component* target_ = nullptr;
  std::vector<RequestScope*> class_scopes_;  // one per class
  std::vector<double> class_cdf_;            // cumulative shares
  std::uint32_t first_class_id_ = 0;         // scenario-wide id of class 0
  SlotTable<Open> open_;
  std::vector<Route*> to_;    // to each replica of the target
  std::vector<Route*> back_;  // from each replica of the target
  std::uint64_t next_id_ = 0;
  std::uint64_t constant_arrivals_ = 0;  // constant arrivals: the k-th is due at k / rate
  // Timeouts: every attempt gets the same timeout, so deadlines come in issue order. They
  // wait in a FIFO with one calendar event for the earliest; an attempt answered in time
  // costs no event at all (its entry is skipped when it reaches the head).
  struct Deadline {
    Seconds at;
    std::uint32_t slot;
    std::uint32_t gen;
  };
  std::deque<Deadline> deadlines_;
  bool deadline_armed_ = false;
};

}  // namespace sdsim
