#include "tools/cli/args.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>

#include "sim/core/text.hpp"

namespace sdsim::cli {

int usage_error(const std::string& message) {
  std::cerr << "sdsim: " << message << "\n(see 'sdsim --help')\n";
  return kExitBadInput;
}

std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return n;
}

void ArgParser::flag(const std::string& name, bool* target) {
  options_.push_back({name, false, [target](const std::string&) -> std::optional<std::string> {
                        *target = true;
                        return std::nullopt;
                      }});
}

void ArgParser::value(const std::string& name, std::optional<std::string>* target) {
  options_.push_back(
      {name, true, [name, target](const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return name + " needs a value";
         *target = v;
         return std::nullopt;
       }});
}

void ArgParser::repeated(const std::string& name, std::vector<std::string>* target) {
  options_.push_back(
      {name, true, [name, target](const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return name + " needs a value";
         target->push_back(v);
         return std::nullopt;
       }});
}

void ArgParser::unsigned_value(const std::string& name, std::optional<std::uint64_t>* target) {
  options_.push_back(
      {name, true, [name, target](const std::string& v) -> std::optional<std::string> {
         auto n = parse_unsigned(v);
         if (!n) return name + ": expected a non-negative whole number, found '" + v + "'";
         *target = *n;
         return std::nullopt;
       }});
}

void ArgParser::positionals(std::vector<std::string>* target, std::size_t min, std::size_t max,
                            std::string what) {
  positionals_ = target;
  min_positionals_ = min;
  max_positionals_ = max;
  positional_what_ = std::move(what);
}

std::optional<int> ArgParser::parse(const std::vector<std::string>& raw) {
  std::vector<std::string> args;
  for (const auto& s : raw) {
    const auto eq = s.find('=');
    const bool short_with_value =  // -j2 is -j 2 (for a one-letter option that takes a value)
        s.size() > 2 && s[0] == '-' && s[1] != '-' &&
        std::any_of(options_.begin(), options_.end(),
                    [&](const Option& o) { return o.takes_value && o.name == s.substr(0, 2); });
    if (s.rfind("--", 0) == 0 && eq != std::string::npos) {  // --seed=3 is --seed 3
      args.push_back(s.substr(0, eq));
      args.push_back(s.substr(eq + 1));
    } else if (short_with_value) {
      args.push_back(s.substr(0, 2));
      args.push_back(s.substr(2));
    } else {
      args.push_back(s);
    }
  }
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s.size() > 1 && s[0] == '-') {
      const Option* found = nullptr;
      for (const auto& o : options_) {
        if (o.name == s) found = &o;
      }
      if (!found) {
        std::vector<std::string> names;
        for (const auto& o : options_) names.push_back(o.name);
        // Not for a one-letter option or a bare "--": any short name is "close" to them.
        const std::string hint = s.size() > 2 ? did_you_mean(s, names) : "";
        return usage_error(command_ + ": unknown option '" + s + "'" +
                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
      std::string v;
      if (found->takes_value) {
        if (i + 1 >= args.size()) return usage_error(s + " needs a value");
        v = args[++i];
      }
      if (auto error = found->apply(v)) return usage_error(*error);
    } else {
      positional.push_back(s);
    }
  }
  if (positional.size() < min_positionals_)
    return usage_error(command_ + " needs " + positional_what_);
  if (positional.size() > max_positionals_) {
    return usage_error(command_ + ": unexpected argument '" + positional[max_positionals_] + "'");
  }
  if (positionals_) *positionals_ = std::move(positional);
  return std::nullopt;
}

}  // namespace sdsim::cli
