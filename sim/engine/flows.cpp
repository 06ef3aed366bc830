#include "sim/engine/flows.hpp"

#include <simgrid/s4u/Activity.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>

#include <cmath>

#include "sim/engine/network.hpp"

namespace sdsim {

struct Flows::Record {
  Flows* owner;
  simgrid::s4u::CommPtr comm;
  Route* route;
  std::uint32_t tag;
  Message* message;
  std::size_t live_index;
};

namespace {
// One process runs one simulation (SimGrid: one engine per process), so one signal hook.
bool g_hooked = false;
}  // namespace

Flows::Flows(Calendar& calendar) : calendar_(calendar) {
  if (!g_hooked) {
    g_hooked = true;
    simgrid::s4u::Activity::on_completion_cb([](const simgrid::s4u::Activity& a) {
      auto* comm = dynamic_cast<const simgrid::s4u::Comm*>(&a);
      if (comm == nullptr) return;
      auto* r = comm->get_data<Record>();
      if (r == nullptr) return;  // not ours, or already reported (a cancel reports twice)
      r->owner->on_completion(r, a.get_state() == simgrid::s4u::Activity::State::FINISHED);
    });
  }
}

Flows::~Flows() {
  for (Record* r : done_) delete r;
  for (Record* r : live_) {
    r->comm->set_data(nullptr);
    delete r;
  }
}

void Flows::start(Host& from, Host& to, Bytes bytes, Route& route, std::uint32_t tag, Message* m) {
  if (!from.is_on() || !to.is_on()) {  // SimGrid refuses to start a comm from or to a dead host
    route.lose(m);
    return;
  }
  auto* r = new Record{this, nullptr, &route, tag, m, live_.size()};
  live_.push_back(r);
  r->comm = simgrid::s4u::Comm::sendto_init(from.sg(), to.sg());
  r->comm->set_payload_size(static_cast<std::uint64_t>(std::llround(bytes)));
  r->comm->set_data(r);
  r->comm->start();
  ++started_;
}

void Flows::fire(std::uint32_t, void*) {
  collect_pending_ = false;
  for (Record* d : done_) delete d;
  done_.clear();
}

void Flows::on_completion(Record* r, bool finished) {
  // Remove from live_ in O(1): swap with the last.
  Record* last = live_.back();
  live_[r->live_index] = last;
  last->live_index = r->live_index;
  live_.pop_back();
  done_.push_back(r);
  r->comm->set_data(nullptr);
  if (cancelling_) return;  // end of run: the destructor frees them; the pool frees messages
  calendar_.sync_to_engine_clock();
  if (done_.size() >= 256 && !collect_pending_) {
    collect_pending_ = true;
    calendar_.at(calendar_.now(), this, 0);
  }
  if (finished)
    r->route->arrive(r->tag, r->message);
  else
    r->route->lose(r->message);
}

void Flows::cancel_all() {
  cancelling_ = true;
  std::vector<Record*> live = live_;
  for (Record* r : live) r->comm->cancel();
}

}  // namespace sdsim
