#!/usr/bin/python3
"""Three tiers in SimPy 2.3.1 (Debian python3-simpy): the Python baseline of bench/macro/tier3.yaml.

client -> round-robin load balancer (no processing) -> one of `replicas` app replicas (a
Resource of `app_workers`; the worker is released after its own exponential work: async
handler) -> the db (a Resource of `db_workers`, exponential work) -> back the same way. Each
of the 6 hops is a hold of `latency`. One process per request, the textbook SimPy design.
Python's random module: the same laws as sdsim, other draws.

  /usr/bin/python3 bench/baselines/tier3_simpy2.py --requests 100000
Prints one JSON line: requests, wall_s (the simulate() call only), requests_per_wall_s,
mean_response_s.
"""
import argparse
import itertools
import json
import random
import time

from SimPy.Simulation import (Process, Resource, activate, hold, initialize, now, release,
                              request, simulate)


class Stats:
    def __init__(self):
        self.completed = 0
        self.response_sum = 0.0


class Request(Process):
    def run(self, a, app, db, rng, stats):
        issued = now()
        yield hold, self, a.latency  # client -> lb
        yield hold, self, a.latency  # lb -> app
        yield request, self, app
        yield hold, self, rng.expovariate(1.0 / a.app_service)
        yield release, self, app
        yield hold, self, a.latency  # app -> db
        yield request, self, db
        yield hold, self, rng.expovariate(1.0 / a.db_service)
        yield release, self, db
        yield hold, self, 3 * a.latency  # db -> app -> lb -> client
        stats.completed += 1
        stats.response_sum += now() - issued


class Source(Process):
    def generate(self, a, apps, db, rng_arrivals, rng_service, stats):
        turn = itertools.cycle(apps)
        for _ in range(a.requests):
            yield hold, self, rng_arrivals.expovariate(a.rate)
            r = Request()
            activate(r, r.run(a, next(turn), db, rng_service, stats))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=1000.0)
    p.add_argument("--replicas", type=int, default=4)
    p.add_argument("--app-workers", type=int, default=2)
    p.add_argument("--app-service", type=float, default=0.004)
    p.add_argument("--db-workers", type=int, default=8)
    p.add_argument("--db-service", type=float, default=0.004)
    p.add_argument("--latency", type=float, default=0.0001)
    p.add_argument("--requests", type=int, default=100000)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    initialize()
    apps = [Resource(capacity=a.app_workers, name=f"app{i}") for i in range(a.replicas)]
    db = Resource(capacity=a.db_workers, name="db")
    stats = Stats()
    source = Source()
    activate(source, source.generate(a, apps, db, random.Random(a.seed),
                                     random.Random(a.seed + 1), stats))
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
