// parse_distribution: every text form, the canonical describe() round trip, and one test per
// kind of mistake, pinning the message and the offset a diagnostic will point at.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
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
  EXPECT_EQ(canonical("normal(12ms, 3ms)"), "normal(0.012s, 0.003s)");
  EXPECT_EQ(canonical("pareto(1.5, 2ms)"), "pareto(1.5, 0.002s)");
  EXPECT_EQ(canonical("weibull(0.7, 12ms)"), "weibull(0.7, 0.012s)");
}

TEST(ParseDistribution, ReadsNamedArgumentsInAnyOrder) {
  EXPECT_EQ(canonical("exp(mean=12ms)"), "exp(0.012s)");
  EXPECT_EQ(canonical("erlang(mean=12ms, k=3)"), "erlang(3, 0.012s)");
  EXPECT_EQ(canonical("uniform(1ms, b=3ms)"), "uniform(0.001s, 0.003s)");
  EXPECT_EQ(canonical("lognormal(median=12ms, p99=80ms)"), "lognormal(median=0.012s, p99=0.08s)");
  EXPECT_EQ(canonical("lognormal(cv=2, mean=12ms)"), "lognormal(mean=0.012s, cv=2)");
  EXPECT_EQ(canonical("hyperexp(cv=3, mean=12ms)"), "hyperexp(mean=0.012s, cv=3)");
  EXPECT_EQ(canonical("normal(sd=3ms, mean=12ms)"), "normal(0.012s, 0.003s)");
  EXPECT_EQ(canonical("pareto(min=2ms, alpha=2)"), "pareto(2, 0.002s)");
  EXPECT_EQ(canonical("weibull(mean=12ms, shape=2)"), "weibull(2, 0.012s)");
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
      {"normal(10ms, 7ms)", Dimension::kTime},
      {"pareto(1.1, 0.3ms)", Dimension::kTime},
      {"weibull(0.45, 333.333333us)", Dimension::kTime},
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
  EXPECT_PARSE_ERROR("beta(1, 2ms)",
                     "unknown distribution 'beta' (expected one of const, exp, uniform, "
                     "erlang, gamma, lognormal, hyperexp, normal, pareto, weibull, empirical)",
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

// A negative argument gets the law's own bound, the same message as zero where zero is rejected
// too ("> 0", not ">= 0").
TEST(ParseDistribution, RejectsANegativeValueWithTheLawsOwnBound) {
  EXPECT_PARSE_ERROR("exp(-1ms)", "exp mean must be > 0, got -1ms", 4u);
  EXPECT_PARSE_ERROR("lognormal(median=-1ms, p99=2ms)", "lognormal median must be > 0, got -1ms",
                     17u);
  EXPECT_PARSE_ERROR("uniform(-1ms, 2ms)", "uniform a must be >= 0, got -1ms", 8u);
  EXPECT_PARSE_ERROR("const(-1ms)", "const value must be >= 0, got -1ms", 6u);
  EXPECT_PARSE_ERROR("-1ms", "must be >= 0, got '-1ms'", 0u);
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

TEST(ParseDistribution, RejectsNonPositiveNormalMeanOrSd) {
  EXPECT_PARSE_ERROR("normal(0ms, 3ms)",
                     "normal mean must be > 0, got 0s (draws below 0 are drawn again)", 7u);
  EXPECT_PARSE_ERROR("normal(12ms, sd=0s)",
                     "normal sd must be > 0, got 0s (use const for a fixed value)", 16u);
  EXPECT_PARSE_ERROR("normal(12ms, -3ms)",
                     "normal sd must be > 0, got -3ms (use const for a fixed value)", 13u);
}

TEST(ParseDistribution, RejectsParetoAlphaOutOfRangeAndNonPositiveMin) {
  EXPECT_PARSE_ERROR("pareto(0, 2ms)", "pareto alpha must be > 0, got 0", 7u);
  EXPECT_PARSE_ERROR("pareto(0.05, 2ms)",
                     "pareto alpha must be >= 0.1, got 0.05 (draws reach min x 2^(54/alpha), "
                     "which overflows near 0.05)",
                     7u);
  EXPECT_PARSE_ERROR("pareto(1.5, 0ms)", "pareto min must be > 0, got 0s", 12u);
  EXPECT_PARSE_ERROR("pareto(2ms, 1.5)",
                     "pareto alpha: unexpected unit 'ms': expected a number such as 4", 8u);
}

TEST(ParseDistribution, RejectsWeibullShapeOutOfRangeAndNonPositiveMean) {
  EXPECT_PARSE_ERROR("weibull(0, 12ms)", "weibull shape must be > 0, got 0", 8u);
  EXPECT_PARSE_ERROR("weibull(0.05, 12ms)",
                     "weibull shape must be >= 0.1, got 0.05 (a smaller shape has cv > 400: a "
                     "run far too long to converge)",
                     8u);
  EXPECT_PARSE_ERROR("weibull(2, 0s)", "weibull mean must be > 0, got 0s", 11u);
  EXPECT_PARSE_ERROR("weibull(2)", "weibull takes two arguments: weibull(shape, mean)", 9u);
}

TEST(ParseDistribution, ReportsBareQuantityErrorsFromTheUnitParser) {
  EXPECT_PARSE_ERROR("12", "missing unit: write 12ms or 12s", 2u);
  EXPECT_PARSE_ERROR(" -3ms", "must be >= 0, got '-3ms'", 1u);
}

// empirical(file): a scratch folder per test holds the sample files.
class ParseEmpirical : public ::testing::Test {
 protected:
  ParseEmpirical()
      : dir_(std::filesystem::path(::testing::TempDir()) /
             ("sdsim_parse_empirical_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::create_directories(dir_ / "data");
    std::ofstream(dir_ / "data" / "lat.csv") << "# latencies\nms\n1\n2\n4\n";
    std::ofstream(dir_ / "data" / "bad.csv") << "1ms\n2ms\n-3ms\n";
  }
  ~ParseEmpirical() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  DistributionParse parse(std::string_view text) const {
    return parse_distribution(text, Dimension::kTime, DistributionContext{dir_});
  }
  std::filesystem::path dir_;
};

TEST_F(ParseEmpirical, ReadsTheFileRelativeToTheBaseDirectory) {
  const DistributionParse parsed = parse("empirical( data/lat.csv )");
  ASSERT_TRUE(parsed.dist) << parsed.error;
  EXPECT_EQ(parsed.dist->describe(), "empirical(data/lat.csv)");
  EXPECT_DOUBLE_EQ(parsed.dist->quantile(0.25), 0.0015);
  EXPECT_DOUBLE_EQ(parsed.dist->mean(), 0.00225);
  // describe() parses back, with the same base directory, to the same draws.
  const DistributionParse again = parse(parsed.dist->describe());
  ASSERT_TRUE(again.dist) << again.error;
  RandomStream a(5);
  RandomStream b(5);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(parsed.dist->sample(a), again.dist->sample(b));
}

TEST_F(ParseEmpirical, ReadsAnAbsolutePathAsItIs) {
  const std::string absolute = (dir_ / "data" / "lat.csv").string();
  const DistributionParse parsed = parse_distribution(
      "empirical(" + absolute + ")", Dimension::kTime, DistributionContext{"/nonexistent"});
  ASSERT_TRUE(parsed.dist) << parsed.error;
}

TEST_F(ParseEmpirical, WithoutABaseDirectoryReadsRelativeToTheCurrentDirectory) {
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  const DistributionParse parsed = parse_distribution("empirical(data/lat.csv)", Dimension::kTime);
  std::filesystem::current_path(cwd);
  EXPECT_TRUE(parsed.dist) << parsed.error;
}

TEST_F(ParseEmpirical, ReportsFileProblemsAtTheFileNameWithTheFileLine) {
  const std::string folder = dir_.string() + "/";
  DistributionParse bad = parse("empirical(data/bad.csv)");
  EXPECT_FALSE(bad.dist);
  EXPECT_EQ(bad.error, "empirical: " + folder + "data/bad.csv:3: must be >= 0, got '-3ms'");
  EXPECT_EQ(bad.error_offset, 10u);
  bad = parse("empirical(  data/none.csv)");
  EXPECT_EQ(bad.error, "empirical: cannot read " + folder + "data/none.csv: no such file");
  EXPECT_EQ(bad.error_offset, 12u);
}

TEST_F(ParseEmpirical, RejectsAnythingButOneFileName) {
  EXPECT_EQ(parse("empirical()").error, "empirical takes one file name: empirical(file.csv)");
  const DistributionParse two = parse("empirical(data/lat.csv, data/bad.csv)");
  EXPECT_EQ(two.error, "empirical takes one file name: empirical(file.csv)");
  EXPECT_EQ(two.error_offset, 24u);
}

}  // namespace
}  // namespace sdsim
