#include "sim/config/overrides.hpp"

#include <algorithm>
#include <cctype>

#include "sim/core/text.hpp"

namespace sdsim {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::string current;
  for (char c : path) {
    if (c == '.') {
      out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  out.push_back(current);
  return out;
}

std::string join(const std::vector<std::string>& segs, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += (i == from ? "" : ".") + segs[i];
  return out;
}

// The `name` of a list item, "" when it has none (const access: nothing is inserted).
std::string name_of(const YAML::Node& item) {
  if (!item.IsMap()) return "";
  const YAML::Node name = item["name"];
  return name && name.IsScalar() ? name.Scalar() : "";
}

// A scalar key node on `line` (no place when line is 0).
YAML::Node key_node(const std::string& key, int line) {
  if (line <= 0) return YAML::Node(key);
  YAML::Emitter e;
  e << YAML::DoubleQuoted << key;
  return parse_at_line(e.c_str(), line);
}

// segs[from..] as nested mappings around `value`: {a: {b: value}}.
YAML::Node nest(const std::vector<std::string>& segs, std::size_t from, const YAML::Node& value,
                int line) {
  // A segment of digits continues the key before it (`p99.9`), as in walk().
  std::vector<std::string> keys;
  for (std::size_t k = from; k < segs.size(); ++k)
    if (!keys.empty() && segs[k].find_first_not_of("0123456789") == std::string::npos)
      keys.back() += "." + segs[k];
    else
      keys.push_back(segs[k]);
  YAML::Node inner = value;
  for (std::size_t k = keys.size(); k-- > 0;) {
    YAML::Node map = line > 0 ? parse_at_line("{}", line) : YAML::Node(YAML::NodeType::Map);
    map[key_node(keys[k], line)] = inner;
    inner.reset(map);
  }
  return inner;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Walks `path` in `root`. With `value` null, only checks; otherwise puts *value there.
std::string walk(YAML::Node root, std::string_view path, const YAML::Node* value, int line) {
  const std::vector<std::string> segs = split_path(path);
  for (const auto& s : segs)
    if (s.empty())
      return "malformed path '" + std::string(path) +
             "' (expected keys and names joined by '.', such as components.api.workers)";
  YAML::Node cur;
  cur.reset(root);
  std::size_t i = 0;
  std::string walked;  // the part of the path already followed
  auto here = [&] { return walked.empty() ? std::string("the top level") : quote(walked); };
  while (i < segs.size()) {
    if (cur.IsMap()) {
      YAML::Node child;
      std::size_t used = 0;
      // A key that holds dots (p99.9) spans several segments: the longest key present wins
      // (p99.9 over p99 when both are there).
      for (std::size_t j = segs.size(); j > i && used == 0; --j) {
        const std::string key = join(segs, i, j);
        for (auto kv : cur) {
          if (kv.first.IsScalar() && kv.first.Scalar() == key) {
            child.reset(kv.second);
            used = j - i;
            break;
          }
        }
      }
      // A segment of digits after a key continues it: `p99.9` (a percentile) is one key.
      auto key_end = [&segs](std::size_t from) {
        while (from < segs.size() &&
               segs[from].find_first_not_of("0123456789") == std::string::npos)
          ++from;
        return from;
      };
      if (used == 0) {  // absent: created (the loader judges the key)
        const std::size_t end = key_end(i + 1);
        if (value != nullptr)
          cur[key_node(join(segs, i, end), line)] = nest(segs, end, *value, line);
        return "";
      }
      // `slo.latency.p99.9` where only p99 is there: a single value has no key '9', so the
      // key meant is the absent `p99.9`, created beside it.
      if (child.IsScalar() && key_end(i + used) > i + used) {
        const std::size_t end = key_end(i + used);
        if (value != nullptr)
          cur[key_node(join(segs, i, end), line)] = nest(segs, end, *value, line);
        return "";
      }
      walked += (walked.empty() ? "" : ".") + join(segs, i, i + used);
      i += used;
      cur.reset(child);
    } else if (cur.IsSequence()) {
      std::vector<std::string> names;
      YAML::Node found;
      bool have = false;
      for (YAML::Node item : cur) {
        const std::string n = name_of(item);
        if (n.empty()) continue;
        names.push_back(n);
        if (!have && n == segs[i]) {
          found.reset(item);
          have = true;
        }
      }
      if (!have) {
        std::string msg = "no item named " + quote(segs[i]) + " in " + here();
        if (names.empty()) return msg + " (its items have no `name`: give one a name to set it)";
        const std::string hint = did_you_mean(segs[i], names);
        if (!hint.empty()) return msg + " (did you mean " + quote(hint) + "?)";
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        return msg + " (names there: " + list + ")";
      }
      walked += (walked.empty() ? "" : ".") + segs[i];
      ++i;
      cur.reset(found);
    } else if (cur.IsNull() ||
               !cur.IsDefined()) {  // `retry:` left empty in the file: --set fills it in
      if (value != nullptr) cur = nest(segs, i, *value, line);
      return "";
    } else {
      return here() + " is a single value (" + quote(cur.Scalar()) + "), it has no key " +
             quote(segs[i]);
    }
  }
  if (value != nullptr) cur = *value;  // replaces the node in the tree
  return "";
}

}  // namespace

std::optional<Override> parse_override(std::string_view text, std::string origin,
                                       std::string* error) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    *error = origin + " '" + std::string(text) +
             "': expected PATH=VALUE, such as components.api.workers=32";
    return std::nullopt;
  }
  Override o;
  o.path = std::string(text.substr(0, eq));
  o.value = std::string(text.substr(eq + 1));
  o.origin = std::move(origin);
  return o;
}

std::string check_override_path(const YAML::Node& root, std::string_view path) {
  return walk(root, path, nullptr, 0);
}

std::string set_at_path(YAML::Node& root, std::string_view path, const YAML::Node& value,
                        int line) {
  return walk(root, path, &value, line);
}

YAML::Node parse_at_line(const std::string& text, int line) {
  return YAML::Load(std::string(line > 1 ? line - 1 : 0, '\n') + text);
}

bool apply_overrides(YAML::Node& root, const std::vector<Override>& overrides, int first_line,
                     Diagnostics& diag) {
  bool ok = true;
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const Override& o = overrides[i];
    const int line = first_line + static_cast<int>(i);
    diag.add_virtual_line(line, o.label());
    YAML::Node value;
    try {
      // An empty text is an empty value (~) placed on the option's line, so that the "no
      // value" error names the option.
      value = parse_at_line(o.value.find_first_not_of(" \t") == std::string::npos ? "~" : o.value,
                            line);
    } catch (const YAML::ParserException& e) {
      diag.error({}, o.label() + ": YAML syntax: " + e.msg +
                         " (a value is a scalar or flow YAML, such as {capacity: 8}; quote the "
                         "whole option for the shell)");
      ok = false;
      continue;
    }
    const std::string problem = set_at_path(root, o.path, value, line);
    if (!problem.empty()) {
      diag.error({}, o.label() + ": " + problem);
      ok = false;
    }
  }
  return ok;
}

std::string to_flow_yaml(const YAML::Node& node) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << node;
  return e.c_str();
}

std::vector<std::string> split_values(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  char quote_char = 0;
  auto push = [&] {
    std::size_t b = 0, e = current.size();
    while (b < e && std::isspace(static_cast<unsigned char>(current[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(current[e - 1]))) --e;
    out.push_back(current.substr(b, e - b));
    current.clear();
  };
  for (char c : text) {
    if (quote_char != 0) {
      if (c == quote_char) quote_char = 0;
    } else if (c == '\'' || c == '"') {
      quote_char = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      push();
      continue;
    }
    current += c;
  }
  push();
  return out;
}

std::vector<std::pair<std::size_t, std::string>> repeated_sweep_values(
    const std::vector<std::string>& values) {
  std::vector<std::pair<std::size_t, std::string>> out;
  std::vector<std::string> seen;  // the values' YAML in flow form
  for (std::size_t j = 0; j < values.size(); ++j) {
    std::string canonical = values[j];
    try {
      canonical = to_flow_yaml(YAML::Load(values[j]));
    } catch (const YAML::Exception&) {
      // Not YAML: compared as written (the loader reports it when the point is checked).
    }
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end())
      out.emplace_back(j, "the value '" + values[j] + "' appears twice");
    seen.push_back(std::move(canonical));
  }
  return out;
}

}  // namespace sdsim
