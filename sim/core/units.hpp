// Units of sdsim. Every quantity inside the simulator is held in SI base units: seconds,
// bytes, bits per second, events per second. The alias names say which one a value is;
// text with units ("12ms", "900/s", "1KB", "10Gbps", "99.9%") is converted once, at load.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sdsim {

using Seconds = double;        // simulated time
using Bytes = double;          // message or payload size
using BitsPerSecond = double;  // link bandwidth
using PerSecond = double;      // a rate (arrivals, requests)

// What a number written in a scenario measures; decides which unit suffixes are accepted.
enum class Dimension {
  kTime,       // us ms s min h            -> seconds
  kRate,       // /s /min /h               -> per second
  kSize,       // B KB KiB MB MiB GB GiB   -> bytes (KB = 1000 B, KiB = 1024 B)
  kBandwidth,  // bps Kbps Mbps Gbps       -> bits per second
  kFraction,   // "99.9%" or a plain number in [0, 1] -> fraction
  kNumber,     // a plain number, no unit
};

// Human name of a dimension for messages: "a duration such as 12ms".
std::string_view dimension_example(Dimension dim);

// Parses one quantity. On success returns the value in SI base units. On failure returns
// nullopt and sets *error to a message (what was expected, the accepted units) and
// *error_offset to the offset in `text` where the problem starts. A number without a unit
// is an error for kTime, kRate, kSize and kBandwidth: "10" is ambiguous, "10ms" is not.
// Whitespace around the text and between number and unit is allowed; unit suffixes are
// case-sensitive. Negative values are errors except for kNumber; NaN and infinities always are.
// The offset is that of the number for bad, negative or out-of-range numbers, that of the
// unit for a wrong unit, and the end of the number for a missing unit. `allow_negative`: a
// negative value is returned, for a caller that states its own bound (> 0, >= 0.1, ...).
std::optional<double> parse_quantity(std::string_view text, Dimension dim, std::string* error,
                                     std::size_t* error_offset = nullptr,
                                     bool allow_negative = false);

// Formats seconds for people: "12ms", "1.5s", "250us", "2.5min", "3h". Rounds to 4
// significant digits, drops trailing zeros, then picks the largest unit (us, ms, s, min, h)
// in which the value is >= 1. The result parses back with parse_quantity(kTime), but is
// rounded: use format_quantity for exact text.
std::string format_seconds(Seconds s);

// Canonical, exact text of a value in SI base units that parse_quantity(text, dim) reads back
// to the same double: "0.012s", "900/s", "1000B", "1e+10bps", "0.999" (kFraction), "4"
// (kNumber). The number is the shortest decimal that round-trips.
std::string format_quantity(double value_si, Dimension dim);

}  // namespace sdsim
