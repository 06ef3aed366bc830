#!/usr/bin/python3
"""M/M/c in SimPy 2.3.1 (Debian python3-simpy, old API): the Python baseline of bench/.

The textbook SimPy design: a Resource of capacity c, a source process that creates one
process per customer at exponential interarrival times, and each customer requests a
worker, holds for an exponential service time, releases it and records its response time.
It uses Python's random module, so its sample differs from sdsim's (same law, other draws).

Run with Debian's interpreter (the pyenv `python3` on PATH has no SimPy):
  /usr/bin/python3 bench/baselines/mmc_simpy2.py --rate 340 --mean-service 0.01 --workers 4 \
      --requests 100000
Prints one JSON line: requests, wall_s (the simulate() call only), requests_per_wall_s,
mean_response_s.
"""
import argparse
import json
import random
import time

from SimPy.Simulation import (Process, Resource, activate, hold, initialize, now, release,
                              request, simulate)


class Stats:
    def __init__(self):
        self.completed = 0
        self.response_sum = 0.0


class Customer(Process):
    def serve(self, workers, rng, mean_service, stats):
        issued = now()
        yield request, self, workers
        yield hold, self, rng.expovariate(1.0 / mean_service)
        yield release, self, workers
        stats.completed += 1
        stats.response_sum += now() - issued


class Source(Process):
    def generate(self, n, rate, workers, rng_arrivals, rng_service, mean_service, stats):
        for _ in range(n):
            yield hold, self, rng_arrivals.expovariate(rate)
            c = Customer()
            activate(c, c.serve(workers, rng_service, mean_service, stats))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=340.0, help="arrival rate, per second")
    p.add_argument("--mean-service", type=float, default=0.01, help="mean service time, s")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--requests", type=int, default=100000)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    initialize()
    workers = Resource(capacity=a.workers, name="workers")
    stats = Stats()
    source = Source()
    activate(source, source.generate(a.requests, a.rate, workers, random.Random(a.seed),
                                     random.Random(a.seed + 1), a.mean_service, stats))
    start = time.perf_counter()
    simulate(until=float("inf"))
    wall = time.perf_counter() - start
    print(json.dumps({
        "requests": stats.completed,
        "wall_s": wall,
        "requests_per_wall_s": stats.completed / wall if wall > 0 else 0.0,
        "mean_response_s": stats.response_sum / stats.completed if stats.completed else None,
    }))


if __name__ == "__main__":
    main()
