#include "sim/core/units.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sdsim {
namespace {

// Parses text that must be valid; fails the test with the parser's message otherwise.
double parse_ok(std::string_view text, Dimension dim) {
  std::string error;
  const auto value = parse_quantity(text, dim, &error);
  EXPECT_TRUE(value.has_value()) << "'" << text << "': " << error;
  return value.value_or(-1.0);
}

struct Failure {
  std::string error;
  std::size_t offset = 0;
};

Failure parse_bad(std::string_view text, Dimension dim) {
  Failure f;
  f.offset = 12345;
  const auto value = parse_quantity(text, dim, &f.error, &f.offset);
  EXPECT_FALSE(value.has_value()) << "'" << text << "' parsed as " << value.value_or(0);
  return f;
}

TEST(ParseQuantity, ReadsTimeSuffixesAsSeconds) {
  EXPECT_EQ(parse_ok("12ms", Dimension::kTime), 12.0 / 1000);
  EXPECT_EQ(parse_ok("12 ms", Dimension::kTime), 12.0 / 1000);
  EXPECT_EQ(parse_ok("  0.5s ", Dimension::kTime), 0.5);
  EXPECT_EQ(parse_ok("1e-3s", Dimension::kTime), 1e-3);
  EXPECT_EQ(parse_ok("250us", Dimension::kTime), 250e-6);
  EXPECT_EQ(parse_ok("2min", Dimension::kTime), 120.0);
  EXPECT_EQ(parse_ok("1h", Dimension::kTime), 3600.0);
  EXPECT_EQ(parse_ok("0s", Dimension::kTime), 0.0);
}

TEST(ParseQuantity, ReadsRatesAsPerSecond) {
  EXPECT_EQ(parse_ok("900/s", Dimension::kRate), 900.0);
  EXPECT_EQ(parse_ok("60/min", Dimension::kRate), 1.0);
  EXPECT_EQ(parse_ok("10/h", Dimension::kRate), 10.0 / 3600);
  EXPECT_EQ(parse_ok("900 / s", Dimension::kRate), 900.0);
}

TEST(ParseQuantity, ReadsDecimalAndBinarySizes) {
  EXPECT_EQ(parse_ok("3B", Dimension::kSize), 3.0);
  EXPECT_EQ(parse_ok("1KB", Dimension::kSize), 1000.0);
  EXPECT_EQ(parse_ok("1KiB", Dimension::kSize), 1024.0);
  EXPECT_EQ(parse_ok("2MB", Dimension::kSize), 2e6);
  EXPECT_EQ(parse_ok("2MiB", Dimension::kSize), 2.0 * 1024 * 1024);
  EXPECT_EQ(parse_ok("1.5GB", Dimension::kSize), 1.5e9);
  EXPECT_EQ(parse_ok("1GiB", Dimension::kSize), 1024.0 * 1024 * 1024);
}

TEST(ParseQuantity, ReadsBandwidthsAsBitsPerSecond) {
  EXPECT_EQ(parse_ok("10Gbps", Dimension::kBandwidth), 1e10);
  EXPECT_EQ(parse_ok("100Mbps", Dimension::kBandwidth), 1e8);
  EXPECT_EQ(parse_ok("1Kbps", Dimension::kBandwidth), 1e3);
  EXPECT_EQ(parse_ok("56bps", Dimension::kBandwidth), 56.0);
}

TEST(ParseQuantity, ReadsFractionsAndPercentages) {
  EXPECT_EQ(parse_ok("99.9%", Dimension::kFraction), 99.9 / 100);
  EXPECT_EQ(parse_ok("0.25", Dimension::kFraction), 0.25);
  EXPECT_EQ(parse_ok("1", Dimension::kFraction), 1.0);
  EXPECT_EQ(parse_ok("0%", Dimension::kFraction), 0.0);
}

TEST(ParseQuantity, ReadsPlainNumbersIncludingNegativeOnes) {
  EXPECT_EQ(parse_ok("4", Dimension::kNumber), 4.0);
  EXPECT_EQ(parse_ok("-2.5", Dimension::kNumber), -2.5);
}

TEST(ParseQuantity, RejectsUnitlessTime) {
  const Failure f = parse_bad("10", Dimension::kTime);
  EXPECT_EQ(f.error, "missing unit: write 10ms or 10s");
  EXPECT_EQ(f.offset, 2u);  // where the unit belongs
}

TEST(ParseQuantity, RejectsUnitlessRateSizeAndBandwidth) {
  EXPECT_EQ(parse_bad("900", Dimension::kRate).error, "missing unit: write 900/s or 900/min");
  EXPECT_EQ(parse_bad("1", Dimension::kSize).error, "missing unit: write 1B, 1KB or 1KiB");
  EXPECT_EQ(parse_bad(" 10", Dimension::kBandwidth).error, "missing unit: write 10Mbps or 10Gbps");
  EXPECT_EQ(parse_bad(" 10", Dimension::kBandwidth).offset, 3u);
}

TEST(ParseQuantity, RejectsUnknownTimeUnitListingTheAcceptedOnes) {
  const Failure f = parse_bad("10 sec", Dimension::kTime);
  EXPECT_EQ(f.error, "unknown time unit 'sec' (expected one of us, ms, s, min, h)");
  EXPECT_EQ(f.offset, 3u);
}

TEST(ParseQuantity, RejectsUnknownUnitsOfEveryDimension) {
  EXPECT_EQ(parse_bad("9/day", Dimension::kRate).error,
            "unknown rate unit '/day' (expected one of /s, /min, /h)");
  EXPECT_EQ(parse_bad("1kb", Dimension::kSize).error,
            "unknown size unit 'kb' (expected one of B, KB, KiB, MB, MiB, GB, GiB)");
  EXPECT_EQ(parse_bad("1Tbps", Dimension::kBandwidth).error,
            "unknown bandwidth unit 'Tbps' (expected one of bps, Kbps, Mbps, Gbps)");
  EXPECT_EQ(parse_bad("5x", Dimension::kFraction).error,
            "unknown fraction unit 'x' (expected a plain number in [0, 1] or a percentage "
            "such as 99.9%)");
}

TEST(ParseQuantity, SaysWhichDimensionAMisplacedUnitBelongsTo) {
  const Failure f = parse_bad("12ms", Dimension::kRate);
  EXPECT_EQ(f.error, "'ms' is a time unit, expected a rate unit (one of /s, /min, /h)");
  EXPECT_EQ(f.offset, 2u);
}

TEST(ParseQuantity, RejectsNegativeValuesExceptPlainNumbers) {
  for (const auto& [text, dim] :
       {std::pair{"-5ms", Dimension::kTime}, std::pair{"-5/s", Dimension::kRate},
        std::pair{"-5B", Dimension::kSize}, std::pair{"-5bps", Dimension::kBandwidth},
        std::pair{"-5%", Dimension::kFraction}}) {
    const Failure f = parse_bad(text, dim);
    EXPECT_EQ(f.error, "must be >= 0, got '" + std::string(text) + "'");
    EXPECT_EQ(f.offset, 0u);
  }
}

TEST(ParseQuantity, RejectsNanAndInfinity) {
  EXPECT_EQ(parse_bad("nan", Dimension::kNumber).error, "expected a finite number, got 'nan'");
  const Failure f = parse_bad(" infms", Dimension::kTime);
  EXPECT_EQ(f.error, "expected a finite number, got 'inf'");
  EXPECT_EQ(f.offset, 1u);
}

TEST(ParseQuantity, RejectsNumbersOutOfDoubleRange) {
  EXPECT_EQ(parse_bad("1e400s", Dimension::kTime).error, "number out of range: '1e400'");
}

TEST(ParseQuantity, RejectsTextThatIsNotANumber) {
  const Failure f = parse_bad("  fast", Dimension::kTime);
  EXPECT_EQ(f.error, "expected a duration such as 12ms, got 'fast'");
  EXPECT_EQ(f.offset, 2u);
  EXPECT_EQ(parse_bad("+5ms", Dimension::kTime).offset, 0u);
}

TEST(ParseQuantity, RejectsEmptyText) {
  const Failure f = parse_bad("   ", Dimension::kSize);
  EXPECT_EQ(f.error, "expected a size such as 1KB");
  EXPECT_EQ(f.offset, 3u);
}

TEST(ParseQuantity, RejectsUnitOnAPlainNumber) {
  const Failure f = parse_bad("4 ms", Dimension::kNumber);
  EXPECT_EQ(f.error, "unexpected unit 'ms': expected a number such as 4");
  EXPECT_EQ(f.offset, 2u);
}

TEST(ParseQuantity, RejectsFractionsAboveOne) {
  EXPECT_EQ(parse_bad("1.5", Dimension::kFraction).error,
            "a fraction must be in [0, 1], got '1.5' (write a percentage as 99.9%)");
  EXPECT_EQ(parse_bad("150%", Dimension::kFraction).error,
            "a percentage must be in [0%, 100%], got '150%'");
}

TEST(ParseQuantity, WorksWithoutErrorPointers) {
  EXPECT_FALSE(parse_quantity("10", Dimension::kTime, nullptr).has_value());
  EXPECT_EQ(parse_quantity("10ms", Dimension::kTime, nullptr), 0.01);
}

TEST(DimensionExample, NamesTheDimensionWithAValidExample) {
  EXPECT_EQ(dimension_example(Dimension::kTime), "a duration such as 12ms");
  EXPECT_EQ(dimension_example(Dimension::kBandwidth), "a bandwidth such as 10Gbps");
}

TEST(FormatSeconds, PicksAReadableUnitWithFourSignificantDigits) {
  EXPECT_EQ(format_seconds(0.012), "12ms");
  EXPECT_EQ(format_seconds(1.5), "1.5s");
  EXPECT_EQ(format_seconds(250e-6), "250us");
  EXPECT_EQ(format_seconds(90), "1.5min");
  EXPECT_EQ(format_seconds(7200), "2h");
  EXPECT_EQ(format_seconds(0), "0s");
  EXPECT_EQ(format_seconds(1.23456), "1.235s");
  EXPECT_EQ(format_seconds(0.1), "100ms");
  EXPECT_EQ(format_seconds(2e-9), "0.002us");
  EXPECT_EQ(format_seconds(-0.012), "-12ms");
}

TEST(FormatSeconds, RoundsBeforeChoosingTheUnit) {
  EXPECT_EQ(format_seconds(0.99996), "1s");  // not "1000ms"
  EXPECT_EQ(format_seconds(59.9999), "1min");
}

TEST(FormatSeconds, ParsesBackWithinItsRounding) {
  for (double s : {3e-7, 0.000123456, 0.0125, 0.98765, 42.0, 1234.5, 86400.0}) {
    const double back = parse_ok(format_seconds(s), Dimension::kTime);
    EXPECT_NEAR(back, s, 5e-4 * s) << format_seconds(s);  // 4 significant digits
  }
}

TEST(FormatQuantity, ParsesBackToTheSameDouble) {
  const double values[] = {0.012, 0.1 + 0.2, 1.0 / 3, 1e-9, 123456789.125, 0.0, 1e10};
  for (Dimension dim : {Dimension::kTime, Dimension::kRate, Dimension::kSize, Dimension::kBandwidth,
                        Dimension::kNumber}) {
    for (double v : values) {
      EXPECT_EQ(parse_ok(format_quantity(v, dim), dim), v) << format_quantity(v, dim);
    }
  }
  EXPECT_EQ(format_quantity(0.012, Dimension::kTime), "0.012s");
  EXPECT_EQ(format_quantity(900, Dimension::kRate), "900/s");
  EXPECT_EQ(format_quantity(1024, Dimension::kSize), "1024B");
  EXPECT_EQ(format_quantity(1e10, Dimension::kBandwidth), "1e+10bps");
  EXPECT_EQ(format_quantity(0.999, Dimension::kFraction), "0.999");
}

}  // namespace
}  // namespace sdsim
