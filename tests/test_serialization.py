"""Serialization: lossless round trips, strict loading and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    ClinicalFacts,
    DocumentError,
    Episode,
    LevelOfCare,
    Program,
    Session,
    SessionTemplate,
    TreatmentPlan,
    recommend,
    validate,
)
from iopmodel import strategies as ios
from iopmodel.episodes import ConcurrentService, Hold
from iopmodel.examples import evening_iop
from iopmodel.serialization import (
    KINDS,
    SCHEMA_VERSION,
    Limits,
    from_dict,
    from_json,
    from_toml,
    load,
    to_dict,
    to_json,
)
from iopmodel.services import Service

EXAMPLES = Path(__file__).parent.parent / "examples" / "programs"
MODELS = st.one_of(
    ios.sessions(),
    ios.session_templates(),
    ios.programs(weekly_only=False),
    ios.treatment_plans(weeks=st.integers(1, 4)),
    ios.episodes(),
)


class TestRoundTrip:
    @given(MODELS)
    def test_dict_round_trip(self, obj: Any) -> None:
        """from_dict(to_dict(x)) == x, and dumping again gives the same document."""
        data = to_dict(obj)
        again = from_dict(data, type(obj))
        assert again == obj
        assert to_dict(again) == data

    @given(MODELS)
    def test_json_round_trip(self, obj: Any) -> None:
        """from_json(to_json(x)) == x, with the class taken from the document."""
        text = to_json(obj)
        assert from_json(text) == obj
        assert json.loads(text)["schema_version"] == SCHEMA_VERSION

    @given(ios.sessions())
    def test_zone_survives(self, session: Session) -> None:
        """The IANA zone of a datetime survives the round trip (RFC 9557 suffix)."""
        loaded = from_json(to_json(session), Session)
        assert loaded.start.tzinfo == session.start.tzinfo
        assert loaded.start.fold == session.start.fold

    @given(ios.treatment_plans(weeks=st.integers(1, 3)))
    def test_reports_and_recommendations(self, plan: TreatmentPlan) -> None:
        """Validation reports, facts and recommendations round-trip too."""
        report = validate(plan)
        assert from_json(to_json(report)) == report
        facts = ClinicalFacts(as_of=plan.start, needs_intensive_treatment=True)
        assert from_json(to_json(facts)) == facts
        advice = recommend(facts)
        assert from_json(to_json(advice)) == advice

    def test_formats(self) -> None:
        """Durations are minutes, times HH:MM, zones by name, levels by key."""
        data = to_dict(evening_iop())
        template = data["templates"][0]
        assert (template["start_time"], template["duration_minutes"]) == ("18:00", 180)
        assert data["level"] == "intensive_outpatient"
        assert data["timezone"] == "America/New_York"
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=7
        )
        session = to_dict(plan)["sessions"][0]
        assert session["start"] == "2026-03-02T18:00:00-05:00[America/New_York]"

    def test_every_kind_is_a_model(self) -> None:
        """Each document kind names an attrs class."""
        assert {"program", "treatment_plan", "episode", "session"} <= set(KINDS)


def program_doc(**changes: object) -> dict[str, Any]:
    data = to_dict(evening_iop())
    data.update(changes)
    return data


def problems(data: object, cls: type | None = Program) -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as info:
        from_dict(data, cls)
    assert isinstance(info.value, ValueError)
    return list(info.value.problems)


class TestStrictLoading:
    def test_every_problem_with_its_path(self) -> None:
        """Several problems are reported together, each with its path."""
        data = program_doc(capacity="12", colour="blue")
        data["templates"][1]["rrule"] = "FREQ=SOMETIMES"
        data["templates"][0]["kind"] = "yoga"
        del data["templates"][0]["duration_minutes"]
        found = dict(problems(data))
        assert found[
            "$.capacity"
        ] == "expected a number, got text" or "capacity" in str(found)
        assert found["$.colour"] == "unknown key"
        assert "$.templates[0].duration_minutes" in found
        assert found["$.templates[0].kind"].startswith("unknown SessionKind 'yoga'")
        assert found["$.templates[1].rrule"].startswith(
            "part 1 (FREQ) is not valid RFC 5545"
        )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("name", 12),
            ("capacity", True),
            ("capacity", 1.5),
            ("recommended_minimum_days", "90"),
            ("templates", "FREQ=DAILY"),
            ("templates", {"kind": "group_therapy"}),
        ],
    )
    def test_no_silent_coercion(self, field: str, value: object) -> None:
        """Wrong types are errors: 12 is not '12', true is not 1, '90' is not 90."""
        found = problems(program_doc(**{field: value}))
        assert [path for path, _ in found] == [f"$.{field}"]

    def test_naive_datetime(self) -> None:
        """A naive datetime in a plan is refused at its path."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=14
        )
        data = to_dict(plan)
        data["sessions"][3]["start"] = "2026-03-05T18:00:00"
        ((path, message),) = problems(data, TreatmentPlan)
        assert path == "$.sessions[3].start"
        assert message.startswith("naive datetime")

    def test_mismatched_zone(self) -> None:
        """An offset that contradicts its bracketed zone is refused."""
        data = to_dict(evening_iop().cycle().sessions[0])
        data["start"] = "2024-01-01T18:00:00+01:00[America/New_York]"
        ((path, message),) = problems(data, Session)
        assert (path, message) == (
            "$.start",
            "offset of <text of 43 characters> does not match its time zone",
        )

    def test_unknown_level_code(self) -> None:
        """Unknown level codes list the known ones."""
        ((path, message),) = problems(program_doc(level="locus:9"))
        assert path == "$.level"
        assert "'0', '1', '2', '3', '4', '5', '6'" in message
        assert (
            from_dict(program_doc(level="asam-4:2.1"), Program).level.key
            == "intensive_outpatient"
        )

    def test_schema_versions(self) -> None:
        """A newer schema version is a clear error; a missing one is required."""
        ((path, message),) = problems(program_doc(schema_version=2))
        assert path == "$.schema_version"
        assert "newer than this iopmodel supports" in message
        data = program_doc()
        del data["schema_version"]
        assert problems(data) == [("$.schema_version", "required field missing")]

    def test_kind_must_match(self) -> None:
        """A document of another model is refused."""
        assert problems(program_doc(), Session) == [
            ("$.model", "is 'program', expected 'session'")
        ]
        assert problems(program_doc(model="spaceship"), None)[0][0] == "$.model"

    def test_free_text_is_not_echoed(self) -> None:
        """Messages never repeat free text (it may be a clinical note)."""
        note = "Patient disclosed relapse on Tuesday after a family conflict"
        data = program_doc(timezone=note)
        data["templates"][0]["kind"] = note
        message = str(DocumentError(problems(data)))
        assert "relapse" not in message
        assert "<text of 60 characters>" in message

    def test_not_an_object(self) -> None:
        """The top level must be an object."""
        assert problems([1, 2, 3]) == [("$", "expected an object, got a list")]


class TestLimits:
    def test_size(self) -> None:
        """Oversized documents are refused before parsing."""
        with pytest.raises(DocumentError, match="over the limit"):
            from_json(to_json(evening_iop()), limits=Limits(max_bytes=100))

    def test_sessions(self) -> None:
        """Too many sessions are refused before structuring."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=28
        )
        with pytest.raises(DocumentError, match="16 sessions, over the limit of 10"):
            from_json(to_json(plan), limits=Limits(max_sessions=10))

    def test_depth(self) -> None:
        """Deeply nested input is refused, not a RecursionError."""
        deep = (
            '{"schema_version": 1, "model": "program", "name": '
            + "[" * 5000
            + "]" * 5000
            + "}"
        )
        with pytest.raises(DocumentError):
            from_json(deep)

    def test_malformed_json(self) -> None:
        """Malformed JSON gives line and column."""
        with pytest.raises(DocumentError, match="line 1, column"):
            from_json("{")


class TestFiles:
    @pytest.mark.parametrize(
        "path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name
    )
    def test_example_programs_load(self, path: Path) -> None:
        """The bundled TOML programs load and pass their design checks."""
        program = load(path, Program)
        assert validate(program).ok
        assert from_json(to_json(program)) == program

    def test_toml_level_codes_and_times(self) -> None:
        """TOML may use native times and framework codes."""
        program: Program = from_toml(
            'schema_version = 1\nname = "x"\nlevel = "locus:3"\npopulation = "adult"\n'
            'timezone = "UTC"\n[[templates]]\nkind = "group_therapy"\n'
            'rrule = "FREQ=WEEKLY;BYDAY=MO"\nstart_time = 09:30:00\nduration_minutes = 90\n'
        )
        assert program.templates[0].start_time == dt.time(9, 30)

    def test_file_errors_name_the_file(self, tmp_path: Path) -> None:
        """Problems in a file start with its name; unknown suffixes are refused."""
        bad = tmp_path / "bad.toml"
        bad.write_text('schema_version = 1\nname = "x"\n')
        with pytest.raises(DocumentError) as info:
            load(bad)
        assert str(info.value).startswith(
            f"3 problems in {bad}:\n  $.level: required field missing"
        )
        other = tmp_path / "program.yaml"
        other.write_text("{}")
        with pytest.raises(DocumentError, match="unknown file type"):
            load(other)
        with pytest.raises(DocumentError, match="cannot read"):
            load(tmp_path / "missing.json")
        latin = tmp_path / "latin.toml"
        latin.write_bytes(b"name = '\xe9'")
        with pytest.raises(DocumentError, match="UTF-8"):
            load(latin)

    def test_episode_round_trip_with_programs(self) -> None:
        """Episodes keep their programs."""
        episode = Episode(patient_id="p").admit(
            evening_iop().level, on=dt.date(2026, 3, 2), program=evening_iop()
        )
        assert from_json(to_json(episode), Episode) == episode

    def test_template_kind(self) -> None:
        """A template can be a document of its own."""
        template = evening_iop().templates[0]
        assert from_dict(to_dict(template)) == template
        assert isinstance(from_dict(to_dict(template)), SessionTemplate)


class TestEpisodeRecords:
    """Episodes with services, holds and readmission links round-trip losslessly."""

    @given(ios.episodes(max_moves=8))
    def test_episode_round_trip(self, episode: Episode) -> None:
        """Every generated episode (services, holds, ids) survives JSON."""
        assert from_json(to_json(episode), Episode) == episode

    @given(ios.concurrent_services(), ios.holds(), ios.clinical_facts())
    def test_parts_round_trip(
        self, service: ConcurrentService, hold: Hold, facts: ClinicalFacts
    ) -> None:
        """Concurrent services, holds, facts and recommendations survive JSON."""
        assert from_json(to_json(service)) == service
        assert from_json(to_json(hold)) == hold
        assert from_json(to_json(facts)) == facts
        advice = recommend(facts)
        assert from_json(to_json(advice)) == advice

    def test_services_are_stored_by_key(self) -> None:
        """A concurrent service is stored by its key; facts' services as a sorted list."""
        item = ConcurrentService(
            service=Service.WITHDRAWAL_MANAGEMENT,
            start=dt.date(2026, 4, 1),
            level=LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT,
        )
        data = to_dict(item)
        assert (data["model"], data["service"], data["level"], data["end"]) == (
            "concurrent_service",
            "withdrawal_management",
            "ambulatory_withdrawal_management",
            None,
        )
        facts = ClinicalFacts(
            as_of=dt.date(2026, 4, 1),
            services=[Service.NALTREXONE, Service.OPIOID_TREATMENT_PROGRAM],
            weekly_hours_needed="12.5",
        )
        data = to_dict(facts)
        assert data["services"] == ["naltrexone", "opioid_treatment_program"]
        assert data["weekly_hours_needed"] == "25/2"
        assert from_dict(data) == facts
