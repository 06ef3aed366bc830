#include "sim/engine/run_control.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>
#include <string>

#include "sim/engine/cpu.hpp"
#include "sim/engine/log.hpp"
#include "sim/engine/message.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/stop_request.hpp"
#include "sim/metrics/metrics_hub.hpp"

namespace sdsim {

namespace {
constexpr std::uint32_t kTagDuration = 1;
constexpr std::uint32_t kTagDrainLimit = 2;
constexpr std::uint32_t kTagCheckDrained = 3;
}  // namespace

RunControl::RunControl(Calendar& calendar, MetricsHub& metrics, Cpu& cpu, Network& network,
                       const MessagePool& messages, std::optional<Seconds> duration,
                       std::optional<std::uint64_t> request_limit,
                       std::function<Seconds(Seconds)> drain_limit)
    : calendar_(calendar),
      metrics_(metrics),
      cpu_(cpu),
      network_(network),
      messages_(messages),
      duration_(duration),
      request_limit_(request_limit),
      drain_limit_for_(std::move(drain_limit)) {}

void RunControl::set_guards(const RunGuards& guards) {
  max_inflight_ = guards.max_inflight == 0 ? UINT64_MAX : guards.max_inflight;
  calendar_.set_guard(guards.max_events, [this] {
    const int sig = stop_requested();
    if (sig == 0)
      stop("max_events");
    else
      stop(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal " + std::to_string(sig));
  });
}

std::uint64_t RunControl::in_flight() const {
  return std::max<std::uint64_t>(issued_ - ended_, messages_.in_use());
}

void RunControl::start() {
  if (duration_) calendar_.at(*duration_, this, kTagDuration);
}

bool RunControl::try_issue() {
  if (!issuing_) return false;
  if (duration_ && calendar_.now() >= *duration_) {
    stop_issuing();
    return false;
  }
  if (in_flight() >= max_inflight_) {
    stop("max_inflight");
    return false;
  }
  ++issued_;
  // The last one: issuing stops now (the measured interval still contains this request).
  if (request_limit_ && issued_ >= *request_limit_) stop_issuing();
  return true;
}

void RunControl::stop_issuing() {
  if (!issuing_) return;
  issuing_ = false;
  // With a request limit the last request was issued at now() and is counted: the measured
  // interval [warmup, stop) must contain it.
  const bool limited = request_limit_ && issued_ >= *request_limit_;
  issue_stop_at_ = limited
                       ? std::nextafter(calendar_.now(), std::numeric_limits<double>::infinity())
                       : calendar_.now();
  metrics_.mark_issue_stop(issue_stop_at_);
  drain_limit_ = drain_limit_for_(issue_stop_at_);
  logger("sim")->debug("issuing stopped after {} requests; drain limit {}s", issued_, drain_limit_);
  // Just after the limit: a request whose timeout falls exactly on it still times out.
  calendar_.at(
      std::nextafter(issue_stop_at_ + drain_limit_, std::numeric_limits<double>::infinity()), this,
      kTagDrainLimit);
  // Requests may all have ended already.
  calendar_.at(calendar_.now(), this, kTagCheckDrained);
}

void RunControl::check_drained() {
  if (metrics_.open_counted() == 0) end_run(false);
}

void RunControl::fire(std::uint32_t tag, void*) {
  if (over_) return;
  switch (tag) {
    case kTagDuration:
      stop_issuing();
      break;
    case kTagDrainLimit:
      drain_limit_hit_ = metrics_.open_counted() > 0;
      end_run(true);
      break;
    case kTagCheckDrained:
      check_drained();
      break;
    default:
      break;
  }
}

void RunControl::stop(std::string reason) {
  if (over_) return;
  stopped_by_ = std::move(reason);
  logger("sim")->warn("run stopped early ({}): results are partial", stopped_by_);
  end_run(true);
}

void RunControl::end_run(bool abandon_open) {
  if (over_) return;
  over_ = true;
  end_at_ = calendar_.now();
  if (issuing_) {
    issuing_ = false;
    // Stopped early (a guard, a signal, a stall): requests issued at now() were counted as
    // issued, so the measured interval [warmup, stop) must contain now().
    issue_stop_at_ = stopped_by_.empty()
                         ? end_at_
                         : std::nextafter(end_at_, std::numeric_limits<double>::infinity());
    metrics_.mark_issue_stop(issue_stop_at_);
  }
  logger("sim")->debug("run over{}", abandon_open ? " (open requests end unfinished)" : "");
  if (abandon_open)
    for (Drainable* d : drainables_) d->abandon_open_requests(end_at_);
  metrics_.finish(end_at_);
  calendar_.clear();
  cpu_.cancel_all();
  network_.cancel_all();
}

}  // namespace sdsim
