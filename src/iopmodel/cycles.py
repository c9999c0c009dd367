"""The repeating cycle of weeks a program design produces.

A program's weeks are not all alike: individual therapy every other week
(``FREQ=WEEKLY;INTERVAL=2``) gives two kinds of week, a monthly family session
(``FREQ=MONTHLY;BYDAY=1MO``) a week with it and weeks without. A design check
that looked at one "typical" week would miss the week without individual
therapy. :class:`WeekCycle` holds *every* week a design can produce:

- **exact cycles.** When every template repeats by whole weeks (``WEEKLY`` or
  ``DAILY``, with ``INTERVAL`` and ``BYDAY`` only), the weeks repeat after the
  least common multiple of the templates' periods. Which weeks occur can still
  depend on the weekday treatment starts on (an every-other-week template
  with ``WKST=TU`` is in step with one with ``WKST=MO`` for some start days and
  not for others), so the cycle holds one block of weeks for each of the seven
  start days: together they are every week any schedule of the design can
  produce. Cycles up to :data:`MAX_CYCLE_WEEKS` weeks are exact.
- **the reference calendar.** Otherwise (monthly and yearly rules, ``BYMONTH``,
  ``BYMONTHDAY``, ``BYSETPOS``, ``COUNT``, ``UNTIL``, or a longer cycle) the
  weeks depend on the calendar. The cycle is then the
  :data:`REFERENCE_WEEKS` weeks (five years, 2001-2005, the longest window a
  schedule may expand) from :data:`REFERENCE_START`, for treatment starting
  on that day. They hold every month length, a leap day and each month
  starting on several weekdays; a rule that fires only in rarer calendar
  combinations (a fifth weekday of one given month, say) is best checked on a
  treatment plan's real dates. Templates with ``COUNT`` start on the first day, and ``UNTIL``
  dates before 2001 end them at once: check a treatment plan's real dates for
  those.

Weeks are local calendar weeks in the program's zone, starting on the rule
set's first weekday. Rules judge each *distinct* week once and name every
position of the cycle where it occurs.

Example:
    >>> import datetime as dt
    >>> import attrs
    >>> from iopmodel import SessionKind, SessionTemplate
    >>> from iopmodel.examples import evening_iop
    >>> biweekly = SessionTemplate(kind=SessionKind.FAMILY_THERAPY,
    ...                            rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    ...                            start_time=dt.time(17), duration=dt.timedelta(hours=1))
    >>> program = evening_iop()
    >>> program = attrs.evolve(program, templates=(*program.templates, biweekly))
    >>> cycle = program.cycle()
    >>> cycle.length, cycle.exact, [str(w.scheduled_hours) for w in cycle.block(0)]
    (2, True, ['11', '10'])
    >>> cycle.min_hours, cycle.max_hours
    (Fraction(10, 1), Fraction(11, 1))
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Final
from zoneinfo import ZoneInfo

import attrs

from iopmodel._validators import (
    check_arg,
    iana_zone,
    instance_of,
    positive_int,
    to_tuple,
    tuple_of,
)
from iopmodel.errors import InvalidValueError
from iopmodel.schedules import (
    MAX_SCHEDULE_DAYS,
    MAX_SCHEDULE_SESSIONS,
    SessionTemplate,
    expand_template,
)
from iopmodel.sessions import _BY_ORDER, DeliveryMode, Session, SessionKind
from iopmodel.weeks import WeekSummary, check_week_start, summarize_weeks

__all__ = [
    "MAX_CYCLE_WEEKS",
    "REFERENCE_START",
    "REFERENCE_WEEKS",
    "WeekCycle",
    "week_cycle",
]

#: Exact cycles up to this many weeks (a year) are used as they are; longer
#: ones are judged on the reference calendar instead.
MAX_CYCLE_WEEKS: Final = 52

#: First day of the reference calendar (a Monday) for calendar-dependent designs.
REFERENCE_START: Final = dt.date(2001, 1, 1)

#: Weeks in the reference calendar (as many as the schedule budget allows).
REFERENCE_WEEKS: Final = MAX_SCHEDULE_DAYS // 7


def _weeks(value: Iterable[WeekSummary]) -> tuple[WeekSummary, ...]:
    return to_tuple(value)


def _sessions(value: Iterable[Session]) -> tuple[Session, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class WeekCycle:
    """Every week a program design produces, in blocks of :attr:`length` weeks.

    Attributes:
        weeks: Every week, block after block. Block *b* holds the weeks when
            treatment starts *b* days after the first day of a week (seven
            blocks for an exact cycle, one for the reference calendar). Their
            ``start`` dates are reference-calendar dates, not real dates of
            treatment.
        length: Weeks in one block: the cycle's period when :attr:`exact`.
        exact: ``True`` when the weeks repeat exactly every :attr:`length`
            weeks; ``False`` when they are the reference calendar's weeks.
        sessions: The sessions of the first block (treatment starting on the
            first day of a week).
        week_start: First weekday of each week (0 is Monday).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> cycle = evening_iop().cycle()
        >>> cycle.length, cycle.blocks, cycle.label_positions((1,))
        (1, 7, 'every week')
    """

    weeks: tuple[WeekSummary, ...] = attrs.field(
        converter=_weeks, validator=tuple_of(WeekSummary)
    )
    length: int = attrs.field(validator=positive_int)
    exact: bool = attrs.field(validator=instance_of(bool))
    sessions: tuple[Session, ...] = attrs.field(
        converter=_sessions, validator=tuple_of(Session), repr=False
    )
    week_start: int = attrs.field(default=calendar.MONDAY)

    # the distinct weeks, grouped once: validation and labels read them often
    _groups: tuple[tuple[WeekSummary, tuple[int, ...]], ...] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        check_week_start(self.week_start)
        if not self.weeks or len(self.weeks) % self.length:
            raise InvalidValueError(
                "weeks", len(self.weeks), f"must be whole blocks of {self.length} weeks"
            )
        object.__setattr__(self, "_groups", _distinct(self.weeks))

    @property
    def blocks(self) -> int:
        """Number of blocks (start days considered)."""
        return len(self.weeks) // self.length

    def block(self, offset: int) -> tuple[WeekSummary, ...]:
        """The weeks when treatment starts *offset* days after a week's first day.

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> [str(w.scheduled_hours) for w in evening_iop().cycle().block(3)]
            ['10']
        """
        index = offset % self.blocks
        return self.weeks[index * self.length : (index + 1) * self.length]

    @property
    def hours(self) -> tuple[Fraction, ...]:
        """Program hours of every week, exact."""
        return tuple(w.scheduled_hours for w in self.weeks)

    @property
    def min_hours(self) -> Fraction:
        """The fewest program hours of any week."""
        return min(self.hours, default=Fraction(0))

    @property
    def max_hours(self) -> Fraction:
        """The most program hours of any week."""
        return max(self.hours, default=Fraction(0))

    @property
    def mean_hours(self) -> Fraction:
        """Average program hours a week, exact (the same in every block)."""
        if not self.weeks:
            return Fraction(0)
        return Fraction(
            sum(w.scheduled_minutes for w in self.weeks), 60 * len(self.weeks)
        )

    def position(self, week: WeekSummary | dt.date) -> int:
        """1-based index in :attr:`weeks` of *week* (or of the week holding a day).

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> cycle = evening_iop().cycle()
            >>> cycle.position(cycle.weeks[0]), cycle.position(cycle.weeks[-1])
            (1, 7)
        """
        day = week if isinstance(week, dt.date) else week.start
        for index, candidate in enumerate(self.weeks, start=1):
            if 0 <= (day - candidate.start).days < 7:
                return index
        raise InvalidValueError("week", day, "is not in a week of this cycle")

    def distinct(self) -> tuple[tuple[WeekSummary, tuple[int, ...]], ...]:
        """Each distinct week once, with every position (1-based) where it occurs.

        Two weeks are the same when everything but their date is: minutes,
        session counts and visit days.

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> [(w.scheduled_hours, len(positions))
            ...  for w, positions in evening_iop().cycle().distinct()]
            [(Fraction(10, 1), 7)]
        """
        return self._groups

    def label_positions(self, positions: tuple[int, ...]) -> str:
        """How reports name weeks of the cycle: ``"week 2 of the 2-week cycle"``.

        Positions are 1-based indices into :attr:`weeks`. Weeks that occur
        when treatment starts on the first day of a week are named by their
        place in that block; weeks that occur only for other start days say so.

        Example:
            >>> import datetime as dt
            >>> from iopmodel.cycles import WeekCycle
            >>> from iopmodel.weeks import WeekSummary
            >>> weeks = tuple(WeekSummary(start=dt.date(2001, 1, 1) + dt.timedelta(7 * i),
            ...                           days_in_window=7) for i in range(4))
            >>> cycle = WeekCycle(weeks=weeks, length=4, exact=True, sessions=())
            >>> cycle.label_positions((2, 4))
            'weeks 2 and 4 of the 4-week cycle'
        """
        length = self.length
        if not self.exact:
            count, first = len(positions), positions[0]
            if count == 1:
                return f"week {first} of the {length}-week reference calendar"
            return (
                f"{count} of the {length} weeks of the reference calendar "
                f"(first: week {first})"
            )
        by_block: dict[int, list[int]] = {}
        for position in positions:
            block, place = divmod(position - 1, length)
            by_block.setdefault(block, []).append(place + 1)
        block = min(by_block)
        places = sorted(set(by_block[block]))
        when = "" if block == 0 else f" when treatment starts on {self._days(by_block)}"
        if len(places) == length:
            text = (
                "every week"
                if length == 1
                else f"every week of the {length}-week cycle"
            )
            return text + when
        words = [str(p) for p in places]
        listed = (
            words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
        )
        noun = "week" if len(words) == 1 else "weeks"
        return f"{noun} {listed} of the {length}-week cycle{when}"

    def _days(self, blocks: Iterable[int]) -> str:
        """``"a Tuesday"`` or ``"a Tuesday to Sunday"``: the start days of *blocks*."""
        runs: list[list[int]] = []
        for block in sorted(blocks):
            if runs and runs[-1][-1] == block - 1:
                runs[-1].append(block)
            else:
                runs.append([block])
        names = [
            calendar.day_name[(self.week_start + run[0]) % 7]
            + (
                ""
                if len(run) == 1
                else f" to {calendar.day_name[(self.week_start + run[-1]) % 7]}"
            )
            for run in runs
        ]
        return "a " + " or ".join(names)


def _signature(week: WeekSummary) -> tuple[object, ...]:
    return (
        week.scheduled_minutes,
        week.attended_minutes,
        week.excluded_minutes,
        week.pending_sessions,
        week.session_counts,
        week.visit_days,
    )


def _distinct(
    weeks: tuple[WeekSummary, ...],
) -> tuple[tuple[WeekSummary, tuple[int, ...]], ...]:
    groups: dict[tuple[object, ...], tuple[WeekSummary, list[int]]] = {}
    for index, week in enumerate(weeks, start=1):
        key = _signature(week)
        if key in groups:
            groups[key][1].append(index)
        else:
            groups[key] = (week, [index])
    return tuple((week, tuple(positions)) for week, positions in groups.values())


def week_cycle(
    templates: Iterable[SessionTemplate],
    zone: ZoneInfo,
    *,
    week_start: int,
    counted_kinds: Iterable[SessionKind],
    counted_deliveries: Iterable[DeliveryMode] | None = None,
) -> WeekCycle:
    """The cycle of weeks that *templates* produce in *zone*; cached.

    :meth:`iopmodel.programs.Program.cycle` calls this; see the module
    documentation for how the cycle is found.

    Example:
        >>> from iopmodel.cycles import week_cycle
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.standards import DEFAULT_STANDARD
        >>> program = evening_iop()
        >>> cycle = week_cycle(program.templates, program.timezone, week_start=0,
        ...                    counted_kinds=DEFAULT_STANDARD.counted_kinds)
        >>> cycle.length, cycle.blocks, cycle.mean_hours
        (1, 7, Fraction(10, 1))
    """
    chosen = to_tuple(templates)
    check_arg(tuple_of(SessionTemplate), "templates", chosen)
    check_arg(iana_zone, "zone", zone)
    check_week_start(week_start)
    kinds = frozenset(to_tuple(counted_kinds))
    check_arg(tuple_of(SessionKind), "counted_kinds", tuple(kinds))
    deliveries = (
        None if counted_deliveries is None else frozenset(to_tuple(counted_deliveries))
    )
    if deliveries is not None:
        check_arg(tuple_of(DeliveryMode), "counted_deliveries", tuple(deliveries))
    _check_size(chosen)
    return _week_cycle(chosen, zone, week_start, kinds, deliveries)


def _shape(templates: tuple[SessionTemplate, ...]) -> tuple[int, bool]:
    """Weeks in one block of the cycle, and whether the cycle is exact."""
    periods = [t.period_weeks for t in templates]
    length = math.lcm(*(p for p in periods if p is not None)) if periods else 1
    if all(p is not None for p in periods) and length <= MAX_CYCLE_WEEKS:
        return length, True
    return REFERENCE_WEEKS, False


def _check_size(templates: tuple[SessionTemplate, ...]) -> None:
    """Refuse, before any expansion, a cycle over the schedule's session budget."""
    length, exact = _shape(templates)
    # exact: seven blocks of a cycle of warm-up and a cycle; else one calendar
    days, blocks = (14 * length, 7) if exact else (7 * length, 1)
    bound = blocks * sum(t.occurrence_bound(days) for t in templates)
    if bound > MAX_SCHEDULE_SESSIONS:
        raise InvalidValueError(
            "templates",
            len(templates),
            f"the design's cycle of weeks could hold {bound:,} sessions, over the "
            f"limit of {MAX_SCHEDULE_SESSIONS:,}",
        )


@functools.lru_cache(maxsize=256)  # arguments checked by week_cycle
def _week_cycle(
    templates: tuple[SessionTemplate, ...],
    zone: ZoneInfo,
    week_start: int,
    counted_kinds: frozenset[SessionKind],
    counted_deliveries: frozenset[DeliveryMode] | None,
) -> WeekCycle:
    anchor = REFERENCE_START + dt.timedelta(days=week_start)
    length, exact = _shape(templates)
    all_weeks: list[WeekSummary] = []
    all_sessions: list[Session] = []
    for offset in range(7 if exact else 1):
        start = anchor + dt.timedelta(days=offset)
        # a whole cycle of warm-up: after it, every template is in step
        first = anchor + dt.timedelta(weeks=length if exact else 0)
        end = first + dt.timedelta(weeks=length)
        sessions = sorted(
            (
                session
                for template in templates
                for session in expand_template(template, zone, start, end)
                if session.start.date() >= first
            ),
            key=_BY_ORDER,
        )
        all_weeks.extend(
            summarize_weeks(
                sessions,
                zone,
                first,
                end - dt.timedelta(days=1),
                week_start=week_start,
                counted_kinds=counted_kinds,
                counted_deliveries=counted_deliveries,
            )
        )
        if offset == 0:  # the first block's sessions stand for the design
            all_sessions.extend(sessions)
        # later blocks get their own dates, so positions stay unique
        anchor += dt.timedelta(weeks=2 * length)
    return WeekCycle(
        weeks=tuple(all_weeks),
        length=length,
        exact=exact,
        sessions=all_sessions,
        week_start=week_start,
    )
