"""The iopmodel command line: exit codes, outputs and errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from iopmodel import DischargeReason, LevelOfCare, Program, SessionKind, TreatmentPlan
from iopmodel.cli import main
from iopmodel.examples import evening_iop
from iopmodel.ics import to_ics
from iopmodel.serialization import load, to_json

PROGRAMS = Path(__file__).parent.parent / "examples" / "programs"
EVENING = str(PROGRAMS / "evening-iop.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class TestValidate:
    def test_valid_program_exits_zero(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A valid design prints an OK report and exits 0."""
        status, out, err = run(capsys, "validate", EVENING)
        assert (status, err) == (0, "")
        assert out.startswith("Evening IOP (program design), rules 'default': OK")

    def test_error_findings_exit_one(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A plan with an error finding exits 1; JSON output is a report document."""
        plan = (
            TreatmentPlan.from_program(
                evening_iop(), patient_id="p-1", start=dt.date(2026, 3, 2), days=91
            )
            .review(dt.date(2026, 4, 20))
            .discharge(dt.date(2026, 6, 1), DischargeReason.GOALS_MET)
        )
        path = tmp_path / "plan.json"
        path.write_text(to_json(plan))
        status, out, _ = run(capsys, "validate", str(path))
        assert status == 1
        assert "AFT001" in out
        status, out, _ = run(capsys, "validate", str(path), "--format", "json")
        report = json.loads(out)
        assert status == 1
        assert report["model"] == "validation_report"
        assert [f["rule_id"] for f in report["findings"]] == ["AFT001"]

    def test_rule_sets(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """--rules medicare-2024 applies Medicare's exclusive 20-hour limit."""
        text = (PROGRAMS / "evening-iop.toml").read_text()
        path = tmp_path / "twenty.toml"
        path.write_text(
            text.replace("duration_minutes = 180", "duration_minutes = 380")
        )
        assert run(capsys, "validate", str(path))[0] == 0
        status, out, _ = run(capsys, "validate", str(path), "--rules", "medicare-2024")
        assert status == 1
        assert "Medicare IOP 2024" in out

    def test_bad_input_exits_two(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """An invalid file is one line on stderr naming file and paths, exit 2."""
        path = tmp_path / "bad.toml"
        path.write_text('schema_version = 1\nname = "x"\nlevel = "iop"\n')
        status, out, err = run(capsys, "validate", str(path))
        assert (status, out) == (2, "")
        assert err.count("\n") == 1
        assert err.startswith(f"iopmodel: error: {path}: 3 problems: $.level: unknown")
        assert "Traceback" not in err

    def test_missing_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing file is a one-line error, exit 2."""
        status, _, err = run(capsys, "validate", "no-such-file.json")
        assert status == 2
        assert "cannot read the file" in err

    def test_wrong_document(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A session document is not something to validate."""
        path = tmp_path / "session.json"
        path.write_text(to_json(evening_iop().cycle().sessions[0]))
        status, _, err = run(capsys, "validate", str(path))
        assert status == 2
        assert "expected a program or a treatment plan" in err


class TestSchedule:
    def test_text(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The text schedule lists sessions in local time and weekly hours."""
        status, out, _ = run(
            capsys, "schedule", EVENING, "--start", "2026-03-02", "--end", "2026-03-16"
        )
        assert status == 0
        assert "Mon 2026-03-09 18:00-21:00 EDT" in out
        assert "week of 2026-03-02:    10 h" in out

    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """JSON output carries every session with its zone."""
        status, out, _ = run(
            capsys, "schedule", EVENING, "--start", "2026-03-02", "--end", "2026-03-09",
            "--format", "json",
        )  # fmt: skip
        document = json.loads(out)
        assert status == 0
        assert len(document["sessions"]) == 5
        assert (
            document["sessions"][0]["start"]
            == "2026-03-02T18:00:00-05:00[America/New_York]"
        )

    def test_ics_parses_back(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The .ics file parses back to the same sessions, with VTIMEZONE."""
        target = tmp_path / "evening.ics"
        status, _, _ = run(
            capsys, "schedule", EVENING, "--start", "2026-02-23", "--end", "2026-03-16",
            "--format", "ics", "--output", str(target),
        )  # fmt: skip
        assert status == 0
        calendar = icalendar.Calendar.from_ical(target.read_bytes())
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
        events = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
        program = load(EVENING, Program)
        sessions = program.schedule(dt.date(2026, 2, 23), dt.date(2026, 3, 16))
        parsed = sorted((e.start, e.end, e.categories[0]) for e in events)
        expected = sorted((s.start, s.end, s.kind.value) for s in sessions)
        assert parsed == expected
        zones = {getattr(start, "tzinfo", None) for start, _, _ in parsed}
        assert zones == {program.timezone}
        assert len({e["uid"] for e in events}) == len(events)

    def test_cancelled_sessions_in_ics(self) -> None:
        """Cancelled sessions are exported with STATUS:CANCELLED."""
        program = evening_iop()
        monday = dt.datetime(2026, 3, 2, 18, tzinfo=program.timezone)
        week = program.schedule(
            dt.date(2026, 3, 2), dt.date(2026, 3, 9), cancel=[monday]
        )
        text = to_ics(week, calendar_name="x").decode()
        assert text.count("STATUS:CANCELLED") == 1
        assert week[0].kind is SessionKind.GROUP_THERAPY

    def test_end_before_start(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A reversed window is a one-line error."""
        status, _, err = run(
            capsys, "schedule", EVENING, "--start", "2026-03-09", "--end", "2026-03-02"
        )
        assert status == 2
        assert "must be after" in err

    def test_bad_date_option(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A malformed date option is argparse's usage error, exit 2."""
        with pytest.raises(SystemExit) as info:
            main(["schedule", EVENING, "--start", "March 2", "--end", "2026-03-09"])
        assert info.value.code == 2
        assert "not an ISO date" in capsys.readouterr().err


class TestOther:
    def test_levels(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The levels table shows each framework's codes."""
        status, out, _ = run(capsys, "levels")
        assert status == 0
        assert "Intensive outpatient" in out
        rows = json.loads(run(capsys, "levels", "--format", "json")[1])
        iop = next(r for r in rows if r["key"] == "intensive_outpatient")
        assert (iop["asam_3"], iop["asam_4"], iop["locus"]) == ("2.1", "2.1", "3")

    def test_levels_columns_line_up(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Every row's columns start where the header's do, longest names included."""
        out = run(capsys, "levels")[1]
        header, rule, *lines = out.splitlines()
        rows = lines[: lines.index("")]
        assert len(rows) == len(LevelOfCare)
        setting = header.index("setting")
        locus_end = header.index("LOCUS") + len("LOCUS")
        longest = max(rows, key=lambda row: row.index("  "))
        assert longest.startswith("Medically managed intensive inpatient withdrawal")
        for row in rows:
            assert row[setting - 2 : setting] == "  ", row
            assert row[setting].isalpha(), row
            assert row[locus_end - 1] != " ", row  # LOCUS codes right-aligned
            assert row == row.rstrip()
        assert len(rule) >= len(header)

    def test_demo(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The demo shows a schedule, a report and a pathway ending in discharge."""
        status, out, _ = run(capsys, "demo")
        assert status == 0
        assert "weekly program hours: 10 h" in out
        assert "HRS001" in out
        assert "discharge_to_aftercare" in out
        assert "discharged:" in out
        assert "start_service" in out  # withdrawal management beside IOP
        assert "Withdrawal management beside the level" in out

    @pytest.mark.parametrize("command", ["validate", "schedule", "levels", "demo"])
    def test_help(self, command: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Every command has --help."""
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        assert "usage: iopmodel" in capsys.readouterr().out

    def test_closed_pipe_is_quiet(self) -> None:
        """Piping into a reader that stops early (| head) is not an error."""
        pipe = subprocess.Popen(  # noqa: S603 - more output than a pipe buffer holds
            [sys.executable, "-m", "iopmodel", "schedule", EVENING,
             "--start", "2026-01-01", "--end", "2030-12-31"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert pipe.stdout is not None
        assert pipe.stdout.readline().startswith(b"Evening IOP")
        pipe.stdout.close()
        _, err = pipe.communicate()
        assert pipe.returncode == 0
        assert err == b""

    def test_python_dash_m(self) -> None:
        """Python -m iopmodel runs the same command line."""
        result = subprocess.run(
            [sys.executable, "-m", "iopmodel", "levels"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert "LOCUS" in result.stdout
