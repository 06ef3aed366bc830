// empirical: the law of measured samples, and the reader of its sample files.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "sim/dist/distribution.hpp"
#include "sim/dist/sample_file.hpp"

namespace sdsim {
namespace {

// Sorted samples x_(1) <= ... <= x_(n); the CDF is piecewise linear through the points
// (x_(i), (i - 1) / (n - 1)), so the quantile is the linear interpolation between order
// statistics Q(p) = x_(j) + (h - j + 1)(x_(j+1) - x_(j)) with h = (n - 1) p, j = floor(h) + 1:
// R. J. Hyndman, Y. Fan, "Sample quantiles in statistical packages", The American
// Statistician 50(4), 1996, definition 7. Each of the n - 1 segments [x_(i), x_(i+1)] carries
// probability 1 / (n - 1), spread uniformly over it, which gives the moments below. The law
// lives on [x_(1), x_(n)]: it never draws beyond the largest sample.
class Empirical final : public Distribution {
 public:
  Empirical(std::vector<double> sorted, std::string text)
      : x_(std::move(sorted)), text_(std::move(text)) {
    const std::size_t n = x_.size();
    if (n == 1) {
      mean_ = x_[0];
      return;
    }
    // mean = sum over segments of (a + b) / 2, divided by n - 1.
    double sum = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) sum += 0.5 * (x_[i] + x_[i + 1]);
    mean_ = sum / static_cast<double>(n - 1);
    // E[(X - m)^2] over a segment uniform on [a, b], with a, b centred on m: (a^2 + ab + b^2) / 3.
    double ss = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const double a = x_[i] - mean_;
      const double b = x_[i + 1] - mean_;
      ss += (a * a + a * b + b * b) / 3.0;
    }
    variance_ = ss / static_cast<double>(n - 1);
  }
  // One uniform per draw (none when there is a single sample, like const).
  double sample(RandomStream& rng) const override {
    if (x_.size() == 1) return x_[0];
    return quantile(rng.uniform01());
  }
  double mean() const override { return mean_; }
  double variance() const override { return variance_; }
  double quantile(double p) const override {
    if (x_.size() == 1) return x_[0];
    const double h = p * static_cast<double>(x_.size() - 1);
    const auto j = std::min(static_cast<std::size_t>(h), x_.size() - 2);
    return x_[j] + (h - static_cast<double>(j)) * (x_[j + 1] - x_[j]);
  }
  std::string describe() const override { return text_; }
  bool is_deterministic() const override { return x_.front() == x_.back(); }

 private:
  std::vector<double> x_;
  std::string text_;
  double mean_ = 0;
  double variance_ = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_like_a_number(std::string_view s) {
  const char c = s.front();
  return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+';
}

}  // namespace

SampleFile read_sample_file(const std::filesystem::path& path, Dimension dim) {
  SampleFile out;
  const std::string name = path.string();
  const auto fail = [&](std::string message) {
    out.values.clear();
    out.error = std::move(message);
    return out;
  };
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail("cannot read " + name + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail("cannot read " + name + ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + name + ": " + std::strerror(errno));

  std::string line_text;
  int line = 0;
  bool first = true;       // no value or header seen yet
  double unit_factor = 0;  // from the header line; 0 when values carry their unit
  std::string unit;        // the header's unit, for messages
  int header_line = 0;
  while (std::getline(in, line_text)) {
    ++line;
    std::string_view text = line_text;
    if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
    text = trim(text);
    if (text.empty() || text.front() == '#') continue;
    const std::string where = name + ":" + std::to_string(line) + ": ";
    if (text.find(',') != std::string_view::npos) {
      return fail(where + "one value per line, found '" + std::string(text) + "'");
    }
    if (first && !starts_like_a_number(text)) {
      // The header: the unit of every value below.
      std::string error;
      const auto factor = parse_quantity("1" + std::string(text), dim, &error);
      if (!factor || *factor <= 0) {
        return fail(where + "'" + std::string(text) +
                    "' is neither a value nor a unit for the values below: " + error);
      }
      unit_factor = *factor;
      unit = text;
      header_line = line;
      first = false;
      continue;
    }
    first = false;
    std::string error;
    double value = 0;
    if (unit_factor > 0) {
      const auto number = parse_quantity(text, Dimension::kNumber, &error);
      if (!number) {
        return fail(where + error + " (line " + std::to_string(header_line) +
                    " says the values are in " + unit + ")");
      }
      value = *number * unit_factor;
    } else {
      const auto quantity = parse_quantity(text, dim, &error);
      if (!quantity) {
        std::string plain_error;
        if (dim != Dimension::kNumber && dim != Dimension::kFraction &&
            parse_quantity(text, Dimension::kNumber, &plain_error)) {
          return fail(where + "'" + std::string(text) +
                      "' has no unit: write the unit after each value, or alone on the first "
                      "line (e.g. ms)");
        }
        return fail(where + error);
      }
      value = *quantity;
    }
    if (!(value >= 0) || !std::isfinite(value)) {
      return fail(where + "values must be >= 0, got '" + std::string(text) + "'");
    }
    out.values.push_back(value);
  }
  if (in.bad()) return fail("cannot read " + name + ": " + std::strerror(errno));
  if (out.values.empty()) {
    return fail(name + ": holds no values (write one value per line, e.g. 12.5ms)");
  }
  return out;
}

std::unique_ptr<Distribution> make_empirical(std::vector<double> samples, std::string text) {
  if (samples.empty()) throw std::invalid_argument("empirical needs at least one sample");
  for (double x : samples) {
    if (!(x >= 0) || !std::isfinite(x)) {
      throw std::invalid_argument("empirical samples must be >= 0 and finite");
    }
  }
  std::sort(samples.begin(), samples.end());
  return std::make_unique<Empirical>(std::move(samples), std::move(text));
}

}  // namespace sdsim
