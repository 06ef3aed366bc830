// `sdsim sweep FILE`: runs every point of a grid R times, one `sdsim run` process each, then
// folds the results into sweep.csv and sweep.html (see docs/cli.md and tools/cli/sweep.hpp).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "models/models.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/registry/registry.hpp"
#include "tools/cli/child_process.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/sweep.hpp"

namespace sdsim::cli {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct RunJob {
  std::string name;               // "p003-r1"
  std::string values;             // "api.workers=4" (the point's values), for the progress lines
  std::vector<std::string> args;  // after the program name
  fs::path dir;                   // its --out folder
};

// Starts `sdsim args...` with stdout to /dev/null and stderr to DIR/stderr.txt.
pid_t start(const std::string& exe, const RunJob& job) {
  std::vector<std::string> argv_text{exe};
  argv_text.insert(argv_text.end(), job.args.begin(), job.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string err = (job.dir / "stderr.txt").string();
  const pid_t pid = fork();
  if (pid != 0) return pid;  // the parent (or -1)
  // The parent waits for signals with them blocked (run_all); the run handles its own. Its own
  // process group: Ctrl-C at a terminal reaches the sweep only, which passes it on once (a run
  // that got it twice, from the terminal and from the sweep, would quit without its results).
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  setpgid(0, 0);
  const int null_fd = open("/dev/null", O_RDWR);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
  }
  if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
  execv(exe.c_str(), argv.data());
  std::fprintf(stderr, "sdsim: cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
  _exit(127);
}

struct RunAllResult {
  std::size_t failed = 0;
  std::size_t finished = 0;  // ran to the end (exit code 0)
  int stopped_by = 0;        // SIGINT or SIGTERM when the sweep was interrupted
};

// Runs the jobs, `parallel` at a time; each failed one is reported with its stderr. On SIGINT
// or SIGTERM no new run starts, the signal is passed on to the runs under way (each then
// writes what it had measured and exits) and they are waited for; a second signal kills them.
RunAllResult run_all(const std::vector<RunJob>& jobs, unsigned parallel, bool quiet) {
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  const BlockedSignals signals;
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, done = 0;
  RunAllResult result;
  int stop_signals = 0;
  while ((next < jobs.size() && result.stopped_by == 0) || !running.empty()) {
    while (result.stopped_by == 0 && next < jobs.size() && running.size() < parallel) {
      const RunJob& job = jobs[next];
      std::error_code ec;
      fs::remove_all(job.dir, ec);  // no stale results of an earlier sweep
      fs::create_directories(job.dir, ec);
      const pid_t pid = start(exe, job);
      if (pid < 0) {
        std::cerr << "sdsim: run " << job.name
                  << ": cannot start a process: " << std::strerror(errno) << "\n";
        ++result.failed;
        ++done;
      } else {
        running.emplace(pid, next);
      }
      ++next;
    }
    if (running.empty()) continue;
    // Reap every run that has ended; wait for a signal when none has.
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno != EINTR) break;
    if (pid <= 0) {
      const int sig = signals.wait();
      if (sig == SIGINT || sig == SIGTERM) {
        ++stop_signals;
        if (result.stopped_by == 0) result.stopped_by = sig;
        const int pass_on = stop_signals == 1 ? sig : SIGKILL;
        if (!quiet || stop_signals == 1)
          std::cerr << (isatty(STDERR_FILENO) == 1 ? "\n" : "")  // after a ^C on a terminal
                    << "sdsim: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ": "
                    << (stop_signals == 1 ? "stopping" : "killing") << " the " << running.size()
                    << " run" << (running.size() == 1 ? "" : "s") << " under way"
                    << (stop_signals == 1 ? " (each writes what it measured; again to kill)" : "")
                    << "\n";
        for (const auto& [p, _] : running) kill(p, pass_on);
      }
      continue;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const RunJob& job = jobs[it->second];
    running.erase(it);
    ++done;
    const fs::path err_file = job.dir / "stderr.txt";
    const std::string err = read_all(err_file);
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok) {
      ++result.finished;
      if (err.empty()) fs::remove(err_file);
      if (!quiet)
        std::cout << "[" << done << "/" << jobs.size() << "] " << job.name
                  << (job.values.empty() ? "" : " (" + job.values + ")") << "\n";
    } else if (result.stopped_by != 0) {
      ++result.failed;  // stopped by the signal passed on: not a failure to explain
    } else {
      ++result.failed;
      std::cerr << "sdsim: run " << job.name << " failed ("
                << (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                      : "killed by signal " + std::to_string(WTERMSIG(status)))
                << "); its stderr (" << err_file.string() << "):\n"
                << err << (err.empty() || err.back() == '\n' ? "" : "\n");
    }
  }
  return result;
}

// One shell-quoted word.
std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-./=:+,@%") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// --emit-jobs: one `sdsim run ...` line per run (absolute paths), for GNU parallel or a Slurm
// job array; the runs are not started. `sdsim merge DIR` folds them afterwards.
void write_jobs(const std::string& file, const std::vector<RunJob>& jobs) {
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  std::ostringstream text;
  for (const auto& job : jobs) {
    text << shell_quote(exe);
    for (const auto& a : job.args) text << ' ' << shell_quote(a);
    text << '\n';
  }
  write_file_atomically(file, text.str());
}

// Clears what an earlier sweep left in `dir`, so that the new plan's folder holds nothing of
// it: a run of the earlier plan would otherwise sit beside the new runs, and its sweep.csv and
// sweep.html would describe another plan until the new ones are written. Only a folder with an
// earlier sweep's plan (a sweep.json that reads as one) is touched, and only what that plan
// wrote: its run folders in runs/, sweep.csv and sweep.html. Says so on stderr in one line.
void clear_earlier_sweep(const fs::path& dir) {
  std::error_code exists_ec;
  if (!fs::exists(dir / "sweep.json", exists_ec)) return;
  const std::optional<SweepPlan> earlier = read_plan(dir);  // says so if it is not a plan
  if (!earlier) return;
  std::cerr << "sdsim: replacing the earlier sweep in " << dir.string() << "\n";
  std::error_code ec;
  for (const auto& p : earlier->points)
    for (std::uint64_t k = 0; k < earlier->replications; ++k)
      fs::remove_all(dir / "runs" / SweepPlan::run_name(p, k), ec);
  fs::remove(dir / "sweep.csv", ec);
  fs::remove(dir / "sweep.html", ec);
}

}  // namespace

int run_sweep(const SweepRequest& req, fs::path* dir_out) {
  std::vector<Override> overrides;
  for (const auto& t : req.sets) {
    std::string error;
    auto o = parse_override(t, "--set", &error);
    if (!o) return usage_error(error);
    overrides.push_back(*o);
  }
  auto scenario = load_scenario(req.file, overrides);
  if (!scenario) return kExitBadInput;
  {
    // Bounded before the plan is made: a mistyped --replications 1000000 is not 10^6 runs.
    const auto& axes = req.axes ? *req.axes : scenario->sweep.vary;
    const std::uint64_t replications = req.replications.value_or(scenario->sweep.replications);
    double runs = static_cast<double>(replications);
    for (const auto& a : axes) runs *= static_cast<double>(a.values.size());
    if (runs > static_cast<double>(kMaxSweepRuns)) {
      std::cerr << "sdsim: the sweep would make " << runs << " runs (" << replications
                << " replication" << (replications == 1 ? "" : "s")
                << " of each point of the grid); at most " << kMaxSweepRuns
                << ": vary fewer values, or split it into several sweeps\n";
      return kExitBadInput;
    }
  }
  const SweepPlan plan = make_plan(req.file, *scenario, req.sets, req.axes, req.replications);

  // Every point is checked here, so that a bad value stops the sweep before any run.
  Registry registry;
  register_models(registry);
  int bad = 0;
  for (const auto& p : plan.points) {
    Diagnostics diag(req.file);
    std::vector<Override> point = plan.overrides(p);
    for (auto& o : point)
      if (o.origin == "sweep" && req.axes) o.origin = "--vary";
    if (!load_scenario_file(req.file, registry, diag, point)) {
      std::cerr << diag.format();
      ++bad;
    }
  }
  if (bad > 0) {
    std::cerr << "sdsim: " << bad << " point" << (bad == 1 ? "" : "s") << " of the sweep "
              << (bad == 1 ? "does" : "do") << " not make a valid scenario\n";
    return kExitBadInput;
  }

  const fs::path dir = req.out ? fs::path(*req.out) : fs::path("out") / (scenario->name + "-sweep");
  if (dir_out != nullptr) *dir_out = dir;
  if (req.emit_jobs) {
    std::vector<std::pair<fs::path, std::string>> taken{{req.file, "the scenario"}};
    for (const char* name : {"sweep.json", "sweep.csv", "sweep.html"})
      taken.emplace_back(dir / name, std::string(name) + " of this sweep");
    if (auto code = refuse_overwrite("--emit-jobs", *req.emit_jobs, taken)) return *code;
  }
  const fs::path abs_dir = fs::absolute(dir).lexically_normal();
  std::vector<RunJob> run_jobs;
  for (const auto& p : plan.points)
    for (std::uint64_t k = 0; k < plan.replications; ++k) {
      std::string values;
      for (std::size_t a = 0; a < plan.axes.size(); ++a)
        values += (a ? " " : "") + plan.axes[a].path + "=" + p.values[a];
      run_jobs.push_back({SweepPlan::run_name(p, k), values, plan.run_args(p, k, abs_dir),
                          abs_dir / "runs" / SweepPlan::run_name(p, k)});
    }
  // The job file first: if it cannot be written, the earlier sweep in DIR stays as it was.
  if (req.emit_jobs) write_jobs(*req.emit_jobs, run_jobs);
  clear_earlier_sweep(dir);
  std::error_code ec;
  fs::create_directories(dir / "runs", ec);
  if (ec) {
    std::cerr << "sdsim: cannot create " << (dir / "runs").string() << ": " << ec.message() << "\n";
    return kExitRunFailed;
  }
  write_plan(abs_dir, plan);
  if (req.emit_jobs) {
    if (!req.quiet)
      std::cout << "wrote " << run_jobs.size() << " run commands to " << *req.emit_jobs
                << "; run them (e.g. parallel < " << *req.emit_jobs << "), then: sdsim merge "
                << abs_dir.string() << "\n";
    return kExitOk;
  }
  if (!req.quiet)
    std::cout << "sweep of " << scenario->name << ": " << plan.points.size() << " point"
              << (plan.points.size() == 1 ? "" : "s") << " x " << plan.replications
              << " replication" << (plan.replications == 1 ? "" : "s") << " in " << dir.string()
              << "\n";
  const RunAllResult ran = run_all(run_jobs, req.jobs, req.quiet);
  if (ran.stopped_by != 0) {
    // What finished is kept and folded (without sweep.html: the user asked to stop).
    std::cerr << "sdsim: sweep interrupted: " << ran.finished << " of " << run_jobs.size()
              << " runs finished";
    if (ran.finished > 0) {
      std::cerr << "; sweep.csv is made of them\n";
      write_sweep_results(abs_dir, false, true, false);
    } else {
      std::cerr << "\n";
    }
    std::cerr << "sdsim: `sdsim sweep` again runs it all"
              << (ran.finished > 0 ? "; `sdsim merge " + dir.string() + "` folds what is there"
                                   : std::string())
              << "\n";
    return kExitSignalBase + ran.stopped_by;
  }
  const std::size_t failed = ran.failed;
  const int merged = write_sweep_results(abs_dir, req.html, req.quiet);
  if (failed > 0) {
    std::cerr << "sdsim: " << failed << " of " << run_jobs.size() << " runs failed\n";
    return kExitRunFailed;
  }
  if (merged >= kExitSignalBase) return merged;  // interrupted while drawing sweep.html
  return merged == 0 ? kExitOk : kExitRunFailed;
}

int sweep_main(const std::vector<std::string>& args) {
  CommonOptions common;
  std::vector<std::string> files, varies;
  std::optional<std::uint64_t> jobs;
  std::optional<std::string> emit;
  bool no_html = false;
  SweepRequest req;
  ArgParser parser("sweep");
  common.add_to(parser);
  parser.repeated("--set", &req.sets);
  parser.repeated("--vary", &varies);
  parser.unsigned_value("--replications", &req.replications);
  parser.value("--out", &req.out);
  parser.unsigned_value("-j", &jobs);
  parser.flag("--no-html", &no_html);
  parser.value("--emit-jobs", &emit);
  parser.positionals(&files, 1, 1, "a scenario FILE");
  if (auto code = parser.parse(args)) return *code;
  if (auto code = common.apply()) return *code;
  if (req.replications && *req.replications == 0)
    return usage_error("--replications: must be >= 1");
  if (jobs && *jobs == 0) return usage_error("-j: must be >= 1");
  for (const auto& v : varies) {
    std::string error;
    auto o = parse_override(v, "--vary", &error);
    if (!o) return usage_error(error + ",V2,...");
    // A value appears once per axis: the check of the scenario's `sweep:` block.
    std::vector<std::string> values = split_values(o->value);
    // An empty item (`1,,2`, `path=`) is a value lost in typing, not a point with the default.
    if (values.empty() ||
        std::any_of(values.begin(), values.end(), [](const auto& x) { return x.empty(); })) {
      std::cerr << "sdsim: --vary " << v
                << ": an empty value (give one value per comma: --vary PATH=V1,V2,...)\n";
      return kExitBadInput;
    }
    const auto repeated = repeated_sweep_values(values);
    for (const auto& [j, problem] : repeated)
      std::cerr << "sdsim: --vary " << v << ": " << problem << "\n";
    if (!repeated.empty()) return kExitBadInput;
    // The `sweep:` block's other checks: the seed belongs to the replications, a path is
    // varied once.
    if (o->path == "seed") {
      std::cerr << "sdsim: --vary " << v
                << ": 'seed' cannot be varied: replication k of every point runs with its own "
                   "seed (use --replications)\n";
      return kExitBadInput;
    }
    if (req.axes)
      for (const auto& axis : *req.axes)
        if (axis.path == o->path) {
          std::cerr << "sdsim: --vary " << v << ": '" << o->path
                    << "' is varied twice (give its values in one --vary)\n";
          return kExitBadInput;
        }
    if (!req.axes) req.axes.emplace();
    req.axes->push_back({o->path, std::move(values)});
  }
  req.file = files[0];
  req.jobs = static_cast<unsigned>(jobs.value_or(1));
  req.html = !no_html;
  req.quiet = common.quiet;
  req.emit_jobs = emit;
  return run_sweep(req);
}

}  // namespace sdsim::cli
