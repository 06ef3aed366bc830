// Simulation: one run of a scenario on a fresh SimGrid engine. One per process (SimGrid keeps
// one engine per process; a second run in the same process would inherit its clock).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/scenario.hpp"
#include "sim/engine/run_control.hpp"

namespace sdsim {

class Tracer;

// Where a run stands, for a progress display (RunOptions::progress).
struct RunProgress {
  Seconds now = 0;                        // simulated time
  std::optional<Seconds> duration;        // the scenario's, if it has one
  std::uint64_t issued = 0;               // requests issued so far
  std::optional<std::uint64_t> requests;  // the scenario's request limit, if it has one
  std::uint64_t ended = 0;                // requests ended so far (counted or not)
  bool issuing = true;                    // false: draining
};

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  std::uint64_t replication = 0;
  // The `--set PATH=VALUE` texts the scenario was loaded with, as given (summary.json's
  // scenario.set: what ran, and how `sdsim merge` tells a sweep's run from another).
  std::vector<std::string> sets;
  std::ostream* timeseries = nullptr;   // CSV sink for the time series; may be null
  std::ostream* request_log = nullptr;  // per-request CSV log (validation, debugging); may be null
  std::ostream* latency_histogram = nullptr;  // latency_hist.csv (ok latency buckets); may be null
  RunGuards guards;  // event and in-flight budgets (defaults: see RunGuards)
  // SIGINT and SIGTERM stop the run cleanly (partial results) instead of killing the process
  // (stop_request.hpp); the default handlers are back when run_simulation returns.
  bool stop_on_signals = false;
  // Called every Calendar::kProgressEvents events (no event of its own: it cannot change
  // the run). May be empty.
  std::function<void(const RunProgress&)> progress;
  // Receives the spans of sampled requests (sim/metrics/tracer.hpp); may be null.
  Tracer* tracer = nullptr;
};

struct RunResult {
  nlohmann::json summary;  // the whole summary.json document (deterministic: no wall time)
  bool deadlock = false;   // SimGrid reported a deadlock (a bug in sdsim or a model)
  bool stalled = false;    // simulated time stopped advancing; the run was ended
  // Why the run was stopped before its end (max_events, max_inflight, SIGINT, SIGTERM,
  // stalled); empty when it ran to its end. Non-empty: the summary is partial.
  std::string stopped_by;
  double setup_seconds = 0;  // wall-clock time to build the platform and components
  double wall_seconds = 0;   // wall-clock time inside SimGrid's run (not in the summary)
  std::uint64_t issued = 0;  // requests issued over the whole run
};

RunResult run_simulation(const Scenario& scenario, const RunOptions& options);

}  // namespace sdsim
