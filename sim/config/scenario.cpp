#include "sim/config/scenario.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <vector>

#include "sim/config/call_graph_checks.hpp"
#include "sim/config/fault_parser.hpp"
#include "sim/config/map_reader.hpp"
#include "sim/config/network_parser.hpp"
#include "sim/config/overrides.hpp"
#include "sim/core/text.hpp"
#include "sim/registry/registry.hpp"

namespace sdsim {

Seconds Scenario::drain_limit(Seconds issue_time) const {
  if (drain) return *drain;
  std::optional<Seconds> longest;
  for (const auto& c : clients) {
    auto w = c->longest_request_wait();
    if (!w) {
      longest.reset();
      break;
    }
    longest = std::max(longest.value_or(0), *w);
  }
  if (longest) return *longest;
  return std::max(0.1 * issue_time, 1.0);
}

namespace {

class Index final : public ConfigIndex {
 public:
  Index(const Scenario& s, const std::map<std::string, SourceMark>& all_names) : all_(all_names) {
    std::map<std::string, int> uses;
    for (const auto& c : s.clients) ++uses[c->name];
    for (const auto& c : s.components) ++uses[c->name];
    // A name used twice is an error already; references to it resolve to nothing, silently.
    for (const auto& c : s.clients)
      if (uses[c->name] == 1) by_name_.emplace(c->name, c.get());
    for (const auto& c : s.components)
      if (uses[c->name] == 1) by_name_.emplace(c->name, c.get());
  }
  bool exists(std::string_view name) const override { return all_.count(std::string(name)) > 0; }
  const ComponentConfig* find(std::string_view name) const override {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : it->second;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [n, _] : all_) out.push_back(n);
    return out;
  }

 private:
  std::map<std::string, const ComponentConfig*> by_name_;
  const std::map<std::string, SourceMark>& all_;
};

// The file's name without extension, made a valid name ("my plan.v2" -> "my-plan-v2"): it
// names the output folder when the scenario has no `name`.
std::string stem_of(const std::string& file) {
  std::string stem = std::filesystem::path(file).stem().string();
  for (char& ch : stem)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '-';
  if (stem.empty() || !std::isalpha(static_cast<unsigned char>(stem[0]))) stem = "s-" + stem;
  return stem.substr(0, 64);
}

// Parses one `clients:` or `components:` list.
void parse_list(const YAML::Node& list, const char* section, bool clients, const Registry& registry,
                Diagnostics& diag, std::vector<std::unique_ptr<ComponentConfig>>& out,
                std::map<std::string, SourceMark>& names) {
  if (!list.IsSequence()) {
    diag.error(mark_of(list), std::string(section) + ": expected a list (items start with '- ')");
    return;
  }
  if (list.size() == 0) {
    diag.error(mark_of(list), std::string(section) +
                                  ": the list is empty; a scenario needs at least one " +
                                  (clients ? "client" : "component"));
    return;
  }
  int index = 0;
  for (const YAML::Node& item : list) {
    ++index;
    std::string label = std::string(section) + "[" + std::to_string(index) + "]";
    if (!item.IsMap()) {
      diag.error(mark_of(item), label + ": expected a mapping with at least a name");
      continue;
    }
    // Peek the name for a better message context.
    std::string name;
    if (item["name"] && item["name"].IsScalar()) name = item["name"].Scalar();
    MapReader r(item, name.empty() ? label : name, diag);
    auto name_opt = r.string("name", true);
    if (name_opt) {
      if (!is_valid_name(*name_opt)) {
        r.error_at("name", "invalid name '" + *name_opt +
                               "': use letters, digits, '_' and '-', starting with a letter");
      } else if (auto [it, inserted] = names.emplace(*name_opt, r.mark_of_value("name"));
                 !inserted) {
        r.error_at("name", "duplicate name '" + *name_opt + "' (first used at line " +
                               std::to_string(it->second.line) + ")");
      }
    }
    const ParseFn* parse = nullptr;
    std::string kind;
    if (clients) {
      parse = registry.client_parser();
      kind = "client";
    } else if (!r.has("kind")) {
      std::string list_text;
      for (const auto& kk : registry.component_kinds())
        list_text += (list_text.empty() ? "" : ", ") + kk;
      r.error(r.mark(), "missing required key 'kind' (one of " + list_text + ")");
    } else if (auto k = r.string("kind")) {
      kind = *k;
      parse = registry.component_kind(kind);
      if (parse == nullptr) {
        std::string msg = "unknown kind '" + kind + "'";
        const std::string hint = did_you_mean(kind, registry.component_kinds());
        if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
        std::string list_text;
        for (const auto& kk : registry.component_kinds())
          list_text += (list_text.empty() ? "" : ", ") + kk;
        msg += "; known kinds: " + list_text;
        r.error_at("kind", msg);
      }
    }
    if (parse == nullptr) {
      r.abandon();
      continue;
    }
    std::unique_ptr<ComponentConfig> config = (*parse)(r);
    r.finish();
    if (!config) continue;
    config->name = name_opt.value_or(label);
    config->kind = kind;
    config->mark = r.mark();
    config->is_client = clients;
    out.push_back(std::move(config));
  }
}

// `sweep: {vary: {<path>: [v1, v2, ...]}, replications: R}`: the paths must lead somewhere in
// the scenario (`root`); each value is checked later, in place (check_sweep_values).
void parse_sweep(const YAML::Node& node, const YAML::Node& root, Diagnostics& diag,
                 SweepConfig& out) {
  MapReader r(node, "sweep", diag);
  if (!r.ok()) return;
  if (r.has("replications")) {
    if (auto n = r.integer("replications", 1, 100000))
      out.replications = static_cast<std::uint64_t>(*n);
  }
  if (r.has("vary")) {
    const YAML::Node vary = r.get("vary");
    if (!vary.IsMap()) {
      r.error(mark_of(vary),
              "vary: expected a mapping from paths to lists of values, such as "
              "{components.api.workers: [4, 8, 16]}");
    } else {
      std::map<std::string, SourceMark> seen;
      for (const auto& kv : vary) {
        const std::string path = kv.first.Scalar();
        const SourceMark at = mark_of(kv.first);
        if (auto [it, fresh] = seen.emplace(path, at); !fresh) {
          r.error(at, "vary: '" + path + "' is varied twice (first at line " +
                          std::to_string(it->second.line) + ")");
          continue;
        }
        if (path == "seed") {
          r.error(at,
                  "vary: 'seed' cannot be varied: replication k of every point runs with its own "
                  "seed (set `replications`)");
          continue;
        }
        if (const std::string problem = check_override_path(root, path); !problem.empty()) {
          r.error(at, "vary: " + path + ": " + problem);
          continue;
        }
        if (!kv.second.IsSequence() || kv.second.size() == 0) {
          r.error(mark_of(kv.second), "vary: " + path +
                                          ": expected a non-empty list of values, such as "
                                          "[4, 8, 16]");
          continue;
        }
        SweepAxis axis{path, {}};
        for (const auto& v : kv.second) axis.values.push_back(to_flow_yaml(v));
        for (const auto& [j, problem] : repeated_sweep_values(axis.values))
          r.error(mark_of(kv.second[j]), "vary: " + path + ": " + problem);
        out.vary.push_back(std::move(axis));
      }
    }
  }
  r.finish();
}

std::optional<Scenario> build(const YAML::Node& root, const std::string& file,
                              const Registry& registry, Diagnostics& diag) {
  Scenario s;
  s.file = file;
  MapReader top(root, "", diag);
  if (!top.ok()) return std::nullopt;

  const std::optional<std::string> given_name = top.string("name");
  s.name = given_name.value_or(stem_of(file));
  if (given_name && !is_valid_name(s.name))
    top.error_at("name",
                 "invalid name '" + s.name +
                     "': use letters, digits, '_' and '-', starting with a letter (it names "
                     "the output folder)");
  s.description = top.string("description").value_or("");
  if (top.has("seed")) {
    if (auto seed = top.integer("seed", 0, std::numeric_limits<std::int64_t>::max()))
      s.seed = static_cast<std::uint64_t>(*seed);
  }
  s.duration = top.positive_quantity("duration", Dimension::kTime);
  if (top.has("requests")) {
    if (auto n = top.integer("requests", 1, std::numeric_limits<std::int64_t>::max()))
      s.requests = static_cast<std::uint64_t>(*n);
  }
  const bool has_duration = top.has("duration");
  const bool has_requests = top.has("requests");
  if (has_duration && has_requests)
    top.error(top.mark_of_key("requests"), "give either 'duration' or 'requests', not both");
  if (!has_duration && !has_requests && !top.has_misspelling_of("duration") &&
      !top.has_misspelling_of("requests"))
    top.error(top.mark(),
              "missing 'duration' (e.g. duration: 300s) or 'requests' (e.g. requests: 100000)");

  s.warmup = top.quantity("warmup", Dimension::kTime).value_or(0);
  if (s.duration && s.warmup >= *s.duration && *s.duration > 0)
    top.error_at("warmup", "warmup (" + format_quantity(s.warmup, Dimension::kTime) +
                               ") must be shorter than duration (" +
                               format_quantity(*s.duration, Dimension::kTime) +
                               "): nothing would be measured");
  if (auto w = top.positive_quantity("window", Dimension::kTime)) s.window = *w;
  if (s.duration && *s.duration / s.window > 1e5)
    top.error_at("window", "window " + format_seconds(s.window) +
                               " makes more than 10^5 windows over " + format_seconds(*s.duration) +
                               "; use a longer window");
  if (auto d = top.quantity("drain", Dimension::kTime)) s.drain = *d;

  if (top.has("slo")) {
    MapReader slo(top.get("slo"), "slo", diag);
    if (slo.has("availability")) {
      if (auto a = slo.quantity("availability", Dimension::kFraction)) {
        if (*a <= 0 || *a > 1)
          slo.error_at("availability", "availability must be in (0, 100%]");
        else
          s.slo.availability = *a;
      }
    }
    if (slo.has("latency")) {
      MapReader lat(slo.get("latency"), "slo.latency", diag);
      auto target = [&](const char* key, std::optional<Seconds>& out) {
        if (auto v = lat.positive_quantity(key, Dimension::kTime)) out = *v;
      };
      target("p50", s.slo.p50);
      target("p99", s.slo.p99);
      target("p99.9", s.slo.p999);
      if (lat.ok() && !lat.has("p50") && !lat.has("p99") && !lat.has("p99.9"))
        lat.error_unless_unknown_keys(lat.mark(),
                                      "expected at least one percentile target: p50, p99 or p99.9");
      lat.finish();
    }
    if (slo.ok() && !slo.has("availability") && !slo.has("latency"))
      slo.error_unless_unknown_keys(
          slo.mark(),
          "expected an availability target, latency targets, or both, such as "
          "{latency: {p99: 300ms}, availability: 99.9%}");
    slo.finish();
  }

  NetworkMembers zone_members;
  if (top.has("network")) {
    MapReader net(top.get("network"), "network", diag);
    parse_network(net, s.network, zone_members);
  }

  std::map<std::string, SourceMark> names;
  if (top.has("clients"))
    parse_list(top.get("clients"), "clients", true, registry, diag, s.clients, names);
  else
    top.error(top.mark(), "missing 'clients': a scenario needs at least one client");
  if (top.has("components"))
    parse_list(top.get("components"), "components", false, registry, diag, s.components, names);
  else
    top.error(top.mark(), "missing 'components': a scenario needs at least one component");
  std::optional<YAML::Node> faults;
  if (top.has("faults")) faults = top.get("faults");
  if (top.has("sweep")) parse_sweep(top.get("sweep"), root, diag, s.sweep);
  top.finish();

  // Names are resolved even when other items have errors, so every problem shows at once;
  // a reference to an item that failed to parse is not reported again.
  Index index(s, names);
  for (const auto& c : s.clients) c->resolve(index, diag);
  for (const auto& c : s.components) c->resolve(index, diag);
  resolve_network(s.network, zone_members, s.clients, s.components, index, diag);
  if (faults) parse_faults(*faults, s.network, index, s.duration, diag, s.faults);
  if (!diag.has_errors()) check_cycles(s, index, diag);
  if (diag.has_errors()) return std::nullopt;
  check_reached(s, diag);
  return s;
}

// Each value of the sweep is loaded in its place, on its own (with the overrides), so a bad
// value is reported now rather than when its run starts: "sweep: components.api.workers=0:
// api: ...", at the value in the file when the loader's message is about it.
void check_sweep_values(const std::string& text, const std::string& file, const Registry& registry,
                        const std::vector<Override>& overrides, int first_line,
                        const SweepConfig& sweep, Diagnostics& diag) {
  for (std::size_t a = 0; a < sweep.vary.size(); ++a) {
    const SweepAxis& axis = sweep.vary[a];
    for (std::size_t j = 0; j < axis.values.size(); ++j) {
      Diagnostics sub(diag.file());
      YAML::Node root = YAML::Load(text);
      apply_overrides(root, overrides, first_line, sub);
      // The value node of the file itself, so that messages about it point at it.
      YAML::Node value;
      const YAML::Node& const_root = root;
      const YAML::Node vary = const_root["sweep"]["vary"];
      for (const auto& kv : vary)
        if (kv.first.Scalar() == axis.path) value.reset(kv.second[j]);
      const std::string label = "sweep: " + axis.path + "=" + axis.values[j];
      const int line = first_line + static_cast<int>(overrides.size());
      sub.add_virtual_line(line, label);
      if (std::string problem = set_at_path(root, axis.path, value, line); !problem.empty()) {
        diag.error({}, label + ": " + problem);
        continue;
      }
      build(root, file, registry, sub);
      for (const Diagnostic& d : sub.all())
        if (d.severity == Diagnostic::Severity::kError)
          diag.error(d.mark, d.mark.line > 0 ? label + ": " + d.message : d.message);
    }
  }
}
// Where each YAML document of a text starts: the mark of its root node. Reads at most two
// documents, and stops at a document that starts where the one before it started: yaml-cpp 0.7
// (Debian 12) returns an empty document without consuming anything for some malformed input,
// such as a lone ',', so its LoadAll loops forever, allocating (yaml-cpp issue #1040, fixed
// upstream in 2024 by PR #1319; found here by the fuzzer, tests/config/yaml_lone_comma.yaml).
class DocumentRoots final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> roots;
  void OnDocumentStart(const YAML::Mark&) override { in_document_ = true; }
  void OnDocumentEnd() override { in_document_ = false; }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& m) {
    if (in_document_) roots.push_back(m);
    in_document_ = false;  // only the root
  }
  bool in_document_ = false;
};

}  // namespace

std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file,
                                           const Registry& registry, Diagnostics& diag,
                                           const std::vector<Override>& overrides) {
  YAML::Node root;
  try {
    // Not YAML::LoadAll: see DocumentRoots.
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentRoots documents;
    while (documents.roots.size() < 2 && parser.HandleNextDocument(documents)) {
    }
    if (documents.roots.size() == 2 && documents.roots[0].pos == documents.roots[1].pos) {
      const YAML::Mark m = documents.roots[0];
      const std::size_t at = static_cast<std::size_t>(std::max(m.pos, 0));
      const std::string what = at < text.size() ? "'" + text.substr(at, 1) + "'" : "end of file";
      diag.error({m.line + 1, m.column + 1},
                 "YAML syntax: unexpected " + what + " (a value was expected here)");
      return std::nullopt;
    }
    if (documents.roots.size() > 1) {
      diag.error({documents.roots[1].line + 1, documents.roots[1].column + 1},
                 "a scenario file holds one YAML document; this second one would be ignored");
      return std::nullopt;
    }
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp's words, with a hint for the mistakes it names least clearly.
    std::string hint;
    if (e.msg.find("end of map flow not found") != std::string::npos)
      hint =
          " (inside {...}, quote a value that holds '[', ']', ',' or '{', such as "
          "'api[1]' or 'uniform(2ms, 6ms)'; and close every '{')";
    else if (e.msg.find("illegal map value") != std::string::npos)
      hint = " (a value holding ': ' must be quoted, such as description: \"a: b\")";
    else if (e.msg.find("end of sequence") != std::string::npos ||
             e.msg.find("end of map not found") != std::string::npos)
      hint =
          " (check the indentation of this line and the ones above: items of one list or "
          "keys of one mapping start in the same column)";
    diag.error({e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg + hint);
    return std::nullopt;
  }
  if (!root.IsDefined() || root.IsNull()) {
    diag.error({},
               "the file is empty; a scenario needs at least duration (or requests), clients and "
               "components");
    return std::nullopt;
  }
  // Text from the command line goes on virtual lines after the file's end (Diagnostics).
  const int first_line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
  YAML::Node tree = root;
  if (!overrides.empty() && root.IsMap()) apply_overrides(tree, overrides, first_line, diag);
  auto scenario = build(tree, file, registry, diag);
  if (scenario && !scenario->sweep.vary.empty()) {
    check_sweep_values(text, file, registry, overrides, first_line, scenario->sweep, diag);
    if (diag.has_errors()) return std::nullopt;
  }
  if (scenario)
    for (const Diagnostic& d : diag.all())
      if (d.severity == Diagnostic::Severity::kWarning)
        scenario->warnings.push_back(diag.file() +
                                     (d.mark.line > 0 ? ":" + std::to_string(d.mark.line) + ":" +
                                                            std::to_string(d.mark.column)
                                                      : "") +
                                     ": " + d.message);
  return scenario;
}

std::optional<Scenario> load_scenario_file(const std::string& path, const Registry& registry,
                                           Diagnostics& diag,
                                           const std::vector<Override>& overrides) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    diag.error({}, "no such file");
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    diag.error({}, "not a regular file (a scenario is a YAML file)");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error({}, std::string("cannot open the file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, registry, diag, overrides);
}

}  // namespace sdsim
