"""Session templates, RRULE handling and program schedules across DST."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    Attendance,
    InvalidValueError,
    LevelOfCare,
    Population,
    Program,
    SessionKind,
    SessionTemplate,
    UnknownCodeError,
)
from iopmodel.errors import InvalidTypeError
from iopmodel.examples import adolescent_iop, day_php, evening_iop
from iopmodel.programs import MAX_SCHEDULE_DAYS
from iopmodel.schedules import expand_template, localize
from iopmodel.standards import DEFAULT_STANDARD
from iopmodel.strategies import programs, session_templates

NY = ZoneInfo("America/New_York")
HOUR = dt.timedelta(hours=1)


def template(rrule: str, hours: int = 3, **changes: object) -> SessionTemplate:
    fields: dict[str, object] = {
        "kind": SessionKind.GROUP_THERAPY,
        "rrule": rrule,
        "start_time": dt.time(18),
        "duration": hours * HOUR,
    }
    fields.update(changes)
    return SessionTemplate(**fields)  # type: ignore[arg-type]


def program(*templates: SessionTemplate, tz: str = "America/New_York") -> Program:
    return Program(
        name="Test IOP",
        level=LevelOfCare.INTENSIVE_OUTPATIENT,
        population=Population.ADULT,
        timezone=tz,
        templates=templates,
    )


class TestArticleShapes:
    """Source article: 'about three hours at a time, three or four days a week'."""

    def test_three_by_three_is_nine_hours(self) -> None:
        """3 h x 3 days = 9 h."""
        assert program(template("FREQ=WEEKLY;BYDAY=MO,WE,TH")).weekly_hours == 9

    def test_three_by_four_is_twelve_hours(self) -> None:
        """3 h x 4 days = 12 h."""
        assert program(template("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH")).weekly_hours == 12

    def test_hours_are_exact(self) -> None:
        """Three 50-minute sessions are exactly 2.5 h, not 2.4999."""
        p = program(
            template(
                "FREQ=WEEKLY;BYDAY=MO,WE,FR", duration=50 * dt.timedelta(minutes=1)
            )
        )
        assert p.weekly_hours == Fraction(5, 2)

    def test_mutual_support_does_not_count(self) -> None:
        """An AA meeting in the template list adds no program hours."""
        p = program(
            template("FREQ=WEEKLY;BYDAY=MO,WE,TH"),
            template("FREQ=WEEKLY;BYDAY=SA", kind=SessionKind.MUTUAL_SUPPORT),
        )
        assert p.weekly_hours == 9
        assert len(p.cycle().sessions) == 4

    def test_bundled_examples(self) -> None:
        """The example programs have the hours their docs state."""
        assert evening_iop().weekly_hours == 10
        assert adolescent_iop().weekly_hours == 8
        assert day_php().weekly_hours == 21


class TestRRule:
    @pytest.mark.parametrize(
        ("rrule", "problem"),
        [
            ("", "empty"),
            ("FREQ=WEEKLY;BYDAY=XX", "valid RFC 5545"),
            ("FREQ=FORTNIGHTLY", "valid RFC 5545"),
            ("BYDAY=MO", "FREQ is required"),
            ("FREQ=HOURLY", "finer than daily"),
            ("FREQ=DAILY;BYHOUR=9", "BYHOUR"),
            ("FREQ=DAILY;COUNT=3;UNTIL=20260301", "COUNT and UNTIL"),
            ("FREQ=DAILY;UNTIL=20260301Z", "UNTIL in UTC must be a date-time"),
            ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "DTSTART"),
            ("FREQ=DAILY;COLOR=RED", "unknown RRULE part"),
            ("FREQ=DAILY;FREQ=WEEKLY", "twice"),
            ("FREQ=DAILY;BYDAY", "malformed"),
        ],
    )
    def test_malformed_rules(self, rrule: str, problem: str) -> None:
        """Malformed or unsupported rules raise InvalidValueError naming rrule."""
        with pytest.raises(InvalidValueError, match=problem) as info:
            template(rrule)
        assert info.value.field == "rrule"

    def test_rrule_prefix_and_case(self) -> None:
        """'RRULE:' prefixes and lower case are normalized."""
        assert template("rrule:freq=weekly;byday=mo").rrule == "FREQ=WEEKLY;BYDAY=MO"

    def test_rrule_not_text(self) -> None:
        """An rrule that is not text is refused."""
        with pytest.raises(InvalidValueError, match="rrule"):
            template(42)  # type: ignore[arg-type]

    def test_start_time_is_wall_time(self) -> None:
        """A start_time with tzinfo is refused: the program's zone applies."""
        with pytest.raises(InvalidValueError, match="start_time"):
            template("FREQ=DAILY", start_time=dt.time(18, tzinfo=dt.UTC))

    def test_interval_and_count(self) -> None:
        """INTERVAL and COUNT are anchored on the schedule's first day."""
        biweekly = program(template("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=3"))
        starts = [
            s.start.date()
            for s in biweekly.schedule(dt.date(2026, 1, 5), dt.date(2026, 6, 1))
        ]
        assert starts == [
            dt.date(2026, 1, 5),
            dt.date(2026, 1, 19),
            dt.date(2026, 2, 2),
        ]

    def test_until_is_local(self) -> None:
        """UNTIL in local wall time stops the recurrence."""
        p = program(template("FREQ=DAILY;UNTIL=20260104T235959"))
        assert len(p.schedule(dt.date(2026, 1, 1), dt.date(2026, 2, 1))) == 4


class TestProgramInvariants:
    def test_unknown_zone(self) -> None:
        """A zone name that is not IANA raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="Mars/Olympus"):
            program(tz="Mars/Olympus")

    def test_fixed_offset_is_not_a_zone(self) -> None:
        """A fixed offset is not an IANA zone: weeks and DST need the real zone."""
        with pytest.raises(InvalidTypeError, match="timezone"):
            Program(
                name="x",
                level=LevelOfCare.OUTPATIENT,
                population=Population.ADULT,
                timezone=dt.UTC,  # type: ignore[arg-type]
            )

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("name", " ", InvalidValueError),
            ("level", "intensive_outpatient", InvalidTypeError),
            ("population", "adult", InvalidTypeError),
            ("capacity", 0, InvalidValueError),
            ("capacity", True, InvalidTypeError),
            ("recommended_minimum_days", -90, InvalidValueError),
            ("templates", ["FREQ=DAILY"], InvalidTypeError),
        ],
    )
    def test_rejects(self, field: str, value: object, error: type[Exception]) -> None:
        """Each field's meaningless values raise an error naming the field."""
        fields: dict[str, object] = {
            "name": "x",
            "level": LevelOfCare.OUTPATIENT,
            "population": Population.ADULT,
            "timezone": "UTC",
            field: value,
        }
        with pytest.raises(error, match=field):
            Program(**fields)  # type: ignore[arg-type]

    def test_repr_is_short(self) -> None:
        """Repr shows the essentials on one line."""
        text = repr(evening_iop())
        assert text == (
            "Program(name='Evening IOP', level=intensive_outpatient, population=adult, "
            "timezone='America/New_York', templates=2, weekly_hours=10)"
        )


class TestSchedule:
    def test_ninety_days_across_dst(self) -> None:
        """A 90-day evening IOP keeps 18:00 local while the UTC offset changes."""
        sessions = evening_iop().schedule(dt.date(2026, 2, 2), dt.date(2026, 5, 3))
        groups = [s for s in sessions if s.kind is SessionKind.GROUP_THERAPY]
        assert {s.start.time() for s in groups} == {dt.time(18)}
        assert {s.start.utcoffset() for s in groups} == {-5 * HOUR, -4 * HOUR}
        assert (dt.date(2026, 5, 3) - dt.date(2026, 2, 2)).days == 90
        assert len(groups) == 13 * 3  # 12 full weeks and Mon-Sat of a 13th
        assert len(sessions) == len(groups) + 13

    def test_window_is_half_open(self) -> None:
        """Sessions on the end date are excluded, those on the start included."""
        sessions = program(template("FREQ=DAILY")).schedule(
            dt.date(2026, 1, 1), dt.date(2026, 1, 3)
        )
        assert [s.start.day for s in sessions] == [1, 2]

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
            (dt.date(2026, 1, 2), dt.date(2026, 1, 1)),
            (
                dt.date(2026, 1, 1),
                dt.date(2026, 1, 1) + dt.timedelta(MAX_SCHEDULE_DAYS + 1),
            ),
        ],
    )
    def test_bad_windows(self, start: dt.date, end: dt.date) -> None:
        """Empty, reversed and unbounded windows are refused."""
        with pytest.raises(InvalidValueError, match="end"):
            evening_iop().schedule(start, end)

    def test_window_must_be_dates(self) -> None:
        """Datetimes are not dates: the window is in local calendar days."""
        with pytest.raises(InvalidTypeError, match="start"):
            evening_iop().schedule(
                dt.datetime(2026, 1, 1, tzinfo=NY), dt.date(2026, 2, 1)
            )

    def test_cancel_and_move(self) -> None:
        """Cancelled occurrences stay with CANCELLED; moved ones change start only."""
        p = evening_iop()
        monday = dt.datetime(2026, 3, 2, 18, tzinfo=NY)
        wednesday = dt.datetime(2026, 3, 4, 18, tzinfo=NY)
        friday = dt.datetime(2026, 3, 6, 18, tzinfo=dt.UTC)
        week = p.schedule(
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 9),
            cancel=[monday],
            move={wednesday: friday},
        )
        by_start = {s.start: s for s in week}
        assert by_start[monday].attendance is Attendance.CANCELLED
        assert wednesday not in by_start
        moved = by_start[friday]
        assert moved.start.tzinfo is p.timezone
        assert moved.start.hour == 13
        assert [s.start for s in week] == sorted(s.start for s in week)

    @pytest.mark.parametrize("field", ["cancel", "move"])
    def test_unmatched_exceptions_raise(self, field: str) -> None:
        """A cancellation or move that matches nothing is an error, not a no-op."""
        nowhere = dt.datetime(2026, 3, 3, 9, tzinfo=NY)
        kwargs: dict[str, object] = (
            {"cancel": [nowhere]} if field == "cancel" else {"move": {nowhere: nowhere}}
        )
        with pytest.raises(InvalidValueError, match=field):
            evening_iop().schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 9), **kwargs)  # type: ignore[arg-type]

    def test_move_to_naive_time(self) -> None:
        """Moving to a naive datetime is refused."""
        monday = dt.datetime(2026, 3, 2, 18, tzinfo=NY)
        with pytest.raises(InvalidValueError, match="move"):
            evening_iop().schedule(
                dt.date(2026, 3, 2),
                dt.date(2026, 3, 9),
                move={monday: dt.datetime(2026, 3, 6, 18)},
            )

    def test_expansion_is_cached(self) -> None:
        """Expanding the same template over the same window twice reuses the result."""
        p = evening_iop()
        expand_template.cache_clear()
        first = p.schedule(dt.date(2027, 1, 4), dt.date(2027, 4, 4))
        hits_before = expand_template.cache_info().hits
        misses = expand_template.cache_info().misses
        second = p.schedule(dt.date(2027, 1, 4), dt.date(2027, 4, 4))
        assert first == second
        assert expand_template.cache_info().misses == misses
        assert expand_template.cache_info().hits > hits_before

    def test_a_short_window_of_a_large_design_expands_only_the_window(self) -> None:
        """Blocks are for small programs: 1,000 daily templates for one day cost one day."""
        templates = [
            template("FREQ=DAILY", start_time=dt.time(m // 60, m % 60))
            for m in range(1000)
        ]
        large = program(*templates)
        expand_template.cache_clear()
        sessions = large.schedule(dt.date(2027, 1, 4), dt.date(2027, 1, 5))
        assert len(sessions) == 1000
        assert expand_template.cache_info().currsize == 1000  # no 13-week blocks

    def test_windows_starting_on_other_days_share_the_expansion(self) -> None:
        """Patients starting on different days slice the same cached blocks."""
        p = evening_iop()
        assert all(t.start_independent for t in p.templates)
        expand_template.cache_clear()
        p.schedule(dt.date(2027, 1, 4), dt.date(2027, 4, 4))
        misses = expand_template.cache_info().misses
        for offset in range(1, 30):
            start = dt.date(2027, 1, 4) + dt.timedelta(days=offset)
            p.schedule(start, start + dt.timedelta(days=60))
        assert expand_template.cache_info().misses == misses

    def test_dst_gap_is_normalized(self) -> None:
        """A wall time inside the spring-forward gap moves past it (RFC 5545)."""
        assert localize(dt.datetime(2026, 3, 8, 2, 30), NY).time() == dt.time(3, 30)
        early = program(template("FREQ=DAILY", start_time=dt.time(2, 30)))
        sessions = early.schedule(dt.date(2026, 3, 7), dt.date(2026, 3, 10))
        assert [s.start.time() for s in sessions] == [
            dt.time(2, 30),
            dt.time(3, 30),
            dt.time(2, 30),
        ]
        assert sessions[1].start.utcoffset() == -4 * HOUR

    def test_fall_back_uses_first_occurrence(self) -> None:
        """An ambiguous wall time is its first occurrence (fold=0, RFC 5545)."""
        aware = localize(dt.datetime(2026, 11, 1, 1, 30), NY)
        assert aware.utcoffset() == -4 * HOUR


@st.composite
def windows(draw: st.DrawFn) -> tuple[dt.date, int]:
    start = draw(
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31))
    )
    weeks = draw(st.integers(min_value=1, max_value=30))
    return start, weeks


class TestScheduleProperties:
    @given(programs(weekly_only=True), windows(), st.data())
    def test_weekly_hours_equal_any_full_week(
        self, program_: Program, window: tuple[dt.date, int], data: st.DataObject
    ) -> None:
        """A program's weekly hours equal its sessions' hours in any full week."""
        start, weeks = window
        sessions = program_.schedule(start, start + dt.timedelta(weeks=weeks))
        week = data.draw(st.integers(min_value=0, max_value=weeks - 1))
        first = start + dt.timedelta(weeks=week)
        minutes = sum(
            s.minutes
            for s in sessions
            if first <= s.start.date() < first + dt.timedelta(7)
            and s.kind in DEFAULT_STANDARD.counted_kinds
        )
        assert Fraction(minutes, 60) == program_.weekly_hours

    @given(programs(weekly_only=False), windows(), st.data())
    def test_sorted_aware_inside_window(
        self, program_: Program, window: tuple[dt.date, int], data: st.DataObject
    ) -> None:
        """Sessions are sorted, in the program's zone, inside the window, not skipped."""
        start, weeks = window
        end = start + dt.timedelta(weeks=weeks)
        days = [start + dt.timedelta(n) for n in range((end - start).days)]
        skip = data.draw(st.lists(st.sampled_from(days), max_size=10))
        sessions = program_.schedule(start, end, skip=skip)
        assert [s.start for s in sessions] == sorted(s.start for s in sessions)
        for s in sessions:
            assert s.start.tzinfo is program_.timezone
            assert start <= s.start.date() < end
            assert s.start.date() not in skip

    @given(
        programs(weekly_only=False),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31)),
        st.integers(min_value=1, max_value=400),
    )
    def test_sliced_blocks_equal_expanding_the_window(
        self, program_: Program, start: dt.date, days: int
    ) -> None:
        """Schedules sliced from shared 13-week blocks are the window's own expansion.

        Start-independent templates are expanded once per aligned block and
        sliced; every template expanded over exactly ``[start, end)`` must give
        the same sessions.
        """
        end = start + dt.timedelta(days=days)
        direct = sorted(
            (
                session
                for template_ in program_.templates
                for session in expand_template(template_, program_.timezone, start, end)
            ),
            key=lambda s: s.order_key,
        )
        sessions = program_.schedule(start, end)
        assert list(sessions) == direct
        assert [s.start for s in sessions] == [s.start for s in direct]

    @given(session_templates(), windows(), st.sampled_from(["America/New_York",
           "Europe/London", "Australia/Sydney", "America/Santiago"]))  # fmt: skip
    def test_local_start_times_unchanged_across_dst(
        self, template_: SessionTemplate, window: tuple[dt.date, int], zone: str
    ) -> None:
        """In every week, DST-change weeks included, local start times are unchanged."""
        start, _ = window
        sessions = program(template_, tz=zone).schedule(
            start, start + dt.timedelta(days=400)
        )
        assert {s.start.time() for s in sessions} <= {template_.start_time}
        if sessions and sessions[-1].start - sessions[0].start > dt.timedelta(days=366):
            # a year of sessions in a DST zone has seen both offsets
            assert len({s.start.utcoffset() for s in sessions}) == 2


def _rfc(year: int, month: int, days: list[int]) -> list[dt.date]:
    return [dt.date(year, month, d) for d in days]


class TestRfc5545WeeklyExamples:
    """RFC 5545 section 3.8.5.3, the weekly examples, in America/New_York.

    The RFC's DTSTART is 1997-09-02 09:00 New York time (1997-09-01 for the
    Monday/Wednesday/Friday example); UNTIL is given in UTC (``...Z``) as
    section 3.3.10 requires when the start has a time zone.
    """

    NY = ZoneInfo("America/New_York")

    def dates(self, rrule: str, start: dt.date) -> list[dt.date]:
        design = Program(
            name="RFC 5545",
            level=LevelOfCare.INTENSIVE_OUTPATIENT,
            population=Population.ADULT,
            timezone=self.NY,
            templates=[template(rrule, start_time=dt.time(9))],
        )
        sessions = design.schedule(start, dt.date(1998, 3, 1))
        assert all(s.start.time() == dt.time(9) for s in sessions)  # wall time kept
        return [s.start.date() for s in sessions]

    def test_weekly_for_ten_occurrences(self) -> None:
        """RRULE:FREQ=WEEKLY;COUNT=10."""
        assert self.dates("FREQ=WEEKLY;COUNT=10", dt.date(1997, 9, 2)) == [
            *_rfc(1997, 9, [2, 9, 16, 23, 30]),
            *_rfc(1997, 10, [7, 14, 21, 28]),
            *_rfc(1997, 11, [4]),
        ]

    def test_weekly_until_december_24(self) -> None:
        """RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z (across the DST change)."""
        assert self.dates(
            "FREQ=WEEKLY;UNTIL=19971224T000000Z", dt.date(1997, 9, 2)
        ) == [
            *_rfc(1997, 9, [2, 9, 16, 23, 30]),
            *_rfc(1997, 10, [7, 14, 21, 28]),
            *_rfc(1997, 11, [4, 11, 18, 25]),
            *_rfc(1997, 12, [2, 9, 16, 23]),
        ]

    def test_every_other_week(self) -> None:
        """RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU (forever; first ten)."""
        dates = self.dates("FREQ=WEEKLY;INTERVAL=2;WKST=SU", dt.date(1997, 9, 2))
        assert dates[:10] == [
            *_rfc(1997, 9, [2, 16, 30]),
            *_rfc(1997, 10, [14, 28]),
            *_rfc(1997, 11, [11, 25]),
            *_rfc(1997, 12, [9, 23]),
            *_rfc(1998, 1, [6]),
        ]

    @pytest.mark.parametrize(
        "rrule",
        [
            "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
            "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        ],
    )
    def test_tuesday_and_thursday_for_five_weeks(self, rrule: str) -> None:
        """Both RFC forms give the same ten dates."""
        assert self.dates(rrule, dt.date(1997, 9, 2)) == [
            *_rfc(1997, 9, [2, 4, 9, 11, 16, 18, 23, 25, 30]),
            *_rfc(1997, 10, [2]),
        ]

    def test_every_other_week_monday_wednesday_friday(self) -> None:
        """FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR."""
        rrule = "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR"
        assert self.dates(rrule, dt.date(1997, 9, 1)) == [
            *_rfc(1997, 9, [1, 3, 5, 15, 17, 19, 29]),
            *_rfc(1997, 10, [1, 3, 13, 15, 17, 27, 29, 31]),
            *_rfc(1997, 11, [10, 12, 14, 24, 26, 28]),
            *_rfc(1997, 12, [8, 10, 12, 22]),
        ]

    def test_every_other_week_tuesday_thursday_eight_times(self) -> None:
        """FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH."""
        rrule = "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH"
        assert self.dates(rrule, dt.date(1997, 9, 2)) == [
            *_rfc(1997, 9, [2, 4, 16, 18, 30]),
            *_rfc(1997, 10, [2, 14, 16]),
        ]

    @pytest.mark.parametrize(
        ("wkst", "expected"),
        [("MO", [5, 10, 19, 24]), ("SU", [5, 17, 19, 31])],
    )
    def test_week_start_changes_the_result(
        self, wkst: str, expected: list[int]
    ) -> None:
        """FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO vs WKST=SU."""
        rrule = f"FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST={wkst}"
        assert self.dates(rrule, dt.date(1997, 8, 5)) == _rfc(1997, 8, expected)

    def test_floating_until_still_works(self) -> None:
        """A floating UNTIL (no Z) is local wall time, as before."""
        dates = self.dates("FREQ=WEEKLY;UNTIL=19970916T090000", dt.date(1997, 9, 2))
        assert dates == _rfc(1997, 9, [2, 9, 16])

    def test_utc_until_is_an_instant(self) -> None:
        """UNTIL=...T130000Z is 09:00 EDT: the 09:00 session that day is included.

        One second earlier, it is not.
        """
        dates = self.dates("FREQ=WEEKLY;UNTIL=19970916T130000Z", dt.date(1997, 9, 2))
        assert dates[-1] == dt.date(1997, 9, 16)
        dates = self.dates("FREQ=WEEKLY;UNTIL=19970916T125959Z", dt.date(1997, 9, 2))
        assert dates[-1] == dt.date(1997, 9, 9)
