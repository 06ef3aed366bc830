#include "sim/config/map_reader.hpp"

#include <charconv>
#include <filesystem>
#include <limits>
#include <map>

#include "sim/core/text.hpp"

namespace sdsim {

SourceMark mark_of(const YAML::Node& node) {
  if (!node.IsDefined()) return {};
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

namespace {

std::string type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + n.Scalar() + "'";
    default:
      return "an undefined value";
  }
}

// Column of character `offset` inside a scalar: quoted scalars start one column later.
SourceMark offset_mark(const YAML::Node& value, std::size_t offset) {
  SourceMark m = mark_of(value);
  if (m.line == 0) return m;
  const bool quoted = value.Tag() == "!";
  m.column += static_cast<int>(offset) + (quoted ? 1 : 0);
  return m;
}

std::string prefix(const std::string& context) { return context.empty() ? "" : context + ": "; }

}  // namespace

std::optional<double> read_quantity(const YAML::Node& value, Dimension dim,
                                    const std::string& context, Diagnostics& diag,
                                    bool allow_negative) {
  if (!value.IsScalar()) {
    diag.error(mark_of(value), prefix(context) + "expected " + std::string(dimension_example(dim)) +
                                   ", found " + type_name(value));
    return std::nullopt;
  }
  std::string err;
  std::size_t off = 0;
  auto v = parse_quantity(value.Scalar(), dim, &err, &off, allow_negative);
  if (!v) diag.error(offset_mark(value, off), prefix(context) + err);
  return v;
}

std::shared_ptr<const Distribution> read_distribution(const YAML::Node& value, Dimension dim,
                                                      const std::string& context, Diagnostics& diag,
                                                      bool in_flow) {
  if (!value.IsScalar()) {
    diag.error(mark_of(value), prefix(context) +
                                   "expected a distribution such as exp(10ms) or "
                                   "lognormal(median=12ms, p99=80ms), found " +
                                   type_name(value));
    return nullptr;
  }
  // Relative file names in the text (empirical) name files next to the scenario file.
  const DistributionContext where{std::filesystem::path(diag.file()).parent_path()};
  DistributionParse p = parse_distribution(value.Scalar(), dim, where);
  if (!p.dist) {
    std::string message = p.error;
    const std::string& text = value.Scalar();
    if (in_flow && text.find('(') != std::string::npos && text.find(')') == std::string::npos)
      message += " (inside { } a comma ends the value: quote it, e.g. '" + text + ", ...)')";
    diag.error(offset_mark(value, p.error_offset), prefix(context) + message);
    return nullptr;
  }
  return std::shared_ptr<const Distribution>(std::move(p.dist));
}

MapReader::MapReader(const YAML::Node& node, std::string context, Diagnostics& diag)
    : node_(node), context_(std::move(context)), diag_(diag), is_map_(node.IsMap()) {
  if (!is_map_) {
    diag_.error(mark_of(node_), prefix(context_) + "expected a mapping of keys to values, found " +
                                    type_name(node_));
    return;
  }
  check_duplicates();
}

void MapReader::check_duplicates() {
  std::map<std::string, SourceMark, std::less<>> seen;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) {
      diag_.error(mark_of(kv.first), prefix(context_) + "a key must be a plain name");
      continue;
    }
    auto [it, inserted] = seen.emplace(kv.first.Scalar(), mark_of(kv.first));
    if (!inserted)
      diag_.error(mark_of(kv.first), prefix(context_) + "duplicate key '" + kv.first.Scalar() +
                                         "' (first at line " + std::to_string(it->second.line) +
                                         ")");
    // `workers:` with nothing after it (or ~, null, --set KEY=) is not the default: it is
    // most often a value lost in editing, so it is an error, as a missing required key is.
    else if (kv.second.IsNull()) {
      // At the key, or at the --set option that emptied a key of the file.
      const SourceMark value_at = mark_of(kv.second);
      diag_.error(diag_.is_virtual_line(value_at.line) ? value_at : mark_of(kv.first),
                  prefix(context_) + kv.first.Scalar() +
                      ": no value (give one after the ':', [] for an empty list, or remove the "
                      "key for its default)");
      diag_.note_empty_value(mark_of(kv.second), kv.first.Scalar());
    }
  }
}

YAML::Node MapReader::find(std::string_view key) const {
  if (!is_map_) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node_)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

bool MapReader::has(std::string_view key) {
  accepted_.emplace(key);
  // A key written without a value counts as given: it is reported once (check_duplicates),
  // and a "missing X" error beside that would be a second report of the same line.
  return find(key).IsDefined();
}

YAML::Node MapReader::get(std::string_view key) {
  accepted_.emplace(key);
  return find(key);
}

SourceMark MapReader::mark_of_key(std::string_view key) const {
  if (is_map_)
    for (const auto& kv : node_)
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return mark_of(kv.first);
  return mark_of(node_);
}

SourceMark MapReader::mark_of_value(std::string_view key) const {
  const YAML::Node v = find(key);
  return v.IsDefined() ? mark_of(v) : mark_of(node_);
}

void MapReader::error(SourceMark at, const std::string& message) {
  diag_.error(at, prefix(context_) + message);
}

void MapReader::error_at(std::string_view key, const std::string& message) {
  error(mark_of_value(key), message);
}

bool MapReader::scalar_or_error(std::string_view key, const YAML::Node& value) {
  if (value.IsScalar()) return true;
  error(mark_of(value), std::string(key) + ": expected a single value, found " + type_name(value));
  return false;
}

std::optional<YAML::Node> MapReader::value_of(std::string_view key, bool required,
                                              std::string_view example) {
  if (!is_map_) return std::nullopt;  // already reported: not a mapping
  const YAML::Node v = get(key);
  if (v.IsDefined() && !v.IsNull()) return v;
  if (required && !v.IsDefined())  // a key without a value is reported by the constructor
    missing(key, "missing required key '" + std::string(key) + "'" +
                     (example.empty() ? "" : " (" + std::string(example) + ")"));
  return std::nullopt;
}

std::string MapReader::key_context(std::string_view key) const {
  return context_.empty() ? std::string(key) : context_ + "." + std::string(key);
}

std::optional<std::string> MapReader::string(std::string_view key, bool required) {
  const auto v = value_of(key, required);
  if (!v || !scalar_or_error(key, *v)) return std::nullopt;
  return v->Scalar();
}

std::optional<double> MapReader::quantity(std::string_view key, Dimension dim, bool required) {
  const auto v = value_of(key, required, dimension_example(dim));
  if (!v) return std::nullopt;
  return read_quantity(*v, dim, key_context(key), diag_);
}

std::optional<double> MapReader::positive_quantity(std::string_view key, Dimension dim,
                                                   std::string_view hint, bool required) {
  const auto v = value_of(key, required, dimension_example(dim));
  if (!v) return std::nullopt;
  const auto q = read_quantity(*v, dim, key_context(key), diag_, true);
  if (!q) return std::nullopt;
  if (!(*q > 0)) {
    error(mark_of(*v),
          std::string(key) + " must be > 0, got '" + v->Scalar() + "'" + std::string(hint));
    return std::nullopt;
  }
  return q;
}

std::optional<std::int64_t> MapReader::integer(std::string_view key, std::int64_t min,
                                               std::int64_t max, bool required) {
  const auto node = value_of(key, required);
  if (!node || !scalar_or_error(key, *node)) return std::nullopt;
  const YAML::Node& v = *node;
  const std::string& s = v.Scalar();
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    error(mark_of(v), std::string(key) + ": expected a whole number, found '" + s + "'");
    return std::nullopt;
  }
  if (out < min || out > max) {
    std::string range = max == std::numeric_limits<std::int64_t>::max()
                            ? ">= " + std::to_string(min)
                            : "between " + std::to_string(min) + " and " + std::to_string(max);
    error(mark_of(v), std::string(key) + ": " + s + " is out of range (must be " + range + ")");
    return std::nullopt;
  }
  return out;
}

std::optional<bool> MapReader::boolean(std::string_view key) {
  const YAML::Node v = get(key);
  if (!v.IsDefined() || v.IsNull()) return std::nullopt;
  if (!scalar_or_error(key, v)) return std::nullopt;
  const std::string& s = v.Scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  error(mark_of(v), std::string(key) + ": expected true or false, found '" + s + "'");
  return std::nullopt;
}

std::optional<std::string> MapReader::choice(std::string_view key,
                                             const std::vector<std::string>& choices,
                                             bool required) {
  auto s = string(key, required);
  if (!s) return s;
  for (const auto& c : choices)
    if (c == *s) return s;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  std::string msg = std::string(key) + ": unknown value '" + *s + "' (expected " +
                    (choices.size() == 1 ? list : "one of " + list) + ")";
  const std::string hint = did_you_mean(*s, choices);
  if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
  error(mark_of(find(key)), msg);
  return std::nullopt;
}

std::shared_ptr<const Distribution> MapReader::distribution(std::string_view key, Dimension dim,
                                                            bool required) {
  const auto v = value_of(key, required, "a distribution such as exp(10ms)");
  if (!v) return nullptr;
  return read_distribution(*v, dim, key_context(key), diag_,
                           node_.Style() == YAML::EmitterStyle::Flow);
}

bool MapReader::has_misspelling_of(std::string_view key) const {
  if (!is_map_) return false;
  const std::vector<std::string> target{std::string(key)};
  for (const auto& kv : node_)
    if (kv.first.IsScalar() && kv.first.Scalar() != key && !accepted_.count(kv.first.Scalar()) &&
        !did_you_mean(kv.first.Scalar(), target).empty())
      return true;
  return false;
}

void MapReader::error_unless_unknown_keys(SourceMark at, std::string message) {
  unless_unknown_.emplace_back(at, std::move(message));
}

MapReader::~MapReader() {
  if (!finished_) finish();
}

void MapReader::missing(std::string_view key, std::string message) {
  for (const auto& [k, _] : missing_)
    if (k == key) return;
  missing_.emplace_back(std::string(key), std::move(message));
}

void MapReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (!is_map_) return;
  const std::vector<std::string> known(accepted_.begin(), accepted_.end());
  diag_.log_keys(mark_of(node_), known);
  std::set<std::string, std::less<>> misspelt;  // missing keys an unknown key stands for
  bool unknown = false;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    if (accepted_.count(k)) continue;
    unknown = true;
    std::string msg = "unknown key '" + k + "'";
    if (k.find(')') != std::string::npos) {
      // The tail of a value cut by a comma in a { } mapping: `service_time: uniform(1ms, 2ms)`.
      error(mark_of(kv.first), msg +
                                   ": this looks like the end of a value cut at a comma; quote "
                                   "values with commas inside { }");
      continue;
    }
    const std::string hint = did_you_mean(k, known);
    if (!hint.empty()) {
      msg += " (did you mean '" + hint + "'?)";
      misspelt.insert(hint);
    } else {
      std::string list;
      for (const auto& a : known) list += (list.empty() ? "" : ", ") + a;
      msg += " (accepted here: " + list + ")";
    }
    error(mark_of(kv.first), msg);
  }
  for (const auto& [key, message] : missing_)
    if (!misspelt.count(key)) error(mark_of(node_), message);
  if (!unknown)
    for (const auto& [at, message] : unless_unknown_) error(at, message);
}

}  // namespace sdsim
