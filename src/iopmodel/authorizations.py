"""Payer authorizations: who pays for which level, for how many days or sessions.

An :class:`Authorization` is a payer's approval of a level of care for a span
of days (both ends inclusive), limited to a number of *units*: visit days (the
usual unit for per-diem IOP and partial-hospitalization billing) or sessions.
Renewals are new authorizations.

Rules ``AUTH001`` (sessions outside every authorization), ``AUTH002`` (more
units used than authorized) and ``AUTH003`` (an authorization ending soon, by
the standard's
``Standard.authorization_warning_days``) judge a plan's
authorizations against its sessions.

Example:
    >>> import datetime as dt
    >>> from iopmodel import LevelOfCare
    >>> from iopmodel.authorizations import Authorization
    >>> auth = Authorization(payer="Acme Health", level=LevelOfCare.INTENSIVE_OUTPATIENT,
    ...                      start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 31), units=12)
    >>> auth.covers(dt.date(2026, 3, 31)), auth.days, auth.unit.value
    (True, 30, 'days')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import attrs

from iopmodel._validators import (
    instance_of,
    non_empty_str,
    optional_non_empty_str,
    plain_date,
    positive_int,
)
from iopmodel.care import LevelOfCare
from iopmodel.errors import InvalidValueError
from iopmodel.sessions import Session, SessionKind

__all__ = ["Authorization", "AuthorizationUnit"]


class AuthorizationUnit(enum.Enum):
    """What an authorization's units count.

    Example:
        >>> from iopmodel.authorizations import AuthorizationUnit
        >>> AuthorizationUnit("sessions")
        <AuthorizationUnit.SESSIONS: 'sessions'>
    """

    DAYS = "days"
    """Distinct days with at least one program session (per-diem billing)."""
    SESSIONS = "sessions"
    """Program sessions."""


@attrs.frozen(kw_only=True)
class Authorization:
    """A payer's authorization of a level of care for a span of days.

    Args:
        payer: The payer, in words or as your payer id.
        level: The authorized level of care.
        start: First authorized day.
        end: Last authorized day (inclusive).
        units: How many units are authorized.
        unit: Days (default) or sessions.
        reference: The payer's authorization number, if any.

    Raises:
        InvalidValueError: *end* before *start*, or no units.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import LevelOfCare
        >>> from iopmodel.authorizations import Authorization, AuthorizationUnit
        >>> Authorization(payer="Medicaid", level=LevelOfCare.INTENSIVE_OUTPATIENT,
        ...               start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 15), units=24,
        ...               unit=AuthorizationUnit.SESSIONS).unit.value
        'sessions'
    """

    payer: str = attrs.field(validator=non_empty_str)
    level: LevelOfCare = attrs.field(validator=instance_of(LevelOfCare))
    start: dt.date = attrs.field(validator=plain_date)
    end: dt.date = attrs.field(validator=plain_date)
    units: int = attrs.field(validator=positive_int)
    unit: AuthorizationUnit = attrs.field(
        default=AuthorizationUnit.DAYS, validator=instance_of(AuthorizationUnit)
    )
    reference: str | None = attrs.field(default=None, validator=optional_non_empty_str)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValueError(
                "end", self.end, f"is before the start {self.start}"
            )

    @property
    def days(self) -> int:
        """Calendar days the authorization spans (both ends included)."""
        return (self.end - self.start).days + 1

    def covers(self, day: dt.date) -> bool:
        """Whether *day* is inside the authorization."""
        return self.start <= day <= self.end

    def units_used(
        self,
        sessions: Iterable[Session],
        zone: ZoneInfo,
        counted_kinds: Iterable[SessionKind],
    ) -> int:
        """Units the *sessions* use: their local days (or sessions) inside the span.

        Cancelled sessions and kinds that do not count toward program hours use
        no units.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import LevelOfCare
            >>> from iopmodel.authorizations import Authorization
            >>> from iopmodel.examples import evening_iop
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> program = evening_iop()
            >>> week = program.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 9))
            >>> auth = Authorization(payer="Acme", level=program.level,
            ...                      start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 4), units=3)
            >>> auth.units_used(week, program.timezone, DEFAULT_STANDARD.counted_kinds)
            3
        """
        counted = frozenset(counted_kinds)
        days: set[dt.date] = set()
        count = 0
        for session in sessions:
            if not session.attendance.is_scheduled or session.kind not in counted:
                continue
            day = session.start.astimezone(zone).date()
            if self.covers(day):
                days.add(day)
                count += 1
        return len(days) if self.unit is AuthorizationUnit.DAYS else count

    def _repr_html_(self) -> str:
        from iopmodel._record_html import authorizations_html  # noqa: PLC0415

        return authorizations_html((self,))
