// Tracer: sampled request traces in Chrome trace-event JSON (`sdsim run --trace N`; opens in
// Perfetto, ui.perfetto.dev, and chrome://tracing).
//
// One request in N is traced, chosen from its id (id % N == 0, per client): no random draw,
// so tracing cannot change a run. A traced request gets a trace number (Message::trace,
// copied by models onto the calls they make for it); models and routes report spans of
// traced requests only (one test of Message::trace or of the tracer pointer, null when
// tracing is off, on the hot path). Spans are kept in memory (at most kMaxSpans) and written
// at the end as complete events ("ph": "X", microseconds): pid = component (process_name:
// its name), tid = replica (thread_name: name[i]). Spans of different requests overlap on a
// replica with several workers, so a replica gets as many lanes (threads "name[i] #k") as
// needed for the spans on each to nest; a lane only nests spans of one request.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/units.hpp"

namespace sdsim {

class Tracer {
 public:
  static constexpr std::size_t kMaxSpans = 2'000'000;

  explicit Tracer(std::uint64_t every) : every_(every == 0 ? 1 : every) {}

  // A client issues request `id`: its trace number, or 0 when it is not traced.
  std::uint32_t begin_request(const std::string& client, std::uint64_t id);

  // A span of traced request `trace` (> 0) on replica `replica` of `component`.
  // `name` and `category` must outlive the tracer (string literals).
  void span(std::uint32_t trace, const std::string& component, std::size_t replica,
            const char* name, const char* category, Seconds from, Seconds to,
            std::int64_t detail = -1);

  std::size_t spans() const { return spans_.size(); }
  std::size_t requests() const { return requests_.size(); }
  // Spans not kept once kMaxSpans were (reported by the CLI).
  std::uint64_t dropped() const { return dropped_; }

  // {"traceEvents": [...], "displayTimeUnit": "ms"}.
  void write(std::ostream& out) const;

 private:
  struct Span {
    std::uint32_t trace;
    std::uint32_t track;  // index in tracks_
    const char* name;
    const char* category;
    Seconds from, to;
    std::int64_t detail;  // an attempt number, ... (-1: none)
  };
  struct Track {
    std::uint32_t pid;
    std::size_t replica;
  };
  std::uint32_t track_of(const std::string& component, std::size_t replica);

  std::uint64_t every_;
  std::vector<std::pair<std::string, std::uint64_t>> requests_;  // trace - 1 -> (client, id)
  std::map<std::string, std::uint32_t> pids_;
  std::vector<std::string> process_names_;
  std::map<std::pair<std::uint32_t, std::size_t>, std::uint32_t> track_index_;
  std::vector<Track> tracks_;
  std::vector<Span> spans_;
  std::uint64_t dropped_ = 0;
};

}  // namespace sdsim
