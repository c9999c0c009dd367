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
import re
import threading
import typing
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, Final, NamedTuple, Protocol
from zoneinfo import ZoneInfo

import attrs
import dateutil.rrule
from dateutil.rrule import rrulestr

from iopmodel._validators import (
    check_arg,
    duration_between,
    iana_zone,
    instance_of,
    non_negative_int,
    optional_non_empty_str,
    plain_date,
)
from iopmodel.errors import InvalidValueError
from iopmodel.sessions import (
    _BY_ORDER,
    MAX_SESSION_DURATION,
    Attendance,
    DeliveryMode,
    Session,
    SessionKind,
    check_delivery,
    default_delivery,
)

__all__ = [
    "MAX_CACHED_SESSIONS",
    "MAX_RRULE_LENGTH",
    "MAX_SCHEDULE_DAYS",
    "MAX_SCHEDULE_SESSIONS",
    "CacheInfo",
    "SessionTemplate",
    "expand_template",
    "localize",
]

_SUB_DAILY: Final = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_FREQS: Final = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_TIME_PARTS: Final = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"})
_WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The longest RRULE text accepted (1,000 characters), checked before parsing.
MAX_RRULE_LENGTH: Final = 1000
#: The largest ``INTERVAL`` and ``COUNT`` accepted: beyond them a rule can never
#: matter within a schedule window of at most five years.
MAX_INTERVAL: Final = 999
MAX_COUNT: Final = 999_999
#: Satisfiability is checked over the last 30 years of the calendar (every
#: weekday-and-leap-year pattern recurs within 28 years), where dateutil's
#: search stops by itself: the check costs milliseconds, never a scan to 9999.
_SATISFIABILITY_PROBE: Final = dt.datetime(9970, 1, 1)  # noqa: DTZ001 - local wall time
_PROBE_START: Final = dt.datetime(2000, 1, 3)  # noqa: DTZ001 - local wall time

_INT_LIST: Final = r"[+-]?\d{1,3}(?:,[+-]?\d{1,3})*"
#: RRULE parts: the pattern of the value, the range of its numbers, and how a
#: message describes it. Values are checked by kind, and reported by position
#: and name, never quoted (RRULE text can carry anything).
_PARTS: Final[dict[str, tuple[str, tuple[int, int] | None, str]]] = {
    "FREQ": (r"[A-Z]+", None, "DAILY, WEEKLY, MONTHLY or YEARLY"),
    "UNTIL": (
        r"\d{8}(?:T\d{6})?Z?",
        None,
        "a date such as 20261231 or 20261231T235959",
    ),
    "COUNT": (r"\d{1,6}", (1, MAX_COUNT), f"a whole number from 1 to {MAX_COUNT}"),
    "INTERVAL": (
        r"\d{1,3}",
        (1, MAX_INTERVAL),
        f"a whole number from 1 to {MAX_INTERVAL}",
    ),
    "BYSECOND": (_INT_LIST, None, "numbers"),
    "BYMINUTE": (_INT_LIST, None, "numbers"),
    "BYHOUR": (_INT_LIST, None, "numbers"),
    "BYDAY": (
        r"[+-]?\d{0,2}(?:MO|TU|WE|TH|FR|SA|SU)(?:,[+-]?\d{0,2}(?:MO|TU|WE|TH|FR|SA|SU))*",
        (1, 53),
        "weekdays such as MO,WE or 1MO,-1FR",
    ),
    "BYMONTHDAY": (_INT_LIST, (1, 31), "days of the month from 1 to 31 or -31 to -1"),
    "BYYEARDAY": (_INT_LIST, (1, 366), "days of the year from 1 to 366 or -366 to -1"),
    "BYWEEKNO": (_INT_LIST, (1, 53), "week numbers from 1 to 53 or -53 to -1"),
    "BYMONTH": (r"\d{1,2}(?:,\d{1,2})*", (1, 12), "months from 1 to 12"),
    "BYSETPOS": (_INT_LIST, (1, 366), "positions from 1 to 366 or -366 to -1"),
    "WKST": (r"MO|TU|WE|TH|FR|SA|SU", None, "a weekday such as MO"),
}
_NUMBERS: Final = re.compile(r"[+-]?\d+")


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


@functools.lru_cache(maxsize=1024)  # keys are at most MAX_RRULE_LENGTH characters
def _rrule_problem(text: str) -> str | None:
    """What is wrong with RRULE *text*, or ``None``; never quotes the text."""
    if not text:
        return "must not be empty"
    if len(text) > MAX_RRULE_LENGTH:
        return f"is {len(text)} characters, over the limit of {MAX_RRULE_LENGTH}"
    if "DTSTART" in text or "\n" in text or "\r" in text:
        return "must be a single RRULE without DTSTART (the schedule supplies it)"
    parts: dict[str, str] = {}
    for position, part in enumerate(text.split(";"), start=1):
        name, sep, part_value = part.partition("=")
        if not sep or not part_value or not name:
            return f"part {position} is malformed, expected NAME=VALUE"
        if name not in _PARTS:
            return f"part {position} is an unknown RRULE part name"
        if name in parts:
            return f"part {position} ({name}) is given twice"
        problem = _part_problem(name, part_value)
        if problem is not None:
            return f"part {position} ({name}) is not valid RFC 5545: expected {problem}"
        parts[name] = part_value
    return _rule_problem(text, parts)


def _part_problem(name: str, value: str) -> str | None:
    pattern, bounds, expected = _PARTS[name]
    if not re.fullmatch(pattern, value):
        return expected
    if name == "FREQ" and value not in _FREQS and value not in _SUB_DAILY:
        return expected
    if bounds is not None:
        low, high = bounds
        for number in _NUMBERS.findall(value):
            size = abs(int(number))
            if (name == "BYDAY" and size == 0) or (
                name != "BYDAY" and not low <= size <= high
            ):
                return expected
            if name == "BYDAY" and size > high:
                return expected
            if name in {"COUNT", "INTERVAL", "BYMONTH"} and number.startswith("-"):
                return expected
    return None


def _rule_problem(text: str, parts: dict[str, str]) -> str | None:
    if "FREQ" not in parts:
        return "FREQ is required"
    freq = parts["FREQ"]
    if freq in _SUB_DAILY:
        return f"FREQ={freq} is finer than daily; use start_time for the time"
    if _TIME_PARTS & parts.keys():
        return "BYHOUR, BYMINUTE and BYSECOND are not allowed; use start_time"
    if "COUNT" in parts and "UNTIL" in parts:
        return "COUNT and UNTIL must not both be given (RFC 5545)"
    until = parts.get("UNTIL", "")
    if until.endswith("Z") and _utc_until(until) is None:
        return "UNTIL in UTC must be a date-time such as 19971224T000000Z"
    if freq not in {"MONTHLY", "YEARLY"} and re.search(
        r"\d(?:MO|TU|WE|TH|FR|SA|SU)", parts.get("BYDAY", "")
    ):
        return "BYDAY ordinals such as 1MO need FREQ=MONTHLY or FREQ=YEARLY (RFC 5545)"
    if "BYWEEKNO" in parts and freq != "YEARLY":
        return "BYWEEKNO needs FREQ=YEARLY (RFC 5545)"
    if "BYYEARDAY" in parts and freq in {"DAILY", "WEEKLY", "MONTHLY"}:
        return "BYYEARDAY needs FREQ=YEARLY (RFC 5545)"
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        return "BYMONTHDAY must not be used with FREQ=WEEKLY (RFC 5545)"
    if until.endswith("Z"):  # checked above; the probe start is naive wall time
        text = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
    try:
        rule = rrulestr(text, dtstart=_PROBE_START)
        probe = rule.replace(  # type: ignore[union-attr]
            dtstart=_SATISFIABILITY_PROBE, interval=1, count=None, until=None
        )
        first = next(iter(probe), None)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError):
        return "is not a valid RFC 5545 RRULE"
    if first is None:
        return "can never match: its BY parts select no day in any year"
    return None


def _utc_until(text: str) -> dt.datetime | None:
    """The instant of a UTC ``UNTIL`` value (``19971224T000000Z``), or ``None``."""
    try:
        return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


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
    if value.fold:
        # Documents cannot carry fold; ambiguous wall times take the first occurrence.
        raise InvalidValueError("start_time", value, "must not set fold")


@attrs.frozen(kw_only=True, cache_hash=True)  # a key of the expansion cache
class SessionTemplate:
    """A recurring session: kind, RRULE, local start time and duration.

    Args:
        kind: What happens in each session.
        rrule: RFC 5545 RRULE text such as ``"FREQ=WEEKLY;BYDAY=MO,WE,TH"``
            (a leading ``RRULE:`` is accepted). No DTSTART (the schedule's first
            day supplies it) and nothing finer than daily. ``UNTIL`` is either
            UTC (``...Z``, converted to the program's zone) or local wall time.
        start_time: Local wall-clock start, without tzinfo or fold. Seconds
            and microseconds are kept (and survive a round trip).
        duration: Length of each session: over zero, at most 12 h, whole minutes.
        title: Optional display title ("Relapse-prevention group").
        clinician: Optional opaque clinician id copied to every session.
        telehealth: Whether sessions are delivered remotely; always equal to
            ``delivery.remote``.
        delivery: In person, video or audio-only, copied to every session
            (video by default for a telehealth template, in person otherwise).

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
    delivery: DeliveryMode = attrs.field(
        default=attrs.Factory(default_delivery, takes_self=True)
    )

    def __attrs_post_init__(self) -> None:
        check_delivery(self, self.telehealth, self.delivery)

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
        parts = _parts(self.rrule)
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
        return _start_independent(self.rrule)

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
        check_arg(plain_date, "first_day", first_day)
        dtstart = dt.datetime.combine(first_day, self.start_time)
        parts = _parts(self.rrule)
        until = _utc_until(parts.get("UNTIL", ""))
        text = self.rrule
        if until is not None:
            text = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
        rule = rrulestr(text, dtstart=dtstart)
        assert isinstance(rule, dateutil.rrule.rrule)  # noqa: S101 - one RRULE, never a set
        if until is not None:
            local_until = until.astimezone(zone or dt.UTC).replace(tzinfo=None)
            rule = rule.replace(until=local_until)
        return rule

    def occurrences(
        self, first_day: dt.date, end: dt.date, zone: ZoneInfo | None = None
    ) -> Iterator[dt.datetime]:
        """Local wall-time starts on days in ``[first_day, end)``, in order.

        The recurrence is anchored on *first_day* (its DTSTART), so ``COUNT``
        and ``INTERVAL`` count from there; *zone* places a UTC ``UNTIL``. The
        search is bounded: a rule whose ``INTERVAL`` steps over every day its
        BY parts select in the window yields nothing at once, instead of
        searching to the year 9999.
        """
        check_arg(plain_date, "first_day", first_day)
        check_arg(plain_date, "end", end)
        if not self._may_match(first_day, end):
            return
        for local in self.to_rrule(first_day, zone):
            if local.date() >= end:
                return
            yield local

    def occurrence_bound(self, days: int) -> int:
        """The most sessions this template can give in a window of *days* days.

        Computed from the rule without expanding it (at most one session a
        day, fewer with ``COUNT``, ``INTERVAL`` or weekly ``BYDAY``), so a
        schedule's size is checked before any work.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import SessionKind, SessionTemplate
            >>> t = SessionTemplate(kind=SessionKind.GROUP_THERAPY,
            ...                     rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
            ...                     start_time=dt.time(18), duration=dt.timedelta(hours=3))
            >>> t.occurrence_bound(70)
            36
        """
        check_arg(non_negative_int, "days", days)
        return _occurrence_bound(self.rrule, days)

    def _may_match(self, first_day: dt.date, end: dt.date) -> bool:
        """Whether a day in ``[first_day, end)`` passes the BY parts *and* INTERVAL.

        A necessary condition for any occurrence in the window, found with a
        daily rule of the same BY parts (a superset of the real matches) over
        the window only; the rule's own INTERVAL is then checked by period.
        With ``INTERVAL=1`` every period is visited, so there is nothing to check.
        """
        parts = _parts(self.rrule)
        interval = int(parts.get("INTERVAL", "1"))
        if interval == 1:
            return True
        days = _by_days(self.rrule).replace(
            dtstart=dt.datetime.combine(first_day, dt.time()),
            until=dt.datetime.combine(end, dt.time()) - dt.timedelta(days=1),
        )
        freq = parts["FREQ"]
        week_start = _WEEKDAYS.index(parts.get("WKST", "MO"))
        for candidate in days:
            day = candidate.date()
            if freq == "DAILY":
                period = (day - first_day).days
            elif freq == "WEEKLY":
                period = (
                    _week_of(day, week_start) - _week_of(first_day, week_start)
                ).days // 7
            elif freq == "MONTHLY":
                period = (day.year - first_day.year) * 12 + day.month - first_day.month
            else:
                period = day.year - first_day.year
            if period % interval == 0:
                return True
        return False


@functools.lru_cache(maxsize=1024)  # keys are validated RRULEs and window lengths
def _occurrence_bound(rrule: str, days: int) -> int:
    """See :meth:`SessionTemplate.occurrence_bound` (cached per rule and length)."""
    parts = _parts(rrule)
    interval = int(parts.get("INTERVAL", "1"))
    bound = days
    if parts["FREQ"] == "DAILY":
        bound = -(-days // interval)
    elif parts["FREQ"] == "WEEKLY":
        per_week = len(parts["BYDAY"].split(",")) if "BYDAY" in parts else 1
        bound = min(days, -(-(days // 7 + 2) // interval) * per_week)
    if "COUNT" in parts:
        bound = min(bound, int(parts["COUNT"]))
    return bound


@functools.lru_cache(maxsize=1024)  # keys are validated RRULEs, bounded in length
def _start_independent(rrule: str) -> bool:
    """See :attr:`SessionTemplate.start_independent` (cached per rule text)."""
    parts = _parts(rrule)
    if parts.keys() - _SLICEABLE_PARTS or parts.get("INTERVAL", "1") != "1":
        return False
    if any(c.isdigit() for c in parts.get("BYDAY", "")):
        return False
    if parts["FREQ"] == "WEEKLY":
        return "BYDAY" in parts  # otherwise the weekday is the start's
    return parts["FREQ"] == "DAILY"


@functools.lru_cache(maxsize=1024)  # keys are validated RRULEs, bounded in length
def _parts(text: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in text.split(";"))


@functools.lru_cache(maxsize=1024)
def _by_days(text: str) -> dateutil.rrule.rrule:
    """A daily rule with *text*'s day-selecting BY parts: a superset of its days."""
    kept = [
        part
        for part in text.split(";")
        if part.partition("=")[0]
        in {"BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "WKST"}
    ]
    rule = rrulestr(";".join(["FREQ=DAILY", *kept]), dtstart=_PROBE_START)
    assert isinstance(rule, dateutil.rrule.rrule)  # noqa: S101 - one RRULE, never a set
    return rule


def _week_of(day: dt.date, week_start: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def localize(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Attach *zone* to a naive wall time, normalizing times inside a DST gap.

    Example:
        >>> import datetime as dt
        >>> from zoneinfo import ZoneInfo
        >>> from iopmodel.schedules import localize
        >>> localize(dt.datetime(2026, 3, 8, 2, 30), ZoneInfo("America/New_York")).time()
        datetime.time(3, 30)
    """
    check_arg(instance_of(dt.datetime), "local", local)
    check_arg(iana_zone, "zone", zone)
    if local.tzinfo is not None:
        raise InvalidValueError("local", local, "must be a naive wall time")
    aware = local.replace(tzinfo=zone)
    round_trip = aware.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local:
        return round_trip  # the wall time does not exist: use the normalized one
    return aware


#: The most sessions the expansion cache holds (200,000, about 35 MB); the
#: least recently used expansions are dropped first.
MAX_CACHED_SESSIONS: Final = 200_000
#: The longest window expanded, 1830 days (about five years), so an open-ended
#: RRULE can never expand without bound. Re-exported by :mod:`iopmodel.programs`,
#: which builds on this module.
MAX_SCHEDULE_DAYS: Final = 5 * 366
#: The most sessions one expansion of a design produces, all templates together
#: (100,000, the most sessions a document may hold; see
#: :class:`iopmodel.serialization.Limits`): :meth:`iopmodel.programs.Program.schedule`
#: and a design's cycle of weeks check it before expanding, from each template's
#: :meth:`SessionTemplate.occurrence_bound`. Re-exported by :mod:`iopmodel.programs`.
MAX_SCHEDULE_SESSIONS: Final = 100_000


class CacheInfo(NamedTuple):
    """Statistics of the expansion cache, like those of ``functools.lru_cache``.

    ``maxsize`` and ``currsize`` count *sessions*, not entries.

    Example:
        >>> from iopmodel.schedules import MAX_CACHED_SESSIONS, expand_template
        >>> info = expand_template.cache_info()
        >>> info.maxsize == MAX_CACHED_SESSIONS, info.currsize <= info.maxsize
        (True, True)
    """

    hits: int
    misses: int
    maxsize: int
    currsize: int


_Key = tuple[
    "SessionTemplate | tuple[SessionTemplate, ...]", ZoneInfo, dt.date, dt.date
]


class _ExpansionCache:
    """Template expansions, least recently used first out, bounded by sessions held."""

    def __init__(
        self, function: Callable[..., tuple[Session, ...]], max_sessions: int
    ) -> None:
        self._function = function
        self._max_sessions = max_sessions
        self._entries: OrderedDict[_Key, tuple[Session, ...]] = OrderedDict()
        # local days of cached expansions that were sliced (dropped with them)
        self._days: dict[_Key, tuple[tuple[Session, ...], list[int]]] = {}
        self._held = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    def __call__(
        self,
        template: SessionTemplate,
        zone: ZoneInfo,
        first_day: dt.date,
        end: dt.date,
    ) -> tuple[Session, ...]:
        check_arg(instance_of(SessionTemplate), "template", template)
        check_arg(iana_zone, "zone", zone)
        check_arg(plain_date, "first_day", first_day)
        check_arg(plain_date, "end", end)
        if (end - first_day).days > MAX_SCHEDULE_DAYS:
            raise InvalidValueError(
                "end", end, f"window must be at most {MAX_SCHEDULE_DAYS} days"
            )
        return self.lookup(template, zone, first_day, end)

    def lookup(
        self,
        template: SessionTemplate | tuple[SessionTemplate, ...],
        zone: ZoneInfo,
        first_day: dt.date,
        end: dt.date,
    ) -> tuple[Session, ...]:
        """The expansion, from the cache or made (arguments already checked).

        A tuple of templates stands for their expansions merged in order
        (:attr:`~iopmodel.sessions.Session.order_key`), a whole program's.
        """
        key = (template, zone, first_day, end)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return cached
            self._misses += 1
        if isinstance(template, tuple):
            merged = [
                session
                for one in template
                for session in self.lookup(one, zone, first_day, end)
            ]
            merged.sort(key=_BY_ORDER)
            result = tuple(merged)
        else:
            result = self._function(template, zone, first_day, end)
        if len(result) > self._max_sessions:
            return result
        with self._lock:
            if key not in self._entries:
                self._entries[key] = result
                self._held += len(result)
            while self._held > self._max_sessions:
                old, dropped = self._entries.popitem(last=False)
                self._days.pop(old, None)
                self._held -= len(dropped)
        return result

    def lookup_days(
        self,
        template: SessionTemplate | tuple[SessionTemplate, ...],
        zone: ZoneInfo,
        first_day: dt.date,
        end: dt.date,
    ) -> tuple[tuple[Session, ...], list[int]]:
        """The expansion and each session's local day (ordinal), for slicing."""
        sessions = self.lookup(template, zone, first_day, end)
        key = (template, zone, first_day, end)
        known = self._days.get(key)
        if known is not None and known[0] is sessions:
            return known
        days = [s.start.toordinal() for s in sessions]  # starts are in *zone*
        with self._lock:
            if key in self._entries:
                self._days[key] = (sessions, days)
        return sessions, days

    def cache_clear(self) -> None:
        """Empty the cache and reset its statistics."""
        with self._lock:
            self._entries.clear()
            self._days.clear()
            self._held = self._hits = self._misses = 0

    def cache_info(self) -> CacheInfo:
        """Hits, misses, and sessions held (``currsize``) out of ``maxsize``."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, self._max_sessions, self._held)


def _expand(
    template: SessionTemplate, zone: ZoneInfo, first_day: dt.date, end: dt.date
) -> tuple[Session, ...]:
    # The template validated every field; localize() returns aware datetimes.
    return tuple(
        Session._trusted(  # noqa: SLF001 - the package's own fast constructor
            kind=template.kind,
            start=localize(local, zone),
            duration=template.duration,
            attendance=Attendance.SCHEDULED,
            clinician=template.clinician,
            telehealth=template.telehealth,
            delivery=template.delivery,
        )
        for local in template.occurrences(first_day, end, zone)
    )


_CACHE: Final = _ExpansionCache(_expand, MAX_CACHED_SESSIONS)
#: The cached expansion without argument checks, for the package's own callers
#: (:meth:`iopmodel.programs.Program.schedule` checked its window already).
_expand_checked: Final = _CACHE.lookup
_expand_days: Final = _CACHE.lookup_days


class _CachedExpansion(Protocol):
    def __call__(
        self,
        template: SessionTemplate,
        zone: ZoneInfo,
        first_day: dt.date,
        end: dt.date,
    ) -> tuple[Session, ...]: ...

    def cache_clear(self) -> None: ...

    def cache_info(self) -> CacheInfo: ...


def _expand_template(
    template: SessionTemplate, zone: ZoneInfo, first_day: dt.date, end: dt.date
) -> tuple[Session, ...]:
    """Expand *template* in *zone* over ``[first_day, end)``; cached.

    Expanding the same template over the same window for many patients costs
    one expansion: the result is an immutable tuple shared by every caller.
    The cache holds at most :data:`MAX_CACHED_SESSIONS` sessions, dropping the
    least recently used expansions first; ``expand_template.cache_info()`` and
    ``expand_template.cache_clear()`` work as for ``functools.lru_cache``.

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
    return _CACHE(template, zone, first_day, end)


_expand_template.cache_clear = _CACHE.cache_clear  # type: ignore[attr-defined]
_expand_template.cache_info = _CACHE.cache_info  # type: ignore[attr-defined]
expand_template: Final = typing.cast("_CachedExpansion", _expand_template)
