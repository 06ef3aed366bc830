#include "sim/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <system_error>

namespace sdsim {
namespace {

// One accepted suffix: value_in_si = number * multiply / divide. Sub-unit factors divide by an
// exact power of ten so "12ms" is the double nearest to 0.012, not 12 * 0.001.
struct Unit {
  std::string_view name;
  double multiply;
  double divide;
};

constexpr std::array kTimeUnits{Unit{"us", 1, 1e6}, Unit{"ms", 1, 1e3}, Unit{"s", 1, 1},
                                Unit{"min", 60, 1}, Unit{"h", 3600, 1}};
constexpr std::array kRateUnits{Unit{"/s", 1, 1}, Unit{"/min", 1, 60}, Unit{"/h", 1, 3600}};
constexpr std::array kSizeUnits{
    Unit{"B", 1, 1},         Unit{"KB", 1e3, 1}, Unit{"KiB", 1024, 1},      Unit{"MB", 1e6, 1},
    Unit{"MiB", 1048576, 1}, Unit{"GB", 1e9, 1}, Unit{"GiB", 1073741824, 1}};
constexpr std::array kBandwidthUnits{Unit{"bps", 1, 1}, Unit{"Kbps", 1e3, 1}, Unit{"Mbps", 1e6, 1},
                                     Unit{"Gbps", 1e9, 1}};
constexpr std::array kFractionUnits{Unit{"%", 1, 100}};

std::span<const Unit> units_of(Dimension dim) {
  switch (dim) {
    case Dimension::kTime:
      return kTimeUnits;
    case Dimension::kRate:
      return kRateUnits;
    case Dimension::kSize:
      return kSizeUnits;
    case Dimension::kBandwidth:
      return kBandwidthUnits;
    case Dimension::kFraction:
      return kFractionUnits;
    case Dimension::kNumber:
      break;
  }
  return {};
}

// "time", "rate", ... for "unknown time unit 'sec'".
std::string_view dimension_noun(Dimension dim) {
  switch (dim) {
    case Dimension::kTime:
      return "time";
    case Dimension::kRate:
      return "rate";
    case Dimension::kSize:
      return "size";
    case Dimension::kBandwidth:
      return "bandwidth";
    case Dimension::kFraction:
      return "fraction";
    case Dimension::kNumber:
      break;
  }
  return "number";
}

const Unit* find_unit(std::span<const Unit> units, std::string_view name) {
  for (const Unit& unit : units) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

std::string unit_list(std::span<const Unit> units) {
  std::string out;
  for (const Unit& unit : units) {
    if (!out.empty()) out += ", ";
    out += unit.name;
  }
  return out;
}

// The dimension whose suffix `name` is, if any (for "'ms' is a time unit").
std::optional<Dimension> dimension_of_unit(std::string_view name) {
  for (Dimension dim : {Dimension::kTime, Dimension::kRate, Dimension::kSize, Dimension::kBandwidth,
                        Dimension::kFraction}) {
    if (find_unit(units_of(dim), name) != nullptr) return dim;
  }
  return std::nullopt;
}

std::string missing_unit_message(Dimension dim, std::string_view number) {
  const std::string n(number);
  switch (dim) {
    case Dimension::kTime:
      return "missing unit: write " + n + "ms or " + n + "s";
    case Dimension::kRate:
      return "missing unit: write " + n + "/s or " + n + "/min";
    case Dimension::kSize:
      return "missing unit: write " + n + "B, " + n + "KB or " + n + "KiB";
    case Dimension::kBandwidth:
      return "missing unit: write " + n + "Mbps or " + n + "Gbps";
    case Dimension::kFraction:
    case Dimension::kNumber:
      break;
  }
  return {};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Shortest decimal text that reads back as exactly `value`.
std::string shortest_number(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

}  // namespace

std::string_view dimension_example(Dimension dim) {
  switch (dim) {
    case Dimension::kTime:
      return "a duration such as 12ms";
    case Dimension::kRate:
      return "a rate such as 900/s";
    case Dimension::kSize:
      return "a size such as 1KB";
    case Dimension::kBandwidth:
      return "a bandwidth such as 10Gbps";
    case Dimension::kFraction:
      return "a fraction such as 0.999 or 99.9%";
    case Dimension::kNumber:
      break;
  }
  return "a number such as 4";
}

std::optional<double> parse_quantity(std::string_view text, Dimension dim, std::string* error,
                                     std::size_t* error_offset, bool allow_negative) {
  const auto fail = [&](std::size_t offset, std::string message) -> std::optional<double> {
    if (error != nullptr) *error = std::move(message);
    if (error_offset != nullptr) *error_offset = offset;
    return std::nullopt;
  };

  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  if (begin == end) return fail(begin, "expected " + std::string(dimension_example(dim)));

  double value = 0;
  const char* first = text.data() + begin;
  const auto [ptr, ec] = std::from_chars(first, text.data() + end, value);
  const std::string_view trimmed = text.substr(begin, end - begin);
  if (ec == std::errc::invalid_argument) {
    return fail(begin, "expected " + std::string(dimension_example(dim)) + ", got '" +
                           std::string(trimmed) + "'");
  }
  const std::size_t number_end = begin + static_cast<std::size_t>(ptr - first);
  const std::string_view number = text.substr(begin, number_end - begin);
  if (ec == std::errc::result_out_of_range) {
    return fail(begin, "number out of range: '" + std::string(number) + "'");
  }
  if (!std::isfinite(value)) {
    return fail(begin, "expected a finite number, got '" + std::string(number) + "'");
  }

  std::size_t unit_begin = number_end;
  while (unit_begin < end && is_space(text[unit_begin])) ++unit_begin;
  std::string unit_text(text.substr(unit_begin, end - unit_begin));
  // "900 / s" reads as "900/s".
  if (dim == Dimension::kRate && !unit_text.empty() && unit_text[0] == '/') {
    std::size_t after = 1;
    while (after < unit_text.size() && is_space(unit_text[after])) ++after;
    unit_text.erase(1, after - 1);
  }

  const Unit* unit = nullptr;
  if (unit_text.empty()) {
    if (dim != Dimension::kFraction && dim != Dimension::kNumber) {
      return fail(number_end, missing_unit_message(dim, number));
    }
  } else if (dim == Dimension::kNumber) {
    return fail(unit_begin, "unexpected unit '" + unit_text + "': expected " +
                                std::string(dimension_example(dim)));
  } else {
    unit = find_unit(units_of(dim), unit_text);
    if (unit == nullptr) {
      const std::string noun(dimension_noun(dim));
      std::string expected = dim == Dimension::kFraction
                                 ? "a plain number in [0, 1] or a percentage such as 99.9%"
                                 : "one of " + unit_list(units_of(dim));
      if (const auto other = dimension_of_unit(unit_text)) {
        return fail(unit_begin, "'" + unit_text + "' is a " + std::string(dimension_noun(*other)) +
                                    " unit, expected a " + noun + " unit (" + expected + ")");
      }
      return fail(unit_begin,
                  "unknown " + noun + " unit '" + unit_text + "' (expected " + expected + ")");
    }
  }

  if (dim != Dimension::kNumber && value < 0 && !allow_negative) {
    return fail(begin, "must be >= 0, got '" + std::string(trimmed) + "'");
  }
  if (dim == Dimension::kFraction) {
    if (unit != nullptr && value > 100) {
      return fail(begin, "a percentage must be in [0%, 100%], got '" + std::string(trimmed) + "'");
    }
    if (unit == nullptr && value > 1) {
      return fail(begin, "a fraction must be in [0, 1], got '" + std::string(trimmed) +
                             "' (write a percentage as 99.9%)");
    }
  }
  if (unit != nullptr) value = value * unit->multiply / unit->divide;
  if (!std::isfinite(value))
    return fail(begin, "number out of range: '" + std::string(trimmed) + "'");
  return value;
}

std::string format_seconds(Seconds s) {
  if (std::isnan(s)) return "nan";
  if (std::isinf(s)) return s > 0 ? "inf" : "-inf";
  if (s == 0) return "0s";
  // Round to 4 significant digits first, so 0.99996 s becomes "1s", not "1000ms".
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.4g", std::fabs(s));
  const double rounded = std::strtod(buffer.data(), nullptr);

  struct Choice {
    double seconds;
    const char* suffix;
  };
  constexpr std::array kChoices{Choice{3600, "h"}, Choice{60, "min"}, Choice{1, "s"},
                                Choice{1e-3, "ms"}, Choice{1e-6, "us"}};
  Choice choice = kChoices.back();
  for (const Choice& c : kChoices) {
    if (rounded >= c.seconds) {
      choice = c;
      break;
    }
  }
  std::snprintf(buffer.data(), buffer.size(), "%.4g", std::fabs(s) / choice.seconds);
  return std::string(s < 0 ? "-" : "") + buffer.data() + choice.suffix;
}

std::string format_quantity(double value_si, Dimension dim) {
  std::string out = shortest_number(value_si);
  switch (dim) {
    case Dimension::kTime:
      return out + "s";
    case Dimension::kRate:
      return out + "/s";
    case Dimension::kSize:
      return out + "B";
    case Dimension::kBandwidth:
      return out + "bps";
    case Dimension::kFraction:
    case Dimension::kNumber:
      break;
  }
  return out;
}

}  // namespace sdsim
