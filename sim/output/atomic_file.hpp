// AtomicFile: a result file that appears whole or not at all. Writes go to "<path>.tmp";
// commit() flushes and renames it over <path>. A file never committed is removed.
#pragma once

#include <fstream>
#include <string>

namespace sdsim {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flushes, closes and renames into place. Throws std::runtime_error on an I/O error.
  void commit();

 private:
  std::string path_;
  std::string tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes `content` to `path` atomically.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace sdsim
