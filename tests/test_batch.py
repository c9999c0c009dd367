"""Batch validation: validate_many reports exactly what validate() reports."""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from iopmodel import (
    DEFAULT_RULES,
    MEDICARE_2024_RULES,
    AftercarePlan,
    Citation,
    DischargeReason,
    Episode,
    LevelOfCare,
    Program,
    RuleSet,
    Session,
    SessionKind,
    Severity,
    TreatmentPlan,
    validate,
)
from iopmodel.examples import evening_iop
from iopmodel.rules import (
    ATTENDED_HOURS,
    SCHEDULED_HOURS,
    Observation,
    Subject,
    rule,
)
from iopmodel.rules.batch import _Batch, validate_many
from iopmodel.standards import HoursBand
from iopmodel.strategies import (
    attendances,
    authorizations,
    diagnoses,
    episodes,
    iop_programs,
    measures,
    programs,
    screens,
)
from iopmodel.weeks import _week_arrays

POLICY = Citation(key="CLINIC-1", title="Clinic policy 1", short="policy 1")


@rule(
    id="CLINIC001",
    title="No Friday sessions",
    severity=Severity.WARNING,
    citation=POLICY,
)
def no_fridays(subject: Subject) -> list[Observation]:
    """A custom rule: takes the generic path."""
    return [
        Observation(message=f"{s.start:%Y-%m-%d}: Friday", week=s.start.date())
        for s in subject.sessions
        if s.start.weekday() == calendar.FRIDAY
    ]


def _adults_only(subject: Subject, _params: object) -> str | None:
    population = subject.population
    return None if population is None or population.value == "adult" else "adults only"


RULE_SETS = [
    DEFAULT_RULES,
    MEDICARE_2024_RULES,
    DEFAULT_RULES.with_step_down_allowance(2),
    MEDICARE_2024_RULES.with_week_start(calendar.SUNDAY),
    DEFAULT_RULES.with_rule(no_fridays).with_rule(
        attrs.evolve(SCHEDULED_HOURS, precondition=_adults_only)
    ),
    DEFAULT_RULES.with_thresholds(plan_review_every_days=21, minimum_total_days=30),
]
AFTERCARE = AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=("AA",))


@st.composite
def cohort_plans(draw: st.DrawFn) -> TreatmentPlan:
    """Plans with partial weeks, outcomes, cancellations, extra kinds and discharges."""
    program = draw(st.one_of(iop_programs(), programs(weekly_only=True)))
    start = dt.date(2026, 1, 5) + dt.timedelta(days=draw(st.integers(0, 400)))
    days = draw(st.integers(1, 120))
    plan = TreatmentPlan.from_program(program, patient_id="p-1", start=start, days=days)
    if draw(st.integers(0, 3)) == 0:  # as scheduled: the program's own sessions
        return plan
    sessions: list[Session] = []
    for session in plan.sessions:
        if draw(st.integers(0, 9)) == 0:
            continue  # dropped from the schedule
        sessions.append(session.with_attendance(draw(attendances())))
    if draw(st.booleans()):
        offset = dt.timedelta(days=draw(st.integers(0, days - 1)), hours=19)
        moment = dt.datetime.combine(start, dt.time(0), program.timezone) + offset
        sessions.append(
            Session(
                kind=draw(st.sampled_from(list(SessionKind))),
                start=moment,
                duration=dt.timedelta(minutes=draw(st.integers(1, 240))),
            )
        )
    reviews = [
        start + dt.timedelta(days=d)
        for d in draw(st.lists(st.integers(1, days), max_size=3))
    ]
    plan = attrs.evolve(
        plan,
        sessions=sessions,
        planned_discharge=(plan.planned_discharge if draw(st.booleans()) else None),
    )
    for day in reviews:
        plan = plan.review(day, recertification=draw(st.booleans()))
    if draw(st.booleans()):  # a clinical record: the record rules apply
        plan = plan.record(
            *draw(st.lists(diagnoses(), max_size=2)),
            *draw(st.lists(measures(), max_size=3)),
            *draw(st.lists(screens(), max_size=3)),
            *draw(st.lists(authorizations(), max_size=2)),
        )
    if draw(st.booleans()):
        if draw(st.booleans()):
            plan = plan.with_aftercare(AFTERCARE)
        last = max(
            [start, *(s.start.astimezone(program.timezone).date() for s in sessions)]
        )
        plan = plan.discharge(last, draw(st.sampled_from(list(DischargeReason))))
    return plan


class TestSameFindings:
    @given(
        st.lists(cohort_plans(), min_size=1, max_size=4),
        st.sampled_from(RULE_SETS),
        st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 1))),
    )
    def test_plans(
        self, plans: list[TreatmentPlan], rules: RuleSet, as_of: dt.date | None
    ) -> None:
        """Every plan: the same findings, skipped rules and names as validate()."""
        assert validate_many(plans, rules, as_of=as_of) == [
            validate(plan, rules, as_of=as_of) for plan in plans
        ]

    @given(
        st.one_of(episodes(), programs(weekly_only=True)), st.sampled_from(RULE_SETS)
    )
    def test_programs_and_episodes(self, target: object, rules: RuleSet) -> None:
        """Other targets are validated as validate() does."""
        assert isinstance(target, Episode | Program)
        assert validate_many([target], rules) == [validate(target, rules)]


class TestScheduledPlans:
    @given(
        st.one_of(iop_programs(), programs(weekly_only=False)),
        st.lists(
            st.tuples(st.integers(0, 800), st.integers(1, 200), st.integers(-5, 210)),
            min_size=1,
            max_size=6,
        ),
        st.sampled_from(RULE_SETS),
    )
    def test_plans_of_one_program(
        self,
        program: Program,
        windows: list[tuple[int, int, int]],
        rules: RuleSet,
    ) -> None:
        """Plans made from one program's schedule, summed by day: validate()'s findings.

        Plans that start on different days, last different lengths and are
        judged as of different days share the program's day sums and, when
        alike, their weeks and screens.
        """
        first = dt.date(2026, 1, 5)
        plans = [
            TreatmentPlan.from_program(
                program,
                patient_id=f"p-{n}",
                start=first + dt.timedelta(days=offset),
                days=days,
            )
            for n, (offset, days, _) in enumerate(windows)
        ]
        for plan, (offset, _, seen) in zip(plans, windows, strict=True):
            as_of = first + dt.timedelta(days=offset + seen)
            assert validate_many([plan, *plans], rules, as_of=as_of) == [
                validate(p, rules, as_of=as_of) for p in [plan, *plans]
            ]

    @given(
        st.one_of(iop_programs(), programs(weekly_only=False)),
        st.integers(0, 800),
        st.integers(1, 200),
        st.integers(-10, 10),
        st.integers(0, 6),
    )
    def test_day_sums_are_the_pass_over_sessions(
        self, program: Program, offset: int, days: int, cut: int, week_start: int
    ) -> None:
        """A scheduled plan's weekly columns from day sums equal a pass over its sessions."""
        start = dt.date(2026, 1, 5) + dt.timedelta(days=offset)
        plan = TreatmentPlan.from_program(
            program, patient_id="p", start=start, days=days
        )
        batch = _Batch(DEFAULT_RULES.with_week_start(week_start), None)
        first_o = start.toordinal() + max(cut, 0)
        last_o = max(first_o, start.toordinal() + days + min(cut, 0))
        base = first_o - (dt.date.fromordinal(first_o).weekday() - week_start) % 7
        summed = batch.scheduled_weeks(plan, base, first_o, last_o)
        passed = _week_arrays(
            plan.sessions,
            program.timezone,
            base=base,
            first_ordinal=first_o,
            last_ordinal=last_o,
            counted_kinds=batch.counted,
            counted_deliveries=batch.deliveries,
        )
        if all(t.start_independent for t in program.templates) and plan.sessions:
            assert summed is not None  # sliced from cached blocks: recognised
        assert summed is None or summed[1] == passed

    def test_other_sessions_are_not_the_schedule(self) -> None:
        """Equal sessions that are not the schedule's own objects take the pass."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p", start=dt.date(2026, 3, 2), days=28
        )
        copied = attrs.evolve(plan, sessions=[attrs.evolve(s) for s in plan.sessions])
        assert copied == plan
        batch = _Batch(DEFAULT_RULES, None)
        first, last = plan.start.toordinal(), plan.start.toordinal() + 28
        assert batch.scheduled_weeks(plan, first, first, last) is not None
        assert batch.scheduled_weeks(copied, first, first, last) is None
        shorter = attrs.evolve(plan, sessions=plan.sessions[:-1])
        assert batch.scheduled_weeks(shorter, first, first, last) is None


class TestPlansAlike:
    @given(
        st.one_of(iop_programs(), programs(weekly_only=True)),
        st.integers(20, 150),
        st.lists(st.integers(1, 150), min_size=1, max_size=4),
        st.sampled_from(list(DischargeReason)),
        st.sampled_from(RULE_SETS),
    )
    def test_plans_alike_but_for_one_field(
        self,
        program: Program,
        days: int,
        on: list[int],
        reason: DischargeReason,
        rules: RuleSet,
    ) -> None:
        """Plans that differ in one field the course rules read: each its own findings.

        The batch makes the course rules' findings once per set of what they
        read; a plan that differs in any one of those fields must not get
        another plan's findings.
        """
        start = dt.date(2026, 3, 2)
        plan = TreatmentPlan.from_program(
            program, patient_id="p", start=start, days=days
        )
        day = start + dt.timedelta(days=min(on[0], days))
        discharged = plan.discharge(day, reason)
        other = next(r for r in DischargeReason if r is not reason)
        late = Session(  # after the planned discharge: the window ends later
            kind=SessionKind.GROUP_THERAPY,
            start=dt.datetime.combine(
                start + dt.timedelta(days=days + on[0]), dt.time(18), program.timezone
            ),
            duration=dt.timedelta(hours=3),
        )
        variants = [
            plan,
            plan.review(day),
            plan.review(day, recertification=True),
            plan.revise(day, "Added family therapy"),
            attrs.evolve(plan, planned_discharge=None),
            attrs.evolve(plan, start=start - dt.timedelta(days=1)),
            discharged,
            discharged.with_aftercare(AFTERCARE),
            plan.discharge(day, other),
            plan.add_session(late),
        ]
        for offset in on:
            variants.append(variants[-1].review(start + dt.timedelta(days=offset)))
        for as_of in (None, day):
            assert validate_many(variants, rules, as_of=as_of) == [
                validate(v, rules, as_of=as_of) for v in variants
            ]


class TestTrustedParts:
    @given(
        cohort_plans(),
        st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 1))),
        st.sampled_from(RULE_SETS),
    )
    def test_light_subject_equals_the_public_one(
        self, plan: TreatmentPlan, as_of: dt.date | None, rules: RuleSet
    ) -> None:
        """The batch's unchecked subject is the one the public constructor makes."""
        first, last = plan.window(as_of)
        values = {
            "name": "plan p-1",
            "standard": rules.standard,
            "plan": plan,
            "first_day": first,
            "last_day": last,
            "as_of": as_of,
            "week_start": rules.week_start,
        }
        trusted = Subject._plan_light(**values)  # type: ignore[arg-type]
        public = Subject(target="plan", program=plan.program, **values)  # type: ignore[arg-type]
        assert attrs.asdict(trusted, recurse=False) == attrs.asdict(
            public, recurse=False
        )


class TestBatch:
    @given(
        st.fractions(0, 40, max_denominator=120),
        st.one_of(st.none(), st.fractions(0, 40, max_denominator=120)),
        st.booleans(),
        st.booleans(),
        st.integers(0, 3000),
    )
    def test_minute_limits_match_contains_minutes(
        self,
        low: Fraction,
        high: Fraction | None,
        include_minimum: bool,
        include_maximum: bool,
        minutes: int,
    ) -> None:
        """The precomputed limits are the band's own exact test."""
        assume(
            high is None
            or high > low
            or (high == low and include_minimum and include_maximum)
        )
        band = HoursBand(
            minimum=low,
            maximum=high,
            include_minimum=include_minimum,
            include_maximum=include_maximum,
            minimum_source=POLICY,
        )
        first, last = band.minute_limits()
        inside = first <= minutes and (last is None or minutes <= last)
        assert inside == band.contains_minutes(minutes)

    def test_shared_program_skip_reasons(self) -> None:
        """Skip reasons are cached per program and still right for each plan."""
        program = attrs.evolve(evening_iop(), level=LevelOfCare.OUTPATIENT)
        plans = [
            TreatmentPlan.from_program(
                program, patient_id=f"p{n}", start=dt.date(2026, 3, 2), days=30
            )
            for n in range(3)
        ]
        reports = validate_many(plans)
        assert reports == [validate(p) for p in plans]
        assert {s.rule_id for s in reports[0].skipped} >= {"HRS001", "IND001"}

    def test_progress_needs_no_terminal(self) -> None:
        """A progress bar can be asked for; the reports do not change."""
        pytest.importorskip("tqdm")
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p", start=dt.date(2026, 3, 4), days=30
        )
        assert validate_many([plan], progress=True) == [validate(plan)]


def all_errors(rules: RuleSet) -> RuleSet:
    """*rules* with every rule an error, but HRS003 (which reads the sessions)."""
    return attrs.evolve(
        rules,
        rules=[
            r if r.id == "HRS003" else attrs.evolve(r, severity=Severity.ERROR)
            for r in rules
        ],
    )


COUNT_RULE_SETS = [
    *RULE_SETS,
    all_errors(DEFAULT_RULES),
    all_errors(MEDICARE_2024_RULES.with_step_down_allowance(1)),
    DEFAULT_RULES.with_rule(
        attrs.evolve(
            DEFAULT_RULES.get("HRS002"),
            params=attrs.evolve(DEFAULT_RULES.get("HRS002").params, basis="scheduled"),
        )
    ),
]


class TestCounts:
    """The simulation's counts of a plan's outcomes are what its report says."""

    @given(
        cohort_plans(),
        st.sampled_from(COUNT_RULE_SETS),
        st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 1))),
    )
    def test_counts_are_the_report(
        self, plan: TreatmentPlan, rules: RuleSet, as_of: dt.date | None
    ) -> None:
        """Errors and the weeks outside the attended band, without the findings."""
        batch = _Batch(rules, as_of)
        assume(batch.countable(plan.program))
        run = batch.run(plan)
        report = run.report()
        errors, outside = run.counts()
        assert errors + run.plan_errors() == len(report.errors)
        assert {run.week_start(index) for index in outside} == {
            f.week for f in report if f.rule_id == ATTENDED_HOURS.id
        }
        if run.ends:  # what a simulation counts, from the columns alone
            weeks = batch.weeks(plan.program, run.first_o, run.last_o, run.arrays)
            assert weeks.inside == run.inside
            assert weeks.counts() == (errors, outside)
            tally = batch.tally(plan.program)
            assert tally is not None
            scheduled, attended = (
                weeks.counts(tally.scheduled),
                weeks.counts(tally.attended),
            )
            assert scheduled.errors + attended.errors == errors
            assert scheduled.outside | attended.outside == outside

    def test_rules_of_your_own_are_not_counted(self) -> None:
        """A rule of your own may report anything: only its report can tell."""
        program = evening_iop()
        assert _Batch(DEFAULT_RULES, None).countable(program)
        mine = attrs.evolve(no_fridays, severity=Severity.ERROR)
        assert not _Batch(DEFAULT_RULES.with_rule(mine), None).countable(program)
        # a warning of your own changes no count
        assert _Batch(DEFAULT_RULES.with_rule(no_fridays), None).countable(program)
