"""The clinical record: diagnoses, measures, screens, authorizations, billing, delivery."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iopmodel.strategies as ios
from iopmodel import (
    LevelOfCare,
    Program,
    Session,
    SessionKind,
    TreatmentPlan,
    validate,
)
from iopmodel.authorizations import Authorization, AuthorizationUnit
from iopmodel.billing import BILLING_CODES, CodeSystem, codes_for
from iopmodel.consent import Consent
from iopmodel.diagnoses import (
    ICD10CM_CODES,
    CoOccurringCapability,
    Diagnosis,
    DiagnosisCategory,
    DiagnosisRank,
    ProgramFocus,
    co_occurring,
    normalize_icd10cm,
)
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError
from iopmodel.examples import evening_iop
from iopmodel.measures import (
    AUDIT_C,
    BAM,
    GAD_7,
    PHQ_9,
    Instrument,
    Measure,
    SeverityBand,
    instrument,
    register_instrument,
)
from iopmodel.recommendations import ClinicalFacts
from iopmodel.reports import Severity
from iopmodel.rules import (
    AUTHORIZATION_COVERAGE,
    AUTHORIZATION_ENDING,
    AUTHORIZATION_UNITS,
    CO_OCCURRING_FIT,
    DEFAULT_RULES,
    MEASURE_CADENCE,
    MEASURE_WORSENING,
    SCHEDULED_HOURS,
    SCREEN_CADENCE,
    UNKNOWN_DIAGNOSIS_CODE,
)
from iopmodel.screens import Screen, ScreenPolicy, ScreenResult, apply_screens
from iopmodel.serialization import from_dict, from_json, to_dict, to_json
from iopmodel.sessions import DeliveryMode
from iopmodel.sources import LIBRARY_DEFAULT
from iopmodel.standards import DEFAULT_STANDARD, MEDICARE_2024_STANDARD

START = dt.date(2026, 3, 2)  # a Monday


def sud_program() -> Program:
    return attrs.evolve(
        evening_iop(), focus=ProgramFocus.SUBSTANCE_USE, measures=("phq-9", "audit-c")
    )


def plan_of(days: int = 28, **changes: Any) -> TreatmentPlan:
    plan = TreatmentPlan.from_program(
        sud_program(),
        patient_id="p-0001",
        start=START,
        days=days,
    )
    return attrs.evolve(plan, **changes)


def ids(plan: TreatmentPlan, rule_id: str, as_of: dt.date | None = None) -> list[str]:
    return [f.message for f in validate(plan, as_of=as_of) if f.rule_id == rule_id]


class TestDiagnoses:
    def test_codes_are_normalized(self) -> None:
        """Lower case and undotted codes become the dotted upper-case form."""
        assert normalize_icd10cm("f1120") == "F11.20"
        assert normalize_icd10cm("F32.A") == "F32.A"
        assert normalize_icd10cm("z63") == "Z63"

    @pytest.mark.parametrize(
        "bad", ["", "F1", "10.20", "F10.", "F10.20000", "FF0.1", "F10-20"]
    )
    def test_malformed_codes_raise(self, bad: str) -> None:
        """A string not shaped like an ICD-10-CM code names the field."""
        with pytest.raises(InvalidValueError, match=r"^code: "):
            Diagnosis(code=bad)

    def test_long_bad_code_is_not_echoed(self) -> None:
        """A long malformed value is described, not echoed."""
        with pytest.raises(InvalidValueError) as info:
            normalize_icd10cm("x" * 200)
        assert "x" * 20 not in str(info.value)

    def test_non_string_code(self) -> None:
        """A code that is not text is a type error."""
        with pytest.raises(InvalidTypeError):
            Diagnosis(code=1020)

    def test_unknown_well_formed_codes_are_allowed_and_say_so(self) -> None:
        """A well-formed code outside the table is kept, marked unknown, with no title."""
        rare = Diagnosis(
            code="F15.921", display="Other stimulant use, with intoxication"
        )
        assert not rare.known
        assert Diagnosis(code="F15.921").display is None
        assert Diagnosis(code="F10.20").known

    def test_table_codes_are_well_formed(self) -> None:
        """Every shipped code is in its normalized form."""
        for code in ICD10CM_CODES:
            assert normalize_icd10cm(code) == code

    def test_categories(self) -> None:
        """F10-F19 are substance use, other F codes mental health, the rest other."""
        assert DiagnosisCategory.of("F10.20") is DiagnosisCategory.SUBSTANCE_USE
        assert DiagnosisCategory.of("F19.20") is DiagnosisCategory.SUBSTANCE_USE
        assert DiagnosisCategory.of("F20.9") is DiagnosisCategory.MENTAL_HEALTH
        assert DiagnosisCategory.of("F09") is DiagnosisCategory.MENTAL_HEALTH
        assert DiagnosisCategory.of("Z63.0") is DiagnosisCategory.OTHER

    def test_resolution_before_onset_raises(self) -> None:
        """A diagnosis cannot resolve before it began."""
        with pytest.raises(InvalidValueError, match="resolved"):
            Diagnosis(code="F41.1", onset=START, resolved=START - dt.timedelta(days=1))

    def test_rank_by_value(self) -> None:
        """Ranks are accepted by value and unknown ranks are refused."""
        assert Diagnosis(code="F41.1", rank="secondary").rank is DiagnosisRank.SECONDARY
        with pytest.raises(UnknownCodeError):
            Diagnosis(code="F41.1", rank="tertiary")

    def test_co_occurring_counts_active_diagnoses(self) -> None:
        """Co-occurring means an active SUD and an active mental-health diagnosis."""
        record = [Diagnosis(code="F10.20"), Diagnosis(code="F33.1", resolved=START)]
        assert co_occurring(record)
        assert not co_occurring(record, on=START)
        assert not co_occurring([Diagnosis(code="F10.20"), Diagnosis(code="F11.20")])

    @given(ios.diagnoses())
    def test_roundtrip(self, diagnosis: Diagnosis) -> None:
        """Diagnoses survive JSON."""
        assert from_json(to_json(diagnosis)) == diagnosis


class TestInstruments:
    """Scoring and bands from the publishers.

    Kroenke 2001: "PHQ-9 scores of 5, 10, 15, and 20 represented mild, moderate,
    moderately severe, and severe depression". Spitzer 2006: GAD-7 cut points 5,
    10 and 15 for mild, moderate and severe anxiety. Bradley 2007: AUDIT-C of 4
    or more for men, 3 or more for women.
    """

    @pytest.mark.parametrize(
        ("total", "label"),
        [(0, "none-minimal"), (4, "none-minimal"), (5, "mild"), (9, "mild"),
         (10, "moderate"), (14, "moderate"), (15, "moderately severe"),
         (19, "moderately severe"), (20, "severe"), (27, "severe")],
    )  # fmt: skip
    def test_phq9_bands(self, total: int, label: str) -> None:
        """PHQ-9 severity bands at every boundary."""
        assert PHQ_9.band(total).label == label  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("total", "label"),
        [
            (4, "minimal"),
            (5, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "severe"),
        ],
    )
    def test_gad7_bands(self, total: int, label: str) -> None:
        """GAD-7 severity bands at the boundaries."""
        assert GAD_7.band(total).label == label  # type: ignore[union-attr]

    def test_phq9_item_10_is_not_scored(self) -> None:
        """Item 10 (difficulty) is recorded but not part of the total."""
        answers = {str(i): 3 for i in range(1, 11)}
        assert PHQ_9.total(answers) == 27

    def test_audit_c_cut_offs(self) -> None:
        """3 is positive for women only; 4 and over positive."""
        assert AUDIT_C.band(2).label == "negative"  # type: ignore[union-attr]
        assert AUDIT_C.band(3).label == "positive for women"  # type: ignore[union-attr]
        assert AUDIT_C.band(4).label == "positive"  # type: ignore[union-attr]
        assert AUDIT_C.maximum_total == 12

    def test_bam_composites(self) -> None:
        """BAM Use, Risk and Protective composites sum the VA's items; the total is Use."""
        answers = dict.fromkeys(BAM.items, 1)
        assert BAM.subscores(answers) == {"use": 3, "risk": 6, "protective": 6}
        assert BAM.total(answers) == 3
        assert BAM.band(0).label == "no use"  # type: ignore[union-attr]

    def test_incomplete_responses_raise(self) -> None:
        """A scored item left unanswered is an error for a required instrument."""
        with pytest.raises(InvalidValueError, match="unanswered"):
            PHQ_9.score({"1": 1}, on=START)

    def test_out_of_range_and_unknown_items(self) -> None:
        """Responses outside the item range, or for unknown items, are refused."""
        with pytest.raises(InvalidValueError, match=r"responses\['1'\]"):
            GAD_7.total({str(i): 4 for i in range(1, 8)})
        with pytest.raises(UnknownCodeError):
            AUDIT_C.total({"1": 0, "2": 0, "3": 0, "4": 0})
        with pytest.raises(InvalidTypeError):
            AUDIT_C.total({"1": True, "2": 0, "3": 0})

    def test_no_item_text_is_stored(self) -> None:
        """Instruments hold item ids only, never question text."""
        for known in (PHQ_9, GAD_7, AUDIT_C, BAM):
            assert all(len(item) <= 3 for item in known.items)

    def test_bands_cover_the_range(self) -> None:
        """Every possible total of a shipped instrument has exactly one band."""
        for known in (PHQ_9, GAD_7, AUDIT_C, BAM):
            assert known.maximum_total is not None
            for total in range(known.maximum_total + 1):
                assert sum(b.contains(total) for b in known.bands) == 1

    def test_bands_with_gaps_raise(self) -> None:
        """Bands must meet with no gap."""
        with pytest.raises(InvalidValueError, match="bands"):
            Instrument(
                id="gappy", name="Gappy", items=["1"], item_maximum=9,
                citation=LIBRARY_DEFAULT,
                bands=[SeverityBand(label="a", minimum=0, maximum=3),
                       SeverityBand(label="b", minimum=5, maximum=9)],
            )  # fmt: skip

    def test_registered_instrument_with_scorer(self) -> None:
        """Users register other instruments with their own scoring function."""
        scale = register_instrument(
            Instrument(
                id="test-reverse", name="Reverse", items=["1", "2"], item_maximum=4,
                scorer=lambda answers: 8 - answers["1"] - answers["2"],
                higher_is_worse=False, citation=LIBRARY_DEFAULT,
            ),
            replace=True,
        )  # fmt: skip
        assert instrument("test-reverse") is scale
        assert (
            Measure(
                instrument="test-reverse", on=START, responses={"1": 1, "2": 1}
            ).total
            == 6
        )
        with pytest.raises(InvalidValueError, match="already registered"):
            register_instrument(scale)
        with pytest.raises(InvalidValueError, match="shipped"):
            register_instrument(attrs.evolve(scale, id="phq-9"))

    def test_scorer_returning_nonsense_raises(self) -> None:
        """A scorer must return a non-negative int."""
        register_instrument(
            Instrument(id="test-bad", name="Bad", items=["1"], item_maximum=1,
                       scorer=lambda _answers: -1, citation=LIBRARY_DEFAULT),
            replace=True,
        )  # fmt: skip
        with pytest.raises(InvalidValueError, match="scorer"):
            Measure(instrument="test-bad", on=START, responses={"1": 1})


class TestMeasures:
    def test_total_is_scored_from_responses(self) -> None:
        """Responses give the total and the band."""
        m = AUDIT_C.score({"1": 1, "2": 1, "3": 0}, on=START)
        assert (m.total, m.severity) == (2, "negative")

    def test_disagreeing_total_raises(self) -> None:
        """A total that disagrees with the responses is an error."""
        with pytest.raises(InvalidValueError, match="disagrees"):
            Measure(
                instrument="audit-c",
                on=START,
                responses={"1": 1, "2": 1, "3": 0},
                total=5,
            )

    def test_total_over_maximum_raises(self) -> None:
        """A total over the instrument's maximum is an error."""
        with pytest.raises(InvalidValueError, match="maximum"):
            Measure(instrument="phq-9", on=START, total=28)

    def test_unregistered_instrument_needs_a_total(self) -> None:
        """Unknown instruments are kept with a total, and have no band."""
        assert Measure(instrument="psych-scale", on=START, total=40).band is None
        with pytest.raises(UnknownCodeError):
            Measure(instrument="psych-scale", on=START, responses={"1": 1})

    def test_registered_instrument_needs_responses_or_total(self) -> None:
        """Neither responses nor a total is an error."""
        with pytest.raises(InvalidValueError, match="total"):
            Measure(instrument="phq-9", on=START)

    @given(ios.measures())
    def test_roundtrip_and_band(self, measure: Measure) -> None:
        """Every generated measure has a band and survives JSON and pickling."""
        assert measure.band is not None
        assert from_json(to_json(measure)) == measure
        assert pickle.loads(pickle.dumps(measure)) == measure  # noqa: S301


class TestScreens:
    def test_prescribed_positives_are_expected(self) -> None:
        """A positive for a prescribed substance is not an unexpected positive."""
        screen = Screen(
            collected=START,
            panel="urine",
            results={"buprenorphine": "positive"},
            prescribed=["buprenorphine"],
        )
        assert screen.positives == ("buprenorphine",)
        assert not screen.positive

    def test_bad_results(self) -> None:
        """Unknown results, empty results and odd names are refused."""
        with pytest.raises(UnknownCodeError):
            Screen(collected=START, panel="u", results={"alcohol": "maybe"})
        with pytest.raises(InvalidValueError):
            Screen(collected=START, panel="u", results={})
        with pytest.raises(InvalidValueError):
            Screen(collected=START, panel="u", results={"Alcohol!": "negative"})

    def test_policy_decides_what_a_positive_means(self) -> None:
        """A positive screen makes facts 'not progressing' only under the user's policy."""
        facts = ClinicalFacts(as_of=START + dt.timedelta(days=10))
        positive = Screen(
            collected=START, panel="u", results={"cocaine": ScreenResult.POSITIVE}
        )
        negative = Screen(collected=START + dt.timedelta(days=7), panel="u",
                          results={"cocaine": ScreenResult.NEGATIVE})  # fmt: skip
        later = Screen(collected=START + dt.timedelta(days=20), panel="u",
                       results={"cocaine": ScreenResult.POSITIVE})  # fmt: skip
        strict = ScreenPolicy(positive_means_not_progressing=True)
        assert apply_screens(facts, [positive]).progressing
        assert not apply_screens(facts, [positive], strict).progressing
        assert apply_screens(facts, [positive, negative], strict).progressing
        assert apply_screens(facts, [later], strict) is facts  # after as_of: not read
        with pytest.raises(InvalidTypeError):
            apply_screens(facts, ["positive"], strict)  # type: ignore[list-item]

    @given(ios.screens())
    def test_roundtrip(self, screen: Screen) -> None:
        """Screens survive JSON."""
        assert from_json(to_json(screen)) == screen


class TestAuthorizations:
    def test_end_before_start_raises(self) -> None:
        """An authorization cannot end before it starts."""
        with pytest.raises(InvalidValueError, match="end"):
            Authorization(payer="A", level=LevelOfCare.INTENSIVE_OUTPATIENT,
                          start=START, end=START - dt.timedelta(days=1), units=3)  # fmt: skip

    def test_units_by_days_or_sessions(self) -> None:
        """Days count distinct visit days; sessions count sessions."""
        program = evening_iop()
        week = program.schedule(START, START + dt.timedelta(days=7))
        days = Authorization(payer="A", level=program.level, start=START,
                             end=START + dt.timedelta(days=6), units=4)  # fmt: skip
        sessions = attrs.evolve(days, unit=AuthorizationUnit.SESSIONS)
        counted = DEFAULT_STANDARD.counted_kinds
        assert days.units_used(week, program.timezone, counted) == 4
        assert sessions.units_used(week, program.timezone, counted) == len(week)

    @given(ios.authorizations())
    def test_roundtrip(self, authorization: Authorization) -> None:
        """Authorizations survive JSON."""
        assert from_json(to_json(authorization)) == authorization


class TestBilling:
    """Billing codes from the facts sheet.

    H0015 alcohol/drug IOP, S9480 psychiatric IOP (not Medicare), H0035
    mental-health partial hospitalization; Medicare condition code 92 marks an
    IOP claim, 41 partial hospitalization.
    """

    def test_codes_by_level_and_focus(self) -> None:
        """Each level's codes follow the program's focus; co-occurring gets both."""
        iop = LevelOfCare.INTENSIVE_OUTPATIENT
        both = {c.code for c in codes_for(iop, ProgramFocus.CO_OCCURRING)}
        assert both == {"H0015", "S9480", "92"}
        assert {c.code for c in codes_for(LevelOfCare.PARTIAL_HOSPITALIZATION)} == {
            "H0035",
            "41",
        }

    def test_every_code_is_cited_and_unpriced(self) -> None:
        """Every code has a citation and no price field."""
        for code in BILLING_CODES:
            assert code.citation.key
            assert "price" not in attrs.fields_dict(type(code))
        assert {c.system for c in BILLING_CODES} == set(CodeSystem)

    def test_bad_arguments(self) -> None:
        """codes_for checks its arguments."""
        with pytest.raises(InvalidTypeError):
            codes_for("iop")  # type: ignore[arg-type]


class TestDelivery:
    def session(self, **changes: object) -> Session:
        return Session(
            kind=SessionKind.GROUP_THERAPY,
            start=dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC),
            duration=dt.timedelta(hours=3),
            **changes,  # type: ignore[arg-type]
        )

    def test_telehealth_mirrors_delivery(self) -> None:
        """A remote delivery is telehealth; telehealth alone means video."""
        assert self.session().delivery is DeliveryMode.IN_PERSON
        assert self.session(telehealth=True).delivery is DeliveryMode.VIDEO
        assert self.session(delivery=DeliveryMode.AUDIO_ONLY).telehealth
        assert (
            attrs.evolve(self.session(), telehealth=True).delivery is DeliveryMode.VIDEO
        )
        video = self.session(delivery=DeliveryMode.VIDEO)
        assert not video.with_delivery(DeliveryMode.IN_PERSON).telehealth
        assert video.with_delivery(DeliveryMode.AUDIO_ONLY).telehealth
        with pytest.raises(InvalidTypeError):
            video.with_delivery("in_person")  # type: ignore[arg-type]

    def test_bad_delivery(self) -> None:
        """Delivery must be a DeliveryMode."""
        with pytest.raises(InvalidTypeError):
            self.session(delivery="video")

    def test_shipped_standards_count_every_mode(self) -> None:
        """Both shipped standards count every mode (a library default, with its reason)."""
        for standard in (DEFAULT_STANDARD, MEDICARE_2024_STANDARD):
            assert standard.counted_deliveries == frozenset(DeliveryMode)
            assert standard.counted_deliveries_source.library_default
            assert "Medicare" in standard.counted_deliveries_note

    def test_uncounted_mode_drops_hours(self) -> None:
        """Audio-only groups that the standard does not count leave the week short."""
        program = evening_iop()
        phone = attrs.evolve(
            program,
            templates=[
                attrs.evolve(t, delivery=DeliveryMode.AUDIO_ONLY)
                if t.kind is SessionKind.GROUP_THERAPY
                else t
                for t in program.templates
            ],
        )
        strict = attrs.evolve(
            DEFAULT_STANDARD,
            counted_deliveries={DeliveryMode.IN_PERSON, DeliveryMode.VIDEO},
        )
        rules = DEFAULT_RULES.with_standard(strict)
        assert validate(phone).ok
        design = validate(phone, rules)
        assert [f.rule_id for f in design.errors] == [SCHEDULED_HOURS.id]
        plan = TreatmentPlan.from_program(phone, patient_id="p", start=START, days=14)
        assert [f.rule_id for f in validate(plan, rules).errors] == [
            SCHEDULED_HOURS.id
        ] * 2

    @settings(max_examples=30, deadline=None)
    @given(ios.sessions())
    def test_session_roundtrip(self, session: Session) -> None:
        """Sessions with any delivery survive JSON, and telehealth equals delivery.remote."""
        assert session.telehealth == session.delivery.remote
        assert from_json(to_json(session)) == session

    def test_old_documents_without_delivery(self) -> None:
        """Documents written before delivery existed still load, mode from telehealth."""
        data = to_dict(self.session(telehealth=True))
        del data["delivery"]
        assert from_dict(data, Session).delivery is DeliveryMode.VIDEO


class TestStandard:
    def test_record_thresholds_are_library_defaults_with_reasons(self) -> None:
        """Measure, screen and authorization cadences are marked library defaults."""
        for name in (
            "measure_intake_days",
            "measure_every_days",
            "screen_every_days",
            "authorization_warning_days",
        ):
            threshold = getattr(DEFAULT_STANDARD, name)
            assert threshold.library_default, name
            assert threshold.note, name
        assert (
            DEFAULT_STANDARD.with_thresholds(
                screen_every_days=3
            ).screen_every_days.value
            == 3
        )

    def test_mcids_are_cited(self) -> None:
        """PHQ-9 5 points (Lowe 2004), GAD-7 4 points (Toussaint 2020); AUDIT-C none."""
        assert DEFAULT_STANDARD.mcid("phq-9").value == 5  # type: ignore[union-attr]
        assert DEFAULT_STANDARD.mcid("gad-7").source.short == "Toussaint 2020"  # type: ignore[union-attr]
        assert DEFAULT_STANDARD.mcid("audit-c") is None
        assert DEFAULT_STANDARD.with_mcid("phq-9", None).mcid("phq-9") is None

    def test_bad_mcids(self) -> None:
        """MCIDs must be thresholds."""
        with pytest.raises(InvalidTypeError):
            attrs.evolve(DEFAULT_STANDARD, mcid_points={"phq-9": 5})  # type: ignore[dict-item]


class TestDiagnosisRules:
    """ICD-10-CM codes are facts; NIDA: co-occurring mental disorders should be addressed."""

    def test_unknown_codes_are_information(self) -> None:
        """DX001 reports codes outside the table as info and skips plans without codes."""
        plan = plan_of(diagnoses=[Diagnosis(code="F10.20"), Diagnosis(code="F15.921")])
        report = validate(plan)
        found = [f for f in report if f.rule_id == UNKNOWN_DIAGNOSIS_CODE.id]
        assert [(f.severity, f.path) for f in found] == [
            (Severity.INFO, "$.diagnoses[1].code")
        ]
        assert UNKNOWN_DIAGNOSIS_CODE.id in [
            s.rule_id for s in validate(plan_of()).skipped
        ]

    def test_co_occurring_needs_a_capable_program(self) -> None:
        """DX002 warns for co-occurring diagnoses in a single-focus program without capability."""
        record = [Diagnosis(code="F10.20"), Diagnosis(code="F41.1", rank="secondary")]
        plan = plan_of(diagnoses=record)
        assert ids(plan, CO_OCCURRING_FIT.id)
        capable = attrs.evolve(plan.program, co_occurring=CoOccurringCapability.CAPABLE)
        assert not ids(attrs.evolve(plan, program=capable), CO_OCCURRING_FIT.id)
        integrated = attrs.evolve(plan.program, focus=ProgramFocus.CO_OCCURRING)
        assert not ids(attrs.evolve(plan, program=integrated), CO_OCCURRING_FIT.id)


class TestMeasureRules:
    """Measurement-based care.

    Measures at intake and on a cadence (library defaults); Lowe 2004: a
    5-point change on the PHQ-9 is clinically significant.
    """

    def test_missing_intake_measure(self) -> None:
        """MSR001 warns when a named measure is not given within the intake window."""
        plan = plan_of(
            measures=[PHQ_9.score({str(i): 1 for i in range(1, 10)}, on=START)]
        )
        assert ids(plan, MEASURE_CADENCE.id) == [
            "no audit-c at intake: due by 2026-03-09 (within 7 days of the start)"
        ]
        early = ids(plan, MEASURE_CADENCE.id, as_of=START + dt.timedelta(days=3))
        assert early == []

    def test_cadence(self) -> None:
        """MSR001 warns when a measure is older than the cadence by the end of the window."""
        intake = [
            PHQ_9.score({str(i): 1 for i in range(1, 10)}, on=START),
            AUDIT_C.score({"1": 2, "2": 2, "3": 1}, on=START),
        ]
        plan = plan_of(days=70, measures=intake)
        messages = ids(plan, MEASURE_CADENCE.id)
        assert len(messages) == 2
        assert all("overdue since 2026-04-01" in m for m in messages)
        monthly = [
            *intake,
            *(attrs.evolve(m, on=START + dt.timedelta(days=30)) for m in intake),
            *(attrs.evolve(m, on=START + dt.timedelta(days=60)) for m in intake),
        ]
        assert ids(attrs.evolve(plan, measures=monthly), MEASURE_CADENCE.id) == []

    def test_program_without_measures_is_skipped(self) -> None:
        """MSR001 applies only when the program names its measures."""
        plan = attrs.evolve(plan_of(), program=evening_iop())
        assert MEASURE_CADENCE.id in [s.rule_id for s in validate(plan).skipped]

    def test_worsening_by_mcid(self) -> None:
        """MSR002 informs when a score worsens by the MCID, and cites the MCID's source."""
        scores = [
            Measure(instrument="phq-9", on=START, total=10),
            Measure(instrument="phq-9", on=START + dt.timedelta(days=14), total=14),
            Measure(instrument="phq-9", on=START + dt.timedelta(days=21), total=19),
            Measure(instrument="audit-c", on=START, total=0),
            Measure(instrument="audit-c", on=START + dt.timedelta(days=14), total=12),
        ]
        report = validate(plan_of(measures=scores))
        found = [f for f in report if f.rule_id == MEASURE_WORSENING.id]
        assert len(found) == 1
        assert found[0].severity is Severity.INFO
        assert found[0].citation is not None
        assert found[0].citation.short == "Lowe 2004"
        assert "14 to 19" in found[0].message

    def test_improvement_on_reverse_scales(self) -> None:
        """For instruments where higher is better, a drop is the worsening."""
        register_instrument(
            Instrument(id="test-wellbeing", name="Wellbeing", items=["1"], item_maximum=10,
                       higher_is_worse=False, citation=LIBRARY_DEFAULT),
            replace=True,
        )  # fmt: skip
        standard = DEFAULT_STANDARD.with_mcid(
            "test-wellbeing",
            DEFAULT_STANDARD.mcid("phq-9").evolve(3),  # type: ignore[union-attr]
        )
        scores = [
            Measure(instrument="test-wellbeing", on=START, total=9),
            Measure(
                instrument="test-wellbeing", on=START + dt.timedelta(days=7), total=5
            ),
        ]
        report = validate(
            plan_of(measures=scores), DEFAULT_RULES.with_standard(standard)
        )
        assert [f.rule_id for f in report].count(MEASURE_WORSENING.id) == 1


class TestScreenRules:
    """NIDA: "Drug use during treatment must be monitored continuously"."""

    def screen(self, day: int) -> Screen:
        return Screen(collected=START + dt.timedelta(days=day), panel="urine",
                      results={"alcohol": "negative"})  # fmt: skip

    def test_weekly_screens_pass(self) -> None:
        """TOX001 is quiet with a screen every week."""
        plan = plan_of(screens=[self.screen(d) for d in (2, 9, 16, 23)])
        assert ids(plan, SCREEN_CADENCE.id) == []

    def test_gap_is_a_warning(self) -> None:
        """TOX001 warns about a gap longer than the cadence, citing the library default."""
        plan = plan_of(screens=[self.screen(d) for d in (2, 16, 23)])
        report = validate(plan)
        found = [f for f in report if f.rule_id == SCREEN_CADENCE.id]
        assert [f.message for f in found] == [
            "no drug screen from 2026-03-04 to 2026-03-18 (14 days; due every 7 days)"
        ]
        assert found[0].citation is not None
        assert found[0].citation.library_default

    def test_applies_to_substance_use_only(self) -> None:
        """TOX001 skips mental-health programs without SUD diagnoses, not those with one."""
        mh = attrs.evolve(
            plan_of(),
            program=attrs.evolve(sud_program(), focus=ProgramFocus.MENTAL_HEALTH),
        )
        assert SCREEN_CADENCE.id in [s.rule_id for s in validate(mh).skipped]
        with_sud = attrs.evolve(mh, diagnoses=[Diagnosis(code="F12.20")])
        assert ids(with_sud, SCREEN_CADENCE.id)


class TestAuthorizationRules:
    def authorization(self, start: int, end: int, units: int = 30) -> Authorization:
        return Authorization(payer="Acme", level=LevelOfCare.INTENSIVE_OUTPATIENT,
                             start=START + dt.timedelta(days=start),
                             end=START + dt.timedelta(days=end), units=units)  # fmt: skip

    def test_sessions_outside(self) -> None:
        """AUTH001 reports runs of sessions outside every authorization of the level."""
        plan = plan_of(
            authorizations=[self.authorization(0, 6), self.authorization(14, 27)]
        )
        assert ids(plan, AUTHORIZATION_COVERAGE.id) == [
            (
                "4 sessions on 4 days from 2026-03-09 to 2026-03-12 are outside every "
                "intensive_outpatient authorization"
            )
        ]
        other_level = attrs.evolve(
            self.authorization(0, 27), level=LevelOfCare.OUTPATIENT
        )
        assert (
            len(ids(plan_of(authorizations=[other_level]), AUTHORIZATION_COVERAGE.id))
            == 1
        )

    def test_units(self) -> None:
        """AUTH002 warns when more visit days are scheduled than authorized."""
        plan = plan_of(authorizations=[self.authorization(0, 27, units=12)])
        assert ids(plan, AUTHORIZATION_UNITS.id) == [
            (
                "Acme authorization from 2026-03-02 to 2026-03-29: 16 days scheduled, "
                "over the 12 authorized"
            )
        ]

    def test_ending_soon_and_renewal(self) -> None:
        """AUTH003 informs within the window unless a renewal continues the authorization."""
        first = self.authorization(0, 13)
        plan = plan_of(authorizations=[first])
        assert (
            ids(plan, AUTHORIZATION_ENDING.id, as_of=START + dt.timedelta(days=5)) == []
        )
        soon = ids(plan, AUTHORIZATION_ENDING.id, as_of=START + dt.timedelta(days=8))
        assert soon == [
            (
                "Acme authorization ends on 2026-03-15, 5 days after 2026-03-10, and no "
                "later authorization continues it"
            )
        ]
        renewed = plan.record(self.authorization(14, 27))
        assert (
            ids(renewed, AUTHORIZATION_ENDING.id, as_of=START + dt.timedelta(days=8))
            == []
        )
        assert AUTHORIZATION_ENDING.id in [s.rule_id for s in validate(plan).skipped]


class TestPlanRecord:
    def test_record_sorts_and_types(self) -> None:
        """TreatmentPlan.record files items by type, keeping dates in order."""
        plan = plan_of().record(
            Measure(instrument="phq-9", on=START + dt.timedelta(days=9), total=3),
            Measure(instrument="phq-9", on=START, total=9),
            Diagnosis(code="F10.20"),
        )
        assert [m.total for m in plan.measures] == [9, 3]
        with pytest.raises(InvalidTypeError):
            plan.record("F10.20")  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError):
            attrs.evolve(plan, measures=["phq-9"])  # type: ignore[list-item]

    @settings(max_examples=25, deadline=None)
    @given(ios.recorded_plans())
    def test_roundtrip(self, plan: TreatmentPlan) -> None:
        """Plans with a record survive JSON losslessly (with a consent when Part 2)."""
        from iopmodel.consent import Disclosure, DisclosurePurpose  # noqa: PLC0415

        consent = Consent(patient_id=plan.patient_id, recipient="r",
                          purposes=[DisclosurePurpose.TREATMENT], signed=plan.start)  # fmt: skip
        use = Disclosure(
            consent=consent, on=plan.start, purpose=DisclosurePurpose.TREATMENT
        )
        assert from_json(to_json(plan, disclosure=use)) == plan

    def test_html_shows_the_record(self) -> None:
        """The plan's HTML lists the record, escaped, and marks Part 2 plans."""
        plan = plan_of(part2=True).record(
            Diagnosis(code="F10.20", display="<b>x</b>"),
            Screen(collected=START, panel="urine", results={"cocaine": "positive"}),
        )
        html = plan._repr_html_()
        assert "Diagnoses" in html
        assert "&lt;b&gt;x&lt;/b&gt;" in html
        assert "42 CFR Part 2" in html
        assert "<b>cocaine</b>" in html
        for item in (plan.diagnoses[0], plan.screens[0], PHQ_9, PHQ_9.score(
                dict.fromkeys(PHQ_9.summed_items, 0), on=START)):  # fmt: skip
            assert "<table" in item._repr_html_()
        auth = Authorization(payer="A&B", level=LevelOfCare.INTENSIVE_OUTPATIENT,
                             start=START, end=START, units=1)  # fmt: skip
        assert "A&amp;B" in auth._repr_html_()


class TestPlot:
    def test_bands_are_shaded(self) -> None:
        """plot_measures shades one band per severity band and plots the totals in order."""
        import matplotlib as mpl  # noqa: PLC0415

        mpl.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415

        from iopmodel.plotting import plot_measures  # noqa: PLC0415

        plan = plan_of(measures=[
            Measure(instrument="gad-7", on=START + dt.timedelta(days=14), total=6),
            Measure(instrument="gad-7", on=START, total=16),
            Measure(instrument="phq-9", on=START, total=3),
        ])  # fmt: skip
        ax = plot_measures(plan, "gad-7")
        assert len(ax.patches) == len(GAD_7.bands)
        assert [int(y) for y in ax.lines[0].get_ydata()] == [16, 6]
        assert [t.get_text() for t in ax.texts] == [b.label for b in GAD_7.bands]
        plt.close(ax.figure)
        with pytest.raises(UnknownCodeError):
            plot_measures(plan, "no-such-scale")


@pytest.mark.parametrize(
    "kind",
    [DeliveryMode, ProgramFocus, CoOccurringCapability, DiagnosisRank, Diagnosis, Measure,
     ScreenResult, Screen, AuthorizationUnit, Authorization, Consent],
)  # fmt: skip
def test_from_type(kind: type) -> None:
    """Every new model has a registered from_type strategy."""
    assert kind in ios.REGISTERED

    @settings(max_examples=5, deadline=None)
    @given(st.from_type(kind))
    def check(value: object) -> None:
        assert isinstance(value, kind)

    check()
