// Overrides: `--set path=value` on the command line and the points of a sweep change the
// parsed YAML of a scenario before the loader reads it, so the loader checks an overridden
// value exactly as if it had been written in the file.
//
// A path is dotted (`components.api.workers`, `faults.split.for`, `clients.users.arrival`).
// Walking it from the top of the scenario:
//   - in a mapping, a segment is a key. A key that holds dots (`p99.9`) is matched when it is
//     present. An absent key is created, with the rest of the path as nested mappings
//     (`components.api.queue.capacity` when `api` has no `queue`); the loader then judges it
//     like any key (an unknown one gets its "did you mean").
//   - in a list, a segment is the `name` of an item (`components.api`); no item of that name
//     is an error with a "did you mean" among the names of that list.
//   - a scalar has no keys: going further is an error.
// The value is YAML text: a scalar (`32`, `10ms`, `exp(5ms)`) or flow YAML (`{capacity: 8}`,
// `[east, west]`); it replaces what was there.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/diagnostics.hpp"

namespace sdsim {

struct Override {
  std::string path;              // "components.api.workers"
  std::string value;             // YAML text: "32", "{capacity: 8}"
  std::string origin = "--set";  // what gave it, for messages ("--set", "--vary", "sweep")
  // "--set components.api.workers=32": how messages name it.
  std::string label() const { return origin + " " + path + "=" + value; }
};

// Parses "path=value" (split at the first '='). On a malformed text returns nullopt and sets
// *error (a sentence naming the problem).
std::optional<Override> parse_override(std::string_view text, std::string origin,
                                       std::string* error);

// Checks that `path` leads somewhere in `root` without changing it: "" when it does (absent
// mapping keys included, they would be created), else the problem, as a sentence.
std::string check_override_path(const YAML::Node& root, std::string_view path);

// Puts `value` at `path` in `root` (a mapping). Keys that have to be created are YAML nodes
// placed on `line` (1-based; a virtual line of Diagnostics, so that a loader message about them
// names the override); 0 leaves them without a place. Returns "" or the problem.
std::string set_at_path(YAML::Node& root, std::string_view path, const YAML::Node& value, int line);

// Parses YAML text as if it stood on `line` (1-based) of a file, so its nodes carry that line.
// Throws YAML::ParserException on a syntax error.
YAML::Node parse_at_line(const std::string& text, int line);

// Applies the overrides to `root` in order. Override i is placed on virtual line
// first_line + i of `diag` (pick a line after the file's end). Every problem is reported to
// `diag` as a whole-file error naming the override; returns false when there was any.
bool apply_overrides(YAML::Node& root, const std::vector<Override>& overrides, int first_line,
                     Diagnostics& diag);

// One line of flow YAML for a node ("8", "{capacity: 8}", "[east, west]").
std::string to_flow_yaml(const YAML::Node& node);

// Splits "v1,v2,..." at the commas outside brackets, parentheses and quotes
// ("exp(5ms),lognormal(median=1ms, p99=5ms)" gives two values); items are trimmed.
std::vector<std::string> split_values(std::string_view text);

// The values of one sweep axis that repeat an earlier value of it, each as (its index, "the value
// 'V' appears twice"). Values are compared as YAML (`{capacity: 8}` and `{capacity:  8}` are one
// value; a text that is not YAML is compared as is). A repeated value would run one point twice,
// under two ids. The `sweep:` block and `sdsim sweep --vary` both check their axes with it.
std::vector<std::pair<std::size_t, std::string>> repeated_sweep_values(
    const std::vector<std::string>& values);

}  // namespace sdsim
