"""Quickstart: describe an evening IOP, see its weekly hours, expand 90 days.

Run with ``python examples/quickstart.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from iopmodel import (
    Framework,
    LevelOfCare,
    Population,
    Program,
    SessionKind,
    SessionTemplate,
    level_for_weekly_hours,
)

HOUR = dt.timedelta(hours=1)

program = Program(
    name="Evening IOP",
    level=LevelOfCare.from_code(Framework.ASAM_3, "2.1"),
    population=Population.ADULT,
    timezone="America/New_York",
    templates=[
        SessionTemplate(
            kind=SessionKind.GROUP_THERAPY,
            rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
            start_time=dt.time(18),
            duration=3 * HOUR,
        ),
        SessionTemplate(
            kind=SessionKind.INDIVIDUAL_THERAPY,
            rrule="FREQ=WEEKLY;BYDAY=TU",
            start_time=dt.time(17),
            duration=HOUR,
        ),
    ],
)

print(program)
print(f"Level: {program.level.label} (ASAM {program.level.code(Framework.ASAM_3)})")
print(f"Weekly program hours: {program.weekly_hours} h")
matches = level_for_weekly_hours(program.weekly_hours, program.population)
print(f"{program.weekly_hours} h/week for adults corresponds to: {matches.label}")

start = dt.date(2026, 2, 2)
sessions = program.schedule(start, start + dt.timedelta(days=90))
print(f"\n90 days from {start}: {len(sessions)} sessions")
for kind, count in sorted(Counter(s.kind.value for s in sessions).items()):
    print(f"  {kind:20} {count}")

print("\nAcross the daylight-saving change on 2026-03-08, groups stay at 18:00 local:")
for session in sessions:
    if dt.date(2026, 3, 4) <= session.start.date() <= dt.date(2026, 3, 11):
        print(
            f"  {session.start:%a %Y-%m-%d %H:%M %Z (UTC%z)}"
            f"  {session.kind.value}, {session.minutes} min"
        )
