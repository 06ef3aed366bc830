// Outcomes of a request (DESIGN.md, "What is measured, exactly"). Every issued request ends
// in exactly one of them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace sdsim {

enum class Outcome : std::uint8_t {
  kOk,          // a successful response reached the client
  kRejected,    // a 503/429 reached the client and no retry followed
  kTimedOut,    // the client stopped waiting
  kError,       // an injected or propagated failure
  kUnfinished,  // still open when the run ended (drain limit)
};
inline constexpr int kOutcomeCount = 5;

inline constexpr std::array<std::string_view, kOutcomeCount> kOutcomeNames = {
    "ok", "rejected", "timed_out", "error", "unfinished"};

inline std::string_view outcome_name(Outcome o) { return kOutcomeNames[static_cast<int>(o)]; }

}  // namespace sdsim
