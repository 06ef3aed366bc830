// Test harness for simulation tests: loads a scenario (text or file), runs it in this process
// (ctest runs each test case in its own process: one SimGrid engine per process), and checks
// what every simulation test must check: no SimGrid deadlock, and conservation (each issued
// request ended in exactly one outcome), overall and per client.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "models/models.hpp"
#include "sim/config/scenario.hpp"
#include "sim/engine/simulation.hpp"

namespace sdsim::testing {

struct SimRun {
  nlohmann::json summary;
  std::string timeseries;   // CSV text
  std::string request_log;  // CSV text when asked for
};

// Loads `yaml` (file name `name` in messages); fails the test with the diagnostics if invalid.
std::optional<Scenario> load_text(const std::string& yaml, const std::string& name = "test.yaml");
std::optional<Scenario> load_file(const std::string& path);

// Runs the scenario and asserts no deadlock and conservation. `seed` overrides the
// scenario's seed when set.
SimRun run_checked(const Scenario& scenario, bool with_request_log = false,
                   std::optional<std::uint64_t> seed = std::nullopt);

// Runs the scenario with resource guards that are expected to stop it early: asserts no
// deadlock, a summary marked partial with run.status `stopped`, and conservation (open
// requests end as unfinished). Returns the summary and time series.
SimRun run_guarded(const Scenario& scenario, const RunGuards& guards);

// Conservation of one scope's summary block ("system" or a client): issued == sum of outcomes.
void expect_conserved(const nlohmann::json& scope, const std::string& label);

// Prints "formula | expected | measured | tolerance" for a validation test and checks
// |measured - expected| <= tolerance.
void expect_near_theory(const std::string& what, const std::string& formula, double expected,
                        double measured, double tolerance);

// The value at a dotted path of a summary ("clients.c.latency_ms.p99"); throws a
// std::runtime_error naming the missing part when absent.
const nlohmann::json& at(const nlohmann::json& j, const std::string& path);
double num(const nlohmann::json& j, const std::string& path);
std::uint64_t count(const nlohmann::json& j, const std::string& path);

// Loads `yaml` (fails the test when it does not load) and runs it with run_checked.
SimRun run_yaml(const std::string& yaml, bool with_request_log = false);

// One line of a request log (client,request,issued_s,ended_s,outcome; exact hex floats).
struct LoggedRequest {
  std::string client;
  std::uint64_t id = 0;
  double issued = 0, ended = 0;
  std::string outcome;
};
// The requests of a run made with_request_log, in the order they ended; a malformed line
// fails the test.
std::vector<LoggedRequest> request_log(const SimRun& run);

// The sum of `metric` of `scope` over the time-series windows starting in [from, to) (an
// empty cell counts 0).
double window_sum(const std::string& timeseries_csv, const std::string& scope,
                  const std::string& metric, double from, double to);

// One metric of one scope of timeseries.csv, by window start (empty cells left out).
std::map<double, double> window_series(const std::string& timeseries_csv, const std::string& scope,
                                       const std::string& metric);

// Path of a file in the source tree (tests read scenarios/ and tests/config/).
std::string source_path(const std::string& relative);

}  // namespace sdsim::testing
