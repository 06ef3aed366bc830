// Calibration of the validation tolerances (tolerances.hpp), by independent reference
// simulators that share no code with sim/ or models/: a Kiefer-Wolfowitz recursion for FIFO
// c-server stations with an optional waiting room (Lindley's recursion for c = 1), and an
// event loop for the closed machine-repairman model. Each test runs R independent
// replications of one validation configuration, ~2e5 measured requests each, and checks
//   1. the replications' mean estimates agree with the theory of queueing_theory.hpp (so a
//      wrong formula is caught here, not blamed on the simulator);
//   2. the exact asymptotic standard deviations of queueing_theory.hpp agree with the spread
//      of the replications;
//   3. each calibrated constant of tolerances.hpp is at least the measured spread (it was
//      recorded as 1.1 x a 1000-replication measurement) and not grossly larger.
// The spread sd x sqrt(n) over R replications has a relative standard error of
// 1 / sqrt(2 (R - 1)) (3.5% for R = 400); the checks allow 4 of those plus 3% for
// finite-n effects. Labelled long: the reference runs take ~5 s each and test no sdsim code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "tests/validation/queueing_theory.hpp"
#include "tests/validation/tolerances.hpp"

namespace sdsim::validation {
namespace {

constexpr int kReplications = 400;
constexpr double kMeasuredPerReplication = 2e5;
constexpr double kWarmup = 100.0;

// Our own sampling on mt19937_64 (whose output is fixed by the standard), as in sim/rng.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  double open01() { return (static_cast<double>(gen_() >> 11) + 0.5) * 0x1.0p-53; }
  double exp(double mean) { return -mean * std::log(open01()); }

 private:
  std::mt19937_64 gen_;
};

// Mean and spread of one estimator over the replications.
struct Spread {
  std::vector<double> values;
  void add(double v) { values.push_back(v); }
  double mean() const {
    double s = 0;
    for (double v : values) s += v;
    return s / static_cast<double>(values.size());
  }
  double sd() const {
    const double m = mean();
    double s = 0;
    for (double v : values) s += (v - m) * (v - m);
    return std::sqrt(s / static_cast<double>(values.size() - 1));
  }
};

double nearest_rank(std::vector<double>& v, double p) {
  const auto k =
      static_cast<std::size_t>(std::max(1.0, std::ceil(p * static_cast<double>(v.size()))));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k - 1), v.end());
  return v[k - 1];
}

struct StationEstimates {
  Spread mean_sojourn, mean_wait, p_wait, blocking, p50, p99;
  double n = 0;  // measured arrivals per replication (mean)
};

// Poisson(lambda) arrivals to c FIFO servers with `waiting_places` places (-1: unbounded);
// time-based run like sdsim's: start empty, measure arrivals in [kWarmup, duration).
StationEstimates reference_station(double lambda, int c, long waiting_places,
                                   const std::function<double(Rng&)>& service, std::uint64_t seed) {
  StationEstimates out;
  Rng rng(seed);
  const double duration = kWarmup + kMeasuredPerReplication / lambda;
  std::vector<double> sojourns;
  double arrivals_sum = 0;
  for (int r = 0; r < kReplications; ++r) {
    std::vector<double> free_at(static_cast<std::size_t>(c), 0.0);
    std::priority_queue<double, std::vector<double>, std::greater<>> departures;
    sojourns.clear();
    double t = 0, wait_sum = 0;
    long served = 0, waited = 0, arrivals = 0, blocked = 0;
    for (;;) {
      t += rng.exp(1.0 / lambda);
      if (t >= duration) break;
      while (!departures.empty() && departures.top() <= t) departures.pop();
      const bool measured = t >= kWarmup;
      arrivals += measured;
      if (waiting_places >= 0 && static_cast<long>(departures.size()) >= c + waiting_places) {
        blocked += measured;
        continue;
      }
      auto server = std::min_element(free_at.begin(), free_at.end());
      const double start = std::max(t, *server);
      const double end = start + service(rng);
      *server = end;
      departures.push(end);
      if (measured) {
        sojourns.push_back(end - t);
        wait_sum += start - t;
        ++served;
        waited += start > t;
      }
    }
    double sum = 0;
    for (double x : sojourns) sum += x;
    out.mean_sojourn.add(sum / static_cast<double>(served));
    out.mean_wait.add(wait_sum / static_cast<double>(served));
    out.p_wait.add(static_cast<double>(waited) / static_cast<double>(served));
    out.blocking.add(static_cast<double>(blocked) / static_cast<double>(arrivals));
    out.p50.add(nearest_rank(sojourns, 0.5));
    out.p99.add(nearest_rank(sojourns, 0.99));
    arrivals_sum += static_cast<double>(arrivals);
  }
  out.n = arrivals_sum / kReplications;
  return out;
}

const double kSpreadSlack = 4.0 / std::sqrt(2.0 * (kReplications - 1)) + 0.03;

// 1. The replications' mean of an estimator agrees with theory (4 SE of that mean).
void expect_mean(const char* what, const Spread& s, double theory) {
  const double se = s.sd() / std::sqrt(static_cast<double>(kReplications));
  std::printf("[calibration] %-34s theory %-12.6g reference %-12.6g (+- %.3g)\n", what, theory,
              s.mean(), 4 * se);
  EXPECT_NEAR(s.mean(), theory, 4 * se + 1e-12) << what;
}

// 2. An exact asymptotic sigma agrees with the measured spread x sqrt(n).
void expect_exact_sigma(const char* what, const Spread& s, double n, double sigma) {
  const double measured = s.sd() * std::sqrt(n);
  std::printf("[calibration] %-34s exact sigma %-12.6g measured %-12.6g\n", what, sigma, measured);
  EXPECT_NEAR(measured / sigma, 1.0, kSpreadSlack) << what;
}

// 3. A calibrated sigma (x1.1 of a 1000-replication measurement) covers the measured spread.
void expect_calibrated_sigma(const char* what, const Spread& s, double n, double constant) {
  const double measured = s.sd() * std::sqrt(n);
  std::printf("[calibration] %-34s constant %-12.6g measured %-12.6g\n", what, constant, measured);
  EXPECT_LE(measured, constant * (1.0 + kSpreadSlack)) << what << ": the constant is too small";
  EXPECT_GE(measured, constant / 1.1 * (1.0 - kSpreadSlack)) << what << ": the constant is loose";
}

auto exponential(double mean) {
  return [mean](Rng& g) { return g.exp(mean); };
}

void calibrate_mm1(double lambda, double sigma_p50, double sigma_p99, std::uint64_t seed) {
  const double mu = 100, rho = lambda / mu;
  const StationEstimates e = reference_station(lambda, 1, -1, exponential(0.01), seed);
  expect_mean("M/M/1 mean sojourn", e.mean_sojourn, 1 / (mu - lambda));
  expect_mean("M/M/1 p50", e.p50, mm1_sojourn_quantile(lambda, mu, 0.5));
  expect_mean("M/M/1 p99", e.p99, mm1_sojourn_quantile(lambda, mu, 0.99));
  expect_mean("M/M/1 P(wait)", e.p_wait, rho);
  expect_exact_sigma("M/M/1 mean sojourn", e.mean_sojourn, e.n,
                     std::sqrt(mm1_sojourn_mean_asymptotic_variance(rho, mu)));
  // Daley's waiting-time constant, through the same birth-death method.
  const BirthDeath chain = mmc_chain(1, lambda, mu);
  const double daley =
      rho * (2 + 5 * rho - 4 * rho * rho + rho * rho * rho) / (std::pow(1 - rho, 4) * mu * mu);
  EXPECT_NEAR(chain.little_mean_variance([](int k) { return k > 1 ? k - 1.0 : 0.0; }) / daley, 1.0,
              1e-6);
  expect_exact_sigma("M/M/1 mean wait (Daley)", e.mean_wait, e.n, std::sqrt(daley));
  // The time-average variance of the number in system against its known closed form
  // 2 rho (1 + rho) / ((1 - rho)^4 mu) (Whitt, "Planning queueing simulations", 1989).
  EXPECT_NEAR(chain.time_average_variance([](int k) { return double(k); }) /
                  (2 * rho * (1 + rho) / (std::pow(1 - rho, 4) * mu)),
              1.0, 1e-6);
  expect_exact_sigma(
      "M/M/1 P(wait)", e.p_wait, e.n,
      std::sqrt(chain.arrival_average_variance([](int k) { return k >= 1 ? 1.0 : 0.0; })));
  expect_calibrated_sigma("M/M/1 p50", e.p50, e.n, sigma_p50);
  expect_calibrated_sigma("M/M/1 p99", e.p99, e.n, sigma_p99);
}

TEST(ToleranceCalibration, MM1AtRho05_Long) {
  calibrate_mm1(50, calibrated::kMM1Rho05P50, calibrated::kMM1Rho05P99, 101);
}

TEST(ToleranceCalibration, MM1AtRho09_Long) {
  calibrate_mm1(90, calibrated::kMM1Rho09P50, calibrated::kMM1Rho09P99, 102);
}

TEST(ToleranceCalibration, MM4AtRho085_Long) {
  const int c = 4;
  const double lambda = 340, mu = 100;
  const StationEstimates e = reference_station(lambda, c, -1, exponential(0.01), 103);
  const BirthDeath chain = mmc_chain(c, lambda, mu);
  const double wq = mmc_mean_wait(c, lambda, mu);
  expect_mean("M/M/4 P(wait)", e.p_wait, erlang_c(c, lambda / mu));
  expect_mean("M/M/4 mean wait", e.mean_wait, wq);
  expect_mean("M/M/4 mean sojourn", e.mean_sojourn, wq + 1 / mu);
  expect_mean("M/M/4 p99", e.p99,
              quantile_by_bisection(
                  [&](double t) { return mmc_sojourn_survival(c, lambda, mu, t); }, 0.99));
  expect_exact_sigma(
      "M/M/4 P(wait)", e.p_wait, e.n,
      std::sqrt(chain.arrival_average_variance([c](int k) { return k >= c ? 1.0 : 0.0; })));
  expect_exact_sigma(
      "M/M/4 mean wait", e.mean_wait, e.n,
      std::sqrt(chain.little_mean_variance([c](int k) { return k > c ? double(k - c) : 0.0; })));
  expect_exact_sigma("M/M/4 mean sojourn", e.mean_sojourn, e.n,
                     std::sqrt(chain.little_mean_variance([](int k) { return double(k); })));
  expect_calibrated_sigma("M/M/4 p99", e.p99, e.n, calibrated::kMM4P99);
}

void calibrate_loss(int c, int waiting_places, double lambda, double mean_s, std::uint64_t seed) {
  const int K = c + waiting_places;
  const double mu = 1 / mean_s;
  const StationEstimates e =
      reference_station(lambda, c, waiting_places, exponential(mean_s), seed);
  const double theory =
      waiting_places == 0 ? erlang_b(c, lambda / mu) : mmck_blocking(c, K, lambda / mu);
  const BirthDeath chain = mmc_chain(c, lambda, mu, K);
  expect_mean("blocking", e.blocking, theory);
  expect_exact_sigma(
      "blocking", e.blocking, e.n,
      std::sqrt(chain.arrival_average_variance([K](int k) { return k == K ? 1.0 : 0.0; })));
}

TEST(ToleranceCalibration, ErlangB10At8Erlangs_Long) { calibrate_loss(10, 0, 80, 0.1, 104); }
TEST(ToleranceCalibration, MM2K6AtRho09_Long) { calibrate_loss(2, 4, 180, 0.01, 105); }
TEST(ToleranceCalibration, ErlangB20At16ErlangsOfTheScenarioFile_Long) {
  calibrate_loss(20, 0, 128, 0.125, 106);
}

void calibrate_mg1(double lambda, double mean_s, double cv, const std::function<double(Rng&)>& law,
                   double sigma_wait, double sigma_sojourn, std::uint64_t seed) {
  const StationEstimates e = reference_station(lambda, 1, -1, law, seed);
  const double wq = pk_mean_wait(lambda, mean_s, mean_s * mean_s * (1 + cv * cv));
  expect_mean("M/G/1 mean wait", e.mean_wait, wq);
  expect_mean("M/G/1 mean sojourn", e.mean_sojourn, wq + mean_s);
  expect_calibrated_sigma("M/G/1 mean wait", e.mean_wait, e.n, sigma_wait);
  expect_calibrated_sigma("M/G/1 mean sojourn", e.mean_sojourn, e.n, sigma_sojourn);
}

TEST(ToleranceCalibration, MD1AtRho08_Long) {
  calibrate_mg1(
      80, 0.01, 0, [](Rng&) { return 0.01; }, calibrated::kMD1MeanWait, calibrated::kMD1MeanWait,
      107);
}

TEST(ToleranceCalibration, MD1AtRho09OfTheScenarioFile_Long) {
  calibrate_mg1(
      90, 0.01, 0, [](Rng&) { return 0.01; }, calibrated::kMD1Rho09MeanWait,
      calibrated::kMD1Rho09MeanWait, 108);
}

TEST(ToleranceCalibration, MH2OneCv3AtRho06_Long) {
  // Balanced-means two-phase hyperexponential (the law sdsim documents), written out again.
  const double mean = 0.01, cv = 3, c2 = cv * cv, q = std::sqrt((c2 - 1) / (c2 + 1));
  const double p1 = 0.5 * (1 + q), p2 = 0.5 * (1 - q);
  const double mean1 = mean / (2 * p1), mean2 = mean / (2 * p2);
  auto h2 = [=](Rng& g) { return g.open01() < p1 ? g.exp(mean1) : g.exp(mean2); };
  calibrate_mg1(60, mean, cv, h2, calibrated::kMH1MeanWait, calibrated::kMH1MeanSojourn, 109);
}

// Closed loop: N users, think Exp(Z), one FIFO Exp(D) server; issuing stops at `duration`,
// requests issued in [kWarmup, duration) are measured (as in sdsim).
void calibrate_closed(int users, double sigma_x, double sigma_r, std::uint64_t seed) {
  const double D = 0.01, Z = 0.09;
  const MvaResult mva = mva_single_station(users, D, Z);
  const double duration = kWarmup + kMeasuredPerReplication / mva.throughput_per_s;
  Rng rng(seed);
  Spread x, r;
  double n_sum = 0;
  for (int rep = 0; rep < kReplications; ++rep) {
    std::priority_queue<double, std::vector<double>, std::greater<>> think_done;
    for (int u = 0; u < users; ++u) think_done.push(rng.exp(Z));
    std::queue<double> at_server;  // issue times, head in service
    double departure = INFINITY, response_sum = 0;
    long ok = 0;
    while (!think_done.empty() || !at_server.empty()) {
      const double next_issue = think_done.empty() ? INFINITY : think_done.top();
      if (next_issue < departure) {
        think_done.pop();
        if (next_issue >= duration) continue;  // issuing has stopped
        at_server.push(next_issue);
        if (at_server.size() == 1) departure = next_issue + rng.exp(D);
      } else {
        const double now = departure, issued = at_server.front();
        at_server.pop();
        if (issued >= kWarmup && issued < duration) {
          ++ok;
          response_sum += now - issued;
        }
        departure = at_server.empty() ? INFINITY : now + rng.exp(D);
        if (now < duration) think_done.push(now + rng.exp(Z));
      }
    }
    x.add(static_cast<double>(ok) / (duration - kWarmup));
    r.add(response_sum / static_cast<double>(ok));
    n_sum += static_cast<double>(ok);
  }
  const double n = n_sum / kReplications;
  expect_mean("closed X", x, mva.throughput_per_s);
  expect_mean("closed R", r, mva.response_s);
  expect_calibrated_sigma("closed X", x, n, sigma_x);
  expect_calibrated_sigma("closed R", r, n, sigma_r);
}

TEST(ToleranceCalibration, ClosedFiveUsers_Long) {
  calibrate_closed(5, calibrated::kClosed5Throughput, calibrated::kClosed5Response, 110);
}

TEST(ToleranceCalibration, ClosedTwentyUsers_Long) {
  calibrate_closed(20, calibrated::kClosed20Throughput, calibrated::kClosed20Response, 111);
}

}  // namespace
}  // namespace sdsim::validation
