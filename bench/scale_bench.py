#!/usr/bin/python3
"""Scale benchmark: loading and running a scenario of 1,000 components with 10^5 requests in
flight, against the same topology with about 20 in flight.

Builds nothing: give it a release build directory (cmake -B build/release
-DCMAKE_BUILD_TYPE=Release -DSDSIM_BUILD_BENCH=ON && ninja -C build/release sdsim). Generates
two scenarios with bench/scale/gen_scale.py (250 stacks client -> lb -> front -> back, 1,000
components, 1,500 hosts, 10,000 requests/s for 100 s, about 10^6 requests):

  many in flight   back tier const(10s): about 10^5 requests in flight (3 x 10^5 calls held)
  few in flight    back tier const(1ms): about 20 in flight, the same work per request
  tier3            bench/macro/tier3.yaml: the same path (6 hops, 2 services per request) on
                   4 components (7 hosts), 10^6 requests: the cost of 1,000 components at
                   equal work per request

and runs them as interleaved rounds (each round runs both, back to back). From each run's
perf.json: load time (read and check the scenario), setup time (SimGrid platform and
components), run time (SimGrid's run), simulated requests per wall second of the run, and
peak RSS (getrusage); whole-process wall time measured here. The requests in flight are
measured from summary.json by Little's law (goodput x mean latency). Ratios are per round,
then median (min-max).

Usage: /usr/bin/python3 bench/scale_bench.py build/release [--rounds 5] [--stacks 250]
           [--write bench/SCALE.md]
Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "bench", "scale", "gen_scale.py")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_bench  # noqa: E402  (rel, run: shared with the rate benchmarks)

rel = run_bench.rel


def run(cmd):
    """Runs cmd from the repository root; returns whole-process wall seconds. Exits on failure."""
    return run_bench.run(cmd)[1]


def med(v, fmt):
    return f"{fmt(statistics.median(v))} ({fmt(min(v))}-{fmt(max(v))})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir", help="release build directory, e.g. build/release")
    ap.add_argument("--rounds", "-R", type=int, default=5)
    ap.add_argument("--stacks", type=int, default=250, help="stacks of 4 components")
    ap.add_argument("--write", metavar="FILE", help="also write the results as Markdown")
    a = ap.parse_args()

    build = os.path.abspath(a.build_dir)
    sdsim = os.path.join(build, "sdsim")
    if not os.access(sdsim, os.X_OK):
        sys.exit(f"scale_bench: {sdsim} not found; build it first")
    build_type = "?"
    cache = os.path.join(build, "CMakeCache.txt")
    if os.path.exists(cache):
        for line in open(cache):
            if line.startswith("CMAKE_BUILD_TYPE:"):
                build_type = line.split("=", 1)[1].strip()
    if build_type != "Release":
        print(f"scale_bench: warning: {rel(build)} is a {build_type} build, not Release",
              file=sys.stderr)

    tmp = tempfile.mkdtemp(prefix="sdsim_scale_")
    variants = [("many in flight", "10s"), ("few in flight", "1ms"), ("tier3", None)]
    gens, cmds = {}, {}
    for name, back in variants:
        if back is None:
            cmds[name] = [sdsim, "run", "bench/macro/tier3.yaml", "--out",
                          os.path.join(tmp, "tier3"), "--quiet", "--no-report"]
            continue
        yaml = os.path.join(tmp, ("many" if back == "10s" else "few") + ".yaml")
        gens[name] = [sys.executable, rel(GEN), "--stacks", str(a.stacks), "--back-time", back,
                      "-o", yaml]
        run(gens[name])
        cmds[name] = [sdsim, "run", yaml, "--out", yaml[:-5], "--quiet", "--no-report"]

    keys = ["load_s", "setup_s", "wall_s", "requests_per_wall_s", "peak_rss_bytes"]
    data = {n: {k: [] for k in keys + ["process_s", "in_flight", "requests", "components",
                                       "hosts"]} for n, _ in variants}
    load_before = os.getloadavg()
    started = datetime.datetime.now().astimezone()
    for r in range(a.rounds):
        line = []
        for name, _ in variants:
            wall = run(cmds[name])
            out = cmds[name][cmds[name].index("--out") + 1]
            perf = json.load(open(os.path.join(out, "perf.json")))
            s = json.load(open(os.path.join(out, "summary.json")))
            d = data[name]
            for k in keys:
                d[k].append(perf[k])
            d["process_s"].append(wall)
            ok = s["system"]["latency"]["ok"]
            d["in_flight"].append(s["system"]["goodput_per_s"] * ok["mean_ms"] / 1e3)
            d["requests"].append(s["run"]["requests_issued_total"])
            d["components"].append(len(s["components"]) + len(s["clients"]))
            d["hosts"].append(s["run"]["hosts"])
            if s["partial"] or s["system"]["requests"]["outcomes"]["ok"] != \
                    s["system"]["requests"]["issued"]:
                sys.exit(f"scale_bench: {name}: not every request ended ok (see {out})")
            line.append(f"{name} {perf['requests_per_wall_s'] / 1e3:,.0f} k req/s, "
                        f"{perf['peak_rss_bytes'] / 2**20:,.0f} MiB")
        print(f"round {r + 1}/{a.rounds}: " + "; ".join(line), flush=True)
    load_after = os.getloadavg()

    def ratio_of(x, y):
        return [p / q for p, q in zip(data[x]["requests_per_wall_s"],
                                      data[y]["requests_per_wall_s"])]
    ratio = ratio_of("many in flight", "few in flight")
    ratio_t3 = ratio_of("few in flight", "tier3")
    rows = ["| variant | components / hosts | requests | in flight (Little) | load s | setup s "
            "| run s | req/s (run) | peak RSS MiB | whole process s |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, _ in variants:
        d = data[name]
        rows.append(
            f"| {name} | {d['components'][0]:,} / {d['hosts'][0]:,} | {d['requests'][0]:,} "
            f"| {statistics.median(d['in_flight']):,.0f} "
            f"| {med(d['load_s'], lambda v: f'{v:.3f}')} "
            f"| {med(d['setup_s'], lambda v: f'{v:.3f}')} "
            f"| {med(d['wall_s'], lambda v: f'{v:.2f}')} "
            f"| {med(d['requests_per_wall_s'], lambda v: f'{v:,.0f}')} "
            f"| {med(d['peak_rss_bytes'], lambda v: f'{v / 2**20:,.0f}')} "
            f"| {med(d['process_s'], lambda v: f'{v:.2f}')} |")
    table = "\n".join(rows)
    summary = (f"Rate with 10^5 in flight / rate with ~20 in flight, per round: "
               f"{med(ratio, lambda v: f'{v:.3f}')}\n\n"
               f"Rate of 1,000 components (few in flight) / rate of tier3 (4 components, same "
               f"path), per round: {med(ratio_t3, lambda v: f'{v:.3f}')}")
    print()
    print(table)
    print()
    print(summary)

    if a.write:
        cpu, commit = run_bench.cpu_model(), run_bench.git_commit()
        all_cmds = "\n".join(" ".join(map(shlex.quote, c)).replace(tmp, "$TMP")
                             .replace(sys.executable, "/usr/bin/python3")
                             for c in list(gens.values()) + list(cmds.values()))
        all_cmds = all_cmds.replace(build, rel(build))
        md = f"""# Scale benchmark results

Generated by `bench/scale_bench.py`; do not edit by hand.

- Date: {started:%Y-%m-%d %H:%M %Z}
- Machine: `nproc` = {os.cpu_count()}, {cpu}; Linux {platform.release()}; shared with other
  jobs: load average {load_before[0]:.2f} before and {load_after[0]:.2f} after the runs, so
  wall-clock figures are noisy (compare the per-round ratio, from runs made back to back)
- sdsim: commit {commit} plus the working tree, `{rel(build)}` ({build_type})
- Method: {a.rounds} interleaved rounds, both variants once per round. Times from each run's
  `perf.json`: load (read and check the YAML), setup (SimGrid platform, hosts, routes,
  components), run (SimGrid's run: the simulation itself); req/s = requests issued / run
  time; peak RSS from `getrusage`; "in flight" is the system's goodput x mean latency
  (Little's law) from summary.json. Median (min-max).

## Results

{table}

{summary}

- Scenario: `bench/scale/gen_scale.py --stacks {a.stacks}`: {a.stacks} stacks of client ->
  round-robin load balancer -> front (2 replicas, async, exp(1 ms), one call) -> back (2
  replicas, workers unlimited, const(10 s) or const(1 ms)), 0.1 ms per hop, 10,000
  requests/s in all for 100 s. Each request crosses 6 hops and holds 3 calls while it waits
  at the back, so "many in flight" holds about 3 x 10^5 calls (under `--max-inflight`'s
  default of 10^6).
- tier3: `bench/macro/tier3.yaml` (see `bench/RESULTS.md`): client -> LB -> 4 app replicas
  (async, exp(4 ms)) -> db, 0.1 ms per hop: the same 6 hops and 2 services per request on
  4 components (7 hosts), so its rate against "few in flight" is the cost of the component
  count alone.

## Commands

```
/usr/bin/python3 bench/scale_bench.py {rel(build)} --rounds {a.rounds} --stacks {a.stacks}{' --write ' + rel(os.path.abspath(a.write))}
```
generates and runs:
```
{all_cmds}
```
"""
        with open(a.write, "w") as f:
            f.write(md)
        print(f"\nwrote {a.write}")


if __name__ == "__main__":
    main()
