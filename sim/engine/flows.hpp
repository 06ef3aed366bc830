// Flows: messages carried as SimGrid comms between hosts (`network: {model: flow}`), so that
// concurrent messages share the bandwidth of the links they cross (SimGrid's CM02 max-min
// model). No actor per message: each message is a one-sided comm
// (`Comm::sendto_init(from, to)`, started from the calendar's callback in SimGrid's maestro
// context), and `Activity::on_completion_cb` reports its end, with the calendar's clock
// synced to SimGrid's, the way Cpu does for execs.
//
// Costs (SimGrid 3.32): each running comm sits in a list that SimGrid scans linearly when a
// comm ends, and each completion re-solves the sharing of the flows it touched, so the cost per
// message grows with the number in flight (docs/architecture.md, "The network").
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/units.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/host.hpp"
#include "sim/engine/message.hpp"

namespace sdsim {

class Route;

class Flows final : public EventTarget {
 public:
  explicit Flows(Calendar& calendar);
  ~Flows();
  Flows(const Flows&) = delete;
  Flows& operator=(const Flows&) = delete;

  // Carries `bytes` (rounded to whole bytes) from `from` to `to`. When the comm ends,
  // route.arrive(tag, m); when it fails (a host or a link went off) route.lose(m). A message
  // between hosts of which one is off is lost at once.
  void start(Host& from, Host& to, Bytes bytes, Route& route, std::uint32_t tag, Message* m);

  std::uint64_t started() const { return started_; }
  std::size_t in_flight() const { return live_.size(); }
  // Cancels every comm in flight (end of run); their messages are neither delivered nor lost.
  void cancel_all();

  struct Record;

  // Frees the records of finished comms (a calendar event: never inside a SimGrid callback).
  void fire(std::uint32_t tag, void* data) override;

 private:
  void on_completion(Record* r, bool finished);

  Calendar& calendar_;
  // Records of ended comms: SimGrid may still touch a comm while its completion signal runs
  // and until its round ends, so their CommPtrs are dropped later (from a calendar event, or
  // in the destructor), as in Cpu.
  std::vector<Record*> done_;
  bool collect_pending_ = false;
  bool cancelling_ = false;
  std::vector<Record*> live_;
  std::uint64_t started_ = 0;
};

}  // namespace sdsim
