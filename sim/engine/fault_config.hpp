// FaultConfig: the typed `faults:` section of a scenario (docs/reference.md, "faults").
//
// A fault acts on a target for a while: on a schedule (`at`, `for`) or at random (`random`:
// alternating up and down times drawn from two laws, one independent process per replica,
// or one per zone for a zone's crash: a failure domain). What it does:
//   crash      the replica's host goes off (SimGrid): its queued and in-flight work is lost;
//              at recovery it restarts empty (a cold cache, an empty queue)
//   slow       the host's CPU speed is divided by `factor` (SimGrid pstate): work in progress
//              slows too
//   errors     the component answers each call with an error, with `probability`
//   partition  messages across the link between two zones are lost (or fail fast)
//   latency    `add` more one-way latency on a link (messages already on it included, in the
//              latency network)
//   loss       each message crossing a link is lost with `probability` and resent after `rto`
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/dist/distribution.hpp"

namespace sdsim {

enum class FaultKind : std::uint8_t { kCrash, kSlow, kErrors, kPartition, kLatency, kLoss };

std::string_view fault_kind_name(FaultKind kind);

struct FaultSpec {
  std::string name;
  FaultKind kind = FaultKind::kCrash;
  SourceMark mark;

  // ---- when ----
  bool random = false;
  Seconds at = 0;                            // scheduled: start
  std::optional<Seconds> length;             // scheduled: `for`; absent = to the end of the run
  std::shared_ptr<const Distribution> up;    // random: time between repair and next failure
  std::shared_ptr<const Distribution> down;  // random: time to repair

  // ---- what (crash, slow, errors) ----
  std::string component;   // a component name; empty for a zone crash
  int replica = -1;        // one replica, or -1: every replica (each its own random process)
  int zone = -1;           // crash of a whole zone: index in NetworkConfig::zones
  double factor = 1;       // slow
  double probability = 0;  // errors, loss

  // ---- what (partition, latency, loss): the link between two zones ----
  int link = -1;           // index in NetworkConfig::links
  bool one_way = false;    // partition: only messages from zone_from to the other side
  int zone_from = -1;      // partition: the first zone written
  bool fail_fast = false;  // partition: a message across it comes back at once as an error
  Seconds add = 0;         // latency
  Seconds rto = 0.2;       // loss: retransmission timeout per lost copy

  // A text naming the target for outputs ("api[1]", "api", "zone east", "link wan").
  std::string target_text;
};

struct FaultConfig {
  std::vector<FaultSpec> faults;
  bool empty() const { return faults.empty(); }
  // True when a slow-node fault may slow `component`: its work must then run as SimGrid
  // executions (a timer would not slow down).
  bool slows(std::string_view component) const {
    for (const FaultSpec& f : faults)
      if (f.kind == FaultKind::kSlow && f.component == component) return true;
    return false;
  }
};

}  // namespace sdsim
