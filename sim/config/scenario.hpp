// Scenario: the typed, validated form of a scenario file. Everything a run needs is here; no
// YAML is read after loading. docs/reference.md is the contract of the format.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/engine/fault_config.hpp"
#include "sim/engine/network_config.hpp"
#include "sim/metrics/slo.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

class Registry;

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

  // The drain limit in force: `drain` if given; else the longest client request wait
  // (timeouts); else 10% of the issuing time (duration, or `issue_time` for `requests`), and
  // at least 1 s.
  Seconds drain_limit(Seconds issue_time) const;
};

// Loads and validates a scenario file. Every problem goes to `diag` (with file:line:col);
// returns nullopt when there is any error.
std::optional<Scenario> load_scenario_file(const std::string& path, const Registry& registry,
                                           Diagnostics& diag);
// Same, from text (tests); `file` names it in messages. Relative file names inside the scenario
// (empirical(file.csv)) are resolved against the directory of diag.file(), as for a file: the
// current directory when that name has no directory part.
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file,
                                           const Registry& registry, Diagnostics& diag);

}  // namespace sdsim
