#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "models/models.hpp"
#include "sim/engine/log.hpp"
#include "tools/cli/commands.hpp"

namespace sdsim::cli {

void CommonOptions::add_to(ArgParser& parser) {
  parser.value("--log", &log_level);
  parser.flag("--quiet", &quiet);
  parser.flag("-q", &quiet);
}

std::optional<int> CommonOptions::apply() const {
  const char* env = std::getenv("SDSIM_LOG");
  const std::string level = log_level ? *log_level : (env ? env : "warn");
  const auto l = spdlog::level::from_str(level);
  if (l == spdlog::level::off && level != "off") {
    return usage_error(std::string(log_level ? "--log" : "SDSIM_LOG") + ": unknown level '" +
                       level + "' (expected trace, debug, info, warn, error or off)");
  }
  configure_logging(l);
  return std::nullopt;
}

std::optional<std::vector<Override>> parse_sets(const std::vector<std::string>& texts,
                                                const std::string& origin) {
  std::vector<Override> out;
  for (const auto& t : texts) {
    std::string error;
    auto o = parse_override(t, origin, &error);
    if (!o) {
      usage_error(error);
      return std::nullopt;
    }
    out.push_back(std::move(*o));
  }
  return out;
}

std::optional<Scenario> load_scenario(const std::string& file,
                                      const std::vector<Override>& overrides) {
  Registry registry;
  register_models(registry);
  Diagnostics diag(file);
  auto scenario = load_scenario_file(file, registry, diag, overrides);
  std::cerr << diag.format();
  if (!scenario) {
    std::cerr << "sdsim: " << diag.error_count() << (diag.error_count() == 1 ? " error" : " errors")
              << " in " << file << "\n";
  }
  return scenario;
}

std::optional<int> refuse_overwrite(
    const std::string& option, const std::filesystem::path& file,
    const std::vector<std::pair<std::filesystem::path, std::string>>& taken) {
  std::error_code ec;
  const auto canonical = [&ec](const std::filesystem::path& p) {
    return std::filesystem::weakly_canonical(std::filesystem::absolute(p, ec), ec);
  };
  const auto mine = canonical(file);
  for (const auto& [other, what] : taken)
    if (canonical(other) == mine) {
      std::cerr << "sdsim: " << option << " " << file.string() << ": that is " << what << " ("
                << other.string() << "); choose another file\n";
      return kExitBadInput;
    }
  return std::nullopt;
}

int validate_main(const std::vector<std::string>& args) {
  CommonOptions common;
  std::vector<std::string> files;
  std::vector<std::string> sets;
  ArgParser parser("validate");
  common.add_to(parser);
  parser.repeated("--set", &sets);
  parser.positionals(&files, 1, 1, "a scenario FILE");
  if (auto code = parser.parse(args)) return *code;
  if (auto code = common.apply()) return *code;
  const auto overrides = parse_sets(sets);
  if (!overrides) return kExitBadInput;
  auto scenario = load_scenario(files[0], *overrides);
  if (!scenario) return kExitBadInput;
  if (!common.quiet) std::cout << files[0] << ": ok (" << scenario->name << ")\n";
  return kExitOk;
}

}  // namespace sdsim::cli
