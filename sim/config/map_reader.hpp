// MapReader: the typed reader every scenario parser (the top level and each kind's parser in
// models/) is built on. It reads one YAML mapping, converts values with their units, checks
// types and ranges, and records every problem in Diagnostics with its line and column, then
// keeps going so that all problems are reported at once. The keys a parser asks about are the
// keys it accepts: finish() reports every other key, with a "did you mean" suggestion.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "sim/core/units.hpp"
#include "sim/dist/distribution.hpp"

namespace sdsim {

// 1-based mark of a node (yaml-cpp marks are 0-based).
SourceMark mark_of(const YAML::Node& node);

class MapReader {
 public:
  // `node` should be a mapping; if it is not, one error is reported and every read returns
  // nothing. `context` prefixes messages ("api", "network", "clients.shoppers").
  MapReader(const YAML::Node& node, std::string context, Diagnostics& diag);
  ~MapReader();
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool ok() const { return is_map_; }
  const std::string& context() const { return context_; }
  Diagnostics& diag() { return diag_; }
  SourceMark mark() const { return mark_of(node_); }

  // Declares `key` accepted and tells whether it is present (written without a value too: that
  // is reported once, by the constructor, and the key counts as given).
  bool has(std::string_view key);
  // Declares `key` accepted; returns its value node (an invalid node when absent).
  YAML::Node get(std::string_view key);
  SourceMark mark_of_key(std::string_view key) const;
  SourceMark mark_of_value(std::string_view key) const;

  // Typed reads. An absent key gives nullopt and, when `required`, an error
  // "missing required key"; a present key of the wrong type or out of range gives an error
  // and nullopt.
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<double> quantity(std::string_view key, Dimension dim, bool required = false);
  // A quantity that must be > 0: a negative value and zero get the same message, "KEY must be
  // > 0, got 'TEXT'" followed by `hint` (such as " (leave it out for no timeout)").
  std::optional<double> positive_quantity(std::string_view key, Dimension dim,
                                          std::string_view hint = {}, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false);
  std::optional<bool> boolean(std::string_view key);
  // One of `choices`; a near miss gets "did you mean".
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& choices,
                                    bool required = false);
  // A distribution (see read_distribution for file names inside it).
  std::shared_ptr<const Distribution> distribution(std::string_view key, Dimension dim,
                                                   bool required = false);

  // Reports an error at `key`'s value (or at the map when absent).
  void error_at(std::string_view key, const std::string& message);
  // Reports an error for a present key whose value (node) is wrong, prefixing the context.
  void error(SourceMark at, const std::string& message);

  // Reports keys never asked about (unknown keys) with suggestions, and missing required keys
  // (a missing key that an unknown key looks like a misspelling of is reported once, as the
  // misspelling). Call once, last; the destructor calls it otherwise.
  void finish();
  // True when a key of this mapping that nobody asked about looks like a misspelling of
  // `key` (so "missing 'key'" would be a second report of the same mistake).
  bool has_misspelling_of(std::string_view key) const;
  // Reports an error for a mapping that lacks what it needs ("give one of a, b or c"), unless
  // finish() reports an unknown key in it: that key is then the reason (`{p95: 100ms}` where
  // p50, p99 or p99.9 is expected), and its message already lists the keys accepted here.
  // Reported by finish(), once every accepted key has been asked about.
  void error_unless_unknown_keys(SourceMark at, std::string message);
  // Gives up on this mapping without reporting its keys (its kind is unknown, so which keys
  // it may have is unknown too).
  void abandon() { finished_ = true; }

 private:
  YAML::Node find(std::string_view key) const;
  void check_duplicates();
  void missing(std::string_view key, std::string message);
  // The value of `key` when present (not null); otherwise nullopt, and a "missing required
  // key" report when `required` (`example` says what is expected).
  std::optional<YAML::Node> value_of(std::string_view key, bool required,
                                     std::string_view example = {});
  // "context.key", for messages about a value.
  std::string key_context(std::string_view key) const;
  bool scalar_or_error(std::string_view key, const YAML::Node& value);

  YAML::Node node_;
  std::string context_;
  Diagnostics& diag_;
  bool is_map_;
  std::set<std::string, std::less<>> accepted_;
  std::vector<std::pair<std::string, std::string>> missing_;  // (key, message)
  std::vector<std::pair<SourceMark, std::string>> unless_unknown_;
  bool finished_ = false;
};

// Parses a YAML scalar that holds a quantity, reporting errors at the right column.
// `allow_negative`: see parse_quantity.
std::optional<double> read_quantity(const YAML::Node& value, Dimension dim,
                                    const std::string& context, Diagnostics& diag,
                                    bool allow_negative = false);
// Same for a distribution. A relative file name in it (empirical(file.csv)) is resolved against
// the directory of diag.file(), the scenario file being read (the current directory when that
// name has no directory part). `in_flow`: the value sits in a flow mapping or sequence ({ } or
// [ ]), where a comma ends it; then an unclosed '(' gets a hint to quote the value.
std::shared_ptr<const Distribution> read_distribution(const YAML::Node& value, Dimension dim,
                                                      const std::string& context, Diagnostics& diag,
                                                      bool in_flow);

}  // namespace sdsim
