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
from typing import Final

from iopmodel._validators import check_arg, non_empty_str
from iopmodel.errors import InvalidTypeError, MissingExtraError
from iopmodel.sessions import Attendance, Session

__all__ = ["to_ics"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Text ready for an RFC 5545 TEXT value: one kind of line break, no controls.

    Any line break (CR LF, CR or LF) becomes one LF, which the TEXT type
    escapes as a backslash and ``n``; other control characters, which TEXT forbids, become
    spaces. A name can never start a new content line.
    """
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub(" ", lines)


def to_ics(sessions: Sequence[Session], *, calendar_name: str) -> bytes:
    """An iCalendar file with one event per session, with ``VTIMEZONE``.

    Sessions cancelled by the program are exported with ``STATUS:CANCELLED``.
    Event UIDs are stable (calendar name, start and kind), so re-importing an
    updated schedule updates events instead of duplicating them. ``DTSTAMP``
    is the first session's start, so the output is reproducible (the library
    never reads the clock).

    Args:
        sessions: The sessions to export.
        calendar_name: Name of the calendar (``X-WR-CALNAME``) and UID prefix.
            Line breaks in it are escaped as RFC 5545 prescribes and
            other control characters become spaces, so no text can start a
            new content line.

    Raises:
        MissingExtraError: If icalendar is not installed.

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
    try:
        import icalendar  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("ics", "icalendar") from None
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//iopmodel//iopmodel schedule//EN")
    calendar.add("version", "2.0")
    check_arg(non_empty_str, "calendar_name", calendar_name)
    given: object = sessions  # callers may pass anything
    if not isinstance(given, Sequence) or isinstance(given, str):
        raise InvalidTypeError("sessions", sessions, "a sequence of Session")
    for index, session in enumerate(sessions):
        if not isinstance(session, Session):
            raise InvalidTypeError(f"sessions[{index}]", session, "Session")
    # X- properties default to no escaping at all: say TEXT explicitly.
    calendar.add("x-wr-calname", icalendar.vText(_text(calendar_name)))
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
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
