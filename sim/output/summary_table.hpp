// The readable table `sdsim run` prints, made from summary.json (so it can never disagree).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace sdsim {

std::string format_summary_table(const nlohmann::json& summary);

}  // namespace sdsim
