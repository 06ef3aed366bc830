#include "sim/engine/calendar.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include "sim/engine/stop_request.hpp"

namespace sdsim {

namespace sgt = simgrid::kernel::timer;

Calendar::Calendar() { heap_.reserve(1024); }

Calendar::~Calendar() { clear(); }

void Calendar::at(Seconds date, EventTarget* target, std::uint32_t tag, void* data) {
  schedule({date, seq_++, target, tag, data}, false);
}

void Calendar::at_first(Seconds date, EventTarget* target, std::uint32_t tag, void* data) {
  schedule({date, first_seq_++, target, tag, data}, true);
}

void Calendar::schedule(const Event& e, bool first) {
  const Seconds date = e.date;
  if (!(date >= now_)) {  // also NaN: a broken invariant of the engine or a model
    std::fprintf(stderr,
                 "sdsim: internal error: event (tag %u) scheduled at %.17g, before now (%.17g)\n",
                 e.tag, date, now_);
    std::abort();
  }
  // A zero-delay at() event comes after the rest of this date (due_now_); an at_first() one
  // goes to the heap, which this round empties of its date first.
  if (firing_ && date == now_ && !first) {
    due_now_.push_back(e);
    return;
  }
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  // While firing, on_timer re-arms once at the end; otherwise arm only if this event is
  // earlier than the pending timer.
  if (!firing_ && (timer_ == nullptr || date < timer_date_)) arm();
}

void Calendar::arm() {
  if (timer_ != nullptr) {
    static_cast<sgt::Timer*>(timer_)->remove();
    timer_ = nullptr;
  }
  if (heap_.empty()) return;
  timer_date_ = heap_.front().date;
  const Seconds date = timer_date_;
  timer_ = sgt::Timer::set(date, [this, date] { on_timer(date); });
}

void Calendar::on_timer(Seconds date) {
  timer_ = nullptr;  // SimGrid deletes the timer after this callback returns
  assert(simgrid::s4u::Engine::get_clock() >= date);
  ++rounds_;
  firing_ = true;
  std::uint64_t batch = 0;
  // Fire everything due at this date, including events scheduled for this same date by the
  // events being fired (zero-delay hops), in (date, seq) order.
  for (;;) {
    Event e;
    if (!heap_.empty() && heap_.front().date <= date) {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      e = heap_.back();
      heap_.pop_back();
    } else if (!due_now_.empty()) {
      e = due_now_.front();
      due_now_.pop_front();
    } else {
      break;
    }
    now_ = e.date;
    ++fired_;
    e.target->fire(e.tag, e.data);
    if (++batch == kStallEvents && on_stall_) on_stall_(now_);
    if (fired_ % kProgressEvents == 0 && on_progress_) on_progress_();
  }
  firing_ = false;
  if ((fired_ >= event_limit_ || stop_requested() != 0) && on_guard_) on_guard_();
  arm();
}

void Calendar::set_guard(std::uint64_t event_limit, std::function<void()> handler) {
  event_limit_ = event_limit == 0 ? UINT64_MAX : event_limit;
  on_guard_ = std::move(handler);
}

void Calendar::sync_to_engine_clock() { now_ = simgrid::s4u::Engine::get_clock(); }

void Calendar::clear() {
  if (timer_ != nullptr) {
    static_cast<sgt::Timer*>(timer_)->remove();
    timer_ = nullptr;
  }
  heap_.clear();
  due_now_.clear();
}

}  // namespace sdsim
