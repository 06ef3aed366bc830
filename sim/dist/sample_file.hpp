// Sample files: the data of empirical(file.csv). Format (docs/reference.md, "Sample files"):
//   - one value per line; blank lines and lines starting with '#' are skipped;
//   - either every value carries its unit ("12.5ms"), or the first line that is not skipped
//     names the unit alone ("ms") and every value is a plain number ("12.5");
//   - values are >= 0; at least one value. Windows line ends and a UTF-8 byte-order mark are
//     accepted.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/units.hpp"

namespace sdsim {

struct SampleFile {
  std::vector<double> values;  // SI units, in file order; empty on error
  // On error, where and what: "data/x.csv:7: expected a duration such as 12ms, got 'abc'",
  // "cannot read data/x.csv: no such file", "data/x.csv: holds no values (...)".
  std::string error;
};

// Reads the sample file at `path` (used as given, also in messages); values in `dim`.
SampleFile read_sample_file(const std::filesystem::path& path, Dimension dim);

}  // namespace sdsim
