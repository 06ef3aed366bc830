"""Unit tests of the plotting tools' logic (tools/plots): sweep.py's axis placement and the
lessons' statistics (lessonkit.py). Run by ctest (Plots.Unit) with Debian's python3 and
matplotlib."""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools", "plots"))
import lessonkit  # noqa: E402
import sweep  # noqa: E402


class SweepAxis(unittest.TestCase):
    def test_numbers_with_one_unit_are_placed_by_value(self):
        self.assertEqual(sweep.positions(["30/s", "60/s", "380/s"]),
                         ([30.0, 60.0, 380.0], True, "N/s"))
        self.assertEqual(sweep.positions(["10%", "50%"]), ([10.0, 50.0], True, "N%"))
        self.assertEqual(sweep.positions(["2", "4"]), ([2.0, 4.0], True, None))

    def test_few_spread_values_get_a_tick_each(self):
        self.assertTrue(sweep.ticks_on_points([640.0, 720.0, 800.0, 880.0]))
        self.assertFalse(sweep.ticks_on_points([0.1, 0.5, 0.9, 0.95, 0.98]))  # 0.95, 0.98
        self.assertFalse(sweep.ticks_on_points([float(x) for x in range(20)]))  # too many
        self.assertFalse(sweep.ticks_on_points([3.0]))

    def test_values_differing_in_one_number_are_numeric_with_a_template(self):
        self.assertEqual(sweep.positions(["{poisson: 100/s}", "{poisson: 250/s}"]),
                         ([100.0, 250.0], True, "{poisson: N/s}"))
        xs, numeric, template = sweep.positions(["lognormal(median=5ms, p99=100ms)",
                                                 "lognormal(median=8ms, p99=100ms)"])
        self.assertEqual((xs, numeric), ([5.0, 8.0], True))
        self.assertEqual(template, "lognormal(median=Nms, p99=100ms)")

    def test_different_shapes_are_categories(self):
        self.assertEqual(sweep.positions(["exp(5ms)", "uniform(4ms, 12ms)"]),
                         ([0, 1], False, None))
        self.assertEqual(sweep.positions(["30/s", "12ms"]), ([0, 1], False, None))
        # two numbers change at once: no single axis
        self.assertEqual(sweep.positions(["uniform(1ms, 2ms)", "uniform(3ms, 4ms)"]),
                         ([0, 1], False, None))


class StudentT(unittest.TestCase):
    def test_quantiles_match_the_tables(self):
        # t(0.975, df) from any table (Abramowitz & Stegun 26.10)
        for df, t in ((1, 12.7062), (2, 4.3027), (3, 3.1824), (4, 2.7764), (9, 2.2622),
                      (29, 2.0452), (120, 1.9799)):
            self.assertAlmostEqual(lessonkit.t_quantile_975(df), t, places=3)

    def test_interval_of_known_values(self):
        s = lessonkit.Stat([1.0, 2.0, 3.0])
        self.assertEqual(s.mean, 2.0)
        self.assertAlmostEqual(s.half, 4.302653 * 1.0 / math.sqrt(3), places=5)
        self.assertTrue(math.isnan(lessonkit.Stat([5.0]).half))


class Checks(unittest.TestCase):
    def test_agreement_is_within_twice_the_half_width_or_the_floor(self):
        s = lessonkit.Stat([9.0, 10.0, 11.0])  # half-width 2.48
        self.assertTrue(lessonkit.Check("x", "f", 14.0, s).ok)       # 4.0 <= 4.97
        self.assertFalse(lessonkit.Check("x", "f", 15.5, s).ok)      # 5.5 > 4.97
        exact = lessonkit.Stat([10.0, 10.0, 10.0])                   # half-width 0
        self.assertFalse(lessonkit.Check("x", "f", 10.1, exact).ok)
        self.assertTrue(lessonkit.Check("x", "f", 10.1, exact, floor=0.2).ok)
        self.assertTrue(lessonkit.Check("x", "f", 10.03, exact, relative=0.0039).ok)
        self.assertFalse(lessonkit.Check("x", "f", 10.05, exact, relative=0.0039).ok)

    def test_never_expected_needs_every_run_without_the_figure(self):
        self.assertTrue(lessonkit.Check("x", "f", None, lessonkit.Stat([None, None])).ok)
        self.assertFalse(lessonkit.Check("x", "f", None, lessonkit.Stat([None, 30.0])).ok)
        self.assertFalse(lessonkit.Check("x", "f", None, lessonkit.Stat([])).ok)
        self.assertFalse(lessonkit.Check("x", "f", 25.0, lessonkit.Stat([None, None])).ok)

    def test_skew_moves_the_formula(self):
        s = lessonkit.Stat([9.9, 10.0, 10.1])  # tolerance 0.50
        self.assertTrue(lessonkit.Check("x", "f", 10.0, s).ok)
        lessonkit.SKEW[0] = 1.25
        try:
            self.assertFalse(lessonkit.Check("x", "f", 10.0, s).ok)
        finally:
            lessonkit.SKEW[0] = 1.0

    def test_units_of_values(self):
        self.assertEqual(lessonkit.number("30/s"), 30.0)
        self.assertEqual(lessonkit.number("12ms"), 12.0)
        self.assertEqual(lessonkit.number("10%"), 0.1)
        self.assertEqual(lessonkit.number("4"), 4.0)


if __name__ == "__main__":
    unittest.main()
