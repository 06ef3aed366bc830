// des_mmc: runs the hand-written heap DES of an M/M/c (heap_des.hpp) and prints one JSON line
// {"requests", "wall_s", "requests_per_wall_s", "mean_response_s", "events"}; wall_s covers
// the event loop only, like sdsim's perf.json.
//
//   des_mmc [--rate R] [--mean-service S] [--workers C] [--requests N] [--seed N]
//           [--client NAME] [--service NAME] [--request-log FILE]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/baselines/heap_des.hpp"

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "des_mmc: %s\nusage: des_mmc [--rate R] [--mean-service S] [--workers C] "
               "[--requests N] [--seed N] [--client NAME] [--service NAME] "
               "[--request-log FILE]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  sdsim::bench::MmcOptions o;
  std::string log_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--rate")
      o.rate_per_s = std::strtod(v, nullptr);
    else if (a == "--mean-service")
      o.mean_service_s = std::strtod(v, nullptr);
    else if (a == "--workers")
      o.workers = std::atoi(v);
    else if (a == "--requests")
      o.requests = std::strtoull(v, nullptr, 10);
    else if (a == "--seed")
      o.seed = std::strtoull(v, nullptr, 10);
    else if (a == "--client")
      o.client_name = v;
    else if (a == "--service")
      o.service_name = v;
    else if (a == "--request-log")
      log_path = v;
    else
      return usage(("unknown option " + a).c_str());
  }
  if (o.workers < 1 || !(o.rate_per_s > 0) || !(o.mean_service_s > 0))
    return usage("rate, mean-service and workers must be > 0");

  std::ofstream log;
  if (!log_path.empty()) {
    log.open(log_path, std::ios::binary);
    if (!log) return usage(("cannot write " + log_path).c_str());
  }
  const sdsim::bench::MmcResult r = sdsim::bench::run_mmc_des(o, log_path.empty() ? nullptr : &log);
  const double rate = r.wall_s > 0 ? static_cast<double>(r.completed) / r.wall_s : 0;
  const double mean = r.completed > 0 ? r.response_sum_s / static_cast<double>(r.completed) : 0;
  std::printf(
      "{\"requests\": %llu, \"wall_s\": %.9g, \"requests_per_wall_s\": %.9g, "
      "\"mean_response_s\": %.17g, \"events\": %llu}\n",
      static_cast<unsigned long long>(r.completed), r.wall_s, rate, mean,
      static_cast<unsigned long long>(r.events));
  return 0;
}
