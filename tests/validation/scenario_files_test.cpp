// Runs every scenario under scenarios/validation/ in full and checks the expectations its header
// states, one per line:
//   # expect: <path in summary.json> = <expected> +- <tolerance> | <formula>
// The header of each file derives the expected value and justifies the tolerance. A file with
// no `expect:` line fails: a validation scenario must say what it validates.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"
#include "tests/validation/validation_support.hpp"

namespace sdsim::validation {
namespace {

using sdsim::testing::expect_near_theory;
using sdsim::testing::source_path;

struct Expectation {
  std::string path;
  double expected = 0;
  double tolerance = 0;
  std::string formula;
};

std::vector<std::string> validation_scenarios() {
  std::vector<std::string> out;
  const std::filesystem::path root = source_path("scenarios/validation");
  if (!std::filesystem::exists(root)) return out;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The `# expect:` lines of a file; a malformed one fails the test (with its line number).
std::vector<Expectation> expectations_of(const std::string& file) {
  static const std::regex kLine(
      R"(^#\s*expect:\s*([A-Za-z0-9_.\-]+)\s*=\s*([-+0-9.eE]+)\s*\+-\s*([0-9.eE+\-]+)\s*\|\s*(.+?)\s*$)");
  std::vector<Expectation> out;
  std::ifstream in(file);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    static const std::regex kIsExpectation(R"(^#\s*expect:.*)");
    if (!std::regex_match(line, kIsExpectation)) continue;
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) {
      ADD_FAILURE() << file << ":" << number
                    << ": malformed expectation (want '# expect: path = value +- tolerance | "
                       "formula'): "
                    << line;
      continue;
    }
    out.push_back({m[1], std::stod(m[2]), std::stod(m[3]), m[4]});
  }
  return out;
}

class ValidationScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidationScenario, MatchesTheTheoryStatedInItsHeader) {
  const std::string file = source_path("scenarios/validation/" + GetParam());
  const std::vector<Expectation> expectations = expectations_of(file);
  ASSERT_FALSE(expectations.empty()) << file << ": no '# expect:' line";
  auto scenario = sdsim::testing::load_file(file);
  ASSERT_TRUE(scenario);
  const nlohmann::json s = sdsim::testing::run_checked(*scenario).summary;
  EXPECT_EQ(figure(s, "system.requests.outcomes.unfinished"), 0.0);
  EXPECT_TRUE(s["warnings"].empty()) << s["warnings"].dump();
  for (const Expectation& e : expectations)
    expect_near_theory(GetParam() + ": " + e.path, e.formula, e.expected, figure(s, e.path),
                       e.tolerance);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param.substr(0, info.param.rfind('.'));
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Files, ValidationScenario, ::testing::ValuesIn(validation_scenarios()),
                         test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ValidationScenario);

// The numbers written in the scenario headers follow from queueing_theory.hpp (no simulation):
// expected values to their printed digits, tolerances = 4 SE at the stated n (rounded up).
TEST(ValidationScenarioHeaders, ExpectedValuesAndTolerancesFollowFromTheory) {
  // erlang-b-trunk.yaml: c = 20, 128/s x 125 ms = 16 Erlangs, n = 128/s x 15625 s.
  EXPECT_NEAR(erlang_b(20, 16.0), 0.0644109, 1e-7);
  const BirthDeath trunk = mmc_chain(20, 128.0, 8.0, 20);
  const double sigma_b =
      std::sqrt(trunk.arrival_average_variance([](int k) { return k == 20 ? 1.0 : 0.0; }));
  EXPECT_NEAR(sigma_b, 0.550, 0.001);
  EXPECT_LE(k_se(sigma_b, 128.0 * 15625), 0.0016);
  // mmc-erlang-c.yaml: c = 8, 720/s, mu = 100/s, n = 720/s x 5556 s.
  EXPECT_NEAR(erlang_c(8, 7.2), 0.701533, 1e-6);
  EXPECT_NEAR(1e3 * mmc_mean_wait(8, 720.0, 100.0), 8.76916, 1e-5);
  const BirthDeath m8 = mmc_chain(8, 720.0, 100.0);
  const double sigma_c =
      std::sqrt(m8.arrival_average_variance([](int k) { return k >= 8 ? 1.0 : 0.0; }));
  const double sigma_w =
      std::sqrt(m8.little_mean_variance([](int k) { return k > 8 ? k - 8.0 : 0.0; }));
  EXPECT_NEAR(sigma_c, 3.60, 0.01);
  EXPECT_NEAR(sigma_w, 0.231, 0.001);
  EXPECT_LE(k_se(sigma_c, 720.0 * 5556), 0.0073);
  EXPECT_LE(1e3 * k_se(sigma_w, 720.0 * 5556), 0.47);
  // md1-pollaczek-khinchine.yaml: rho = 0.9, D = 10 ms, n = 90/s x 44445 s.
  EXPECT_NEAR(1e3 * pk_mean_wait(90.0, 0.010, 1e-4), 45.0, 1e-9);
  EXPECT_LE(1e3 * k_se(calibrated::kMD1Rho09MeanWait, 90.0 * 44445), 1.45);
}

}  // namespace
}  // namespace sdsim::validation
