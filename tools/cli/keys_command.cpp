// sdsim keys FILE...: the keys the loader accepted in each mapping of the given scenarios, as
// JSON, for tests/schema/check_schema.py (docs/scenario.schema.json must list the same keys).
// The loader has no separate list of its keys: each parser asks its MapReader for the keys it
// accepts, and the key log of Diagnostics records them. This command loads each file with the
// log on, walks the file's YAML again and names each logged mapping by its place in the file:
// a path of keys, "[]" for a list item and "[KIND]" for a `components` item of that kind.
#include <yaml-cpp/yaml.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/models.hpp"
#include "sim/config/map_reader.hpp"
#include "sim/registry/registry.hpp"
#include "tools/cli/commands.hpp"

namespace sdsim::cli {
namespace {

using Path = std::vector<std::string>;
using MarkKey = std::pair<int, int>;  // (line, column)

// Every mapping of the document by its mark, with its path. Two mappings at one mark would
// make the log ambiguous: reported, and the file is left out. So is a file nested deeper than
// any scenario is (an alias can make a node contain itself: `clients: &a [*a]`).
bool collect_maps(const YAML::Node& node, const Path& path, std::map<MarkKey, Path>& out) {
  if (path.size() > 64) return false;
  if (node.IsMap()) {
    const SourceMark m = mark_of(node);
    if (!out.emplace(MarkKey{m.line, m.column}, path).second) return false;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) continue;
      Path sub = path;
      sub.push_back(kv.first.Scalar());
      if (!collect_maps(kv.second, sub, out)) return false;
    }
  } else if (node.IsSequence()) {
    const bool components = path.size() == 1 && path[0] == "components";
    for (const YAML::Node& item : node) {
      Path sub = path;
      std::string step = "[]";
      if (components && item.IsMap() && item["kind"] && item["kind"].IsScalar())
        step = "[" + item["kind"].Scalar() + "]";
      sub.push_back(step);
      if (!collect_maps(item, sub, out)) return false;
    }
  }
  return true;
}

}  // namespace

int keys_main(const std::vector<std::string>& args) {
  CommonOptions common;
  std::vector<std::string> files;
  ArgParser parser("keys");
  common.add_to(parser);
  parser.positionals(&files, 1, 100000, "scenario FILEs");
  if (auto code = parser.parse(args)) return *code;
  if (auto code = common.apply()) return *code;

  Registry registry;
  register_models(registry);
  std::map<Path, std::set<std::string>> accepted;
  nlohmann::json skipped = nlohmann::json::array();
  for (const std::string& file : files) {
    Diagnostics diag(file);
    diag.enable_key_log();
    (void)load_scenario_file(file, registry, diag);  // errors or not: the keys asked are logged
    if (diag.key_log().empty()) continue;            // unreadable, or not YAML
    std::map<MarkKey, Path> maps;
    bool unique = false;
    try {
      const YAML::Node root = YAML::LoadFile(file);
      unique = collect_maps(root, {}, maps);
    } catch (const YAML::Exception&) {
      continue;
    }
    if (!unique) {  // or too deep
      skipped.push_back(file);
      continue;
    }
    for (const auto& entry : diag.key_log()) {
      auto it = maps.find(MarkKey{entry.mark.line, entry.mark.column});
      if (it == maps.end()) continue;
      accepted[it->second].insert(entry.keys.begin(), entry.keys.end());
    }
  }
  nlohmann::json out = {{"files", files.size()}, {"skipped", skipped}};
  nlohmann::json& maps = out["maps"] = nlohmann::json::array();
  for (const auto& [path, keys] : accepted) maps.push_back({{"path", path}, {"keys", keys}});
  std::cout << out.dump(1) << "\n";
  return kExitOk;
}

}  // namespace sdsim::cli
