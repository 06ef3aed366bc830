// A small option parser shared by the sdsim commands: each command declares its options
// (flags, values, repeatable values) and positional arguments; `--opt=value` is `--opt value`.
// Errors are usage errors (exit code 2) with a message naming the option.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sdsim::cli {

constexpr int kExitOk = 0;
constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitSloMissed = 3;
constexpr int kExitStoppedByGuard = 4;  // --max-events / --max-inflight: partial results written
// Stopped by a signal (partial results written): 128 + the signal's number, as shells report
// a process killed by it: 130 for SIGINT, 143 for SIGTERM.
constexpr int kExitSignalBase = 128;

// Prints "sdsim: <message>" and a pointer to --help on stderr; returns kExitBadInput.
int usage_error(const std::string& message);

class ArgParser {
 public:
  explicit ArgParser(std::string command) : command_(std::move(command)) {}

  void flag(const std::string& name, bool* target);
  void value(const std::string& name, std::optional<std::string>* target);
  void repeated(const std::string& name, std::vector<std::string>* target);
  void unsigned_value(const std::string& name, std::optional<std::uint64_t>* target);
  // Positional arguments in order; `min` of them are required.
  void positionals(std::vector<std::string>* target, std::size_t min, std::size_t max,
                   std::string what);

  // Parses args (the command's own, after the command word). Returns an exit code when
  // the caller should stop (a usage error), nullopt when parsing succeeded.
  std::optional<int> parse(const std::vector<std::string>& args);

 private:
  struct Option {
    std::string name;
    bool takes_value = false;
    std::function<std::optional<std::string>(const std::string&)> apply;  // error or nullopt
  };
  std::string command_;
  std::vector<Option> options_;
  std::vector<std::string>* positionals_ = nullptr;
  std::size_t min_positionals_ = 0;
  std::size_t max_positionals_ = 0;
  std::string positional_what_;
};

// Parses a non-negative whole number; nullopt when `text` is not one.
std::optional<std::uint64_t> parse_unsigned(const std::string& text);

}  // namespace sdsim::cli
