#include "sim/metrics/tracer.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace sdsim {

std::uint32_t Tracer::begin_request(const std::string& client, std::uint64_t id) {
  if (id % every_ != 0) return 0;
  requests_.emplace_back(client, id);
  return static_cast<std::uint32_t>(requests_.size());
}

std::uint32_t Tracer::track_of(const std::string& component, std::size_t replica) {
  auto [p, added] = pids_.try_emplace(component, static_cast<std::uint32_t>(pids_.size() + 1));
  if (added) process_names_.push_back(component);
  auto [t, new_track] =
      track_index_.try_emplace({p->second, replica}, static_cast<std::uint32_t>(tracks_.size()));
  if (new_track) tracks_.push_back({p->second, replica});
  return t->second;
}

void Tracer::span(std::uint32_t trace, const std::string& component, std::size_t replica,
                  const char* name, const char* category, Seconds from, Seconds to,
                  std::int64_t detail) {
  if (trace == 0) return;
  if (spans_.size() >= kMaxSpans) {
    ++dropped_;
    return;
  }
  spans_.push_back({trace, track_of(component, replica), name, category, from, to, detail});
}

void Tracer::write(std::ostream& out) const {
  using nlohmann::json;
  // Lanes: spans of a track sorted by (start, longest first); each nests in the innermost open
  // span of the same request when one holds it (so a request's work on a replica sits inside
  // its stay there, on one lane), else goes to the first lane whose open spans have ended.
  std::vector<std::size_t> order(spans_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
    const Span &x = spans_[a], &y = spans_[b];
    if (x.track != y.track) return x.track < y.track;
    if (x.from != y.from) return x.from < y.from;
    return x.to > y.to;
  });
  struct Open {
    Seconds to;
    std::uint32_t trace;
  };
  std::vector<std::uint32_t> lane(spans_.size(), 0);
  std::vector<std::uint32_t> lanes_of(tracks_.size(), 0);
  std::vector<std::vector<Open>> stacks;
  std::uint32_t current = UINT32_MAX;
  for (std::size_t i : order) {
    const Span& s = spans_[i];
    if (s.track != current) {
      current = s.track;
      stacks.clear();
    }
    // A span ended when this one starts is closed, except for this request's own span when
    // this one is empty: a zero-length last step at its end nests there, on the same lane.
    auto closed = [&s](const Open& o) {
      return o.to < s.from || (o.to == s.from && !(o.trace == s.trace && s.to == s.from));
    };
    for (auto& st : stacks)
      while (!st.empty() && closed(st.back())) st.pop_back();
    std::uint32_t k = 0;
    while (k < stacks.size() &&
           (stacks[k].empty() || stacks[k].back().trace != s.trace || stacks[k].back().to < s.to))
      ++k;
    if (k == stacks.size()) {  // nowhere to nest: the first free lane
      k = 0;
      while (k < stacks.size() && !stacks[k].empty()) ++k;
      if (k == stacks.size()) stacks.emplace_back();
    }
    stacks[k].push_back({s.to, s.trace});
    lane[i] = k;
    lanes_of[s.track] = std::max(lanes_of[s.track], k + 1);
  }

  // Thread ids: within a component (pid), its replicas in order, each with its lanes, numbered
  // from 0 (replica 0's lanes, then replica 1's, ...), so that no two lanes share an id however
  // many lanes a replica needs.
  std::vector<std::uint64_t> first_tid(tracks_.size(), 0);
  {
    std::vector<std::size_t> by_replica(tracks_.size());
    for (std::size_t t = 0; t < by_replica.size(); ++t) by_replica[t] = t;
    std::stable_sort(by_replica.begin(), by_replica.end(), [this](std::size_t a, std::size_t b) {
      return tracks_[a].pid != tracks_[b].pid ? tracks_[a].pid < tracks_[b].pid
                                              : tracks_[a].replica < tracks_[b].replica;
    });
    std::uint64_t next = 0;
    for (std::size_t i = 0; i < by_replica.size(); ++i) {
      const std::size_t t = by_replica[i];
      if (i == 0 || tracks_[t].pid != tracks_[by_replica[i - 1]].pid) next = 0;
      first_tid[t] = next;
      next += std::max<std::uint32_t>(lanes_of[t], 1);
    }
  }
  auto tid = [&](std::size_t track, std::uint32_t k) { return first_tid[track] + k; };
  json events = json::array();
  for (std::size_t p = 0; p < process_names_.size(); ++p)
    events.push_back({{"name", "process_name"},
                      {"ph", "M"},
                      {"pid", p + 1},
                      {"tid", 0},
                      {"args", {{"name", process_names_[p]}}}});
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    const Track& tr = tracks_[t];
    for (std::uint32_t k = 0; k < lanes_of[t]; ++k) {
      std::string name = process_names_[tr.pid - 1] + "[" + std::to_string(tr.replica) + "]";
      if (k > 0) name += " #" + std::to_string(k + 1);
      events.push_back({{"name", "thread_name"},
                        {"ph", "M"},
                        {"pid", tr.pid},
                        {"tid", tid(t, k)},
                        {"args", {{"name", name}}}});
      events.push_back({{"name", "thread_sort_index"},
                        {"ph", "M"},
                        {"pid", tr.pid},
                        {"tid", tid(t, k)},
                        {"args", {{"sort_index", tid(t, k)}}}});
    }
  }
  // Microseconds, rounded to the nanosecond (the format's ts and dur are in us).
  auto us = [](Seconds s) { return std::round(s * 1e9) / 1e3; };
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    const Span& s = spans_[i];
    const Track& tr = tracks_[s.track];
    const auto& [client, id] = requests_[s.trace - 1];
    json args{{"request", client + "#" + std::to_string(id)}, {"trace", s.trace}};
    if (s.detail >= 0) args["attempt"] = s.detail;
    events.push_back({{"name", s.name},
                      {"cat", s.category},
                      {"ph", "X"},
                      {"ts", us(s.from)},
                      {"dur", us(s.to) - us(s.from)},
                      {"pid", tr.pid},
                      {"tid", tid(s.track, lane[i])},
                      {"args", args}});
  }
  out << json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace sdsim
