"""Ready-made example programs, for the docs, the tests and your notebooks.

Each function returns a new, realistic :class:`~iopmodel.Program`:

- :func:`evening_iop`: adult IOP, group therapy Mon/Wed/Thu 18:00-21:00 and
  individual therapy Tuesdays 17:00-18:00, in New York (10 h/week);
- :func:`adolescent_iop`: adolescent IOP after school, 3 x 2 h groups, a
  weekly individual hour and a weekly family session, in Chicago (8 h/week);
- :func:`day_php`: adult partial hospitalization program, five 4-hour days, in
  Los Angeles (21 h/week with individual therapy).
"""

from __future__ import annotations

import datetime as dt

from iopmodel.care import LevelOfCare, Population
from iopmodel.programs import Program
from iopmodel.schedules import SessionTemplate
from iopmodel.sessions import SessionKind

__all__ = ["adolescent_iop", "day_php", "evening_iop"]

_HOUR = dt.timedelta(hours=1)


def evening_iop() -> Program:
    """An adult evening IOP in New York: 3 x 3 h groups and a weekly individual hour.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> p = evening_iop()
        >>> p.name, p.timezone.key, p.weekly_hours
        ('Evening IOP', 'America/New_York', Fraction(10, 1))
    """
    return Program(
        name="Evening IOP",
        level=LevelOfCare.INTENSIVE_OUTPATIENT,
        population=Population.ADULT,
        timezone="America/New_York",
        capacity=12,
        templates=[
            SessionTemplate(
                kind=SessionKind.GROUP_THERAPY,
                title="Process and relapse-prevention group",
                rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
                start_time=dt.time(18),
                duration=3 * _HOUR,
            ),
            SessionTemplate(
                kind=SessionKind.INDIVIDUAL_THERAPY,
                title="Individual therapy",
                rrule="FREQ=WEEKLY;BYDAY=TU",
                start_time=dt.time(17),
                duration=_HOUR,
            ),
        ],
    )


def adolescent_iop() -> Program:
    """An adolescent after-school IOP in Chicago: 3 x 2 h groups, individual and family hours.

    Example:
        >>> from iopmodel.examples import adolescent_iop
        >>> adolescent_iop().weekly_hours
        Fraction(8, 1)
    """
    return Program(
        name="Adolescent IOP",
        level=LevelOfCare.INTENSIVE_OUTPATIENT,
        population=Population.ADOLESCENT,
        timezone="America/Chicago",
        capacity=10,
        templates=[
            SessionTemplate(
                kind=SessionKind.GROUP_THERAPY,
                title="Skills group",
                rrule="FREQ=WEEKLY;BYDAY=MO,TU,TH",
                start_time=dt.time(16),
                duration=2 * _HOUR,
            ),
            SessionTemplate(
                kind=SessionKind.INDIVIDUAL_THERAPY,
                title="Individual therapy",
                rrule="FREQ=WEEKLY;BYDAY=WE",
                start_time=dt.time(16),
                duration=_HOUR,
            ),
            SessionTemplate(
                kind=SessionKind.FAMILY_THERAPY,
                title="Family session",
                rrule="FREQ=WEEKLY;BYDAY=WE",
                start_time=dt.time(17),
                duration=_HOUR,
            ),
        ],
    )


def day_php() -> Program:
    """An adult partial hospitalization program in Los Angeles, weekdays 9:00-13:00.

    Example:
        >>> from iopmodel.examples import day_php
        >>> day_php().weekly_hours
        Fraction(21, 1)
    """
    return Program(
        name="Day PHP",
        level=LevelOfCare.PARTIAL_HOSPITALIZATION,
        population=Population.ADULT,
        timezone="America/Los_Angeles",
        capacity=16,
        templates=[
            SessionTemplate(
                kind=SessionKind.GROUP_THERAPY,
                title="Day program groups",
                rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                start_time=dt.time(9),
                duration=4 * _HOUR,
            ),
            SessionTemplate(
                kind=SessionKind.INDIVIDUAL_THERAPY,
                title="Individual therapy",
                rrule="FREQ=WEEKLY;BYDAY=WE",
                start_time=dt.time(14),
                duration=_HOUR,
            ),
        ],
    )
