"""Benchmark: validate a synthetic cohort of 90-day IOP plans.

Run by hand (needs pandas for the comparison)::

    python -m pip install . pandas
    python benchmarks/validate_cohort.py            # 1,000 and 10,000 patients
    python benchmarks/validate_cohort.py --runs 7

Prints sessions per second (median of several runs) for:

- ``validate_many`` (batch validation) with the full default rule set;
- ``validate`` on each plan with the full default rule set;
- ``validate`` with only the weekly-hours and individual-therapy rules;
- the same weekly-hours and individual-therapy computation written with a
  pandas ``groupby``, starting from the same plan objects (building the frame is
  part of that route, as it would be in an application).

Two cohort sizes show whether the cost grows linearly: the last lines print
the growth of time and of peak memory (what Python allocated during a call,
measured with tracemalloc in a separate, untimed call) from the smallest size
to the largest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import statistics
import time
from collections.abc import Callable, Sequence

from _measure import peak_bytes, print_growth

from iopmodel import (
    DEFAULT_RULES,
    Attendance,
    RuleSet,
    SessionKind,
    TreatmentPlan,
    validate,
)
from iopmodel.examples import adolescent_iop, evening_iop
from iopmodel.rules.batch import validate_many

MINUTE = dt.timedelta(minutes=1)
OUTCOMES = (Attendance.ATTENDED,) * 8 + (Attendance.ABSENT, Attendance.EXCUSED)


def make_cohort(patients: int, seed: int = 2026) -> list[TreatmentPlan]:
    """Plans of 90 days, starts spread over a year, attendance recorded for half."""
    rng = random.Random(seed)
    programs = (evening_iop(), adolescent_iop())
    first = dt.date(2026, 1, 5)
    cohort = []
    for number in range(patients):
        program = programs[number % len(programs)]
        start = first + dt.timedelta(days=rng.randrange(365))
        plan = TreatmentPlan.from_program(
            program, patient_id=f"p-{number:05d}", start=start, days=90
        )
        if number % 2:
            sessions = tuple(
                s.with_attendance(rng.choice(OUTCOMES)) for s in plan.sessions
            )
            plan = TreatmentPlan(
                patient_id=plan.patient_id,
                program=program,
                start=plan.start,
                planned_discharge=plan.planned_discharge,
                sessions=sessions,
            )
        cohort.append(plan)
    return cohort


def run_iopmodel(cohort: Sequence[TreatmentPlan], rules: RuleSet) -> int:
    """Validate every plan; return the number of error findings."""
    return sum(len(validate(plan, rules).errors) for plan in cohort)


def run_batch(cohort: Sequence[TreatmentPlan], rules: RuleSet) -> int:
    """Validate the cohort in one batch; return the number of error findings."""
    return sum(len(report.errors) for report in validate_many(cohort, rules))


def run_pandas(cohort: Sequence[TreatmentPlan]) -> int:
    """Weekly hours and individual-therapy counts with a pandas groupby."""
    import pandas as pd  # type: ignore[import-untyped]

    rows = []
    for plan in cohort:
        zone = plan.program.timezone
        floor = 9 * 60 if plan.program.population.value == "adult" else 6 * 60
        for s in plan.sessions:
            if (
                s.attendance is Attendance.CANCELLED
                or s.kind is SessionKind.MUTUAL_SUPPORT
            ):
                continue
            day = s.start.astimezone(zone).date()
            rows.append(
                (
                    plan.patient_id,
                    day - dt.timedelta(days=day.weekday()),
                    s.duration // MINUTE,
                    s.kind is SessionKind.INDIVIDUAL_THERAPY,
                    floor,
                )
            )
    frame = pd.DataFrame(
        rows, columns=["patient", "week", "minutes", "individual", "floor"]
    )
    weekly = frame.groupby(["patient", "week"]).agg(
        minutes=("minutes", "sum"),
        individual=("individual", "sum"),
        floor=("floor", "first"),
    )
    short = (weekly["minutes"] < weekly["floor"]) | (weekly["minutes"] > 20 * 60)
    return int(short.sum() + (weekly["individual"] < 1).sum())


def median_seconds(function: Callable[[], object], runs: int) -> float:
    """Median wall time of *runs* calls."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args()
    weekly_only = DEFAULT_RULES.renamed("weekly")
    for rule in DEFAULT_RULES:
        if rule.id not in {"HRS001", "IND001"}:
            weekly_only = weekly_only.without(rule.id)
    count = len(list(DEFAULT_RULES))
    print(f"median of {args.runs} runs; sessions per second (higher is better)")
    print(
        f"{'patients':>9} {'sessions':>9}  {'route':<38} {'seconds':>8} {'sessions/s':>12}"
    )
    growth: dict[str, list[tuple[float, int]]] = {}
    for size in args.sizes:
        cohort = make_cohort(size)
        sessions = sum(len(p.sessions) for p in cohort)
        routes: list[tuple[str, Callable[[], object]]] = [
            (
                f"validate_many, default rules ({count})",
                functools.partial(run_batch, cohort, DEFAULT_RULES),
            ),
            (
                f"validate per plan, default rules ({count})",
                functools.partial(run_iopmodel, cohort, DEFAULT_RULES),
            ),
            (
                "validate_many, HRS001 + IND001",
                functools.partial(run_batch, cohort, weekly_only),
            ),
            (
                "validate per plan, HRS001 + IND001",
                functools.partial(run_iopmodel, cohort, weekly_only),
            ),
            (
                "pandas groupby, hours + individual",
                functools.partial(run_pandas, cohort),
            ),
        ]
        for name, function in routes:
            seconds = median_seconds(function, args.runs)
            rate = sessions / seconds
            print(
                f"{size:>9,} {sessions:>9,}  {name:<38} {seconds:>8.3f} {rate:>12,.0f}"
            )
            peak = peak_bytes(function)
            growth.setdefault(name, []).append((seconds, peak))
    print_growth(growth, args.sizes, "patients")


if __name__ == "__main__":
    main()
