"""Calendar weeks in a program's time zone, and what happened in each.

Weekly rules ("9 to 20 hours a week") count *local calendar weeks*: a session at
23:30 on Sunday in New York belongs to that Sunday's week even though it is
Monday in UTC. The first day of the week is configurable (ISO Monday by default,
``calendar.SUNDAY`` for US payer weeks).

:func:`summarize_weeks` makes one pass over the sessions and returns a
:class:`WeekSummary` per week: exact scheduled and attended minutes, individual
and group session counts, visit days, and how many of the week's days fall in
the window (partial first and last weeks are marked as such).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import itertools
import operator
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import NamedTuple
from zoneinfo import ZoneInfo

from iopmodel._validators import check_arg, iana_zone, plain_date
from iopmodel.errors import InvalidTypeError, InvalidValueError
from iopmodel.sessions import Attendance, DeliveryMode, Session, SessionKind
from iopmodel.standards import DEFAULT_STANDARD

__all__ = ["WeekSummary", "summarize_weeks", "week_of"]

_KIND_INDEX = {kind: index for index, kind in enumerate(SessionKind)}
_KIND_INDEX_BY_ID = {id(kind): index for kind, index in _KIND_INDEX.items()}
_ATTENDED = Attendance.ATTENDED
_SCHEDULED = Attendance.SCHEDULED
_CANCELLED = Attendance.CANCELLED


@functools.lru_cache(maxsize=32)
def _counts_hours(counted: frozenset[SessionKind]) -> tuple[bool, ...]:
    """Per kind, by position in SessionKind: whether it counts toward hours."""
    return tuple(kind in counted for kind in SessionKind)


def check_week_start(week_start: int) -> None:
    """Raise unless *week_start* is a weekday number 0-6 (internal)."""
    if isinstance(week_start, bool) or week_start not in range(7):
        raise InvalidValueError(
            "week_start", week_start, "must be a weekday number 0 (Monday) to 6"
        )


def week_of(day: dt.date, week_start: int = calendar.MONDAY) -> dt.date:
    """The first day of the calendar week that contains *day*.

    Args:
        day: Any date.
        week_start: First weekday of the week, 0 (Monday, ISO) to 6 (Sunday).

    Example:
        >>> import calendar, datetime as dt
        >>> from iopmodel.weeks import week_of
        >>> week_of(dt.date(2026, 3, 12))
        datetime.date(2026, 3, 9)
        >>> week_of(dt.date(2026, 3, 12), calendar.SUNDAY)
        datetime.date(2026, 3, 8)
    """
    check_week_start(week_start)
    check_arg(plain_date, "day", day)
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


class WeekSummary(NamedTuple):
    """What one calendar week of a schedule or plan contains.

    A light, immutable row (a :class:`~typing.NamedTuple`, so a cohort's weeks
    are cheap to build and turn into a table with ``_asdict()``).

    Minutes count only session kinds that count toward program hours.
    *Scheduled* minutes include attended, absent and excused sessions (they were
    on the schedule) but not sessions cancelled by the program.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.weeks import summarize_weeks
        >>> from iopmodel.examples import evening_iop
        >>> program = evening_iop()
        >>> sessions = program.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 9))
        >>> (week,) = summarize_weeks(sessions, program.timezone,
        ...                           dt.date(2026, 3, 2), dt.date(2026, 3, 8))
        >>> week.scheduled_hours, week.individual_sessions, week.visit_days, week.full
        (Fraction(10, 1), 1, 4, True)
    """

    #: First day of the week (local calendar).
    start: dt.date
    #: How many of its 7 days fall inside the window.
    days_in_window: int
    #: Program minutes on the schedule (attended, absent, excused, pending).
    scheduled_minutes: int = 0
    #: Program minutes attended.
    attended_minutes: int = 0
    #: Minutes of kinds that do not count toward program hours (e.g. AA/NA).
    excluded_minutes: int = 0
    #: Program sessions with no recorded outcome yet.
    pending_sessions: int = 0
    #: Sessions (not cancelled) per kind, in SessionKind order; see sessions_of().
    session_counts: tuple[int, ...] = (0,) * len(SessionKind)
    #: Distinct local days with scheduled program sessions.
    visit_days: int = 0

    def sessions_of(self, kind: SessionKind) -> int:
        """How many sessions of *kind* are on the schedule this week."""
        return self.session_counts[_KIND_INDEX_BY_ID[id(kind)]]

    @property
    def individual_sessions(self) -> int:
        """Scheduled individual-therapy sessions."""
        return self.sessions_of(SessionKind.INDIVIDUAL_THERAPY)

    @property
    def group_sessions(self) -> int:
        """Scheduled group-therapy sessions."""
        return self.sessions_of(SessionKind.GROUP_THERAPY)

    @property
    def full(self) -> bool:
        """Whether all seven days of the week are inside the window."""
        return self.days_in_window == 7  # days in a week

    @property
    def scheduled_hours(self) -> Fraction:
        """Scheduled program hours, exact."""
        return Fraction(self.scheduled_minutes, 60)

    @property
    def attended_hours(self) -> Fraction:
        """Attended program hours, exact."""
        return Fraction(self.attended_minutes, 60)


def _checked_arguments(
    sessions: Iterable[Session], zone: ZoneInfo, first_day: dt.date, last_day: dt.date
) -> tuple[Session, ...]:
    check_arg(iana_zone, "zone", zone)
    check_arg(plain_date, "first_day", first_day)
    check_arg(plain_date, "last_day", last_day)
    try:
        iterator = iter(sessions)
    except TypeError:
        raise InvalidTypeError("sessions", sessions, "an iterable of Session") from None
    items = tuple(iterator)
    for index, item in enumerate(items):
        if not isinstance(item, Session):
            raise InvalidTypeError(f"sessions[{index}]", item, "Session")
    return items


def summarize_weeks(
    sessions: Iterable[Session],
    zone: ZoneInfo,
    first_day: dt.date,
    last_day: dt.date,
    *,
    week_start: int = calendar.MONDAY,
    counted_kinds: frozenset[SessionKind] = DEFAULT_STANDARD.counted_kinds,
    counted_deliveries: frozenset[DeliveryMode] | None = None,
) -> tuple[WeekSummary, ...]:
    """Summarize sessions into local calendar weeks covering a window of days.

    Every week that overlaps ``[first_day, last_day]`` (both inclusive) gets a
    summary, empty weeks included; sessions on days outside the window are
    ignored. Session starts are converted to *zone* before their day is taken.

    Args:
        sessions: Sessions in any order and any time zone.
        zone: The program's time zone; weeks are its local calendar weeks.
        first_day: First day of the window.
        last_day: Last day of the window (inclusive).
        week_start: First weekday of a week, 0 (Monday) to 6 (Sunday).
        counted_kinds: Kinds that count toward program minutes (the default
            standard's by default).
        counted_deliveries: Delivery modes that count toward program minutes
            (``None``: every mode). Sessions of other modes are excluded
            minutes, like kinds that do not count.

    Raises:
        InvalidValueError: If *last_day* is before *first_day*, or *week_start*
            is not a weekday number.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.weeks import summarize_weeks
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
        ...                                   start=dt.date(2026, 3, 4), days=14)
        >>> weeks = summarize_weeks(plan.sessions, plan.program.timezone,
        ...                         dt.date(2026, 3, 4), dt.date(2026, 3, 17))
        >>> [(w.start.isoformat(), w.days_in_window, int(w.scheduled_hours)) for w in weeks]
        [('2026-03-02', 5, 6), ('2026-03-09', 7, 10), ('2026-03-16', 2, 4)]
    """
    check_week_start(week_start)
    items = _checked_arguments(sessions, zone, first_day, last_day)
    if last_day < first_day:
        raise InvalidValueError("last_day", last_day, f"must not be before {first_day}")
    base = week_of(first_day, week_start).toordinal()
    first_ordinal = first_day.toordinal()
    last_ordinal = last_day.toordinal()
    arrays = _week_arrays(
        items,
        zone,
        base=base,
        first_ordinal=first_ordinal,
        last_ordinal=last_ordinal,
        counted_kinds=counted_kinds,
        counted_deliveries=counted_deliveries,
    )
    count = len(arrays.scheduled)
    kinds = len(SessionKind)
    counts = arrays.counts
    summaries = []
    for week in range(count):
        week_first = base + 7 * week
        inside = min(week_first + 6, last_ordinal) - max(week_first, first_ordinal) + 1
        summaries.append(
            WeekSummary(
                start=dt.date.fromordinal(week_first),
                days_in_window=inside,
                scheduled_minutes=arrays.scheduled[week],
                attended_minutes=arrays.attended[week],
                excluded_minutes=arrays.excluded[week],
                pending_sessions=arrays.pending[week],
                session_counts=tuple(counts[week * kinds : (week + 1) * kinds]),
                visit_days=arrays.visits[week],
            )
        )
    return tuple(summaries)


class _WeekArrays(NamedTuple):
    """Per-week columns of a window, as plain lists (internal; see :func:`_week_arrays`)."""

    scheduled: list[int]
    attended: list[int]
    excluded: list[int]
    pending: list[int]
    counts: list[int]
    """Sessions per kind, flattened: week * len(SessionKind) + kind index."""
    visits: list[int]


def _week_arrays(
    sessions: Sequence[Session],
    zone: ZoneInfo,
    *,
    base: int,
    first_ordinal: int,
    last_ordinal: int,
    counted_kinds: frozenset[SessionKind],
    counted_deliveries: frozenset[DeliveryMode] | None = None,
    period: int = 7,
) -> _WeekArrays:
    """One pass over *sessions* into per-week columns (internal, no checks).

    Weeks start on the ordinal *base*; sessions on local days outside
    ``[first_ordinal, last_ordinal]`` are ignored. A *period* of 1 makes the
    columns per day instead (see :class:`_DayColumns`). :func:`summarize_weeks`
    builds its rows from these columns (after checking that the sessions are
    sessions); batch validation reads them directly.

    Visit days are counted as the local day changes, which needs the counted
    sessions in order of local day. A plan's sessions are sorted by instant,
    which is that order but where a zone turns its clocks back across
    midnight; sessions out of order are sorted by local day and counted again.
    """
    count = (last_ordinal - base) // period + 1
    counts_hours = _counts_hours(counted_kinds)
    deliveries = (
        None
        if counted_deliveries is None or len(counted_deliveries) == len(DeliveryMode)
        else counted_deliveries
    )
    kinds = len(counts_hours)
    scheduled = [0] * count
    attended = [0] * count
    excluded = [0] * count
    pending = [0] * count
    counts = [0] * (count * kinds)
    visits = [0] * count
    last_visit = -1  # the local day of the last counted session
    for session in sessions:
        start = session.start
        if start.tzinfo is not zone:
            start = start.astimezone(zone)
        ordinal = start.toordinal()
        if ordinal < first_ordinal or ordinal > last_ordinal:
            continue
        attendance = session.attendance
        if attendance is _CANCELLED:
            continue
        week = (ordinal - base) // period
        index = session.kind._index  # noqa: SLF001 - the package's own enum
        counts[week * kinds + index] += 1
        minutes = session._minutes  # noqa: SLF001 - the package's own cache
        if not counts_hours[index] or (
            deliveries is not None and session.delivery not in deliveries
        ):
            excluded[week] += minutes
            continue
        scheduled[week] += minutes
        if attendance is _SCHEDULED:
            pending[week] += 1
        elif attendance is _ATTENDED:
            attended[week] += minutes
        if ordinal != last_visit:
            if ordinal < last_visit:  # out of local order: count again, sorted
                return _week_arrays(
                    sorted(sessions, key=functools.partial(_local_ordinal, zone)),
                    zone,
                    base=base,
                    first_ordinal=first_ordinal,
                    last_ordinal=last_ordinal,
                    counted_kinds=counted_kinds,
                    counted_deliveries=counted_deliveries,
                    period=period,
                )
            visits[week] += 1
            last_visit = ordinal
    return _WeekArrays(scheduled, attended, excluded, pending, counts, visits)


def _local_ordinal(zone: ZoneInfo, session: Session) -> int:
    """The ordinal of the session's local day in *zone*."""
    return session.start.astimezone(zone).toordinal()


class _DayColumns:
    """A schedule's sessions summed by local day, as prefix sums (internal).

    *sessions* are a program's schedule over the ordinal days
    ``[first, end)``, sorted, in *zone*. A plan whose sessions are exactly the
    schedule's between two days (:meth:`holds`) gets its weekly columns as
    differences of prefix sums (:meth:`weeks`) instead of a pass over its
    sessions. :meth:`~iopmodel.programs.Program.schedule` hands out the same
    session objects from its cached blocks, so a plan made from it is
    recognised by identity, which nothing else can fake.
    """

    def __init__(
        self,
        sessions: tuple[Session, ...],
        zone: ZoneInfo,
        first: int,
        end: int,
        *,
        counted_kinds: frozenset[SessionKind],
        counted_deliveries: frozenset[DeliveryMode] | None,
    ) -> None:
        self.sessions = sessions
        self.first = first
        self.end = end
        self.ordinals = [_local_ordinal(zone, s) for s in sessions]
        #: Whether :meth:`holds` can find windows by bisection (local days in
        #: order: not so where clocks went back across midnight).
        self.ordered = all(a <= b for a, b in itertools.pairwise(self.ordinals))
        days = _week_arrays(
            sessions,
            zone,
            base=first,
            first_ordinal=first,
            last_ordinal=end - 1,
            counted_kinds=counted_kinds,
            counted_deliveries=counted_deliveries,
            period=1,
        )
        kinds = len(SessionKind)
        by_kind = [days.counts[kind::kinds] for kind in range(kinds)]
        columns = (
            days.scheduled,
            days.attended,
            days.excluded,
            days.pending,
            days.visits,
            *by_kind,
        )
        #: A schedule that repeats every week makes the same weeks of every
        #: window of one weekday and length (checked day by day, not assumed).
        self.periodic = all(day[7:] == day[:-7] for day in columns)
        self.prefix = [list(itertools.accumulate(c, initial=0)) for c in columns]
        self.kinds = [kind for kind in range(kinds) if any(by_kind[kind])]
        self.cache: dict[tuple[int, ...], _WeekArrays] = {}
        #: What a caller derives from the weekly columns :meth:`weeks` shares,
        #: keyed by their id (stable: they live as long as this object).
        self.screens: dict[tuple[int, ...], object] = {}

    def holds(self, sessions: Sequence[Session], start: int, end: int) -> bool:
        """Whether *sessions* are exactly the schedule's on days ``[start, end)``."""
        if not (self.ordered and self.first <= start <= end <= self.end):
            return False
        low = bisect.bisect_left(self.ordinals, start)
        high = bisect.bisect_left(self.ordinals, end, low)
        if high - low != len(sessions):
            return False
        return all(map(operator.is_, sessions, self.sessions[low:high]))

    def weeks(
        self, base: int, first: int, last: int, start: int, end: int
    ) -> _WeekArrays:
        """The weekly columns of the schedule's sessions on days ``[start, end)``.

        What :func:`_week_arrays` makes of them (:meth:`holds`), weeks from
        *base*, over the days ``[first, last]``. The columns may be shared
        with other windows: never change them.
        """
        low, high = max(first, start), min(last + 1, end)
        shift = (base - self.first) // 7 * 7 if self.periodic else 0
        # periodic: the same weeks seven days later
        key = (base - shift, first - shift, last - shift, low - shift, high - shift)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._weeks(base, last, low, high)
        return found

    def _weeks(self, base: int, last: int, low: int, high: int) -> _WeekArrays:
        count = (last - base) // 7 + 1
        high = max(high, low)
        edges = [
            min(max(day, low), high) - self.first
            for day in range(base, base + 7 * count + 1, 7)
        ]
        spans = list(itertools.pairwise(edges))
        scheduled, attended, excluded, pending, visits = (
            [prefix[b] - prefix[a] for a, b in spans] for prefix in self.prefix[:5]
        )
        kinds = len(SessionKind)
        counts = [0] * (count * kinds)
        for kind in self.kinds:
            prefix = self.prefix[5 + kind]
            counts[kind::kinds] = [prefix[b] - prefix[a] for a, b in spans]
        return _WeekArrays(scheduled, attended, excluded, pending, counts, visits)
