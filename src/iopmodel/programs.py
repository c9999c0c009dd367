"""Programs: a level of care, a population, a time zone and recurring sessions.

A :class:`Program` is a *design*: "group therapy Mon/Wed/Thu 18:00-21:00 and
one individual session a week, in New York". It knows every week it can
produce (:meth:`Program.cycle`), their exact hours, and expands into dated
sessions with :meth:`Program.schedule`.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Final
from zoneinfo import ZoneInfo

import attrs

from iopmodel._format import hours_text
from iopmodel._validators import (
    aware_datetime,
    check_arg,
    iana_zone,
    instance_of,
    non_empty_str,
    optional_instance_of,
    optional_positive_int,
    plain_date,
    positive_int,
    to_tuple,
    to_zone,
    tuple_of,
)
from iopmodel.care import LevelOfCare, Population
from iopmodel.cycles import WeekCycle, week_cycle
from iopmodel.diagnoses import CoOccurringCapability, ProgramFocus
from iopmodel.errors import InvalidValueError
from iopmodel.schedules import (
    MAX_SCHEDULE_DAYS,
    MAX_SCHEDULE_SESSIONS,
    SessionTemplate,
    _expand_checked,
    _expand_days,
    _occurrence_bound,
)
from iopmodel.sessions import (
    _BY_ORDER,
    EARLIEST_DATE,
    LATEST_DATE,
    Attendance,
    DeliveryMode,
    Session,
    SessionKind,
)
from iopmodel.standards import DEFAULT_STANDARD
from iopmodel.weeks import check_week_start

__all__ = ["MAX_SCHEDULE_DAYS", "MAX_SCHEDULE_SESSIONS", "Program"]

#: Start-independent templates are expanded in aligned blocks of 13 weeks,
#: cached and shared by every window that overlaps them.
_BLOCK_DAYS: Final = 91
# Blocks lie inside the supported calendar; windows at its ends are expanded as is.
_FIRST_BLOCK: Final = -(-EARLIEST_DATE.toordinal() // _BLOCK_DAYS)
_LAST_BLOCK: Final = (LATEST_DATE.toordinal() + 1) // _BLOCK_DAYS - 1
# The most sessions the blocks of one window may hold (a library choice, about
# 0.1 s of expansion); windows of larger designs are expanded as asked.
_BLOCK_SESSIONS: Final = 10_000


def _sliceable(
    templates: tuple[SessionTemplate, ...], start: dt.date, end: dt.date
) -> bool:
    """Whether a window's schedule may be sliced from whole cached blocks.

    The blocks it spans must lie inside the supported calendar and be small
    enough to expand whole: expanding a block for a short window is work the
    window did not ask for, worth it for programs of a few templates (shared
    by every patient), not for a design of a thousand daily templates asked
    for one day. Blocks are expanded only while they can hold at most
    ``_BLOCK_SESSIONS`` sessions.
    """
    first_block = start.toordinal() // _BLOCK_DAYS
    last_block = (end.toordinal() - 1) // _BLOCK_DAYS
    if first_block < _FIRST_BLOCK or last_block > _LAST_BLOCK:
        return False
    days = (last_block - first_block + 1) * _BLOCK_DAYS
    return sum(_occurrence_bound(t.rrule, days) for t in templates) <= _BLOCK_SESSIONS


def _slice(
    what: SessionTemplate | tuple[SessionTemplate, ...],
    zone: ZoneInfo,
    start: dt.date,
    end: dt.date,
) -> list[Session]:
    """The sessions on days in ``[start, end)``, sliced from cached aligned blocks.

    *what* is a template whose days do not depend on where expansion starts
    (:attr:`~iopmodel.schedules.SessionTemplate.start_independent`), or a
    tuple of such templates (their sessions merged, sorted). Patients
    starting on different days share one expansion.
    """
    first, stop = start.toordinal(), end.toordinal()
    first_block, last_block = first // _BLOCK_DAYS, (stop - 1) // _BLOCK_DAYS
    found: list[Session] = []
    for block in range(first_block, last_block + 1):
        sessions, days = _expand_days(
            what,
            zone,
            dt.date.fromordinal(block * _BLOCK_DAYS),
            dt.date.fromordinal((block + 1) * _BLOCK_DAYS),
        )
        low = 0 if block > first_block else bisect.bisect_left(days, first)
        high = len(days) if block < last_block else bisect.bisect_left(days, stop)
        found.extend(sessions[low:high])
    return found


def _zone(value: ZoneInfo | str) -> ZoneInfo:
    return to_zone(value)  # type: ignore[return-value]


def _templates(value: Iterable[SessionTemplate]) -> tuple[SessionTemplate, ...]:
    return to_tuple(value)


def _measure_ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(to_tuple(value)))


@attrs.frozen(kw_only=True)
class Program:
    """A treatment program design: level, population, zone and session templates.

    Args:
        name: Display name.
        level: The level of care the program delivers.
        population: Adult or adolescent (hour thresholds differ).
        timezone: IANA time zone (a :class:`zoneinfo.ZoneInfo` or its name).
            Weeks, wall times and DST follow this zone.
        templates: The recurring sessions.
        capacity: Optional number of patient slots.
        recommended_minimum_days: Recommended total length of treatment, by
            default the default standard's
            :attr:`Standard.minimum_total_days <iopmodel.standards.Standard>` (90 days,
            NIDA).
        focus: What the program treats (substance use, mental health or
            co-occurring), if recorded.
        co_occurring: Whether it is co-occurring capable or enhanced, if
            recorded.
        part2: Whether it is a 42 CFR Part 2 program (a federally assisted
            program that holds itself out as treating substance use): its
            patients' records are Part 2 data (see :mod:`iopmodel.consent`).
        measures: Ids of the outcome measures the program gives at intake and
            on the standard's cadence (see :mod:`iopmodel.measures`; rule
            ``MSR001``).

    Raises:
        InvalidTypeError: Values of the wrong type.
        InvalidValueError: Empty name, non-positive capacity.
        UnknownCodeError: A time-zone name that is not an IANA zone.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import LevelOfCare, Population, Program, SessionKind, SessionTemplate
        >>> evening = Program(
        ...     name="Evening IOP",
        ...     level=LevelOfCare.INTENSIVE_OUTPATIENT,
        ...     population=Population.ADULT,
        ...     timezone="America/New_York",
        ...     templates=[
        ...         SessionTemplate(kind=SessionKind.GROUP_THERAPY,
        ...                         rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        ...                         start_time=dt.time(18), duration=dt.timedelta(hours=3)),
        ...         SessionTemplate(kind=SessionKind.INDIVIDUAL_THERAPY,
        ...                         rrule="FREQ=WEEKLY;BYDAY=TU",
        ...                         start_time=dt.time(17), duration=dt.timedelta(hours=1)),
        ...     ],
        ... )
        >>> evening.weekly_hours
        Fraction(10, 1)
        >>> sessions = evening.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 16))
        >>> len(sessions), sessions[0].start.isoformat()
        (8, '2026-03-02T18:00:00-05:00')
        >>> sessions[-1].start.isoformat()  # after the DST change, still 18:00
        '2026-03-12T18:00:00-04:00'
    """

    name: str = attrs.field(validator=non_empty_str)
    level: LevelOfCare = attrs.field(validator=instance_of(LevelOfCare))
    population: Population = attrs.field(validator=instance_of(Population))
    timezone: ZoneInfo = attrs.field(converter=_zone, validator=iana_zone)
    templates: tuple[SessionTemplate, ...] = attrs.field(
        default=(), converter=_templates, validator=tuple_of(SessionTemplate)
    )
    capacity: int | None = attrs.field(default=None, validator=optional_positive_int)
    recommended_minimum_days: int = attrs.field(
        default=int(DEFAULT_STANDARD.minimum_total_days.value), validator=positive_int
    )
    focus: ProgramFocus | None = attrs.field(
        default=None, validator=optional_instance_of(ProgramFocus)
    )
    co_occurring: CoOccurringCapability | None = attrs.field(
        default=None, validator=optional_instance_of(CoOccurringCapability)
    )
    part2: bool = attrs.field(default=False, validator=instance_of(bool))
    measures: tuple[str, ...] = attrs.field(
        default=(), converter=_measure_ids, validator=tuple_of(str)
    )

    def __repr__(self) -> str:
        return (
            f"Program(name={self.name!r}, level={self.level.key}, "
            f"population={self.population.value}, timezone={self.timezone.key!r}, "
            f"templates={len(self.templates)}, weekly_hours={self._hours_text()})"
        )

    def _hours_text(self) -> str:
        cycle = self.cycle()
        low, high = cycle.min_hours, cycle.max_hours
        return (
            hours_text(low) if low == high else f"{hours_text(low)}-{hours_text(high)}"
        )

    def _repr_html_(self) -> str:
        from iopmodel._html import program_html  # noqa: PLC0415

        return program_html(self)

    # -- the cycle of weeks ----------------------------------------------------

    def cycle(
        self,
        week_start: int = calendar.MONDAY,
        counted_kinds: Iterable[SessionKind] | None = None,
        counted_deliveries: Iterable[DeliveryMode] | None = None,
    ) -> WeekCycle:
        """Every week this design produces: its repeating cycle of weeks.

        See :mod:`iopmodel.cycles`: exact when every template repeats by weeks,
        otherwise the weeks of a five-year reference calendar. Results are cached.

        Args:
            week_start: First weekday of a week, 0 (Monday, ISO) to 6.
            counted_kinds: Session kinds that count toward program hours; the
                default standard's by default (a rule set passes its own).
            counted_deliveries: Delivery modes that count toward program
                hours (``None``: every mode).

        Example:
            >>> import datetime as dt
            >>> import attrs
            >>> from iopmodel import SessionKind, SessionTemplate
            >>> from iopmodel.examples import evening_iop
            >>> program = evening_iop()
            >>> biweekly = attrs.evolve(program.templates[1],
            ...                         rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
            >>> cycle = attrs.evolve(program, templates=(program.templates[0], biweekly)).cycle()
            >>> cycle.length, [w.individual_sessions for w in cycle.block(0)]
            (2, [1, 0])
        """
        check_week_start(week_start)
        kinds = (
            DEFAULT_STANDARD.counted_kinds
            if counted_kinds is None
            else frozenset(counted_kinds)
        )
        return week_cycle(
            self.templates,
            self.timezone,
            week_start=week_start,
            counted_kinds=kinds,
            counted_deliveries=None
            if counted_deliveries is None
            else frozenset(counted_deliveries),
        )

    @property
    def weekly_hours(self) -> Fraction:
        """Exact program hours a week, averaged over the :meth:`cycle`.

        For designs whose weeks differ, see ``cycle().min_hours`` and
        ``cycle().max_hours``. Kinds that do not count toward program hours
        under the default standard (mutual-support meetings) are left out.

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> evening_iop().weekly_hours == 10
            True
        """
        return self.cycle().mean_hours

    # -- expansion --------------------------------------------------------------

    def schedule(
        self,
        start: dt.date,
        end: dt.date,
        *,
        skip: Iterable[dt.date] = (),
        cancel: Iterable[dt.datetime] = (),
        move: Mapping[dt.datetime, dt.datetime] | None = None,
    ) -> tuple[Session, ...]:
        """Expand the templates into dated sessions for days in ``[start, end)``.

        Sessions are sorted, in the program's zone, and keep their local wall
        time across DST changes. Each template's recurrence starts on *start*.
        Templates whose days do not depend on where they start
        (:attr:`~iopmodel.schedules.SessionTemplate.start_independent`) are
        expanded once per aligned 13-week block, cached, and sliced: the same
        sessions, shared by every window (every patient) that overlaps a block.

        Args:
            start: First day of the window (inclusive).
            end: Day after the last day of the window (exclusive).
            skip: Local dates with no sessions at all (holidays).
            cancel: Original starts of single occurrences the program cancelled;
                they stay in the result with :attr:`~iopmodel.sessions.Attendance.CANCELLED`.
            move: Original start to new start for single moved occurrences.

        Raises:
            InvalidValueError: ``end <= start``, a window over
                :data:`~iopmodel.programs.MAX_SCHEDULE_DAYS` or able to hold more than
                :data:`~iopmodel.schedules.MAX_SCHEDULE_SESSIONS` sessions, or a *cancel* or *move*
                entry that matches no session (so a typo never passes silently).

        Example:
            >>> import datetime as dt
            >>> from iopmodel.examples import evening_iop
            >>> program = evening_iop()
            >>> week = program.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 9),
            ...                         skip=[dt.date(2026, 3, 4)])
            >>> [s.start.strftime("%a %H:%M") for s in week]
            ['Mon 18:00', 'Tue 17:00', 'Thu 18:00']
        """
        check_arg(plain_date, "start", start)
        check_arg(plain_date, "end", end)
        return self._schedule(start, end, skip=skip, cancel=cancel, move=move)

    def _schedule(
        self,
        start: dt.date,
        end: dt.date,
        *,
        skip: Iterable[dt.date] = (),
        cancel: Iterable[dt.datetime] = (),
        move: Mapping[dt.datetime, dt.datetime] | None = None,
    ) -> tuple[Session, ...]:
        """:meth:`schedule` for *start* and *end* already checked to be dates."""
        if end <= start:
            raise InvalidValueError("end", end, f"must be after start {start}")
        days = (end - start).days
        if days > MAX_SCHEDULE_DAYS:
            raise InvalidValueError(
                "end", end, f"window must be at most {MAX_SCHEDULE_DAYS} days"
            )
        bound = sum(_occurrence_bound(t.rrule, days) for t in self.templates)
        if bound > MAX_SCHEDULE_SESSIONS:
            raise InvalidValueError(
                "end",
                end,
                f"the templates could give up to {bound} sessions in this window, "
                f"over the limit of {MAX_SCHEDULE_SESSIONS}; schedule a shorter window",
            )
        skipped = frozenset(skip)
        templates, zone = self.templates, self.timezone
        sliceable = _sliceable(templates, start, end)
        ordered = sliceable and all(t.start_independent for t in templates)
        if ordered:  # the whole program's blocks, merged once: slices are sorted
            sessions = _slice(templates, zone, start, end)
        else:
            sessions = [
                session
                for t in templates
                for session in (
                    _slice(t, zone, start, end)
                    if sliceable and t.start_independent
                    else _expand_checked(t, zone, start, end)
                )
            ]
        if skipped:
            sessions = [s for s in sessions if s.start.date() not in skipped]
        cancelled = frozenset(cancel)
        moves = dict(move or {})
        if cancelled or moves:
            sessions = self._apply_exceptions(sessions, cancelled, moves)
            ordered = False
        if not ordered:
            sessions.sort(key=_BY_ORDER)
        return tuple(sessions)

    def _apply_exceptions(
        self,
        sessions: list[Session],
        cancelled: frozenset[dt.datetime],
        moves: dict[dt.datetime, dt.datetime],
    ) -> list[Session]:
        # Instants, not wall times: 01:30 EDT and 01:30 EST are different starts.
        starts = {s.order_key[0] for s in sessions}
        for field, wanted in (("cancel", cancelled), ("move", moves.keys())):
            for original in wanted:
                check_arg(aware_datetime, field, original)
                if original.astimezone(dt.UTC) not in starts:
                    raise InvalidValueError(
                        field, original, "matches no session in the schedule"
                    )
        cancelled_at = {c.astimezone(dt.UTC) for c in cancelled}
        moves_at = {m.astimezone(dt.UTC): new for m, new in moves.items()}
        result = []
        for session in sessions:
            instant = session.order_key[0]
            if instant in cancelled_at:
                result.append(session.with_attendance(Attendance.CANCELLED))
            elif instant in moves_at:
                new_start = moves_at[instant]
                check_arg(
                    aware_datetime, f"move[{session.start.isoformat()}]", new_start
                )
                result.append(
                    attrs.evolve(session, start=new_start.astimezone(self.timezone))
                )
            else:
                result.append(session)
        return result
