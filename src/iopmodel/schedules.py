"""Recurring sessions: RFC 5545 recurrence rules in local wall time.

A :class:`SessionTemplate` says "group therapy, every Monday, Wednesday and
Thursday at 18:00 for 3 hours". The recurrence is kept as RRULE *text*
(``"FREQ=WEEKLY;BYDAY=MO,WE,TH"``), which is hashable, comparable and
serializable; python-dateutil's :mod:`dateutil.rrule` expands it. dateutil's
``rrule`` objects are never stored: they are mutable and have no equality.

Expansion happens in local wall time and is then placed in the program's IANA
zone, so a session at 18:00 stays at 18:00 across daylight-saving changes.
A wall time that does not exist (inside a spring-forward gap) is read with the
offset before the gap, as RFC 5545 prescribes, and normalized (02:30 becomes
03:30); an ambiguous one (fall-back) is its first occurrence.

``UNTIL`` may be given in UTC (``UNTIL=19971224T000000Z``), as RFC 5545
(section 3.3.10) requires whenever the start has a time zone and as calendars
export it: the instant is converted to the program's zone when the template is
expanded. A floating ``UNTIL`` (no ``Z``) is local wall time.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterator
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs
import dateutil.rrule
from dateutil.rrule import rrulestr

from iopmodel._validators import (
    duration_between,
    instance_of,
    optional_non_empty_str,
)
from iopmodel.errors import InvalidValueError
from iopmodel.sessions import MAX_SESSION_DURATION, Attendance, Session, SessionKind

__all__ = ["SessionTemplate", "expand_template", "localize"]

_SUB_DAILY: Final = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_TIME_PARTS: Final = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"})
_KNOWN_PARTS: Final = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)
_PROBE_START: Final = dt.datetime(2000, 1, 3)  # noqa: DTZ001 - local wall time


def _normalize_rrule(value: str) -> str:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    return text.upper()


def _check_rrule(_instance: object, _attribute: object, value: Any) -> None:
    """Validate RRULE text: parseable, daily or coarser, no DTSTART or time parts."""
    if not isinstance(value, str):
        raise InvalidValueError("rrule", value, "must be RRULE text")
    problem = _rrule_problem(value)
    if problem is not None:
        raise InvalidValueError("rrule", value, problem)


def _rrule_problem(text: str) -> str | None:
    if not text:
        return "must not be empty"
    if "\n" in text or "DTSTART" in text:
        return "must be a single RRULE without DTSTART (the schedule supplies it)"
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, part_value = part.partition("=")
        if not sep or not part_value:
            return f"malformed part {part!r}, expected NAME=VALUE"
        if name not in _KNOWN_PARTS:
            return f"unknown RRULE part {name!r}"
        if name in parts:
            return f"part {name!r} given twice"
        parts[name] = part_value
    if "FREQ" not in parts:
        return "FREQ is required"
    if parts["FREQ"] in _SUB_DAILY:
        return f"FREQ={parts['FREQ']} is finer than daily; use start_time for the time"
    if _TIME_PARTS & parts.keys():
        return "BYHOUR, BYMINUTE and BYSECOND are not allowed; use start_time"
    if "COUNT" in parts and "UNTIL" in parts:
        return "COUNT and UNTIL must not both be given (RFC 5545)"
    until = parts.get("UNTIL", "")
    if until.endswith("Z") and _utc_until(until) is None:
        return "UNTIL in UTC must be a date-time such as 19971224T000000Z"
    if until.endswith("Z"):  # checked above; the probe start is naive wall time
        text = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
    try:
        rrulestr(text, dtstart=_PROBE_START)
    except (ValueError, TypeError, IndexError, KeyError) as error:
        return f"not a valid RFC 5545 RRULE ({error})"
    return None


def _utc_until(text: str) -> dt.datetime | None:
    """The instant of a UTC ``UNTIL`` value (``19971224T000000Z``), or ``None``."""
    try:
        return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _rule_parts(text: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in text.split(";"))


_WEEKLY_PARTS: Final = frozenset({"FREQ", "INTERVAL", "BYDAY", "WKST"})
_SLICEABLE_PARTS: Final = frozenset(
    {"FREQ", "INTERVAL", "BYDAY", "BYMONTH", "UNTIL", "WKST"}
)


def _wall_time(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, dt.time):
        raise InvalidValueError("start_time", value, "must be a datetime.time")
    if value.tzinfo is not None:
        raise InvalidValueError(
            "start_time", value, "must be local wall time without tzinfo"
        )


@attrs.frozen(kw_only=True)
class SessionTemplate:
    """A recurring session: kind, RRULE, local start time and duration.

    Args:
        kind: What happens in each session.
        rrule: RFC 5545 RRULE text such as ``"FREQ=WEEKLY;BYDAY=MO,WE,TH"``
            (a leading ``RRULE:`` is accepted). No DTSTART (the schedule's first
            day supplies it) and nothing finer than daily. ``UNTIL`` is either
            UTC (``...Z``, converted to the program's zone) or local wall time.
        start_time: Local wall-clock start, without tzinfo.
        duration: Length of each session: over zero, at most 12 h, whole minutes.
        title: Optional display title ("Relapse-prevention group").
        clinician: Optional opaque clinician id copied to every session.
        telehealth: Whether sessions are delivered remotely.

    Raises:
        InvalidValueError: Malformed RRULE, naive-time problems, bad duration.
        InvalidTypeError: Values of the wrong type.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import SessionKind, SessionTemplate
        >>> group = SessionTemplate(kind=SessionKind.GROUP_THERAPY,
        ...                         rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        ...                         start_time=dt.time(18), duration=dt.timedelta(hours=3))
        >>> [d.strftime("%a %H:%M") for d in group.occurrences(dt.date(2026, 3, 2),
        ...                                                    dt.date(2026, 3, 9))]
        ['Mon 18:00', 'Wed 18:00', 'Thu 18:00']
    """

    kind: SessionKind = attrs.field(validator=instance_of(SessionKind))
    rrule: str = attrs.field(converter=_normalize_rrule, validator=_check_rrule)
    start_time: dt.time = attrs.field(validator=_wall_time)
    duration: dt.timedelta = attrs.field(
        validator=duration_between(dt.timedelta(0), MAX_SESSION_DURATION)
    )
    title: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    clinician: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    telehealth: bool = attrs.field(default=False, validator=instance_of(bool))

    @property
    def period_weeks(self) -> int | None:
        """After how many weeks the template's sessions repeat, if it repeats by weeks.

        ``None`` for rules that depend on the calendar (monthly, yearly,
        ``BYMONTH``, ``BYMONTHDAY``, ``BYSETPOS``...) or that end (``COUNT``,
        ``UNTIL``).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import SessionKind, SessionTemplate
            >>> def every(rrule):
            ...     return SessionTemplate(kind=SessionKind.GROUP_THERAPY, rrule=rrule,
            ...                            start_time=dt.time(18),
            ...                            duration=dt.timedelta(hours=3)).period_weeks
            >>> every("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"), every("FREQ=DAILY;INTERVAL=3")
            (2, 3)
            >>> every("FREQ=MONTHLY;BYDAY=1MO") is None
            True
        """
        parts = _rule_parts(self.rrule)
        if parts.keys() - _WEEKLY_PARTS or any(
            c.isdigit() for c in parts.get("BYDAY", "")
        ):
            return None
        interval = int(parts.get("INTERVAL", "1"))
        if parts["FREQ"] == "WEEKLY":
            return interval
        if parts["FREQ"] == "DAILY":
            return math.lcm(interval, 7) // 7
        return None

    @property
    def start_independent(self) -> bool:
        """Whether the days it falls on do not depend on the day expansion starts.

        True for daily and weekly rules without ``INTERVAL`` > 1, ``COUNT``,
        ``BYSETPOS``, or numbered ``BYDAY``: their sessions over any window are
        a slice of one longer expansion, so a program expanded once can be
        sliced for every patient. Rules anchored on their start (every other
        week from the first day, the first 10 occurrences...) are expanded per
        window.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import SessionKind, SessionTemplate
            >>> def anywhere(rrule):
            ...     return SessionTemplate(kind=SessionKind.GROUP_THERAPY, rrule=rrule,
            ...                            start_time=dt.time(18),
            ...                            duration=dt.timedelta(hours=3)).start_independent
            >>> anywhere("FREQ=WEEKLY;BYDAY=MO,WE"), anywhere("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
            (True, False)
            >>> anywhere("FREQ=DAILY;COUNT=10"), anywhere("FREQ=WEEKLY")
            (False, False)
        """
        parts = _rule_parts(self.rrule)
        if parts.keys() - _SLICEABLE_PARTS or parts.get("INTERVAL", "1") != "1":
            return False
        if any(c.isdigit() for c in parts.get("BYDAY", "")):
            return False
        if parts["FREQ"] == "WEEKLY":
            return "BYDAY" in parts  # otherwise the weekday is the start's
        return parts["FREQ"] == "DAILY"

    def to_rrule(
        self, first_day: dt.date, zone: ZoneInfo | None = None
    ) -> dateutil.rrule.rrule:
        """Build a fresh :class:`dateutil.rrule.rrule` starting on *first_day*.

        The rule's DTSTART is *first_day* at ``start_time``, in naive local
        wall time. A UTC ``UNTIL`` is converted to wall time in *zone* (UTC if
        no zone is given). Each call returns a new object; never store it.

        Example:
            >>> import datetime as dt
            >>> from zoneinfo import ZoneInfo
            >>> from iopmodel import SessionKind, SessionTemplate
            >>> t = SessionTemplate(kind=SessionKind.INDIVIDUAL_THERAPY,
            ...                     rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20260310T220000Z",
            ...                     start_time=dt.time(17), duration=dt.timedelta(hours=1))
            >>> list(t.to_rrule(dt.date(2026, 3, 2), ZoneInfo("America/New_York")))
            [datetime.datetime(2026, 3, 3, 17, 0), datetime.datetime(2026, 3, 10, 17, 0)]
        """
        dtstart = dt.datetime.combine(first_day, self.start_time)
        parts = _rule_parts(self.rrule)
        until = _utc_until(parts.get("UNTIL", ""))
        if until is None:
            rule = rrulestr(self.rrule, dtstart=dtstart)
        else:
            text = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
            local_until = until.astimezone(zone or dt.UTC).replace(tzinfo=None)
            parsed = rrulestr(text, dtstart=dtstart)
            assert isinstance(parsed, dateutil.rrule.rrule)  # noqa: S101 - one RRULE
            rule = parsed.replace(until=local_until)
        assert isinstance(rule, dateutil.rrule.rrule)  # noqa: S101 - one RRULE, never a set
        return rule

    def occurrences(
        self, first_day: dt.date, end: dt.date, zone: ZoneInfo | None = None
    ) -> Iterator[dt.datetime]:
        """Local wall-time starts on days in ``[first_day, end)``, in order.

        The recurrence is anchored on *first_day* (its DTSTART), so ``COUNT``
        and ``INTERVAL`` count from there; *zone* places a UTC ``UNTIL``.
        """
        for local in self.to_rrule(first_day, zone):
            if local.date() >= end:
                return
            yield local


def localize(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Attach *zone* to a naive wall time, normalizing times inside a DST gap.

    Example:
        >>> import datetime as dt
        >>> from zoneinfo import ZoneInfo
        >>> from iopmodel.schedules import localize
        >>> localize(dt.datetime(2026, 3, 8, 2, 30), ZoneInfo("America/New_York")).time()
        datetime.time(3, 30)
    """
    aware = local.replace(tzinfo=zone)
    round_trip = aware.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local:
        return round_trip  # the wall time does not exist: use the normalized one
    return aware


@functools.lru_cache(maxsize=2048)
def expand_template(
    template: SessionTemplate, zone: ZoneInfo, first_day: dt.date, end: dt.date
) -> tuple[Session, ...]:
    """Expand *template* in *zone* over ``[first_day, end)``; cached.

    Expanding the same template over the same window for many patients costs
    one expansion: the result is an immutable tuple shared by every caller.

    Example:
        >>> import datetime as dt
        >>> from zoneinfo import ZoneInfo
        >>> from iopmodel import SessionKind, SessionTemplate
        >>> from iopmodel.schedules import expand_template
        >>> t = SessionTemplate(kind=SessionKind.GROUP_THERAPY, rrule="FREQ=DAILY",
        ...                     start_time=dt.time(18), duration=dt.timedelta(hours=3))
        >>> ny = ZoneInfo("America/New_York")
        >>> weekend = expand_template(t, ny, dt.date(2026, 3, 7), dt.date(2026, 3, 9))
        >>> [s.start.isoformat() for s in weekend]
        ['2026-03-07T18:00:00-05:00', '2026-03-08T18:00:00-04:00']
    """
    # The template validated every field; localize() returns aware datetimes.
    return tuple(
        Session._trusted(  # noqa: SLF001 - the package's own fast constructor
            kind=template.kind,
            start=localize(local, zone),
            duration=template.duration,
            attendance=Attendance.SCHEDULED,
            clinician=template.clinician,
            telehealth=template.telehealth,
        )
        for local in template.occurrences(first_day, end, zone)
    )
