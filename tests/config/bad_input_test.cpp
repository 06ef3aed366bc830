// Bad-input tests: every tests/config/*.yaml is a malformed scenario whose leading comment lines
// state exactly what the loader must report, one line per diagnostic:
//   # expect: LINE:COL: error: MESSAGE      (LINE and COL 1-based, as printed)
//   # expect: error: MESSAGE                (a whole-file problem: no line, no column)
// (`warning` in place of `error` for a warning). A case may also give command-line overrides,
// applied in order as `sdsim run --set PATH=VALUE` would:
//   # set: PATH=VALUE
// Other leading comments (`# note: ...`) are free text. Files that a case names
// (empirical(samples/x.csv)) are shown in messages under the case's folder; that folder is left out
// here, so an expect line reads "samples/x.csv:3: ...". A case passes when loading returns nullopt
// and the diagnostics equal the expect lines as a multiset: same line, column, severity and text,
// nothing missing, nothing extra. The files are listed when the test program starts, so adding a
// .yaml file adds a case (ctest sees it once the test program is rebuilt and its tests
// rediscovered). tests/config/warnings/*.yaml are scenarios that load, with warnings: the same
// expect lines, and the loader must accept them and report exactly those warnings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "models/models.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/scenario.hpp"
#include "sim/registry/registry.hpp"
#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

namespace fs = std::filesystem;

// One diagnostic as the expect lines write it: "12:5: error: message" or "error: message".
std::string show(int line, int column, Diagnostic::Severity severity, const std::string& message) {
  std::string out;
  if (line > 0) out = std::to_string(line) + ":" + std::to_string(column) + ": ";
  out += severity == Diagnostic::Severity::kError ? "error: " : "warning: ";
  return out + message;
}

struct Expectations {
  std::vector<std::string> diagnostics;  // normalised by show()
  std::vector<std::string> problems;     // malformed expect or set lines
  std::vector<Override> overrides;       // `# set:` lines
};

// Reads the `# expect:` lines of the file's leading comment block.
Expectations read_expectations(const fs::path& file) {
  static const std::regex kExpect(R"(^# expect: (?:(\d+):(\d+): )?(error|warning): (.+)$)");
  Expectations out;
  std::ifstream in(file);
  std::string text;
  while (std::getline(in, text)) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text[0] != '#') break;  // end of the leading comment block
    if (text.rfind("# set: ", 0) == 0) {
      std::string error;
      if (auto o = parse_override(text.substr(7), "--set", &error))
        out.overrides.push_back(*o);
      else
        out.problems.push_back(text + "  (" + error + ")");
      continue;
    }
    if (text.rfind("# expect:", 0) != 0) continue;
    std::smatch m;
    if (!std::regex_match(text, m, kExpect)) {
      out.problems.push_back(text);
      continue;
    }
    const int line = m[1].matched ? std::stoi(m[1].str()) : 0;
    const int column = m[2].matched ? std::stoi(m[2].str()) : 0;
    const auto severity =
        m[3].str() == "error" ? Diagnostic::Severity::kError : Diagnostic::Severity::kWarning;
    out.diagnostics.push_back(show(line, column, severity, m[4].str()));
  }
  return out;
}

std::vector<std::string> yaml_files(const std::string& folder) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path(folder)))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> bad_inputs() { return yaml_files("tests/config"); }
std::vector<std::string> warned_inputs() { return yaml_files("tests/config/warnings"); }

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += "    " + s + "\n";
  return out.empty() ? "    (none)\n" : out;
}

// Loads `file` and compares its diagnostics with the expect lines; `accepted`: whether the
// loader must accept it (warnings only) or reject it.
void check_file(const fs::path& file, bool accepted) {
  const Expectations expected = read_expectations(file);
  ASSERT_TRUE(expected.problems.empty())
      << file << ": malformed expect lines (want '# expect: LINE:COL: error: MESSAGE'):\n"
      << lines(expected.problems);
  ASSERT_FALSE(expected.diagnostics.empty())
      << file << ": no '# expect:' line in the leading comment block";

  Registry registry;
  register_models(registry);
  Diagnostics diag(file.string());
  const std::optional<Scenario> scenario =
      load_scenario_file(file.string(), registry, diag, expected.overrides);
  if (accepted)
    EXPECT_TRUE(scenario.has_value()) << file << ": the loader rejected it:\n" << diag.format();
  else
    EXPECT_FALSE(scenario.has_value()) << file << ": the loader accepted a bad scenario";

  std::vector<std::string> actual;
  const std::string folder = file.parent_path().string() + "/";
  for (const Diagnostic& d : diag.all()) {
    std::string message = d.message;
    for (auto at = message.find(folder); at != std::string::npos; at = message.find(folder))
      message.erase(at, folder.size());
    actual.push_back(show(d.mark.line, d.mark.column, d.severity, message));
  }

  std::vector<std::string> want = expected.diagnostics;
  std::sort(want.begin(), want.end());
  std::sort(actual.begin(), actual.end());
  std::vector<std::string> missing, unexpected;
  std::set_difference(want.begin(), want.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), want.begin(), want.end(),
                      std::back_inserter(unexpected));
  EXPECT_TRUE(missing.empty() && unexpected.empty())
      << file << "\n  expected but not reported:\n"
      << lines(missing) << "  reported but not expected:\n"
      << lines(unexpected) << "  the loader printed:\n"
      << diag.format();
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, IsRejectedWithExactlyTheExpectedDiagnostics) {
  check_file(source_path("tests/config/" + GetParam()), false);
}

class WarnedInput : public ::testing::TestWithParam<std::string> {};

TEST_P(WarnedInput, IsAcceptedWithExactlyTheExpectedWarnings) {
  check_file(source_path("tests/config/warnings/" + GetParam()), true);
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = fs::path(info.param).stem().string();
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Files, BadInput, ::testing::ValuesIn(bad_inputs()), case_name);
INSTANTIATE_TEST_SUITE_P(Files, WarnedInput, ::testing::ValuesIn(warned_inputs()), case_name);

// A scratch folder of this process, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::path(::testing::TempDir()) /
            ("sdsim_bad_input_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Not representable as a tests/config file (its first line would be an expect comment).
TEST(BadInputFile, ZeroByteFileIsRejectedAsEmpty) {
  ScratchDir dir;
  const fs::path file = dir.path() / "zero.yaml";
  std::ofstream(file).close();
  Registry registry;
  register_models(registry);
  Diagnostics diag(file.string());
  EXPECT_FALSE(load_scenario_file(file.string(), registry, diag).has_value());
  ASSERT_EQ(diag.all().size(), 1u) << diag.format();
  EXPECT_EQ(diag.all()[0].mark.line, 0) << "a whole-file problem has no line";
  EXPECT_EQ(diag.all()[0].message.rfind("the file is empty", 0), 0u) << diag.format();
}

TEST(BadInputFile, MissingFileIsOneWholeFileError) {
  ScratchDir dir;
  const fs::path file = dir.path() / "no_such_scenario.yaml";
  Registry registry;
  register_models(registry);
  Diagnostics diag(file.string());
  EXPECT_FALSE(load_scenario_file(file.string(), registry, diag).has_value());
  ASSERT_EQ(diag.all().size(), 1u) << diag.format();
  EXPECT_EQ(diag.all()[0].mark.line, 0);
  EXPECT_NE(diag.all()[0].message.find("no such file"), std::string::npos) << diag.format();
  EXPECT_NE(diag.format().find(file.string()), std::string::npos) << diag.format();
}

// The bad-input suite covers at least the 16 kinds of mistake it was written for.
TEST(BadInputFile, ThereAreAtLeastSixteenCases) { EXPECT_GE(bad_inputs().size(), 16u); }

}  // namespace
}  // namespace sdsim::testing
