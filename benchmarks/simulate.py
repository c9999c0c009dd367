"""Benchmark: simulate 1,000 and 10,000 patients over two years.

Run by hand (needs the simulation extra)::

    python -m pip install ".[simulation]"
    python benchmarks/simulate.py            # median of 5 runs, 1k and 10k patients
    python benchmarks/simulate.py --runs 7 --sizes 10000

The models take turns in every run, so load from elsewhere slows them alike.
Prints patients per second for ``iopmodel.simulation.run`` (every session's
attendance drawn, every plan's rule outcomes counted; week granularity), for
``run(..., keep_objects=True)`` (real episodes and treatment plans through the
public API) and, in the same run, for a plain SimPy model of the same design
written here (the same arrivals, slots and weekly step-down/dropout reviews,
but no plans, no sessions, no validation). The difference is the price of the
clinical detail. The growth from the smallest to the largest size (time, and
peak memory Python allocated, measured in one more untimed run) closes the
report.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import time
from collections.abc import Callable

import attrs
import simpy
from _measure import peak_bytes, print_growth

from iopmodel.examples import evening_iop
from iopmodel.simulation import Scenario, run

HORIZON = 2 * 365


def scenario(patients: int) -> Scenario:
    """About *patients* referrals in two years, with enough slots to admit them."""
    # 1,400 slots for 10,000 patients: the same load at every size
    program = attrs.evolve(evening_iop(), capacity=max(1, patients * 14 // 100))
    return Scenario(
        programs=[program],
        referrals_per_week=patients / (HORIZON / 7),
        horizon_days=HORIZON,
        warmup_days=1,
    )


def simulate(design: Scenario, *, keep_objects: bool = False) -> int:
    """``iopmodel.simulation.run`` with seed 1; returns patients seen."""
    return len(run(design, seed=1, keep_objects=keep_objects).records)


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
    """Time the models at each size and print patients per second and the growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args()
    print(f"two years; median of {args.runs} runs")
    print(
        f"{'referrals':>9}  {'model':<40} {'patients':>9} {'seconds':>8}"
        f" {'patients/s':>11} {'x SimPy':>8}"
    )
    growth: dict[str, list[tuple[float, int]]] = {}
    for size in args.sizes:
        design = scenario(size)
        models: tuple[tuple[str, Callable[[], int]], ...] = (
            ("iopmodel.simulation.run", functools.partial(simulate, design)),
            (
                "run(keep_objects=True)",
                functools.partial(simulate, design, keep_objects=True),
            ),
            (
                "plain SimPy (no plans, no validation)",
                functools.partial(plain_simpy, design, 1),
            ),
        )
        # Round robin: a machine shared with other work slows every model alike.
        timings: list[list[float]] = [[] for _ in models]
        patients = [0] * len(models)
        for _ in range(args.runs):
            for index, (_name, function) in enumerate(models):
                started = time.perf_counter()
                patients[index] = function()
                timings[index].append(time.perf_counter() - started)
        plain = statistics.median(timings[-1])
        for index, (name, function) in enumerate(models):
            seconds = statistics.median(timings[index])
            print(
                f"{size:>9,}  {name:<40} {patients[index]:>9,} {seconds:>8.2f}"
                f" {patients[index] / seconds:>11,.0f} {seconds / plain:>8.1f}"
            )
            growth.setdefault(name, []).append((seconds, peak_bytes(function)))
    print_growth(growth, args.sizes, "referrals")


if __name__ == "__main__":
    main()
