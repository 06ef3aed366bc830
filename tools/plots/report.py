#!/usr/bin/python3
"""report.py DIR: writes DIR/report.html from the results `sdsim run` wrote in DIR.

Reads summary.json, timeseries.csv and latency_hist.csv (docs/summary-schema.md) and builds
one self-contained page (tools/plots/htmlpage.py: PNGs embedded as base64) with:
  - latency p50 / p99 / p99.9 of ok requests per window, fault and shock windows shaded;
  - offered load, throughput and goodput per window;
  - utilisation and mean queue length per component per window (dashed: the utilisation of
    the replicas up, for components a crash can take down);
  - the latency CDF of ok requests (from latency_hist.csv);
  - the summary table (id "summary"), the SLO verdict (id "slo") and the incidents.
`sdsim run` runs it after each run (unless --no-report); `sdsim report DIR` reruns it.
Needs Debian's python3-matplotlib. Exit codes: 0 written, 2 bad input (DIR, missing or
unreadable files), 3 matplotlib missing.

The page ends with a small script that, once the page has loaded, records on <body> how many
images decoded (data-images="decoded/total") and data-report-check="ok" or "broken": the
report test (tests/report/) reads it from headless Chromium's DOM.
"""

import csv
import json
import os
import signal
import sys

# Ctrl-C (sdsim run interrupted while it writes the report) ends the script quietly, as it does
# sdsim, instead of a KeyboardInterrupt traceback.
signal.signal(signal.SIGINT, signal.SIG_DFL)

try:
    import matplotlib  # noqa: F401
except ImportError as e:
    sys.stderr.write(
        f"report.py: matplotlib is missing ({e}): install it with "
        "`apt-get install python3-matplotlib` (or set SDSIM_PYTHON to a Python that has it)\n"
    )
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import htmlpage  # noqa: E402

# Colours of the incident spans (one per incident name, in order of first appearance).
INCIDENT_COLOURS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                    "#17becf", "#7f7f7f"]

CHECK_SCRIPT = """<script>
window.addEventListener('load', function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++)
    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  document.body.setAttribute('data-images', ok + '/' + imgs.length);
  document.body.setAttribute('data-report-check',
                             ok === imgs.length && imgs.length > 0 ? 'ok' : 'broken');
});
</script>"""


class BadInput(Exception):
    pass


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput(f"cannot read {path}: {e}")


def load_timeseries(path):
    """{scope: {metric: ([t_mid], [value])}} plus the list of window edges."""
    series = {}
    try:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["value"] == "":
                    continue
                start, end = float(row["window_start_s"]), float(row["window_end_s"])
                ts, vs = series.setdefault(row["scope"], {}).setdefault(row["metric"], ([], []))
                ts.append((start + end) / 2)
                vs.append(float(row["value"]))
    except (OSError, KeyError, ValueError) as e:
        raise BadInput(f"cannot read {path}: {e}")
    return series


def load_histogram(path, scope="system"):
    """[(upper_edge_ms, count)] of one scope, or None when the file is absent."""
    if not os.path.exists(path):
        return None
    out = []
    try:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["scope"] == scope:
                    out.append((float(row["le_ms"]), int(row["count"])))
    except (OSError, KeyError, ValueError) as e:
        raise BadInput(f"cannot read {path}: {e}")
    return out


def fmt(v, digits=4):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == 0:
            return "0"
        return f"{v:.{digits}g}"
    return str(v)


class Incidents:
    """The summary's incidents, drawn as shaded spans on every time plot.

    One colour and one legend entry per incident name; with more names than colours (e.g. the
    numbered bursts of an on/off source), one per kind instead."""

    def __init__(self, summary):
        self.items = summary.get("incidents", [])
        self.end = summary["run"]["ended_at_s"]
        names = list(dict.fromkeys(i["name"] for i in self.items))
        self.by_kind = len(names) > len(INCIDENT_COLOURS)
        self.colour = {}
        for i in self.items:
            g = self.group(i)
            if g not in self.colour:
                self.colour[g] = INCIDENT_COLOURS[len(self.colour) % len(INCIDENT_COLOURS)]

    def group(self, i):
        return i["kind"] if self.by_kind else i["name"]

    def label(self, i):
        if self.by_kind:
            n = sum(1 for j in self.items if j["kind"] == i["kind"])
            return f"{i['kind']} ({n} windows)"
        return f"{i['kind']}: {i['name']}"

    def shade(self, ax):
        labelled = set()
        for i in self.items:
            start = i["from_s"]
            stop = i["to_s"] if i["to_s"] is not None else self.end
            g = self.group(i)
            colour = self.colour[g]
            first = g not in labelled
            label = self.label(i) if first else None
            if stop > start:
                ax.axvspan(start, stop, color=colour, alpha=0.15, lw=0, label=label)
            else:
                ax.axvline(start, color=colour, alpha=0.6, lw=1, ls=":", label=label)
            if first:
                # Name at the top of its first span, so the plot reads without the legend.
                ax.text(start, 0.98, " " + g, transform=ax.get_xaxis_transform(),
                        rotation=90, va="top", ha="left", fontsize=7, color=colour)
            labelled.add(g)


def time_axes(ax, summary, incidents, ylabel):
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, summary["run"]["ended_at_s"])
    warmup = summary["scenario"]["warmup_s"]
    if warmup > 0:
        ax.axvline(warmup, color="#444", lw=0.8, ls="--", label="end of warm-up")
    stop = summary["run"]["issue_stopped_at_s"]
    if stop is not None and stop < summary["run"]["ended_at_s"]:
        # After this the run only drains: offered load falls to 0.
        ax.axvline(stop, color="#444", lw=0.8, ls="-.", label="clients stop issuing")
    incidents.shade(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def plot_lines(page, summary, incidents, title, ylabel, lines, alt, log_y=False, ymin=None):
    """lines: [(label, (ts, vs))] or [(label, (ts, vs), style)]; a note instead of a figure
    when no line has data."""
    lines = [(ln[0], ln[1], ln[2] if len(ln) > 2 else {}) for ln in lines if ln[1] and ln[1][0]]
    page.heading(title)
    if not lines:
        page.paragraph("No data in timeseries.csv for this plot.", "note")
        return
    fig, ax = htmlpage.new_figure()
    for label, (ts, vs), style in lines:
        style = {"lw": 1.3, "marker": "." if len(ts) < 40 else None, **style}
        ax.plot(ts, vs, label=label, **style)
    if log_y:
        ax.set_yscale("log")
    elif ymin is not None:
        ax.set_ylim(bottom=ymin)
    time_axes(ax, summary, incidents, ylabel)
    page.figure(fig, alt)


def latency_over_time(page, summary, series, incidents):
    system = series.get("system", {})
    lines = [("p50", system.get("latency_p50_ms")), ("p99", system.get("latency_p99_ms")),
             ("p99.9", system.get("latency_p999_ms"))]
    values = [v for _, d in lines if d for v in d[1] if v > 0]
    log_y = bool(values) and max(values) / min(values) > 30
    plot_lines(page, summary, incidents, "Latency of ok requests over time",
               "latency (ms)" + (", log scale" if log_y else ""), lines,
               "latency percentiles per window", log_y=log_y, ymin=0)
    shaded = ("Shaded: fault and traffic-shock windows (summary incidents)."
              if incidents.items else "No fault or traffic shock in this run.")
    page.paragraph("Per window of " + fmt(summary["scenario"]["window_s"]) + " s, over the ok "
                   "requests that ended in it. " + shaded, "note")


def load_over_time(page, summary, series, incidents):
    system = series.get("system", {})
    plot_lines(page, summary, incidents, "Offered load, throughput and goodput",
               "rate (requests/s)",
               # Often on top of each other: wide, dashed and thin lines keep all three visible.
               [("offered load (attempts sent)", system.get("offered_per_s"),
                 {"lw": 3.5, "alpha": 0.45}),
                ("throughput (responses)", system.get("throughput_per_s"), {"ls": "--"}),
                ("goodput (ok requests)", system.get("goodput_per_s"), {"lw": 1.1})],
               "offered load, throughput and goodput per window", ymin=0)


def components_over_time(page, summary, series, incidents, metric, title, ylabel, alt,
                         of_up=None):
    """One line per component; with `of_up` (a metric of the replicas up, e.g.
    utilisation_up), a dashed line of it in the same colour for components a crash can take
    down."""
    lines = []
    colours = htmlpage.plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for name in summary.get("components", {}):
        scope = series.get("component/" + name, {})
        data = scope.get(metric)
        if not data:
            continue
        colour = colours[len([ln for ln in lines if not ln[2].get("ls")]) % len(colours)]
        lines.append((name, data, {"color": colour}))
        if of_up and scope.get(of_up):
            # No value in a window (no replica up): a gap, not a line across the outage.
            up = dict(zip(*scope[of_up]))
            gapped = (data[0], [up.get(t, float("nan")) for t in data[0]])
            lines.append((name + " (of replicas up)", gapped, {"color": colour, "ls": "--"}))
    plot_lines(page, summary, incidents, title, ylabel, lines, alt, ymin=0)


def latency_cdf(page, summary, hist):
    page.heading("Latency distribution of ok requests (CDF)")
    if hist is None:
        page.paragraph("latency_hist.csv is missing (written by sdsim run since report.html "
                       "exists): rerun the scenario for this plot.", "note")
        return
    total = sum(n for _, n in hist)
    points = []
    seen = 0
    for edge, n in hist:
        seen += n
        if edge > 0:  # exact zeros (upper edge 0) cannot be drawn on a log axis
            points.append((edge, seen / total))
    if not points:
        page.paragraph("No ok request with a positive latency.", "note")
        return
    fig, ax = htmlpage.new_figure()
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ax.step(xs, ys, where="post", lw=1.4, label="ok requests (%d)" % total)
    ok = summary["system"]["latency"]["ok"]
    for key, label, style in (("p50_ms", "p50", ":"), ("p99_ms", "p99", "--"),
                              ("p999_ms", "p99.9", "-.")):
        if ok.get(key) is not None:
            ax.axvline(ok[key], color="#444", lw=0.8, ls=style,
                       label=f"{label} = {fmt(ok[key])} ms")
    if xs[-1] / xs[0] > 10:
        ax.set_xscale("log")
        ax.set_xlabel("latency (ms, log scale)")
        # A log axis would give most of its width to a sparse low tail (e.g. exponential
        # latencies): start at the 0.1th percentile.
        low = next(x for x, y in points if y >= 0.001)
        ax.set_xlim(left=low / 1.5)
    else:
        ax.set_xlabel("latency (ms)")
    ax.set_ylabel("fraction of ok requests <= latency")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    page.figure(fig, "latency CDF of ok requests")
    page.paragraph("From the log-linear histogram of the summary (buckets at most 0.78% wide): "
                   "each step is one bucket's upper edge.", "note")


def summary_table(page, summary):
    s = summary["system"]
    req = s["requests"]
    lat = s["latency"]["ok"]
    rows = [
        ("requests issued (measured)", fmt(req["issued"])),
        ("ok", fmt(req["outcomes"]["ok"])),
        ("rejected", fmt(req["outcomes"]["rejected"])),
        ("timed out", fmt(req["outcomes"]["timed_out"])),
        ("error", fmt(req["outcomes"]["error"])),
        ("unfinished", fmt(req["outcomes"]["unfinished"])),
        ("availability (ok / issued)", fmt(s["availability"], 6)),
        ("offered load (attempts/s)", fmt(s["offered_per_s"])),
        ("throughput (responses/s)", fmt(s["throughput_per_s"])),
        ("goodput (ok/s)", fmt(s["goodput_per_s"])),
        ("retry amplification (attempts / request)", fmt(s["retry_amplification"])),
        ("latency ok: mean (ms)", fmt(lat["mean_ms"])),
        ("latency ok: p50 (ms)", fmt(lat["p50_ms"])),
        ("latency ok: p90 (ms)", fmt(lat["p90_ms"])),
        ("latency ok: p99 (ms)", fmt(lat["p99_ms"])),
        ("latency ok: p99.9 (ms)", fmt(lat["p999_ms"])),
        ("latency ok: max (ms)", fmt(lat["max_ms"])),
    ]
    page.heading("Summary")
    sc, run = summary["scenario"], summary["run"]
    page.paragraph(f"Scenario {sc['name']} ({sc['file']}), seed {sc['seed']}; measured "
                   f"[{fmt(run['measured_from_s'])} s, {fmt(run['measured_to_s'])} s) of "
                   f"simulated time; run status: {run['status']}.")
    page.table(["figure", "value"], rows, table_id="summary")
    slo_section(page, summary.get("slo"))
    for w in summary.get("warnings", []):
        page.paragraph("warning: " + w, "verdict-bad")


def slo_section(page, slo):
    if slo is None:
        return
    page.heading("SLO")
    met = slo["met"]
    page.raw(f'<p id="slo-verdict" class="{"verdict-ok" if met else "verdict-bad"}">'
             f'SLO {"met" if met else "missed"}</p>')
    rows = []
    if "availability" in slo:
        a = slo["availability"]
        rows.append(("availability", fmt(a["target"], 6), fmt(a["measured"], 6),
                     "yes" if a["met"] else "no"))
    for name, v in slo.get("latency", {}).items():
        rows.append((f"latency {name} (ms)", fmt(v["target_ms"]), fmt(v["measured_ms"]),
                     "yes" if v["met"] else "no"))
    page.table(["objective", "target", "measured", "met"], rows, table_id="slo")
    w = slo.get("windows")
    if w:
        text = f"Windows judged: {w['judged']}, met: {w['met']}, missed: {w['missed']}."
        if w.get("never_ended"):
            text += (f" A window judges the requests that ended in it: {w['never_ended']} never"
                     " ended (lost without a timeout) and are in no window.")
        page.paragraph(text)
    if "availability" in slo and slo["availability"].get("error_budget_consumed") is not None:
        page.paragraph("Error budget consumed: "
                       f"{100 * slo['availability']['error_budget_consumed']:.1f}%.")


def components_table(page, summary):
    comps = summary.get("components", {})
    if not comps:
        return
    page.heading("Components")
    rows = []
    for name, c in comps.items():
        rows.append((name, c.get("kind", ""), fmt(c.get("replicas")),
                     fmt(c.get("arrival_rate_per_s")), fmt(c.get("utilisation")),
                     fmt(c.get("mean_queue_length")), fmt(c.get("p_wait")),
                     fmt((c.get("residence") or {}).get("latency", {}).get("p99_ms")),
                     fmt(c.get("rejected")), fmt(c.get("lost"))))
    page.table(["component", "kind", "replicas", "arrivals/s", "utilisation",
                "mean queue length", "P(wait)", "residence p99 (ms)", "rejected", "lost"],
               rows, table_id="components")


def incidents_table(page, summary):
    items = summary.get("incidents", [])
    if not items:
        return
    page.heading("Incidents (fault and shock windows)")
    rows = []
    for i in items[:200]:
        rec = i.get("recovery") or {}
        recovered = rec.get("recovered")
        rows.append((i["name"], i["kind"], i["target"], fmt(i["from_s"]), fmt(i["to_s"]),
                     "-" if recovered is None else
                     (fmt(rec.get("recovery_s")) if recovered else "not recovered")))
    page.table(["name", "kind", "target", "from (s)", "to (s)", "recovery (s)"], rows,
               table_id="incidents")
    if len(items) > 200:
        page.paragraph(f"... and {len(items) - 200} more (summary.json: incidents).", "note")


def build(folder):
    summary = load_json(os.path.join(folder, "summary.json"))
    for key in ("scenario", "system", "components"):
        if not isinstance(summary, dict) or key not in summary:
            raise BadInput(f"{os.path.join(folder, 'summary.json')} is not an sdsim summary "
                           f"(no '{key}'; docs/summary-schema.md)")
    series = load_timeseries(os.path.join(folder, "timeseries.csv"))
    hist = load_histogram(os.path.join(folder, "latency_hist.csv"))
    incidents = Incidents(summary)
    page = htmlpage.Page("sdsim report: " + summary["scenario"]["name"])
    summary_table(page, summary)
    latency_over_time(page, summary, series, incidents)
    load_over_time(page, summary, series, incidents)
    components_over_time(page, summary, series, incidents, "utilisation",
                         "Utilisation per component", "utilisation (busy workers / workers)",
                         "utilisation per component per window", of_up="utilisation_up")
    components_over_time(page, summary, series, incidents, "mean_queue_length",
                         "Queue length per component",
                         "mean queue length (requests waiting)",
                         "mean queue length per component per window")
    latency_cdf(page, summary, hist)
    components_table(page, summary)
    incidents_table(page, summary)
    page.raw(CHECK_SCRIPT)
    return page


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: report.py DIR (a folder written by `sdsim run`)\n")
        return 2
    folder = argv[1]
    try:
        page = build(folder)
    except BadInput as e:
        sys.stderr.write(f"report.py: {e}\n")
        return 2
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        # A summary.json or CSV that parses but is not what `sdsim run` writes.
        sys.stderr.write(f"report.py: the files in {folder} are not the results of `sdsim run` "
                         f"(docs/summary-schema.md): {type(e).__name__} {e}\n")
        return 2
    page.write(os.path.join(folder, "report.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
