// RunControl: when clients stop issuing and when the run ends (DESIGN.md, "Drain").
//
// Clients stop issuing at `duration`, or once `requests` requests were issued over all
// clients. The run then continues until every counted request has ended, or until the drain
// limit has passed; requests still open then end as `unfinished`.
//
// Resource guards and stop requests end a run early, cleanly (stop): issuing stops, open
// requests end as `unfinished` (conservation holds), and the results are written, marked
// partial with the reason. docs/cli.md (--max-events, --max-inflight, signals).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/units.hpp"
#include "sim/engine/calendar.hpp"

namespace sdsim {

class MetricsHub;
class Cpu;
class Network;
class MessagePool;

// Budgets that stop a run early instead of letting it run out of time or memory. 0: no limit.
struct RunGuards {
  // Calendar events fired (summary `run.events`): a bound on work, hence on wall time. At the
  // measured 3-7 events per request (single station to three tiers) this is about 1.5-3 x 10^9
  // requests, far beyond a normal scenario, an hour or more of wall time on this machine.
  static constexpr std::uint64_t kDefaultMaxEvents = 10'000'000'000;
  // Requests in flight (RunControl::in_flight): a bound on memory. Measured (peak RSS growth):
  // about 235 bytes per request open at one overloaded station, 690 per request held over three
  // hops (client -> LB -> app -> db), 910 per request holding 3 calls in bench/scale (1,000
  // components): 230-300 bytes per call held. A million calls: 0.23-0.3 GB of request state.
  static constexpr std::uint64_t kDefaultMaxInflight = 1'000'000;
  std::uint64_t max_events = kDefaultMaxEvents;
  std::uint64_t max_inflight = kDefaultMaxInflight;
};

// Something that holds open requests and can end them as unfinished (a client).
class Drainable {
 public:
  virtual ~Drainable() = default;
  virtual void abandon_open_requests(Seconds now) = 0;
};

class RunControl final : public EventTarget {
 public:
  // `drain_limit(t)` gives the drain limit once issuing stopped at time t.
  RunControl(Calendar& calendar, MetricsHub& metrics, Cpu& cpu, Network& network,
             const MessagePool& messages, std::optional<Seconds> duration,
             std::optional<std::uint64_t> request_limit,
             std::function<Seconds(Seconds)> drain_limit);

  // Arms the guards (before start): max_events through the calendar's per-round check, which
  // also notices stop requests (signals); max_inflight at each issue.
  void set_guards(const RunGuards& guards);

  void add_drainable(Drainable* d) { drainables_.push_back(d); }
  void start();

  // Asks to issue one request now. False once issuing has stopped (the request limit is
  // reached, or the duration has passed, or the run was stopped: in_flight() reached
  // max_inflight); true consumes one unit of the request limit.
  bool try_issue();
  bool issuing() const { return issuing_; }
  std::uint64_t issued() const { return issued_; }

  // A client calls this after each of its requests ended; `counted`: issued in the measured
  // interval (cheap: counts, and checks for the end of drain).
  void request_ended(bool counted) {
    ++ended_;
    if (counted && !issuing_ && !over_) check_drained();
  }

  // Requests in flight: the larger of requests open at clients and calls held in the system
  // (messages in use: each hop of an open request holds one, queued, in service, awaiting its
  // callee or on the wire; so does work whose client gave up). Memory grows with it.
  std::uint64_t in_flight() const;

  bool over() const { return over_; }
  bool drain_limit_hit() const { return drain_limit_hit_; }
  Seconds issue_stop_time() const { return issue_stop_at_; }
  Seconds end_time() const { return end_at_; }
  Seconds drain_limit() const { return drain_limit_; }

  // Ends the run now (drained, drain limit, or an interrupt): notifies metrics, clears the
  // calendar and cancels CPU work and messages in flight (flow model) so SimGrid's run returns.
  void end_run(bool abandon_open);
  // Ends the run early, for `reason` (`max_events`, `max_inflight`, `SIGINT`, `SIGTERM`,
  // `stalled`): open requests end as unfinished; the results are partial. First reason wins.
  void stop(std::string reason);
  // Why the run was stopped early; empty when it ran to its end.
  const std::string& stopped_by() const { return stopped_by_; }

  void fire(std::uint32_t tag, void* data) override;

 private:
  void stop_issuing();
  void check_drained();

  Calendar& calendar_;
  MetricsHub& metrics_;
  Cpu& cpu_;
  Network& network_;
  const MessagePool& messages_;
  std::optional<Seconds> duration_;
  std::optional<std::uint64_t> request_limit_;
  std::function<Seconds(Seconds)> drain_limit_for_;
  Seconds drain_limit_ = 0;
  std::vector<Drainable*> drainables_;
  std::uint64_t issued_ = 0;
  std::uint64_t ended_ = 0;                  // requests ended (all, counted or not)
  std::uint64_t max_inflight_ = UINT64_MAX;  // no limit
  std::string stopped_by_;
  bool issuing_ = true;
  bool over_ = false;
  bool drain_limit_hit_ = false;
  Seconds issue_stop_at_ = 0;
  Seconds end_at_ = 0;
};

}  // namespace sdsim
