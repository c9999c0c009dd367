"""Hypothesis strategies for iopmodel's types (needs the ``strategies`` extra).

Install with ``pip install "iopmodel[strategies]"``. Every strategy generates
objects that are valid by construction, so you can property-test your own
application code against the whole space of valid programs and sessions:

>>> from hypothesis import given, settings
>>> from iopmodel import strategies as ios
>>> @settings(max_examples=10, deadline=None)
... @given(ios.programs())
... def test_my_scheduler_accepts_any_program(program):
...     assert program.weekly_hours >= 0
>>> test_my_scheduler_accepts_any_program()

Strategies are plural nouns returning ``SearchStrategy[T]``. Time zones include
zones with daylight saving time in both hemispheres and zones without it, and
datetimes cover DST-change dates.

Importing this module registers a strategy with
:func:`hypothesis.strategies.from_type` for every model listed in
:data:`REGISTERED` (enums, sessions, templates, programs, plans and their parts,
episodes), so ``st.from_type(Episode)`` works in a test module that imports
``iopmodel.strategies``. Nothing is registered before that: ``import
hypothesis`` never imports iopmodel, and ``import iopmodel`` never imports this
module or Hypothesis.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from typing import Final
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from iopmodel.care import Framework, LevelOfCare, Population
from iopmodel.episodes import TRANSITIONS, Episode, EpisodeStatus, LevelChange, Move
from iopmodel.errors import TransitionError
from iopmodel.plans import (
    AftercarePlan,
    DischargeReason,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    PlanRevision,
    Problem,
    TreatmentPlan,
)
from iopmodel.programs import Program
from iopmodel.schedules import SessionTemplate
from iopmodel.sessions import MAX_SESSION_DURATION, Attendance, Session, SessionKind
from iopmodel.standards import DEFAULT_STANDARD, Standard

__all__ = [
    "DST_ZONES",
    "REGISTERED",
    "EpisodeMachine",
    "attendances",
    "aware_datetimes",
    "durations",
    "episodes",
    "iop_programs",
    "levels",
    "populations",
    "programs",
    "rrules",
    "session_kinds",
    "session_templates",
    "sessions",
    "time_zones",
    "treatment_plans",
    "wall_times",
]

#: IANA zones used by :func:`time_zones`: DST in the north and the south,
#: half-hour offsets, and zones without DST.
DST_ZONES: Final = (
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Santiago",
    "Australia/Adelaide",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "UTC",
)

_WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def levels() -> st.SearchStrategy[LevelOfCare]:
    """Any :class:`~iopmodel.LevelOfCare`; shrinks towards early intervention.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import DST_ZONES, levels
        >>> @settings(max_examples=5)
        ... @given(levels())
        ... def check(level):
        ...     assert level.label
        >>> check()
    """
    return st.sampled_from(list(LevelOfCare))


def populations() -> st.SearchStrategy[Population]:
    """Adult or adolescent; shrinks towards adult.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import DST_ZONES, populations
        >>> @settings(max_examples=5)
        ... @given(populations())
        ... def check(population):
        ...     assert population.value in ('adult', 'adolescent')
        >>> check()
    """
    return st.sampled_from(list(Population))


def session_kinds() -> st.SearchStrategy[SessionKind]:
    """Any :class:`~iopmodel.SessionKind`; shrinks towards group therapy.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import DST_ZONES, session_kinds
        >>> @settings(max_examples=5)
        ... @given(session_kinds())
        ... def check(kind):
        ...     assert kind.value
        >>> check()
    """
    return st.sampled_from(list(SessionKind))


def attendances() -> st.SearchStrategy[Attendance]:
    """Any :class:`~iopmodel.Attendance`; shrinks towards scheduled.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import DST_ZONES, attendances
        >>> @settings(max_examples=5)
        ... @given(attendances())
        ... def check(attendance):
        ...     assert attendance.value
        >>> check()
    """
    return st.sampled_from(list(Attendance))


def time_zones() -> st.SearchStrategy[ZoneInfo]:
    """IANA zones from :data:`DST_ZONES`; shrinks towards America/New_York.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import DST_ZONES, time_zones
        >>> @settings(max_examples=5)
        ... @given(time_zones())
        ... def check(zone):
        ...     assert zone.key in DST_ZONES
        >>> check()
    """
    return st.sampled_from(DST_ZONES).map(ZoneInfo)


def aware_datetimes(
    *,
    zones: st.SearchStrategy[ZoneInfo] | None = None,
    min_value: dt.datetime = dt.datetime(2020, 1, 1),
    max_value: dt.datetime = dt.datetime(2035, 12, 31),
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware datetimes in real IANA zones, never inside a DST gap.

    Args:
        zones: Zones to use; :func:`time_zones` by default.
        min_value: Earliest naive local time.
        max_value: Latest naive local time.

    Shrinks towards *min_value*.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import aware_datetimes
        >>> @settings(max_examples=10)
        ... @given(aware_datetimes())
        ... def check(moment):
        ...     assert moment.utcoffset() is not None
        >>> check()
    """
    return st.datetimes(
        min_value=min_value,
        max_value=max_value,
        timezones=time_zones() if zones is None else zones,
        allow_imaginary=False,
    ).map(_canonical)


def _canonical(moment: dt.datetime) -> dt.datetime:
    """Whole minutes, and ``fold`` set only where a wall time is ambiguous."""
    moment = moment.replace(second=0, microsecond=0)
    zone = moment.tzinfo
    return moment.astimezone(dt.UTC).astimezone(zone)


def durations(
    *,
    min_minutes: int = 1,
    max_minutes: int = MAX_SESSION_DURATION // dt.timedelta(minutes=1),
) -> st.SearchStrategy[dt.timedelta]:
    """Whole-minute durations in ``[min_minutes, max_minutes]``; shrinks to short.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import durations
        >>> @settings(max_examples=10)
        ... @given(durations(max_minutes=90))
        ... def check(duration):
        ...     assert duration.total_seconds() % 60 == 0
        >>> check()
    """
    return st.integers(min_value=min_minutes, max_value=max_minutes).map(
        lambda m: dt.timedelta(minutes=m)
    )


def wall_times(
    *, earliest: dt.time = dt.time(6), latest: dt.time = dt.time(20)
) -> st.SearchStrategy[dt.time]:
    """Naive local start times on a five-minute grid between two times.

    Example:
        >>> import datetime as dt
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import wall_times
        >>> @settings(max_examples=10)
        ... @given(wall_times(earliest=dt.time(17), latest=dt.time(19)))
        ... def check(start):
        ...     assert dt.time(17) <= start <= dt.time(19)
        >>> check()
    """
    first = earliest.hour * 60 + earliest.minute
    last = latest.hour * 60 + latest.minute
    return st.integers(min_value=first // 5, max_value=last // 5).map(
        lambda n: dt.time(n * 5 // 60, n * 5 % 60)
    )


def sessions(
    *,
    kinds: st.SearchStrategy[SessionKind] | None = None,
    starts: st.SearchStrategy[dt.datetime] | None = None,
    attendance: st.SearchStrategy[Attendance] | None = None,
    max_minutes: int = 240,
) -> st.SearchStrategy[Session]:
    """Valid :class:`~iopmodel.Session` objects.

    Args:
        kinds: Kinds to draw from (all kinds by default).
        starts: Start datetimes (:func:`aware_datetimes` by default).
        attendance: Attendance values (all by default).
        max_minutes: Longest duration to generate.

    Shrinks towards one-minute scheduled group sessions near 2020-01-01.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import sessions
        >>> @settings(max_examples=10)
        ... @given(sessions())
        ... def check(session):
        ...     assert session.end > session.start
        >>> check()
    """
    return st.builds(
        Session,
        kind=session_kinds() if kinds is None else kinds,
        start=aware_datetimes() if starts is None else starts,
        duration=durations(max_minutes=max_minutes),
        attendance=attendances() if attendance is None else attendance,
        clinician=st.none() | st.from_regex(r"c-[0-9]{3}", fullmatch=True),
        telehealth=st.booleans(),
    )


def rrules(*, weekly_only: bool = False) -> st.SearchStrategy[str]:
    """RFC 5545 RRULE text accepted by :class:`~iopmodel.SessionTemplate`.

    Args:
        weekly_only: Only rules that repeat identically every week
            (``FREQ=WEEKLY;BYDAY=...`` or ``FREQ=DAILY``), so that every full week
            of a schedule is the same.

    Shrinks towards ``FREQ=WEEKLY;BYDAY=MO``.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import rrules
        >>> @settings(max_examples=10)
        ... @given(rrules(weekly_only=True))
        ... def check(rule):
        ...     assert rule.startswith("FREQ=")
        >>> check()
    """
    weekly = st.lists(
        st.sampled_from(_WEEKDAYS), min_size=1, max_size=7, unique=True
    ).map(
        lambda days: "FREQ=WEEKLY;BYDAY=" + ",".join(sorted(days, key=_WEEKDAYS.index))
    )
    regular = weekly | st.just("FREQ=DAILY")
    if weekly_only:
        return regular
    irregular = st.builds(
        lambda rule, interval, count: (
            f"{rule};INTERVAL={interval}" + (f";COUNT={count}" if count else "")
        ),
        weekly,
        st.integers(min_value=1, max_value=3),
        st.none() | st.integers(min_value=1, max_value=40),
    )
    return regular | irregular


def session_templates(
    *,
    kinds: st.SearchStrategy[SessionKind] | None = None,
    weekly_only: bool = False,
    max_minutes: int = 240,
) -> st.SearchStrategy[SessionTemplate]:
    """Valid :class:`~iopmodel.SessionTemplate` objects.

    Args:
        kinds: Kinds to draw from (all kinds by default).
        weekly_only: Passed to :func:`rrules`.
        max_minutes: Longest session to generate.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import session_templates
        >>> @settings(max_examples=10)
        ... @given(session_templates())
        ... def check(template):
        ...     assert template.duration.total_seconds() >= 15 * 60
        >>> check()
    """
    return st.builds(
        SessionTemplate,
        kind=session_kinds() if kinds is None else kinds,
        rrule=rrules(weekly_only=weekly_only),
        start_time=wall_times(),
        duration=durations(min_minutes=15, max_minutes=max_minutes),
        title=st.none() | st.sampled_from(["Process group", "Skills group"]),
        clinician=st.none() | st.from_regex(r"c-[0-9]{3}", fullmatch=True),
        telehealth=st.booleans(),
    )


def programs(
    *,
    level: st.SearchStrategy[LevelOfCare] | None = None,
    population: st.SearchStrategy[Population] | None = None,
    templates: st.SearchStrategy[Sequence[SessionTemplate]] | None = None,
    weekly_only: bool = True,
) -> st.SearchStrategy[Program]:
    """Valid :class:`~iopmodel.Program` objects.

    Args:
        level: Levels to draw from (all by default).
        population: Populations to draw from (both by default).
        templates: Template lists; one to four :func:`session_templates` by default.
        weekly_only: Whether default templates repeat identically every week.

    Shrinks towards an adult early-intervention program with one template.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import programs
        >>> @settings(max_examples=10, deadline=None)
        ... @given(programs())
        ... def check(program):
        ...     assert program.weekly_hours >= 0
        >>> check()
    """
    return st.builds(
        Program,
        name=st.sampled_from(["Evening IOP", "Day program", "Teen track"]),
        level=levels() if level is None else level,
        population=populations() if population is None else population,
        timezone=time_zones(),
        templates=st.lists(
            session_templates(weekly_only=weekly_only), min_size=1, max_size=4
        )
        if templates is None
        else templates,
        capacity=st.none() | st.integers(min_value=1, max_value=60),
        recommended_minimum_days=st.integers(min_value=1, max_value=365),
    )


def _band_minutes(standard: Standard, population: Population) -> tuple[int, int]:
    """The whole minutes a week inside the standard's IOP band (first, last)."""
    band = standard.band(LevelOfCare.INTENSIVE_OUTPATIENT, population)
    assert band is not None  # noqa: S101 - a ladder band
    assert band.maximum is not None  # noqa: S101
    low = math.ceil(band.minimum * 60)
    high = math.floor(band.maximum * 60)
    if not band.contains_minutes(low):
        low += 1
    if not band.contains_minutes(high):
        high -= 1
    return low, high


@st.composite
def _iop_program(
    draw: st.DrawFn, population: Population, standard: Standard
) -> Program:
    individual_day = draw(st.sampled_from(_WEEKDAYS[:5]))
    individual_minutes = draw(st.integers(min_value=30, max_value=90))
    group_days = draw(
        st.lists(st.sampled_from(_WEEKDAYS[:6]), min_size=3, max_size=5, unique=True)
    )
    band_low, band_high = _band_minutes(standard, population)
    floor = band_low - individual_minutes
    ceiling = band_high - individual_minutes
    low = max(30, -(-floor // len(group_days)))
    high = min(240, ceiling // len(group_days))
    group_minutes = draw(st.integers(min_value=low, max_value=high))
    return Program(
        name="Generated IOP",
        level=LevelOfCare.INTENSIVE_OUTPATIENT,
        population=population,
        timezone=draw(time_zones()),
        templates=[
            SessionTemplate(
                kind=SessionKind.GROUP_THERAPY,
                rrule="FREQ=WEEKLY;BYDAY="
                + ",".join(sorted(group_days, key=_WEEKDAYS.index)),
                start_time=draw(wall_times(latest=dt.time(18))),
                duration=dt.timedelta(minutes=group_minutes),
            ),
            SessionTemplate(
                kind=SessionKind.INDIVIDUAL_THERAPY,
                rrule=f"FREQ=WEEKLY;BYDAY={individual_day}",
                start_time=draw(wall_times(latest=dt.time(18))),
                duration=dt.timedelta(minutes=individual_minutes),
            ),
        ],
    )


def iop_programs(
    *,
    population: st.SearchStrategy[Population] | None = None,
    standard: Standard = DEFAULT_STANDARD,
) -> st.SearchStrategy[Program]:
    """IOP designs that meet the weekly rules of *standard* in every week.

    Each has group therapy on three to five days and one weekly individual
    session, with weekly hours inside the population's IOP band of *standard*
    (read from the standard, so the strategy and the rules cannot disagree).

    Args:
        population: Populations to draw from (both by default).
        standard: Whose IOP band the hours must fit (the default standard).

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel import validate
        >>> from iopmodel.strategies import iop_programs
        >>> @settings(max_examples=10, deadline=None)
        ... @given(iop_programs())
        ... def check(program):
        ...     assert validate(program).ok
        >>> check()
    """
    return (populations() if population is None else population).flatmap(
        lambda chosen: _iop_program(chosen, standard)
    )


def treatment_plans(
    *,
    program: st.SearchStrategy[Program] | None = None,
    weeks: st.SearchStrategy[int] | None = None,
    week_start: int = 0,
) -> st.SearchStrategy[TreatmentPlan]:
    """Plans made with :meth:`~iopmodel.plans.TreatmentPlan.from_program`.

    Each plan starts on the first day of a week (*week_start*, 0 is Monday)
    between 2020 and 2034 and lasts a whole number of weeks, so every week of
    its schedule is full.

    Args:
        program: Programs to plan (:func:`iop_programs` by default).
        weeks: Plan lengths in weeks (1 to 26 by default).
        week_start: First weekday of a week, 0 (Monday) to 6.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import treatment_plans
        >>> @settings(max_examples=5, deadline=None)
        ... @given(treatment_plans())
        ... def check(plan):
        ...     assert plan.planned_days % 7 == 0
        >>> check()
    """
    return st.builds(
        _plan_from,
        program=iop_programs() if program is None else program,
        monday=st.integers(min_value=0, max_value=780),
        weeks=st.integers(min_value=1, max_value=26) if weeks is None else weeks,
        patient=st.from_regex(r"p-[0-9]{4}", fullmatch=True),
        week_start=st.just(week_start),
    )


def _plan_from(
    program: Program, monday: int, weeks: int, patient: str, week_start: int
) -> TreatmentPlan:
    start = dt.date(2020, 1, 6) + dt.timedelta(weeks=monday, days=week_start)
    return TreatmentPlan.from_program(
        program, patient_id=patient, start=start, days=7 * weeks
    )


def _aftercare() -> AftercarePlan:
    return AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=("AA",))


@st.composite
def _episode(draw: st.DrawFn, max_moves: int, discharged: bool | None) -> Episode:
    day = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31)))
    episode = Episode(patient_id=draw(st.from_regex(r"p-[0-9]{4}", fullmatch=True)))
    episode = episode.admit(draw(levels()), on=day, reason="admitted")
    for _ in range(draw(st.integers(min_value=0, max_value=max_moves))):
        day += dt.timedelta(days=draw(st.integers(min_value=1, max_value=120)))
        current = episode.current_level
        assert current is not None  # noqa: S101 - active until discharge
        target = draw(st.sampled_from([lv for lv in LevelOfCare if lv is not current]))
        move = episode.step_down if target < current else episode.step_up
        episode = move(target, on=day)
    finish = draw(st.booleans()) if discharged is None else discharged
    if finish:
        day += dt.timedelta(days=draw(st.integers(min_value=1, max_value=120)))
        episode = episode.discharge(
            day, draw(st.sampled_from(list(DischargeReason))), aftercare=_aftercare()
        )
    return episode


def episodes(
    *, max_moves: int = 5, discharged: bool | None = None
) -> st.SearchStrategy[Episode]:
    """Valid :class:`~iopmodel.Episode` objects built by legal moves.

    Args:
        max_moves: Most step-ups and step-downs after admission.
        discharged: Only discharged (``True``) or only active (``False``)
            episodes; either by default.

    Shrinks towards a single early-intervention placement.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import episodes
        >>> @settings(max_examples=10, deadline=None)
        ... @given(episodes(discharged=True))
        ... def check(episode):
        ...     assert episode.total_days() == sum(p.days for p in episode.placements)
        >>> check()
    """
    return _episode(max_moves, discharged)


class EpisodeMachine(RuleBasedStateMachine):
    """A Hypothesis state machine that drives an episode through random moves.

    Each step tries a random move (admit, step down, step up, transfer,
    discharge) to a random level on a random day, legal or not, and checks:

    - every move that :data:`~iopmodel.episodes.TRANSITIONS` forbids raises
      :class:`~iopmodel.TransitionError` and leaves the episode unchanged;
    - every allowed move succeeds, unless :attr:`policy_may_refuse`;
    - placements never overlap and their dates never go backwards;
    - nothing happens after discharge;
    - total days equal the sum of the placement days.

    To property-test your own transition policy, subclass it, override
    :meth:`apply` to call your code, and set ``policy_may_refuse = True`` if
    your policy forbids moves that the table allows; then
    ``TestMyPolicy = MyPolicyMachine.TestCase`` in a test module is all pytest
    needs (see the guide on property-testing).

    Example:
        >>> from hypothesis import settings
        >>> from iopmodel.strategies import EpisodeMachine
        >>> TestEpisodes = EpisodeMachine.TestCase
        >>> TestEpisodes.settings = settings(max_examples=5, deadline=None)
        >>> TestEpisodes("runTest").runTest()
    """

    #: Whether :meth:`apply` may refuse a move that the table allows.
    policy_may_refuse: bool = False
    #: The first day of the simulated calendar.
    first_day: dt.date = dt.date(2026, 1, 5)

    def __init__(self) -> None:
        super().__init__()
        self.episode = Episode(patient_id="p-machine")
        self.today = self.first_day
        self.refused = 0

    def apply(self, episode: Episode, move: Move, **kwargs: object) -> Episode:
        """Apply *move*; override to test your own policy (default: ``Episode.apply``)."""
        return episode.apply(move, **kwargs)  # type: ignore[arg-type]

    def allowed(
        self, move: Move, level: LevelOfCare, on: dt.date, program: Program
    ) -> bool:
        """Whether the transition table allows the move (the machine's oracle)."""
        episode = self.episode
        row = TRANSITIONS[move]
        if episode.status is not row.source:
            return False
        current = episode.current
        if current is None:
            return True
        if on <= current.start:
            return False
        change = row.level_change
        if change is LevelChange.LOWER:
            return level < current.level
        if change is LevelChange.HIGHER:
            return level > current.level
        if change is LevelChange.SAME:
            return program.level is current.level and current.program != program
        return True

    @rule(
        move=st.sampled_from(list(Move)),
        level=levels(),
        offset=st.integers(min_value=-10, max_value=90),
        reason=st.sampled_from(list(DischargeReason)),
    )
    def attempt(
        self, move: Move, level: LevelOfCare, offset: int, reason: DischargeReason
    ) -> None:
        """Try one move, legal or not."""
        on = self.today + dt.timedelta(days=offset)
        before = self.episode
        snapshot = attrs.evolve(before)  # an independent copy to compare with
        program = Program(
            name="Transfer target",
            level=level,
            population=Population.ADULT,
            timezone="UTC",
        )
        legal = self.allowed(move, level, on, program)
        try:
            after = self.apply(
                before,
                move,
                on=on,
                level=level,
                program=program if move is Move.TRANSFER else None,
                discharge_reason=reason,
                aftercare=_aftercare(),
            )
        except TransitionError:
            # a refused move must leave no trace, even through a user's policy
            assert before == snapshot  # noqa: S101
            assert hash(before) == hash(snapshot)  # noqa: S101
            assert not legal or self.policy_may_refuse, (move, level, on)  # noqa: S101
            self.refused += 1
            return
        assert legal, f"illegal {move.value} to {level.key} on {on} was accepted"  # noqa: S101
        assert before.status is not EpisodeStatus.DISCHARGED  # noqa: S101
        self.episode = after
        self.today = max(self.today, on)

    @rule(days=st.integers(min_value=1, max_value=60))
    def wait(self, days: int) -> None:
        """Let time pass."""
        self.today += dt.timedelta(days=days)

    @invariant()
    def placements_never_overlap(self) -> None:
        """Each placement ends where the next starts; only the last may be open."""
        placements = self.episode.placements
        for before, after in itertools.pairwise(placements):
            assert before.end == after.start  # noqa: S101
            assert before.start < after.start  # noqa: S101
        for placement in placements[:-1]:
            assert placement.end is not None  # noqa: S101

    @invariant()
    def dates_never_go_backwards(self) -> None:
        """Placement starts strictly increase, and ends follow starts."""
        for placement in self.episode.placements:
            if placement.end is not None:
                assert placement.end > placement.start  # noqa: S101

    @invariant()
    def nothing_after_discharge(self) -> None:
        """A discharged episode has no open placement and ends on its discharge day."""
        episode = self.episode
        if episode.status is EpisodeStatus.DISCHARGED:
            assert episode.current is None  # noqa: S101
            assert episode.placements[-1].end == episode.discharge_date  # noqa: S101

    @invariant()
    def total_days_add_up(self) -> None:
        """Total days equal the sum of the placement days."""
        episode = self.episode
        if episode.status is EpisodeStatus.ACTIVE:
            total = sum(p.days_until(self.today) for p in episode.placements)
            assert episode.total_days(self.today) == total  # noqa: S101
        elif episode.status is EpisodeStatus.DISCHARGED:
            assert episode.total_days() == sum(  # noqa: S101
                p.days or 0 for p in episode.placements
            )


def _plan_parts() -> dict[type, st.SearchStrategy[object]]:
    texts = st.sampled_from(["Reduce use", "Attend groups", "Build a support network"])
    days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31))
    ids = st.none() | st.from_regex(r"c-[0-9]{3}", fullmatch=True)
    return {
        AftercarePlan: st.builds(
            AftercarePlan,
            level=levels(),
            mutual_support=st.lists(st.sampled_from(["AA", "NA", "SMART"]), max_size=2),
            follow_ups=st.lists(days, max_size=2),
        ),
        PlanReview: st.builds(
            PlanReview, on=days, by=ids, recertification=st.booleans()
        ),
        PlanRevision: st.builds(PlanRevision, on=days, change=texts),
        Intervention: st.builds(
            Intervention, description=texts, kind=st.none() | session_kinds()
        ),
        Objective: st.builds(Objective, description=texts, target_date=days),
        Goal: st.builds(Goal, description=texts),
        Problem: st.builds(Problem, description=texts),
    }


#: Every model with a registered :func:`~hypothesis.strategies.from_type` strategy.
#:
#: :meta hide-value:
REGISTERED: Final[dict[type, st.SearchStrategy[object]]] = {
    LevelOfCare: levels(),
    Population: populations(),
    Framework: st.sampled_from(Framework),
    SessionKind: session_kinds(),
    Attendance: attendances(),
    DischargeReason: st.sampled_from(DischargeReason),
    Session: sessions(),
    SessionTemplate: session_templates(),
    Program: programs(),
    TreatmentPlan: treatment_plans(),
    Episode: episodes(),
    **_plan_parts(),
}

for _type, _strategy in REGISTERED.items():
    st.register_type_strategy(_type, _strategy)
