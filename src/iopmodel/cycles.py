"""The repeating cycle of weeks a program design produces.

A program's weeks are not all alike: individual therapy every other week
(``FREQ=WEEKLY;INTERVAL=2``) gives two kinds of week, a monthly family session
(``FREQ=MONTHLY;BYDAY=1MO``) a week with it and weeks without. A design check
that looked at one "typical" week would miss the week without individual
therapy. :class:`WeekCycle` holds *every* week a design can produce:

- **exact cycles.** When every template repeats by whole weeks (``WEEKLY`` or
  ``DAILY``, with ``INTERVAL`` and ``BYDAY`` only), the weeks repeat after the
  least common multiple of the templates' periods. The cycle is those weeks,
  measured after one full cycle of warm-up so that every template is in step.
  Cycles up to :data:`MAX_CYCLE_WEEKS` weeks are exact.
- **the reference calendar.** Otherwise (monthly and yearly rules, ``BYMONTH``,
  ``BYMONTHDAY``, ``BYSETPOS``, ``COUNT``, ``UNTIL``, or a longer cycle) the
  weeks depend on the calendar. The cycle is then the
  :data:`REFERENCE_WEEKS` weeks (28 years: the Gregorian calendar's solar cycle,
  exact for 1901-2099) from :data:`REFERENCE_START`, so every combination of
  weekday, month length and leap day appears. Templates with ``COUNT`` start on
  the first day, and ``UNTIL`` dates before 2001 end them at once: check a
  treatment plan's real dates for those.

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
    >>> cycle.length, cycle.exact, [str(h) for h in cycle.hours]
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

from iopmodel.schedules import SessionTemplate, expand_template
from iopmodel.sessions import Session, SessionKind
from iopmodel.weeks import WeekSummary, summarize_weeks

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

#: Weeks in the reference calendar, 28 years, the Gregorian solar cycle.
REFERENCE_WEEKS: Final = 1461


def _sessions(value: Iterable[Session]) -> tuple[Session, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class WeekCycle:
    """Every week a program design produces, in order.

    Attributes:
        weeks: One summary per week of the cycle (their ``start`` dates are in
            the reference calendar, not real dates of treatment).
        exact: ``True`` when the weeks repeat exactly after :attr:`length`
            weeks; ``False`` when they are the reference calendar's weeks.
        sessions: The sessions of those weeks.
        week_start: First weekday of each week (0 is Monday).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> cycle = evening_iop().cycle()
        >>> cycle.length, cycle.label_positions((1,))
        (1, 'every week')
    """

    weeks: tuple[WeekSummary, ...]
    exact: bool
    sessions: tuple[Session, ...] = attrs.field(converter=_sessions, repr=False)
    week_start: int = calendar.MONDAY

    @property
    def length(self) -> int:
        """Number of weeks in the cycle."""
        return len(self.weeks)

    @property
    def hours(self) -> tuple[Fraction, ...]:
        """Program hours of each week of the cycle, exact."""
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
        """Average program hours a week over the cycle, exact."""
        if not self.weeks:
            return Fraction(0)
        return Fraction(sum(w.scheduled_minutes for w in self.weeks), 60 * self.length)

    def position(self, week: WeekSummary | dt.date) -> int:
        """1-based position in the cycle of *week* (or of its first day).

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> cycle = evening_iop().cycle()
            >>> cycle.position(cycle.weeks[0])
            1
        """
        start = week if isinstance(week, dt.date) else week.start
        return (start - self.weeks[0].start).days // 7 + 1

    def distinct(self) -> tuple[tuple[WeekSummary, tuple[int, ...]], ...]:
        """Each distinct week once, with every position (1-based) where it occurs.

        Two weeks are the same when everything but their date is: minutes,
        session counts and visit days.

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> distinct = evening_iop().cycle().distinct()
            >>> [(w.scheduled_hours, positions) for w, positions in distinct]
            [(Fraction(10, 1), (1,))]
        """
        return _distinct(self.weeks)

    def label_positions(self, positions: tuple[int, ...]) -> str:
        """How reports name weeks of the cycle: ``"week 2 of the 2-week cycle"``.

        Example:
            >>> import datetime as dt
            >>> from iopmodel.cycles import WeekCycle
            >>> from iopmodel.weeks import WeekSummary
            >>> weeks = tuple(WeekSummary(start=dt.date(2001, 1, 1) + dt.timedelta(7 * i),
            ...                           days_in_window=7) for i in range(4))
            >>> cycle = WeekCycle(weeks=weeks, exact=True, sessions=())
            >>> cycle.label_positions((2, 4))
            'weeks 2 and 4 of the 4-week cycle'
        """
        if self.exact and self.length == 1:
            return "every week"
        if not self.exact:
            count = len(positions)
            first = positions[0]
            if count == 1:
                return f"week {first} of the {self.length}-week reference calendar"
            return (
                f"{count} of the {self.length} weeks of the reference calendar "
                f"(first: week {first})"
            )
        if len(positions) == self.length:
            return f"every week of the {self.length}-week cycle"
        words = [str(p) for p in positions]
        listed = (
            words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
        )
        noun = "week" if len(words) == 1 else "weeks"
        return f"{noun} {listed} of the {self.length}-week cycle"


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


@functools.lru_cache(maxsize=256)
def week_cycle(
    templates: tuple[SessionTemplate, ...],
    zone: ZoneInfo,
    *,
    week_start: int,
    counted_kinds: frozenset[SessionKind],
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
        >>> cycle.length, cycle.mean_hours
        (1, Fraction(10, 1))
    """
    anchor = REFERENCE_START + dt.timedelta(days=week_start)
    periods = [t.period_weeks for t in templates]
    length = math.lcm(*(p for p in periods if p is not None)) if periods else 1
    exact = all(p is not None for p in periods) and length <= MAX_CYCLE_WEEKS
    if exact:
        first = anchor + dt.timedelta(weeks=length)  # one cycle of warm-up
        weeks_count = length
    else:
        first = anchor
        weeks_count = REFERENCE_WEEKS
    end = first + dt.timedelta(weeks=weeks_count)
    sessions = sorted(
        (
            session
            for template in templates
            for session in expand_template(template, zone, anchor, end)
            if session.start.date() >= first
        ),
        key=lambda s: s.order_key,
    )
    weeks = summarize_weeks(
        sessions,
        zone,
        first,
        end - dt.timedelta(days=1),
        week_start=week_start,
        counted_kinds=counted_kinds,
    )
    return WeekCycle(weeks=weeks, exact=exact, sessions=sessions, week_start=week_start)
