// Runs the real sdsim binary (SDSIM_CLI, defined by the build) as a subprocess with its stdout
// and stderr captured, plus a scratch folder per test: for the tests of the command line.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef SDSIM_CLI
#error "SDSIM_CLI (path of the sdsim binary) must be defined by the build"
#endif

extern char** environ;

namespace sdsim::testing {

namespace fs = std::filesystem;

inline std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_all(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << file;
}

// A scratch folder of this test, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::path(::testing::TempDir()) /
            ("sdsim_cli_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  // Writes `text` to the file `name` in this folder and returns its path.
  fs::path file(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return path_ / name;
  }

 private:
  fs::path path_;
};

struct CliResult {
  int exit_code = -1;  // -1: did not exit normally (signal)
  int killed_by = 0;   // the signal that ended it, if one did
  std::string out;
  std::string err;
};

// A signal to send to the run: once `started` exists (a run opens its time series file, as
// `<file>.tmp`, just before it starts the simulation) and `after` more has passed, so a loaded
// machine that is slow to start the process does not make the signal arrive before the run.
struct SignalPlan {
  int sig = 0;
  fs::path started;
  std::chrono::milliseconds after{0};
};

// Runs `sdsim args...` with stdout and stderr captured in files of `scratch`.
inline CliResult run_cli(const std::vector<std::string>& args, const fs::path& scratch,
                         const SignalPlan& signal = {}) {
  static int serial = 0;  // one counter per test program (inline function)
  const std::string tag = std::to_string(serial++);
  const fs::path out_file = scratch / ("stdout_" + tag + ".txt");
  const fs::path err_file = scratch / ("stderr_" + tag + ".txt");

  std::vector<std::string> argv_text{SDSIM_CLI};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CliResult result;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << SDSIM_CLI << ": " << std::strerror(rc);
    return result;
  }
  if (signal.sig != 0) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(signal.started) && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(signal.after);
    ::kill(pid, signal.sig);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.killed_by = WTERMSIG(status);
  result.out = read_all(out_file);
  result.err = read_all(err_file);
  fs::remove(out_file);
  fs::remove(err_file);
  return result;
}

inline std::string show(const CliResult& r) {
  return "exit code " + std::to_string(r.exit_code) +
         (r.killed_by ? ", killed by signal " + std::to_string(r.killed_by) : "") +
         "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

// The cells of a CSV file (double-quoted cells may hold commas), row by row.
inline std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_all(file));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// The index of a column by its header; fails the test when absent.
inline std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

}  // namespace sdsim::testing
