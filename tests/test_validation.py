"""Properties of validation: weekly findings are exact, complete and deterministic."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    DEFAULT_RULES,
    DEFAULT_STANDARD,
    MEDICARE_2024_RULES,
    Attendance,
    Program,
    Session,
    SessionKind,
    Severity,
    TreatmentPlan,
    validate,
)
from iopmodel.sessions import _BY_ORDER
from iopmodel.strategies import aware_datetimes, iop_programs, sessions, treatment_plans
from iopmodel.weeks import summarize_weeks, week_of

RULE_SETS = st.sampled_from([DEFAULT_RULES, MEDICARE_2024_RULES])
WEEKLY_RULES = ("HRS001", "IND001")


def weeks_of(plan: TreatmentPlan, rule_id: str, severity: Severity) -> list[dt.date]:
    return [
        f.week
        for f in validate(plan)
        if f.rule_id == rule_id and f.severity is severity and f.week is not None
    ]


class TestValidPlans:
    @given(treatment_plans(), RULE_SETS)
    def test_valid_program_plans_pass_weekly_rules(
        self, plan: TreatmentPlan, rules: object
    ) -> None:
        """A plan from a valid program over N full weeks passes hours and individual rules."""
        if plan.program.weekly_hours == 20:
            rules = DEFAULT_RULES  # 20 h is IOP only under the default standard
        report = validate(plan, rules)  # type: ignore[arg-type]
        assert not [f for f in report.errors if f.rule_id in WEEKLY_RULES]
        assert report.ok

    @given(treatment_plans(), st.data())
    def test_removing_the_individual_session_of_a_week(
        self, plan: TreatmentPlan, data: st.DataObject
    ) -> None:
        """Removing the only individual session of a week yields exactly that week's finding."""
        individual = [
            s for s in plan.sessions if s.kind is SessionKind.INDIVIDUAL_THERAPY
        ]
        removed = data.draw(st.sampled_from(individual))
        smaller = attrs.evolve(
            plan, sessions=[s for s in plan.sessions if s != removed]
        )
        week = week_of(removed.start.astimezone(plan.program.timezone).date())
        assert weeks_of(smaller, "IND001", Severity.ERROR) == [week]

    @given(treatment_plans(), st.data())
    def test_scaled_weeks_are_exactly_the_findings(
        self, plan: TreatmentPlan, data: st.DataObject
    ) -> None:
        """Quartering session lengths in some weeks flags those weeks and no other."""
        zone = plan.program.timezone
        weeks = sorted(
            {week_of(s.start.astimezone(zone).date()) for s in plan.sessions}
        )
        chosen = set(data.draw(st.lists(st.sampled_from(weeks), unique=True)))
        scaled = attrs.evolve(
            plan,
            sessions=[
                attrs.evolve(s, duration=dt.timedelta(minutes=s.minutes // 4))
                if week_of(s.start.astimezone(zone).date()) in chosen
                else s
                for s in plan.sessions
            ],
        )
        assert weeks_of(scaled, "HRS001", Severity.ERROR) == sorted(chosen)


class TestDeterminism:
    @given(treatment_plans(), st.randoms(use_true_random=False))
    def test_independent_of_session_order(
        self, plan: TreatmentPlan, rnd: random.Random
    ) -> None:
        """Validation is deterministic and does not depend on the order of sessions."""
        shuffled = list(plan.sessions)
        rnd.shuffle(shuffled)
        again = attrs.evolve(plan, sessions=shuffled)
        assert validate(again) == validate(plan)
        zone = plan.program.timezone
        last = plan.planned_discharge
        assert last is not None
        assert summarize_weeks(shuffled, zone, plan.start, last) == summarize_weeks(
            plan.sessions, zone, plan.start, last
        )


class TestWeekAssignment:
    @given(iop_programs(), sessions(starts=aware_datetimes()), st.integers(0, 6))
    def test_weeks_follow_the_program_zone(
        self, program: Program, session: Session, week_start: int
    ) -> None:
        """A session's week is the local calendar week in the program's zone."""
        zone = program.timezone
        local_day = session.start.astimezone(zone).date()
        in_utc = attrs.evolve(session, start=session.start.astimezone(dt.UTC))
        summaries = summarize_weeks(
            [in_utc],
            zone,
            local_day - dt.timedelta(days=14),
            local_day + dt.timedelta(days=14),
            week_start=week_start,
        )
        holding = [w.start for w in summaries if sum(w.session_counts)]
        expected = (
            [week_of(local_day, week_start)] if session.attendance.is_scheduled else []
        )
        assert holding == expected


class TestVisitDays:
    @given(
        st.lists(sessions(starts=aware_datetimes()), max_size=40),
        st.sampled_from(["America/St_Johns", "Asia/Tehran", "America/New_York"]),
        st.integers(0, 6),
    )
    def test_visit_days_are_distinct_local_days(
        self, drawn: list[Session], zone_name: str, week_start: int
    ) -> None:
        """A week's visit days are the distinct local days of its counted sessions."""
        zone = ZoneInfo(zone_name)
        ordered = sorted(drawn, key=_BY_ORDER)  # the order a plan keeps them in
        assert visit_days(ordered, zone, week_start) == expected_visit_days(
            ordered, zone, week_start
        )

    def test_clocks_back_across_midnight(self) -> None:
        """Clocks turned back across midnight: a later instant, an earlier local day.

        St. John's turned its clocks back at 00:01 until 2011; both days are visits.
        """
        zone = ZoneInfo("America/St_Johns")
        group = Session(
            start=dt.datetime(2010, 11, 7, 0, 0, tzinfo=zone),
            duration=dt.timedelta(minutes=30),
            kind=SessionKind.GROUP_THERAPY,
        )
        later = Session(  # 30 minutes later as an instant, on Saturday
            start=dt.datetime(2010, 11, 6, 23, 30, fold=1, tzinfo=zone),
            duration=dt.timedelta(minutes=60),
            kind=SessionKind.INDIVIDUAL_THERAPY,
        )
        sunday = attrs.evolve(group, start=dt.datetime(2010, 11, 7, 9, 0, tzinfo=zone))
        assert later.start.astimezone(dt.UTC) > group.start.astimezone(dt.UTC)
        ordered = sorted([sunday, later, group], key=_BY_ORDER)
        assert ordered == [group, later, sunday]  # Sunday, Saturday, Sunday
        for week_start in (0, 6):  # one week (Monday), two weeks (Sunday)
            found = visit_days(ordered, zone, week_start)
            assert found == expected_visit_days(ordered, zone, week_start)
            assert sum(found.values()) == 2


def visit_days(
    ordered: list[Session], zone: ZoneInfo, week_start: int
) -> dict[dt.date, int]:
    """Visit days per week start, as summarize_weeks counts them."""
    days = [s.start.astimezone(zone).date() for s in ordered]
    first = min(days, default=dt.date(2026, 3, 2))
    weeks = summarize_weeks(
        ordered, zone, first, max(days, default=first), week_start=week_start
    )
    return {w.start: w.visit_days for w in weeks if w.visit_days}


def expected_visit_days(
    ordered: list[Session], zone: ZoneInfo, week_start: int
) -> Counter[dt.date]:
    """The distinct local days of counted, not cancelled sessions, per week."""
    counted = {
        s.start.astimezone(zone).date()
        for s in ordered
        if s.kind in DEFAULT_STANDARD.counted_kinds
        and s.attendance is not Attendance.CANCELLED
    }
    return Counter(week_of(day, week_start) for day in counted)
