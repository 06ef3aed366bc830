// RateProfile: inversion of the integrated rate (ramps, windows, cycles) against the integral.
#include "models/client/rate_profile.hpp"

#include <gtest/gtest.h>

namespace sdsim {
namespace {

// invert(s, m) = t must satisfy integral(s, t) = m, for every kind of piece crossed.
void expect_inverse(const RateProfile& p, Seconds s, double mass) {
  const Seconds t = p.invert(s, mass);
  ASSERT_NE(t, RateProfile::kNever);
  EXPECT_GE(t, s);
  EXPECT_NEAR(p.integral(s, t), mass, 1e-9 * std::max(1.0, mass)) << "s=" << s << " m=" << mass;
}

TEST(RateProfile, RampInverseIsTheQuadraticRoot) {
  const RateProfile ramp({{0, 100, 0}, {30, 100, 400.0 / 60}, {90, 500, 0}});
  EXPECT_DOUBLE_EQ(ramp.integral(30, 90), 18000);
  EXPECT_DOUBLE_EQ(ramp.integral(30, 60), 6000);
  EXPECT_DOUBLE_EQ(ramp.rate_at(60), 300);
  for (double s : {0.0, 10.0, 29.9, 30.0, 45.0, 89.99, 90.0, 200.0})
    for (double m : {1e-6, 0.3, 1.0, 50.0, 3000.0, 20000.0}) expect_inverse(ramp, s, m);
  // 100 x 30 = 3000 before the ramp; 6000 more by 60 s.
  EXPECT_NEAR(ramp.invert(0, 9000), 60, 1e-9);
}

TEST(RateProfile, DecreasingRampAndZeroRate) {
  const RateProfile down({{0, 10, -1}, {10, 0, 0}});  // 10/s down to 0 at 10 s, then nothing
  EXPECT_DOUBLE_EQ(down.integral(0, 100), 50);
  for (double m : {0.5, 10.0, 49.999}) expect_inverse(down, 0, m);
  EXPECT_EQ(down.invert(0, 50.5), RateProfile::kNever);
  EXPECT_EQ(down.invert(12, 1), RateProfile::kNever);
}

TEST(RateProfile, WindowsMultiplyTheRate) {
  const RateProfile base({{0, 300, 0}});
  const RateProfile spiked = base.with_windows({{60, 30, 3}, {80, 20, 2}});
  EXPECT_DOUBLE_EQ(spiked.rate_at(59.9), 300);
  EXPECT_DOUBLE_EQ(spiked.rate_at(60), 900);
  EXPECT_DOUBLE_EQ(spiked.rate_at(85), 1800);  // overlapping windows multiply
  EXPECT_DOUBLE_EQ(spiked.rate_at(95), 600);
  EXPECT_DOUBLE_EQ(spiked.rate_at(100), 300);
  EXPECT_DOUBLE_EQ(spiked.integral(60, 90), 900 * 20 + 1800 * 10);
  for (double s : {0.0, 59.0, 70.0, 99.0}) expect_inverse(spiked, s, 5000);
}

TEST(RateProfile, CyclesRepeat) {
  const RateProfile cyc({{0, 100, 0}, {1, 0, 0}, {2, 50, 0}}, 3);  // 150 per 3 s cycle
  EXPECT_DOUBLE_EQ(cyc.integral(0, 30), 1500);
  EXPECT_DOUBLE_EQ(cyc.rate_at(4.5), 0);
  EXPECT_DOUBLE_EQ(cyc.rate_at(5.5), 50);
  for (double s : {0.0, 0.5, 1.5, 2.9, 7.0, 1000.2})
    for (double m : {0.01, 60.0, 149.0, 150.0, 1234.5, 1e6}) expect_inverse(cyc, s, m);
  // Starting in the silent second: the next arrival is in the 50/s part.
  EXPECT_NEAR(cyc.invert(1.2, 25), 2.5, 1e-12);
  const RateProfile silent({{0, 0, 0}}, 5);
  EXPECT_EQ(silent.invert(0, 1), RateProfile::kNever);
}

}  // namespace
}  // namespace sdsim
