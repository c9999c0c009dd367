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

import contextlib
import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Final
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from iopmodel.authorizations import Authorization, AuthorizationUnit
from iopmodel.care import Framework, LevelOfCare, Population, Setting
from iopmodel.consent import Consent, DisclosurePurpose, RecordSection
from iopmodel.diagnoses import (
    ICD10CM_CODES,
    CoOccurringCapability,
    Diagnosis,
    DiagnosisRank,
    ProgramFocus,
)
from iopmodel.episodes import (
    TRANSITIONS,
    ConcurrentService,
    Episode,
    EpisodeStatus,
    Hold,
    LevelChange,
    Move,
    Placement,
    Transition,
)
from iopmodel.errors import TransitionError
from iopmodel.measures import Measure, instruments
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
from iopmodel.recommendations import (
    Action,
    ClinicalFacts,
    HomeEnvironment,
    Recommendation,
    RecommendationPolicy,
    recommend,
)
from iopmodel.schedules import SessionTemplate
from iopmodel.screens import Screen, ScreenResult
from iopmodel.services import Service
from iopmodel.sessions import (
    MAX_SESSION_DURATION,
    Attendance,
    DeliveryMode,
    Session,
    SessionKind,
)
from iopmodel.standards import DEFAULT_STANDARD, Standard

__all__ = [
    "DST_ZONES",
    "REGISTERED",
    "EpisodeMachine",
    "attendances",
    "authorizations",
    "aware_datetimes",
    "check_recommendation",
    "clinical_facts",
    "concurrent_services",
    "consents",
    "diagnoses",
    "durations",
    "episodes",
    "follow_recommendations",
    "holds",
    "iop_programs",
    "levels",
    "measures",
    "populations",
    "programs",
    "recorded_plans",
    "rrules",
    "screens",
    "service_kinds",
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
        delivery=st.sampled_from(DeliveryMode),
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
        delivery=st.sampled_from(DeliveryMode),
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
        focus=st.none() | st.sampled_from(ProgramFocus),
        co_occurring=st.none() | st.sampled_from(CoOccurringCapability),
        part2=st.booleans(),
        measures=st.lists(
            st.sampled_from(["phq-9", "gad-7", "audit-c", "bam"]), max_size=3
        ),
    )


def _band_minutes(standard: Standard, population: Population) -> tuple[int, int]:
    """The whole minutes a week inside the standard's IOP band (first, last)."""
    band = standard.band(LevelOfCare.INTENSIVE_OUTPATIENT, population)
    assert band is not None  # noqa: S101 - a ladder band
    low, high = band.minute_limits()
    assert high is not None  # noqa: S101 - IOP bands are bounded
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


def service_kinds() -> st.SearchStrategy[Service]:
    """Any :class:`~iopmodel.services.Service`; shrinks towards withdrawal management.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import service_kinds
        >>> @settings(max_examples=5)
        ... @given(service_kinds())
        ... def check(service):
        ...     assert service.label
        >>> check()
    """
    return st.sampled_from(list(Service))


_DAYS: Final = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31))


@st.composite
def _service(draw: st.DrawFn) -> ConcurrentService:
    service = draw(service_kinds())
    start = draw(_DAYS)
    end = draw(
        st.none() | st.integers(0, 120).map(lambda d: start + dt.timedelta(days=d))
    )
    level = (
        draw(st.none() | st.sampled_from(sorted(service.levels)))
        if service.levels
        else None
    )
    return ConcurrentService(service=service, start=start, end=end, level=level)


def concurrent_services() -> st.SearchStrategy[ConcurrentService]:
    """Valid :class:`~iopmodel.episodes.ConcurrentService` values (open or closed).

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import concurrent_services
        >>> @settings(max_examples=10)
        ... @given(concurrent_services())
        ... def check(item):
        ...     assert item.open or item.days >= 0
        >>> check()
    """
    return _service()


@st.composite
def _hold(draw: st.DrawFn) -> Hold:
    start = draw(_DAYS)
    end = draw(
        st.none() | st.integers(0, 60).map(lambda d: start + dt.timedelta(days=d))
    )
    return Hold(start=start, end=end, reason=draw(st.sampled_from(["", "leave"])))


def holds() -> st.SearchStrategy[Hold]:
    """Valid :class:`~iopmodel.episodes.Hold` values (open or closed).

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import holds
        >>> @settings(max_examples=10)
        ... @given(holds())
        ... def check(hold):
        ...     assert hold.end is None or hold.end >= hold.start
        >>> check()
    """
    return _hold()


def _event(draw: st.DrawFn, episode: Episode, day: dt.date) -> Episode:
    """One random legal event on *day*: a level change, a service, a hold."""
    current = episode.current_level
    assert current is not None  # noqa: S101 - in care until discharge
    if episode.status is EpisodeStatus.ON_HOLD:
        return episode.resume(on=day)
    kind = draw(st.sampled_from(["level", "level", "transfer", "service", "hold"]))
    if kind == "hold":
        return episode.hold(on=day, reason="leave")
    if kind == "service":
        service = draw(service_kinds())
        if any(s.service is service for s in episode.open_services):
            return episode.end_service(service, on=day)
        levels = sorted(service.levels)
        level = draw(st.sampled_from(levels)) if levels else None
        return episode.start_service(service, on=day, level=level)
    target = draw(st.sampled_from([lv for lv in LevelOfCare if lv is not current]))
    if kind == "transfer":
        return episode.transfer(level=target, on=day)
    move = episode.step_down if target < current else episode.step_up
    return move(target, on=day)


@st.composite
def _episode(draw: st.DrawFn, max_moves: int, discharged: bool | None) -> Episode:
    day = draw(_DAYS)
    patient = draw(st.from_regex(r"p-[0-9]{4}", fullmatch=True))
    episode_id = draw(st.none() | st.from_regex(r"e-[0-9]{3}", fullmatch=True))
    readmission_of = (
        None if episode_id is None else draw(st.none() | st.just(f"{episode_id}-prev"))
    )
    episode = Episode(
        patient_id=patient, episode_id=episode_id, readmission_of=readmission_of
    )
    episode = episode.admit(draw(levels()), on=day, reason="admitted")
    for _ in range(draw(st.integers(min_value=0, max_value=max_moves))):
        day += dt.timedelta(days=draw(st.integers(min_value=0, max_value=120)))
        episode = _event(draw, episode, day)
    finish = draw(st.booleans()) if discharged is None else discharged
    if finish:
        day += dt.timedelta(days=draw(st.integers(min_value=0, max_value=120)))
        aftercare = draw(st.none() | st.just(_aftercare()))
        episode = episode.discharge(
            day, draw(st.sampled_from(list(DischargeReason))), aftercare=aftercare
        )
    return episode


def episodes(
    *, max_moves: int = 5, discharged: bool | None = None
) -> st.SearchStrategy[Episode]:
    """Valid :class:`~iopmodel.Episode` objects built by legal moves.

    Moves include step-ups and step-downs (some on the same day), concurrent
    services starting and ending, holds and resumptions; a discharge may come
    with or without an aftercare plan, for any reason.

    Args:
        max_moves: Most events after admission.
        discharged: Only discharged (``True``) or only episodes in care
            (``False``); either by default.

    Shrinks towards a single early-intervention placement.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import episodes
        >>> @settings(max_examples=10, deadline=None)
        ... @given(episodes(discharged=True))
        ... def check(episode):
        ...     assert episode.total_days() == sum(episode.days_at_levels().values())
        >>> check()
    """
    return _episode(max_moves, discharged)


@st.composite
def _facts(
    draw: st.DrawFn, current: st.SearchStrategy[LevelOfCare | None], as_of: dt.date
) -> ClinicalFacts:
    total = draw(st.integers(0, 400))
    withdrawal = draw(st.booleans())
    round_the_clock = draw(st.booleans())
    return ClinicalFacts(
        as_of=as_of,
        current_level=draw(current),
        services=draw(st.frozensets(service_kinds(), max_size=3)),
        population=draw(populations()),
        needs_withdrawal_management=withdrawal,
        needs_extended_monitoring=withdrawal and draw(st.booleans()),
        needs_round_the_clock_care=round_the_clock,
        needs_hospital_care=round_the_clock and draw(st.booleans()),
        home_environment=draw(st.sampled_from(list(HomeEnvironment))),
        needs_intensive_treatment=draw(st.booleans()),
        weekly_hours_needed=draw(st.none() | st.integers(0, 40)),
        goals_met=draw(st.booleans()),
        lower_level_effective=draw(st.booleans()),
        progressing=draw(st.booleans()),
        last_plan_change=draw(
            st.none() | st.integers(0, 60).map(lambda d: as_of - dt.timedelta(days=d))
        ),
        days_at_current_level=draw(st.integers(0, total)),
        total_days_in_treatment=total,
    )


def clinical_facts(
    *,
    current_level: st.SearchStrategy[LevelOfCare | None] | None = None,
    as_of: dt.date = dt.date(2026, 4, 20),
) -> st.SearchStrategy[ClinicalFacts]:
    """Every combination of :class:`~iopmodel.ClinicalFacts`, consistent by construction.

    Args:
        current_level: Current levels to draw from (any level or ``None`` by default).
        as_of: The day the facts describe.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel import recommend
        >>> from iopmodel.strategies import clinical_facts
        >>> @settings(max_examples=20, deadline=None)
        ... @given(clinical_facts())
        ... def check(facts):
        ...     assert recommend(facts).reasons
        >>> check()
    """
    return _facts(
        st.none() | levels() if current_level is None else current_level, as_of
    )


_SETTING_RANK: Final = {"outpatient": 0, "residential": 1, "inpatient": 2}


def _restated_unmet(facts: ClinicalFacts, level: LevelOfCare, services: frozenset[Service],
                    standard: Standard) -> list[str]:  # fmt: skip
    """The needs the facts state, checked against a level, restated for the tests."""
    medical = facts.needs_round_the_clock_care or facts.needs_hospital_care
    unmet = []
    if facts.needs_hospital_care and level < LevelOfCare.MEDICALLY_MANAGED_INPATIENT:
        unmet.append("hospital")
    if medical and not (level.round_the_clock and level.setting.value == "inpatient"):
        unmet.append("24-hour medical")
    if facts.home_environment is HomeEnvironment.ENABLES_USE and not (
        level.round_the_clock or Service.RECOVERY_HOUSING in services
    ):
        unmet.append("24-hour setting")
    if facts.needs_withdrawal_management:
        if level.withdrawal_management:
            ok = (not medical or level.setting.value == "inpatient") and (
                not facts.needs_extended_monitoring
                or level >= LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED
            )
        else:
            ok = not medical and Service.WITHDRAWAL_MANAGEMENT in services
        if not ok:
            unmet.append("withdrawal management")
    needed = LevelOfCare.OUTPATIENT
    if facts.needs_intensive_treatment:
        needed = LevelOfCare.INTENSIVE_OUTPATIENT
    if facts.weekly_hours_needed is not None:
        needed = max(
            needed,
            standard.level_for_weekly_hours(
                facts.weekly_hours_needed, facts.population
            ),
        )
    if level.withdrawal_management:
        hours_ok = facts.needs_withdrawal_management  # detox first (the article)
    else:
        mine = standard.band(level, facts.population)
        theirs = standard.band(needed, facts.population)
        if mine is not None and theirs is not None:
            hours_ok = mine.minimum >= theirs.minimum
        else:
            hours_ok = (
                level.round_the_clock
                or needed is LevelOfCare.OUTPATIENT
                or level >= needed
            )
    if not hours_ok:
        unmet.append("clinical hours")
    return unmet


def check_recommendation(
    facts: ClinicalFacts,
    recommendation: Recommendation,
    policy: RecommendationPolicy = RecommendationPolicy(),  # noqa: B008 - immutable
) -> None:
    """Assert the properties every recommendation must have (for your own tests).

    - at least one reason, each with a citation (or the library-policy marker);
    - never a discharge while a 24-hour, withdrawal-management or
      living-environment need, or a need above outpatient hours, is present;
    - the level afterwards (with the concurrent services) meets every need
      the facts state;
    - the direction is named truthfully: on one ladder by intensity, between
      the withdrawal-management and treatment ladders by setting, a transfer
      within one setting; a service action keeps the level;
    - the same facts give an equal recommendation.

    Raises:
        AssertionError: Naming the property that failed.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import ClinicalFacts, LevelOfCare, recommend
        >>> from iopmodel.strategies import check_recommendation
        >>> facts = ClinicalFacts(as_of=dt.date(2026, 4, 1),
        ...                       current_level=LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                       needs_withdrawal_management=True)
        >>> check_recommendation(facts, recommend(facts))
    """
    rec = recommendation
    assert rec.reasons, "no reason given"  # noqa: S101
    for reason in rec.reasons:
        assert reason.text, "an empty reason"  # noqa: S101
        assert reason.citation.title, "a reason without a citation"  # noqa: S101
    assert recommend(facts, policy) == rec, "not deterministic"  # noqa: S101
    current = facts.current_level
    services = set(facts.services)
    if rec.action is Action.START_SERVICE:
        assert rec.service is not None  # noqa: S101
        services.add(rec.service)
    elif rec.action is Action.END_SERVICE:
        assert rec.service is not None  # noqa: S101
        services.discard(rec.service)
    if rec.action is Action.DISCHARGE_TO_AFTERCARE:
        assert current is not None, "discharge before admission"  # noqa: S101
        left = _restated_unmet(
            facts, LevelOfCare.OUTPATIENT, frozenset(), policy.standard
        )
        assert not left, f"discharge with needs present: {left}"  # noqa: S101
        assert rec.target_level is None  # noqa: S101
        return
    target = rec.target_level
    assert target is not None, "no level afterwards"  # noqa: S101
    unmet = _restated_unmet(facts, target, frozenset(services), policy.standard)
    assert not unmet, f"{rec.action.value} to {target.key} leaves unmet: {unmet}"  # noqa: S101
    if current is None:
        assert rec.action is Action.ADMIT  # noqa: S101
        return
    if rec.action in (Action.CONTINUE, Action.START_SERVICE, Action.END_SERVICE):
        assert target is current, "a service action or continue changed the level"  # noqa: S101
        return
    assert target is not current, f"{rec.action.value} to the same level"  # noqa: S101
    if current.withdrawal_management is target.withdrawal_management:
        expected = Action.STEP_UP if target > current else Action.STEP_DOWN
    else:
        here = _SETTING_RANK[current.setting.value]
        there = _SETTING_RANK[target.setting.value]
        expected = (
            Action.TRANSFER
            if here == there
            else (Action.STEP_UP if there > here else Action.STEP_DOWN)
        )
    assert rec.action is expected, (  # noqa: S101
        f"{current.key} -> {target.key} named {rec.action.value}, not {expected.value}"
    )


def follow_recommendations(
    episode: Episode,
    recorded: dict[str, object],
    *,
    on: dt.date,
    policy: RecommendationPolicy = RecommendationPolicy(),  # noqa: B008 - immutable
    max_steps: int = 10,
) -> tuple[Episode, list[Recommendation]]:
    """Follow recommendations with unchanged facts until "continue" or a discharge.

    Each recommendation is applied on the same day *on* (same-day moves are
    real), its properties checked with :func:`check_recommendation`.

    Args:
        episode: Where to start (pending or in care).
        recorded: The facts the clinician records, as keyword arguments of
            :meth:`~iopmodel.ClinicalFacts.from_episode`; they stay the same.
        on: The day of every step.
        policy: The recommendation policy.
        max_steps: Most steps before the path counts as not converging.

    Raises:
        AssertionError: A state repeats (a cycle), the path does not converge
            within *max_steps*, or a recommendation lacks a property.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import Episode, LevelOfCare
        >>> from iopmodel.strategies import follow_recommendations
        >>> start = Episode(patient_id="p").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                                       on=dt.date(2026, 3, 2))
        >>> end, path = follow_recommendations(start, {"progressing": False},
        ...                                    on=dt.date(2026, 4, 20))
        >>> [r.action.value for r in path], end.current_level.key
        (['step_up', 'step_up', 'continue'], 'high_intensity_residential')
    """
    seen = set()
    path: list[Recommendation] = []
    for _ in range(max_steps):
        state = (
            episode.current_level,
            frozenset(s.service for s in episode.open_services),
        )
        assert state not in seen, f"cycle through {state} after {len(path)} steps"  # noqa: S101
        seen.add(state)
        facts = ClinicalFacts.from_episode(episode, as_of=on, **recorded)  # type: ignore[arg-type]
        rec = recommend(facts, policy)
        check_recommendation(facts, rec, policy)
        path.append(rec)
        if rec.action in (Action.CONTINUE, Action.DISCHARGE_TO_AFTERCARE):
            return rec.apply_to(episode, on=on, aftercare=_aftercare()), path
        episode = rec.apply_to(episode, on=on)
    msg = f"no convergence in {max_steps} steps: {[r.action.value for r in path]}"
    raise AssertionError(msg)


_MACHINE_FACTS: Final = st.fixed_dictionaries(
    {
        "needs_withdrawal_management": st.booleans(),
        "needs_round_the_clock_care": st.booleans(),
        "home_environment": st.sampled_from(list(HomeEnvironment)),
        "needs_intensive_treatment": st.booleans(),
        "weekly_hours_needed": st.none() | st.integers(0, 40),
        "goals_met": st.booleans(),
        "lower_level_effective": st.booleans(),
        "progressing": st.booleans(),
    }
)


class EpisodeMachine(RuleBasedStateMachine):
    """A Hypothesis state machine that drives episodes through random events.

    Each step tries a random move (admit, step down, step up, transfer, hold,
    resume, start or end a concurrent service, discharge) to a random level
    on a random day, legal or not; readmits a discharged patient in a new,
    linked episode; or follows :func:`~iopmodel.recommendations.recommend` with random facts.
    It checks:

    - every move that :data:`~iopmodel.episodes.TRANSITIONS` forbids, or that
      is impossible (a date before the last event, ending a service that is
      not running), raises :class:`~iopmodel.TransitionError` and leaves the
      episode unchanged;
    - every allowed move succeeds, unless :attr:`policy_may_refuse`;
    - placements never overlap and dates never go backwards; nothing happens
      after discharge; a readmission links to the episode before it;
    - total days equal the days at each level added up; no service runs
      longer than the episode;
    - every recommendation has the properties of :func:`check_recommendation`,
      and following recommendations with unchanged facts converges
      (:func:`follow_recommendations`).

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
        self.episode = Episode(patient_id="p-machine", episode_id="e-0")
        self.earlier: list[Episode] = []
        self.today = self.first_day
        self.refused = 0

    def apply(self, episode: Episode, move: Move, **kwargs: object) -> Episode:
        """Apply *move*; override to test your own policy (default: ``Episode.apply``)."""
        return episode.apply(move, **kwargs)  # type: ignore[arg-type]

    def allowed(
        self,
        move: Move,
        level: LevelOfCare,
        on: dt.date,
        program: Program,
        service: Service,
    ) -> bool:
        """Whether the transition table allows the move (the machine's oracle)."""
        episode = self.episode
        row = TRANSITIONS[move]
        if episode.status not in row.sources:
            return False
        latest = episode.last_event
        if latest is not None and on < latest:
            return False
        current = episode.current
        running = any(s.service is service for s in episode.open_services)
        if move is Move.START_SERVICE:
            return not running
        if move is Move.END_SERVICE:
            return running
        if current is None:
            return True
        change = row.level_change
        if change is LevelChange.LOWER:
            return level < current.level
        if change is LevelChange.HIGHER:
            return level > current.level
        if move is Move.TRANSFER:
            return program.level is not current.level or current.program != program
        return True

    @rule(
        move=st.sampled_from(list(Move)),
        level=levels(),
        offset=st.integers(min_value=-10, max_value=90),
        reason=st.sampled_from(list(DischargeReason)),
        service=service_kinds(),
        with_aftercare=st.booleans(),
    )
    def attempt(  # noqa: PLR0917 - Hypothesis passes the drawn values by name
        self,
        move: Move,
        level: LevelOfCare,
        offset: int,
        reason: DischargeReason,
        service: Service,
        with_aftercare: bool,
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
        legal = self.allowed(move, level, on, program, service)
        try:
            after = self.apply(
                before,
                move,
                on=on,
                level=None if move in (Move.START_SERVICE, Move.END_SERVICE) else level,
                program=program if move is Move.TRANSFER else None,
                discharge_reason=reason,
                aftercare=_aftercare() if with_aftercare else None,
                service=service,
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

    @rule(level=levels(), gap=st.integers(min_value=0, max_value=90))
    def readmit(self, level: LevelOfCare, gap: int) -> None:
        """Readmit a discharged patient in a new episode linked to the last one."""
        episode = self.episode
        if episode.discharge_date is None:
            with contextlib.suppress(TransitionError):
                episode.readmit(level, on=self.today, episode_id="e-x")
                raise AssertionError("readmitted a patient still in care")
            return
        on = episode.discharge_date + dt.timedelta(days=gap)
        new = episode.readmit(level, on=on, episode_id=f"e-{len(self.earlier) + 1}")
        assert new.readmission_of == episode.episode_id  # noqa: S101
        assert new.patient_id == episode.patient_id  # noqa: S101
        self.earlier.append(episode)
        self.episode = new
        self.today = max(self.today, on)

    @rule(recorded=_MACHINE_FACTS)
    def follow_advice(self, recorded: dict[str, object]) -> None:
        """Recommend with random facts; check the properties; follow one step."""
        episode = self.episode
        if episode.status not in (EpisodeStatus.ACTIVE, EpisodeStatus.PENDING):
            return
        facts = ClinicalFacts.from_episode(episode, as_of=self.today, **recorded)  # type: ignore[arg-type]
        advice = recommend(facts)
        check_recommendation(facts, advice)
        # with these facts unchanged, following the advice must settle
        follow_recommendations(episode, recorded, on=self.today)
        self.episode = advice.apply_to(episode, on=self.today, aftercare=_aftercare())

    @invariant()
    def placements_never_overlap(self) -> None:
        """Each placement ends where the next starts; only the last may be open."""
        placements = self.episode.placements
        for before, after in itertools.pairwise(placements):
            assert before.end == after.start  # noqa: S101
            assert before.start <= after.start  # noqa: S101
        for placement in placements[:-1]:
            assert placement.end is not None  # noqa: S101

    @invariant()
    def dates_never_go_backwards(self) -> None:
        """Ends follow starts, and nothing is recorded after the last event."""
        episode = self.episode
        for span in (*episode.placements, *episode.services, *episode.holds):
            if span.end is not None:
                assert span.end >= span.start  # noqa: S101
        latest = episode.last_event
        if latest is not None:
            assert latest <= self.today  # noqa: S101

    @invariant()
    def nothing_after_discharge(self) -> None:
        """A discharged episode has nothing open and ends on its discharge day."""
        episode = self.episode
        if episode.status is EpisodeStatus.DISCHARGED:
            assert episode.current is None  # noqa: S101
            assert episode.placements[-1].end == episode.discharge_date  # noqa: S101
            assert not episode.open_services  # noqa: S101
            assert all(h.end is not None for h in episode.holds)  # noqa: S101

    @invariant()
    def readmissions_link(self) -> None:
        """Each episode after the first readmits the patient after the one before."""
        chain = [*self.earlier, self.episode]
        for before, after in itertools.pairwise(chain):
            assert after.readmission_of == before.episode_id  # noqa: S101
            assert before.discharge_date is not None  # noqa: S101
            assert after.placements[0].start >= before.discharge_date  # noqa: S101

    @invariant()
    def days_add_up(self) -> None:
        """Total days equal the days at each level; services fit in the episode."""
        episode = self.episode
        if episode.status is EpisodeStatus.PENDING:
            return
        as_of = None if episode.status is EpisodeStatus.DISCHARGED else self.today
        total = episode.total_days(as_of)
        assert sum(episode.days_at_levels(as_of).values()) == total  # noqa: S101
        for days in episode.days_in_services(as_of).values():
            assert 0 <= days <= total  # noqa: S101
        assert 0 <= episode.days_on_hold(as_of) <= total  # noqa: S101


def diagnoses() -> st.SearchStrategy[Diagnosis]:
    """Valid :class:`~iopmodel.diagnoses.Diagnosis` objects: shipped and unknown codes.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import diagnoses
        >>> @settings(max_examples=10)
        ... @given(diagnoses())
        ... def check(diagnosis):
        ...     assert diagnosis.code[0].isupper()
        >>> check()
    """
    codes = st.sampled_from(sorted(ICD10CM_CODES)) | st.from_regex(
        r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", fullmatch=True
    )
    return st.builds(
        _diagnosis,
        code=codes,
        rank=st.sampled_from(DiagnosisRank),
        onset=st.none() | _DAYS,
        length=st.none() | st.integers(min_value=0, max_value=3000),
    )


def _diagnosis(
    code: str, rank: DiagnosisRank, onset: dt.date | None, length: int | None
) -> Diagnosis:
    resolved = None
    if onset is not None and length is not None:
        resolved = min(onset + dt.timedelta(days=length), dt.date(9999, 12, 31))
    return Diagnosis(code=code, rank=rank, onset=onset, resolved=resolved)


def measures() -> st.SearchStrategy[Measure]:
    """Valid :class:`~iopmodel.measures.Measure` objects of the shipped instruments.

    Half have item responses (scored), half a total only.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import measures
        >>> @settings(max_examples=10)
        ... @given(measures())
        ... def check(measure):
        ...     assert measure.band is not None
        >>> check()
    """
    return st.sampled_from(instruments()[:4]).flatmap(
        lambda known: st.one_of(
            st.builds(
                Measure,
                instrument=st.just(known.id),
                on=_DAYS,
                responses=st.fixed_dictionaries(
                    {
                        item: st.integers(known.item_minimum, known.item_maximum)
                        for item in known.summed_items
                    }
                ),
            ),
            st.builds(
                Measure,
                instrument=st.just(known.id),
                on=_DAYS,
                total=st.integers(0, known.maximum_total or 0),
            ),
        )
    )


def screens() -> st.SearchStrategy[Screen]:
    """Valid :class:`~iopmodel.screens.Screen` objects.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import screens
        >>> @settings(max_examples=10)
        ... @given(screens())
        ... def check(screen):
        ...     assert set(screen.unexpected_positives) <= set(screen.positives)
        >>> check()
    """
    substances = st.sampled_from(
        ["alcohol", "opioids", "fentanyl", "cocaine", "cannabis", "buprenorphine"]
    )
    return st.builds(
        Screen,
        collected=_DAYS,
        panel=st.sampled_from(["12-panel urine", "oral fluid", "breath"]),
        results=st.dictionaries(
            substances, st.sampled_from(ScreenResult), min_size=1, max_size=4
        ),
        prescribed=st.frozensets(substances, max_size=2),
    )


def authorizations() -> st.SearchStrategy[Authorization]:
    """Valid :class:`~iopmodel.authorizations.Authorization` objects.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import authorizations
        >>> @settings(max_examples=10)
        ... @given(authorizations())
        ... def check(authorization):
        ...     assert authorization.days >= 1
        >>> check()
    """
    return st.builds(
        _authorization,
        payer=st.sampled_from(["Acme Health", "Medicaid", "Medicare"]),
        level=levels(),
        start=_DAYS,
        days=st.integers(min_value=0, max_value=120),
        units=st.integers(min_value=1, max_value=90),
        unit=st.sampled_from(AuthorizationUnit),
        reference=st.none() | st.from_regex(r"A-[0-9]{6}", fullmatch=True),
    )


def _authorization(
    *,
    payer: str,
    level: LevelOfCare,
    start: dt.date,
    days: int,
    units: int,
    unit: AuthorizationUnit,
    reference: str | None,
) -> Authorization:
    return Authorization(
        payer=payer,
        level=level,
        start=start,
        end=start + dt.timedelta(days=days),
        units=units,
        unit=unit,
        reference=reference,
    )


def consents() -> st.SearchStrategy[Consent]:
    """Valid :class:`~iopmodel.consent.Consent` objects.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import consents
        >>> @settings(max_examples=10)
        ... @given(consents())
        ... def check(consent):
        ...     assert consent.in_force(consent.signed) == (consent.revoked != consent.signed)
        >>> check()
    """
    return st.builds(
        _consent,
        patient=st.from_regex(r"p-[0-9]{4}", fullmatch=True),
        purposes=st.frozensets(st.sampled_from(DisclosurePurpose), min_size=1),
        sections=st.frozensets(st.sampled_from(RecordSection), min_size=1),
        signed=_DAYS,
        expires_after=st.none() | st.integers(min_value=0, max_value=730),
        revoked_after=st.none() | st.integers(min_value=0, max_value=730),
    )


def _consent(
    *,
    patient: str,
    purposes: frozenset[DisclosurePurpose],
    sections: frozenset[RecordSection],
    signed: dt.date,
    expires_after: int | None,
    revoked_after: int | None,
) -> Consent:
    def after(days: int | None) -> dt.date | None:
        return None if days is None else signed + dt.timedelta(days=days)

    return Consent(
        patient_id=patient,
        recipient="Dr. Lee, primary care",
        purposes=purposes,
        sections=sections,
        signed=signed,
        expires=after(expires_after),
        revoked=after(revoked_after),
    )


def recorded_plans() -> st.SearchStrategy[TreatmentPlan]:
    """Treatment plans (:func:`treatment_plans`) with a clinical record.

    Each has diagnoses, measures, screens and authorizations around its start.

    Example:
        >>> from hypothesis import given, settings
        >>> from iopmodel.strategies import recorded_plans
        >>> @settings(max_examples=5, deadline=None)
        ... @given(recorded_plans())
        ... def check(plan):
        ...     days = [m.on for m in plan.measures]
        ...     assert days == sorted(days)
        >>> check()
    """
    return st.builds(
        _with_record,
        plan=treatment_plans(weeks=st.integers(min_value=1, max_value=8)),
        diagnoses=st.lists(diagnoses(), max_size=3),
        measures=st.lists(measures(), max_size=4),
        screens=st.lists(screens(), max_size=4),
        authorizations=st.lists(authorizations(), max_size=2),
        part2=st.booleans(),
    )


def _with_record(
    *,
    plan: TreatmentPlan,
    diagnoses: list[Diagnosis],
    measures: list[Measure],
    screens: list[Screen],
    authorizations: list[Authorization],
    part2: bool,
) -> TreatmentPlan:
    return attrs.evolve(
        plan.record(*diagnoses, *measures, *screens, *authorizations), part2=part2
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
    Setting: st.sampled_from(Setting),
    EpisodeStatus: st.sampled_from(EpisodeStatus),
    Move: st.sampled_from(Move),
    LevelChange: st.sampled_from(LevelChange),
    Transition: st.sampled_from(list(TRANSITIONS.values())),
    SessionKind: session_kinds(),
    Attendance: attendances(),
    DischargeReason: st.sampled_from(DischargeReason),
    Session: sessions(),
    SessionTemplate: session_templates(),
    Program: programs(),
    TreatmentPlan: treatment_plans(),
    Episode: episodes(),
    Placement: episodes().flatmap(lambda e: st.sampled_from(e.placements)),
    DeliveryMode: st.sampled_from(DeliveryMode),
    ProgramFocus: st.sampled_from(ProgramFocus),
    CoOccurringCapability: st.sampled_from(CoOccurringCapability),
    DiagnosisRank: st.sampled_from(DiagnosisRank),
    Diagnosis: diagnoses(),
    Measure: measures(),
    ScreenResult: st.sampled_from(ScreenResult),
    Screen: screens(),
    AuthorizationUnit: st.sampled_from(AuthorizationUnit),
    Authorization: authorizations(),
    DisclosurePurpose: st.sampled_from(DisclosurePurpose),
    RecordSection: st.sampled_from(RecordSection),
    Consent: consents(),
    Service: service_kinds(),
    ConcurrentService: concurrent_services(),
    Hold: holds(),
    ClinicalFacts: clinical_facts(),
    HomeEnvironment: st.sampled_from(HomeEnvironment),
    **_plan_parts(),
}

for _type, _strategy in REGISTERED.items():
    st.register_type_strategy(_type, _strategy)
