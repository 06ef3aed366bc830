#include "sim/engine/faults.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "sim/config/scenario.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

namespace {
constexpr std::uint32_t kTagDown = 1;  // data: process index
constexpr std::uint32_t kTagUp = 2;

void* pack(std::size_t i) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)); }
std::size_t unpack(void* data) {
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(data));
}

std::string replica_name(const std::string& component, std::size_t i) {
  return component + "[" + std::to_string(i) + "]";
}
}  // namespace

FaultInjector::FaultInjector(const Scenario& scenario, Calendar& calendar, Network& network,
                             MetricsHub& metrics, std::uint64_t seed, std::uint64_t replication)
    : scenario_(scenario),
      calendar_(calendar),
      network_(network),
      metrics_(metrics),
      seed_(seed),
      replication_(replication),
      links_(scenario.network.links.size()) {
  link_rngs_.reserve(scenario.network.links.size());
  for (const NetworkLink& l : scenario.network.links)
    link_rngs_.emplace_back(seed, "link/" + l.name, "loss", replication);
}

void FaultInjector::prepare_platform(const Scenario& scenario, Platform& platform) {
  for (const FaultSpec& f : scenario.faults.faults) {
    if (f.kind != FaultKind::kSlow) continue;
    int replicas = 1;
    for (const auto& c : scenario.components)
      if (c->name == f.component) replicas = c->replica_count();
    for (int i = 0; i < replicas; ++i)
      if (f.replica < 0 || f.replica == i)
        platform.prepare_slowdown(replica_name(f.component, static_cast<std::size_t>(i)), f.factor);
  }
}

void FaultInjector::connect(const ComponentDirectory& directory) {
  for (const FaultSpec& f : scenario_.faults.faults) {
    const bool on_link = f.kind == FaultKind::kPartition || f.kind == FaultKind::kLatency ||
                         f.kind == FaultKind::kLoss;
    std::vector<Replica> all;
    if (f.zone >= 0) {
      for (const auto& c : scenario_.components) {
        Component& comp = directory.get(c->name);
        for (std::size_t i = 0; i < comp.replica_count(); ++i)
          if (comp.replica(i).host().zone() == f.zone) all.push_back({&comp, i});
      }
    } else if (!on_link) {
      Component& comp = directory.get(f.component);
      for (std::size_t i = 0; i < comp.replica_count(); ++i)
        if (f.replica < 0 || static_cast<std::size_t>(f.replica) == i) all.push_back({&comp, i});
    }
    if (f.kind == FaultKind::kCrash)
      for (const Replica& r : all)
        if (StationStats* s = metrics_.station(r.component->name())) s->track_replicas_up();
    const std::string stream = "fault/" + f.name;
    if (f.random && !on_link && f.zone < 0) {
      // One independent process per replica.
      for (const Replica& r : all) {
        Process& p = processes_.emplace_back();
        p.spec = &f;
        p.replicas = {r};
        p.target = replica_name(f.component, r.index);
        p.rng = RandomStream(seed_, stream, "replica " + std::to_string(r.index), replication_);
      }
    } else {
      Process& p = processes_.emplace_back();
      p.spec = &f;
      p.replicas = std::move(all);
      p.target = f.target_text;
      p.rng = RandomStream(seed_, stream, "all", replication_);
    }
  }
}

void FaultInjector::start() {
  for (std::size_t i = 0; i < processes_.size(); ++i) {
    Process& p = processes_[i];
    if (p.spec->random)
      calendar_.at(calendar_.now() + p.spec->up->sample(p.rng), this, kTagDown, pack(i));
    else
      calendar_.at(p.spec->at, this, kTagDown, pack(i));
  }
}

void FaultInjector::fire(std::uint32_t tag, void* data) {
  const std::size_t i = unpack(data);
  Process& p = processes_[i];
  const Seconds now = calendar_.now();
  const bool down = tag == kTagDown;
  apply(p, down);
  if (down) {
    if (p.spec->random)
      calendar_.at(now + p.spec->down->sample(p.rng), this, kTagUp, pack(i));
    else if (p.spec->length)
      calendar_.at(now + *p.spec->length, this, kTagUp, pack(i));
  } else if (p.spec->random) {
    calendar_.at(now + p.spec->up->sample(p.rng), this, kTagDown, pack(i));
  }
}

void FaultInjector::apply(Process& p, bool down) {
  if (p.down == down) return;
  p.down = down;
  const FaultSpec& f = *p.spec;
  const Seconds now = calendar_.now();
  if (down)
    p.incident =
        metrics_.begin_incident(std::string(fault_kind_name(f.kind)), f.name, p.target, now);
  else
    metrics_.end_incident(p.incident, now);
  if (f.link >= 0) {
    apply_link(f, down);
    return;
  }
  for (const Replica& r : p.replicas) apply_replica(f, r, down);
}

FaultInjector::ReplicaState& FaultInjector::state_of(const Replica& r) {
  return replicas_[{r.component, r.index}];
}

void FaultInjector::apply_replica(const FaultSpec& f, const Replica& r, bool down) {
  ReplicaState& s = state_of(r);
  Host& host = r.component->replica(r.index).host();
  switch (f.kind) {
    case FaultKind::kCrash:
      if (down && s.crashes++ == 0) {
        host.set_on(false);
        r.component->replica_down(r.index);
        if (StationStats* st = metrics_.station(r.component->name()))
          st->replica_down(calendar_.now());
      } else if (!down && --s.crashes == 0) {
        host.set_on(true);
        r.component->replica_up(r.index);
        if (StationStats* st = metrics_.station(r.component->name()))
          st->replica_up(calendar_.now());
      }
      break;
    case FaultKind::kSlow: {
      if (down)
        s.slowdowns.insert(f.factor);
      else
        s.slowdowns.erase(s.slowdowns.find(f.factor));
      host.set_slowdown(s.slowdowns.empty() ? 1.0 : *s.slowdowns.rbegin());
      break;
    }
    case FaultKind::kErrors: {
      auto& v = s.error_probabilities;
      if (down)
        v.push_back(f.probability);
      else
        v.erase(std::find(v.begin(), v.end(), f.probability));
      double ok = 1;
      for (double q : v) ok *= 1 - q;
      r.component->set_error_probability(r.index, 1 - ok);
      break;
    }
    default:
      break;
  }
}

void FaultInjector::apply_link(const FaultSpec& f, bool down) {
  const auto i = static_cast<std::size_t>(f.link);
  LinkState& s = links_[i];
  LinkFaults& lf = network_.link_faults(i);
  const int d = down ? 1 : -1;
  const NetworkLink& link = scenario_.network.links[i];
  switch (f.kind) {
    case FaultKind::kPartition: {
      const bool from_a = f.zone_from == link.zone_a;
      if (!f.one_way || from_a) s.cuts_from_a += d;
      if (!f.one_way || !from_a) s.cuts_from_b += d;
      if (f.fail_fast) s.fail_fast += d;
      break;
    }
    case FaultKind::kLatency:
      s.extra_latency += down ? f.add : -f.add;
      if (s.extra_latency < 1e-12) s.extra_latency = 0;  // rounding after several spikes
      break;
    case FaultKind::kLoss: {
      const std::pair<double, Seconds> e{f.probability, f.rto};
      if (down)
        s.losses.push_back(e);
      else
        s.losses.erase(std::find(s.losses.begin(), s.losses.end(), e));
      break;
    }
    default:
      break;
  }
  lf.cut_from_a = s.cuts_from_a > 0;
  lf.cut_from_b = s.cuts_from_b > 0;
  lf.fail_fast = s.fail_fast > 0;
  lf.extra_latency = s.extra_latency;
  // Several loss faults at once: a copy gets through only if every one lets it; the RTO is
  // the longest.
  double pass = 1;
  Seconds rto = 0;
  for (const auto& [p, t] : s.losses) {
    pass *= 1 - p;
    rto = std::max(rto, t);
  }
  lf.loss = s.losses.empty() ? 0 : 1 - pass;
  lf.rto = rto;
  lf.rng = &link_rngs_[i];
  lf.refresh();
}

}  // namespace sdsim
