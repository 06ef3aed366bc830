// scenarios/chaos/traffic-spike.yaml: an M/M/1 service at 60% load (lambda = 1200/s,
// mu = 2000/s) gets a 3x traffic spike over [60 s, 90 s). The fluid model (the queue moves at
// the mean rates) predicts:
//   - growth at 3 lambda - mu = 1600/s during the spike: a backlog of (3 lambda - mu) x 30 s
//     = 48,000 requests at 90 s; the highest window mean is that of [90, 91), where the
//     queue falls from the peak at mu - lambda: 48,000 - 800/s x 0.5 s = 47,600 (plus the
//     pre-spike queue, under 1; [89, 90) averages 48,000 - 1600/s x 0.5 s = 47,200);
//   - a drain at mu - lambda = 800/s: drain time = backlog / (mu - lambda) = 60 s.
// Tolerances: the fluid model ignores the fluctuation of the queue, a random walk whose
// variance grows at the sum of the arrival and service rates while the server is busy:
// (3 lambda + mu) x 30 s = 168,000 at the peak (sd 410 requests, 0.9% of it), plus
// (lambda + mu) x 60 s = 192,000 over the drain (sd of the backlog at the fluid drain end
// sqrt(360,000) = 600 requests, i.e. 600 / 800 = 0.75 s of drain). We allow 4 sd: 1,640
// requests at the peak; 4 x 0.75 s + 1 s (the drain is read from 1 s windows) = 4 s on the
// drain time.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "tests/support/sim_harness.hpp"

namespace sdsim::testing {
namespace {

TEST(TrafficSpike, BacklogAndDrainMatchTheFluidEstimate) {
  auto s = load_file(source_path("scenarios/chaos/traffic-spike.yaml"));
  ASSERT_TRUE(s);
  const SimRun run = run_checked(*s);
  const double lambda = 1200, mu = 2000, factor = 3, at = 60, length = 30;

  // component/api mean_queue_length per 1 s window, by window start.
  std::vector<double> queue(static_cast<std::size_t>(*s->duration) + 1, std::nan(""));
  std::istringstream in(run.timeseries);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (f.size() == 5 && f[2] == "component/api" && f[3] == "mean_queue_length") {
      const auto w = static_cast<std::size_t>(std::lround(std::stod(f[0])));
      if (w < queue.size()) queue[w] = std::stod(f[4]);
    }
  }
  // Pre-spike level: the mean over [10 s, 60 s) (M/M/1 at rho 0.6: rho^2 / (1 - rho) = 0.9).
  double before = 0;
  for (std::size_t w = 10; w < 60; ++w) before += queue[w];
  before /= 50;
  std::size_t peak_window = 0;
  for (std::size_t w = 0; w < queue.size(); ++w)
    if (!std::isnan(queue[w]) && (std::isnan(queue[peak_window]) || queue[w] > queue[peak_window]))
      peak_window = w;
  const double growth = factor * lambda - mu;
  const double backlog = growth * length;
  expect_near_theory("peak mean queue per window (requests)",
                     "(3 lambda - mu) x 30 s - (mu - lambda) x 0.5 s + pre-spike queue",
                     backlog - (mu - lambda) * 0.5 + before, queue[peak_window],
                     4 * std::sqrt(168000.0));
  EXPECT_EQ(peak_window, 90u) << "the highest window should be the first after the spike";

  // Drain: the first window after the spike whose mean queue is back near its pre-spike
  // level (within 50 requests: 0.1% of the backlog, a few times the pre-spike level).
  std::size_t back = 0;
  for (std::size_t w = static_cast<std::size_t>(at + length); w < queue.size(); ++w)
    if (!std::isnan(queue[w]) && queue[w] <= before + 50) {
      back = w;
      break;
    }
  ASSERT_GT(back, 0u) << "the queue never came back to its pre-spike level";
  const double drain = static_cast<double>(back) - (at + length);
  expect_near_theory("drain time (s)", "backlog / (mu - lambda) = (3 lambda - mu) 30 s / 800/s",
                     backlog / (mu - lambda), drain, 4 * 0.75 + 1);
  std::printf("  pre-spike mean queue %.2f (M/M/1: 0.9), backlog estimate %.0f\n", before, backlog);

  // The spike is an incident over [60 s, 90 s), with its time-series scope.
  const auto& incidents = run.summary.at("incidents");
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].at("kind"), "spike");
  EXPECT_EQ(incidents[0].at("name"), "users/spike");
  EXPECT_DOUBLE_EQ(incidents[0].at("from_s").get<double>(), at);
  EXPECT_DOUBLE_EQ(incidents[0].at("to_s").get<double>(), at + length);
  EXPECT_NE(run.timeseries.find("incident/users/spike,active,1"), std::string::npos);
}

}  // namespace
}  // namespace sdsim::testing
