// RunControl: when clients stop issuing and when the run ends (DESIGN.md, "Drain").
//
// Clients stop issuing at `duration`, or once `requests` requests were issued over all
// clients. The run then continues until every counted request has ended, or until the drain
// limit has passed; requests still open then end as `unfinished`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sim/core/units.hpp"
#include "sim/engine/calendar.hpp"

namespace sdsim {

class MetricsHub;
class Cpu;
class Network;

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
             std::optional<Seconds> duration, std::optional<std::uint64_t> request_limit,
             std::function<Seconds(Seconds)> drain_limit);

  void add_drainable(Drainable* d) { drainables_.push_back(d); }
  void start();

  // Asks to issue one request now. False once issuing has stopped (the request limit is
  // reached, or the duration has passed); true consumes one unit of the request limit.
  bool try_issue();
  bool issuing() const { return issuing_; }
  std::uint64_t issued() const { return issued_; }

  // A client calls this after a counted request ended (cheap: checks for the end of drain).
  void request_ended() {
    if (!issuing_ && !over_) check_drained();
  }

  bool over() const { return over_; }
  bool drain_limit_hit() const { return drain_limit_hit_; }
  Seconds issue_stop_time() const { return issue_stop_at_; }
  Seconds end_time() const { return end_at_; }
  Seconds drain_limit() const { return drain_limit_; }

  // Ends the run now (drained, drain limit, or an interrupt): notifies metrics, clears the
  // calendar and cancels CPU work and messages in flight (flow model) so SimGrid's run returns.
  void end_run(bool abandon_open);

  void fire(std::uint32_t tag, void* data) override;

 private:
  void stop_issuing();
  void check_drained();

  Calendar& calendar_;
  MetricsHub& metrics_;
  Cpu& cpu_;
  Network& network_;
  std::optional<Seconds> duration_;
  std::optional<std::uint64_t> request_limit_;
  std::function<Seconds(Seconds)> drain_limit_for_;
  Seconds drain_limit_ = 0;
  std::vector<Drainable*> drainables_;
  std::uint64_t issued_ = 0;
  bool issuing_ = true;
  bool over_ = false;
  bool drain_limit_hit_ = false;
  Seconds issue_stop_at_ = 0;
  Seconds end_at_ = 0;
};

}  // namespace sdsim
