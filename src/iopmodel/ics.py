"""Export sessions to iCalendar (``.ics``) files that calendar apps import.

Uses the `icalendar <https://icalendar.readthedocs.io>`_ library (the ``ics``
extra: ``pip install "iopmodel[ics]"``) rather than writing iCalendar by hand.
Each session becomes a ``VEVENT`` whose start and end carry the program's IANA
zone as ``TZID``, and the calendar includes the matching ``VTIMEZONE``, so
sessions stay at their local wall time in any calendar app.

Importing this module does not import icalendar; calling :func:`to_ics` does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from iopmodel.errors import MissingExtraError
from iopmodel.sessions import Attendance, Session

if TYPE_CHECKING:
    from iopmodel.consent import Disclosure
    from iopmodel.plans import TreatmentPlan

__all__ = ["to_ics"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


def to_ics(
    sessions: Sequence[Session] | TreatmentPlan,
    *,
    calendar_name: str,
    disclosure: Disclosure | None = None,
) -> bytes:
    """An iCalendar file with one event per session, with ``VTIMEZONE``.

    Give a :class:`~iopmodel.plans.TreatmentPlan` to export a patient's
    sessions: a plan that is 42 CFR Part 2 data needs a *disclosure* whose
    consent covers its schedule, and the calendar then carries the 42 CFR 2.32
    notice and the consent's scope in its ``DESCRIPTION`` (each event carries
    the short notice). See :mod:`iopmodel.consent`.

    Sessions cancelled by the program are exported with ``STATUS:CANCELLED``.
    Event UIDs are stable (calendar name, start and kind), so re-importing an
    updated schedule updates events instead of duplicating them. ``DTSTAMP``
    is the first session's start, so the output is reproducible (the library
    never reads the clock).

    Args:
        sessions: The sessions to export.
        calendar_name: Name of the calendar (``X-WR-CALNAME``) and UID prefix.
        disclosure: The disclosure that covers a Part 2 plan's schedule.

    Raises:
        MissingExtraError: If icalendar is not installed.
        ConsentRequiredError: A Part 2 plan without a covering consent.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.ics import to_ics
        >>> program = evening_iop()
        >>> data = to_ics(program.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 9)),
        ...               calendar_name=program.name)
        >>> text = data.decode()
        >>> text.count("BEGIN:VEVENT"), "BEGIN:VTIMEZONE" in text
        (4, True)
        >>> "DTSTART;TZID=America/New_York:20260302T180000" in text
        True
    """
    from iopmodel.consent import (  # noqa: PLC0415 - consent imports plans
        PART2_NOTICE_SHORT,
        RecordSection,
        require_disclosure,
    )
    from iopmodel.plans import TreatmentPlan  # noqa: PLC0415

    used = None
    if isinstance(sessions, TreatmentPlan):
        used = require_disclosure(
            sessions,
            disclosure,
            what="treatment plan",
            sections=[RecordSection.SCHEDULE],
        )
        sessions = sessions.sessions
    try:
        import icalendar  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("ics", "icalendar") from None
    calendar = icalendar.Calendar()
    if used is not None:
        calendar.add("description", f"{used.notice}\n\n{used.scope}")
    calendar.add("prodid", "-//iopmodel//iopmodel schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", calendar_name)
    stamp = min(
        (s.start for s in sessions), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    )
    prefix = _slug(calendar_name)
    for session in sessions:
        event = icalendar.Event()
        start = session.start
        uid_time = start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        event.add("uid", f"{prefix}-{uid_time}-{session.kind.value}@iopmodel")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", session.end)
        event.add("summary", session.kind.value.replace("_", " ").capitalize())
        event.add("categories", [session.kind.value])
        if session.attendance is Attendance.CANCELLED:
            event.add("status", "CANCELLED")
        if session.telehealth:
            event.add("location", "Telehealth")
        if used is not None:
            event.add("description", PART2_NOTICE_SHORT)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
