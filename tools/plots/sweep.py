"""sweep.html of a sweep folder: the knee plot and the table of sweep.csv.

usage: sweep.py DIR      (DIR holds sweep.json and sweep.csv, written by `sdsim sweep` / `merge`)

The knee plot draws p99 latency and goodput (and, when the scenario has an slo, the share of
replications that met it) against the first varied parameter, each point's mean with its 95%
interval as a band; with more parameters, one line per combination of the
others (for a 2-D grid: one line per value of the second). Values such as 30/s or 12ms are
placed by their number when all of them carry the same unit; otherwise they are categories in
the order of the sweep.
"""

import csv
import json
import os
import re
import signal
import sys

signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: end quietly, no traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import htmlpage  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$")


NUMBER_IN_TEXT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def positions(values):
    """x positions of the values, whether they are numbers, and the axis label's template.

    Numbers with one unit (30/s, 12ms, 4) are placed by their number (template N/s, Nms, or
    None without a unit). So are values that differ in one number only ({poisson: 100/s} and
    {poisson: 200/s}, exp(5ms) and exp(8ms)): the template names the rest ({poisson: N/s}).
    Anything else is a category, in sweep order.
    """
    parsed = [NUMBER.match(v) for v in values]
    if all(parsed) and len({m.group(2) for m in parsed}) == 1:
        unit = parsed[0].group(2)
        return [float(m.group(1)) for m in parsed], True, "N" + unit if unit else None
    texts = [NUMBER_IN_TEXT.split(v) for v in values]
    numbers = [NUMBER_IN_TEXT.findall(v) for v in values]
    if all(t == texts[0] for t in texts) and numbers[0]:
        differing = [i for i in range(len(numbers[0]))
                     if len({float(n[i]) for n in numbers}) > 1]
        if len(differing) == 1:
            i = differing[0]
            template = "".join(part + (("N" if k == i else numbers[0][k])
                                       if k < len(numbers[0]) else "")
                               for k, part in enumerate(texts[0]))
            return [float(n[i]) for n in numbers], True, template
    return list(range(len(values))), False, None


def ticks_on_points(xs):
    """True when every value can have its own tick: at most 12, none closer to the next than
    5% of the range (else the labels would overlap)."""
    xs = sorted(set(xs))
    if len(xs) < 2 or len(xs) > 12:
        return False
    span = xs[-1] - xs[0]
    return all(b - a >= 0.05 * span for a, b in zip(xs, xs[1:]))


def cell(row, name):
    text = row.get(name, "")
    return float(text) if text not in ("", None) else None


def knee(page, plan, rows, metric, label, y_range=None):
    axes = [a["path"] for a in plan["vary"]]
    fig, ax = htmlpage.new_figure()
    first = axes[0]
    xs_all = plan["vary"][0]["values"]
    x_of, numeric, template = positions(xs_all)
    where = dict(zip(xs_all, x_of))
    groups = {}
    for row in rows:
        key = tuple(row[a] for a in axes[1:])
        groups.setdefault(key, []).append(row)
    for key, group in groups.items():
        pts = []
        for row in group:
            mean = cell(row, metric + "_mean")
            if mean is None:
                continue
            low = cell(row, metric + "_ci95_low")
            high = cell(row, metric + "_ci95_high")
            # The plotted metrics are >= 0: a t interval of a few replications can reach
            # below 0, the band stops at 0 (the table keeps the interval as computed).
            pts.append((where[row[first]], mean, max(low, 0.0) if low is not None else mean,
                        high if high is not None else mean))
        if not pts:
            continue
        pts.sort()
        name = ", ".join(f"{a}={v}" for a, v in zip(axes[1:], key)) or label
        line = ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)[0]
        ax.fill_between([p[0] for p in pts], [p[2] for p in pts], [p[3] for p in pts],
                        color=line.get_color(), alpha=0.2)
    if not numeric:
        ax.set_xticks(x_of)
        ax.set_xticklabels(xs_all, rotation=20)
    elif ticks_on_points(x_of):  # few, well-spread values: a tick on each point
        ax.set_xticks(sorted(set(x_of)))
        ax.set_xticklabels([f"{x:g}" for x in sorted(set(x_of))])
    elif all(float(x).is_integer() for x in x_of):  # workers, replicas: no tick at 4.5
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(first + (f" = {template}" if template else ""))
    ax.set_ylabel(label)
    if y_range:
        ax.set_ylim(*y_range)
    ax.legend(fontsize=8)
    page.figure(fig, f"{label} against {first}")


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    folder = argv[1]
    with open(os.path.join(folder, "sweep.json"), encoding="utf-8") as f:
        plan = json.load(f)
    with open(os.path.join(folder, "sweep.csv"), encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    page = htmlpage.Page(f"Sweep of {plan['scenario']['name']}")
    axes = [a["path"] for a in plan["vary"]]
    page.paragraph(
        f"{len(rows)} point(s) x {plan['replications']} replication(s) of "
        f"{plan['scenario']['file']}. Replication k runs with the same seed at every point "
        "(common random numbers). "
        + ("Bands and intervals: 95% (Student t over the replications)."
           if plan["replications"] > 1 else
           "With 1 replication there are no intervals: --replications 5 or more gives them.")
    )
    if plan["set"]:
        page.paragraph("with --set " + "  --set ".join(plan["set"]), css_class="note")
    if axes:
        page.heading("Knee curve")
        knee(page, plan, rows, "p99_ms", "p99 latency of ok requests (ms)")
        knee(page, plan, rows, "goodput_per_s", "goodput (ok requests / s)")
        if "slo_met_mean" in header:  # the scenario has an slo
            knee(page, plan, rows, "slo_met", "share of replications meeting the SLO",
                 y_range=(-0.03, 1.03))
    page.heading("Results (mean [95% interval], n)")
    metrics = [h[: -len("_mean")] for h in header if h.endswith("_mean")]
    table = []
    for row in rows:
        out = [row["point"]] + [row[a] for a in axes]
        for m in metrics:
            mean, low, high = row[m + "_mean"], row[m + "_ci95_low"], row[m + "_ci95_high"]
            text = mean if mean else "-"
            if low and high:
                text += f" [{low}, {high}]"
            out.append(f"{text} ({row[m + '_n']})")
        table.append(out)
    page.table(["point"] + axes + metrics, table)
    page.write(os.path.join(folder, "sweep.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
