"""Export schedules to iCalendar (``.ics``) files that calendar apps import.

Uses the `icalendar <https://icalendar.readthedocs.io>`_ library (the ``ics``
extra: ``pip install "iopmodel[ics]"``) rather than writing iCalendar by hand.
Two forms:

- :func:`program_to_ics`, the default for a program's schedule: one recurring
  ``VEVENT`` per session template (``RRULE``), with ``EXDATE`` for skipped and
  cancelled dates and ``RECURRENCE-ID`` overrides for moved sessions. The
  event title is the template's own name; the description names the program.
- :func:`to_ics`: one ``VEVENT`` per session, for a patient's plan where
  attendance differs from session to session.

Start times carry the program's IANA zone as ``TZID``, and the calendar holds
the matching ``VTIMEZONE``, cut to the dates the calendar covers (a few
hundred bytes rather than the zone's whole history), so sessions stay at their
local wall time in any calendar app.

Importing this module does not import icalendar; calling a function does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from iopmodel._validators import check_arg, instance_of, non_empty_str
from iopmodel.errors import InvalidTypeError, MissingExtraError
from iopmodel.programs import Program
from iopmodel.schedules import SessionTemplate, expand_template
from iopmodel.sessions import Attendance, Session

if TYPE_CHECKING:
    from iopmodel.consent import Disclosure
    from iopmodel.plans import TreatmentPlan

__all__ = ["program_to_ics", "to_ics"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "program"


def _icalendar() -> Any:
    try:
        import icalendar  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("ics", "icalendar") from None
    return icalendar


def _calendar(icalendar: Any, name: str) -> Any:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//iopmodel//iopmodel schedule//EN")
    calendar.add("version", "2.0")
    # X- properties default to no escaping at all: say TEXT explicitly.
    calendar.add("x-wr-calname", icalendar.vText(_text(name)))
    return calendar


def _finish(calendar: Any, moments: Iterable[dt.datetime]) -> bytes:
    """Add the VTIMEZONEs, cut to the days *moments* span, and serialize."""
    days = [m.date() for m in moments]
    if days:
        calendar.add_missing_timezones(
            first_date=min(days) - dt.timedelta(days=1),
            last_date=max(days) + dt.timedelta(days=2),
        )
    return bytes(calendar.to_ical())


def _title(template: SessionTemplate) -> str:
    return template.title or template.kind.value.replace("_", " ").capitalize()


def program_to_ics(
    program: Program,
    start: dt.date,
    end: dt.date,
    *,
    skip: Iterable[dt.date] = (),
    cancel: Iterable[dt.datetime] = (),
    move: Mapping[dt.datetime, dt.datetime] | None = None,
) -> bytes:
    r"""A program's schedule as one recurring event per session template.

    The arguments are those of :meth:`iopmodel.Program.schedule`, whose
    sessions the calendar holds exactly: each template becomes a ``VEVENT``
    whose ``DTSTART`` is its first session and whose ``RRULE`` is the
    template's, ended (``UNTIL``) at its last session in the window. Skipped
    days and cancelled sessions are ``EXDATE``\ s; a moved session is an
    override with ``RECURRENCE-ID``. The title (``SUMMARY``) is the template's
    title, or its kind; the description names the program, never a patient.

    Raises:
        MissingExtraError: If icalendar is not installed.
        InvalidValueError: As :meth:`~iopmodel.Program.schedule` does.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.ics import program_to_ics
        >>> program = evening_iop()
        >>> text = program_to_ics(program, dt.date(2026, 3, 2), dt.date(2026, 3, 30),
        ...                       skip=[dt.date(2026, 3, 4)]).decode()
        >>> text.count("BEGIN:VEVENT")
        2
        >>> print("\n".join(line for line in text.splitlines()
        ...                 if line.startswith(("RRULE", "EXDATE", "SUMMARY"))))
        SUMMARY:Process and relapse-prevention group
        RRULE:FREQ=WEEKLY;UNTIL=20260326T220000Z;BYDAY=MO,WE,TH
        EXDATE;TZID=America/New_York:20260304T180000
        SUMMARY:Individual therapy
        RRULE:FREQ=WEEKLY;UNTIL=20260324T210000Z;BYDAY=TU
    """
    check_arg(instance_of(Program), "program", program)
    icalendar = _icalendar()
    sessions = program.schedule(start, end, skip=skip, cancel=cancel, move=move)
    skipped = frozenset(skip)
    cancelled = {s.start for s in sessions if s.attendance is Attendance.CANCELLED}
    moves = {k: v.astimezone(program.timezone) for k, v in (move or {}).items()}
    calendar = _calendar(icalendar, program.name)
    prefix = _slug(program.name)
    moments: list[dt.datetime] = [s.start for s in sessions]
    for index, template in enumerate(program.templates):
        planned = expand_template(template, program.timezone, start, end)
        if not planned:
            continue
        first, last = planned[0].start, planned[-1].start
        uid = f"{prefix}-{index}-{first.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}@iopmodel"
        event = _series_event(icalendar, program, template, uid, first)
        parts = [
            p
            for p in template.rrule.split(";")
            if not p.startswith(("COUNT=", "UNTIL="))
        ]
        parts.append(f"UNTIL={last.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
        event.add("rrule", icalendar.vRecur.from_ical(";".join(parts)))
        excluded = [
            s.start
            for s in planned
            if s.start.date() in skipped or s.start in cancelled
        ]
        if excluded:
            event.add("exdate", excluded)
        moments.extend(s.start for s in planned)
        calendar.add_component(event)
        for session in planned:
            if session.start in moves and session.start not in cancelled:
                override = _series_event(
                    icalendar, program, template, uid, moves[session.start]
                )
                override.add("recurrence-id", session.start)
                calendar.add_component(override)
    return _finish(calendar, moments)


def _series_event(
    icalendar: Any,
    program: Program,
    template: SessionTemplate,
    uid: str,
    start: dt.datetime,
) -> Any:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", start.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("duration", template.duration)
    event.add("summary", _text(_title(template)))
    kind = template.kind.value.replace("_", " ")
    event.add("description", _text(f"{program.name}: {kind}"))
    event.add("categories", [template.kind.value])
    if template.telehealth:
        event.add("location", "Telehealth")
    return event


_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Text ready for an RFC 5545 TEXT value: one kind of line break, no controls.

    Any line break (CR LF, CR or LF) becomes one LF, which the TEXT type
    escapes as a backslash and ``n``; other control characters, which TEXT forbids, become
    spaces. A name can never start a new content line.
    """
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub(" ", lines)


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
            Line breaks in it are escaped as RFC 5545 prescribes and
            other control characters become spaces, so no text can start a
            new content line.
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
    icalendar = _icalendar()
    check_arg(non_empty_str, "calendar_name", calendar_name)
    given: object = sessions  # callers may pass anything
    if not isinstance(given, Sequence) or isinstance(given, str):
        raise InvalidTypeError("sessions", sessions, "a sequence of Session")
    for index, session in enumerate(sessions):
        if not isinstance(session, Session):
            raise InvalidTypeError(f"sessions[{index}]", session, "Session")
    calendar = _calendar(icalendar, calendar_name)
    if used is not None:
        calendar.add("description", _text(f"{used.notice}\n\n{used.scope}"))
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
        event.add("description", _text(calendar_name))
        event.add("categories", [session.kind.value])
        if session.attendance is Attendance.CANCELLED:
            event.add("status", "CANCELLED")
        if session.telehealth:
            event.add("location", "Telehealth")
        if used is not None:
            event.add("description", PART2_NOTICE_SHORT)
        calendar.add_component(event)
    return _finish(calendar, (s.start for s in sessions))
