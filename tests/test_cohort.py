"""Cohorts from tables: the same findings as the object path, here and on Dask."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from random import Random
from unittest import mock
from zoneinfo import ZoneInfo

import attrs
import dask.dataframe as dd
import distributed
import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_batch import RULE_SETS
from tests.test_batch import cohort_plans as plan_strategy

from iopmodel import DEFAULT_RULES, Program, RuleSet, TreatmentPlan
from iopmodel import cohort as cohort_module
from iopmodel.cli import main
from iopmodel.cohort import (
    cohort_plans,
    findings_table,
    load_programs,
    read_sessions,
    sessions_table,
    validate_cohort,
    validate_cohort_dask,
)
from iopmodel.errors import InvalidValueError
from iopmodel.examples import adolescent_iop, day_php, evening_iop
from iopmodel.serialization import to_dict
from iopmodel.simulation import Scenario, sweep
from iopmodel.strategies import DST_ZONES


def with_ids(plans: list[TreatmentPlan]) -> list[TreatmentPlan]:
    """Distinct patient ids and distinct program names (a table names programs)."""
    named: dict[Program, str] = {}
    result = []
    for number, plan in enumerate(plans):
        program = plan.program
        name = named.setdefault(program, f"program {len(named)}")
        result.append(
            attrs.evolve(
                plan, patient_id=f"p-{number}", program=attrs.evolve(program, name=name)
            )
        )
    return [p for p in result if p.sessions]


class TestSameFindings:
    @settings(max_examples=50)  # a cohort is several plans: keep CI quick
    @given(
        st.lists(plan_strategy(), min_size=1, max_size=5), st.sampled_from(RULE_SETS)
    )
    def test_table_path_equals_object_path(
        self, plans: list[TreatmentPlan], rules: RuleSet
    ) -> None:
        """Every generated cohort: the table path's findings are the object path's."""
        plans = with_ids(plans)
        table = sessions_table(plans)
        programs = {p.program.name: p.program for p in plans}
        expected = findings_table(cohort_plans(table, programs), rules)
        assert validate_cohort(table, programs, rules).equals(expected)

    @settings(max_examples=40)
    @given(st.lists(plan_strategy(), min_size=1, max_size=4), st.data())
    def test_dictionary_columns_equal_text_columns(
        self, plans: list[TreatmentPlan], data: st.DataObject
    ) -> None:
        """Text columns as dictionaries: the same findings as text columns.

        Dictionaries in any order, with unused and repeated entries (a pandas
        categorical, Parquet pages).
        """
        plans = with_ids(plans)
        table = sessions_table(plans)
        programs = {p.program.name: p.program for p in plans}
        expected = validate_cohort(table, programs)
        columns = {}
        for name in table.column_names:
            column = table.column(name)
            if name in {"patient_id", "program", "kind", "attendance"}:
                values = sorted(set(column.to_pylist()))
                extra = data.draw(
                    st.lists(st.sampled_from(["zz", *values]), max_size=3)
                )
                dictionary = data.draw(st.permutations([*values, *extra]))
                # each row takes a random one of its value's entries
                where = {
                    v: [i for i, d in enumerate(dictionary) if d == v] for v in values
                }
                indices = [
                    data.draw(st.sampled_from(where[v])) for v in column.to_pylist()
                ]
                column = pa.DictionaryArray.from_arrays(
                    pa.array(indices, pa.int16()), pa.array(dictionary)
                )
            columns[name] = column
        assert validate_cohort(pa.table(columns), programs).equals(expected)

    @settings(max_examples=40)
    @given(st.lists(plan_strategy(), min_size=1, max_size=4), st.data(), st.booleans())
    def test_dictionary_chunks_equal_the_object_path(
        self, plans: list[TreatmentPlan], data: st.DataObject, reverse: bool
    ) -> None:
        """Each chunk with a dictionary of its own, as Parquet reads: the same findings.

        Patients and programs are read as runs chunk by chunk: a patient's
        rows may span chunks, whose dictionaries differ in order and repeat
        entries; rows in reverse order take the sorting path.
        """
        plans = with_ids(plans)
        table = sessions_table(plans)
        if reverse:
            table = table.take(pa.array(range(table.num_rows - 1, -1, -1), pa.int64()))
        programs = {p.program.name: p.program for p in plans}
        expected = findings_table(cohort_plans(table, programs))
        text = {"patient_id", "program", "kind", "attendance"}
        schema = pa.schema(
            (
                f.name,
                pa.dictionary(pa.int32(), pa.string()) if f.name in text else f.type,
            )
            for f in table.schema
        )
        batches = []
        for batch in table.to_batches(max_chunksize=data.draw(st.integers(1, 9))):
            columns = []
            for field in schema:
                column = batch.column(field.name)
                if field.name in text:
                    values = sorted(set(column.to_pylist()))
                    repeated = data.draw(st.lists(st.sampled_from(values), max_size=2))
                    dictionary = data.draw(st.permutations([*values, *repeated]))
                    indices = [
                        data.draw(
                            st.sampled_from(
                                [i for i, d in enumerate(dictionary) if d == value]
                            )
                        )
                        for value in column.to_pylist()
                    ]
                    column = pa.DictionaryArray.from_arrays(
                        pa.array(indices, pa.int32()), pa.array(dictionary, pa.string())
                    )
                columns.append(column)
            batches.append(pa.RecordBatch.from_arrays(columns, schema=schema))
        chunked = pa.Table.from_batches(batches, schema=schema)
        assert validate_cohort(chunked, programs).equals(expected)

    @settings(max_examples=40)
    @given(
        st.lists(plan_strategy(), min_size=1, max_size=4),
        st.sampled_from(RULE_SETS),
        st.randoms(use_true_random=False),
    )
    def test_shuffled_rows_equal_the_object_path(
        self, plans: list[TreatmentPlan], rules: RuleSet, random: Random
    ) -> None:
        """Rows in any order (not grouped by patient): the object path's findings.

        A table written patient by patient takes a path that reads each
        patient's rows as a run; shuffled rows take the sorting path.
        """
        plans = with_ids(plans)
        table = sessions_table(plans)
        order = list(range(table.num_rows))
        random.shuffle(order)
        shuffled = table.take(pa.array(order, pa.int64()))
        programs = {p.program.name: p.program for p in plans}
        expected = findings_table(cohort_plans(shuffled, programs), rules)
        assert validate_cohort(shuffled, programs, rules).equals(expected)

    @settings(max_examples=40)
    @given(
        st.lists(plan_strategy(), min_size=1, max_size=5),
        st.sampled_from(RULE_SETS),
        st.integers(1, 60),
        st.booleans(),
    )
    def test_chunks_of_patients_equal_the_object_path(
        self, plans: list[TreatmentPlan], rules: RuleSet, rows: int, shuffle: bool
    ) -> None:
        """Patients summed a few rows' worth at a time: the same findings.

        validate_cohort sums whole patients a chunk at a time in reused
        buffers; chunks of a few rows make a chunk of every patient or two,
        and chunks that start and end inside Arrow's own chunks.
        """
        plans = with_ids(plans)
        table = sessions_table(plans)
        if shuffle:
            table = table.take(pa.array(list(range(table.num_rows))[::-1], pa.int64()))
        table = pa.Table.from_batches(
            table.to_batches(max_chunksize=7), schema=table.schema
        )
        programs = {p.program.name: p.program for p in plans}
        expected = findings_table(cohort_plans(table, programs), rules)
        with mock.patch.object(cohort_module, "_CHUNK_ROWS", rows):
            assert validate_cohort(table, programs, rules).equals(expected)

    @settings(max_examples=30)
    @given(
        st.lists(plan_strategy(), min_size=1, max_size=4), st.sampled_from(RULE_SETS)
    )
    def test_counts_without_packing_equal_the_object_path(
        self, plans: list[TreatmentPlan], rules: RuleSet
    ) -> None:
        """Counts from a bincount of their own (weeks too full to pack): the same.

        Counts ride in the minutes' weights when their bit fields fit in a
        float64; with no bits to spare they take the other path.
        """
        plans = with_ids(plans)
        table = sessions_table(plans)
        programs = {p.program.name: p.program for p in plans}
        expected = findings_table(cohort_plans(table, programs), rules)
        with mock.patch.object(cohort_module, "_PACKED_BITS", 0):
            assert validate_cohort(table, programs, rules).equals(expected)

    @settings(max_examples=30)
    @given(st.lists(plan_strategy(), min_size=1, max_size=3))
    def test_round_trip(self, plans: list[TreatmentPlan]) -> None:
        """A plan's sessions come back from its rows, in order, in the program's zone."""
        plans = with_ids(plans)
        again = cohort_plans(
            sessions_table(plans), {p.program.name: p.program for p in plans}
        )

        def rows(plan: TreatmentPlan) -> list[tuple[object, ...]]:
            return [(s.kind, s.start, s.minutes, s.attendance) for s in plan.sessions]

        assert [rows(p) for p in again] == [
            rows(p) for p in plans
        ]  # the table's columns


def small_cohort() -> list[TreatmentPlan]:
    programs = (evening_iop(), adolescent_iop(), day_php())
    return [
        TreatmentPlan.from_program(
            programs[n % 3], patient_id=f"p{n}", start=dt.date(2026, 3, 2 + n), days=50
        )
        for n in range(9)
    ]


class TestFormats:
    def test_pandas_parquet_csv_agree(self, tmp_path: Path) -> None:
        """pandas, Parquet and CSV inputs give the same findings."""
        plans = small_cohort()
        programs = [evening_iop(), adolescent_iop(), day_php()]
        table = sessions_table(plans)
        pq.write_table(table, tmp_path / "s.parquet")
        frame = table.to_pandas()
        frame["start"] = frame["start"].dt.tz_convert("America/New_York")
        csv = frame.assign(start=frame["start"].map(lambda t: t.isoformat()))
        csv.to_csv(tmp_path / "s.csv", index=False)
        expected = validate_cohort(table, programs)
        assert expected.num_rows > 0
        for source in (frame, tmp_path / "s.parquet", tmp_path / "s.csv"):
            assert validate_cohort(source, programs).equals(expected)

    def test_parquet_columns_validation_does_not_read_are_left_unread(
        self, tmp_path: Path
    ) -> None:
        """A wide export: only the sessions table's columns are read from Parquet."""
        plans = small_cohort()
        programs = [evening_iop(), adolescent_iop(), day_php()]
        table = sessions_table(plans)
        notes = pa.array(["free text a patient wrote"] * table.num_rows)
        pq.write_table(table.append_column("notes", notes), tmp_path / "s.parquet")
        with mock.patch.object(pq, "read_table", wraps=pq.read_table) as read:
            found = validate_cohort(tmp_path / "s.parquet", programs)
        assert found.equals(validate_cohort(table, programs))
        assert set(read.call_args.kwargs["columns"]) == set(table.column_names)

    def test_a_folder_of_parquet_parts(self, tmp_path: Path) -> None:
        """A folder of Parquet files (a dataset written in parts) reads as one table."""
        plans = small_cohort()
        programs = [evening_iop(), adolescent_iop(), day_php()]
        for number in range(3):
            pq.write_table(
                sessions_table(plans[3 * number : 3 * number + 3]),
                tmp_path / f"part-{number}.parquet",
            )
        expected = validate_cohort(sessions_table(plans), programs)
        assert expected.num_rows > 0
        assert validate_cohort(tmp_path, programs).equals(expected)

    @pytest.mark.parametrize(
        "name", ["missing.parquet", "missing.csv", "broken.parquet", "empty-folder"]
    )
    def test_unreadable_sources_are_refused(self, tmp_path: Path, name: str) -> None:
        """A file that is not there or not Parquet: an iopmodel error, no path echoed."""
        (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
        (tmp_path / "empty-folder").mkdir()
        with pytest.raises(InvalidValueError, match=r"^sessions:") as caught:
            read_sessions(tmp_path / name)
        assert str(tmp_path) not in str(caught.value)

    def test_programs_from_toml(self, tmp_path: Path) -> None:
        """A TOML file of [[programs]] documents."""
        path = tmp_path / "programs.toml"
        documents = [to_dict(p) for p in (evening_iop(), adolescent_iop())]
        path.write_text(tomli_w.dumps({"programs": _drop_none(documents)}))
        assert sorted(load_programs(path)) == ["Adolescent IOP", "Evening IOP"]

    @pytest.mark.parametrize(
        ("change", "where"),
        [
            ({"minutes": [0]}, "sessions[0].minutes"),
            ({"kind": ["yoga"]}, "sessions[0].kind"),
            ({"program": ["Nowhere"]}, "sessions[0].program"),
        ],
    )
    def test_bad_rows_are_named(
        self, change: dict[str, list[object]], where: str
    ) -> None:
        """A bad row is refused with its row and column."""
        frame = sessions_table(small_cohort()[:1]).to_pandas().head(1)
        for column, values in change.items():
            frame[column] = values
        with pytest.raises(InvalidValueError, match="^" + re.escape(where)):
            validate_cohort(frame, [evening_iop()])

    @pytest.mark.parametrize("shuffled", [False, True])
    def test_a_patient_in_two_programs_is_refused(self, *, shuffled: bool) -> None:
        """A patient's rows naming two programs: refused, grouped rows or not."""
        frame = sessions_table(small_cohort()[:2]).to_pandas()
        frame.loc[frame.index[3], "program"] = "Adolescent IOP"
        if shuffled:
            frame = frame.iloc[::-1]
        with pytest.raises(InvalidValueError, match=r"\.program: .*differs for p0"):
            validate_cohort(frame, [evening_iop(), adolescent_iop()])

    def test_unused_unknown_categories_are_ignored(self) -> None:
        """A categorical's unused unknown category is no row's; a used one is refused."""
        frame = sessions_table(small_cohort()[:2]).to_pandas()
        expected = validate_cohort(frame, [evening_iop(), adolescent_iop()])
        kinds = sorted({*frame["kind"], "yoga"})
        frame["kind"] = frame["kind"].astype("category").cat.set_categories(kinds)
        assert validate_cohort(frame, [evening_iop(), adolescent_iop()]).equals(
            expected
        )
        frame.loc[frame.index[5], "kind"] = "yoga"
        with pytest.raises(InvalidValueError, match=r"^sessions\[5\]\.kind"):
            validate_cohort(frame, [evening_iop(), adolescent_iop()])

    def test_unknown_kind_in_a_later_chunk_names_its_row(self) -> None:
        """Dictionary chunks are checked one by one; the row named is the table's."""
        table = sessions_table(small_cohort()[:2])
        kinds = table.column("kind").to_pylist()
        kinds[12] = "yoga"
        chunks = [
            pa.array(part, pa.string()).dictionary_encode()
            for part in (kinds[:10], kinds[10:])
        ]
        table = table.set_column(4, "kind", pa.chunked_array(chunks))
        with pytest.raises(InvalidValueError, match=r"^sessions\[12\]\.kind"):
            read_sessions(table)

    @pytest.mark.parametrize("minutes", [0, 721])
    def test_minutes_out_of_bounds_name_the_row(self, minutes: int) -> None:
        """Minutes outside 1 to 720 anywhere in the table: the first such row is named."""
        frame = sessions_table(small_cohort()[:2]).to_pandas()
        frame.loc[frame.index[[7, 9]], "minutes"] = minutes
        with pytest.raises(InvalidValueError, match=r"^sessions\[7\]\.minutes"):
            validate_cohort(frame, [evening_iop(), adolescent_iop()])

    def test_naive_starts_are_refused(self) -> None:
        """Time is explicit: naive starts are an error."""
        frame = sessions_table(small_cohort()[:1]).to_pandas()
        frame["start"] = frame["start"].dt.tz_localize(None)
        with pytest.raises(InvalidValueError, match="timezone-aware"):
            read_sessions(frame)


def _drop_none(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    """A small LocalCluster with two worker processes."""
    with (
        # generous timeouts: a loaded CI machine starts processes slowly
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            timeout="120s",
        ) as cluster,
        distributed.Client(cluster, timeout="120s") as dask_client,
    ):
        yield dask_client


class TestDask:
    @pytest.mark.usefixtures("client")
    def test_cohort_on_a_cluster(self) -> None:
        """Partitioned by patient on worker processes: the same findings."""
        plans = small_cohort()
        programs = [evening_iop(), adolescent_iop(), day_php()]
        table = sessions_table(plans)
        parts = dd.from_pandas(table.to_pandas(), npartitions=3, sort=False).shuffle(
            "patient_id"
        )
        found = validate_cohort_dask(parts, programs).compute()
        # text as strings on Dask (each partition would have its own categories)
        expected = validate_cohort(table, programs).to_pandas().astype(found.dtypes)
        key = ["patient_id", "rule_id", "message"]
        assert (
            found.sort_values(key)
            .reset_index(drop=True)
            .equals(expected.sort_values(key).reset_index(drop=True))
        )

    def test_sweep_on_a_cluster(self, client: distributed.Client) -> None:
        """A sweep on the cluster's executor gives the single-machine results."""
        base = Scenario(
            programs=[evening_iop()],
            referrals_per_week=2,
            horizon_days=200,
            warmup_days=20,
        )
        scenarios = [base, attrs.evolve(base, referrals_per_week=3)]
        here = sweep(scenarios, seed=5)
        there = sweep(scenarios, seed=5, executor=client.get_executor())
        assert [r.records for r in there] == [r.records for r in here]
        assert scenarios[0].rules == DEFAULT_RULES


class TestCommandLine:
    def test_validate_cohort_writes_the_findings_table(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``iopmodel validate --cohort S --programs P -o F`` writes the table; exit 1 on errors."""
        plans = small_cohort()
        short = plans[0].cancel_session(plans[0].sessions[8])  # a week below the floor
        plans = [short, *plans[1:]]
        programs = [evening_iop(), adolescent_iop(), day_php()]
        pq.write_table(sessions_table(plans), tmp_path / "sessions.parquet")
        (tmp_path / "programs.toml").write_text(
            tomli_w.dumps({"programs": _drop_none([to_dict(p) for p in programs])})
        )
        expected = validate_cohort(sessions_table(plans), programs)
        assert capsys.readouterr().err == ""  # no progress bar from a library call
        for name in ("findings.csv", "findings.parquet"):
            status = main(["validate", "--cohort", str(tmp_path / "sessions.parquet"),
                           "--programs", str(tmp_path / "programs.toml"),
                           "-o", str(tmp_path / name)])  # fmt: skip
            assert status == 1
            read = (
                pq.read_table(tmp_path / name)
                if name.endswith(".parquet")
                else pcsv.read_csv(tmp_path / name)
            )
            assert (
                read.column("message").to_pylist()
                == expected.column("message").to_pylist()
            )
        err = capsys.readouterr().err
        assert "errors" in err
        assert "rules:" in err  # the command line shows the progress bar

    def test_cohort_needs_programs(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--cohort without --programs is a usage error."""
        assert main(["validate", "--cohort", "x.parquet"]) == 2
        assert "--programs" in capsys.readouterr().err


# Lord Howe changes by 30 minutes, Newfoundland at 02:00 local (not a UTC hour),
# Chatham at a 45-minute offset, Tehran (to 2022) at local midnight in the
# middle of a UTC hour: hours with a change are the ones to get right.
ODD_ZONES = (
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Pacific/Chatham",
    "Asia/Tehran",
)


def _transition_instants() -> list[dt.datetime]:
    """Every UTC instant, at minute steps within a day, where a zone changes offset."""
    found = []
    for key in (*DST_ZONES, *ODD_ZONES):
        zone = ZoneInfo(key)
        moment = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
        while moment.year < 2028:
            after = moment + dt.timedelta(days=1)
            if (
                moment.astimezone(zone).utcoffset()
                != after.astimezone(zone).utcoffset()
            ):
                step = moment
                while (
                    step.astimezone(zone).utcoffset()
                    == moment.astimezone(zone).utcoffset()
                ):
                    step += dt.timedelta(minutes=1)
                found.append(step)
            moment = after
    return found


TRANSITIONS = _transition_instants()


class TestLocalDays:
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(range(len(DST_ZONES) + len(ODD_ZONES))),
                st.one_of(
                    st.sampled_from(TRANSITIONS),
                    st.datetimes(
                        dt.datetime(2019, 1, 1),
                        dt.datetime(2027, 12, 31),
                        timezones=st.just(dt.UTC),
                    ),
                ),
                st.integers(-120, 120),
            ),
            min_size=1,
            max_size=30,
        ),
        st.booleans(),
    )
    def test_every_instant_lands_on_its_local_day(
        self, rows: list[tuple[int, dt.datetime, int]], row_by_row: bool
    ) -> None:
        """The hour table gives each instant's local day, also next to a change."""
        zones = [*DST_ZONES, *ODD_ZONES]
        instants = [moment + dt.timedelta(minutes=shift) for _, moment, shift in rows]
        micros = np.array(
            [(m - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
             for m in instants],
            dtype=np.int64,
        )  # fmt: skip
        zone_of_row = np.array([z for z, _, _ in rows], dtype=np.int64)
        if row_by_row:  # the path for tables spanning too many hours
            days = cohort_module._exact_days(
                micros, zone_of_row, zones, np.ones(len(rows), bool)
            )
        elif len(set(zone_of_row.tolist())) == 1:  # one zone: given once
            days = cohort_module._local_days(micros, int(zone_of_row[0]), zones)
        else:
            days = cohort_module._local_days(micros, zone_of_row, zones)
        assert days.tolist() == [
            m.astimezone(ZoneInfo(zones[z])).date().toordinal()
            for m, (z, _, _) in zip(instants, rows, strict=True)
        ]

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(range(len(DST_ZONES) + len(ODD_ZONES))),
                st.sampled_from(TRANSITIONS),
                st.integers(-120, 120),
            ),
            min_size=1,
            max_size=30,
        )
    )
    def test_byte_zones_and_reused_buffers_give_the_same_days(
        self, rows: list[tuple[int, dt.datetime, int]]
    ) -> None:
        """One-byte zone numbers and reused buffers (as validate_cohort passes)."""
        zones = [*DST_ZONES, *ODD_ZONES]
        micros = np.array(
            [((m + dt.timedelta(minutes=shift)) - dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
             // dt.timedelta(microseconds=1) for _, m, shift in rows],
            dtype=np.int64,
        )  # fmt: skip
        zone_of_row = np.array([z for z, _, _ in rows], dtype=np.int64)
        expected = cohort_module._local_days(micros, zone_of_row, zones).tolist()
        out = np.full(len(rows), -7, dtype=np.int64)
        scratch = np.full(len(rows), 99, dtype=np.int64)
        days = cohort_module._local_days(
            micros, zone_of_row.astype(np.int8), zones, out=out, scratch=scratch
        )
        assert days.tolist() == expected

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(range(len(DST_ZONES) + len(ODD_ZONES))),
                st.sampled_from(TRANSITIONS),
            ),
            min_size=1,
            max_size=30,
        ),
        st.lists(st.integers(0, 10), max_size=4),
        st.tuples(st.integers(0, 30), st.integers(0, 30)),
    )
    def test_a_slice_of_chunks_with_the_whole_tables_hours(
        self,
        rows: list[tuple[int, dt.datetime]],
        cuts: list[int],
        ends: tuple[int, int],
    ) -> None:
        """Rows read across Arrow chunks, days from an hour table made for all rows.

        validate_cohort reads a chunk of patients' rows at a time, from
        wherever Arrow holds them, and makes the table of hours once.
        """
        zones = [*DST_ZONES, *ODD_ZONES]
        micros = np.array(
            [(m - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
             for _, m in rows],
            dtype=np.int64,
        )  # fmt: skip
        zone_of_row = np.array([z for z, _ in rows], dtype=np.int8)
        start, end = sorted(min(e, len(rows)) for e in ends)
        bounds = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
        column = pa.chunked_array(
            [pa.array(micros[a:b]) for a, b in pairwise(bounds)]
            + [pa.array([], pa.int64())],  # an empty chunk too
            pa.int64(),
        )
        out = np.full(len(rows), -1, dtype=np.int64)
        part = cohort_module._rows(column, start, end, out)
        assert part.tolist() == micros[start:end].tolist()
        if start == end:
            return
        hours = cohort_module._Hours.spanning(
            int(micros.min()), int(micros.max()), zones
        )
        expected = cohort_module._local_days(
            micros[start:end], zone_of_row[start:end], zones
        ).tolist()
        days = cohort_module._local_days(
            part,
            zone_of_row[start:end],
            zones,
            out=np.empty(end - start, np.int64),
            scratch=np.empty(end - start, np.int64),
            hours=hours,
        )
        assert days.tolist() == expected


@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(-(2**40), 2**40)), max_size=20)
)
def test_spread_equals_repeat(groups: list[tuple[int, int]]) -> None:
    """Values spread over runs of rows in a reused buffer equal ``numpy.repeat``."""
    sizes = np.array([size for size, _ in groups], dtype=np.int64)
    values = np.array([value for _, value in groups], dtype=np.int64)
    edges = np.cumsum(sizes) - sizes
    out = np.full(int(sizes.sum()), 3, dtype=np.int64)
    spread = cohort_module._spread(np, values, edges, out=out)
    assert spread.tolist() == np.repeat(values, sizes).tolist()


def test_errors_about_a_whole_table_name_no_value() -> None:
    """An unreadable source says what is wrong without a ", got ..." it cannot show."""
    with pytest.raises(InvalidValueError) as caught:
        read_sessions(Path("missing.parquet"))
    assert str(caught.value) == "sessions: cannot be read as a table"
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert str(copy) == str(caught.value)
    assert copy.value is caught.value.value
