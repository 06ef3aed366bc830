// Closed-form and numerically exact queueing results used by the validation tests, written
// independently of sim/ and models/ (no sdsim code is trusted to compute an expected value).
//
// Units: rates in 1/s, times in s. Sources:
//   Erlang B and C, M/M/c/K, M/M/c sojourn law: L. Kleinrock, "Queueing Systems, Vol. 1"
//     (1975), ch. 3; D. Gross, C. Harris, "Fundamentals of Queueing Theory", 3rd ed., ch. 2.
//   Pollaczek-Khinchine: Kleinrock, ch. 5.
//   Exact MVA: M. Reiser, S. Lavenberg, "Mean-value analysis of closed multichain queuing
//     networks", J. ACM 27(2), 1980.
//   Asymptotic variances of birth-death time averages: W. Whitt, "Asymptotic formulas for
//     Markov processes with applications to simulation", Oper. Res. 40(2), 1992.
//   M/M/1 waiting-time variance constant: D. J. Daley, "The serial correlation coefficients of
//     waiting times in a stationary single server queue", J. Austral. Math. Soc. 8, 1968.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

namespace sdsim::validation {

// ---------------------------------------------------------------------------------------------
// Single-station formulas

// Erlang B: probability that an arrival finds all c servers busy in M/M/c/c (also M/G/c/c, by
// insensitivity), offered load a = lambda / mu Erlangs. Stable recursion
// B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
inline double erlang_b(int c, double a) {
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b;
}

// Erlang C: probability of waiting in M/M/c, a = lambda / mu < c:
// C = B / (1 - (a / c) (1 - B)).
inline double erlang_c(int c, double a) {
  const double b = erlang_b(c, a);
  return b / (1.0 - (a / c) * (1.0 - b));
}

// M/M/c mean wait in queue: Wq = C / (c mu - lambda).
inline double mmc_mean_wait(int c, double lambda, double mu) {
  return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

// M/M/c FIFO sojourn survival P(T > t). T = Wq + S with S ~ Exp(mu) independent of Wq, and
// Wq = 0 with probability 1 - C, else Exp(gamma), gamma = c mu - lambda. The sum of two
// exponentials (hypoexponential): P(E_g + E_m > t) = (g e^{-m t} - m e^{-g t}) / (g - m),
// or (1 + m t) e^{-m t} when g == m.
inline double mmc_sojourn_survival(int c, double lambda, double mu, double t) {
  const double C = erlang_c(c, lambda / mu);
  const double g = c * mu - lambda;
  const double hypo = std::fabs(g - mu) < 1e-12 * mu
                          ? (1.0 + mu * t) * std::exp(-mu * t)
                          : (g * std::exp(-mu * t) - mu * std::exp(-g * t)) / (g - mu);
  return (1.0 - C) * std::exp(-mu * t) + C * hypo;
}

// Quantile of a decreasing survival function by bisection: the t with survival(t) = 1 - p.
inline double quantile_by_bisection(const std::function<double(double)>& survival, double p) {
  double lo = 0.0, hi = 1e-9;
  while (survival(hi) > 1.0 - p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (survival(mid) > 1.0 - p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// M/M/1 FIFO sojourn: T ~ Exp(mu - lambda), quantile -ln(1 - p) / (mu - lambda).
inline double mm1_sojourn_quantile(double lambda, double mu, double p) {
  return -std::log1p(-p) / (mu - lambda);
}

// M/M/c/K blocking probability (K = c + waiting places >= c): p_K of the birth-death chain,
// p_n proportional to a^n / n! for n <= c and to a^c / c! (a / c)^(n - c) above.
inline double mmck_blocking(int c, int K, double a) {
  std::vector<double> w(static_cast<std::size_t>(K) + 1);
  w[0] = 1.0;
  for (int n = 1; n <= K; ++n) w[n] = w[n - 1] * a / std::min(n, c);
  double sum = 0;
  for (double x : w) sum += x;
  return w[K] / sum;
}

// Pollaczek-Khinchine: M/G/1 mean wait in queue Wq = lambda E[S^2] / (2 (1 - rho)).
inline double pk_mean_wait(double lambda, double mean_s, double second_moment_s) {
  const double rho = lambda * mean_s;
  return lambda * second_moment_s / (2.0 * (1.0 - rho));
}

// Exact MVA for N users cycling between a delay station (think time, mean Z) and one
// single-server FCFS station with exponential service of mean D (the machine-repairman model,
// product form): R(n) = D (1 + Q(n-1)), X(n) = n / (Z + R(n)), Q(n) = X(n) R(n).
struct MvaResult {
  double throughput_per_s = 0;
  double response_s = 0;
};
inline MvaResult mva_single_station(int users, double demand_s, double think_s) {
  double q = 0;
  MvaResult r;
  for (int n = 1; n <= users; ++n) {
    r.response_s = demand_s * (1.0 + q);
    r.throughput_per_s = n / (think_s + r.response_s);
    q = r.throughput_per_s * r.response_s;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Asymptotic variances (the "sigma^2" of a CLT: Var(estimate) ~ sigma^2 / n), used to size
// tolerances from the sample size.

// M/M/1 (service rate mu): asymptotic variance, per customer, of the mean sojourn time of n
// consecutive customers: n Var(T_bar) -> (1 + rho)^2 / ((1 - rho)^4 mu^2). Derived below from
// BirthDeath::little_mean_variance (f = number in system); the same derivation with the
// number in queue gives Daley's (1968) waiting-time constant
// rho (2 + 5 rho - 4 rho^2 + rho^3) / ((1 - rho)^4 mu^2), a check of the method. Both agree
// with an independent Lindley-recursion simulation within its noise of a few %
// (tolerance_calibration_test.cpp).
inline double mm1_sojourn_mean_asymptotic_variance(double rho, double mu) {
  return (1.0 + rho) * (1.0 + rho) / (std::pow(1.0 - rho, 4) * mu * mu);
}

// A birth-death process on {0..K} with constant arrival rate lambda below K (an arrival in
// state K is blocked and changes nothing) and death rates mu_of(n) -- the number in system of
// M/M/c and M/M/c/K. For an unbounded queue pass a K far in the tail (pi_K < 1e-18).
//
// With F_j = sum_{i <= j} (f(i) - E f) pi_i:
//  * time average of f over t (Whitt 1992):  t Var -> 2 sum_{j<K} F_j^2 / (lambda pi_j);
//  * average of f over the states seen by Poisson arrivals (PASTA), n arrivals: write the
//    arrival count as lambda t + martingale; the martingale of the arrivals is correlated with
//    the time integral only through the jumps they cause, whose covariance is
//    lambda pi_j (g(j+1) - g(j)) with g the Poisson-equation solution, g(j+1) - g(j) =
//    -F_j / (lambda pi_j). Hence
//      n Var -> lambda sigma_f^2 + Var_pi(f) - 2 sum_{j<K} (f(j) - E f) F_j;
//  * customer-mean time spent W = (integral of f) / (number of arrivals), f = the number
//    present (in system for the sojourn, in queue for the wait; Little's law; unbounded K
//    only), delta method:
//      n Var -> (sigma_f^2 + W^2 lambda + 2 W sum_j F_j) / lambda.
// All three are checked against an independent simulation in tolerance_calibration_test.cpp.
class BirthDeath {
 public:
  BirthDeath(double lambda, std::function<double(int)> mu_of, int K)
      : lambda_(lambda), K_(K), pi_(static_cast<std::size_t>(K) + 1) {
    // Weights in log space: exact for large K without overflow.
    std::vector<double> logw(pi_.size());
    logw[0] = 0;
    for (int n = 1; n <= K; ++n) logw[n] = logw[n - 1] + std::log(lambda / mu_of(n));
    const double top = *std::max_element(logw.begin(), logw.end());
    double sum = 0;
    for (int n = 0; n <= K; ++n) sum += (pi_[n] = std::exp(logw[n] - top));
    for (double& p : pi_) p /= sum;
  }

  double pi(int n) const { return pi_[n]; }
  double mean(const std::function<double(int)>& f) const {
    double m = 0;
    for (int n = 0; n <= K_; ++n) m += f(n) * pi_[n];
    return m;
  }
  double time_average_variance(const std::function<double(int)>& f) const {
    const auto F = cumulative(f);
    double s = 0;
    for (int j = 0; j < K_; ++j)
      if (pi_[j] > 1e-250) s += F[j] * F[j] / (lambda_ * pi_[j]);
    return 2.0 * s;
  }
  double arrival_average_variance(const std::function<double(int)>& f) const {
    const double m = mean(f);
    const auto F = cumulative(f);
    double var = 0, cross = 0;
    for (int n = 0; n <= K_; ++n) var += (f(n) - m) * (f(n) - m) * pi_[n];
    for (int j = 0; j < K_; ++j) cross += (f(j) - m) * F[j];
    return lambda_ * time_average_variance(f) + var - 2.0 * cross;
  }
  double little_mean_variance(const std::function<double(int)>& present) const {
    const double w = mean(present) / lambda_;
    const auto F = cumulative(present);
    double sum_f = 0;
    for (int j = 0; j < K_; ++j) sum_f += F[j];
    return (time_average_variance(present) + w * w * lambda_ + 2.0 * w * sum_f) / lambda_;
  }

 private:
  // F_j = sum_{i <= j} (f(i) - m) pi_i, computed as -sum_{i > j} to avoid cancellation.
  std::vector<double> cumulative(const std::function<double(int)>& f) const {
    const double m = mean(f);
    std::vector<double> F(pi_.size());
    double tail = 0;
    for (int i = K_; i >= 0; --i) {
      F[i] = -tail;
      tail += (f(i) - m) * pi_[i];
    }
    return F;
  }

  double lambda_;
  int K_;
  std::vector<double> pi_;
};

// M/M/c number in system as a BirthDeath (truncated where pi < ~1e-18).
inline BirthDeath mmc_chain(int c, double lambda, double mu, int K = -1) {
  if (K < 0) {
    const double rho = lambda / (c * mu);
    K = c + static_cast<int>(std::ceil(std::log(1e-18) / std::log(rho))) + 10;
  }
  return BirthDeath(
      lambda, [c, mu](int n) { return std::min(n, c) * mu; }, K);
}

}  // namespace sdsim::validation
