// Cpu: CPU work as SimGrid executions, for services whose workers can outnumber their cores
// (CPU sharing) or whose hosts slow down mid-service. A host of c cores runs up to c execs at
// full speed; more share the cores equally (SimGrid's CPU model). Completion is reported as
// an event to a target, with the calendar's clock synced to SimGrid's.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/units.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/host.hpp"

namespace sdsim {

class Cpu final : public EventTarget {
 public:
  explicit Cpu(Calendar& calendar);
  ~Cpu();
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  // Runs `work` (seconds of one core at nominal speed) on `host`; at completion,
  // target->fire(tag, data). If the host goes off first, the exec fails and nothing fires:
  // the model drops that work from its host-state callback.
  void start(Host& host, Seconds work, EventTarget* target, std::uint32_t tag, void* data);

  std::uint64_t started() const { return started_; }
  std::size_t running() const { return running_; }
  // Cancels every running exec (end of run).
  void cancel_all();

  struct Record;

  // Frees the records of finished execs (a calendar event: never inside a SimGrid callback).
  void fire(std::uint32_t tag, void* data) override;

 private:
  void on_completion(Record* r, bool finished);

  Calendar& calendar_;
  // Records of finished execs. SimGrid may still touch an exec while its completion signal
  // runs and until its round ends, so their ExecPtrs are dropped later: from a calendar
  // event (which runs in a later step of SimGrid's loop), or in the destructor.
  std::vector<Record*> done_;
  bool collect_pending_ = false;
  bool cancelling_ = false;
  std::vector<Record*> live_;
  std::uint64_t started_ = 0;
  std::size_t running_ = 0;
};

}  // namespace sdsim
