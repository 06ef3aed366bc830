// Scenario: the typed, validated form of a scenario file. Everything a run needs is here; no
// YAML is read after loading. docs/reference.md is the contract of the format.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/overrides.hpp"
#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/engine/fault_config.hpp"
#include "sim/engine/network_config.hpp"
#include "sim/metrics/slo.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

class Registry;

// `sweep:`: the grid of a sweep and its replications (docs/reference.md#sweep). `sdsim run`
// ignores it; `sdsim sweep` runs every point of the grid `replications` times.
struct SweepAxis {
  std::string path;                 // a dotted path, as for --set ("components.api.workers")
  std::vector<std::string> values;  // each as one line of flow YAML ("8", "{capacity: 8}")
};
struct SweepConfig {
  std::vector<SweepAxis> vary;     // several axes form a grid, the first one outermost
  std::uint64_t replications = 1;  // runs per point, with seeds that depend on the index only
};

struct Scenario {
  std::string file;  // as given on the command line
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::optional<Seconds> duration;        // clients stop issuing at this time, or
  std::optional<std::uint64_t> requests;  // after this many requests over all clients
  Seconds warmup = 0;
  Seconds window = 1;
  std::optional<Seconds> drain;  // drain limit; default: see drain_limit()
  NetworkConfig network;
  FaultConfig faults;
  SloConfig slo;
  std::vector<std::unique_ptr<ComponentConfig>> clients;
  std::vector<std::unique_ptr<ComponentConfig>> components;
  SweepConfig sweep;
  // The loader's warnings ("file:line:col: component 'x' is never reached: ..."): printed with
  // the errors when loading, and listed again in summary.json's `warnings` of each run.
  std::vector<std::string> warnings;

  // The drain limit in force: `drain` if given; else the longest client request wait
  // (timeouts); else 10% of the issuing time (duration, or `issue_time` for `requests`), and
  // at least 1 s.
  Seconds drain_limit(Seconds issue_time) const;
};

// Loads and validates a scenario file. Every problem goes to `diag` (with file:line:col);
// returns nullopt when there is any error. `overrides` (--set, the point of a sweep) are
// applied in order to the parsed YAML before it is read (sim/config/overrides.hpp); a problem
// with one, or with the value it sets, is reported naming it ("--set components.api.workers=0:
// ..."). Each value of a `sweep:` block is checked the same way, on its own.
std::optional<Scenario> load_scenario_file(const std::string& path, const Registry& registry,
                                           Diagnostics& diag,
                                           const std::vector<Override>& overrides = {});
// Same, from text (tests); `file` names it in messages. Relative file names inside the scenario
// (empirical(file.csv)) are resolved against the directory of diag.file(), as for a file: the
// current directory when that name has no directory part.
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file,
                                           const Registry& registry, Diagnostics& diag,
                                           const std::vector<Override>& overrides = {});

}  // namespace sdsim
