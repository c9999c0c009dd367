"""42 CFR Part 2: every export path refuses Part 2 data without a covering consent.

42 CFR 2.32 (2024 final rule): "Each disclosure made with the patient's written
consent must be accompanied by one of the following written statements" and
"a copy of the consent or a clear explanation of the scope of the consent".
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given

import iopmodel.strategies as ios
from iopmodel import Episode, LevelOfCare, TreatmentPlan
from iopmodel.consent import (
    PART2_NOTICE,
    PART2_NOTICE_SHORT,
    Consent,
    Disclosure,
    DisclosurePurpose,
    RecordSection,
    is_part2,
    require_disclosure,
)
from iopmodel.diagnoses import Diagnosis
from iopmodel.errors import ConsentRequiredError, InvalidTypeError, InvalidValueError
from iopmodel.examples import evening_iop
from iopmodel.fhir import from_fhir, to_fhir
from iopmodel.ics import to_ics
from iopmodel.measures import Measure
from iopmodel.serialization import (
    from_dict,
    from_json,
    from_toml,
    to_dict,
    to_json,
    to_toml,
)
from iopmodel.tables import episode_frame, measures_frame

START = dt.date(2026, 3, 2)
PATIENT = "p-7781"


def part2_plan() -> TreatmentPlan:
    program = attrs.evolve(evening_iop(), part2=True)
    plan = TreatmentPlan.from_program(program, patient_id=PATIENT, start=START, days=14)
    return plan.record(
        Diagnosis(code="F11.20"), Measure(instrument="phq-9", on=START, total=12)
    )


def part2_episode() -> Episode:
    return Episode(patient_id=PATIENT).admit(
        LevelOfCare.INTENSIVE_OUTPATIENT,
        on=START,
        program=attrs.evolve(evening_iop(), part2=True),
    )


def consent(**changes: Any) -> Consent:
    base = Consent(
        patient_id=PATIENT,
        recipient="Dr. Lee, primary care",
        purposes=[DisclosurePurpose.TREATMENT],
        signed=START,
        expires=START + dt.timedelta(days=365),
    )
    return attrs.evolve(base, **changes)


def use(
    given: Consent | None = None, on: dt.date = START + dt.timedelta(days=5)
) -> Disclosure:
    return Disclosure(
        consent=consent() if given is None else given,
        on=on,
        purpose=DisclosurePurpose.TREATMENT,
    )


EXPORTS: dict[str, Callable[..., object]] = {
    "to_dict(plan)": lambda d: to_dict(part2_plan(), disclosure=d),
    "to_json(plan)": lambda d: to_json(part2_plan(), disclosure=d),
    "to_dict(episode)": lambda d: to_dict(part2_episode(), disclosure=d),
    "to_ics(plan)": lambda d: to_ics(part2_plan(), calendar_name="IOP", disclosure=d),
    "plan.to_dataframe()": lambda d: part2_plan().to_dataframe(disclosure=d),
    "measures_frame(plan)": lambda d: measures_frame(part2_plan(), disclosure=d),
    "episode_frame(episode)": lambda d: episode_frame(part2_episode(), disclosure=d),
    "episode.to_dataframe()": lambda d: part2_episode().to_dataframe(disclosure=d),
    "to_toml(plan)": lambda d: to_toml(part2_plan(), disclosure=d),
    "to_fhir(plan)": lambda d: to_fhir(part2_plan(), disclosure=d),
    "to_fhir(episode)": lambda d: to_fhir(part2_episode(), disclosure=d),
}


class TestEveryExportPath:
    @pytest.mark.parametrize("path", sorted(EXPORTS))
    def test_refused_without_consent(self, path: str) -> None:
        """Each export of Part 2 data without a consent raises, naming no patient."""
        with pytest.raises(ConsentRequiredError) as info:
            EXPORTS[path](None)
        assert "Part 2" in str(info.value)
        assert PATIENT not in str(info.value)

    @pytest.mark.parametrize("path", sorted(EXPORTS))
    def test_refused_with_a_consent_that_does_not_cover(self, path: str) -> None:
        """A revoked consent covers no export."""
        revoked = consent(revoked=START + dt.timedelta(days=1))
        with pytest.raises(ConsentRequiredError, match="revoked"):
            EXPORTS[path](use(revoked))

    @pytest.mark.parametrize("path", sorted(EXPORTS))
    def test_allowed_with_consent(self, path: str) -> None:
        """Each export succeeds with a covering consent."""
        assert EXPORTS[path](use()) is not None

    def test_json_carries_notice_and_scope(self) -> None:
        """A disclosed document carries the 2.32 notice and scope, and still loads losslessly."""
        plan = part2_plan()
        text = to_json(plan, disclosure=use())
        envelope = json.loads(text)["part2_disclosure"]
        assert envelope["notice"] == PART2_NOTICE
        assert "Dr. Lee" in envelope["scope"]
        assert envelope["disclosed_on"] == "2026-03-07"
        assert from_json(text) == plan

    def test_toml_and_fhir_carry_notice(self) -> None:
        """TOML carries the notice like JSON; FHIR carries security labels and it."""
        plan = part2_plan()
        text = to_toml(plan, disclosure=use())
        assert "This record which has been disclosed" in text
        assert from_toml(text) == plan
        bundle = to_fhir(plan, disclosure=use())
        codes = {label["code"] for label in bundle["meta"]["security"]}
        assert codes == {"42CFRPart2", "NORDSCLCD"}
        notice = bundle["entry"][0]["resource"]["extension"][-1]["valueString"]
        assert notice.startswith(PART2_NOTICE)
        back = from_fhir(bundle)
        assert isinstance(back, TreatmentPlan)
        assert back.patient_id == plan.patient_id

    def test_ics_carries_notice(self) -> None:
        """A disclosed calendar carries the notice and every event the short notice."""
        text = to_ics(part2_plan(), calendar_name="IOP", disclosure=use()).decode()
        unfolded = text.replace("\r\n ", "")
        assert "DESCRIPTION:This record which has been disclosed" in unfolded
        events = unfolded.count("BEGIN:VEVENT")
        assert unfolded.count(PART2_NOTICE_SHORT) == events > 0

    def test_tables_carry_notice(self) -> None:
        """Disclosed tables carry the notice in their attrs."""
        frame = part2_plan().to_dataframe(disclosure=use())
        assert frame.attrs["part2_disclosure"]["notice"] == PART2_NOTICE
        assert measures_frame(part2_plan(), disclosure=use()).attrs["part2_disclosure"]

    def test_not_part2_needs_no_consent(self) -> None:
        """Plans outside a Part 2 program export as before, without a notice."""
        plan = attrs.evolve(part2_plan(), program=evening_iop())
        assert "part2_disclosure" not in to_dict(plan)
        assert "part2_disclosure" not in plan.to_dataframe().attrs
        assert "DESCRIPTION:This record" not in to_ics(plan, calendar_name="x").decode()

    def test_received_records_are_part2(self) -> None:
        """A plan marked part2 is protected even in a program that is not."""
        plan = attrs.evolve(part2_plan(), program=evening_iop(), part2=True)
        with pytest.raises(ConsentRequiredError):
            to_json(plan)

    def test_program_designs_are_not_patient_data(self) -> None:
        """A Part 2 program's design and its schedule are not patient records."""
        program = attrs.evolve(evening_iop(), part2=True)
        assert not is_part2(program)
        assert from_json(to_json(program)) == program
        assert to_ics(
            program.schedule(START, START + dt.timedelta(days=7)), calendar_name="x"
        )


class TestCoverage:
    @pytest.mark.parametrize(
        ("changes", "on", "reason"),
        [
            ({"patient_id": "p-0002"}, 5, "another patient's"),
            ({}, -1, "signed after"),
            ({"expires": START + dt.timedelta(days=2)}, 5, "expired on 2026-03-04"),
            ({"purposes": [DisclosurePurpose.RESEARCH]}, 5, "does not cover treatment"),
            (
                {"sections": [RecordSection.ENROLLMENT, RecordSection.SCHEDULE]},
                5,
                "does not cover diagnoses, measures",
            ),
        ],
    )
    def test_gaps(self, changes: dict[str, object], on: int, reason: str) -> None:
        """Each way a consent can fail to cover a disclosure is named."""
        given = consent(**changes)
        when = START + dt.timedelta(days=on)
        if on < 0:
            given = consent(signed=START, expires=None)
        with pytest.raises(ConsentRequiredError, match=reason):
            to_json(part2_plan(), disclosure=use(given, on=when))

    def test_sections_of_the_export_only(self) -> None:
        """A calendar needs only the schedule (and enrollment) to be covered."""
        schedule_only = consent(
            sections=[RecordSection.ENROLLMENT, RecordSection.SCHEDULE]
        )
        assert to_ics(part2_plan(), calendar_name="IOP", disclosure=use(schedule_only))
        with pytest.raises(ConsentRequiredError, match="measures"):
            measures_frame(part2_plan(), disclosure=use(schedule_only))

    def test_consent_invariants(self) -> None:
        """Consents need purposes and sections, and dates after signing."""
        with pytest.raises(InvalidValueError):
            consent(purposes=[])
        with pytest.raises(InvalidValueError):
            consent(sections=[])
        with pytest.raises(InvalidValueError, match="expires"):
            consent(expires=START - dt.timedelta(days=1))
        with pytest.raises(InvalidValueError, match="already revoked"):
            consent().revoke(START).revoke(START)
        with pytest.raises(InvalidTypeError):
            require_disclosure(part2_plan(), "yes", what="x")  # type: ignore[arg-type]

    def test_error_pickles(self) -> None:
        """ConsentRequiredError survives pickling with its data."""
        error = ConsentRequiredError("treatment plan", "no consent was given")
        again = pickle.loads(pickle.dumps(error))  # noqa: S301
        assert (again.what, again.reason, str(again)) == (
            error.what,
            error.reason,
            str(error),
        )

    @given(ios.consents())
    def test_roundtrip(self, value: Consent) -> None:
        """Consents and disclosures survive JSON."""
        assert from_json(to_json(value)) == value
        disclosure = Disclosure(consent=value, on=value.signed, purpose=min(
            value.purposes, key=lambda p: p.value))  # fmt: skip
        assert from_json(to_json(disclosure)) == disclosure

    def test_envelope_must_be_an_object(self) -> None:
        """A malformed part2_disclosure key is reported with its path."""
        data = to_dict(evening_iop())
        data["part2_disclosure"] = "notice"
        from iopmodel.errors import DocumentError  # noqa: PLC0415

        with pytest.raises(DocumentError, match=r"\$\.part2_disclosure"):
            from_dict(data)
