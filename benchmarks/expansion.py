"""Benchmark: expand a cohort's schedules (10,000 patients x 90 days), cold.

Run by hand::

    python benchmarks/expansion.py              # median of 5 runs
    python benchmarks/expansion.py --patients 20000 --runs 7

Each run starts with an empty expansion cache (``expand_template.cache_clear()``)
and builds every patient's plan with the public constructor
``TreatmentPlan.from_program`` (two programs, starts spread over a year).
In the same run, the obvious alternative: each patient's templates expanded
with dateutil directly (``rrulestr(...).between(...)``, localized with
zoneinfo), giving bare aware datetimes and no objects at all.

Prints sessions per second (median), and with ``--growth`` the growth of time
and peak memory (tracemalloc, in an untimed call) from 1x to 10x patients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import statistics
import time
from collections.abc import Callable

import dateutil.rrule
from _measure import peak_bytes, print_growth

from iopmodel import Program, TreatmentPlan
from iopmodel.examples import adolescent_iop, evening_iop
from iopmodel.schedules import expand_template

PROGRAMS = (evening_iop(), adolescent_iop())
FIRST = dt.date(2026, 1, 5)


def starts(patients: int, seed: int = 2026) -> list[dt.date]:
    """Start days spread over a year."""
    rng = random.Random(seed)
    return [FIRST + dt.timedelta(days=rng.randrange(365)) for _ in range(patients)]


def with_iopmodel(days: list[dt.date]) -> int:
    """Every patient's plan from the public constructor; the number of sessions."""
    expand_template.cache_clear()  # cold: the first patients pay the expansion
    total = 0
    for number, start in enumerate(days):
        plan = TreatmentPlan.from_program(
            PROGRAMS[number % 2], patient_id=f"p{number:05d}", start=start, days=90
        )
        total += len(plan.sessions)
    return total


def _expand(program: Program, start: dt.date) -> list[dt.datetime]:
    end = dt.datetime.combine(start + dt.timedelta(days=90), dt.time(0))
    found: list[dt.datetime] = []
    for template in program.templates:
        first = dt.datetime.combine(start, template.start_time)
        rule = dateutil.rrule.rrulestr(template.rrule, dtstart=first)
        found.extend(
            local.replace(tzinfo=program.timezone)
            for local in rule.between(first, end, inc=True)
        )
    found.sort()
    return found


def with_dateutil(days: list[dt.date]) -> int:
    """Every patient's templates with dateutil: aware datetimes, no objects."""
    return sum(len(_expand(PROGRAMS[n % 2], start)) for n, start in enumerate(days))


def median(function: Callable[[], int], runs: int) -> tuple[float, int]:
    """Median seconds of *runs* calls, and what the call returned."""
    timings, result = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--growth", action="store_true")
    args = parser.parse_args()
    sizes = [args.patients, 10 * args.patients] if args.growth else [args.patients]
    print(f"median of {args.runs} runs, cold cache; sessions per second")
    growth: dict[str, list[tuple[float, int]]] = {}
    for size in sizes:
        days = starts(size)
        for name, function in (
            ("TreatmentPlan.from_program", with_iopmodel),
            ("dateutil rrulestr, bare datetimes", with_dateutil),
        ):
            call = functools.partial(function, days)
            seconds, sessions = median(call, args.runs)
            print(f"{size:>8,} patients {sessions:>10,} sessions  {name:<36}"
                  f"{seconds:>7.2f} s {sessions / seconds:>12,.0f}/s")  # fmt: skip
            growth.setdefault(name, []).append((seconds, peak_bytes(call)))
    print_growth(growth, sizes, "patients")


if __name__ == "__main__":
    main()
