"""The command line's format commands: export, schema, and validate with several files."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import icalendar
import jsonschema
import pytest

from iopmodel import Episode, LevelOfCare, Program, TreatmentPlan
from iopmodel.cli import main
from iopmodel.examples import evening_iop
from iopmodel.fhir import from_fhir
from iopmodel.serialization import from_json, from_toml, to_json

PROGRAMS = Path(__file__).parent.parent / "examples" / "programs"
EVENING = str(PROGRAMS / "evening-iop.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    plan = TreatmentPlan.from_program(
        evening_iop(), patient_id="p-1", start=dt.date(2026, 3, 2), days=14
    )
    path = tmp_path / "plan.json"
    path.write_text(to_json(plan))
    return path


class TestExport:
    def test_program_to_fhir_and_back(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A TOML program becomes a FHIR bundle that reads back as the same program."""
        status, out, err = run(
            capsys, "export", "--format", "fhir", "--start", "2026-03-02", EVENING
        )
        assert (status, err) == (0, "")
        program: Program = from_toml((PROGRAMS / "evening-iop.toml").read_text())
        assert from_fhir(out) == program

    def test_plan_and_episode_to_fhir(
        self, capsys: pytest.CaptureFixture[str], plan_file: Path, tmp_path: Path
    ) -> None:
        """Plans and episodes need no --start; -o writes the file."""
        target = tmp_path / "bundle.json"
        status, _, _ = run(
            capsys, "export", "--format", "fhir", str(plan_file), "-o", str(target)
        )
        assert status == 0
        assert isinstance(from_fhir(target.read_text()), TreatmentPlan)
        episode = Episode(patient_id="p-2").admit(
            LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2)
        )
        path = tmp_path / "episode.json"
        path.write_text(to_json(episode))
        status, out, _ = run(capsys, "export", "--format", "fhir", str(path))
        assert (status, from_fhir(out)) == (0, episode)

    def test_program_needs_start(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Exporting a program's timings without --start is a one-line error, exit 2."""
        status, out, err = run(capsys, "export", "--format", "fhir", EVENING)
        assert (status, out) == (2, "")
        assert "--start is needed" in err

    def test_ics(self, capsys: pytest.CaptureFixture[str], plan_file: Path) -> None:
        """A program's calendar is recurring events; a plan's, one event per session."""
        status, out, _ = run(capsys, "export", "--format", "ics", EVENING,
                             "--start", "2026-03-02", "--end", "2026-04-01")  # fmt: skip
        assert status == 0
        events = list(icalendar.Calendar.from_ical(out).walk("VEVENT"))
        program: Program = from_toml((PROGRAMS / "evening-iop.toml").read_text())
        assert len(events) == len(program.templates)
        assert all("RRULE" in event for event in events)
        status, out, _ = run(capsys, "export", "--format", "ics", str(plan_file))
        assert status == 0
        assert out.count("BEGIN:VEVENT") == 8
        status, _, err = run(capsys, "export", "--format", "ics", EVENING)
        assert status == 2
        assert "--start and --end" in err

    def test_json_and_toml(self, capsys: pytest.CaptureFixture[str]) -> None:
        """JSON and TOML out of the same document load back equal."""
        program: Program = from_toml((PROGRAMS / "evening-iop.toml").read_text())
        _, out, _ = run(capsys, "export", "--format", "json", EVENING)
        assert from_json(out) == program
        _, out, _ = run(capsys, "export", "--format", "toml", EVENING)
        assert tomllib.loads(out)["model"] == "program"
        assert from_toml(out) == program

    def test_wrong_document_for_fhir(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A session is not something FHIR export takes."""
        path = tmp_path / "session.json"
        path.write_text(to_json(evening_iop().cycle().sessions[0]))
        status, _, err = run(capsys, "export", "--format", "fhir", str(path))
        assert status == 2
        assert "not a Session" in err


class TestSchema:
    def test_list_models(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without a model, the models are listed."""
        status, out, _ = run(capsys, "schema")
        assert status == 0
        assert "program" in out.split()

    def test_print_and_use(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The printed schema validates a program document."""
        status, out, _ = run(capsys, "schema", "program")
        assert status == 0
        document = json.loads(to_json(evening_iop()))
        jsonschema.Draft202012Validator(json.loads(out)).validate(document)

    def test_unknown_model(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown model is a one-line error listing the known ones, exit 2."""
        status, _, err = run(capsys, "schema", "programme")
        assert status == 2
        assert "'program'" in err
        assert err.count("\n") == 1


class TestValidateSeveral:
    def test_summary_and_worst_exit(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Each file is reported; a summary line; the exit status is the worst."""
        bad = tmp_path / "bad.toml"
        bad.write_text('schema_version = 1\nname = "x"\n')
        files = [str(p) for p in sorted(PROGRAMS.glob("*.toml"))]
        status, out, _ = run(capsys, "validate", *files)
        assert status == 0
        assert out.count("== ") == len(files)
        assert out.rstrip().endswith(
            f"{len(files)} files: {len(files)} ok, 0 with error findings, "
            "0 unreadable or invalid"
        )
        status, out, err = run(capsys, "validate", *files, str(bad))
        assert status == 2
        assert f"{bad}: " in err
        assert "1 unreadable or invalid" in out

    def test_findings_beat_ok(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A file with error findings makes the run exit 1."""
        thin = Program(name="Thin", level=LevelOfCare.INTENSIVE_OUTPATIENT,
                       population=evening_iop().population, timezone="UTC",
                       templates=evening_iop().templates[1:])  # fmt: skip
        path = tmp_path / "thin.json"
        path.write_text(to_json(thin))
        status, out, _ = run(capsys, "validate", EVENING, str(path))
        assert status == 1
        assert "1 with error findings" in out

    def test_json_is_one_document(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """With --format json, stdout is one JSON array; the summary goes to stderr."""
        bad = tmp_path / "bad.json"
        bad.write_text("{")
        status, out, err = run(
            capsys, "validate", "--format", "json", EVENING, str(bad)
        )
        assert status == 2
        reports = json.loads(out)
        assert [r["file"] for r in reports] == [EVENING, str(bad)]
        assert reports[0]["report"]["model"] == "validation_report"
        assert "not valid JSON" in reports[1]["error"]
        assert err.strip().endswith(
            "2 files: 1 ok, 0 with error findings, 1 unreadable or invalid"
        )
