"""A design's cycle of weeks: every week a schedule can produce is judged."""

from __future__ import annotations

import datetime as dt
import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    DEFAULT_RULES,
    MEDICARE_2024_RULES,
    LevelOfCare,
    Population,
    Program,
    SessionKind,
    SessionTemplate,
    Severity,
    TreatmentPlan,
    validate,
)
from iopmodel.cycles import MAX_CYCLE_WEEKS, REFERENCE_WEEKS
from iopmodel.errors import InvalidValueError, IopModelError
from iopmodel.examples import evening_iop
from iopmodel.programs import MAX_SCHEDULE_DAYS
from iopmodel.standards import DEFAULT_STANDARD
from iopmodel.strategies import time_zones
from iopmodel.weeks import summarize_weeks

HOUR = dt.timedelta(hours=1)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def template(rrule: str, kind: SessionKind = SessionKind.GROUP_THERAPY,
             hours: int = 3, start: dt.time = dt.time(18)) -> SessionTemplate:  # fmt: skip
    return SessionTemplate(
        kind=kind, rrule=rrule, start_time=start, duration=hours * HOUR
    )


def program(*templates: SessionTemplate, level: LevelOfCare = LevelOfCare.INTENSIVE_OUTPATIENT,
            zone: str = "America/New_York") -> Program:  # fmt: skip
    return Program(name="Design", level=level, population=Population.ADULT,
                   timezone=zone, templates=templates)  # fmt: skip


GROUPS = template("FREQ=WEEKLY;BYDAY=MO,WE,TH")


class TestIssueExamples:
    """The three examples of the standards issue, each with the right answer."""

    def test_biweekly_individual_therapy_is_an_error(self) -> None:
        """Individual therapy every other week: the second week of the cycle lacks it.

        Source article: individual therapy 'typically ... at least once weekly'.
        """
        biweekly = template("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
                            SessionKind.INDIVIDUAL_THERAPY, hours=1, start=dt.time(17))  # fmt: skip
        design = program(GROUPS, biweekly)
        cycle = design.cycle()
        assert cycle.exact
        assert [str(w.scheduled_hours) for w in cycle.block(0)] == ["10", "9"]
        assert design.weekly_hours == 9.5
        report = validate(design)
        assert not report.ok
        (error,) = report.errors
        assert error.rule_id == "IND001"
        assert error.cycle_week == 2
        assert error.week is None
        assert error.message.startswith("week 2 of the 2-week cycle: 0 individual")

    def test_monthly_template_is_judged_on_every_week(self) -> None:
        """A monthly individual session leaves most weeks without one."""
        monthly = template("FREQ=MONTHLY;BYDAY=1MO", SessionKind.INDIVIDUAL_THERAPY,
                           hours=1, start=dt.time(17))  # fmt: skip
        cycle = program(GROUPS, monthly).cycle()
        assert not cycle.exact
        assert cycle.length == REFERENCE_WEEKS
        (error,) = validate(program(GROUPS, monthly)).errors
        assert error.rule_id == "IND001"
        assert "of the 261 weeks of the reference calendar" in error.message

    def test_twenty_hours_classifier_and_rules_agree(self) -> None:
        """20 h/week: IOP under the default (as the classifier says), not Medicare."""
        twenty = program(template("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", hours=4))
        assert twenty.weekly_hours == 20
        assert "HRS001" not in [f.rule_id for f in validate(twenty)]
        assert "HRS001" in [f.rule_id for f in validate(twenty, MEDICARE_2024_RULES)]


class TestEveryLevelJudged:
    """HRS004: hours must fit the declared level's band (ASAM 3rd ed., 42 CFR 410.43)."""

    def test_outpatient_at_fourteen_hours(self) -> None:
        """An outpatient design at 14 h/week is an error naming IOP."""
        design = program(template("FREQ=DAILY", hours=2), level=LevelOfCare.OUTPATIENT)
        (error,) = validate(design).errors
        assert error.rule_id == "HRS004"
        assert "14 h scheduled" in error.message
        assert "fits intensive outpatient" in error.message

    def test_php_at_six_and_a_half_hours(self) -> None:
        """A partial-hospitalization design at 6.5 h/week is an error naming outpatient."""
        short = SessionTemplate(
            kind=SessionKind.GROUP_THERAPY,
            rrule="FREQ=WEEKLY;BYDAY=MO,WE",
            start_time=dt.time(9),
            duration=195 * dt.timedelta(minutes=1),
        )
        design = program(short, level=LevelOfCare.PARTIAL_HOSPITALIZATION)
        (error,) = validate(design).errors
        assert error.rule_id == "HRS004"
        assert "6.5 h scheduled" in error.message
        assert "fits outpatient" in error.message
        (medicare,) = validate(design, MEDICARE_2024_RULES).errors
        assert "below the 20 h floor (42 CFR 410.43)" in medicare.message

    def test_iop_is_left_to_hrs001(self) -> None:
        """HRS004 skips IOP (HRS001 judges it) and levels without a band."""
        skipped = {s.rule_id: s.reason for s in validate(evening_iop()).skipped}
        assert "HRS001" in skipped["HRS004"]
        residential = program(GROUPS, level=LevelOfCare.HIGH_INTENSITY_RESIDENTIAL)
        skipped = {s.rule_id: s.reason for s in validate(residential).skipped}
        assert "no weekly-hours band" in skipped["HRS004"]

    def test_plan_weeks_are_judged_too(self) -> None:
        """A plan at an outpatient program with 14 h weeks gets one error per week."""
        design = program(template("FREQ=DAILY", hours=2), level=LevelOfCare.OUTPATIENT)
        plan = TreatmentPlan.from_program(design, patient_id="p", start=dt.date(2026, 3, 2),
                                          days=14)  # fmt: skip
        errors = [f for f in validate(plan).errors if f.rule_id == "HRS004"]
        assert [f.week for f in errors] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]


_WEEKLY_PARTS = st.builds(
    lambda freq, interval, days, wkst: (
        f"FREQ={freq};INTERVAL={interval};BYDAY={','.join(days)};WKST={wkst}"
    ),
    st.sampled_from(["WEEKLY", "DAILY"]),
    st.integers(min_value=1, max_value=4),
    st.lists(st.sampled_from(_DAYS), min_size=1, max_size=4, unique=True),
    st.sampled_from(_DAYS),
)


@st.composite
def periodic_programs(draw: st.DrawFn) -> Program:
    kinds = st.sampled_from(
        [
            SessionKind.GROUP_THERAPY,
            SessionKind.INDIVIDUAL_THERAPY,
            SessionKind.MUTUAL_SUPPORT,
        ]
    )
    templates = draw(
        st.lists(
            st.builds(
                template,
                _WEEKLY_PARTS,
                kinds,
                st.integers(min_value=1, max_value=3),
                st.sampled_from([dt.time(0, 30), dt.time(9), dt.time(23, 30)]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return Program(name="Periodic", level=LevelOfCare.INTENSIVE_OUTPATIENT,
                   population=Population.ADULT, timezone=draw(time_zones()),
                   templates=templates)  # fmt: skip


def _signature(week: object) -> tuple[object, ...]:
    return (week.scheduled_minutes, week.session_counts, week.visit_days)  # type: ignore[attr-defined]


class TestCycleProperties:
    @given(
        periodic_programs(),
        st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
        st.integers(min_value=0, max_value=6),
    )
    def test_every_week_of_any_schedule_is_a_week_of_the_cycle(
        self, design: Program, start: dt.date, week_start: int
    ) -> None:
        """Proof for week-periodic designs: any start date, any week start.

        The full weeks of the schedule are exactly the weeks of the cycle's block
        for that start day, so the cycle holds every week a schedule can produce.
        """
        cycle = design.cycle(week_start)
        assert cycle.exact
        periods = [t.period_weeks for t in design.templates]
        assert cycle.length == math.lcm(*periods)  # type: ignore[arg-type]
        weeks_needed = 3 * cycle.length + 2
        end = start + dt.timedelta(weeks=weeks_needed)
        sessions = design.schedule(start, end)
        summaries = summarize_weeks(sessions, design.timezone, start,
                                    end - dt.timedelta(days=1), week_start=week_start)  # fmt: skip
        full = [w for w in summaries if w.full]
        # the first rule-week may be cut by the start date (RFC 5545: DTSTART is
        # the first instance); from the second full week on, the schedule is in step
        seen = {_signature(w) for w in full[1:]}
        offset = (start.weekday() - week_start) % 7
        assert seen == {_signature(w) for w in cycle.block(offset)}
        assert seen <= {_signature(w) for w in cycle.weeks}

    @given(periodic_programs())
    def test_hours_summary_is_consistent(self, design: Program) -> None:
        """Min <= mean <= max, and the mean is the program's weekly hours."""
        cycle = design.cycle()
        assert cycle.min_hours <= cycle.mean_hours <= cycle.max_hours
        assert design.weekly_hours == cycle.mean_hours
        positions = sorted(p for _, ps in cycle.distinct() for p in ps)
        assert positions == list(range(1, len(cycle.weeks) + 1))
        assert len(cycle.weeks) == 7 * cycle.length

    def test_long_cycles_use_the_reference_calendar(self) -> None:
        """Cycles longer than a year are judged on the reference calendar instead."""
        seven = template("FREQ=WEEKLY;INTERVAL=7;BYDAY=MO")
        eleven = template("FREQ=WEEKLY;INTERVAL=11;BYDAY=TU")
        cycle = program(seven, eleven).cycle()
        assert MAX_CYCLE_WEEKS < 7 * 11
        assert not cycle.exact
        assert cycle.length == REFERENCE_WEEKS

    def test_counted_kinds_come_from_the_rule_set(self) -> None:
        """Which kinds count is the standard's, never a constant in Program."""
        aa = template("FREQ=WEEKLY;BYDAY=SA", SessionKind.MUTUAL_SUPPORT, hours=2)
        design = program(GROUPS, aa)
        assert design.weekly_hours == 9
        assert design.cycle(counted_kinds=set(SessionKind)).mean_hours == 11
        everything = attrs.evolve(DEFAULT_STANDARD, counted_kinds=set(SessionKind))
        report = validate(design, DEFAULT_RULES.with_standard(everything))
        assert "HRS003" not in [f.rule_id for f in report]

    def test_week_start_is_checked(self) -> None:
        """A week start outside 0-6 is refused."""
        from iopmodel.errors import InvalidValueError  # noqa: PLC0415

        with pytest.raises(InvalidValueError, match="week_start"):
            evening_iop().cycle(7)


class TestRecertification:
    """Medicare IOP: physician recertification 'at least every 60 days' (REV002)."""

    def plan(self) -> TreatmentPlan:
        return TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2),
                             planned_discharge=dt.date(2026, 7, 30))  # fmt: skip

    def test_overdue_under_medicare(self) -> None:
        """No recertification in 150 days is a warning in the Medicare set only."""
        (finding,) = [f for f in validate(self.plan(), MEDICARE_2024_RULES)
                      if f.rule_id == "REV002"]  # fmt: skip
        assert finding.severity is Severity.WARNING
        assert finding.message.startswith(
            "physician recertification overdue since 2026-05-01"
        )
        assert "REV002" not in DEFAULT_RULES

    def test_recertified_on_time(self) -> None:
        """Recertifications at day 55 and 110 satisfy REV002; a plain review does not."""
        plan = self.plan().review(dt.date(2026, 4, 26), recertification=True)
        plan = plan.review(dt.date(2026, 6, 20), recertification=True)
        assert "REV002" not in [f.rule_id for f in validate(plan, MEDICARE_2024_RULES)]
        plain = self.plan().review(dt.date(2026, 4, 26)).review(dt.date(2026, 6, 20))
        assert "REV002" in [f.rule_id for f in validate(plain, MEDICARE_2024_RULES)]

    def test_plan_review_cadence_is_a_library_default(self) -> None:
        """REV001 cites the library default, not Medicare recertification."""
        (finding,) = [f for f in validate(self.plan()) if f.rule_id == "REV001"]
        assert finding.citation is not None
        assert finding.citation.library_default


class TestBudgets:
    def test_plan_window_over_the_schedule_cap_is_refused_fast(self) -> None:
        """A plan to the far future is refused before any week is built."""
        with pytest.raises(IopModelError, match="planned_discharge"):
            TreatmentPlan(
                patient_id="p",
                program=evening_iop(),
                start=dt.date(2026, 3, 2),
                planned_discharge=dt.date(9989, 12, 30),
            )

    def test_window_at_the_cap_is_accepted(self) -> None:
        """A plan exactly as long as the cap validates."""
        start = dt.date(2026, 3, 2)
        last = start + dt.timedelta(MAX_SCHEDULE_DAYS)
        plan = TreatmentPlan(
            patient_id="p", program=evening_iop(), start=start, planned_discharge=last
        )
        assert validate(plan).rule_set == "default"


class TestStartDayDependence:
    def test_out_of_step_templates_are_found_for_every_start_day(self) -> None:
        """Every-other-week groups with different WKST: in step or not by start day.

        The cycle holds the weeks of both cases, each named by its start days.
        """
        monday_weeks = template("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=MO", hours=5)
        tuesday_weeks = template("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=TU", hours=5,
                                 start=dt.time(9))  # fmt: skip
        weekly = template(
            "FREQ=WEEKLY;BYDAY=WE", SessionKind.INDIVIDUAL_THERAPY, hours=1
        )
        design = program(monday_weeks, tuesday_weeks, weekly)
        cycle = design.cycle()
        assert [str(w.scheduled_hours) for w in cycle.block(0)] == ["11", "1"]
        assert [str(w.scheduled_hours) for w in cycle.block(1)] == ["6", "6"]
        report = validate(design)
        hours_errors = [f.message for f in report.errors if f.rule_id == "HRS001"]
        assert hours_errors == [
            (
                "week 2 of the 2-week cycle: 1 h scheduled, below the 9 h floor "
                "(SAMHSA Advisory 2021)"
            ),
            (
                "every week of the 2-week cycle when treatment starts on a Tuesday to "
                "Sunday: 6 h scheduled, below the 9 h floor (SAMHSA Advisory 2021)"
            ),
        ]


class TestCycleBudget:
    def test_a_design_too_big_for_its_cycle_is_refused_before_expanding(self) -> None:
        """1,000 monthly templates over the five-year calendar: refused at once.

        Bounded from the rules alone (at most a session a day each), the reference
        calendar could hold far more than the 100,000-session budget.
        """
        monthly = [
            template(f"FREQ=MONTHLY;BYMONTHDAY={1 + i % 28}", start=dt.time(i % 24))
            for i in range(1000)
        ]
        design = program(*monthly)
        with pytest.raises(InvalidValueError, match="over the limit of 100,000"):
            design.cycle()
        with pytest.raises(InvalidValueError, match="cycle of weeks"):
            validate(design)
