// read_sample_file: the format of empirical(file.csv)'s data, and one test per kind of mistake,
// pinning the message (with the file's own line).
#include "sim/dist/sample_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sdsim {
namespace {

namespace fs = std::filesystem;

// A scratch folder of this test, removed at its end.
class SampleFileTest : public ::testing::Test {
 protected:
  SampleFileTest()
      : dir_(fs::path(::testing::TempDir()) /
             ("sdsim_sample_file_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::create_directories(dir_);
  }
  ~SampleFileTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes `text` (bytes as given) to `name` in the scratch folder; returns its path.
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // The error of reading `text` as a file named "s.csv", with the folder left out.
  std::string error_of(const std::string& text, Dimension dim = Dimension::kTime) const {
    const SampleFile read = read_sample_file(write("s.csv", text), dim);
    EXPECT_TRUE(read.values.empty());
    std::string error = read.error;
    const std::string folder = dir_.string() + "/";
    if (error.find(folder) != std::string::npos) error.erase(error.find(folder), folder.size());
    return error;
  }

  fs::path dir_;
};

TEST_F(SampleFileTest, ReadsValuesWithTheirUnits) {
  const SampleFile read =
      read_sample_file(write("s.csv", "12.5ms\n3s\n250 us\n0ms\n"), Dimension::kTime);
  ASSERT_EQ(read.error, "");
  EXPECT_EQ(read.values, (std::vector<double>{0.0125, 3.0, 0.00025, 0.0}));
}

TEST_F(SampleFileTest, ReadsPlainNumbersInTheUnitOfTheHeaderLine) {
  const SampleFile read = read_sample_file(write("s.csv", "ms\n12.5\n3\n0.25\n"), Dimension::kTime);
  ASSERT_EQ(read.error, "");
  EXPECT_EQ(read.values, (std::vector<double>{0.0125, 0.003, 0.00025}));
  const SampleFile rates = read_sample_file(write("r.csv", "/min\n60\n"), Dimension::kRate);
  ASSERT_EQ(rates.error, "");
  EXPECT_EQ(rates.values, (std::vector<double>{1.0}));
}

TEST_F(SampleFileTest, SkipsCommentsAndBlankLinesAndAcceptsWindowsLineEnds) {
  const SampleFile read = read_sample_file(
      write("s.csv",
            "\xEF\xBB\xBF# measured on 2024-05-01\r\n\r\n  ms  \r\n# p50 region\r\n4\r\n"
            "\t5 \r\n\r\n"),
      Dimension::kTime);
  ASSERT_EQ(read.error, "");
  EXPECT_EQ(read.values, (std::vector<double>{0.004, 0.005}));
}

TEST_F(SampleFileTest, ReadsPlainNumbersForAPlainNumberDimension) {
  const SampleFile read = read_sample_file(write("s.csv", "4\n0.5\n"), Dimension::kNumber);
  ASSERT_EQ(read.error, "");
  EXPECT_EQ(read.values, (std::vector<double>{4.0, 0.5}));
}

TEST_F(SampleFileTest, RejectsAMissingFile) {
  const SampleFile read = read_sample_file(dir_ / "none.csv", Dimension::kTime);
  EXPECT_EQ(read.error, "cannot read " + (dir_ / "none.csv").string() + ": no such file");
}

TEST_F(SampleFileTest, RejectsADirectory) {
  const SampleFile read = read_sample_file(dir_, Dimension::kTime);
  EXPECT_EQ(read.error, "cannot read " + dir_.string() + ": not a regular file");
}

TEST_F(SampleFileTest, RejectsAFileWithoutValues) {
  EXPECT_EQ(error_of(""), "s.csv: holds no values (write one value per line, e.g. 12.5ms)");
  EXPECT_EQ(error_of("# nothing yet\n\nms\n"),
            "s.csv: holds no values (write one value per line, e.g. 12.5ms)");
}

TEST_F(SampleFileTest, RejectsABadNumberAtItsLine) {
  EXPECT_EQ(error_of("1ms\n2ms\nabc\n"), "s.csv:3: expected a duration such as 12ms, got 'abc'");
  EXPECT_EQ(error_of("ms\n1\n\n2x\n"),
            "s.csv:4: unexpected unit 'x': expected a number such as 4 (line 1 says the values "
            "are in ms)");
}

TEST_F(SampleFileTest, RejectsNegativeValuesAtTheirLine) {
  EXPECT_EQ(error_of("1ms\n-2ms\n"), "s.csv:2: must be >= 0, got '-2ms'");
  EXPECT_EQ(error_of("# c\nms\n1\n-2\n"), "s.csv:4: values must be >= 0, got '-2'");
  EXPECT_EQ(error_of("-2\n", Dimension::kNumber), "s.csv:1: values must be >= 0, got '-2'");
}

TEST_F(SampleFileTest, RejectsAValueWithoutUnitAndNoHeader) {
  EXPECT_EQ(error_of("12.5\n"),
            "s.csv:1: '12.5' has no unit: write the unit after each value, or alone on the "
            "first line (e.g. ms)");
}

TEST_F(SampleFileTest, RejectsAHeaderThatIsNotAUnit) {
  EXPECT_EQ(error_of("latency_ms\n12\n"),
            "s.csv:1: 'latency_ms' is neither a value nor a unit for the values below: unknown "
            "time unit 'latency_ms' (expected one of us, ms, s, min, h)");
  // Only the first line can be a header.
  EXPECT_EQ(error_of("1ms\nms\n"), "s.csv:2: expected a duration such as 12ms, got 'ms'");
}

TEST_F(SampleFileTest, RejectsSeveralValuesOnALine) {
  EXPECT_EQ(error_of("1ms\n2ms, 3ms\n"), "s.csv:2: one value per line, found '2ms, 3ms'");
}

}  // namespace
}  // namespace sdsim
