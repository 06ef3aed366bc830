// Small text helpers shared by the parsers (units, distributions, scenario keys).
#pragma once

#include <cstdint>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sdsim {

// Edit distance (insertions, deletions, substitutions and swaps of two adjacent characters;
// each costs 1: the optimal string alignment distance). Case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` by edit_distance, if that distance is at most
// max(1, word.size() / 3); "" otherwise. Ties go to the earliest candidate. Meant for
// messages such as "unknown key 'wokers' (did you mean 'workers'?)".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// True when `s` is a valid name for a scenario item (client, component, zone, link): 1 to 64
// letters, digits, '_' and '-', starting with a letter. Such names never contain '.', '/', '['
// or ']', so engine-made names built from them ("api[0]", "zone/east") cannot collide.
bool is_valid_name(std::string_view s);

// True when `text` is a whole decimal number (optional '-', digits only) that fits in int64.
bool parse_whole_number(std::string_view text, std::int64_t* out);

// A name of a scenario item (component, client, class, call, link ...): 1 to 64 letters,
// digits, '_' and '-', starting with a letter.
bool is_valid_name(std::string_view s);

}  // namespace sdsim
