// Diagnostics: every problem found while loading a scenario, reported together, compiler
// style ("scenarios/x.yaml:14:7: error: api: unknown key 'wokers' (did you mean 'workers'?)").
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sdsim {

// A place in a scenario file, 1-based. line == 0 means "no place" (a whole-file problem).
struct SourceMark {
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity;
  SourceMark mark;
  std::string message;
};

class Diagnostics {
 public:
  // `file`: the scenario file as given (messages name it; the typed reader also resolves file
  // names written inside the scenario against its directory, see read_distribution).
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(SourceMark at, std::string message);
  void warning(SourceMark at, std::string message);

  bool has_errors() const { return errors_ > 0; }
  int error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  const std::string& file() const { return file_; }

  // One line per diagnostic, sorted by position (stable), "file:line:col: error: msg".
  std::string format() const;

  // Text that is not in the file (a `--set path=value` of the command line) is parsed as if it
  // stood on a line after the file's end. A diagnostic later placed on such a line is stored as
  // a whole-file one (no line) whose message starts with `label` ("--set path=value: ...").
  void add_virtual_line(int line, std::string label);
  bool is_virtual_line(int line) const { return virtual_lines_.contains(line); }
  // The key log (off by default): when on, every mapping read by a MapReader records where it
  // is and the keys its parser accepted there. It is the loader's own list of the scenario keys
  // (`sdsim keys`, which the schema test compares with docs/scenario.schema.json).
  struct AcceptedKeys {
    SourceMark mark;  // the mapping's position
    std::vector<std::string> keys;
  };
  void enable_key_log() { key_log_on_ = true; }
  bool key_log_enabled() const { return key_log_on_; }
  void log_keys(SourceMark at, std::vector<std::string> keys) {
    if (key_log_on_) key_log_.push_back({at, std::move(keys)});
  }
  const std::vector<AcceptedKeys>& key_log() const { return key_log_; }

  // A key written without a value (`workers:`) is reported once, where the key is (MapReader).
  // The empty value's position is noted with the key, and a later error placed there that
  // names the key ("api.calls: expected a list of calls") is dropped: it comes from a reader
  // that met the empty value and would report the same line again. (An empty value's position
  // is where the next token starts, such as the next key: errors about that key are kept.)
  void note_empty_value(SourceMark at, const std::string& key) {
    if (at.line > 0) empty_values_[{at.line, at.column}].push_back(key + ":");
  }

 private:
  std::string file_;
  std::map<int, std::string> virtual_lines_;
  std::vector<Diagnostic> items_;
  int errors_ = 0;
  bool key_log_on_ = false;
  std::vector<AcceptedKeys> key_log_;
  std::map<std::pair<int, int>, std::vector<std::string>> empty_values_;  // "key:" texts
};

}  // namespace sdsim
