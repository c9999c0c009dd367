"""Benchmark: the time ``import iopmodel`` takes, against its bare dependencies.

Run by hand::

    python benchmarks/import_time.py            # median of 15 fresh interpreters
    python benchmarks/import_time.py --runs 31

Each measurement is a fresh interpreter (bytecode compiled and written
first, whatever ``PYTHONDONTWRITEBYTECODE`` says) timing one import statement;
printed are the medians of:

- ``import attrs, cattrs, dateutil.rrule, zoneinfo`` (what iopmodel needs; cattrs
  only once :mod:`iopmodel.serialization` is imported);
- ``import iopmodel`` (top-level names load on first use);
- ``from iopmodel import Program, TreatmentPlan, validate`` (a first real use: the
  models and the rule engine, mostly attrs building their classes);

and their ratios to the first.
``python -X importtime -c "from iopmodel import Program, TreatmentPlan, validate"``
shows where the time of a first use goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

CODE = (
    "import time; started = time.perf_counter(); {statement}; "
    "print(time.perf_counter() - started)"
)
STATEMENTS = {
    "bare dependencies": "import attrs, cattrs, dateutil.rrule, zoneinfo",
    "iopmodel": "import iopmodel",
    "first use": "from iopmodel import Program, TreatmentPlan, validate",
}


def once(statement: str) -> float:
    """Seconds one fresh interpreter takes to run *statement*."""
    result = subprocess.run(  # noqa: S603 - this interpreter, by hand
        [sys.executable, "-c", CODE.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    return float(result.stdout)


def main() -> None:
    """Time the statements, alternating, and print their medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for statement in STATEMENTS.values():  # compile bytecode first
        once(statement)
    timings: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(args.runs):
        for name, statement in STATEMENTS.items():
            timings[name].append(once(statement))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"median of {args.runs} fresh interpreters")
    bare = medians["bare dependencies"]
    for name, seconds in medians.items():
        print(f"{name:<20} {seconds * 1000:>8.1f} ms  {seconds / bare:>5.2f}x")


if __name__ == "__main__":
    main()
