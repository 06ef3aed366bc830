// Logging: spdlog, one logger per family ("sim", "models.client", ...), with the simulated
// time in every line ("[t=12.345000s] sim: issuing stopped") and no wall time. Quiet by
// default (warn); `sdsim --log LEVEL` or SDSIM_LOG sets the level. Hot paths log nothing
// above trace, and check the level first.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace sdsim {

// Sets the level and the pattern of every sdsim logger (existing and future).
void configure_logging(spdlog::level::level_enum level);
// The logger of a family, made on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& family);

}  // namespace sdsim
