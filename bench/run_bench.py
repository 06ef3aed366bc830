#!/usr/bin/python3
"""Macro benchmarks of sdsim against its baselines, run as interleaved rounds.

Builds nothing: give it a release build directory (cmake --preset release && cmake --build
build/release -j2). Each round runs every variant once, back to back:

  sdsim mmc   build/release/sdsim run bench/macro/mmc.yaml   (M/M/4, rho 0.85, 10^6 requests)
  sdsim lb4   build/release/sdsim run bench/macro/lb4.yaml   (client -> LB -> 4 x 1 worker)
  DES mmc     build/release/des_mmc, the same M/M/4 and seed (hand-written heap DES, 10^6)
  SimPy mmc   /usr/bin/python3 bench/baselines/mmc_simpy2.py, the same M/M/4 in SimPy 2.3.1
              with fewer requests (10^5 by default: it is slow; its rate per request does not
              depend on the run length at this load)
  sdsim tier3 build/release/sdsim run bench/macro/tier3.yaml (client -> LB -> 4 apps -> db)
  SimPy tier3 /usr/bin/python3 bench/baselines/tier3_simpy2.py, the same three tiers in SimPy 2
  sdsim tier3 flow  build/release/sdsim run bench/macro/tier3-flow.yaml (tier3, network model flow)

"req/s" is simulated requests per wall-clock second of the simulation loop only (sdsim:
inside SimGrid's run, from perf.json; DES: its event loop; SimPy: the simulate() call).
Whole-process wall time is reported beside it. Ratios are per round (each from runs made
back to back), then the median (min-max) over rounds.

Also checks that the DES reproduced sdsim's mmc run: same mean response time.

Usage: /usr/bin/python3 bench/run_bench.py build/release [--rounds 5] [--write bench/RESULTS.md]
Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Must match bench/macro/mmc.yaml (checked against sdsim's own result after each round).
MMC = {"rate": 340.0, "mean_service": 0.01, "workers": 4, "seed": 42, "client": "users",
       "service": "api"}


def rel(path):
    return os.path.relpath(path, ROOT)


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or '?'."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def git_commit():
    """The short commit of the checkout, or '?'."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def run(cmd):
    """Runs cmd from the repository root; returns (stdout, whole-process wall seconds)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"run_bench: {' '.join(map(shlex.quote, cmd))} failed ({p.returncode}):\n"
                 f"{p.stderr}")
    return p.stdout, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir", help="release build directory, e.g. build/release")
    ap.add_argument("--rounds", "-R", type=int, default=5)
    ap.add_argument("--des-requests", type=int, default=1_000_000,
                    help="requests of the DES run (default: as in mmc.yaml)")
    ap.add_argument("--simpy-requests", type=int, default=100_000)
    ap.add_argument("--simpy-python", default="/usr/bin/python3")
    ap.add_argument("--write", metavar="FILE",
                    help="also write the results as Markdown (e.g. bench/RESULTS.md)")
    a = ap.parse_args()

    build = os.path.abspath(a.build_dir)
    sdsim = os.path.join(build, "sdsim")
    des = os.path.join(build, "des_mmc")
    for exe in (sdsim, des):
        if not os.access(exe, os.X_OK):
            sys.exit(f"run_bench: {exe} not found; build it first (cmake --preset release && "
                     f"cmake --build build/release -j2)")
    cache = os.path.join(build, "CMakeCache.txt")
    build_type = "?"
    if os.path.exists(cache):
        for line in open(cache):
            if line.startswith("CMAKE_BUILD_TYPE:"):
                build_type = line.split("=", 1)[1].strip()
    if build_type != "Release":
        print(f"run_bench: warning: {rel(build)} is a {build_type} build, not Release",
              file=sys.stderr)

    tmp = tempfile.mkdtemp(prefix="sdsim_bench_")
    mmc_yaml = os.path.join(ROOT, "bench/macro/mmc.yaml")
    lb4_yaml = os.path.join(ROOT, "bench/macro/lb4.yaml")
    tier3_yaml = os.path.join(ROOT, "bench/macro/tier3.yaml")
    tier3_flow_yaml = os.path.join(ROOT, "bench/macro/tier3-flow.yaml")
    variants = [
        ("sdsim mmc", [sdsim, "run", rel(mmc_yaml), "--out", os.path.join(tmp, "mmc"), "--quiet",
                       "--no-report"]),
        ("sdsim lb4", [sdsim, "run", rel(lb4_yaml), "--out", os.path.join(tmp, "lb4"), "--quiet",
                       "--no-report"]),
        ("DES mmc", [des, "--rate", str(MMC["rate"]), "--mean-service", str(MMC["mean_service"]),
                     "--workers", str(MMC["workers"]), "--requests", str(a.des_requests),
                     "--seed", str(MMC["seed"]), "--client", MMC["client"],
                     "--service", MMC["service"]]),
        ("SimPy2 mmc", [a.simpy_python, "bench/baselines/mmc_simpy2.py",
                        "--rate", str(MMC["rate"]), "--mean-service", str(MMC["mean_service"]),
                        "--workers", str(MMC["workers"]), "--requests", str(a.simpy_requests),
                        "--seed", str(MMC["seed"])]),
        ("sdsim tier3", [sdsim, "run", rel(tier3_yaml), "--out", os.path.join(tmp, "tier3"),
                         "--quiet", "--no-report"]),
        ("SimPy2 tier3", [a.simpy_python, "bench/baselines/tier3_simpy2.py",
                          "--requests", str(a.simpy_requests)]),
        ("sdsim tier3 flow", [sdsim, "run", rel(tier3_flow_yaml), "--out",
                              os.path.join(tmp, "tier3flow"), "--quiet", "--no-report"]),
    ]
    # Each variant's own baseline: the same model in SimPy 2.
    same_model = {"sdsim mmc": "SimPy2 mmc", "DES mmc": "SimPy2 mmc",
                  "sdsim tier3": "SimPy2 tier3", "sdsim tier3 flow": "SimPy2 tier3"}
    names = [n for n, _ in variants]
    rates = {n: [] for n in names}
    procs = {n: [] for n in names}
    requests = {}
    mismatch = []

    load_before = os.getloadavg()
    started = datetime.datetime.now().astimezone()
    for r in range(a.rounds):
        row = {}
        for name, cmd in variants:
            out, wall = run(cmd)
            if name.startswith("sdsim"):
                d = json.load(open(os.path.join(cmd[cmd.index("--out") + 1], "perf.json")))
                rate, n = d["requests_per_wall_s"], d["requests_issued"]
            else:
                d = json.loads(out.strip().splitlines()[-1])
                rate, n = d["requests_per_wall_s"], d["requests"]
                if name == "DES mmc":
                    des_mean = d["mean_response_s"]
            rates[name].append(rate)
            procs[name].append(wall)
            requests[name] = n
            row[name] = rate
        s = json.load(open(os.path.join(tmp, "mmc", "summary.json")))
        sd_mean = s["system"]["latency"]["ok"]["mean_ms"] / 1e3
        if a.des_requests == s["run"]["requests_issued_total"] and \
                abs(sd_mean - des_mean) > 1e-12 * abs(des_mean):
            mismatch.append((r, sd_mean, des_mean))
        print(f"round {r + 1}/{a.rounds}: " +
              ", ".join(f"{n} {row[n] / 1e3:,.0f} k" for n in names), flush=True)
    load_after = os.getloadavg()

    def per_round_ratio(x, y):
        return [p / q for p, q in zip(rates[x], rates[y])]

    def fmt_rate(v):
        return f"{statistics.median(v):,.0f} ({min(v):,.0f}-{max(v):,.0f})"

    def fmt_ratio(v):
        return f"{statistics.median(v):.3g} ({min(v):.3g}-{max(v):.3g})"

    header = ("| variant | requests | req/s, median (min-max) | vs DES mmc | vs SimPy 2 mmc "
              "| vs SimPy 2, same model | whole process, s (median) |")
    lines = [header, "|---|---|---|---|---|---|---|"]
    for n in names:
        own = fmt_ratio(per_round_ratio(n, same_model[n])) if n in same_model else "-"
        lines.append(f"| {n} | {requests[n]:,} | {fmt_rate(rates[n])} "
                     f"| {fmt_ratio(per_round_ratio(n, 'DES mmc'))} "
                     f"| {fmt_ratio(per_round_ratio(n, 'SimPy2 mmc'))} "
                     f"| {own} | {statistics.median(procs[n]):.3f} |")
    table = "\n".join(lines)
    check = ("DES reproduces sdsim mmc (same mean response time to 1e-12): " +
             ("yes" if not mismatch else f"NO {mismatch}"))
    print()
    print(table)
    print()
    print(check)

    if a.write:
        cpu, commit = cpu_model(), git_commit()
        pyver = subprocess.run([a.simpy_python, "--version"], capture_output=True,
                               text=True).stdout.strip()
        cmds = "\n".join(" ".join(map(shlex.quote, cmd)).replace(tmp, "$TMP")
                         .replace(build, rel(build)) for _, cmd in variants)
        md = f"""# Benchmark results

Generated by `bench/run_bench.py`; do not edit by hand.

- Date: {started:%Y-%m-%d %H:%M %Z}
- Machine: `nproc` = {os.cpu_count()}, {cpu}; Linux {platform.release()}; shared, load
  average {load_before[0]:.2f} before and {load_after[0]:.2f} after the runs
- sdsim: commit {commit} plus the working tree, `{rel(build)}` ({build_type}); SimPy 2.3.1
  (Debian python3-simpy) under `{a.simpy_python}` ({pyver})
- Method: {a.rounds} interleaved rounds, every variant once per round, back to back. req/s =
  simulated requests per wall-clock second of the simulation loop only (sdsim: inside
  SimGrid's run, `perf.json`; DES: its event loop; SimPy: the `simulate()` call). Ratios are
  computed per round, then median (min-max). "whole process" includes process start, loading
  and (sdsim) writing the outputs.

## Results

{table}

{check}

- sdsim mmc: `bench/macro/mmc.yaml`, M/M/4 at rho 0.85 (340/s, exp(10 ms), 4 workers),
  no network latency. The DES and SimPy run the same queue; the DES draws sdsim's own
  random streams and reproduces its request log bit for bit
  (`tests/validation/bit_identity_test.cpp`).
- sdsim lb4: `bench/macro/lb4.yaml`, client -> round-robin LB -> 4 replicas x 1 worker, 0.1 ms
  per hop (4 hops per request). It has no baseline of its own here: its "vs" columns divide
  by the M/M/4 baselines, which do less work per request than a DES or SimPy model of this
  path would, so they understate sdsim's relative speed on it.
- sdsim tier3: `bench/macro/tier3.yaml`, the three-tier path of DESIGN.md's targets:
  client -> round-robin LB -> 4 app replicas (2 async workers, exp(4 ms)) -> db (8 workers,
  exp(4 ms)), 0.1 ms per hop (6 hops and 2 services per request). `SimPy2 tier3`
  (`bench/baselines/tier3_simpy2.py`) is the same model in SimPy 2: "vs SimPy 2, same
  model" is the like-for-like ratio.
- sdsim tier3 flow: `bench/macro/tier3-flow.yaml`, tier3 with `network: {{model: flow}}`
  (every message a SimGrid comm of 0 bytes: the same latencies, so SimPy 2 tier3 is still the
  same model), {requests.get('sdsim tier3 flow', 0):,} requests: its rate against sdsim
  tier3's is the price of the flow model on this path.
- SimPy ran {requests['SimPy2 mmc']:,} requests, not {requests['DES mmc']:,}: it is slow. Its
  cost per request does not grow with the run length at this load (notes/simgrid-3.32-measured.md
  sections 1a and 1c: SimPy 2 ran at the same rate with 1e5 and 1e6 requests), so the rates compare.

## Commands

```
/usr/bin/python3 bench/run_bench.py {rel(build)} --rounds {a.rounds}{' --write ' + rel(os.path.abspath(a.write))}
```
runs, in each round:
```
{cmds}
```
"""
        with open(a.write, "w") as f:
            f.write(md)
        print(f"\nwrote {a.write}")


if __name__ == "__main__":
    main()
