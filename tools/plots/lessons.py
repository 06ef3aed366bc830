"""The lessons: runs each lesson's scenario, sets the simulated figures beside the formulas.

usage: lessons.py [--sdsim BIN] [--out DIR] [--short] [--check] [--docs DIR] [-j N] [NAME...]

Every lesson (scenarios/lessons/, docs/lessons/) sweeps one parameter with `sdsim sweep`,
reads each run's summary.json (and timeseries.csv), and compares each figure with its formula:
the mean over the replications, its 95% Student t interval, and a tolerance of twice that
half-width (at least the stated floor: the histogram's 0.39% for percentiles, the error of an
approximation where the formula is one). With --docs it draws the lesson's plot into
DIR/<name>.png and writes the table into DIR/<name>.md between the markers
`<!-- lesson-results:begin -->` and `<!-- lesson-results:end -->`. With --check it exits 1 when
a figure is outside its tolerance, or a run did not conserve its requests (each issued request
ended in exactly one outcome), did not complete, or reported a SimGrid deadlock.
--short runs each lesson at its short length (the test suite's; `ctest -R Lessons`).
--skew F multiplies every formula by F: a check that still passes then could not fail.
"""

import argparse
import math
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import htmlpage  # noqa: E402  (matplotlib with the Agg back end, new_figure, write_atomically)
from lessonkit import (PERCENTILE_RESOLUTION, ROOT, SKEW, Check, Stat, Sweep,  # noqa: E402
                       bisect, errorbars, number, timeseries)

BEGIN = "<!-- lesson-results:begin -->"
END = "<!-- lesson-results:end -->"

# ---------------------------------------------------------------------------------------------
# The lessons. Each returns (checks, the sweeps it ran, its figure).


def utilisation_knee(ctx):
    scenario = "scenarios/lessons/utilisation-knee.yaml"
    mmc_sets = ["components.api.workers=4", "components.api.service_time=exp(4ms)"]
    mm1 = Sweep(ctx, "utilisation-knee", scenario, "mm1")
    mm4 = Sweep(ctx, "utilisation-knee", scenario, "mm4",
                [arg for s in mmc_sets for arg in ("--set", s)])
    mu = 1000.0  # exp(1 ms); M/M/4: four servers of 250/s

    def erlang_c(c, a):
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
        return c * b / (c - a * (1 - b))

    def mm1_mean(lam):
        return 1e3 / (mu - lam)

    def mm4_mean(lam):
        return 1e3 * (erlang_c(4, lam / 250) / (mu - lam) + 1 / 250)

    checks, rows = [], []
    for model, sweep, mean_of in (("M/M/1", mm1, mm1_mean), ("M/M/4", mm4, mm4_mean)):
        xs, means, p99s = [], [], []
        for point in sweep.points:
            lam = number(point.values["clients.users.arrival.poisson"])
            rho = lam / mu
            mean = point.stat(lambda s, d: s["system"]["latency"]["ok"]["mean_ms"])
            formula = "1 / (mu - lambda)" if model == "M/M/1" else \
                "C(4, a) / (4 mu_1 - lambda) + 1 / mu_1"
            checks.append(Check(f"{model} rho {rho:.2f}: mean", formula, mean_of(lam), mean,
                                unit="ms"))
            if model == "M/M/1":
                p99 = point.stat(lambda s, d: s["system"]["latency"]["ok"]["p99_ms"])
                checks.append(Check(f"M/M/1 rho {rho:.2f}: p99", "ln(100) / (mu - lambda)",
                                    math.log(100) * mean_of(lam), p99,
                                    relative=PERCENTILE_RESOLUTION, unit="ms"))
                p99s.append(p99)
            xs.append(rho)
            means.append(mean)
        rows.append((model, xs, means, p99s, mean_of))

    fig, ax = htmlpage.new_figure(9, 4.8)
    dense = [i / 1000 for i in range(50, 986)]
    colours = {"M/M/1": "tab:blue", "M/M/4": "tab:orange"}
    for model, xs, means, p99s, mean_of in rows:
        c = colours[model]
        ax.plot(dense, [mean_of(r * mu) for r in dense], color=c, lw=1,
                label=f"{model} mean, formula")
        errorbars(ax, xs, means, f"{model} mean, simulated", color=c)
        if p99s:
            ax.plot(dense, [math.log(100) * mean_of(r * mu) for r in dense], color=c, lw=1,
                    ls="--", label="M/M/1 p99, formula")
            errorbars(ax, xs, p99s, "M/M/1 p99, simulated", color=c, fmt="s", mfc="none")
    ax.set_yscale("log")
    ax.set_xlabel("utilisation rho = lambda / capacity")
    ax.set_ylabel("response time (ms)")
    ax.set_title("The utilisation knee: the same capacity (1000/s) as one fast server or four")
    ax.legend(fontsize=8)
    return checks, [mm1, mm4], fig


def littles_law(ctx):
    scenario = "scenarios/lessons/littles-law.yaml"
    sweep = Sweep(ctx, "littles-law", scenario, "closed")
    demand, think = 0.050, 1.0

    def mva(users):
        q = 0.0
        for n in range(1, users + 1):
            r = demand * (1 + q)
            x = n / (r + think)
            q = x * r
        return x, r

    checks, ns, xs, rs, ls = [], [], [], [], []
    for point in sweep.points:
        n = int(number(point.values["clients.users.closed.users"]))
        x_mva, r_mva = mva(n)
        x = point.stat(lambda s, d: s["clients"]["users"]["throughput_per_s"])
        r = point.stat(lambda s, d: s["clients"]["users"]["latency"]["ok"]["mean_ms"])
        little = point.stat(lambda s, d: s["clients"]["users"]["throughput_per_s"] *
                            (s["clients"]["users"]["latency"]["ok"]["mean_ms"] / 1e3 + think))
        server = point.stat(lambda s, d: s["components"]["app"]["local"]["L_measured"])
        server_lw = point.stat(lambda s, d: s["components"]["app"]["local"]["lambda_W"])
        checks.append(Check(f"N = {n}: throughput X", "MVA", x_mva, x, unit="/s"))
        checks.append(Check(f"N = {n}: response time R", "MVA", 1e3 * r_mva, r, unit="ms"))
        checks.append(Check(f"N = {n}: users", "N = X (R + Z), X and R simulated", n, little,
                            relative=0.01))
        checks.append(Check(f"N = {n}: server L (time-average)", "L = X R, X and R simulated",
                            server_lw.mean, server, relative=0.01))
        ns.append(n)
        xs.append(x)
        rs.append(r)
        ls.append(little)

    fig, (ax1, ax2) = htmlpage.plt.subplots(1, 2, figsize=(11, 4.2))
    dense = list(range(1, max(ns) + 1))
    ax1.plot(dense, [mva(n)[0] for n in dense], lw=1, label="MVA")
    ax1.plot(dense, [min(n / (demand + think), 1 / demand) for n in dense], lw=1, ls=":",
             color="grey", label="bounds N / (D + Z), 1 / D")
    errorbars(ax1, ns, xs, "simulated")
    ax1.set_xlabel("users N")
    ax1.set_ylabel("throughput X (/s)")
    ax1.legend(fontsize=8)
    ax2.plot(dense, [1e3 * mva(n)[1] for n in dense], lw=1, label="MVA")
    errorbars(ax2, ns, rs, "simulated")
    ax2.set_xlabel("users N")
    ax2.set_ylabel("response time R (ms)")
    ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    fig.suptitle("A closed loop: one server of 50 ms, think time 1 s")
    fig.tight_layout()
    return checks, [sweep], fig


def lognormal_survival(t_ms):
    sigma = math.log(20) / 2.3263478740408408  # median 5 ms, p99 100 ms
    if t_ms <= 0:
        return 1.0
    return 0.5 * math.erfc((math.log(t_ms) - math.log(5)) / (sigma * math.sqrt(2)))


def fan_out_and_hedging(ctx):
    fan = Sweep(ctx, "fan-out-and-hedging", "scenarios/lessons/fan-out.yaml", "fan-out")
    hedge = Sweep(ctx, "fan-out-and-hedging", "scenarios/lessons/hedging.yaml", "hedging")
    mean_s = 10.0  # ms
    checks = []
    fan_ns, fan_p99, fan_mean = [], [], []
    for point in fan.points:
        n = int(number(point.values["components.shards.replicas"]))
        harmonic = sum(1 / k for k in range(1, n + 1))
        mean = point.stat(lambda s, d: s["system"]["latency"]["ok"]["mean_ms"])
        p99 = point.stat(lambda s, d: s["system"]["latency"]["ok"]["p99_ms"])
        checks.append(Check(f"fan-out to {n}: mean", "H_n / mu", harmonic * mean_s, mean,
                            unit="ms"))
        checks.append(Check(f"fan-out to {n}: p99", "-ln(1 - 0.99^(1/n)) / mu",
                            -mean_s * math.log(1 - 0.99 ** (1 / n)), p99,
                            relative=PERCENTILE_RESOLUTION, unit="ms"))
        fan_ns.append(n)
        fan_p99.append(p99)
        fan_mean.append(mean)

    def hedged_survival(t, d):
        return lognormal_survival(t) * (lognormal_survival(t - d) if t > d else 1.0)

    path = "components.api.calls.backend-call.hedge.after"
    h_ds, h_p99, h_p999 = [], [], []
    for point in hedge.points:
        after = point.values[path]
        d = number(after) * (1e3 if after.endswith("s") and not after.endswith("ms") else 1)
        label = "no hedge" if d >= 1e5 else f"hedge after {after}"
        p99 = point.stat(lambda s, dd: s["system"]["latency"]["ok"]["p99_ms"])
        p999 = point.stat(lambda s, dd: s["system"]["latency"]["ok"]["p999_ms"])
        extra = point.stat(lambda s, dd: s["components"]["backend"]["arrivals"] /
                           s["components"]["api"]["arrivals"] - 1)
        for q, stat in ((0.99, p99), (0.999, p999)):
            theory = bisect(lambda t: 1 - hedged_survival(t, d), 1e-3, 1e6, q)
            checks.append(Check(f"{label}: p{q * 100:g}",
                                "P(T > t) = P(S > t) P(S > t - d)", theory, stat,
                                relative=PERCENTILE_RESOLUTION, unit="ms"))
        checks.append(Check(f"{label}: extra backend calls", "P(S > d)",
                            lognormal_survival(d), extra, floor=0.002))
        if d < 1e5:  # "no hedge" is the horizontal line of the plot
            h_ds.append(d)
            h_p99.append(p99)
            h_p999.append(p999)

    fig, (ax1, ax2) = htmlpage.plt.subplots(1, 2, figsize=(11, 4.2))
    dense = list(range(1, max(fan_ns) + 1))
    ax1.plot(dense, [-mean_s * math.log(1 - 0.99 ** (1 / n)) for n in dense], lw=1,
             label="p99, formula")
    ax1.plot(dense, [mean_s * sum(1 / k for k in range(1, n + 1)) for n in dense], lw=1,
             color="tab:orange", label="mean, formula")
    errorbars(ax1, fan_ns, fan_p99, "p99, simulated", color="tab:blue")
    errorbars(ax1, fan_ns, fan_mean, "mean, simulated", color="tab:orange")
    ax1.set_xscale("log")
    ax1.set_xlabel("shards n (wait for all)")
    ax1.set_ylabel("response time (ms)")
    ax1.set_title("Fan-out: the max of n exp(10 ms)")
    ax1.legend(fontsize=8)
    dense_d = [10 ** (i / 50) for i in range(50, 126)]
    for q, stats, c in ((0.99, h_p99, "tab:blue"), (0.999, h_p999, "tab:red")):
        ax2.plot(dense_d, [bisect(lambda t: 1 - hedged_survival(t, d), 1e-3, 1e6, q)
                           for d in dense_d], lw=1, color=c, label=f"p{q * 100:g}, formula")
        errorbars(ax2, h_ds, stats, f"p{q * 100:g}, simulated", color=c)
        ax2.axhline(bisect(lambda t: 1 - lognormal_survival(t), 1e-3, 1e6, q), color=c,
                    ls=":", lw=1, label=f"p{q * 100:g} without a hedge")
    ax2.set_xscale("log")
    ax2.set_xlabel("hedge delay d (ms)")
    ax2.set_ylabel("response time (ms)")
    ax2.set_title("Hedging a lognormal (median 5 ms, p99 100 ms)")
    ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return checks, [fan, hedge], fig


def n_plus_one(ctx):
    scenario = "scenarios/lessons/n-plus-one.yaml"
    sweep = Sweep(ctx, "n-plus-one", scenario, "replicas")
    up_share = 270 / (270 + 30)
    needed, rate, per_replica = 3, 90.0, 40.0

    def binomial(n, k):
        return math.comb(n, k) * up_share ** k * (1 - up_share) ** (n - k)

    def time_at_least(summary, n):
        """Share of the measured time with at least `needed` of n replicas up."""
        start, end = summary["run"]["measured_from_s"], summary["run"]["measured_to_s"]
        events = []
        for incident in summary["incidents"]:
            if incident["kind"] != "crash":
                continue
            events.append((incident["from_s"], -1))
            if incident["to_s"] is not None:
                events.append((incident["to_s"], +1))
        events.sort()
        up, t, good = n, start, 0.0
        for when, change in events:
            if when > start:
                lo, hi = max(t, start), min(when, end)
                if up >= needed and hi > lo:
                    good += hi - lo
                t = max(when, start)
            up += change
        if up >= needed and end > t:
            good += end - t
        return good / (end - start)

    checks, ns, times, avails, t_theory, a_theory = [], [], [], [], [], []
    for point in sweep.points:
        n = int(number(point.values["components.api.replicas"]))
        theory_time = sum(binomial(n, k) for k in range(needed, n + 1))
        fluid = sum(binomial(n, k) * min(1.0, k * per_replica / rate) for k in range(n + 1))
        t_stat = point.stat(lambda s, d: time_at_least(s, n))
        a_stat = point.stat(lambda s, d: s["system"]["availability"])
        checks.append(Check(f"{n} replicas: time with >= 3 up",
                            "sum_{k>=3} C(n,k) a^k (1-a)^(n-k)", theory_time, t_stat,
                            digits=4))
        # The fluid model leaves out what each crash loses (requests in flight at the replica
        # and those sent to it before the health check notices): about 0.12% here.
        checks.append(Check(f"{n} replicas: request availability",
                            "sum_k P(k up) min(1, k x 40/s / 90/s)", fluid, a_stat,
                            floor=0.003, digits=4))
        ns.append(n)
        times.append(t_stat)
        avails.append(a_stat)
        t_theory.append(theory_time)
        a_theory.append(fluid)

    def complement(stat):  # 1 - x: the same interval, mirrored
        flipped = Stat([])
        flipped.mean, flipped.half = 1 - stat.mean, stat.half
        return flipped

    fig, ax = htmlpage.new_figure(9, 4.4)
    ax.plot(ns, [1 - t for t in t_theory], "x--", color="tab:blue",
            label="time short of 3 replicas, binomial")
    errorbars(ax, ns, [complement(t) for t in times], "time short of 3 replicas, simulated",
              color="tab:blue")
    ax.plot(ns, [1 - a for a in a_theory], "x--", color="tab:green",
            label="requests failed, fluid approximation")
    errorbars(ax, ns, [complement(a) for a in avails], "requests failed, simulated",
              color="tab:green")
    ax.set_yscale("log")
    ax.set_xticks(ns, [f"{n} (N+{n - needed})" for n in ns])
    ax.set_xlabel("replicas (3 carry the load)")
    ax.set_ylabel("share (log scale)")
    ax.set_title("Each replica up 90% of the time, independently")
    ax.legend(fontsize=8)
    return checks, [sweep], fig


def zipf_cache(ctx):
    scenario = "scenarios/lessons/zipf-cache.yaml"
    sweep = Sweep(ctx, "zipf-cache", scenario, "capacity")
    keys, alpha = 10000, 0.8
    weights = [k ** -alpha for k in range(1, keys + 1)]
    total = sum(weights)
    p = [w / total for w in weights]

    def che(c):
        t = bisect(lambda t: sum(1 - math.exp(-q * t) for q in p), 1e-6, 1e12, c)
        return sum(q * (1 - math.exp(-q * t)) for q in p)

    def top(c):
        return sum(p[:c])

    checks, cs, hits, theory = [], [], [], []
    for point in sweep.points:
        c = int(number(point.values["components.cache.capacity"]))
        hit = point.stat(lambda s, d: s["components"]["cache"]["cache"]["hit_ratio"])
        h = che(c)
        # Che's approximation is itself within about 0.005 of LRU at these sizes
        # (tests/validation/cache_test.cpp).
        checks.append(Check(f"LRU, {c} entries ({100 * c / keys:g}% of keys): hit ratio",
                            "Che: sum p_k (1 - e^(-p_k T_C))", h, hit, floor=0.005, digits=4))
        cs.append(c)
        hits.append(hit)
        theory.append(h)

    fig, ax = htmlpage.new_figure(9, 4.4)
    dense = sorted({int(10 ** (i / 20)) for i in range(30, 81)})
    ax.plot(dense, [che(c) for c in dense], lw=1, label="LRU, Che's approximation")
    ax.plot(dense, [top(c) for c in dense], lw=1, ls="--", color="grey",
            label="the C most popular keys (perfect LFU)")
    errorbars(ax, cs, hits, "LRU, simulated", color="tab:blue")
    ax.set_xscale("log")
    ax.set_xlabel("cache capacity C (entries; 10,000 keys, Zipf 0.8)")
    ax.set_ylabel("hit ratio")
    ax.set_title("Zipf popularity: a small cache catches a large share of the requests")
    ax.legend(fontsize=8)
    return checks, [sweep], fig


def retry_storm(ctx):
    scenario = "scenarios/lessons/retry-storm.yaml"
    no_budget = ["--set", "clients.users.retry={max_retries: 2}",
                 "--vary", "clients.users.retry.max_retries=2"]
    budgets = Sweep(ctx, "retry-storm", scenario, "budget")
    unlimited = Sweep(ctx, "retry-storm", scenario, "no-budget", no_budget)
    rate, capacity, retries = 560.0, 800.0, 2
    slow_for = 20.0  # the slowdown halves the capacity for 20 s

    def effective(b):
        return min(b, retries)

    def recovery(b):
        """Fluid model: the backlog at the end of the slowdown over the spare capacity."""
        offered = rate * (1 + effective(b))
        if offered >= capacity:
            return None
        backlog = max(0.0, offered - capacity / 2) * slow_for
        return backlog / (capacity - offered)

    checks, curves = [], []
    for point in budgets.points + unlimited.points:
        budget = point.values.get("clients.users.retry.budget")
        b = number(budget) if budget else retries
        rec = point.stat(lambda s, d: s["incidents"][0]["recovery"]["recovery_s"])
        expected = recovery(b)
        label = f"budget {budget}" if budget else "no budget"
        # Fluid model: exact backlog and drain rates, but the recovery is read on 5 s windows
        # and the queue's last 100 ms of work drains with fewer timeouts: 5 s + 15%.
        checks.append(Check(f"{label}: recovery after the slowdown",
                            "(lambda (1+b) - c mu / 2) F / (c mu - lambda (1+b))", expected,
                            rec, floor=5.0, relative=0.15, unit="s"))

        def late_amplification(s, d):
            series = timeseries(d)[("system", "retry_amplification")]
            end = s["run"]["measured_to_s"]
            late = [v for t, v in series if t >= end - 60 and v is not None]
            return sum(late) / len(late)
        amp = point.stat(late_amplification)
        checks.append(Check(f"{label}: attempts per request, last 60 s",
                            "1 + min(b, retries) collapsed, else 1", 1 + effective(b)
                            if expected is None else 1.0, amp, relative=0.02))
        goodput = {}
        for s, d in point.runs:
            for t, v in timeseries(d)[("system", "goodput_per_s")]:
                if t + s["scenario"]["window_s"] <= s["run"]["measured_to_s"]:  # not the drain
                    goodput.setdefault(t, []).append(v or 0.0)
        curves.append((label, sorted((t + 2.5, sum(v) / len(v)) for t, v in goodput.items())))

    fig, ax = htmlpage.new_figure(10, 4.4)
    for label, curve in curves:
        ax.plot([t for t, _ in curve], [v for _, v in curve], lw=1.2, label=label)
    ax.axvspan(60, 60 + slow_for, color="red", alpha=0.12, label="slowdown (half speed)")
    ax.axhline(rate, color="grey", ls=":", lw=1, label="offered 560/s")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("goodput (/s, mean of replications)")
    ax.set_title("Two immediate retries after a 100 ms timeout: a budget decides recovery")
    ax.legend(fontsize=8, loc="center right")
    return checks, [budgets, unlimited], fig


LESSONS = {
    "utilisation-knee": utilisation_knee,
    "littles-law": littles_law,
    "fan-out-and-hedging": fan_out_and_hedging,
    "n-plus-one": n_plus_one,
    "zipf-cache": zipf_cache,
    "retry-storm": retry_storm,
}

# The test suite's length of each lesson: fewer replications and shorter runs, so wider
# intervals; the formulas must still fall inside twice them.
SHORT = {
    "utilisation-knee": {"set": ["duration=200s", "warmup=20s"], "replications": 4},
    "littles-law": {"set": ["duration=400s", "warmup=40s"], "replications": 4},
    "fan-out-and-hedging": {"set": ["duration=100s", "warmup=10s"], "replications": 3},
    "n-plus-one": {"set": ["duration=6000s", "warmup=300s"], "replications": 3},
    "zipf-cache": {"set": ["duration=20s", "warmup=5s"], "replications": 3},
    "retry-storm": {"set": [], "replications": 2},
}


# ---------------------------------------------------------------------------------------------
# Output


def markdown_table(checks):
    header = ["quantity", "formula", "theory", "simulated (95% CI)", "tolerance", "agrees"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for c in checks:
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in c.cells()) + " |")
    return "\n".join(lines)


def write_docs(docs, name, checks, fig, ctx):
    png = os.path.join(docs, name + ".png")
    tmp = os.path.join(docs, f".tmp-{name}.png")
    fig.savefig(tmp, dpi=110, metadata={"Software": None})
    os.replace(tmp, png)
    page = os.path.join(docs, name + ".md")
    with open(page, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise RuntimeError(f"{page}: the markers {BEGIN} and {END} are missing")
    length = "short runs (the test suite's)" if ctx.short else "the scenarios as written"
    block = "\n".join([
        BEGIN,
        f"Simulated with {length}; written by `tools/plots/lessons.py --docs docs/lessons "
        f"{name}`. Tolerance: twice the 95% interval's half-width, or the floor stated "
        "above when larger.",
        "",
        markdown_table(checks),
        END])
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    htmlpage.write_atomically(page, head + block + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="lessons to run (default: all): " + ", ".join(LESSONS))
    parser.add_argument("--sdsim", default=os.path.join(ROOT, "build", "release", "sdsim"))
    parser.add_argument("--out", default=os.path.join("out", "lessons"))
    parser.add_argument("--short", action="store_true", help="the test suite's short runs")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a figure disagrees with its formula")
    parser.add_argument("--docs", metavar="DIR", help="write DIR/<name>.png and the table")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--skew", type=float, default=1.0,
                        help="multiply every formula by this (to see the check fail)")
    ctx = parser.parse_args()
    SKEW[0] = ctx.skew
    unknown = [n for n in ctx.names if n not in LESSONS]
    if unknown:
        parser.error(f"no lesson named {', '.join(unknown)} (lessons: {', '.join(LESSONS)})")
    if not os.access(ctx.sdsim, os.X_OK):
        parser.error(f"{ctx.sdsim} is not an executable (build it, or give --sdsim)")
    failed = 0
    for name in ctx.names or LESSONS:
        ctx.short_length = SHORT[name] if ctx.short else None
        checks, sweeps, fig = LESSONS[name](ctx)
        problems = [p for sweep in sweeps for p in sweep.problems]
        bad = [c for c in checks if not c.ok]
        print(f"== {name}: {len(checks) - len(bad)} of {len(checks)} figures agree")
        for sweep in sweeps:
            print("ran: " + " ".join(shlex.quote(arg) for arg in sweep.command))
        print(markdown_table(checks))
        for p in problems:
            print(f"problem: {p}")
        if ctx.docs:
            write_docs(ctx.docs, name, checks, fig, ctx)
        htmlpage.plt.close(fig)
        if bad or problems:
            failed += 1
    if ctx.check and failed:
        print(f"{failed} lesson(s) disagree with their formulas", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
