"""Benchmark: validate cohorts of 1M and 10M sessions from Parquet.

Run by hand (needs the cohort and distributed extras, and pandas, polars and
duckdb for the comparisons)::

    python -m pip install ".[cohort,distributed]" pandas polars duckdb
    python benchmarks/cohort.py                    # 1M and 10M sessions
    python benchmarks/cohort.py --sizes 1000000 --runs 3
    python benchmarks/cohort.py --engines          # numpy/Arrow vs polars vs DuckDB

For each size, in the same run, prints the median wall time (sessions per
second) of:

- ``validate_cohort`` on one core (reading the Parquet file included);
- all cores: the Parquet partitions (whole patients each) validated by a
  ``ProcessPoolExecutor`` with one process per core;
- a Dask ``LocalCluster`` (one worker process per core) running
  ``validate_cohort_dask`` on ``dask.dataframe.read_parquet``;
- the obvious alternative: pandas, reading the same file and computing only
  the weekly hours and individual-therapy counts with a ``groupby``.

The single-core routes (``validate_cohort`` and pandas) are timed before the
process pool and the Dask cluster start: idle workers and the scheduler's
event loop would otherwise share the machine with them (on two cores they
added 10-20 % to the one-core figure). Each single-core route also runs in a
fresh process to report its peak memory
(max RSS), and the growth from the smallest to the largest size is printed
(time and memory). ``--engines`` times the core step (local days and weekly
sums of 1M sessions) in numpy over Arrow, polars and DuckDB: the measurement
behind the choice of engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from iopmodel import TreatmentPlan
from iopmodel.cohort import sessions_table, validate_cohort
from iopmodel.examples import adolescent_iop, evening_iop

PROGRAMS = [evening_iop(), adolescent_iop()]
PARTS = 8


def make_table(sessions: int, seed: int = 2026) -> pa.Table:
    """About *sessions* sessions: 90-day plans, starts over a year, half with outcomes."""
    rng = np.random.default_rng(seed)
    first = dt.date(2026, 1, 5)
    blocks = {}
    for program in PROGRAMS:
        for day in range(365):
            plan = TreatmentPlan.from_program(
                program, patient_id="x", start=first + dt.timedelta(days=day), days=90
            )
            blocks[program.name, day] = sessions_table([plan])
    per_patient = statistics.fmean(b.num_rows for b in blocks.values())
    patients = max(1, round(sessions / per_patient))
    chunks = []
    starts = rng.integers(0, 365, patients)
    for number in range(patients):
        program = PROGRAMS[number % 2]
        block = blocks[program.name, int(starts[number])]
        chunks.append(
            block.set_column(
                0, "patient_id", pa.array([f"p{number:08d}"] * block.num_rows)
            )
        )
    table = pa.concat_tables(chunks)
    outcomes = np.array(["attended"] * 8 + ["absent", "excused"])
    recorded = np.repeat(np.arange(patients) % 2 == 1, [c.num_rows for c in chunks])
    drawn = outcomes[rng.integers(0, 10, table.num_rows)]
    attendance = np.where(recorded, drawn, "scheduled")
    return table.set_column(5, "attendance", pa.array(attendance, pa.string()))


def write_parts(table: pa.Table, folder: Path) -> list[Path]:
    """Parquet files holding whole patients each (a partition by patient)."""
    patients = pc.unique(table.column("patient_id"))
    edges = np.linspace(0, len(patients), PARTS + 1).astype(int)
    paths = []
    for index in range(PARTS):
        chosen = patients[edges[index] : edges[index + 1]]
        part = table.filter(pc.is_in(table.column("patient_id"), value_set=chosen))
        path = folder / f"part-{index}.parquet"
        pq.write_table(part, path)
        paths.append(path)
    return paths


def one_core(paths: list[Path]) -> int:
    """validate_cohort on the folder of parts (one table), here."""
    return validate_cohort(paths[0].parent, PROGRAMS).num_rows


def _part(path: Path) -> int:
    return validate_cohort(path, PROGRAMS).num_rows


def all_cores(paths: list[Path], pool: ProcessPoolExecutor) -> int:
    """Each partition (whole patients) in a worker process."""
    return sum(pool.map(_part, paths))


def on_dask(folder: Path) -> int:
    """validate_cohort_dask on read_parquet, on the running (default) Dask client."""
    import dask.dataframe as dd

    from iopmodel.cohort import validate_cohort_dask

    frame = dd.read_parquet(str(folder / "part-*.parquet"))
    return len(validate_cohort_dask(frame, PROGRAMS).compute())


def pandas_route(paths: list[Path]) -> int:
    """Weekly hours and individual-therapy counts only, with a pandas groupby."""
    import pandas as pd

    frame = pd.concat([pd.read_parquet(p) for p in paths])
    zone = {p.name: p.timezone.key for p in PROGRAMS}
    floor = {"Evening IOP": 540, "Adolescent IOP": 360}
    parts = []
    for name, group in frame.groupby("program"):
        local = group["start"].dt.tz_convert(zone[str(name)])
        day = local.dt.tz_localize(None).dt.normalize()
        week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
        live = group["attendance"] != "cancelled"
        parts.append(
            pd.DataFrame(
                {
                    "patient": group["patient_id"][live],
                    "week": week[live],
                    "minutes": group["minutes"][live],
                    "individual": (group["kind"] == "individual_therapy")[live],
                    "floor": floor[str(name)],
                }
            )
        )
    weekly = (
        pd.concat(parts)
        .groupby(["patient", "week"])
        .agg(
            minutes=("minutes", "sum"),
            individual=("individual", "sum"),
            floor=("floor", "first"),
        )
    )
    short = (weekly["minutes"] < weekly["floor"]) | (weekly["minutes"] > 1200)
    return int(short.sum() + (weekly["individual"] < 1).sum())


def median(function: Callable[[], object], runs: int) -> float:
    """Median wall time of *runs* calls."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def report(rows: int, name: str, function: Callable[[], object], runs: int) -> None:
    """Print a route's median time and sessions per second."""
    seconds = median(function, runs)
    print(f"{rows:>11,}  {name:<32} {seconds:>8.2f} s {rows / seconds:>13,.0f}/s")


def child(route: str, folder: str) -> None:
    """Run one route once in this fresh process; print seconds and peak RSS."""
    paths = sorted(Path(folder).glob("part-*.parquet"))
    started = time.perf_counter()
    if route == "iopmodel":
        one_core(paths)
    else:
        pandas_route(paths)
    seconds = time.perf_counter() - started
    # VmHWM is this process's own peak (ru_maxrss would include the parent's at fork)
    status = Path("/proc/self/status")
    if status.exists():
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
        peak = int(line.split()[1]) / 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def peak_memory(route: str, folder: Path) -> tuple[float, float]:
    """Seconds and peak RSS of one route run once in a fresh process."""
    result = subprocess.run(  # noqa: S603 - this script, by hand
        [sys.executable, __file__, "--child", route, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    return data["seconds"], data["peak_mib"]


def engines(sessions: int, runs: int) -> None:
    """The core step (local days, weekly sums) in numpy over Arrow, polars, DuckDB."""
    table = make_table(sessions)
    zone = PROGRAMS[0].timezone.key
    start = table.column("start").combine_chunks()
    minutes = table.column("minutes").combine_chunks()
    patient = table.column("patient_id").combine_chunks()

    def numpy_arrow() -> object:
        local = pc.local_timestamp(start.cast(pa.timestamp("us", tz=zone)))
        day = np.asarray(local.cast(pa.int64())) // 86_400_000_000
        codes = np.asarray(patient.dictionary_encode().indices, dtype=np.int64)
        key = codes * 100_000 + (day + 3) // 7
        _, inverse = np.unique(key, return_inverse=True)
        return np.bincount(inverse, weights=np.asarray(minutes))

    routes: list[tuple[str, Callable[[], object]]] = [("numpy over Arrow", numpy_arrow)]
    try:
        import polars as pl

        frame = pl.from_arrow(table)

        def polars_route() -> object:
            return (
                frame.with_columns(
                    pl.col("start")
                    .dt.convert_time_zone(zone)
                    .dt.truncate("1w")
                    .alias("week")
                )
                .group_by("patient_id", "week")
                .agg(pl.col("minutes").sum())
            )

        routes.append(("polars", polars_route))
    except ImportError:
        print("polars not installed")
    try:
        import duckdb

        connection = duckdb.connect()
        connection.register("sessions", table)
        query = (
            "SELECT patient_id, date_trunc('week', timezone($zone, start)) AS week, "
            "sum(minutes) FROM sessions GROUP BY ALL"
        )

        def duckdb_route() -> object:
            return connection.execute(query, {"zone": zone}).fetchall()

        routes.append(("duckdb", duckdb_route))
    except ImportError:
        print("duckdb not installed")
    print(f"core step on {table.num_rows:,} sessions, median of {runs} runs")
    for name, function in routes:
        seconds = median(function, runs)
        print(
            f"{name:<20} {seconds:>8.3f} s {table.num_rows / seconds:>14,.0f} sessions/s"
        )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--engines", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.engines:
        engines(args.sizes[0], args.runs)
        return
    from distributed import Client, LocalCluster

    cores = os.cpu_count() or 1
    print(f"{cores} cores; median of {args.runs} runs; sessions per second")
    growth: dict[str, list[tuple[int, float, float]]] = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            table = make_table(size)
            rows = table.num_rows
            paths = write_parts(table, folder)
            del table

            # alone on the machine first, then the routes with workers
            report(
                rows,
                "validate_cohort, one core",
                functools.partial(one_core, paths),
                args.runs,
            )
            report(
                rows,
                "pandas groupby (2 rules only)",
                functools.partial(pandas_route, paths),
                args.runs,
            )
            with (
                LocalCluster(
                    n_workers=cores,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,  # fmt: skip
                Client(cluster),
                ProcessPoolExecutor(max_workers=cores) as pool,
            ):
                report(
                    rows,
                    f"all cores ({cores} processes)",
                    functools.partial(all_cores, paths, pool),
                    args.runs,
                )
                report(
                    rows,
                    "Dask LocalCluster",
                    functools.partial(on_dask, folder),
                    args.runs,
                )
            for route in ("iopmodel", "pandas"):
                seconds, peak = peak_memory(route, folder)
                growth.setdefault(route, []).append((rows, seconds, peak))
                print(f"{rows:>11,}  {route + ' (fresh process)':<32} {seconds:>8.2f} s "
                      f"peak {peak:>8,.0f} MiB")  # fmt: skip
    for route, points in growth.items():
        if len(points) > 1:
            (n0, t0, m0), (n1, t1, m1) = points[0], points[-1]
            print(f"growth {route}: {n1 / n0:.1f}x sessions -> {t1 / t0:.1f}x time, "
                  f"{m1 / m0:.1f}x peak memory")  # fmt: skip


if __name__ == "__main__":
    main()
