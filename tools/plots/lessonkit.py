"""What the lessons (lessons.py) stand on: Student t intervals, the check of a figure against
its formula, running a lesson's `sdsim sweep` and reading its runs back (summary.json,
timeseries.csv), with each run's conservation, completion and deadlock checks."""

import csv
import json
import math
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PERCENTILE_RESOLUTION = 0.0039  # latency histograms: 128 sub-buckets per power of two


# ---------------------------------------------------------------------------------------------
# Statistics


def t_two_sided_coverage(t, df):
    """P(|T| <= t) for Student's t with integer df (Abramowitz & Stegun 26.7.3 and 26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            if k > 1:
                term *= c2 * (2 * k - 2) / (2 * k - 1)
            total += term
        return 2 / math.pi * (theta + math.sin(theta) * total) if df > 1 else 2 / math.pi * theta
    total, term = 1.0, 1.0
    for k in range(1, (df - 2) // 2 + 1):
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def t_quantile_975(df):
    """The t such that P(|T| <= t) = 0.95, by bisection."""
    low, high = 0.0, 1000.0
    for _ in range(200):
        mid = (low + high) / 2
        if t_two_sided_coverage(mid, df) < 0.95:
            low = mid
        else:
            high = mid
    return (low + high) / 2


class Stat:
    """Mean of the replications' values with its 95% Student t half-width."""

    def __init__(self, values):
        self.raw = list(values)  # None: the figure does not exist (e.g. never recovered)
        self.values = [v for v in self.raw if v is not None]
        self.n = len(self.values)
        self.mean = sum(self.values) / self.n if self.n else float("nan")
        if self.n >= 2:
            var = sum((v - self.mean) ** 2 for v in self.values) / (self.n - 1)
            self.half = t_quantile_975(self.n - 1) * math.sqrt(var / self.n)
        else:
            self.half = float("nan")


class Check:
    """One figure: its formula, the simulated interval and whether they agree."""

    def __init__(self, quantity, formula, expected, stat, floor=0.0, relative=0.0, unit="",
                 digits=3):
        self.quantity, self.formula, self.unit, self.digits = quantity, formula, unit, digits
        self.expected = expected * SKEW[0] if expected is not None else None
        self.stat = stat
        half = stat.half if not math.isnan(stat.half) else 0.0
        self.tolerance = max(2 * half, floor,
                             relative * abs(self.expected) if self.expected is not None else 0)
        if self.expected is None:  # a collapse: the formula says "never recovers"
            self.ok = bool(stat.raw) and stat.n == 0
        else:
            self.ok = stat.n > 0 and abs(stat.mean - self.expected) <= self.tolerance

    def cells(self):
        def fmt(x):
            return f"{x:.{self.digits}g}" if abs(x) < 10 ** self.digits else f"{x:,.0f}"
        unit = f" {self.unit}" if self.unit else ""
        theory = fmt(self.expected) + unit if self.expected is not None else "never"
        if self.stat.n == 0:
            sim = "never"
        else:
            sim = fmt(self.stat.mean) + unit
            if not math.isnan(self.stat.half):
                sim += f" ± {fmt(self.stat.half)}"
        return [self.quantity, self.formula, theory, sim, fmt(self.tolerance) + unit if
                self.expected is not None else "-", "yes" if self.ok else "**NO**"]


SKEW = [1.0]


# ---------------------------------------------------------------------------------------------
# Running sweeps


class Point:
    def __init__(self, values, runs):
        self.values = values  # {path: value as written in the sweep}
        self.runs = runs      # [(summary dict, run folder)]

    def stat(self, fn):
        return Stat([fn(s, d) for s, d in self.runs])


class Sweep:
    def __init__(self, ctx, lesson, scenario, label, extra=()):
        self.folder = os.path.join(ctx.out, lesson, label)
        cmd = [ctx.sdsim, "sweep", os.path.join(ROOT, scenario), "--out", self.folder,
               "--quiet", "--no-html", "-j", str(ctx.jobs)]
        cmd += list(extra)
        if ctx.short_length:  # the test suite's length of this lesson
            for s in ctx.short_length["set"]:
                cmd += ["--set", s]
            cmd += ["--replications", str(ctx.short_length["replications"])]
        self.command = cmd
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
        with open(os.path.join(self.folder, "sweep.json"), encoding="utf-8") as f:
            plan = json.load(f)
        self.points = []
        self.problems = []
        for point in plan["points"]:
            runs = []
            for k in range(plan["replications"]):
                run = os.path.join(self.folder, "runs", f"{point['id']}-r{k}")
                with open(os.path.join(run, "summary.json"), encoding="utf-8") as f:
                    summary = json.load(f)
                self.problems += conservation_problems(summary, run)
                runs.append((summary, run))
            paths = [axis["path"] for axis in plan["vary"]]
            self.points.append(Point(dict(zip(paths, point["values"])), runs))


def conservation_problems(summary, run):
    """What is wrong with a run: not complete, not conserved, a deadlock report."""
    problems = []
    if summary["run"]["status"] != "complete" or summary.get("partial"):
        problems.append(f"{run}: status {summary['run']['status']}")
    for name, client in summary["clients"].items():
        req = client["requests"]
        ended = sum(req["outcomes"].values())
        if not req["conserved"] or ended != req["issued"] or req["outcomes"]["unfinished"]:
            problems.append(f"{run}: client {name}: issued {req['issued']}, ended {ended}")
    stderr = os.path.join(run, "stderr.txt")
    if os.path.exists(stderr):
        with open(stderr, encoding="utf-8", errors="replace") as f:
            if "deadlock" in f.read().lower():
                problems.append(f"{run}: SimGrid reported a deadlock (stderr.txt)")
    return problems


def number(value):
    """30/s, 12ms, 10% or 4 as a float (the unit dropped; ms stays ms, % becomes a fraction)."""
    text = str(value).strip()
    if text.endswith("%"):
        return float(text[:-1]) / 100
    for suffix in ("/s", "ms", "s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return float(text)


def timeseries(run):
    """{(scope, metric): [(window start, value)]} of a run's timeseries.csv."""
    series = {}
    with open(os.path.join(run, "timeseries.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            value = float(row["value"]) if row["value"] not in ("", "null") else None
            series.setdefault((row["scope"], row["metric"]), []).append(
                (float(row["window_start_s"]), value))
    return series


def bisect(f, low, high, target, steps=200):
    """x in [low, high] with f(x) = target for an increasing f (geometric steps when low > 0)."""
    for _ in range(steps):
        mid = math.sqrt(low * high) if low > 0 else (low + high) / 2
        if f(mid) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def errorbars(ax, xs, stats, label, **kw):
    kw.setdefault("fmt", "o")
    ax.errorbar(xs, [s.mean for s in stats],
                yerr=[0 if math.isnan(s.half) else s.half for s in stats],
                capsize=3, label=label, **kw)
