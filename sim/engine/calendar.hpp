// Calendar: how model code schedules work in simulated time.
//
// Events are (date, target, tag, data) records kept in a binary heap ordered by (date,
// sequence number), so events due at the same date fire in the order they were scheduled
// (FIFO). SimGrid owns the clock: the calendar keeps exactly one SimGrid kernel timer, set at
// the date of its earliest event, and only fires events from that timer's callback, when
// SimGrid's clock has reached their date. All events due at that date fire in one SimGrid
// round. So model code always runs with now() == SimGrid's clock == the event's date, CPU
// execs and host state stay in step with requests, and no event is handled ahead of time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "sim/core/units.hpp"

namespace sdsim {

// Anything that receives events: a component replica, a route, the run itself.
class EventTarget {
 public:
  virtual ~EventTarget() = default;
  // `tag` and `data` are whatever the scheduler passed to Calendar::at.
  virtual void fire(std::uint32_t tag, void* data) = 0;
};

class Calendar {
 public:
  Calendar();
  ~Calendar();
  Calendar(const Calendar&) = delete;
  Calendar& operator=(const Calendar&) = delete;

  // Simulated time of the event being handled (SimGrid's clock).
  Seconds now() const { return now_; }

  // Schedules target->fire(tag, data) at `date` (>= now()).
  void at(Seconds date, EventTarget* target, std::uint32_t tag, void* data = nullptr);
  void after(Seconds delay, EventTarget* target, std::uint32_t tag, void* data = nullptr) {
    at(now_ + delay, target, tag, data);
  }
  // Like at(), but the event fires before every at() event of its date, whenever those were
  // scheduled (in FIFO order among at_first() events): for measurement boundaries (a time
  // window closes at its end date before anything of that date happens, so an event at date
  // t always counts in the window [t, t + w), as a crash scheduled at the start of the run).
  void at_first(Seconds date, EventTarget* target, std::uint32_t tag, void* data = nullptr);
  // Drops every pending event and the SimGrid timer: the run ends when SimGrid has nothing
  // else to do. Used at the end of a run (drain over).
  void clear();

  std::size_t pending() const { return heap_.size() + due_now_.size(); }
  std::uint64_t fired() const { return fired_; }
  std::uint64_t rounds() const { return rounds_; }

  // Called when simulated time stops advancing: more than kStallEvents events fire at one
  // date (a zero-time loop, e.g. zero think and service times with zero latency). The handler
  // is expected to end the run.
  static constexpr std::uint64_t kStallEvents = 20'000'000;
  void on_stall(std::function<void(Seconds)> handler) { on_stall_ = std::move(handler); }

  // Run guards, checked after each SimGrid round (all the events of one date): `handler` runs
  // once at least `event_limit` events have fired (0: no limit), or when a stop was requested
  // (sim/engine/stop_request.hpp, e.g. by a signal handler). It is expected to end the run
  // (RunControl::stop). The round finishes first, so a run may pass the limit by the events of
  // one date. Cost: a compare and a relaxed atomic load per round.
  void set_guard(std::uint64_t event_limit, std::function<void()> handler);
  // Called after every kProgressEvents-th event (a counter test per event; no SimGrid event
  // of its own, so it cannot change the run): for a progress display polling the wall clock.
  static constexpr std::uint64_t kProgressEvents = 4096;
  void on_progress(std::function<void()> handler) { on_progress_ = std::move(handler); }

  // Sets now() to SimGrid's clock. The engine calls it before running model code from a
  // SimGrid callback that is not a calendar event (an exec's completion).
  void sync_to_engine_clock();

 private:
  struct Event {
    Seconds date;
    std::uint64_t seq;
    EventTarget* target;
    std::uint32_t tag;
    void* data;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.date != b.date ? a.date > b.date : a.seq > b.seq;
    }
  };
  void schedule(const Event& e, bool first);
  void arm();  // (re)sets the SimGrid timer for the heap's head
  void on_timer(Seconds date);

  std::vector<Event> heap_;
  // Events scheduled for the current date while firing (zero-delay hops): they come after
  // every heap event of this date (those were scheduled earlier, with smaller sequence
  // numbers), in FIFO order, so they skip the heap.
  std::deque<Event> due_now_;
  Seconds now_ = 0;
  // at_first() events take sequence numbers below every at() event's.
  static constexpr std::uint64_t kFirstSeqs = std::uint64_t{1} << 62;
  std::uint64_t first_seq_ = 0;
  std::uint64_t seq_ = kFirstSeqs;
  std::uint64_t fired_ = 0;
  std::uint64_t rounds_ = 0;
  void* timer_ = nullptr;  // simgrid::kernel::timer::Timer*, owned by SimGrid until it fires
  Seconds timer_date_ = -1;
  bool firing_ = false;
  std::function<void(Seconds)> on_stall_;
  std::uint64_t event_limit_ = UINT64_MAX;
  std::function<void()> on_guard_;
  std::function<void()> on_progress_;
};

}  // namespace sdsim
