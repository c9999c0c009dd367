"""The shipped clinical rules, one example test per rule, quoting the source."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import attrs
import pytest

from iopmodel import (
    DEFAULT_RULES,
    MEDICARE_2024_RULES,
    AftercarePlan,
    Attendance,
    Citation,
    DischargeReason,
    Episode,
    InvalidValueError,
    LevelOfCare,
    Population,
    Program,
    RuleSet,
    Session,
    SessionKind,
    SessionTemplate,
    Severity,
    TreatmentPlan,
    UnknownCodeError,
    ValidationReport,
    sources,
    validate,
)
from iopmodel.errors import InvalidTypeError
from iopmodel.examples import day_php, evening_iop
from iopmodel.rules import RULE_SETS, Observation, Rule, Subject, rule
from iopmodel.standards import DEFAULT_STANDARD, MEDICARE_2024_STANDARD

MINUTE = dt.timedelta(minutes=1)
#: One-week plans are short on purpose here: leave the 90-day rule out.
SHORT_PLAN_RULES = DEFAULT_RULES.without("LEN001")
AFTERCARE = AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=["AA"])
MONDAY = dt.date(2026, 3, 2)


def iop(
    group_minutes: int,
    *,
    days: str = "MO,WE,TH",
    individual_minutes: int | None = 60,
    population: Population = Population.ADULT,
    extra: Iterable[SessionTemplate] = (),
) -> Program:
    """An IOP with groups on *days* and an optional weekly individual session."""
    templates = [
        SessionTemplate(
            kind=SessionKind.GROUP_THERAPY,
            rrule=f"FREQ=WEEKLY;BYDAY={days}",
            start_time=dt.time(18),
            duration=group_minutes * MINUTE,
        )
    ]
    if individual_minutes is not None:
        templates.append(
            SessionTemplate(
                kind=SessionKind.INDIVIDUAL_THERAPY,
                rrule="FREQ=WEEKLY;BYDAY=TU",
                start_time=dt.time(17),
                duration=individual_minutes * MINUTE,
            )
        )
    templates.extend(extra)
    return Program(
        name="Test IOP",
        level=LevelOfCare.INTENSIVE_OUTPATIENT,
        population=population,
        timezone="America/New_York",
        templates=templates,
    )


def ids(report: ValidationReport, severity: Severity | None = None) -> list[str]:
    return [f.rule_id for f in report if severity is None or f.severity is severity]


class TestWeeklyHours:
    """SAMHSA's band, as the source article states it, and Medicare's.

    Source article: 'IOPs typically require patients to spend 9-20 hours per week
    in treatment'. Medicare 2024: 9-19 hours a week; partial hospitalization
    starts at 20.
    """

    def test_nine_hours_passes(self) -> None:
        """9 h 00 min a week passes the adult floor."""
        assert validate(iop(160)).ok  # 3 x 160 min + 60 min = 540 min

    def test_eight_59_fails(self) -> None:
        """8 h 59 min a week is an error that names the numbers and the source."""
        report = validate(iop(160, individual_minutes=59))
        (finding,) = report.errors
        assert finding.rule_id == "HRS001"
        assert finding.message == (
            "every week: 8.98 h scheduled, below the 9 h floor (SAMHSA Advisory 2021)"
        )
        assert finding.citation is sources.SAMHSA_ADVISORY_2021

    def test_twenty_hours_default_vs_medicare(self) -> None:
        """20 h passes the default set (inclusive) and fails Medicare 2024."""
        program = iop(380, individual_minutes=60)  # 3 x 380 + 60 = 1200 min
        assert program.weekly_hours == 20
        assert validate(program).ok
        medicare = validate(program, MEDICARE_2024_RULES)
        assert ids(medicare, Severity.ERROR) == ["HRS001"]
        assert "above the 20 h limit (exclusive) (Medicare IOP 2024)" in (
            medicare.errors[0].message
        )
        assert medicare.errors[0].citation is sources.MEDICARE_IOP_2024

    def test_adolescent_floor_is_six(self) -> None:
        """SAMHSA Advisory 2021: at least 6 hours a week for adolescents."""
        adolescent = iop(100, population=Population.ADOLESCENT)  # 3 x 100 + 60 = 6 h
        assert adolescent.weekly_hours == 6
        assert validate(adolescent).ok
        adult = attrs.evolve(adolescent, population=Population.ADULT)
        assert ids(validate(adult), Severity.ERROR) == ["HRS001"]

    def test_above_twenty_fails_default(self) -> None:
        """Over 20 h a week is above the default ceiling."""
        report = validate(iop(400))
        assert "above the 20 h ceiling" in report.errors[0].message

    def test_every_week_of_a_plan(self) -> None:
        """A plan reports each short week, and only those."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=28
        )
        for session in plan.sessions:
            if session.start.date() in {dt.date(2026, 3, 9), dt.date(2026, 3, 23)}:
                plan = plan.cancel_session(session)
        errors = validate(plan).errors
        assert [(f.rule_id, f.week) for f in errors] == [
            ("HRS001", dt.date(2026, 3, 9)),
            ("HRS001", dt.date(2026, 3, 23)),
        ]
        assert errors[0].message.startswith("week of 2026-03-09: 7 h scheduled")

    def test_partial_weeks_are_info(self) -> None:
        """A plan starting on a Thursday has a short first week: info, not error."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=dt.date(2026, 3, 5), days=25
        )
        report = validate(plan)
        assert report.ok
        partial = [f for f in report if f.rule_id == "HRS001"]
        assert [f.severity for f in partial] == [Severity.INFO]
        assert "partial week (4 of 7 days in the plan)" in partial[0].message

    def test_attended_hours_warn(self) -> None:
        """Attended hours below the floor are a warning once outcomes are recorded."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=7
        )
        for session in plan.sessions:
            outcome = (
                Attendance.ABSENT if session.start.day == 2 else Attendance.ATTENDED
            )
            plan = plan.record_attendance(session, outcome)
        report = validate(plan, SHORT_PLAN_RULES)
        assert report.ok
        (warning,) = report.warnings
        assert warning.rule_id == "HRS002"
        assert warning.message == (
            "week of 2026-03-02: 7 h attended, below the 9 h floor (SAMHSA Advisory 2021)"
        )

    def test_attended_hours_wait_for_outcomes(self) -> None:
        """A week with unrecorded sessions is not judged on attendance yet."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=7
        )
        plan = plan.record_attendance(plan.sessions[0], Attendance.ABSENT)
        assert "HRS002" not in ids(validate(plan))

    def test_excused_counts_as_scheduled(self) -> None:
        """Absent and excused sessions were scheduled; cancelled ones were not."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=7
        )
        excused = plan.record_attendance(plan.sessions[0], Attendance.EXCUSED)
        assert validate(excused).ok
        cancelled = plan.cancel_session(plan.sessions[0])
        assert not validate(cancelled).ok


class TestStepDownAllowance:
    """Payer policy: one or two reduced weeks while stepping down still count."""

    def plan(self) -> TreatmentPlan:
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=21
        )
        last_week = {dt.date(2026, 3, 16), dt.date(2026, 3, 18)}
        for session in plan.sessions:
            if session.start.date() in last_week:
                plan = plan.cancel_session(session)
        return plan

    def test_without_allowance(self) -> None:
        """By default the reduced last week is an error."""
        assert ids(validate(self.plan()), Severity.ERROR) == ["HRS001"]

    def test_with_allowance(self) -> None:
        """With the allowance it is info citing the payer policy."""
        rules = DEFAULT_RULES.with_step_down_allowance(weeks=1)
        report = validate(self.plan(), rules)
        assert report.ok
        (info,) = [f for f in report if f.rule_id == "HRS001"]
        assert info.severity is Severity.INFO
        assert info.citation is sources.PAYER_STEP_DOWN_ALLOWANCE
        assert "allowed while stepping down" in info.message
        assert report.rule_set == "default+step-down-1w"

    def test_only_final_weeks(self) -> None:
        """The allowance never covers a reduced week in the middle of a plan."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=21
        )
        plan = plan.cancel_session(plan.sessions[0])
        rules = DEFAULT_RULES.with_step_down_allowance(weeks=1)
        assert ids(validate(plan, rules), Severity.ERROR) == ["HRS001"]


class TestSessionMix:
    """Individual therapy weekly; group therapy central.

    Source article: 'people in Intensive Outpatient Programs will receive
    individual therapy at least once weekly'; 'Group therapy is typically central
    to Intensive Outpatient Programs'.
    """

    def test_missing_individual_therapy(self) -> None:
        """No individual session in a full week is an error."""
        report = validate(iop(200, individual_minutes=None))
        assert ids(report, Severity.ERROR) == ["IND001"]
        assert report.errors[0].message == (
            "every week: 0 individual therapy session(s), at least 1 expected"
        )

    def test_missing_group_therapy(self) -> None:
        """No group in a full week is a warning."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=7
        )
        plan = attrs.evolve(
            plan,
            sessions=[
                attrs.evolve(s, kind=SessionKind.PSYCHOEDUCATION)
                if s.kind is SessionKind.GROUP_THERAPY
                else s
                for s in plan.sessions
            ],
        )
        assert ids(validate(plan, SHORT_PLAN_RULES), Severity.WARNING) == ["GRP001"]

    def test_more_individual_sessions_configurable(self) -> None:
        """Two individual sessions a week in early treatment, by configuration."""
        rules = DEFAULT_RULES.with_thresholds(individual_sessions_per_week=2)
        assert "at least 2 expected" in validate(iop(180), rules).errors[0].message


class TestVisitPattern:
    """Source article: 'about three hours at a time, three or four days a week'."""

    def test_typical_pattern_is_quiet(self) -> None:
        """3 x 3 h evenings plus an individual hour is typical."""
        assert "PAT001" not in ids(validate(iop(180)))

    def test_five_short_days(self) -> None:
        """Five 2-hour days are atypical: info only."""
        program = iop(108, days="MO,TU,WE,TH,FR", individual_minutes=None)
        report = validate(program, DEFAULT_RULES.without("IND001"))
        assert ids(report) == ["PAT001"]
        assert report.infos[0].message == (
            "every week: 5 visit day(s) averaging 1.8 h; "
            "the typical IOP pattern is 3-4 days of 2-4 h"
        )


class TestLength:
    """NIDA: most people need at least three months in treatment."""

    def test_short_plan_is_information(self) -> None:
        """A 60-day IOP plan (the article's step-down) is info, not a warning.

        NIDA: 'most individuals need at least 3 months in treatment' in total.
        """
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=60
        )
        report = validate(plan)
        assert report.warnings == ()
        (info,) = [f for f in report if f.rule_id == "LEN001"]
        assert info.severity is Severity.INFO
        assert info.citation is sources.NIDA_PRINCIPLES
        assert "this plan is 60 days" in info.message

    def test_short_episode_warns(self) -> None:
        """An episode that ended after 60 days in total is a warning."""
        episode = Episode(patient_id="p").admit(
            LevelOfCare.INTENSIVE_OUTPATIENT, on=MONDAY
        )
        episode = episode.discharge(
            MONDAY + dt.timedelta(60), DischargeReason.GOALS_MET, aftercare=AFTERCARE
        )
        (warning,) = validate(episode).warnings
        assert warning.rule_id == "LEN001"
        assert "60 days in treatment in total" in warning.message

    def test_step_down_pathway_counts_in_total(self) -> None:
        """45 days of IOP and 60 of outpatient make 105 days: no finding."""
        episode = Episode(patient_id="p").admit(
            LevelOfCare.INTENSIVE_OUTPATIENT, on=MONDAY
        )
        episode = episode.step_down(
            LevelOfCare.OUTPATIENT, on=MONDAY + dt.timedelta(45)
        )
        episode = episode.discharge(
            MONDAY + dt.timedelta(105), DischargeReason.GOALS_MET, aftercare=AFTERCARE
        )
        assert validate(episode).ok
        assert list(validate(episode)) == []

    def test_ninety_days_passes(self) -> None:
        """A 90-day plan has no length finding."""
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=90
        )
        assert "LEN001" not in ids(validate(plan))

    def test_program_recommendation(self) -> None:
        """A design recommending 30 days is information: NIDA's 90 days are in total."""
        program = attrs.evolve(iop(180), recommended_minimum_days=30)
        (finding,) = [f for f in validate(program) if f.rule_id == "LEN001"]
        assert finding.severity is Severity.INFO
        assert "90 days in treatment in total" in finding.message

    def test_open_plan_is_info(self) -> None:
        """A plan with no planned discharge cannot be checked: info."""
        plan = TreatmentPlan(patient_id="p", program=iop(180), start=MONDAY)
        findings = [f for f in validate(plan) if f.rule_id == "LEN001"]
        assert [f.severity for f in findings] == [Severity.INFO]


class TestAftercare:
    """Source article: programs 'should also have an aftercare plan'."""

    def discharged(self, aftercare: AftercarePlan | None) -> TreatmentPlan:
        plan = TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=91
        )
        if aftercare is not None:
            plan = plan.with_aftercare(aftercare)
        return plan.discharge(dt.date(2026, 6, 1), DischargeReason.GOALS_MET)

    def test_missing_aftercare(self) -> None:
        """Discharge without an aftercare plan is an error at $.aftercare."""
        report = validate(self.discharged(None))
        (error,) = report.errors
        assert error.rule_id == "AFT001"
        assert error.path == "$.aftercare"
        assert (
            error.message
            == "discharged on 2026-06-01 (goals_met) without an aftercare plan"
        )

    def test_with_aftercare(self) -> None:
        """With an aftercare plan there is no finding."""
        aftercare = AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=["AA"])
        assert "AFT001" not in ids(validate(self.discharged(aftercare)))

    def test_exempt_reason(self) -> None:
        """A clinic can exempt some discharge reasons."""
        rules = DEFAULT_RULES.configure(
            "AFT001", exempt_reasons=[DischargeReason.GOALS_MET]
        )
        assert "AFT001" not in ids(validate(self.discharged(None), rules))

    def test_not_for_designs(self) -> None:
        """Designs are not checked for aftercare; the report says so."""
        report = validate(iop(180))
        assert "AFT001" in [s.rule_id for s in report.skipped]


class TestReviews:
    """Medicare IOP: recertification at least every 60 days (default cadence)."""

    def plan(self) -> TreatmentPlan:
        return TreatmentPlan.from_program(
            iop(180), patient_id="p", start=MONDAY, days=150
        )

    def test_overdue(self) -> None:
        """No review in 150 days is overdue from day 60."""
        (warning,) = [f for f in validate(self.plan()) if f.rule_id == "REV001"]
        assert warning.severity is Severity.WARNING
        assert warning.message == (
            "plan review overdue since 2026-05-01: none since 2026-03-02 "
            "(150 days by 2026-07-30; due every 60 days)"
        )

    def test_reviews_on_time(self) -> None:
        """Reviews every 50 days (a revision counts) leave no finding."""
        plan = self.plan().review(MONDAY + dt.timedelta(50))
        plan = plan.revise(MONDAY + dt.timedelta(100), "Stepped up group hours")
        assert "REV001" not in ids(validate(plan))

    def test_gap_between_reviews(self) -> None:
        """A gap of more than the cadence between two reviews is reported."""
        plan = (
            self.plan()
            .review(MONDAY + dt.timedelta(10))
            .review(MONDAY + dt.timedelta(100))
        )
        messages = [f.message for f in validate(plan) if f.rule_id == "REV001"]
        assert messages == [
            "no plan review from 2026-03-12 to 2026-06-10 (90 days; due every 60 days)"
        ]

    def test_as_of_limits_the_check(self) -> None:
        """Checked as of day 30, nothing is overdue yet."""
        assert "REV001" not in ids(
            validate(self.plan(), as_of=MONDAY + dt.timedelta(30))
        )

    def test_cadence_configurable(self) -> None:
        """Monthly reviews by configuration."""
        rules = DEFAULT_RULES.with_thresholds(plan_review_every_days=30)
        plan = (
            self.plan()
            .review(MONDAY + dt.timedelta(50))
            .review(MONDAY + dt.timedelta(100))
        )
        assert len([f for f in validate(plan, rules) if f.rule_id == "REV001"]) == 3


class TestNonProgramKinds:
    """Mutual-support meetings (AA, NA) are encouraged but are not program hours."""

    def test_aa_never_counts(self) -> None:
        """An AA meeting does not lift a short week over the floor."""
        aa = SessionTemplate(
            kind=SessionKind.MUTUAL_SUPPORT,
            rrule="FREQ=WEEKLY;BYDAY=SA",
            start_time=dt.time(10),
            duration=2 * dt.timedelta(hours=1),
        )
        report = validate(iop(150, extra=[aa]))  # 7.5 h + 1 h individual + 2 h AA
        assert ids(report, Severity.ERROR) == ["HRS001"]
        assert "8.5 h scheduled" in report.errors[0].message
        (info,) = [f for f in report if f.rule_id == "HRS003"]
        assert info.message == (
            "every week: 2 h of mutual_support left out of program hours "
            "(these kinds do not count)"
        )

    def test_counted_kinds_are_configurable(self) -> None:
        """A rule set may count other kinds; then AA hours count."""
        aa = SessionTemplate(
            kind=SessionKind.MUTUAL_SUPPORT,
            rrule="FREQ=WEEKLY;BYDAY=SA",
            start_time=dt.time(10),
            duration=2 * dt.timedelta(hours=1),
        )
        standard = attrs.evolve(DEFAULT_STANDARD, counted_kinds=set(SessionKind))
        rules = DEFAULT_RULES.with_standard(standard)
        assert validate(iop(150, extra=[aa]), rules).ok


class TestRuleSets:
    def test_shipped_sets(self) -> None:
        """The default and Medicare 2024 sets ship by name."""
        assert set(RULE_SETS) == {"default", "medicare-2024"}
        assert (*DEFAULT_RULES.ids, "REV002") == MEDICARE_2024_RULES.ids
        assert DEFAULT_RULES.standard is DEFAULT_STANDARD
        assert MEDICARE_2024_RULES.standard is MEDICARE_2024_STANDARD

    def test_levels_other_than_iop_are_skipped(self) -> None:
        """IOP hour rules do not apply to a PHP; the report lists them as skipped."""
        report = validate(day_php())
        assert report.ok
        skipped = {s.rule_id: s.reason for s in report.skipped}
        assert skipped["HRS001"] == "does not apply to partial_hospitalization"

    def test_custom_rule_as_plain_function(self) -> None:
        """A clinic adds its own rule without subclassing."""
        policy = Citation(key="CLINIC-7", title="Clinic policy 7", short="policy 7")

        @rule(id="CLINIC001", title="No telehealth groups", severity=Severity.WARNING,
              citation=policy)  # fmt: skip
        def no_telehealth_groups(subject: Subject) -> Iterable[Observation]:
            for session in subject.sessions:
                if session.telehealth and session.kind is SessionKind.GROUP_THERAPY:
                    yield Observation(
                        message=f"{session.start:%Y-%m-%d}: telehealth group"
                    )

        program = evening_iop()
        remote = attrs.evolve(
            program,
            templates=[attrs.evolve(program.templates[0], telehealth=True)],
        )
        rules = DEFAULT_RULES.with_rule(no_telehealth_groups)
        report = validate(remote, rules)
        assert ids(report, Severity.WARNING) == ["CLINIC001"] * 3
        assert report.warnings[0].citation is policy
        assert ids(report, Severity.ERROR) == ["IND001"]  # every rule still ran

    def test_configure_unknown_parameter(self) -> None:
        """Configuring a parameter a rule does not have lists the real ones."""
        with pytest.raises(UnknownCodeError, match="exempt_reasons"):
            DEFAULT_RULES.configure("AFT001", every_week=True)
        with pytest.raises(UnknownCodeError, match="HRS001"):
            DEFAULT_RULES.get("HRS999")

    def test_duplicate_ids(self) -> None:
        """Two rules with one id are refused."""
        rule_ = DEFAULT_RULES.get("HRS001")
        with pytest.raises(InvalidValueError, match="given twice"):
            RuleSet(name="x", rules=[rule_, rule_])

    def test_rule_ids_are_checked(self) -> None:
        """Rule ids are upper-case tokens."""
        with pytest.raises(InvalidValueError, match="id"):
            attrs.evolve(DEFAULT_RULES.get("HRS001"), id="hrs 1")

    def test_without_and_with(self) -> None:
        """Rules can be removed and replaced; sets are immutable."""
        smaller = DEFAULT_RULES.without("PAT001")
        assert "PAT001" not in smaller
        assert "PAT001" in DEFAULT_RULES
        replaced = smaller.with_rule(
            DEFAULT_RULES.get("HRS001").configure(step_down_weeks=2)
        )
        assert replaced.ids == smaller.ids

    def test_rule_is_generic_data(self) -> None:
        """Every shipped rule has a citation, a title and typed parameters."""
        for item in DEFAULT_RULES:
            assert isinstance(item, Rule)
            assert item.citation.title
            assert item.title
            assert item.params is None or attrs.has(type(item.params))

    def test_week_start_validated(self) -> None:
        """Week start must be a weekday number."""
        with pytest.raises(InvalidValueError, match="week_start"):
            DEFAULT_RULES.with_week_start(7)


class TestWeeks:
    def test_sunday_night_in_new_york(self) -> None:
        """A session at 23:30 on Sunday local time belongs to that Sunday's week."""
        program = evening_iop()
        sunday_night = Session(
            kind=SessionKind.INDIVIDUAL_THERAPY,
            start=dt.datetime(2026, 3, 15, 23, 30, tzinfo=program.timezone).astimezone(
                dt.UTC
            ),
            duration=dt.timedelta(hours=1),
        )
        assert sunday_night.start.weekday() == calendar.MONDAY  # Monday in UTC
        plan = TreatmentPlan(
            patient_id="p", program=program, start=MONDAY, planned_discharge=dt.date(2026, 3, 23),
            sessions=[sunday_night],
        )  # fmt: skip
        subject = Subject.of(plan, DEFAULT_RULES)
        counts = {w.start: w.individual_sessions for w in subject.weeks}
        assert counts[dt.date(2026, 3, 9)] == 1
        assert counts[dt.date(2026, 3, 16)] == 0

    def test_us_weeks(self) -> None:
        """With Sunday-start weeks the same session opens the next week."""
        program = evening_iop()
        sunday_night = Session(
            kind=SessionKind.INDIVIDUAL_THERAPY,
            start=dt.datetime(2026, 3, 15, 23, 30, tzinfo=program.timezone),
            duration=dt.timedelta(hours=1),
        )
        plan = TreatmentPlan(
            patient_id="p", program=program, start=MONDAY, planned_discharge=dt.date(2026, 3, 23),
            sessions=[sunday_night],
        )  # fmt: skip
        subject = Subject.of(plan, DEFAULT_RULES.with_week_start(calendar.SUNDAY))
        counts = {w.start: w.individual_sessions for w in subject.weeks}
        assert counts[dt.date(2026, 3, 15)] == 1


def test_validate_refuses_other_targets() -> None:
    """Only programs and plans can be validated; anything else is a type error."""
    with pytest.raises(InvalidTypeError, match="target"):
        validate("Evening IOP")  # type: ignore[arg-type]
