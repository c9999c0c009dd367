"""Therapy sessions: one dated, timed contact between a patient and a program.

A :class:`Session` is immutable and always carries a timezone-aware start and
an exact duration (a :class:`~datetime.timedelta` of whole minutes), so weekly
hours are sums of integers and 9 hours is never 8.999.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import attrs

from iopmodel._validators import (
    MINUTE,
    aware_datetime,
    duration_between,
    instance_of,
    optional_non_empty_str,
)
from iopmodel.errors import InvalidTypeError

__all__ = [
    "MAX_SESSION_DURATION",
    "Attendance",
    "Session",
    "SessionKind",
]

#: The longest session accepted, 12 hours; longer contacts are data errors.
MAX_SESSION_DURATION: Final = dt.timedelta(hours=12)


class SessionKind(enum.Enum):
    """What happens in a session.

    Which kinds count toward program hours is part of a standard
    (``Standard.counted_kinds`` in :mod:`iopmodel.standards`), not of the kind.

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
        duration: More than zero, at most 12 hours, whole minutes.
        attendance: Scheduled (default), attended, absent, excused or cancelled.
        clinician: Optional opaque clinician id.
        telehealth: Whether the session is delivered remotely.

    Raises:
        InvalidValueError: Naive or pytz datetimes, durations out of range.
        InvalidTypeError: Values of the wrong type.

    Example:
        >>> import datetime as dt
        >>> from zoneinfo import ZoneInfo
        >>> from iopmodel import Attendance, Session, SessionKind
        >>> s = Session(kind=SessionKind.GROUP_THERAPY,
        ...             start=dt.datetime(2026, 3, 2, 18, tzinfo=ZoneInfo("America/New_York")),
        ...             duration=dt.timedelta(hours=3))
        >>> s.minutes, s.end.time(), s.attendance.value
        (180, datetime.time(21, 0), 'scheduled')
        >>> s.with_attendance(Attendance.ATTENDED).attendance.value
        'attended'
    """

    kind: SessionKind = attrs.field(validator=instance_of(SessionKind))
    start: dt.datetime = attrs.field(validator=aware_datetime)
    duration: dt.timedelta = attrs.field(
        validator=duration_between(dt.timedelta(0), MAX_SESSION_DURATION)
    )
    attendance: Attendance = attrs.field(
        default=Attendance.SCHEDULED, validator=instance_of(Attendance)
    )
    clinician: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    telehealth: bool = attrs.field(default=False, validator=instance_of(bool))
    # Derived once: weekly accounting reads it for every session.
    _minutes: int = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_minutes", self.duration // MINUTE)

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
        )

    @property
    def order_key(self) -> tuple[dt.datetime, str]:
        """The key that sorts sessions by start, then kind (how plans and schedules order them).

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> week = evening_iop().cycle().sessions
            >>> list(week) == sorted(week, key=lambda s: s.order_key)
            True
        """
        return (self.start, self.kind.value)

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
        _SET_MINUTES(session, duration // MINUTE)
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
    _SET_MINUTES,
) = (
    Session.__dict__[name].__set__
    for name in (
        "kind",
        "start",
        "duration",
        "attendance",
        "clinician",
        "telehealth",
        "_minutes",
    )
)
