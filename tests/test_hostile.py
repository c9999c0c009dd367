"""Hostile input (issue 16): every reproducer is a test.

Never leak (only ``IopModelError`` escapes), never hang (budgets are checked
before work), never echo (free text never appears in an error).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import attrs
import pytest

from iopmodel import (
    Attendance,
    DocumentError,
    InvalidValueError,
    LevelOfCare,
    Population,
    Program,
    Session,
    SessionKind,
    SessionTemplate,
    TreatmentPlan,
    UnknownCodeError,
)
from iopmodel.errors import MAX_PROBLEMS
from iopmodel.examples import evening_iop
from iopmodel.ics import to_ics
from iopmodel.programs import MAX_SCHEDULE_DAYS, MAX_SCHEDULE_SESSIONS
from iopmodel.schedules import MAX_CACHED_SESSIONS, expand_template
from iopmodel.serialization import (
    KINDS,
    Limits,
    from_dict,
    from_json,
    from_toml,
    load,
    to_dict,
    to_json,
)
from iopmodel.sessions import EARLIEST_DATE, LATEST_DATE
from iopmodel.sources import LIBRARY_DEFAULT
from iopmodel.standards import DEFAULT_STANDARD, HoursBand

NY = ZoneInfo("America/New_York")
PROSE = "PATIENT DISCLOSED RELAPSE AFTER HER SISTER'S FUNERAL"
EVENING = str(
    Path(__file__).parent.parent / "examples" / "programs" / "evening-iop.toml"
)


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a guard, not a timing assertion)."""

    def fail(*_: object) -> None:
        pytest.fail(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def program_doc() -> dict[str, object]:
    return to_dict(evening_iop())


def template(rrule: str, **changes: object) -> SessionTemplate:
    fields: dict[str, object] = {
        "kind": SessionKind.GROUP_THERAPY,
        "rrule": rrule,
        "start_time": dt.time(18),
        "duration": dt.timedelta(hours=3),
    }
    fields.update(changes)
    return SessionTemplate(**fields)  # type: ignore[arg-type]


def messages(error: DocumentError) -> str:
    return str(error) + "".join(p + m for p, m in error.problems)


class TestLeaks:
    def test_lone_surrogate_in_json_is_refused_with_a_path(self) -> None:
        """A lone surrogate in any string is a DocumentError naming the path."""
        document = program_doc()
        document["name"] = "\ud800"
        for text in (json.dumps(document), json.dumps(document, ensure_ascii=False)):
            with pytest.raises(DocumentError) as info:
                from_json(text)
            assert info.value.problems[0][0] == "$.name"
            assert "surrogate" in info.value.problems[0][1]

    def test_lone_surrogate_in_toml(self) -> None:
        """TOML text with a lone surrogate is refused with a path, not UnicodeEncodeError."""
        with pytest.raises(DocumentError) as info:
            from_toml('schema_version = 1\nname = "\ud800"\n')
        assert "$.name" in dict(info.value.problems)

    @pytest.mark.parametrize(
        "build",
        [
            lambda: attrs.evolve(evening_iop(), name="\udfff"),
            lambda: template("FREQ=DAILY", title="a\ud800b"),
            lambda: TreatmentPlan(
                patient_id="\ud800", program=evening_iop(), start=dt.date(2026, 3, 2)
            ),
        ],
    )
    def test_constructors_refuse_unencodable_text(self, build: object) -> None:
        """Every string a constructor accepts can be dumped and loaded back."""
        with pytest.raises(InvalidValueError, match="UTF-8"):
            build()  # type: ignore[operator]

    @pytest.mark.parametrize("exponent", ["1e100000000", "1e10000000", "1e-100000000"])
    def test_huge_exponent_is_refused_before_parsing(self, exponent: str) -> None:
        """An hours value with a huge exponent is refused at once (it hung for minutes)."""
        band = to_dict(
            DEFAULT_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT, Population.ADULT)
        )
        band["minimum"] = exponent
        with within(5), pytest.raises(DocumentError) as info:
            from_dict(band)
        assert "exponent" in dict(info.value.problems)["$.minimum"]

    def test_huge_hours_never_break_repr_or_json(self) -> None:
        """Numbers too large to print are refused, so repr() and to_json() always work."""
        for value in (10**5000, "9" * 41):
            with pytest.raises(InvalidValueError):
                HoursBand(minimum=value, minimum_source=LIBRARY_DEFAULT)

    def test_zone_that_is_a_directory(self) -> None:
        """Program(timezone='America') is an unknown zone, not IsADirectoryError."""
        with pytest.raises(UnknownCodeError):
            Program(
                name="x",
                level=LevelOfCare.INTENSIVE_OUTPATIENT,
                population=Population.ADULT,
                timezone="America",
            )

    def test_nul_in_file_name(self) -> None:
        """A NUL in a file name is a DocumentError, not ValueError."""
        with pytest.raises(DocumentError, match="NUL"):
            load("a\x00.json")

    @pytest.mark.parametrize(
        "start",
        [
            dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
            dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        ],
    )
    def test_calendar_edges(self, start: dt.datetime) -> None:
        """Sessions at the edges of years 1 and 9999 are refused, never overflow."""
        with pytest.raises(InvalidValueError, match="between"):
            Session(
                kind=SessionKind.GROUP_THERAPY,
                start=start,
                duration=dt.timedelta(hours=3),
            )
        with pytest.raises(InvalidValueError):
            evening_iop().schedule(start.date(), start.date().replace(day=2))

    def test_supported_calendar_ends_work(self) -> None:
        """The first and last supported days schedule, localize and dump without overflow."""
        program = evening_iop()
        for first in (
            EARLIEST_DATE,
            LATEST_DATE - dt.timedelta(days=MAX_SCHEDULE_DAYS),
        ):
            sessions = program.schedule(
                first, first + dt.timedelta(days=MAX_SCHEDULE_DAYS)
            )
            assert sessions
            assert from_json(to_json(sessions[-1])) == sessions[-1]

    def test_from_program_days_overflow(self) -> None:
        """A huge number of days is refused before any date arithmetic."""
        with pytest.raises(InvalidValueError, match="days"):
            TreatmentPlan.from_program(
                evening_iop(), patient_id="p", start=dt.date(2026, 1, 1), days=10**9
            )


class TestHangs:
    @pytest.mark.parametrize(
        "rrule",
        [
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6",
            "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
        ],
    )
    def test_rules_that_never_match_are_refused(self, rrule: str) -> None:
        """A rule that can never match is refused at construction, after a bounded search."""
        with within(5), pytest.raises(InvalidValueError, match="never match"):
            template(rrule)

    @pytest.mark.parametrize(
        ("rrule", "part"),
        [("FREQ=DAILY;INTERVAL=0", "INTERVAL"), ("FREQ=DAILY;BYMONTH=13", "BYMONTH")],
    )
    def test_out_of_range_parts(self, rrule: str, part: str) -> None:
        """INTERVAL=0 (an endless expansion) and BYMONTH=13 are refused by part."""
        with pytest.raises(InvalidValueError, match=f"part 2 \\({part}\\)"):
            template(rrule)

    def test_interval_that_skips_every_matching_day(self) -> None:
        """Every 7 days from a Monday, on Tuesdays: nothing, at once (no scan to 9999)."""
        rule = template("FREQ=DAILY;INTERVAL=7;BYDAY=TU")
        with within(5):
            assert not expand_template(
                rule, NY, dt.date(2026, 3, 2), dt.date(2026, 3, 30)
            )
            week = expand_template(rule, NY, dt.date(2026, 3, 3), dt.date(2026, 3, 30))
        assert [s.start.day for s in week] == [3, 10, 17, 24]

    def test_deep_dotted_toml_keys(self) -> None:
        """48 KB of dotted keys is refused before tomllib (5.4 s and 2.2 GB before)."""
        for text in ("a" + ".a" * 24_000 + " = 1\n", "[" + "a." * 24_000 + "a]\n"):
            with within(5), pytest.raises(DocumentError, match="deeper than the limit"):
                from_toml(text)

    def test_toml_depth_ignores_dots_in_strings_and_values(self) -> None:
        """Dots in strings, comments and numbers do not count toward key depth."""
        text = (
            Path(EVENING).read_text()
            + "\n# a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f\n"
        )
        assert from_toml(text, limits=Limits(max_depth=4)).name == "Evening IOP"

    def test_plan_from_year_1_to_9999(self) -> None:
        """An 851-byte plan spanning the calendar is refused, not validated for 12 s."""
        document = to_dict(
            TreatmentPlan.from_program(
                evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=7
            )
        )
        document["start"] = "0001-01-01"
        document["planned_discharge"] = "9999-12-31"
        with within(5), pytest.raises(DocumentError):
            from_dict(document)

    def test_plan_window_bounded_by_the_schedule_cap(self) -> None:
        """A planned discharge more than MAX_SCHEDULE_DAYS after the start is refused."""
        start = dt.date(2026, 3, 2)
        with pytest.raises(InvalidValueError, match="planned_discharge"):
            TreatmentPlan(
                patient_id="p",
                program=evening_iop(),
                start=start,
                planned_discharge=start + dt.timedelta(days=MAX_SCHEDULE_DAYS + 1),
            )

    def test_session_cap_checked_before_expansion(self) -> None:
        """1,000 daily templates over 1,830 days (1.83 M sessions) are refused at once."""
        daily = [template("FREQ=DAILY", title=f"t{i}") for i in range(1000)]
        program = attrs.evolve(evening_iop(), templates=daily)
        start = dt.date(2026, 1, 1)
        with within(5), pytest.raises(InvalidValueError, match="over the limit"):
            program.schedule(start, start + dt.timedelta(days=MAX_SCHEDULE_DAYS))
        assert (
            sum(t.occurrence_bound(MAX_SCHEDULE_DAYS) for t in daily)
            > MAX_SCHEDULE_SESSIONS
        )

    def test_expansion_cache_is_bounded(self) -> None:
        """The expansion cache holds at most its budget of sessions, least recent out."""
        from iopmodel.schedules import _expand, _ExpansionCache  # noqa: PLC0415

        cache = _ExpansionCache(_expand, max_sessions=100)
        start = dt.date(2026, 1, 1)
        rules = [template("FREQ=DAILY", title=f"cache {i}") for i in range(10)]
        for rule in rules:
            cache(rule, NY, start, start + dt.timedelta(days=30))
        info = cache.cache_info()
        assert (info.misses, info.maxsize, info.currsize) == (10, 100, 90)
        cache(rules[-1], NY, start, start + dt.timedelta(days=30))
        assert cache.cache_info().hits == 1
        cache(rules[0], NY, start, start + dt.timedelta(days=30))  # was dropped
        assert cache.cache_info().misses == 11
        assert expand_template.cache_info().maxsize == MAX_CACHED_SESSIONS


class TestEchoes:
    def test_unknown_key_of_prose(self) -> None:
        """A long or non-identifier unknown key is described by length, never printed."""
        document = program_doc()
        document[PROSE] = 1
        document["colour"] = 2
        with pytest.raises(DocumentError) as info:
            from_dict(document)
        assert PROSE not in messages(info.value)
        assert (
            "$",
            f"an unknown key of {len(PROSE)} characters",
        ) in info.value.problems
        assert ("$.colour", "unknown key") in info.value.problems

    @pytest.mark.parametrize(
        "rrule", [f"FREQ=WEEKLY;ZQX {PROSE}", f"FREQ=DAILY;UNTIL={PROSE}", PROSE]
    )
    def test_rrule_parts_by_position_and_kind(self, rrule: str) -> None:
        """A malformed RRULE part is named by position and kind, never quoted."""
        document = program_doc()
        document["templates"][0]["rrule"] = rrule  # type: ignore[index]
        with pytest.raises(DocumentError) as info:
            from_dict(document)
        text = messages(info.value)
        assert "PATIENT" not in text
        assert "RELAPSE" not in text
        with pytest.raises(InvalidValueError) as direct:
            template(rrule)
        assert "PATIENT" not in str(direct.value)

    def test_prose_in_a_deep_path(self) -> None:
        """Keys in paths are never printed unless they are short identifiers."""
        document = program_doc()
        document["x"] = {PROSE: [[[[[[[[[[1]]]]]]]]]]}
        with pytest.raises(DocumentError) as info:
            from_dict(document, limits=Limits(max_depth=5))
        assert "PATIENT" not in messages(info.value)

    def test_toml_errors_are_translated(self) -> None:
        """Tomllib's message is replaced by a position."""
        with pytest.raises(DocumentError) as info:
            from_toml(f'name = "x"\n{PROSE} = 1\n')
        assert info.value.problems == (("$", "not valid TOML (line 2, column 9)"),)


class TestOutputBounded:
    def test_problems_capped_with_a_count(self) -> None:
        """Megabytes of unknown keys give the first MAX_PROBLEMS problems and a count."""
        document = program_doc()
        document.update({f"key_{i}": i for i in range(50_000)})
        with pytest.raises(DocumentError) as info:
            from_dict(document)
        error = info.value
        assert len(error.problems) == MAX_PROBLEMS
        assert error.total == 50_000
        assert len(str(error)) < 10_000
        assert str(error).startswith(
            "50000 problems in the document (the first 100 shown)"
        )


class TestRoundTrips:
    def test_start_time_keeps_microseconds(self) -> None:
        """18:00:00.123456 survives a round trip (it became "18:00")."""
        for wall in (dt.time(18, 0, 0, 123456), dt.time(18, 0, 5), dt.time(18)):
            program = attrs.evolve(
                evening_iop(), templates=[template("FREQ=DAILY", start_time=wall)]
            )
            assert from_json(to_json(program)) == program
            assert from_json(to_json(program)).templates[0].start_time == wall

    def test_start_time_fold_is_refused(self) -> None:
        """A start_time with fold=1 cannot be written to a document, so it is refused."""
        with pytest.raises(InvalidValueError, match="fold"):
            template("FREQ=DAILY", start_time=dt.time(1, 30, fold=1))

    def test_dst_gap_refused_at_construction(self) -> None:
        """02:30 on a spring-forward night is refused when made, not when loaded."""
        with pytest.raises(InvalidValueError, match="daylight-saving gap"):
            Session(
                kind=SessionKind.GROUP_THERAPY,
                start=dt.datetime(2026, 3, 8, 2, 30, tzinfo=NY),
                duration=dt.timedelta(hours=1),
            )

    def test_the_two_half_past_ones_differ(self) -> None:
        """01:30 EDT and 01:30 EST are different sessions; each is found by itself."""
        first, second = (
            Session(
                kind=SessionKind.INDIVIDUAL_THERAPY,
                start=dt.datetime(2026, 11, 1, 1, 30, fold=fold, tzinfo=NY),
                duration=dt.timedelta(minutes=30),
            )
            for fold in (0, 1)
        )
        assert first != second
        assert len({first, second}) == 2
        plan = TreatmentPlan(
            patient_id="p", program=evening_iop(), start=dt.date(2026, 10, 26),
            sessions=[second, first],
        )  # fmt: skip
        assert plan.sessions == (first, second)
        plan = plan.record_attendance(second.start, Attendance.ATTENDED)
        assert [s.attendance for s in plan.sessions] == [
            Attendance.SCHEDULED,
            Attendance.ATTENDED,
        ]
        assert from_json(to_json(plan)) == plan

    def test_kinds_is_read_only(self) -> None:
        """serialization.KINDS cannot be changed by accident."""
        with pytest.raises(TypeError):
            KINDS["x"] = int  # type: ignore[index]

    def test_duration_error_names_the_stored_key(self) -> None:
        """duration_minutes=-5 is reported at duration_minutes, in minutes."""
        document = program_doc()
        document["templates"][0]["duration_minutes"] = -5  # type: ignore[index]
        with pytest.raises(DocumentError) as info:
            from_dict(document)
        assert info.value.problems == (
            (
                "$.templates[0].duration_minutes",
                "must be from 1 to 720 minutes, got -5",
            ),
        )

    def test_document_error_pickles_with_source(self) -> None:
        """DocumentError keeps its source, problems and total through pickling."""
        error = DocumentError([("$", "x")] * 150, source="plan.json")
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
        assert (copy.source, copy.problems, copy.total) == (
            "plan.json",
            error.problems,
            150,
        )
        assert str(copy) == str(error)

    def test_attendance_on_a_cancelled_session(self) -> None:
        """Recording attendance for a session the program cancelled is refused clearly."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=7
        ).cancel_session(dt.datetime(2026, 3, 2, 18, tzinfo=NY))
        with pytest.raises(InvalidValueError, match="cancelled by the program"):
            plan.record_attendance(plan.sessions[0], Attendance.ATTENDED)


class TestCalendarText:
    def test_line_breaks_in_the_calendar_name(self) -> None:
        """CR/LF in a name is escaped by the library, never an AssertionError or a new line."""
        program = attrs.evolve(evening_iop(), name="Evening\r\nX-EVIL:1\rY\nZ\x00")
        data = to_ics(
            program.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 3)),
            calendar_name=program.name,
        )
        lines = data.split(b"\r\n")
        assert b"X-WR-CALNAME:Evening\\nX-EVIL:1\\nY\\nZ " in lines
        assert not any(line.startswith(b"X-EVIL") for line in lines)
        assert b"\r" not in data.replace(b"\r\n", b"")


def cli(
    *argv: str,
    stdout: int | IO[bytes] = subprocess.PIPE,
    stdin_bytes: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "iopmodel", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        input=stdin_bytes,
        check=False,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[bytes], status: int = 2) -> str:
    err = result.stderr.decode()
    assert result.returncode == status, err
    assert err.count("\n") == 1, err
    assert err.startswith("iopmodel: ")
    assert "Traceback" not in err
    return err


WEEK = ("--start", "2026-03-02", "--end", "2026-03-09")


class TestCommandLine:
    @pytest.mark.parametrize(
        ("target", "reason"),
        [(".", "is a directory"), ("missing-folder/x.ics", "no such file")],
    )
    def test_output_file_errors(self, tmp_path: Path, target: str, reason: str) -> None:
        """-o to a directory or a missing folder is a one-line error, exit 2."""
        result = cli(
            "schedule", EVENING, *WEEK, "--format", "ics", "-o", str(tmp_path / target)
        )
        assert reason in one_line_error(result)

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
    def test_full_disk(self) -> None:
        """-o /dev/full and stdout to /dev/full are one-line errors, exit 2."""
        result = cli("schedule", EVENING, *WEEK, "--format", "ics", "-o", "/dev/full")
        assert "no space left" in one_line_error(result)
        with Path("/dev/full").open("wb") as full:
            result = cli("levels", stdout=full)
        assert "no space left" in one_line_error(result)

    def test_stdout_closed(self) -> None:
        """Started with standard output closed (>&-): a one-line error, exit 2."""
        result = subprocess.run(
            [sys.executable, "-m", "iopmodel", "levels"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
            preexec_fn=lambda: os.close(1),
        )  # fmt: skip
        assert "standard output is closed" in one_line_error(result)

    @pytest.mark.parametrize(
        "dates",
        [
            ("--start", "2026-03-02", "--end", "9999-12-31"),
            ("--start", "0001-01-01", "--end", "0001-01-09"),
        ],
    )
    def test_overflowing_dates_are_refused_as_arguments(
        self, dates: tuple[str, ...]
    ) -> None:
        """Dates outside the supported calendar are argparse errors, exit 2."""
        result = cli("schedule", EVENING, *dates)
        assert result.returncode == 2
        assert "outside the supported calendar" in result.stderr.decode()
        assert "Traceback" not in result.stderr.decode()

    def test_ctrl_c_exits_130(self) -> None:
        """Ctrl-C during a long command exits 130 with one line, no traceback."""
        code = (
            "import sys, time, iopmodel.cli as cli\n"
            "def slow(args, out):\n"
            "    print('ready', file=sys.stderr, flush=True); time.sleep(30)\n"
            "cli._cmd_levels = slow\n"
            "sys.exit(cli.main(['levels']))\n"
        )
        child = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert child.stderr is not None
        assert child.stderr.readline() == b"ready\n"
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
        assert child.returncode == 130
        assert err == b"iopmodel: error: interrupted\n"

    def test_far_planned_discharge_is_refused_with_exit_2(self, tmp_path: Path) -> None:
        """A 1 KB plan with planned_discharge 9999-12-30: one line, exit 2, no work."""
        document = to_dict(
            TreatmentPlan.from_program(
                evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=7
            )
        )
        document["sessions"] = []
        document["planned_discharge"] = "9999-12-30"
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(document))
        assert path.stat().st_size < 2048
        assert "planned_discharge" in one_line_error(cli("validate", str(path)))

    def test_devices_and_fifos_are_refused(self, tmp_path: Path) -> None:
        """Only regular files are read: /dev/zero and a FIFO with no writer are refused."""
        fifo = tmp_path / "plan.json"
        os.mkfifo(fifo)
        device = tmp_path / "zero.json"
        device.symlink_to("/dev/zero")
        for path in ("/dev/zero", str(fifo), str(device)):
            assert "not a regular file" in one_line_error(cli("validate", path))

    def test_stdin(self) -> None:
        """- reads standard input with the same limits, typed by --input-format."""
        text = Path(EVENING).read_bytes()
        result = cli("validate", "-", "--input-format", "toml", stdin_bytes=text)
        assert result.returncode == 0
        assert result.stdout.startswith(b"Evening IOP")
        assert "--input-format" in one_line_error(
            cli("validate", "-", stdin_bytes=text)
        )
        huge = b" " * (Limits().max_bytes + 1)
        result = cli("validate", "-", "--input-format", "json", stdin_bytes=huge)
        assert "over the limit" in one_line_error(result)

    def test_calendar_name_with_line_breaks(self, tmp_path: Path) -> None:
        """A program name with CR/LF exports to .ics with the break escaped."""
        path = tmp_path / "crlf.toml"
        path.write_text(
            Path(EVENING)
            .read_text()
            .replace('name = "Evening IOP"', 'name = "A\\r\\nB"')
        )
        result = cli("schedule", str(path), *WEEK, "--format", "ics")
        assert result.returncode == 0, result.stderr
        assert b"X-WR-CALNAME:A\\nB\r\n" in result.stdout
