"""Sessions: construction invariants and derived values."""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given

from iopmodel import (
    DEFAULT_STANDARD,
    Attendance,
    InvalidValueError,
    IopModelError,
    Session,
    SessionKind,
    SessionTemplate,
)
from iopmodel.errors import InvalidTypeError
from iopmodel.schedules import expand_template
from iopmodel.strategies import attendances, session_templates, sessions

NY = ZoneInfo("America/New_York")
START = dt.datetime(2026, 3, 2, 18, tzinfo=NY)
THREE_HOURS = dt.timedelta(hours=3)


class FakePytzZone(dt.tzinfo):
    """Looks like a pytz zone to the validator."""

    __module__ = "pytz.tzfile"

    def utcoffset(self, _dt: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=-5)

    def dst(self, _dt: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, _dt: dt.datetime | None) -> str:
        return "EST"


def make(**changes: object) -> Session:
    fields: dict[str, object] = {
        "kind": SessionKind.GROUP_THERAPY,
        "start": START,
        "duration": THREE_HOURS,
    }
    fields.update(changes)
    return Session(**fields)  # type: ignore[arg-type]


class TestInvariants:
    """Construction rejects meaningless data, naming the field and the value."""

    def test_naive_start(self) -> None:
        """A naive start is an InvalidValueError (also a ValueError)."""
        naive = dt.datetime(2026, 3, 2, 18)
        with pytest.raises(InvalidValueError) as info:
            make(start=naive)
        assert isinstance(info.value, ValueError)
        assert info.value.field == "start"
        assert info.value.value == naive
        assert "start" in str(info.value)
        assert "2026, 3, 2, 18" in str(info.value)

    def test_pytz_zone(self) -> None:
        """Zones from pytz are refused: they break wall-time arithmetic."""
        with pytest.raises(InvalidValueError, match="pytz"):
            make(start=dt.datetime(2026, 3, 2, 18, tzinfo=FakePytzZone()))

    def test_date_is_not_a_datetime(self) -> None:
        """A date where a datetime is needed is a type error."""
        with pytest.raises(InvalidTypeError, match="start"):
            make(start=dt.date(2026, 3, 2))

    @pytest.mark.parametrize(
        "duration",
        [
            dt.timedelta(0),
            dt.timedelta(minutes=-30),
            dt.timedelta(hours=12, minutes=1),
            dt.timedelta(minutes=50, seconds=30),
        ],
    )
    def test_bad_durations(self, duration: dt.timedelta) -> None:
        """Zero, negative, over-12-hour and fractional-minute durations are refused."""
        with pytest.raises(InvalidValueError) as info:
            make(duration=duration)
        assert info.value.field == "duration"
        assert info.value.value == duration

    def test_twelve_hours_is_allowed(self) -> None:
        """Exactly 12 hours is the longest session."""
        assert make(duration=dt.timedelta(hours=12)).minutes == 720

    def test_duration_must_be_timedelta(self) -> None:
        """Minutes as an int are a type error: units are explicit."""
        with pytest.raises(InvalidTypeError, match="duration"):
            make(duration=180)

    @pytest.mark.parametrize("kind", ["yoga", "group_therapy", None])
    def test_unknown_kinds(self, kind: object) -> None:
        """Kinds must be SessionKind members."""
        with pytest.raises(InvalidTypeError, match="kind"):
            make(kind=kind)

    def test_attendance_type(self) -> None:
        """Attendance must be an Attendance member."""
        with pytest.raises(InvalidTypeError, match="attendance"):
            make(attendance="attended")

    def test_empty_clinician(self) -> None:
        """A blank clinician id is refused; None means no clinician."""
        with pytest.raises(InvalidValueError, match="clinician"):
            make(clinician="  ")

    def test_errors_pickle(self) -> None:
        """Errors survive pickling with their attributes."""
        with pytest.raises(IopModelError) as info:
            make(duration=dt.timedelta(0))
        clone = pickle.loads(pickle.dumps(info.value))  # noqa: S301
        assert str(clone) == str(info.value)
        assert isinstance(clone, InvalidValueError)
        assert clone.field == "duration"


class TestValues:
    def test_frozen(self) -> None:
        """Sessions are immutable."""
        session = make()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            session.duration = dt.timedelta(hours=1)  # type: ignore[misc]

    def test_with_attendance_returns_new(self) -> None:
        """Recording attendance returns a new session; the original is unchanged."""
        session = make()
        attended = session.with_attendance(Attendance.ATTENDED)
        assert attended.attendance is Attendance.ATTENDED
        assert session.attendance is Attendance.SCHEDULED

    def test_fixed_offset_zone_allowed(self) -> None:
        """datetime.timezone offsets are aware and accepted."""
        assert make(start=dt.datetime(2026, 3, 2, 23, tzinfo=dt.UTC)).end.hour == 2

    @given(sessions())
    def test_derived_values(self, session: Session) -> None:
        """End is after start by exactly the duration; minutes are exact."""
        assert session.end > session.start
        assert session.end - session.start == session.duration
        assert session.minutes * 60 == session.duration.total_seconds()
        assert hash(session) == hash(attrs.evolve(session))

    def test_counting_is_data(self) -> None:
        """Mutual-support meetings do not count toward program hours by default."""
        counted = DEFAULT_STANDARD.counted_kinds
        assert SessionKind.MUTUAL_SUPPORT not in counted
        assert counted == frozenset(SessionKind) - {
            SessionKind.MUTUAL_SUPPORT,
            SessionKind.TOXICOLOGY_SCREEN,
        }
        assert Attendance.EXCUSED.is_scheduled
        assert not Attendance.CANCELLED.is_scheduled
        assert not Attendance.SCHEDULED.is_recorded


class TestFastPaths:
    @given(sessions(), attendances())
    def test_with_attendance_equals_evolve(
        self, session: Session, outcome: Attendance
    ) -> None:
        """The unchecked copy in with_attendance equals a fully validated evolve."""
        fast = session.with_attendance(outcome)
        slow = attrs.evolve(session, attendance=outcome)
        assert fast == slow
        assert hash(fast) == hash(slow)
        assert fast.minutes == slow.minutes
        assert repr(fast) == repr(slow)

    @given(session_templates())
    def test_expanded_sessions_equal_validated_ones(
        self, template: SessionTemplate
    ) -> None:
        """Sessions from template expansion equal sessions built with validation."""
        zone = ZoneInfo("America/New_York")
        for fast in expand_template(
            template, zone, dt.date(2026, 3, 1), dt.date(2026, 3, 22)
        ):
            slow = Session(
                kind=fast.kind,
                start=fast.start,
                duration=fast.duration,
                clinician=fast.clinician,
                telehealth=fast.telehealth,
                delivery=fast.delivery,
            )
            assert fast == slow
            assert fast.minutes == slow.minutes
