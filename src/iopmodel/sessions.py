"""Therapy sessions: one dated, timed contact between a patient and a program.

A :class:`Session` is immutable and always carries a timezone-aware start and
an exact duration (a :class:`~datetime.timedelta` of whole minutes), so weekly
hours are sums of integers and 9 hours is never 8.999.
"""

from __future__ import annotations

import datetime as dt
import enum
from operator import attrgetter
from typing import Any, Final

import attrs

from iopmodel._validators import (
    EARLIEST_DATE as _EARLIEST_DATE,
)
from iopmodel._validators import (
    LATEST_DATE as _LATEST_DATE,
)
from iopmodel._validators import (
    MINUTE,
    aware_datetime,
    duration_between,
    instance_of,
    optional_non_empty_str,
)
from iopmodel.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_SESSION_DURATION",
    "Attendance",
    "DeliveryMode",
    "Session",
    "SessionKind",
]

#: The longest session accepted, 12 hours; longer contacts are data errors.
MAX_SESSION_DURATION: Final = dt.timedelta(hours=12)

#: The first day any date or datetime may fall on (0010-01-01). The calendar
#: keeps ten years clear of Python's ends (years 1 and 9999), so a five-year
#: schedule, the weeks around it and any UTC offset stay representable. (The
#: value's one home is the validators every model shares.)
EARLIEST_DATE: Final = _EARLIEST_DATE

#: The last day any date or datetime may fall on (9989-12-31).
LATEST_DATE: Final = _LATEST_DATE


def _utc(moment: dt.datetime) -> dt.datetime:
    """The UTC instant of an aware datetime: the identity of a session's start."""
    return moment.astimezone(dt.UTC)


def _existing_wall_time(_instance: object, attribute: Any, value: Any) -> None:
    """Refuse a start whose wall time does not exist in its zone (a DST gap).

    ``02:30`` on a spring-forward night in New York never happens on a clock;
    such a value is refused here rather than normalized silently or, worse,
    written and then refused on load.
    """
    aware_datetime(_instance, attribute, value)
    round_trip = _utc(value).astimezone(value.tzinfo)
    if round_trip.replace(tzinfo=None, fold=0) != value.replace(tzinfo=None, fold=0):
        raise InvalidValueError(
            attribute.name,
            value,
            "is a wall time that does not exist in its time zone (a daylight-saving gap)",
        )


class SessionKind(enum.Enum):
    """What happens in a session.

    Which kinds count toward program hours is part of a standard
    (``counted_kinds`` of :class:`iopmodel.standards.Standard`), not of the kind.

    Example:
        >>> from iopmodel import SessionKind
        >>> SessionKind("group_therapy")
        <SessionKind.GROUP_THERAPY: 'group_therapy'>
    """

    GROUP_THERAPY = "group_therapy"
    INDIVIDUAL_THERAPY = "individual_therapy"
    FAMILY_THERAPY = "family_therapy"
    PSYCHOEDUCATION = "psychoeducation"
    MEDICATION_MANAGEMENT = "medication_management"
    CASE_MANAGEMENT = "case_management"
    MUTUAL_SUPPORT = "mutual_support"
    """A mutual-support meeting such as AA or NA, usually outside the program."""
    TOXICOLOGY_SCREEN = "toxicology_screen"
    """Collection of a specimen for a drug screen (results in :mod:`iopmodel.screens`)."""

    _index: int
    """The kind's position in the enumeration (internal: per-kind columns)."""

    def __init__(self, _value: str) -> None:
        # Counting by position without hashing a member (slow in Python 3.11).
        self._index = len(type(self).__members__)


class DeliveryMode(enum.Enum):
    """How a session is delivered: in person, by video or by audio only.

    Whether each mode counts toward program hours is part of a standard
    (``Standard.counted_deliveries``), not of the mode.

    Example:
        >>> from iopmodel.sessions import DeliveryMode
        >>> DeliveryMode("audio_only").remote, DeliveryMode.IN_PERSON.remote
        (True, False)
    """

    IN_PERSON = "in_person"
    VIDEO = "video"
    """Synchronous audio and video (telehealth)."""
    AUDIO_ONLY = "audio_only"
    """Telephone or other audio-only telehealth."""

    @property
    def remote(self) -> bool:
        """Whether the mode is telehealth (video or audio-only)."""
        return self is not DeliveryMode.IN_PERSON


def default_delivery(session: object) -> DeliveryMode:
    """Video for a session marked telehealth, in person otherwise (internal)."""
    return (
        DeliveryMode.VIDEO
        if getattr(session, "telehealth", False)
        else DeliveryMode.IN_PERSON
    )


def check_delivery(owner: object, telehealth: bool, delivery: DeliveryMode) -> None:
    """Make *telehealth* mirror *delivery* on a frozen *owner* (internal).

    *delivery* wins, except that ``telehealth=True`` with an in-person delivery
    (the default, or a copy made with ``attrs.evolve(x, telehealth=True)``)
    means video.
    """
    if not isinstance(delivery, DeliveryMode):
        raise InvalidTypeError("delivery", delivery, "DeliveryMode")
    if telehealth and not delivery.remote:
        object.__setattr__(owner, "delivery", DeliveryMode.VIDEO)
    elif delivery.remote and not telehealth:
        object.__setattr__(owner, "telehealth", True)


class Attendance(enum.Enum):
    """The state of a session for a patient.

    Example:
        >>> from iopmodel import Attendance
        >>> Attendance.ATTENDED.is_scheduled, Attendance.CANCELLED.is_scheduled
        (True, False)
    """

    SCHEDULED = "scheduled"
    """Planned, with no outcome recorded yet."""
    ATTENDED = "attended"
    ABSENT = "absent"
    """Scheduled, and the patient did not come."""
    EXCUSED = "excused"
    """Scheduled, and the patient's absence was excused."""
    CANCELLED = "cancelled"
    """Cancelled by the program; it no longer counts as scheduled."""

    @property
    def is_scheduled(self) -> bool:
        """Whether the session counts toward *scheduled* hours."""
        return self is not Attendance.CANCELLED

    @property
    def is_recorded(self) -> bool:
        """Whether an outcome has been recorded (anything but ``SCHEDULED``)."""
        return self is not Attendance.SCHEDULED


@attrs.frozen(kw_only=True)
class Session:
    """One therapeutic contact: a kind, a timezone-aware start and an exact length.

    Args:
        kind: What happens.
        start: Timezone-aware start; ``zoneinfo`` or fixed offsets, never pytz.
            A wall time inside a daylight-saving gap is refused. Two sessions
            are equal when they start at the same instant: 01:30 EDT and
            01:30 EST on the night clocks fall back are different sessions.
        duration: More than zero, at most 12 hours, whole minutes.
        attendance: Scheduled (default), attended, absent, excused or cancelled.
        clinician: Optional opaque clinician id.
        telehealth: Whether the session is delivered remotely; always equal
            to ``delivery.remote``.
        delivery: In person, video or audio-only (video by default for a
            telehealth session, in person otherwise). Change it with
            :meth:`with_delivery`.

    Raises:
        InvalidValueError: Naive or pytz datetimes, wall times in a DST gap,
            dates outside :data:`EARLIEST_DATE` to :data:`LATEST_DATE`,
            durations out of range.
        InvalidTypeError: Values of the wrong type.

    Example:
        >>> import datetime as dt
        >>> from zoneinfo import ZoneInfo
        >>> import attrs
        >>> from iopmodel import Attendance, Session, SessionKind
        >>> s = Session(kind=SessionKind.GROUP_THERAPY,
        ...             start=dt.datetime(2026, 3, 2, 18, tzinfo=ZoneInfo("America/New_York")),
        ...             duration=dt.timedelta(hours=3))
        >>> s.minutes, s.end.time(), s.attendance.value
        (180, datetime.time(21, 0), 'scheduled')
        >>> s.with_attendance(Attendance.ATTENDED).attendance.value
        'attended'
        >>> from iopmodel.sessions import DeliveryMode
        >>> phone = attrs.evolve(s, delivery=DeliveryMode.AUDIO_ONLY)
        >>> phone.telehealth, phone.delivery.value
        (True, 'audio_only')
    """

    kind: SessionKind = attrs.field(validator=instance_of(SessionKind))
    start: dt.datetime = attrs.field(validator=_existing_wall_time, eq=False)
    duration: dt.timedelta = attrs.field(
        validator=duration_between(dt.timedelta(0), MAX_SESSION_DURATION)
    )
    attendance: Attendance = attrs.field(
        default=Attendance.SCHEDULED, validator=instance_of(Attendance)
    )
    clinician: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    telehealth: bool = attrs.field(default=False, validator=instance_of(bool))
    delivery: DeliveryMode = attrs.field(
        default=attrs.Factory(default_delivery, takes_self=True)
    )
    # Derived once: weekly accounting reads it for every session.
    _minutes: int = attrs.field(init=False, repr=False, eq=False, hash=False)
    # The start's UTC instant: the session's identity (equality, hash, order).
    _instant: dt.datetime = attrs.field(init=False, repr=False)
    # The sort key (instant, kind): plans and schedules sort by it.
    _order: tuple[dt.datetime, str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        check_delivery(self, self.telehealth, self.delivery)
        object.__setattr__(self, "_minutes", self.duration // MINUTE)
        instant = _utc(self.start)
        object.__setattr__(self, "_instant", instant)
        object.__setattr__(self, "_order", (instant, self.kind.value))

    @property
    def end(self) -> dt.datetime:
        """When the session ends (start plus duration, in the start's zone)."""
        return self.start + self.duration

    @property
    def minutes(self) -> int:
        """The exact duration in whole minutes."""
        return self._minutes

    def with_attendance(self, attendance: Attendance) -> Session:
        """Return a copy with *attendance* recorded.

        Only *attendance* is checked: the other fields were validated when this
        session was made, so recording outcomes for a cohort stays cheap.
        """
        if not isinstance(attendance, Attendance):
            raise InvalidTypeError("attendance", attendance, "Attendance")
        return Session._trusted(
            kind=self.kind,
            start=self.start,
            duration=self.duration,
            attendance=attendance,
            clinician=self.clinician,
            telehealth=self.telehealth,
            delivery=self.delivery,
        )

    def with_delivery(self, delivery: DeliveryMode) -> Session:
        """Return a copy delivered by *delivery* (``telehealth`` follows it).

        Use this rather than ``attrs.evolve(session, delivery=...)`` to move a
        telehealth session back in person: ``telehealth=True`` on its own
        means video.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Session, SessionKind
            >>> from iopmodel.sessions import DeliveryMode
            >>> video = Session(kind=SessionKind.GROUP_THERAPY, telehealth=True,
            ...                 start=dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC),
            ...                 duration=dt.timedelta(hours=3))
            >>> video.with_delivery(DeliveryMode.IN_PERSON).telehealth
            False
        """
        if not isinstance(delivery, DeliveryMode):
            raise InvalidTypeError("delivery", delivery, "DeliveryMode")
        return attrs.evolve(self, delivery=delivery, telehealth=delivery.remote)

    @property
    def order_key(self) -> tuple[dt.datetime, str]:
        """The key that sorts sessions by start instant, then kind.

        Plans and schedules order their sessions by it.

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> week = evening_iop().cycle().sessions
            >>> list(week) == sorted(week, key=lambda s: s.order_key)
            True
        """
        return self._order

    @classmethod
    def _trusted(
        cls,
        *,
        kind: SessionKind,
        start: dt.datetime,
        duration: dt.timedelta,
        attendance: Attendance,
        clinician: str | None,
        telehealth: bool,
        delivery: DeliveryMode,
    ) -> Session:
        """Build a session from values already validated elsewhere (no checks).

        For the package's own hot paths only: template expansion (the template
        validated kind, duration, clinician and telehealth; the start is aware
        by construction) and attendance recording.
        """
        session = _new(cls)
        _SET_KIND(session, kind)
        _SET_START(session, start)
        _SET_DURATION(session, duration)
        _SET_ATTENDANCE(session, attendance)
        _SET_CLINICIAN(session, clinician)
        _SET_TELEHEALTH(session, telehealth)
        _SET_DELIVERY(session, delivery)
        _SET_MINUTES(session, duration // MINUTE)
        instant = _utc(start)
        _SET_INSTANT(session, instant)
        _SET_ORDER(session, (instant, kind.value))
        return session


# The trusted constructor writes the slots through their descriptors: about
# twice as fast as object.__setattr__ per field, and faster than attrs' own
# __init__ with validators disabled (benchmarks/simulate.py relies on it).
_new = object.__new__
(
    _SET_KIND,
    _SET_START,
    _SET_DURATION,
    _SET_ATTENDANCE,
    _SET_CLINICIAN,
    _SET_TELEHEALTH,
    _SET_DELIVERY,
    _SET_MINUTES,
    _SET_INSTANT,
    _SET_ORDER,
) = (
    Session.__dict__[name].__set__
    for name in (
        "kind",
        "start",
        "duration",
        "attendance",
        "clinician",
        "telehealth",
        "delivery",
        "_minutes",
        "_instant",
        "_order",
    )
)
# Sorts sessions by Session.order_key (reads the cached key).
_BY_ORDER: Final = attrgetter("_order")
