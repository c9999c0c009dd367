"""Benchmark: simulate 10,000 patients over two years.

Run by hand (needs the simulation extra)::

    python -m pip install ".[simulation]"
    python benchmarks/simulate.py            # median of 5 runs
    python benchmarks/simulate.py --runs 7

The models take turns in every run, so load from elsewhere slows them alike.
Prints patients per second for ``iopmodel.simulation.run`` (every session's
attendance drawn, every plan's rule outcomes counted; week granularity), for
``run(..., keep_objects=True)`` (real episodes and treatment plans through the
public API) and, in the same run, for a plain SimPy model of the same design
written here (the same arrivals, slots and weekly step-down/dropout reviews,
but no plans, no sessions, no validation). The difference is the price of the
clinical detail.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import attrs
import simpy

from iopmodel.examples import evening_iop
from iopmodel.simulation import Scenario, run

HORIZON = 2 * 365
PATIENTS = 10_000
RATE_PER_WEEK = PATIENTS / (HORIZON / 7)


def scenario() -> Scenario:
    """About 10,000 referrals in two years, with enough slots to admit them."""
    program = attrs.evolve(evening_iop(), capacity=1_400)
    return Scenario(
        programs=[program],
        referrals_per_week=RATE_PER_WEEK,
        horizon_days=HORIZON,
        warmup_days=1,
    )


def plain_simpy(design: Scenario, seed: int) -> int:
    """The same queue and weekly reviews in bare SimPy; returns patients seen."""
    env = simpy.Environment()
    slots = simpy.Resource(env, capacity=design.capacity or 10**9)
    arrivals = random.Random(f"{seed}-arrivals")
    reviews = random.Random(f"{seed}-reviews")
    seen = 0

    def patient() -> object:
        nonlocal seen
        with slots.request() as request:
            yield request
            week = 0
            while True:
                yield env.timeout(7)
                week += 1
                if reviews.random() < design.dropout_per_week:
                    break
                hazards = design.step_down_by_week
                if reviews.random() < hazards[min(week - 1, len(hazards) - 1)]:
                    break
        seen += 1

    def referrals() -> object:
        while True:
            yield env.timeout(arrivals.expovariate(design.referrals_per_week / 7))
            env.process(patient())

    env.process(referrals())
    env.run(until=design.horizon_days)
    return seen


def main() -> None:
    """Time both models and print patients per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    design = scenario()
    models = (
        ("iopmodel.simulation.run", lambda: len(run(design, seed=1).records)),
        (
            "run(keep_objects=True)",
            lambda: len(run(design, seed=1, keep_objects=True).records),
        ),
        ("plain SimPy (no plans, no validation)", lambda: plain_simpy(design, 1)),
    )
    # Round robin: a machine shared with other work slows every model alike.
    timings: list[list[float]] = [[] for _ in models]
    patients = [0] * len(models)
    for _ in range(args.runs):
        for index, (_name, function) in enumerate(models):
            started = time.perf_counter()
            patients[index] = function()
            timings[index].append(time.perf_counter() - started)
    rows = [
        (name, patients[index], statistics.median(timings[index]))
        for index, (name, _function) in enumerate(models)
    ]
    print(
        f"two years, {RATE_PER_WEEK:.0f} referrals a week; median of {args.runs} runs"
    )
    plain = rows[-1][2]
    print(
        f"{'model':<40} {'patients':>9} {'seconds':>8} {'patients/s':>11} {'x SimPy':>8}"
    )
    for name, patients, seconds in rows:
        print(
            f"{name:<40} {patients:>9,} {seconds:>8.2f} {patients / seconds:>11,.0f}"
            f" {seconds / plain:>8.1f}"
        )


if __name__ == "__main__":
    main()
