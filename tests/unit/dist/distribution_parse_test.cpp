// parse_distribution: every text form, the canonical describe() round trip, and one test per
// kind of mistake, pinning the message and the offset a diagnostic will point at.
#include <gtest/gtest.h>

#include <string>

#include "sim/dist/distribution.hpp"

namespace sdsim {
namespace {

// describe() of a text that must parse.
std::string canonical(std::string_view text, Dimension dim = Dimension::kTime) {
  DistributionParse parsed = parse_distribution(text, dim);
  EXPECT_TRUE(parsed.dist) << "'" << text << "': " << parsed.error << " at " << parsed.error_offset;
  return parsed.dist ? parsed.dist->describe() : "<error>";
}

// A text that must not parse: its message and offset.
DistributionParse rejected(std::string_view text, Dimension dim = Dimension::kTime) {
  DistributionParse parsed = parse_distribution(text, dim);
  EXPECT_FALSE(parsed.dist) << "'" << text << "' parsed as " << parsed.dist->describe();
  return parsed;
}

#define EXPECT_PARSE_ERROR(text, message, offset)              \
  do {                                                         \
    const DistributionParse bad = rejected(text);              \
    EXPECT_EQ(bad.error, message) << "text: " << (text);       \
    EXPECT_EQ(bad.error_offset, offset) << "text: " << (text); \
  } while (false)

TEST(ParseDistribution, ReadsEveryLawWithPositionalArguments) {
  EXPECT_EQ(canonical("const(5ms)"), "const(0.005s)");
  EXPECT_EQ(canonical("exp(12ms)"), "exp(0.012s)");
  EXPECT_EQ(canonical("uniform(1ms, 3ms)"), "uniform(0.001s, 0.003s)");
  EXPECT_EQ(canonical("erlang(3, 12ms)"), "erlang(3, 0.012s)");
  EXPECT_EQ(canonical("gamma(0.5, 12ms)"), "gamma(0.5, 0.012s)");
  EXPECT_EQ(canonical("hyperexp(12ms, 3)"), "hyperexp(mean=0.012s, cv=3)");
}

TEST(ParseDistribution, ReadsNamedArgumentsInAnyOrder) {
  EXPECT_EQ(canonical("exp(mean=12ms)"), "exp(0.012s)");
  EXPECT_EQ(canonical("erlang(mean=12ms, k=3)"), "erlang(3, 0.012s)");
  EXPECT_EQ(canonical("uniform(1ms, b=3ms)"), "uniform(0.001s, 0.003s)");
  EXPECT_EQ(canonical("lognormal(median=12ms, p99=80ms)"), "lognormal(median=0.012s, p99=0.08s)");
  EXPECT_EQ(canonical("lognormal(cv=2, mean=12ms)"), "lognormal(mean=0.012s, cv=2)");
  EXPECT_EQ(canonical("hyperexp(cv=3, mean=12ms)"), "hyperexp(mean=0.012s, cv=3)");
}

TEST(ParseDistribution, ToleratesWhitespaceEverywhere) {
  EXPECT_EQ(canonical("  lognormal ( median = 12 ms ,p99=80ms )  "),
            "lognormal(median=0.012s, p99=0.08s)");
  EXPECT_EQ(canonical("\texp(\n12ms\n)"), "exp(0.012s)");
}

TEST(ParseDistribution, ReadsABareQuantityAsAConstant) {
  DistributionParse parsed = parse_distribution(" 12ms ", Dimension::kTime);
  ASSERT_TRUE(parsed.dist) << parsed.error;
  EXPECT_TRUE(parsed.dist->is_deterministic());
  EXPECT_EQ(parsed.dist->mean(), 0.012);
  EXPECT_EQ(parsed.dist->describe(), "const(0.012s)");
}

TEST(ParseDistribution, ReadsValuesInTheRequestedDimension) {
  EXPECT_EQ(canonical("exp(900/s)", Dimension::kRate), "exp(900/s)");
  EXPECT_EQ(canonical("uniform(1KiB, 1MB)", Dimension::kSize), "uniform(1024B, 1e+06B)");
  EXPECT_EQ(canonical("gamma(2, 4)", Dimension::kNumber), "gamma(2, 4)");
  EXPECT_EQ(parse_distribution("exp(1min)", Dimension::kTime).dist->mean(), 60.0);
}

TEST(ParseDistribution, DescribeParsesBackToTheSameDraws) {
  const std::pair<const char*, Dimension> cases[] = {
      {"12.5ms", Dimension::kTime},
      {"exp(333.333333us)", Dimension::kTime},  // not a short decimal in seconds
      {"uniform(0.1ms, 7ms)", Dimension::kTime},
      {"erlang(4, 33ms)", Dimension::kTime},
      {"gamma(0.7, 1.1s)", Dimension::kTime},
      {"lognormal(median=12ms, p99=80ms)", Dimension::kTime},
      {"lognormal(mean=0.3s, cv=1.7)", Dimension::kTime},
      {"hyperexp(mean=2min, cv=2.5)", Dimension::kTime},
      {"exp(60/min)", Dimension::kRate},
      {"uniform(1KB, 3KiB)", Dimension::kSize},
  };
  for (auto [text, dim] : cases) {
    const std::string source = text;
    const DistributionParse first = parse_distribution(source, dim);
    ASSERT_TRUE(first.dist) << source << ": " << first.error;
    const std::string described = first.dist->describe();
    const DistributionParse second = parse_distribution(described, dim);
    ASSERT_TRUE(second.dist) << described << ": " << second.error;
    EXPECT_EQ(second.dist->describe(), described);
    RandomStream a(21);
    RandomStream b(21);
    for (int i = 0; i < 100; ++i) {
      ASSERT_EQ(first.dist->sample(a), second.dist->sample(b)) << source << " vs " << described;
    }
  }
}

TEST(ParseDistribution, RejectsEmptyText) {
  EXPECT_PARSE_ERROR("  ",
                     "expected a distribution such as exp(mean) or a constant: a duration "
                     "such as 12ms",
                     2u);
}

TEST(ParseDistribution, RejectsUnknownLawWithSuggestion) {
  EXPECT_PARSE_ERROR("  expo(12ms)", "unknown distribution 'expo' (did you mean 'exp'?)", 2u);
  EXPECT_PARSE_ERROR("lognorm(median=1ms, p99=2ms)",
                     "unknown distribution 'lognorm' (did you mean 'lognormal'?)", 0u);
}

TEST(ParseDistribution, RejectsUnknownLawListingTheKnownOnes) {
  EXPECT_PARSE_ERROR("weibull(1, 2ms)",
                     "unknown distribution 'weibull' (expected one of const, exp, uniform, "
                     "erlang, gamma, lognormal, hyperexp)",
                     0u);
}

TEST(ParseDistribution, RejectsMissingParentheses) {
  EXPECT_PARSE_ERROR("exp 12ms", "expected '(' after 'exp': exp(mean)", 4u);
  EXPECT_PARSE_ERROR("exp(12ms", "missing ')': exp(mean)", 8u);
}

TEST(ParseDistribution, RejectsTextAfterTheClosingParenthesis) {
  EXPECT_PARSE_ERROR("exp(12ms) x", "unexpected text after ')'", 9u);
}

TEST(ParseDistribution, RejectsTooManyArguments) {
  EXPECT_PARSE_ERROR("exp(12ms, 3ms)", "exp takes one argument: exp(mean)", 10u);
}

TEST(ParseDistribution, RejectsTooFewArguments) {
  EXPECT_PARSE_ERROR("uniform(1ms)", "uniform takes two arguments: uniform(a, b)", 11u);
  EXPECT_PARSE_ERROR("exp()", "exp takes one argument: exp(mean)", 4u);
}

TEST(ParseDistribution, RejectsAnEmptyArgument) {
  EXPECT_PARSE_ERROR("uniform(1ms,,2ms)", "empty argument: uniform(a, b)", 12u);
}

TEST(ParseDistribution, RejectsAMissingNamedArgument) {
  EXPECT_PARSE_ERROR("erlang(k=3)", "erlang is missing argument 'mean': erlang(k, mean)", 10u);
}

TEST(ParseDistribution, RejectsUnknownArgumentNameWithSuggestion) {
  EXPECT_PARSE_ERROR("exp(meen=12ms)",
                     "exp has no argument 'meen' (did you mean 'mean'?): exp(mean)", 4u);
  EXPECT_PARSE_ERROR("exp(scale=12ms)", "exp has no argument 'scale': exp(mean)", 4u);
  EXPECT_PARSE_ERROR("exp(1x=12ms)", "expected an argument name before '=': exp(mean)", 4u);
}

TEST(ParseDistribution, RejectsAnArgumentGivenTwice) {
  EXPECT_PARSE_ERROR("exp(12ms, mean=3ms)", "exp argument 'mean' given twice: exp(mean)", 10u);
}

TEST(ParseDistribution, RejectsPositionalAfterNamed) {
  EXPECT_PARSE_ERROR("uniform(a=1ms, 2ms)", "positional argument after a named one: uniform(a, b)",
                     15u);
}

TEST(ParseDistribution, RejectsPositionalLognormal) {
  EXPECT_PARSE_ERROR("lognormal(12ms, 80ms)",
                     "lognormal needs named arguments: lognormal(median=.., p99=..) or "
                     "lognormal(mean=.., cv=..)",
                     10u);
}

TEST(ParseDistribution, RejectsMixedLognormalParameterSets) {
  EXPECT_PARSE_ERROR("lognormal(median=12ms, cv=2)",
                     "lognormal cannot mix 'median' and 'cv': lognormal(median=.., p99=..) or "
                     "lognormal(mean=.., cv=..)",
                     23u);
}

TEST(ParseDistribution, RejectsAValueWithoutUnitPointingAtTheValue) {
  EXPECT_PARSE_ERROR("exp(12)", "exp mean: missing unit: write 12ms or 12s", 6u);
  EXPECT_PARSE_ERROR("exp(mean = 12sec)",
                     "exp mean: unknown time unit 'sec' (expected one of us, ms, s, min, h)", 13u);
}

TEST(ParseDistribution, RejectsANegativeValue) {
  EXPECT_PARSE_ERROR("exp(-1ms)", "exp mean: must be >= 0, got '-1ms'", 4u);
}

TEST(ParseDistribution, RejectsANonPositiveMean) {
  EXPECT_PARSE_ERROR("exp(0ms)", "exp mean must be > 0, got 0s", 4u);
  EXPECT_PARSE_ERROR("erlang(2, 0s)", "erlang mean must be > 0, got 0s", 10u);
  EXPECT_PARSE_ERROR("lognormal(mean=0s, cv=1)", "lognormal mean must be > 0, got 0s", 15u);
}

TEST(ParseDistribution, RejectsP99NotAboveMedian) {
  EXPECT_PARSE_ERROR("lognormal(median=80ms, p99=12ms)",
                     "lognormal needs p99 > median, got median=80ms, p99=12ms", 27u);
  EXPECT_PARSE_ERROR("lognormal(median=0s, p99=12ms)", "lognormal median must be > 0, got 0s", 17u);
}

TEST(ParseDistribution, RejectsUniformBoundsOutOfOrder) {
  EXPECT_PARSE_ERROR("uniform(3ms, 1ms)", "uniform needs b >= a, got a=3ms, b=1ms", 13u);
}

TEST(ParseDistribution, RejectsNegativeUniformLowerBoundOfPlainNumbers) {
  const DistributionParse bad = rejected("uniform(-1, 2)", Dimension::kNumber);
  EXPECT_EQ(bad.error, "uniform a must be >= 0, got -1");
  EXPECT_EQ(bad.error_offset, 8u);
}

TEST(ParseDistribution, RejectsHyperexpCvBelowOne) {
  EXPECT_PARSE_ERROR("hyperexp(12ms, 0.5)",
                     "hyperexp cv must be >= 1, got 0.5 (use erlang or gamma for cv < 1)", 15u);
}

TEST(ParseDistribution, RejectsNonIntegerOrNonPositiveErlangK) {
  EXPECT_PARSE_ERROR("erlang(2.5, 12ms)",
                     "erlang k must be a whole number in [1, 1000000], got 2.5 (use gamma for "
                     "a non-integer shape)",
                     7u);
  EXPECT_PARSE_ERROR("erlang(k=0, mean=12ms)",
                     "erlang k must be a whole number in [1, 1000000], got 0 (use gamma for a "
                     "non-integer shape)",
                     9u);
  EXPECT_PARSE_ERROR("erlang(3ms, 12ms)",
                     "erlang k: unexpected unit 'ms': expected a number such as 4", 8u);
}

TEST(ParseDistribution, RejectsNonPositiveGammaShapeAndLognormalCv) {
  EXPECT_PARSE_ERROR("gamma(0, 12ms)", "gamma shape must be > 0, got 0", 6u);
  EXPECT_PARSE_ERROR("lognormal(mean=12ms, cv=0)", "lognormal cv must be > 0, got 0", 24u);
}

TEST(ParseDistribution, ReportsBareQuantityErrorsFromTheUnitParser) {
  EXPECT_PARSE_ERROR("12", "missing unit: write 12ms or 12s", 2u);
  EXPECT_PARSE_ERROR(" -3ms", "must be >= 0, got '-3ms'", 1u);
}

}  // namespace
}  // namespace sdsim
