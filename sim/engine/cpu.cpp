#include "sim/engine/cpu.hpp"

#include <simgrid/s4u/Activity.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>

#include <algorithm>

namespace sdsim {

struct Cpu::Record {
  Cpu* owner;
  simgrid::s4u::ExecPtr exec;
  EventTarget* target;
  std::uint32_t tag;
  void* data;
  std::size_t live_index;
};

namespace {
// One process runs one simulation (SimGrid: one engine per process), so one signal hook.
bool g_hooked = false;
}  // namespace

Cpu::Cpu(Calendar& calendar) : calendar_(calendar) {
  if (!g_hooked) {
    g_hooked = true;
    simgrid::s4u::Activity::on_completion_cb([](const simgrid::s4u::Activity& a) {
      auto* exec = dynamic_cast<const simgrid::s4u::Exec*>(&a);
      if (exec == nullptr) return;
      auto* r = exec->get_data<Record>();
      if (r == nullptr) return;
      r->owner->on_completion(r, a.get_state() == simgrid::s4u::Activity::State::FINISHED);
    });
  }
}

Cpu::~Cpu() {
  for (Record* r : done_) delete r;
  for (Record* r : live_) {
    r->exec->set_data(nullptr);
    delete r;
  }
}

void Cpu::start(Host& host, Seconds work, EventTarget* target, std::uint32_t tag, void* data) {
  auto* r = new Record{this, nullptr, target, tag, data, live_.size()};
  live_.push_back(r);
  r->exec = simgrid::s4u::Exec::init();
  r->exec->set_flops_amount(work)->set_host(host.sg());
  r->exec->set_data(r);
  r->exec->start();
  ++started_;
  ++running_;
}

void Cpu::fire(std::uint32_t, void*) {
  collect_pending_ = false;
  for (Record* d : done_) delete d;
  done_.clear();
}

void Cpu::on_completion(Record* r, bool finished) {
  // Remove from live_ in O(1): swap with the last.
  Record* last = live_.back();
  live_[r->live_index] = last;
  last->live_index = r->live_index;
  live_.pop_back();
  done_.push_back(r);
  r->exec->set_data(nullptr);
  --running_;
  if (cancelling_) return;  // end of run: the destructor frees them
  calendar_.sync_to_engine_clock();
  if (done_.size() >= 256 && !collect_pending_) {
    collect_pending_ = true;
    calendar_.at(calendar_.now(), this, 0);
  }
  if (!finished) return;
  r->target->fire(r->tag, r->data);
}

void Cpu::cancel_all() {
  cancelling_ = true;
  std::vector<Record*> live = live_;
  for (Record* r : live) r->exec->cancel();
}

}  // namespace sdsim
