// TimeIntegral: the area under a step function of simulated time, checked
// against areas computed by hand.
#include "sim/metrics/time_integral.hpp"

#include <gtest/gtest.h>

namespace sdsim {
namespace {

TEST(TimeIntegral, StartsAtZeroLevelAndZeroArea) {
  TimeIntegral t;
  EXPECT_EQ(t.level(), 0.0);
  EXPECT_EQ(t.area_at(0.0), 0.0);
  EXPECT_EQ(t.area_at(123.0), 0.0);
}

TEST(TimeIntegral, AreaOfAStepFunctionIsTheSumOfRectangles) {
  // level: 0 on [0,1), 2 on [1,3), 1 on [3,6), 4 on [6, ...)
  // (area_at(now) is defined for now >= the last change: read it as time goes
  // on.)
  TimeIntegral t;
  t.add(1.0, 2);
  EXPECT_DOUBLE_EQ(t.area_at(1.0), 0.0);
  EXPECT_DOUBLE_EQ(t.area_at(2.0), 2.0);
  t.add(3.0, -1);
  EXPECT_DOUBLE_EQ(t.area_at(3.0), 4.0);
  t.add(6.0, 3);
  EXPECT_EQ(t.level(), 4.0);
  EXPECT_DOUBLE_EQ(t.area_at(6.0), 2 * 2 + 1 * 3);
  EXPECT_DOUBLE_EQ(t.area_at(7.5), 2 * 2 + 1 * 3 + 4 * 1.5);
}

TEST(TimeIntegral, ReadingTheAreaDoesNotChangeIt) {
  TimeIntegral t;
  t.add(0.0, 1);
  EXPECT_DOUBLE_EQ(t.area_at(2.0), 2.0);
  EXPECT_DOUBLE_EQ(t.area_at(5.0), 5.0);
  EXPECT_DOUBLE_EQ(t.area_at(2.0), 2.0);  // pure read: no state moved to t = 5
  t.add(5.0, -1);
  EXPECT_DOUBLE_EQ(t.area_at(10.0), 5.0);
}

TEST(TimeIntegral, SimultaneousChangesHaveNoWidth) {
  // An arrival rejected at once (+1 then -1 at the same instant) adds no area.
  TimeIntegral t;
  t.add(2.0, 1);
  t.add(2.0, -1);
  t.add(2.0, 1);
  t.add(4.0, 1);
  t.add(4.0, -2);
  EXPECT_EQ(t.level(), 0.0);
  EXPECT_DOUBLE_EQ(t.area_at(9.0), 2.0);
}

TEST(TimeIntegral, TimeAverageBetweenTwoInstants) {
  // Busy 1 on [10, 14) and [16, 20), idle otherwise: the mean over [12, 18] is
  // 4/6.
  TimeIntegral t;
  t.add(10.0, 1);
  const double a12 = 2.0;  // what area_at(12) will be: the level is 1 since 10
  t.add(14.0, -1);
  t.add(16.0, 1);
  const double a18 = t.area_at(18.0);
  t.add(20.0, -1);
  EXPECT_DOUBLE_EQ(a18, 4 + 2);
  EXPECT_DOUBLE_EQ((a18 - a12) / (18.0 - 12.0), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(t.area_at(30.0), 8.0);
}

TEST(TimeIntegral, FractionalLevelsAndNegativeExcursions) {
  TimeIntegral t;
  t.add(0.5, 0.25);
  t.add(1.5, 0.5);   // 0.75
  t.add(2.0, -1.0);  // -0.25 (a level may dip below zero transiently; the area
                     // follows it)
  t.add(4.0, 0.25);  // 0
  EXPECT_DOUBLE_EQ(t.level(), 0.0);
  EXPECT_DOUBLE_EQ(t.area_at(4.0), 0.25 * 1 + 0.75 * 0.5 - 0.25 * 2);
}

TEST(TimeIntegral, ManySmallStepsAccumulateWithoutDrift) {
  // 10^6 unit pulses of 1 ms every 2 ms: area 1000 s, exact to rounding.
  TimeIntegral t;
  for (int i = 0; i < 1'000'000; ++i) {
    t.add(i * 2e-3, 1);
    t.add(i * 2e-3 + 1e-3, -1);
  }
  EXPECT_NEAR(t.area_at(2000.0), 1000.0, 1e-6);
}

}  // namespace
}  // namespace sdsim
