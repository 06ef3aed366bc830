// Small helpers shared by the validation tests: reading figures out of summary.json by a dotted
// path, and running a scenario text with the standard checks.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/sim_harness.hpp"

namespace sdsim::validation {

// The number at `path` ("components.api.p_wait") of a summary; throws with the path when it is
// missing or not a number, so a renamed field fails loudly instead of reading as 0.
inline double figure(const nlohmann::json& summary, const std::string& path) {
  const nlohmann::json* node = &summary;
  std::istringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (!node->is_object() || !node->contains(part))
      throw std::runtime_error("summary.json has no '" + path + "' (missing '" + part + "')");
    node = &(*node)[part];
  }
  if (!node->is_number()) throw std::runtime_error("summary.json '" + path + "' is not a number");
  return node->get<double>();
}

// printf-style formatting for scenario texts (the values of one test case).
template <class... Args>
std::string format(const char* pattern, Args... args) {
  std::string out(8192, '\0');
  const int size = std::snprintf(out.data(), out.size(), pattern, args...);
  if (size < 0 || static_cast<std::size_t>(size) >= out.size())
    throw std::runtime_error("format: the text does not fit in 8 KiB");
  out.resize(static_cast<std::size_t>(size));
  return out;
}

// Loads and runs a scenario text with the harness checks (no deadlock, conservation, run
// complete), and asserts no request was lost to the drain limit (every counted request must
// have ended for a steady-state estimate) and, unless `check_warnings` is false, that the run
// was not reported unsteady (these runs are all steady). Returns the summary.
inline nlohmann::json run_scenario_text(const std::string& yaml, const std::string& name,
                                        bool check_warnings = true) {
  auto s = sdsim::testing::load_text(yaml, name);
  if (!s) throw std::runtime_error(name + ": the scenario did not load");
  nlohmann::json summary = sdsim::testing::run_checked(*s).summary;
  EXPECT_EQ(figure(summary, "system.requests.outcomes.unfinished"), 0.0) << name;
  EXPECT_FALSE(summary["run"]["drain_limit_hit"].get<bool>()) << name;
  if (check_warnings) {
    EXPECT_TRUE(summary["warnings"].empty()) << name << ": " << summary["warnings"].dump();
  }
  return summary;
}

}  // namespace sdsim::validation
