"""Argument checks at public entry points (what the API walk found, one test each).

The walk in ``test_api_walk.py`` proves that only ``IopModelError`` escapes;
these tests pin down *which* error, naming which parameter, and that valid
arguments still work.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import attrs
import pytest

from iopmodel import ClinicalFacts, DocumentError, TreatmentPlan
from iopmodel.cohort import findings_table, load_programs, sessions_table
from iopmodel.consent import sections_of
from iopmodel.diagnoses import co_occurring
from iopmodel.episodes import TRANSITIONS, EpisodeStatus, LevelChange, Move, Transition
from iopmodel.errors import InvalidTypeError, InvalidValueError, OutputError
from iopmodel.examples import adolescent_iop, evening_iop
from iopmodel.fhir import from_fhir
from iopmodel.measures import GAD_7, instrument
from iopmodel.recommendations import decision_table
from iopmodel.rules import DEFAULT_RULES, Subject, hours, mix, record
from iopmodel.rules.batch import validate_many
from iopmodel.schema import write_schemas
from iopmodel.tables import sessions_frame
from iopmodel.weeks import summarize_weeks


def _plan() -> TreatmentPlan:
    return TreatmentPlan.from_program(
        evening_iop(), patient_id="p1", start=dt.date(2026, 3, 2), days=14
    )


# -- write_schemas --------------------------------------------------------------------


def test_write_schemas_still_writes_every_schema(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert len(written) > 10
    assert all(p.is_file() and p.parent == tmp_path / "out" for p in written)


def test_write_schemas_wraps_os_errors_without_echoing_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    note = "Patient disclosed a relapse"
    with pytest.raises(OutputError) as caught:
        write_schemas(blocker / note)
    assert isinstance(caught.value, OSError)
    assert "schema directory" in str(caught.value)
    assert note not in str(caught.value)
    assert str(blocker) not in str(caught.value)


def test_write_schemas_refuses_a_name_the_system_cannot_take(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a valid path"):
        write_schemas(tmp_path / "nul\0byte")


@pytest.mark.parametrize(
    ("directory", "error"),
    [("", InvalidValueError), (5, InvalidTypeError), (b"out", InvalidTypeError)],
)
def test_write_schemas_checks_its_argument(
    directory: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=r"^directory: "):
        write_schemas(directory)  # type: ignore[arg-type]


def test_output_error_pickles() -> None:
    error = OutputError("schema directory", "permission denied")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (type(again), str(again), again.what, again.reason) == (
        OutputError,
        str(error),
        "schema directory",
        "permission denied",
    )


# -- cohort ---------------------------------------------------------------------------


def test_load_programs_reports_file_problems_as_document_errors(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read the file"):
        load_programs(tmp_path / "missing.toml")
    with pytest.raises(DocumentError, match="it is a directory"):
        load_programs(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[programs]\n")
    with pytest.raises(DocumentError, match="not valid TOML") as caught:
        load_programs(bad)
    assert caught.value.source == str(bad)


def test_load_programs_checks_its_argument() -> None:
    with pytest.raises(InvalidTypeError, match=r"^programs: "):
        load_programs(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"^programs: "):
        load_programs("")
    with pytest.raises(InvalidTypeError, match=r"^programs: expected Program"):
        load_programs({"Evening IOP": "evening"})  # type: ignore[arg-type]
    assert load_programs({"x": evening_iop()}) == {"x": evening_iop()}
    assert sorted(load_programs(p for p in (evening_iop(), adolescent_iop()))) == [
        "Adolescent IOP",
        "Evening IOP",
    ]


def test_cohort_tables_check_their_plans() -> None:
    with pytest.raises(InvalidTypeError, match=r"^plans: expected a collection"):
        sessions_table("p1")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^plans\[1\]: expected TreatmentPlan"):
        findings_table([_plan(), None])  # type: ignore[list-item]
    assert sessions_table(iter([_plan()])).num_rows == len(_plan().sessions)


# -- rules ----------------------------------------------------------------------------


def test_validate_many_checks_targets_and_still_reads_them_lazily() -> None:
    with pytest.raises(InvalidTypeError, match=r"^targets: "):
        validate_many(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^progress: "):
        validate_many([], progress="yes")  # type: ignore[arg-type]
    assert len(validate_many(_plan() for _ in range(2))) == 2


def test_subject_target_of_the_wrong_type_is_a_type_error() -> None:
    subject = Subject.of(evening_iop(), DEFAULT_RULES)
    with pytest.raises(InvalidTypeError, match=r"^target: expected str"):
        attrs.evolve(subject, target=["plan"])  # type: ignore[arg-type]


def test_rule_plumbing_is_private() -> None:
    assert "step_down_allowed" not in hours.__all__
    assert "pattern_fits" not in mix.__all__
    assert not [name for name in record.__all__ if name.endswith("_precondition")]


# -- models and helpers ---------------------------------------------------------------


def test_clinical_facts_services_name_the_bad_item() -> None:
    with pytest.raises(InvalidTypeError, match=r"^services\[0\]: expected Service"):
        ClinicalFacts(as_of=dt.date(2026, 3, 1), services=[[1]])  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match=r"^collection: "):
        ClinicalFacts(as_of=dt.date(2026, 3, 1), services=None)  # type: ignore[arg-type]


def test_transition_checks_every_field() -> None:
    row = TRANSITIONS[Move.DISCHARGE]
    assert Transition(row.sources, row.target, row.level_change) == row
    with pytest.raises(InvalidTypeError, match=r"^sources\[0\]: "):
        Transition([[]], None, LevelChange.NONE)  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match=r"^target: "):
        Transition([EpisodeStatus.ACTIVE], "active", LevelChange.NONE)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^level_change: "):
        Transition([EpisodeStatus.ACTIVE], None, "none")  # type: ignore[arg-type]


def test_instrument_lookup_and_bands_are_checked() -> None:
    with pytest.raises(InvalidTypeError, match=r"^instrument_id: "):
        instrument(["gad-7"])  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^bands\[1\]: expected SeverityBand"):
        attrs.evolve(GAD_7, bands=[GAD_7.bands[0], "severe"])  # type: ignore[list-item]
    assert instrument("gad-7") is GAD_7


def test_record_helpers_check_their_arguments() -> None:
    with pytest.raises(InvalidTypeError, match=r"^record: "):
        sections_of(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^diagnoses: "):
        co_occurring(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^on: "):
        co_occurring([], on=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    with pytest.raises(InvalidTypeError, match=r"^policy: "):
        decision_table(None)  # type: ignore[arg-type]


def test_sessions_frame_checks_zone_and_kinds() -> None:
    sessions = _plan().sessions
    with pytest.raises(InvalidTypeError, match=r"^zone: "):
        sessions_frame(sessions, zone="UTC")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^counted_kinds\[0\]: "):
        sessions_frame(sessions, counted_kinds=["group_therapy"])  # type: ignore[list-item]
    assert len(sessions_frame(sessions, zone=dt.UTC)) == len(sessions)


def test_from_fhir_refuses_a_lone_surrogate_as_a_document_error() -> None:
    with pytest.raises(DocumentError, match="lone surrogate"):
        from_fhir('{"resourceType": "Bundle", "id": "\ud800"}')


def test_summarize_weeks_names_the_item_that_is_not_a_session() -> None:
    plan = TreatmentPlan.from_program(
        evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=14
    )
    items = [*plan.sessions[:3], "a patient's note", *plan.sessions[3:]]
    with pytest.raises(InvalidTypeError, match=r"^sessions\[3\]: expected Session"):
        summarize_weeks(
            items,  # type: ignore[arg-type]
            plan.program.timezone,
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 15),
        )
    with pytest.raises(InvalidTypeError, match=r"^sessions: "):
        summarize_weeks(
            3,  # type: ignore[arg-type]
            plan.program.timezone,
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 15),
        )
