"""Cohorts from tables: validate a sessions table with the rules of the object path.

Researchers' data lives in tables. :func:`validate_cohort` validates a whole
cohort given as a *sessions table* — from pandas, Arrow, Parquet or CSV — and
the programs the patients attend, and returns the findings as a table: the
same findings, with the same messages, that :func:`~iopmodel.rules.validate`
reports for each patient's plan (see :func:`cohort_plans` for the plan each
patient's rows stand for). The ``cohort`` extra installs what it needs
(``pip install "iopmodel[cohort]"``: pyarrow and numpy).

The sessions table has one row per session:

=============== ===========================================================
column          meaning
=============== ===========================================================
``patient_id``  opaque patient identifier (string)
``program``     the name of the patient's program (one per patient)
``start``       timezone-aware start (an Arrow timestamp with a time zone)
``minutes``     whole minutes, 1 to 720 (or ``duration``, an Arrow duration)
``kind``        a :class:`~iopmodel.sessions.SessionKind` value
``attendance``  an :class:`~iopmodel.sessions.Attendance` value (optional;
                ``scheduled`` when absent)
=============== ===========================================================

Each patient's plan starts on the local day of their first session and has no
planned discharge, reviews or discharge: exactly the
:class:`~iopmodel.plans.TreatmentPlan` that :func:`cohort_plans` builds.

**Engine.** Numpy over Arrow, chosen by measurement
(``benchmarks/cohort.py --engines``): Arrow converts each program's starts to
local days (``pyarrow.compute.local_timestamp``), numpy sums every patient-week
with ``bincount`` over integer keys, and the weekly rules compare integer
columns with limits precomputed from the standard. Only flagged weeks get a
message, made once per distinct set of numbers by the rule's own message
function. Polars and DuckDB were as fast or slower on the weekly sums on one
core, and each is a larger dependency; pyarrow is needed anyway to read
Parquet. Rules of your own (and HRS003 for patients with non-program hours)
take the object path for the patients concerned.

**Beyond one machine.** :func:`validate_cohort_dask` runs the same function
on each partition of a Dask DataFrame partitioned by patient.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

from iopmodel._progress import progress as _progress
from iopmodel._validators import (
    check_arg,
    collection_of,
    instance_of,
    non_empty_str,
    optional_instance_of,
)
from iopmodel.errors import (
    _WITHHELD,
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
)
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.reports import Finding
from iopmodel.rules.batch import (
    _COURSE,
    _EXCLUDED,
    _HOURS,
    _PATTERN,
    _PROGRAM_PRECONDITIONS,
    _RECORD,
    _SESSIONS,
    _Batch,
    validate_many,
    week_template,
)
from iopmodel.rules.engine import RuleSet, Subject, _week_label
from iopmodel.rules.record import _READS_SESSIONS, _RECORD_PRECONDITIONS
from iopmodel.sessions import MAX_SESSION_DURATION, Attendance, Session, SessionKind
from iopmodel.weeks import WeekSummary

__all__ = [
    "FINDING_COLUMNS",
    "cohort_plans",
    "findings_table",
    "load_programs",
    "read_sessions",
    "sessions_table",
    "validate_cohort",
    "validate_cohort_dask",
]

#: The columns of the findings table, in order.
FINDING_COLUMNS: Final = (
    "patient_id",
    "rule_id",
    "severity",
    "message",
    "week",
    "path",
    "source",
)
#: The findings table's text columns with a few distinct values: dictionary-encoded.
_CODED: Final = frozenset({"rule_id", "severity", "message", "path", "source"})
_KINDS: Final = [kind.value for kind in SessionKind]
_ATTENDANCES: Final = [a.value for a in Attendance]
_TEXT: Final = frozenset({"patient_id", "program", "kind", "attendance"})
#: The columns of a sessions table that validation reads.
_READ: Final = _TEXT | {"start", "minutes", "duration"}
_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
_MAX_MINUTES: Final = MAX_SESSION_DURATION // dt.timedelta(minutes=1)
_MINUTE_US: Final = 60_000_000
_HOUR_US: Final = 3_600_000_000
_DAY_US: Final = 86_400_000_000
#: UTC offsets tabled (hours spanned times zones; 8 MB) before rows are
#: converted one by one instead.
_HOUR_CELLS: Final = 1_000_000
#: The local day of an hour in which the UTC offset changes (rows in it are
#: converted one by one).
_CHANGING: Final = -(2**62)
# a row's minutes class (see _row_classes); program minutes are classes 1 to 3
_NO_CLASS: Final = 0
_ATTENDED_CLASS: Final = 1
_PENDING_CLASS: Final = 2
_OTHER_CLASS: Final = 3
_EXCLUDED_CLASS: Final = 4
_MINUTE_CLASSES: Final = 5
#: Bits of a float64 that hold a whole number exactly: weights packing minutes
#: and counts into one bincount use at most this many.
_PACKED_BITS: Final = 53


def _arrow() -> Any:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("cohort", "pyarrow") from None
    return pa


def _numpy() -> Any:
    try:
        import numpy as np  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("cohort", "numpy") from None
    return np


# -- input ----------------------------------------------------------------------


def read_sessions(source: Any) -> Any:
    """A sessions table as an Arrow table, from pandas, Arrow, polars, Parquet or CSV.

    Args:
        source: A ``pyarrow.Table``, a pandas or polars DataFrame, or the path
            of a ``.parquet`` or ``.csv`` file (CSV starts are ISO 8601 with
            an offset, such as ``2026-03-02T18:00:00-05:00``).

    Raises:
        InvalidValueError: A missing column, a naive start, a duration that is
            not whole minutes between 1 and 720, an unknown kind or attendance.

    Example:
        >>> import pandas as pd
        >>> from iopmodel.cohort import read_sessions
        >>> frame = pd.DataFrame({
        ...     "patient_id": ["p1"], "program": ["Evening IOP"],
        ...     "start": pd.to_datetime(["2026-03-02T18:00:00-05:00"]),
        ...     "minutes": [180], "kind": ["group_therapy"]})
        >>> table = read_sessions(frame)
        >>> table.column_names
        ['patient_id', 'program', 'start', 'minutes', 'kind', 'attendance']
        >>> table.column("attendance").to_pylist()
        ['scheduled']
    """
    pa = _arrow()
    table = _as_arrow(source, pa)
    return _normalize(table, pa)


def _as_arrow(source: Any, pa: Any) -> Any:
    if isinstance(source, pa.Table):
        return source
    if isinstance(source, str | Path):
        path = Path(source)
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                import pyarrow.csv as pcsv  # noqa: PLC0415

                options = pcsv.ConvertOptions(column_types={"start": pa.string()})
                return pcsv.read_csv(path, convert_options=options)
            if suffix == ".parquet" or (not suffix and path.is_dir()):
                import pyarrow.parquet as pq  # noqa: PLC0415

                # only the columns validation reads (a wide export may hold
                # many more); text stays dictionary-encoded: ten times faster
                names = set(pq.read_schema(_first_part(path)).names)
                return pq.read_table(
                    path,
                    columns=sorted(names & _READ),
                    read_dictionary=sorted(names & _TEXT),
                )
        except (OSError, pa.ArrowException):
            raise InvalidValueError(
                "sessions", _WITHHELD, "cannot be read as a table"
            ) from None
        raise InvalidValueError(
            "sessions",
            _WITHHELD,
            "must be a .parquet or .csv file, or a folder of .parquet",
        )
    if hasattr(source, "to_arrow"):  # polars
        return source.to_arrow()
    if hasattr(source, "to_numpy") and hasattr(source, "columns"):  # pandas
        return pa.Table.from_pandas(source, preserve_index=False)
    raise InvalidValueError(
        "sessions", type(source).__name__, "must be a table, a DataFrame or a path"
    )


def _first_part(path: Path) -> Path:
    """The file whose schema a Parquet source has (the first part of a directory)."""
    if not path.is_dir():
        return path
    parts = sorted(path.glob("*.parquet"))
    if not parts:
        raise InvalidValueError("sessions", _WITHHELD, "has no .parquet files")
    return parts[0]


def _encoded(column: Any, name: str, pa: Any) -> Any:
    """A text column as one dictionary array of distinct strings (``int32`` codes).

    Dictionary columns (Parquet, pandas categoricals) keep their codes, so
    only the dictionary is read; plain strings are encoded once.
    """
    try:
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries().combine_chunks()
            values = column.dictionary.cast(pa.string())
            distinct = values.dictionary_encode()
            indices = column.indices
            if len(distinct.dictionary) < len(values):  # repeated or null entries
                indices = distinct.indices.take(indices)
            return pa.DictionaryArray.from_arrays(
                indices.cast(pa.int32()), distinct.dictionary
            )
        encoded = column.cast(pa.string()).combine_chunks().dictionary_encode()
        return pa.DictionaryArray.from_arrays(
            encoded.indices.cast(pa.int32()), encoded.dictionary
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        raise InvalidValueError(f"sessions.{name}", _WITHHELD, "must be text") from None


def _codes(column: Any, values: Any, np: Any) -> Any:
    """Each row's index in *values* (``-1`` for other values and nulls), as numpy."""
    import pyarrow.compute as pc  # noqa: PLC0415

    mapping = pc.index_in(column.dictionary, value_set=values).fill_null(-1)
    codes = np.asarray(column.indices.fill_null(0), dtype=np.int64)
    found = np.asarray(mapping, dtype=np.int64)[codes] if len(mapping) else codes
    if column.null_count:
        found[np.asarray(column.is_null(), dtype=bool)] = -1
    return found


def _normalize(table: Any, pa: Any) -> Any:
    import pyarrow.compute as pc  # noqa: PLC0415

    names = set(table.column_names)
    for column in ("patient_id", "program", "start", "kind"):
        if column not in names:
            raise InvalidValueError(
                f"sessions.{column}", _WITHHELD, "is a required column"
            )
    start = table.column("start")
    if pa.types.is_string(start.type) or pa.types.is_large_string(start.type):
        try:
            start = pc.strptime(start, format="%Y-%m-%dT%H:%M:%S%z", unit="us")
        except pa.ArrowInvalid:
            raise InvalidValueError(
                "sessions.start", _WITHHELD, "must be ISO 8601 with an offset"
            ) from None
    if not pa.types.is_timestamp(start.type) or start.type.tz is None:
        raise InvalidValueError(
            "sessions.start", str(start.type), "must be timezone-aware timestamps"
        )
    start = start.cast(pa.timestamp("us", tz="UTC"))
    if "minutes" in names:
        minutes = table.column("minutes").cast(pa.int64())
    elif "duration" in names:
        micros = table.column("duration").cast(pa.duration("us")).cast(pa.int64())
        if not pc.all(
            pc.equal(
                pc.divide(micros, _MINUTE_US),
                pc.divide(pc.cast(micros, pa.float64()), float(_MINUTE_US)),
            )
        ).as_py():
            raise InvalidValueError(
                "sessions.duration", _WITHHELD, "must be whole minutes"
            )
        minutes = pc.divide(micros, _MINUTE_US)
    else:
        raise InvalidValueError("sessions.minutes", _WITHHELD, "is a required column")
    # one pass for the bounds; the rows are looked at only when one is out
    bounds = pc.min_max(minutes).as_py()
    if minutes.null_count or (
        bounds["min"] is not None
        and (bounds["min"] < 1 or bounds["max"] > _MAX_MINUTES)
    ):
        bad = pc.or_(pc.less(minutes, 1), pc.greater(minutes, _MAX_MINUTES))
        _refuse(bad, "minutes", f"must be 1 to {_MAX_MINUTES} minutes")
    np = _numpy()
    kind = _categories(table.column("kind"), "kind", _KINDS, "unknown kind")
    if "attendance" in names:
        attendance = _categories(
            table.column("attendance"), "attendance", _ATTENDANCES, "unknown attendance"
        )
    else:
        attendance = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(table.num_rows, dtype=np.int32)), pa.array(["scheduled"])
        )
    text = {
        name: _categories(table.column(name), name)
        for name in ("patient_id", "program")
    }
    for name, column in text.items():
        if column.null_count:
            _refuse(column.is_null(), name, "must not be empty")
    if start.null_count:
        _refuse(pc.is_null(start), "start", "must not be empty")
    return pa.table(
        {
            "patient_id": text["patient_id"],
            "program": text["program"],
            "start": start,
            "minutes": minutes,
            "kind": kind,
            "attendance": attendance,
        }
    )


def _categories(
    column: Any, name: str, values: list[str] | None = None, problem: str = ""
) -> Any:
    """A text column as dictionary chunks (each with its own dictionary).

    Dictionary columns (Parquet, pandas categoricals) keep their chunks: no
    chunk is copied, and with *values* each chunk's dictionary is checked
    (and its rows only to name a bad one, as *problem*). Other columns, and
    dictionaries with null entries, are encoded once (see :func:`_encoded`).
    """
    pa = _arrow()
    if not pa.types.is_dictionary(column.type) or any(
        chunk.dictionary.null_count for chunk in column.chunks
    ):
        encoded = _encoded(column, name, pa)
        if values is not None:
            _refuse_unknown(encoded, values, name, problem)
        return pa.chunked_array([encoded])
    chunks = []
    at = 0
    for chunk in column.chunks:
        try:
            text = chunk.dictionary.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise InvalidValueError(
                f"sessions.{name}", _WITHHELD, "must be text"
            ) from None
        checked = pa.DictionaryArray.from_arrays(chunk.indices, text)
        if values is not None:
            _refuse_unknown(checked, values, name, problem, offset=at)
        chunks.append(checked)
        at += len(chunk)
    index_type = column.type.index_type
    return pa.chunked_array(chunks, pa.dictionary(index_type, pa.string()))


def _refuse_unknown(
    column: Any, values: list[str], name: str, problem: str, *, offset: int = 0
) -> None:
    """Refuse the first row (a dictionary array's) whose value is not one of *values*.

    Only the dictionary is looked at unless it holds an unknown entry (or the
    column a null): then the rows are, to name the first one that uses it.
    """
    pa = _arrow()
    import pyarrow.compute as pc  # noqa: PLC0415

    if (
        column.null_count
        or pc.index_in(column.dictionary, value_set=pa.array(values)).null_count
    ):
        _refuse(_codes(column, pa.array(values), _numpy()) < 0, name, problem, offset)


def _refuse(mask: Any, column: str, problem: str, offset: int = 0) -> None:
    """Refuse the first row where *mask* (Arrow, nulls count, or numpy) is true."""
    np = _numpy()
    if not isinstance(mask, np.ndarray):
        import pyarrow.compute as pc  # noqa: PLC0415

        mask = np.asarray(pc.fill_null(mask, True), dtype=bool)  # noqa: FBT003
    if mask.any():
        row = offset + int(np.argmax(mask))
        raise InvalidValueError(f"sessions[{row}].{column}", _WITHHELD, problem)


def load_programs(
    source: Mapping[str, Program] | Iterable[Program] | str | Path,
) -> dict[str, Program]:
    """Programs by name: from a mapping, programs, or a TOML file of ``[[programs]]``.

    The TOML file holds one ``[[programs]]`` table per program, each a program
    document as :func:`~iopmodel.serialization.to_dict` writes it.

    Raises:
        InvalidValueError: Two programs with the same name.
        DocumentError: A program document with problems, with their paths.

    Example:
        >>> from iopmodel.cohort import load_programs
        >>> from iopmodel.examples import adolescent_iop, evening_iop
        >>> sorted(load_programs([evening_iop(), adolescent_iop()]))
        ['Adolescent IOP', 'Evening IOP']
    """
    check_arg(instance_of((Mapping, Iterable, os.PathLike)), "programs", source)
    if isinstance(source, str | os.PathLike):
        from iopmodel.serialization import (  # noqa: PLC0415
            DEFAULT_LIMITS,
            _toml_file,
            from_dict,
        )

        if isinstance(source, str):
            check_arg(non_empty_str, "programs", source)
        document = _toml_file(source, DEFAULT_LIMITS)
        entries = document.get("programs")
        if not isinstance(entries, list):
            raise InvalidValueError(
                "programs", str(source), "needs [[programs]] tables"
            )
        source = [from_dict(entry, Program) for entry in entries]
    if isinstance(source, Mapping):
        for name, program in source.items():
            check_arg(instance_of(str), "programs", name)
            check_arg(instance_of(Program), "programs", program)
        return dict(source)
    programs: dict[str, Program] = {}
    for index, program in enumerate(source):
        if not isinstance(program, Program):
            raise InvalidValueError(f"programs[{index}]", program, "must be a Program")
        if program.name in programs:
            raise InvalidValueError(
                f"programs[{index}].name", program.name, "is given twice"
            )
        programs[program.name] = program
    return programs


# -- the object path ------------------------------------------------------------------


def sessions_table(plans: Iterable[TreatmentPlan]) -> Any:
    """The sessions of *plans* as a sessions table (the inverse of :func:`cohort_plans`).

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.cohort import sessions_table
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p1",
        ...                                   start=dt.date(2026, 3, 2), days=7)
        >>> sessions_table([plan]).num_rows
        4
    """
    found: tuple[TreatmentPlan, ...] = collection_of(TreatmentPlan, "plans", plans)
    pa = _arrow()
    rows: dict[str, list[Any]] = {name: [] for name in (
        "patient_id", "program", "start", "minutes", "kind", "attendance")}  # fmt: skip
    for plan in found:
        for session in plan.sessions:
            rows["patient_id"].append(plan.patient_id)
            rows["program"].append(plan.program.name)
            rows["start"].append(session.start.astimezone(dt.UTC))
            rows["minutes"].append(session.minutes)
            rows["kind"].append(session.kind.value)
            rows["attendance"].append(session.attendance.value)
    return pa.table(
        {
            "patient_id": pa.array(rows["patient_id"], pa.string()),
            "program": pa.array(rows["program"], pa.string()),
            "start": pa.array(rows["start"], pa.timestamp("us", tz="UTC")),
            "minutes": pa.array(rows["minutes"], pa.int64()),
            "kind": pa.array(rows["kind"], pa.string()),
            "attendance": pa.array(rows["attendance"], pa.string()),
        }
    )


def cohort_plans(sessions: Any, programs: Any) -> list[TreatmentPlan]:
    """The plan each patient's rows stand for, in order of first appearance.

    A plan in the patient's program, starting on the local day of the first
    session, with the patient's sessions and nothing else. Validating these
    with :func:`~iopmodel.rules.batch.validate_many` gives the findings
    :func:`validate_cohort` returns.

    Raises:
        InvalidValueError: A patient in two programs, or an unknown program.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.cohort import cohort_plans, sessions_table
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p1",
        ...                                   start=dt.date(2026, 3, 2), days=14)
        >>> (again,) = cohort_plans(sessions_table([plan]), [evening_iop()])
        >>> again.sessions == plan.sessions, again.start
        (True, datetime.date(2026, 3, 2))
    """
    table = read_sessions(sessions)
    known = load_programs(programs)
    by_patient: dict[str, tuple[Program, list[Session]]] = {}
    columns = [table.column(n).to_pylist() for n in table.column_names]
    for row, (patient, name, start, minutes, kind, attendance) in enumerate(
        zip(*columns, strict=True)
    ):
        program = _program(known, name, row)
        entry = by_patient.setdefault(patient, (program, []))
        if entry[0] is not program:
            raise InvalidValueError(
                f"sessions[{row}].program", name, f"differs for {patient}"
            )
        entry[1].append(
            Session(
                kind=SessionKind(kind),
                start=start.astimezone(program.timezone),
                duration=dt.timedelta(minutes=minutes),
                attendance=Attendance(attendance),
            )
        )
    plans = []
    for patient, (program, items) in by_patient.items():
        first = min(s.start for s in items).date()
        plans.append(
            TreatmentPlan(
                patient_id=patient, program=program, start=first, sessions=items
            )
        )
    return plans


def _program(known: Mapping[str, Program], name: str, row: int) -> Program:
    program = known.get(name)
    if program is None:
        raise InvalidValueError(
            f"sessions[{row}].program", name, f"is not one of {sorted(known)}"
        )
    return program


def findings_table(plans: Iterable[TreatmentPlan], rules: RuleSet | None = None) -> Any:
    """The object path's findings as a findings table (what :func:`validate_cohort` returns).

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.cohort import findings_table
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p1",
        ...                                   start=dt.date(2026, 3, 4), days=30)
        >>> findings_table([plan]).column("rule_id").to_pylist()
        ['HRS001', 'LEN001']
    """
    found: tuple[TreatmentPlan, ...] = collection_of(TreatmentPlan, "plans", plans)
    rows: list[tuple[str, Finding]] = []
    for plan, report in zip(found, validate_many(found, rules), strict=True):
        rows.extend((plan.patient_id, finding) for finding in report)
    return _table_of([p for p, _ in rows], [f for _, f in rows])


def _table_of(patients: list[str], findings: list[Finding]) -> Any:
    """The findings table of *findings*, each row's patient given (see :func:`_coded`)."""
    np, pa = _numpy(), _arrow()
    table = _text_of(patients, findings)
    every = np.arange(table.num_rows)
    return pa.Table.from_arrays(
        [
            _coded(column, every) if name in _CODED else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        ],
        names=table.column_names,
    )


def _coded(values: Any, which: Any) -> Any:
    """``values[which[i]]`` for each row *i*, dictionary-encoded (a few distinct texts).

    The dictionary holds the distinct values in sorted order and a null value
    is a null row, so two columns with the same rows are equal arrays however
    they were made (the table path's equal the object path's).

    Example:
        >>> import numpy as np, pyarrow as pa
        >>> column = _coded(pa.array(["b", None, "a", "b"]), np.array([0, 3, 2, 1]))
        >>> column.to_pylist(), column.dictionary.to_pylist()
        (['b', 'b', 'a', None], ['a', 'b'])
    """
    np, pa = _numpy(), _arrow()
    import pyarrow.compute as pc  # noqa: PLC0415

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    distinct = pc.unique(values.drop_null())
    dictionary = distinct.take(pc.sort_indices(distinct))
    rank = _index_in(values, dictionary).to_numpy(zero_copy_only=False)
    codes = rank.astype(np.int32)[which] if len(rank) else np.zeros(0, np.int32)
    null = codes < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, pa.int32(), mask=null if null.any() else None), dictionary
    )


def _text_of(patients: list[str], findings: list[Finding]) -> Any:
    """The columns of the findings table, all text as strings."""
    pa = _arrow()
    return pa.table(
        {
            "patient_id": pa.array(patients, pa.string()),
            "rule_id": pa.array([f.rule_id for f in findings], pa.string()),
            "severity": pa.array([f.severity.value for f in findings], pa.string()),
            "message": pa.array([f.message for f in findings], pa.string()),
            "week": pa.array([f.week for f in findings], pa.date32()),
            "path": pa.array([f.path for f in findings], pa.string()),
            "source": pa.array(
                [None if f.citation is None else f.citation.key for f in findings],
                pa.string(),
            ),
        }
    )


# -- the table path -------------------------------------------------------------------


def validate_cohort(
    sessions: Any,
    programs: Mapping[str, Program] | Iterable[Program] | str | Path,
    rules: RuleSet | None = None,
    *,
    progress: bool = False,
) -> Any:
    """Validate a cohort given as a sessions table; return the findings table.

    The same findings, in the same order (patients by first appearance, then
    rules, then weeks), as validating :func:`cohort_plans` one by one.

    Args:
        sessions: The sessions table (see the module documentation), or a path.
        programs: The programs by name (a mapping, programs, or a TOML file).
        rules: The rule set; :data:`~iopmodel.rules.catalogue.DEFAULT_RULES` by default.
        progress: Show a progress bar over the rules (``progress`` extra).

    Returns:
        A ``pyarrow.Table`` with :data:`FINDING_COLUMNS`. The text columns
        with a few distinct values (``rule_id``, ``severity``, ``message``,
        ``path``, ``source``) are dictionary-encoded, their dictionaries
        sorted: a million findings hold a few thousand distinct messages, and
        ``to_pandas()`` makes them categoricals.

    Raises:
        InvalidValueError: Bad rows (named by row and column), a patient in
            two programs, an unknown program.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.cohort import (cohort_plans, findings_table, sessions_table,
        ...                              validate_cohort)
        >>> from iopmodel.examples import adolescent_iop, evening_iop
        >>> programs = [evening_iop(), adolescent_iop()]
        >>> plans = [TreatmentPlan.from_program(program, patient_id=f"p{n}",
        ...                                     start=dt.date(2026, 3, 2 + n), days=40)
        ...          for n, program in enumerate(programs)]
        >>> sessions = sessions_table(plans)
        >>> table = validate_cohort(sessions, programs)
        >>> table.column("rule_id").to_pylist()
        ['LEN001', 'LEN001']
        >>> table.equals(findings_table(cohort_plans(sessions, programs)))
        True
    """
    from iopmodel.rules.catalogue import DEFAULT_RULES  # noqa: PLC0415

    rules = DEFAULT_RULES if rules is None else rules
    table = read_sessions(sessions)
    known = load_programs(programs)
    return _Cohort(table, known, rules).findings(progress=progress)


class _Cohort:
    """A normalized sessions table turned into patient-week columns (numpy)."""

    def __init__(
        self, table: Any, programs: Mapping[str, Program], rules: RuleSet
    ) -> None:
        import pyarrow.compute as pc  # noqa: PLC0415

        np = _numpy()
        pa = _arrow()
        self.np, self.pa, self.pc = np, pa, pc
        self.table, self.programs, self.rules = table, programs, rules
        self.batch = _Batch(rules, None)
        self._windows: tuple[list[Subject], Any] | None = None
        patient, self.patient_names, by_patient, edges = _first_appearance(
            np, table.column("patient_id")
        )
        patients = len(self.patient_names)
        program_of, program_names = self._programs(
            table.column("program"), patient, edges
        )
        self.program_list = [programs[name] for name in program_names]
        self.program_of = program_of
        rows = table.num_rows
        columns = table.select(["start", "minutes", "kind", "attendance"])
        if by_patient is not None:  # rows not grouped by patient: grouped once
            columns = columns.take(by_patient)
        # where each patient's rows end
        ends = np.r_[edges[1:], rows][:patients].astype(np.int64)
        most_rows = int(np.diff(ends, prepend=0).max()) if patients else 0
        classes = _Classes(self.batch, columns, most_rows)
        self.counted = classes.counted
        # what a flagged week keeps (its patient, label and program, and its
        # numbers), as narrow as the values allow
        minutes, count = _fitting(np, most_rows * _MAX_MINUTES), _fitting(np, most_rows)
        self._kept_types = {
            "patient": np.int64, "label": np.int64,
            "program": _fitting(np, len(self.program_list)), "inside": np.int8,
            "scheduled": minutes, "attended": minutes, "excluded": minutes,
            "pending": count, "visits": np.int8,
            **{f"count{number}": count for number in range(len(self.counted))},
        }  # fmt: skip
        self.screens = self._screens()
        zones = [program.timezone.key for program in self.program_list]
        # each chunk's weeks are screened by the weekly rules as they are
        # summed: only flagged weeks are kept (see _screen)
        self._kept: dict[int, list[dict[str, Any]]] = {p: [] for p in self.screens}
        windows: list[tuple[Any, Any]] = []
        excluded: list[Any] = [np.zeros(0, dtype=np.int64)]
        for low, high, weekly in classes.chunks(
            columns, ends, program_of.astype(_fitting(np, len(zones))), zones
        ):
            windows.append((weekly["first"], weekly["last"]))
            excluded.append(self._screen(low, program_of[low:high], weekly))
        empty = np.zeros(0, dtype=np.int64)
        self.first = np.concatenate([empty] + [first for first, _ in windows])
        self.last = np.concatenate([empty] + [last for _, last in windows])
        self.excluded_patients = np.concatenate(excluded)

    def _screens(self) -> dict[int, tuple[int, dict[str, Any]]]:
        """The weekly catalogue rules screened in the chunks, by position: settings.

        Each holds which programs the rule applies to and, per program, the
        limits it compares. A rule with a precondition of your own is left to
        the object path (it is asked of each plan).
        """
        np, batch = self.np, self.batch
        screens = {}
        for position, (rule, kind) in enumerate(batch.compiled):
            if kind not in {_HOURS, _SESSIONS, _PATTERN}:
                continue
            reasons = [batch.skip_reasons(p)[position] for p in self.program_list]
            if any(isinstance(reason, str) for reason in reasons):
                continue
            settings: dict[str, Any] = {
                "applies": np.array([r is None for r in reasons], dtype=bool)
            }
            params = rule.params
            if kind == _HOURS:
                attended = params.basis == "attended"
                top = np.iinfo(np.int64).max
                low = np.full(len(self.program_list), top, dtype=np.int64)
                high = np.full(len(self.program_list), top, dtype=np.int64)
                for index, program in enumerate(self.program_list):
                    band = batch.standard.band(program.level, program.population)
                    if band is None:
                        settings["applies"][index] = False
                        continue
                    lo, hi = band.minute_limits()
                    low[index], high[index] = lo, top if hi is None else hi
                settings |= {
                    "attended": attended,
                    "column": "attended" if attended else "scheduled",
                    "low": low,
                    "high": high,
                }
            elif kind == _SESSIONS:
                number = self.counted.index(_KINDS.index(params.kind.value))
                settings |= {
                    "column": f"count{number}",
                    "minimum": params.minimum_in(batch.standard).value,
                }
            screens[position] = (kind, settings)
        return screens

    def _screen(self, low: int, programs: Any, weekly: dict[str, Any]) -> Any:
        """Screen a chunk's weeks (patients from *low*, in *programs*); keep the flagged.

        Returns the chunk's patients with minutes of other kinds (HRS003 asks
        their plans).
        """
        np = self.np
        first, last, base, weeks = (
            weekly[name] for name in ("first", "last", "base", "weeks")
        )
        local = np.repeat(np.arange(len(weeks)), weeks)  # each week's patient
        starts = np.cumsum(weeks) - weeks
        weekly["patient"] = local + low
        weekly["label"] = base[local] + 7 * (np.arange(len(local)) - starts[local])
        # every week but a patient's first and last lies inside the window
        inside = np.full(len(local), 7, dtype=np.int64)  # days in a week
        for at, begin in ((starts, base), (starts + weeks - 1, base + 7 * (weeks - 1))):
            inside[at] = np.minimum(begin + 6, last) - np.maximum(begin, first) + 1
        weekly["inside"], weekly["full"] = inside, inside == 7
        weekly["program"] = np.repeat(programs, weeks)
        for position, (kind, settings) in self.screens.items():
            chosen = np.flatnonzero(self._flagged(kind, settings, weekly))
            if len(chosen):
                self._kept[position].append(
                    {
                        name: weekly[name][chosen].astype(kind, copy=False)
                        for name, kind in self._kept_types.items()
                    }
                )
        return np.unique(weekly["patient"][weekly["excluded"] > 0])

    def _flagged(self, kind: int, settings: dict[str, Any], weekly: Any) -> Any:
        """Which of a chunk's weeks a weekly rule flags (see :meth:`_screens`)."""
        np = self.np
        full = weekly["full"]

        def per_week(values: Any) -> Any:
            """Each week's program's value (one value a program)."""
            if (values == values[0]).all():
                return values[0]
            return np.take(values, weekly["program"])

        if kind == _HOURS:
            minutes = weekly[settings["column"]]
            flagged = (minutes < per_week(settings["low"])) | (
                minutes > per_week(settings["high"])
            )
            flagged &= full | (minutes > 0)
            if settings["attended"]:
                flagged &= full & (weekly["pending"] == 0)
        elif kind == _SESSIONS:
            flagged = full & (weekly[settings["column"]] < settings["minimum"])
        else:  # the visit pattern (whether each week fits: see _Classes.chunk)
            flagged = full & (weekly["visits"] > 0) & ~weekly["fits"]
        if not settings["applies"].all():
            flagged &= per_week(settings["applies"])
        return flagged

    def _programs(self, column: Any, patient: Any, edges: Any) -> tuple[Any, list[str]]:
        """Each patient's program (numbered densely) and the programs' names.

        Rows grouped by patient (*patient* is ``None``) are read as runs of
        one program (see :func:`_runs`), which must begin where a patient's
        rows do; otherwise, and to name the row at fault, row by row.
        """
        np, pa = self.np, self.pa
        if patient is None and len(edges):
            starts, values = _runs(np, column)
            at = np.searchsorted(edges, starts).clip(max=len(edges) - 1)
            # the program changes only where a patient's rows start
            if np.array_equal(edges[at], starts):
                distinct = values.unique()
                names = distinct.to_pylist()
                run_program = np.asarray(_index_in(values, distinct), dtype=np.int64)
                self._known_programs(names, run_program, starts)
                each = np.searchsorted(starts, edges, side="right") - 1
                return run_program[each], names
        encoded = _encoded(column, "program", pa)
        codes = np.asarray(encoded.indices, dtype=np.int64)
        if patient is None:  # grouped by patient, a program changing inside one
            patient = np.repeat(
                np.arange(len(edges)), np.diff(np.r_[edges, len(codes)])
            )
        return self._programs_by_row(codes, encoded.dictionary.to_pylist(), patient)

    def _known_programs(self, names: list[str], codes: Any, rows: Any = None) -> None:
        """Refuse a program the rows name that is not one of the programs given.

        *codes* are the rows' indices in *names* or, with *rows*, those of
        runs of rows beginning at *rows*.
        """
        np = self.np
        for index, name in enumerate(names):
            if name not in self.programs and (codes == index).any():
                row = int(np.argmax(codes == index))
                raise InvalidValueError(
                    f"sessions[{row if rows is None else int(rows[row])}].program",
                    name,
                    f"is not one of {sorted(self.programs)}",
                )

    def _programs_by_row(
        self, program_of_row: Any, names: list[str], patient: Any
    ) -> tuple[Any, list[str]]:
        """:meth:`_programs` row by row (each row's patient number given)."""
        np = self.np
        used = np.zeros(len(names), dtype=bool)
        used[program_of_row] = True
        self._known_programs(names, program_of_row)
        # only the programs that rows name, numbered densely
        program_of_row = (np.cumsum(used) - 1)[program_of_row]
        program_names = [n for n, u in zip(names, used, strict=True) if u]
        program_of = np.full(len(self.patient_names), -1, dtype=np.int64)
        program_of[patient] = program_of_row
        if len(patient) and not np.array_equal(program_of[patient], program_of_row):
            row = int(np.argmax(program_of[patient] != program_of_row))
            raise InvalidValueError(
                f"sessions[{row}].program",
                program_names[program_of_row[row]],
                f"differs for {self.patient_names[int(patient[row])].as_py()}",
            )
        return program_of, program_names

    # -- findings ---------------------------------------------------------------------

    def findings(self, *, progress: bool) -> Any:
        parts: list[dict[str, Any]] = []
        generic: list[int] = []
        for position, (rule, kind) in enumerate(
            _progress(self.batch.compiled, enabled=progress, desc="rules")
        ):
            if kind in {_HOURS, _SESSIONS, _PATTERN}:
                parts.append(self.weekly(position, rule, kind))
            elif kind == _EXCLUDED:
                parts.append(self.objects(position, rule, self.excluded_patients))
            elif kind in {_COURSE, _RECORD} and _on_window(rule):
                parts.append(self.course_rows(position, rule))
            else:
                generic.append(position)
        for position in generic:
            rule, _ = self.batch.compiled[position]
            parts.append(self.objects(position, rule, None))
        if not parts:
            return _table_of([], [])
        return self._merge(parts)

    def _merge(self, parts: list[dict[str, Any]]) -> Any:
        """The findings table of the rule parts, its text made once (see :meth:`rows`).

        Each part is one rule's rows, in order of patient and then sequence,
        each row a template (one of the part's ``templates`` rows) and a week
        label (a week's first day as an ordinal, or 0: the template's message
        as is). A stable sort by patient and rule puts the rows in order
        (merging runs); then each text column is encoded from the templates
        (see :func:`_coded`), and each message is made once per distinct
        (label, template).
        """
        np, pa, pc = self.np, self.pa, self.pc
        at = np.cumsum([0] + [p["templates"].num_rows for p in parts])
        merged = {
            key: np.concatenate([p[key] for p in parts])
            for key in ("patient", "rule", "label")
        }
        template = np.concatenate(
            [p["template"] + base for p, base in zip(parts, at.tolist(), strict=False)]
        )
        key = merged["patient"] * len(self.batch.compiled)
        key += merged["rule"]
        order = np.argsort(key, kind="stable")
        del key
        # few rows: one chunk each to take from (faster than many chunks)
        templates = pa.concat_tables([p["templates"] for p in parts]).combine_chunks()
        which = template[order]
        label = merged["label"][order]
        # each message is made once per distinct (week label, template)
        _, label_group = _groups(np, label)
        pair_at, pair = _groups(np, label_group * templates.num_rows + which)
        suffixes = templates.column("message").take(pa.array(which[pair_at]))
        messages = [
            None if text is None
            else f"{_week_label(dt.date.fromordinal(day))}{text}" if day
            else text
            for day, text in zip(
                label[pair_at].tolist(), suffixes.to_pylist(), strict=True
            )
        ]  # fmt: skip
        labelled = label > 0
        weeks = pa.array(label - _EPOCH_ORDINAL, pa.int32()).cast(pa.date32())
        columns = {
            "patient_id": self.patient_names.take(pa.array(merged["patient"][order])),
            **{
                name: _coded(templates.column(name), which)
                for name in ("rule_id", "severity")
            },
            "message": _coded(pa.array(messages, pa.string()), pair),
            "week": pc.if_else(
                pa.array(labelled), weeks, templates.column("week").take(which)
            ),
            **{
                name: _coded(templates.column(name), which)
                for name in ("path", "source")
            },
        }
        return pa.table(columns)

    def weekly(self, position: int, rule: Any, kind: int) -> dict[str, Any]:
        """A weekly catalogue rule's rows, from the weeks it flagged (see :meth:`_screen`)."""
        np = self.np
        if position not in self.screens:  # a precondition of your own
            return self.objects(position, rule, None)
        _, settings = self.screens[position]
        parts = self._kept[position]
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return self.rows(position, rule, (empty, empty), [], empty)
        weeks = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        if kind == _PATTERN:
            big, small = weeks["scheduled"], weeks["visits"]
        else:
            big, small = weeks[settings["column"]], weeks["inside"]
        key = big.astype(np.int64) << 3  # small is at most 7 (days)
        key |= small
        if len(self.program_list) > 1:
            program = weeks["program"].astype(np.int64)
            key += program * ((int(key.max()) | 7) + 1)
        first_at, inverse = _groups(np, key)
        templates = [self.template(rule, kind, weeks, int(at)) for at in first_at]
        present = np.array([t is not None for t in templates], dtype=bool)
        keep = present[inverse]
        return self.rows(
            position,
            rule,
            (weeks["patient"][keep], weeks["label"][keep]),
            templates,
            inverse[keep],
        )

    def template(self, rule: Any, kind: int, weeks: dict[str, Any], at: int) -> Any:
        """The finding of flagged week *at*, but for its date (see the batch validator)."""
        program = self.program_list[int(weeks["program"][at])]
        subject = Subject(
            target="plan",
            name="",
            standard=self.batch.standard,
            program=program,
            week_start=self.batch.week_start,
        )
        week = WeekSummary(
            start=dt.date.fromordinal(int(weeks["label"][at])),
            days_in_window=int(weeks["inside"][at]),
            scheduled_minutes=int(weeks["scheduled"][at]),
            attended_minutes=int(weeks["attended"][at]),
            excluded_minutes=int(weeks["excluded"][at]),
            pending_sessions=int(weeks["pending"][at]),
            # the kinds the rules count (no weekly rule reads the others)
            session_counts=tuple(
                int(weeks[f"count{self.counted.index(k)}"][at])
                if k in self.counted
                else 0
                for k in range(len(_KINDS))
            ),
            visit_days=int(weeks["visits"][at]),
        )
        # no planned discharge: no step-down allowance (as for cohort_plans)
        return week_template(self.batch, rule, kind, subject, week, allowed=False)

    def rows(
        self,
        position: int,
        rule: Any,
        weeks: tuple[Any, Any],
        templates: list[Any],
        which: Any,
    ) -> dict[str, Any]:
        """Finding rows for *weeks* (patients, first days), each ``templates[which[i]]``.

        The rows keep their template's number and their week's first day (the
        label): the text is made once for every rule (see :meth:`_merge`).
        """
        np, pa = self.np, self.pa
        patients, labels = weeks
        return {
            "patient": patients.astype(np.int64),
            "rule": np.full(len(patients), position),
            "template": np.asarray(which, dtype=np.int64),
            "label": labels.astype(np.int64),
            "templates": pa.table(
                {
                    "rule_id": pa.array([rule.id] * len(templates), pa.string()),
                    "severity": pa.array(
                        [None if t is None else t.severity.value for t in templates],
                        pa.string(),
                    ),
                    "message": pa.array(
                        [None if t is None else t.suffix for t in templates],
                        pa.string(),
                    ),
                    "week": pa.nulls(len(templates), pa.date32()),
                    "path": pa.nulls(len(templates), pa.string()),
                    "source": pa.array(
                        [
                            None if t is None or t.citation is None else t.citation.key
                            for t in templates
                        ],
                        pa.string(),
                    ),
                }
            ),
        }

    def objects(self, position: int, rule: Any, patients: Any) -> dict[str, Any]:
        """A rule run on each patient's plan (course rules, HRS003, rules of your own)."""
        np = self.np
        chosen = [int(p) for p in (range(len(self.patient_names)) if patients is None
                                   else patients)]  # fmt: skip
        if not chosen:
            empty = np.zeros(0, dtype=np.int64)
            return self.rows(position, rule, (empty, empty), [], empty)
        plans = self._plans(chosen)
        single = _Batch(
            RuleSet(
                name=self.rules.name,
                rules=[rule],
                standard=self.rules.standard,
                week_start=self.rules.week_start,
            ),
            None,
        )
        rows: list[int] = []
        found: list[Finding] = []
        for number, patient in enumerate(chosen):
            for finding in single.validate(plans[number]):
                rows.append(patient)
                found.append(finding)
        return {
            "patient": np.asarray(rows, dtype=np.int64),
            "rule": np.full(len(found), position),
            "template": np.arange(len(found), dtype=np.int64),
            "label": np.zeros(len(found), dtype=np.int64),  # messages as they are
            "templates": _text_of([""] * len(found), found).drop_columns(
                ["patient_id"]
            ),
        }

    def course_rows(self, position: int, rule: Any) -> dict[str, Any]:
        """A rule that reads the window, once per distinct (program, first day, last day).

        Course rules read the program and the window; record rules read the
        plan's record, and a cohort's plans keep none (see :func:`_on_window`).
        """
        np = self.np
        subjects, inverse = self.windows()
        # a cohort's plans keep no record: whether the rule applies depends on
        # the program only (see _on_window), so it is asked once per program
        applies: dict[int, bool] = {}
        for subject in subjects:
            key = id(subject.program)
            if key not in applies:
                applies[key] = rule.skip_reason(subject) is None
        if not any(applies.values()):
            empty = np.zeros(0, dtype=np.int64)
            return self.rows(position, rule, (empty, empty), [], empty)
        per_group = [
            self.course(rule, subject) if applies[id(subject.program)] else []
            for subject in subjects
        ]
        sizes = np.array([len(f) for f in per_group], dtype=np.int64)
        flat = [f for group in per_group for f in group]
        table = _text_of([""] * len(flat), flat)
        # group g's findings start at offsets[g]; each patient takes its group's
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        counts = sizes[inverse]
        patients = np.repeat(np.arange(len(inverse)), counts)
        seq = np.arange(len(patients)) - np.repeat(np.cumsum(counts) - counts, counts)
        return {
            "patient": patients,
            "rule": np.full(len(patients), position),
            "template": offsets[inverse[patients]] + seq,
            "label": np.zeros(len(patients), dtype=np.int64),  # messages as they are
            "templates": table.drop_columns(["patient_id"]),
        }

    def windows(self) -> tuple[list[Subject], Any]:
        """One subject per distinct (program, first day, last day), and each patient's.

        The subject's plan is the patient's plan without its sessions: what
        window rules read (made once, shared by every window rule).
        """
        if self._windows is None:
            np = self.np
            key = (
                (self.program_of << 40) | (self.first << 20) | (self.last - self.first)
            )
            _, representatives, inverse = _distinct(np, key)
            subjects = []
            for patient in representatives.tolist():
                program = self.program_list[int(self.program_of[patient])]
                first = dt.date.fromordinal(int(self.first[patient]))
                plan = TreatmentPlan._trusted(  # noqa: SLF001 - window rules read no sessions
                    patient_id=self.patient_names[patient].as_py(),
                    program=program,
                    start=first,
                    sessions=(),
                )
                subjects.append(
                    Subject(
                        target="plan",
                        name="",
                        standard=self.rules.standard,
                        program=program,
                        plan=plan,
                        first_day=first,
                        last_day=dt.date.fromordinal(int(self.last[patient])),
                        week_start=self.rules.week_start,
                    )
                )
            self._windows = (subjects, inverse)
        return self._windows

    @staticmethod
    def course(rule: Any, subject: Subject) -> list[Finding]:
        """A window rule's findings for one window's subject (the rule applies)."""
        return [rule.finding(o, subject) for o in rule.check(subject, rule.params)]

    def _plans(self, patients: list[int]) -> list[TreatmentPlan]:
        """Real plans (with sessions) of some patients, as :func:`cohort_plans` makes them."""
        pa, pc = self.pa, self.pc
        names = self.patient_names.take(pa.array(patients, pa.int64()))
        subset = self.table.filter(
            pc.is_in(self.table.column("patient_id"), value_set=names)
        )
        by_name = {p.patient_id: p for p in cohort_plans(subset, self.programs)}
        return [by_name[name] for name in names.to_pylist()]


#: Rows summed at a time (whole patients; more when one patient has more):
#: buffers this small are reused from chunk to chunk and stay in the cache,
#: and a chunk this large spreads the per-chunk steps over many rows (2**16
#: to 2**21 rows measured at 10M sessions: 2**19 was among the fastest).
_CHUNK_ROWS: Final = 1 << 19


def _chunks(np: Any, ends: Any, rows: int) -> Any:
    """Patients summed together: where each chunk's patients begin, then the count.

    *ends* holds where each patient's rows end; a chunk takes whole patients
    until it has at least *rows* rows (the last one, what is left).

    Example:
        >>> import numpy as np
        >>> _chunks(np, np.array([3, 5, 9, 10, 11]), 4).tolist()
        [0, 2, 3, 5]
        >>> _chunks(np, np.array([], np.int64), 4).tolist()
        [0]
    """
    if not len(ends):
        return np.zeros(1, dtype=np.int64)
    targets = np.arange(rows, int(ends[-1]), rows)
    # a chunk ends with the patient whose rows reach the target
    last = np.searchsorted(ends, targets, side="left") + 1
    return np.unique(np.r_[0, last, len(ends)])


def _fitting(np: Any, most: int) -> Any:
    """The smallest signed integer type that holds 0 to *most*.

    Example:
        >>> import numpy as np
        >>> [_fitting(np, n).__name__ for n in (127, 720, 2**15, 2**31)]
        ['int8', 'int16', 'int32', 'int64']
    """
    for kind in (np.int8, np.int16, np.int32):
        if most <= np.iinfo(kind).max:
            return kind
    return np.int64


def _weeks(first: Any, last: Any, week_start: int) -> tuple[Any, Any]:
    """The first day (an ordinal) of each window's first week, and its weeks."""
    base = first - ((first - 1) % 7 - week_start) % 7
    return base, (last - base) // 7 + 1


class _Classes:
    """What a row's (kind, attendance) pair adds to its week, and the sums of a chunk.

    Each pair has a minutes class and a count class (see :func:`_row_classes`).
    When the counts' bit fields fit beside the minutes in a float64 (see
    :data:`_PACKED_BITS`), one ``bincount`` weighted with minutes and counts
    gives them all; otherwise the counts take a ``bincount`` of their own.
    """

    def __init__(self, batch: _Batch, columns: Any, most_rows: int) -> None:
        np = self.np = _numpy()
        self.week_start = batch.rules.week_start
        kinds = [
            _KINDS.index(rule.params.kind.value)
            for rule, kind in batch.compiled
            if kind == _SESSIONS
        ]
        self.counted = sorted(set(kinds))  # the kinds whose sessions rules count
        self.pairs, minutes_class, count_class = _row_classes(
            columns.column("kind"),
            columns.column("attendance"),
            {_KINDS.index(k.value) for k in batch.rules.counted_kinds},
            self.counted,
        )
        self.pattern = batch.pattern
        # classes 1 to 3 are program minutes (class 0 wraps around); the
        # other rows mark a ninth, spare week's first day
        self.other = minutes_class - 1 >= _EXCLUDED_CLASS - 1
        self.minutes_class = minutes_class.astype(np.int64)
        self.count_class = count_class.astype(np.int64)
        self.count_bits = most_rows.bit_length()  # no patient-week has more rows
        self.minute_bits = (most_rows * _MAX_MINUTES).bit_length()
        fields = len(self.counted) + 1
        self.packed = self.minute_bits + self.count_bits * fields <= _PACKED_BITS
        if self.packed:
            # each pair weighs, above its minutes, one bit field a count
            # (pending, then each kind in counted)
            pending = count_class & 1
            kind = (count_class >> 1).astype(np.int64)  # 1 + position in counted, or 0
            weights = pending.astype(np.int64) + np.where(
                kind > 0, np.left_shift(1, self.count_bits * kind), 0
            )
            self.weights = np.left_shift(weights, self.minute_bits).astype(np.float64)

    def chunks(
        self, columns: Any, ends: Any, zone_of: Any, zones: list[str]
    ) -> Iterator[tuple[int, int, dict[str, Any]]]:
        """Each chunk of patients (from, to) and their windows and weekly sums.

        *columns* are the rows, grouped by patient; *ends* where each
        patient's rows end, *zone_of* each patient's index in *zones*. The
        arrays of a chunk are its own (see :meth:`chunk`).
        """
        np, pa = self.np, _arrow()
        import pyarrow.compute as pc  # noqa: PLC0415

        cuts = _chunks(np, ends, _CHUNK_ROWS)
        row_at = np.r_[0, ends][cuts]  # the rows where chunks begin, then rows
        starts = columns.column("start").cast(pa.int64())
        bounds = pc.min_max(starts).as_py()
        hours = (
            None
            if bounds["min"] is None
            else _Hours.spanning(bounds["min"], bounds["max"], zones)
        )
        # chunk-long buffers, reused from chunk to chunk (fresh memory costs
        # more than the arithmetic, and small ones stay in the cache)
        longest = int(np.diff(row_at).max()) if len(ends) else 0
        buffers = [np.empty(longest, dtype=np.int64) for _ in range(4)]
        for (low, high), (start, end) in zip(
            pairwise(cuts.tolist()), pairwise(row_at.tolist()), strict=True
        ):
            sizes = np.diff(ends[low:high], prepend=start)
            yield (
                low,
                high,
                self.chunk(
                    _rows(starts, start, end, buffers[2]),
                    _rows(columns.column("minutes"), start, end, buffers[3]),
                    (start, end),
                    0 if len(zones) == 1 else np.repeat(zone_of[low:high], sizes),
                    sizes,
                    zones=zones,
                    hours=hours,
                    buffers=buffers[:2],
                ),
            )

    def chunk(
        self,
        micros: Any,
        minutes: Any,
        rows: tuple[int, int],
        zone_of_row: Any,
        sizes: Any,
        *,
        zones: list[str],
        hours: _Hours | None,
        buffers: list[Any],
    ) -> dict[str, Any]:
        """The windows and weekly sums of the patients with rows *rows* (start, end).

        *micros* and *minutes* are those rows' starts and minutes, *sizes*
        each patient's rows, *buffers* two ``int64`` arrays at least as long
        as the chunk to reuse. Returns each patient's first and last day,
        first week's first day (``base``) and weeks, and each patient-week's
        sums, whether it fits the visit pattern (``fits``) and its visit days.
        """
        np = self.np
        start, end = rows
        day, scratch = (buffer[: end - start] for buffer in buffers)
        found = _local_days(
            micros, zone_of_row, zones, out=day, scratch=scratch, hours=hours
        )
        if found is not day:  # converted row by row
            day[:] = found
        edges = np.cumsum(sizes) - sizes
        first, last = np.minimum.reduceat(day, edges), np.maximum.reduceat(day, edges)
        base, weeks = _weeks(first, last, self.week_start)
        total = int(weeks.sum())
        # each row's day among its patients' weeks' days (7 per week), then
        # its week, then its day among 8 a week (a week's visits are 8 bytes)
        day += _spread(np, 7 * (np.cumsum(weeks) - weeks) - base, edges, out=scratch)
        week = np.floor_divide(day, 7, out=scratch)
        slot = day
        slot += week
        pairs = self.pairs[start:end]
        visited = np.zeros((total + 1) * 8, dtype=np.uint8)  # eight days a week
        np.putmask(slot, self.other.take(pairs), total * 8)
        visited[slot] = 1
        visits = np.bitwise_count(visited[:-8].view(np.uint64)).astype(np.int64)
        del visited
        # class-major keys (each class's sums are one contiguous row), made in
        # the slots' buffer; weights in the weeks' buffer (once the keys are made)
        key = slot
        if self.packed:
            sums = self._packed(key, week, pairs, minutes, total)
        else:
            sums = self._unpacked(key, week, pairs, minutes, total)
        scheduled = sums["attended"] + sums.pop("pending_minutes") + sums.pop("other")
        # the visit pattern, in integers: minutes * den against 60 * days * num
        min_days, max_days, low, high = self.pattern
        fits = (
            (visits >= min_days)
            & (visits <= max_days)
            & (scheduled * low.denominator >= 60 * visits * low.numerator)
            & (scheduled * high.denominator <= 60 * visits * high.numerator)
        )
        return sums | {
            "first": first,
            "last": last,
            "base": base,
            "weeks": weeks,
            "visits": visits,
            "fits": fits,
            "scheduled": scheduled,
        }

    def _packed(
        self, key: Any, week: Any, pairs: Any, minutes: Any, total: int
    ) -> dict[str, Any]:
        """The minutes of each class, and the counts, from one ``bincount``.

        The sums are exact integers (below 2**53) and no field carries into
        the next. *key* and *week* are overwritten.
        """
        np = self.np
        weights = week.view(np.float64)
        # the keys first (they read the weeks), then the weights over the weeks
        np.take(self.minutes_class, pairs, out=key)
        key *= total
        key += week
        np.take(self.weights, pairs, out=weights)
        weights += minutes
        sums = np.bincount(key, weights=weights, minlength=total * _MINUTE_CLASSES)
        classes = _whole(np, sums).reshape(_MINUTE_CLASSES, total)
        shift, each = self.minute_bits, (1 << self.count_bits) - 1
        counts = classes[_ATTENDED_CLASS] >> shift
        for number in (_PENDING_CLASS, _OTHER_CLASS, _EXCLUDED_CLASS):
            counts += classes[number] >> shift  # the classes not cancelled
        found = {"pending": (classes[_PENDING_CLASS] >> shift) & each}
        for number in range(len(self.counted)):
            found[f"count{number}"] = (
                counts >> (self.count_bits * (number + 1))
            ) & each
        classes &= (1 << shift) - 1
        return found | self._named(classes)

    def _unpacked(
        self, key: Any, week: Any, pairs: Any, minutes: Any, total: int
    ) -> dict[str, Any]:
        """The counts from one ``bincount`` of count classes; minutes from another."""
        np = self.np
        classes = 2 * (len(self.counted) + 1)  # pending or not, times kind
        np.take(self.count_class, pairs, out=key)
        key *= total
        key += week
        numbers = np.bincount(key, minlength=total * classes).reshape(classes, total)
        found = {"pending": numbers[1::2].sum(axis=0)}
        for number in range(len(self.counted)):
            found[f"count{number}"] = numbers[2 * number + 2] + numbers[2 * number + 3]
        np.take(self.minutes_class, pairs, out=key)
        key *= total
        key += week
        weights = week.view(np.float64)
        weights.fill(0)
        weights += minutes
        sums = np.bincount(key, weights=weights, minlength=total * _MINUTE_CLASSES)
        return found | self._named(_whole(np, sums).reshape(_MINUTE_CLASSES, total))

    @staticmethod
    def _named(classes: Any) -> dict[str, Any]:
        return {
            "attended": classes[_ATTENDED_CLASS],
            "pending_minutes": classes[_PENDING_CLASS],
            "other": classes[_OTHER_CLASS],
            "excluded": classes[_EXCLUDED_CLASS],
        }


def _local_days(
    micros: Any,
    zone_of_row: Any,
    zones: list[str],
    *,
    out: Any = None,
    scratch: Any = None,
    hours: _Hours | None = None,
) -> Any:
    """The local day (an ordinal) of each UTC instant (microseconds) in its zone.

    *zone_of_row* is each row's index in *zones* (or one index for all rows).
    The days are read from a table of hours (see :class:`_Hours`): *hours*,
    made once for instants spanning at least these, or one made here. The
    few rows in an hour with a change of offset are converted one by one. A
    table spanning more than :data:`_HOUR_CELLS` hours times zones is
    converted row by row. *out* (for the days) and *scratch* are ``int64``
    arrays as long as *micros* to reuse, or ``None``.
    """
    np = _numpy()
    if not len(micros):
        return np.zeros(0, dtype=np.int64)
    if hours is None:
        hours = _Hours.spanning(int(micros.min()), int(micros.max()), zones)
    if hours is None:
        every = np.ones(len(micros), bool)
        return _exact_days(
            micros, np.broadcast_to(zone_of_row, every.shape), zones, every
        )
    cell = np.floor_divide(micros, _HOUR_US, out=scratch)
    cell -= hours.low
    if isinstance(zone_of_row, int):
        cell += zone_of_row * hours.span
    else:
        # in the days' buffer (written by the lookup next)
        cell += np.multiply(zone_of_row, hours.span, out=out, dtype=np.int64)
    day = np.take(hours.start_day, cell, out=out, mode="clip")
    if hours.turn is not None:  # offsets that are not whole hours
        cell_turn = hours.turn.take(cell)
        del cell
        day += (micros % _HOUR_US) >= cell_turn
    else:
        del cell
    changing = day < 0
    if changing.any():
        rows = np.broadcast_to(zone_of_row, changing.shape)
        day[changing] = _exact_days(micros, rows, zones, changing)[changing]
    return day


class _Hours:
    """Each (zone, UTC hour)'s local day at the hour's start, for a span of hours.

    A zone's UTC offset changes at most once within an hour, so an instant
    takes the offset its zone has at the start of its UTC hour whenever the
    offset at the end of that hour is the same: Arrow converts those two
    instants for every hour spanned. ``start_day`` holds each cell's local day
    (:data:`_CHANGING` for an hour with a change), zone by zone; ``turn`` how
    far into the hour the local day turns, when some offset is not whole hours
    (else ``None``).
    """

    __slots__ = ("low", "span", "start_day", "turn")

    def __init__(self, low: int, span: int, start_day: Any, turn: Any) -> None:
        self.low, self.span, self.start_day, self.turn = low, span, start_day, turn

    @classmethod
    def spanning(cls, first: int, last: int, zones: list[str]) -> _Hours | None:
        """The table for instants from *first* to *last* (microseconds), or ``None``.

        ``None`` when it would hold more than :data:`_HOUR_CELLS` cells.
        """
        np, pa = _numpy(), _arrow()
        low = first // _HOUR_US
        span = last // _HOUR_US - low + 2  # every hour's start and end
        if span * len(zones) > _HOUR_CELLS:
            return None
        edges = (low + np.arange(span, dtype=np.int64)) * _HOUR_US
        local = np.empty((len(zones), span), dtype=np.int64)
        for index, zone in enumerate(zones):
            local[index] = _local_micros(pa, edges, zone)
        offsets = local - edges
        start_day = local // _DAY_US  # days since the epoch, at each hour's start
        turn = (start_day + 1) * _DAY_US - local  # into the hour where the day turns
        start_day += _EPOCH_ORDINAL
        start_day[:, :-1][offsets[:, :-1] != offsets[:, 1:]] = _CHANGING
        return cls(
            low,
            span,
            start_day.ravel(),
            turn.ravel() if (turn < _HOUR_US).any() else None,
        )


def _rows(column: Any, start: int, end: int, out: Any) -> Any:
    """Rows *start* to *end* of a chunked Arrow column of numbers, as numpy.

    The rows where Arrow holds them when one chunk has them all (no copy),
    else copied piece by piece into *out* (at least ``end - start`` long).

    Example:
        >>> import numpy as np, pyarrow as pa
        >>> column = pa.chunked_array([[1, 2, 3], [4, 5]])
        >>> _rows(column, 1, 3, np.empty(5, np.int64)).tolist()
        [2, 3]
        >>> _rows(column, 2, 5, np.empty(5, np.int64)).tolist()
        [3, 4, 5]
    """
    np = _numpy()
    part = column.slice(start, end - start)
    if part.num_chunks == 1:
        return np.asarray(part.chunk(0))
    into = out[: end - start]
    at = 0
    for chunk in part.chunks:
        into[at : at + len(chunk)] = np.asarray(chunk)
        at += len(chunk)
    return into


def _spread(np: Any, values: Any, edges: Any, *, out: Any) -> Any:
    """*values* (one per group) spread over rows grouped in runs, into *out*.

    Group *g*'s rows begin at ``edges[g]`` (the first edge is 0, each run is
    one row or more) and end where the next begins. Differences at the edges,
    summed along the rows (exact in ``int64``): a row-long ``int64`` buffer
    reused instead of a fresh ``numpy.repeat``.

    Example:
        >>> import numpy as np
        >>> out = np.empty(6, dtype=np.int64)
        >>> _spread(np, np.array([5, -2, 7]), np.array([0, 2, 3]), out=out).tolist()
        [5, 5, -2, 7, 7, 7]
    """
    out.fill(0)
    if len(edges):
        steps = np.diff(values.astype(np.int64), prepend=0)
        out[edges] = steps
        np.cumsum(out, out=out)
    return out


def _exact_days(micros: Any, zone_of_row: Any, zones: list[str], rows: Any) -> Any:
    """Local days of the *rows* (a mask), each converted by Arrow."""
    np, pa = _numpy(), _arrow()
    day = np.zeros(len(micros), dtype=np.int64)
    for index, zone in enumerate(zones):
        mask = rows & (zone_of_row == index)
        if mask.any():
            local = _local_micros(pa, micros[mask], zone)
            day[mask] = local // _DAY_US + _EPOCH_ORDINAL
    return day


def _local_micros(pa: Any, micros: Any, zone: str) -> Any:
    """Wall-clock microseconds in *zone* of UTC instants (microseconds), as numpy."""
    import pyarrow.compute as pc  # noqa: PLC0415

    local = pc.local_timestamp(pa.array(micros, pa.timestamp("us", tz=zone)))
    return _numpy().asarray(local.cast(pa.int64()))


def _whole(np: Any, sums: Any) -> Any:
    """Whole-number ``float64`` sums as ``int64``, converted in place (no fresh copy).

    A one-dimensional cast into the same memory reads each element before
    writing it, so nothing is overwritten early (memory touched for the first
    time costs more here than the conversion).

    Example:
        >>> import numpy as np
        >>> _whole(np, np.array([0.0, 3.0, 2.0**52 + 1])).tolist()
        [0, 3, 4503599627370497]
    """
    flat = sums.reshape(-1)
    whole = flat.view(np.int64)
    np.copyto(whole, flat, casting="unsafe")
    return whole


def _row_classes(
    kind: Any, attendance: Any, counted: set[int], kinds: list[int]
) -> tuple[Any, Any, Any]:
    """Each row's (kind, attendance) pair, and each pair's minutes and count class.

    The minutes class is ``_NO_CLASS`` (cancelled), ``_ATTENDED_CLASS``,
    ``_PENDING_CLASS`` (scheduled, no outcome yet) or ``_OTHER_CLASS`` for a
    kind in *counted* (indices in ``_KINDS``: program minutes), and
    ``_EXCLUDED_CLASS`` for another kind. The count class is ``2 * k + p``:
    *p* is 1 for a pending session of program minutes, *k* is 1 plus the
    kind's position in *kinds* (the kinds rules count) for a session not
    cancelled, else 0. A pair is a kind's index in ``_KINDS`` times the
    number of attendances plus an attendance's index in ``_ATTENDANCES``
    (one byte a row).
    """
    np, pa = _numpy(), _arrow()
    statuses = np.arange(len(_ATTENDANCES))
    live = statuses != _ATTENDANCES.index("cancelled")
    by_status = np.full(len(statuses), _OTHER_CLASS, dtype=np.uint8)
    by_status[statuses == _ATTENDANCES.index("attended")] = _ATTENDED_CLASS
    by_status[statuses == _ATTENDANCES.index("scheduled")] = _PENDING_CLASS
    minutes = np.zeros((len(_KINDS), len(statuses)), dtype=np.uint8)
    count = np.zeros((len(_KINDS), len(statuses)), dtype=np.uint8)
    for code in range(len(_KINDS)):
        program = code in counted
        minutes[code] = np.where(
            live, by_status if program else _EXCLUDED_CLASS, _NO_CLASS
        )
        slot = kinds.index(code) + 1 if code in kinds else 0
        count[code] = np.where(live, 2 * slot, 0)
        if program:
            count[code] += by_status == _PENDING_CLASS
    rows = len(kind)
    small = len(_KINDS) * len(statuses) <= 2**8
    pairs = np.empty(rows, dtype=np.uint8 if small else np.int64)
    at = 0
    # each chunk's codes through its own dictionaries (no unifying copies)
    for batch in pa.table({"kind": kind, "attendance": attendance}).to_batches():
        size = batch.num_rows
        part = pairs[at : at + size]
        codes = []
        for column, values in zip(batch.columns, (_KINDS, _ATTENDANCES), strict=True):
            known = np.asarray(
                _index_in(column.dictionary, pa.array(values)), dtype=np.int64
            )
            codes.append(np.maximum(known, 0))  # rows use known entries only
        np.take((codes[0] * len(statuses)).astype(pairs.dtype),
                np.asarray(batch.column(0).indices), out=part, mode="clip")  # fmt: skip
        part += (
            codes[1]
            .astype(pairs.dtype)
            .take(np.asarray(batch.column(1).indices), mode="clip")
        )
        at += size
    return pairs, minutes.ravel(), count.ravel()


def _index_in(values: Any, value_set: Any) -> Any:
    """Each of *values*' index in *value_set* (``-1`` when absent)."""
    import pyarrow.compute as pc  # noqa: PLC0415

    return pc.index_in(values, value_set=value_set).fill_null(-1)


def _runs(np: Any, column: Any) -> tuple[Any, Any]:
    """Where a chunked dictionary column's value changes, and each run's value.

    Read chunk by chunk from the codes (no row-long copy, no unified
    dictionary): a run begins where the code changes, unless the value does
    not (an entry repeated in a dictionary, or a run going on from the chunk
    before). Returns the rows where runs begin and their values (text).

    Example:
        >>> import numpy as np, pyarrow as pa
        >>> column = pa.chunked_array([pa.array(["a", "a", "b"]).dictionary_encode(),
        ...                            pa.array(["b", "c"]).dictionary_encode()])
        >>> starts, values = _runs(np, column)
        >>> starts.tolist(), values.to_pylist()
        ([0, 2, 4], ['a', 'b', 'c'])
    """
    pa = _arrow()
    import pyarrow.compute as pc  # noqa: PLC0415

    starts, values = [np.zeros(0, dtype=np.int64)], [pa.array([], pa.string())]
    at, previous = 0, None
    for chunk in column.chunks:
        if len(chunk):
            codes = np.asarray(chunk.indices)
            first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
            text = chunk.dictionary.take(pa.array(codes[first]))
            same = np.asarray(pc.equal(text[1:], text[:-1]), dtype=bool)
            keep = np.r_[previous is None or text[0].as_py() != previous, ~same]
            starts.append(first[keep] + at)
            values.append(text.filter(pa.array(keep)))
            previous = text[-1].as_py()
        at += len(chunk)
    return np.concatenate(starts), pa.concat_arrays(values)


def _first_appearance(np: Any, column: Any) -> tuple[Any, Any, Any, Any]:
    """Patients numbered by first appearance: codes, names, row order, group edges.

    *column* is a chunked dictionary column; its dictionaries may be in any
    order and hold unused or repeated entries (a pandas categorical). Rows
    are read as runs (see :func:`_runs`) and, unless each patient's rows
    are one run, numbered through one dictionary. Returns each row's patient
    number (``None`` when the rows are already grouped by patient, the common
    layout of a table written patient by patient: then patient *p*'s rows are
    those from ``edges[p]`` to the next edge), the names by number (an
    Arrow array of text), the rows
    sorted by patient (stable; ``None`` when grouped) and where each patient's
    rows begin in that order.
    """
    starts, values = _runs(np, column)
    if len(values.unique()) == len(values):  # one run per patient: grouped
        return None, values, None, starts
    column = _encoded(column, "patient_id", _arrow())
    codes = np.asarray(column.indices, dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    edges = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first_rows = order[edges]  # each code's first row
    appearance = np.argsort(first_rows, kind="stable")
    number = np.full(len(column.dictionary), -1, dtype=np.int64)
    number[ordered[edges][appearance]] = np.arange(len(edges))
    names = column.dictionary.take(column.indices.take(first_rows[appearance]))
    patient = number[codes]
    by_patient = np.argsort(patient, kind="stable")
    regrouped = patient[by_patient]
    return (
        patient,
        names,
        by_patient,
        np.flatnonzero(np.r_[True, regrouped[1:] != regrouped[:-1]]),
    )


def _on_window(rule: Any) -> bool:
    """Whether a course or record rule judges a cohort plan from its window alone.

    A cohort's plans keep no record (no diagnoses, measures, screens or
    authorizations), so a record rule's finding depends only on the program
    and the window, as a course rule's does; the record rules that read
    sessions (AUTH001, AUTH002) never apply without authorizations. A
    precondition of your own may read anything: such rules take the object path.
    """
    precondition = rule.precondition
    if precondition is None or precondition in _PROGRAM_PRECONDITIONS:
        return rule.check not in _READS_SESSIONS
    return precondition in _RECORD_PRECONDITIONS


def _groups(np: Any, values: Any) -> tuple[Any, Any]:
    """One row of each distinct value among *values* (integers), and each row's group.

    Groups are numbered by value. Values spanning a small range are grouped
    through a table of the range (no sort); others by :func:`_distinct`.
    """
    if not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if span > 4 * len(values) + 4096:  # a table at most this large
        _, first_at, inverse = _distinct(np, values)
        return first_at, inverse
    shifted = values - low
    present = np.zeros(span, dtype=bool)
    present[shifted] = True
    number = np.cumsum(present) - 1
    inverse = number[shifted]
    some_row = np.empty(int(number[-1]) + 1, dtype=np.int64)
    some_row[inverse] = np.arange(len(values))  # any row of each group will do
    return some_row, inverse


def _distinct(np: Any, values: Any) -> tuple[Any, Any, Any]:
    """Sorted distinct *values*, the index of each one's first row, and each row's group.

    ``numpy.unique`` by a stable sort (its hash path was slower here).
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = (
        np.r_[True, ordered[1:] != ordered[:-1]] if len(values) else np.zeros(0, bool)
    )
    groups = np.cumsum(starts) - 1
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = groups
    return ordered[starts], order[starts], inverse


# -- Dask -------------------------------------------------------------------------------


def validate_cohort_dask(
    sessions: Any,
    programs: Mapping[str, Program] | Iterable[Program] | str | Path,
    rules: RuleSet | None = None,
) -> Any:
    """Validate a Dask DataFrame of sessions, partitioned by patient; lazily.

    Every partition must hold all the rows of its patients (``set_index`` or
    ``shuffle`` on ``patient_id`` does that). Each partition is validated by
    :func:`validate_cohort`; the result is a Dask DataFrame of findings (call
    ``.compute()``), the same rows as validating the whole table at once,
    with text as strings rather than categories (each partition's categories
    would be its own). Point Dask at a cluster (``distributed.Client("tcp://scheduler:8786")``)
    and the partitions are validated there.

    Example:
        >>> import datetime as dt
        >>> import dask.dataframe as dd
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.cohort import sessions_table, validate_cohort_dask
        >>> from iopmodel.examples import evening_iop
        >>> plans = [TreatmentPlan.from_program(evening_iop(), patient_id=f"p{n}",
        ...                                     start=dt.date(2026, 3, 2 + n), days=30)
        ...          for n in range(4)]
        >>> frame = sessions_table(plans).to_pandas()
        >>> parts = dd.from_pandas(frame, npartitions=2, sort=False).shuffle("patient_id")
        >>> found = validate_cohort_dask(parts, [evening_iop()]).compute()
        >>> len(found) == validate_cohort(sessions_table(plans), [evening_iop()]).num_rows
        True
    """
    if not callable(getattr(sessions, "map_partitions", None)):
        raise InvalidTypeError("sessions", sessions, "a Dask DataFrame")
    check_arg(optional_instance_of(RuleSet), "rules", rules)
    known = load_programs(programs)
    # text as strings: each partition's categories would be its own
    strings = _text_of([], []).schema
    empty = strings.empty_table().to_pandas()

    def one(partition: Any) -> Any:
        if not len(partition):
            return empty
        return validate_cohort(partition, known, rules).cast(strings).to_pandas()

    return sessions.map_partitions(one, meta=empty)
