"""Calendars: a program's schedule as recurring events, read back independently."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    Attendance,
    LevelOfCare,
    Population,
    Program,
    SessionKind,
    SessionTemplate,
    TreatmentPlan,
)
from iopmodel import strategies as ios
from iopmodel.examples import evening_iop
from iopmodel.ics import program_to_ics, to_ics

# Across the US (8 March) and EU (29 March) daylight-saving changes of 2026.
START, END = dt.date(2026, 2, 23), dt.date(2026, 4, 13)


def expanded(data: bytes) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """The events an independent library expands from the file, in order."""
    calendar = icalendar.Calendar.from_ical(data)
    # moved occurrences may land a day past the window: look two days further
    events = recurring_ical_events.of(calendar).between(START, END + dt.timedelta(2))
    found = [(e["DTSTART"].dt, e["DTEND"].dt, str(e["SUMMARY"])) for e in events]
    return sorted(found)


def vtimezone_bytes(data: bytes) -> int:
    text = data.decode()
    first = text.index("BEGIN:VTIMEZONE")
    last = text.rindex("END:VTIMEZONE") + len("END:VTIMEZONE\r\n")
    return last - first


@st.composite
def schedules(draw: st.DrawFn) -> tuple[Program, dict[str, Any]]:
    """A program and exceptions: skipped days, cancelled and moved sessions."""
    program = draw(ios.programs(weekly_only=False))
    sessions = program.schedule(START, END)
    days = sorted({s.start.date() for s in sessions})
    skip = (
        draw(st.lists(st.sampled_from(days), max_size=3, unique=True)) if days else []
    )
    kept = [s for s in sessions if s.start.date() not in skip]
    chosen = (
        draw(st.lists(st.sampled_from(kept), max_size=4, unique=True)) if kept else []
    )
    half = len(chosen) // 2
    cancel = [s.start for s in chosen[:half]]
    shift = draw(
        st.sampled_from([dt.timedelta(hours=2), dt.timedelta(days=1, hours=-1)])
    )
    move = {s.start: s.start + shift for s in chosen[half:]}
    return program, {"skip": skip, "cancel": cancel, "move": move}


class TestProgramCalendar:
    @given(schedules())
    def test_expands_to_the_schedule_across_dst(
        self, case: tuple[Program, dict[str, Any]]
    ) -> None:
        """recurring-ical-events gives exactly Program.schedule's sessions (not cancelled)."""
        program, exceptions = case
        sessions = program.schedule(START, END, **exceptions)
        data = program_to_ics(program, START, END, **exceptions)
        got = expanded(data)
        expected = sorted(
            (s.start, s.end)
            for s in sessions
            if s.attendance is not Attendance.CANCELLED
        )
        assert [(start, end) for start, end, _ in got] == expected
        # Same wall time and offset, not only the same instant:
        assert [start.isoformat() for start, _, _ in got] == [
            start.isoformat() for start, _ in expected
        ]
        assert {title for _, _, title in got} <= {
            t.title or t.kind.value.replace("_", " ").capitalize()
            for t in program.templates
        }

    def test_one_event_per_template_titled_by_the_template(self) -> None:
        """Title: the template's own name; description: the program, never a patient."""
        program = evening_iop()
        data = program_to_ics(program, START, END)
        calendar = icalendar.Calendar.from_ical(data)
        events = list(calendar.walk("VEVENT"))
        assert [str(e["SUMMARY"]) for e in events] == [
            t.title for t in program.templates
        ]
        assert {str(e["DESCRIPTION"]).split(":")[0] for e in events} == {program.name}

    def test_exceptions(self) -> None:
        """Skipped and cancelled dates are EXDATEs; a moved session is a RECURRENCE-ID."""
        program = evening_iop()
        zone = program.timezone
        cancelled = dt.datetime(2026, 3, 9, 18, tzinfo=zone)
        moved = dt.datetime(2026, 3, 11, 18, tzinfo=zone)
        data = program_to_ics(
            program,
            START,
            END,
            skip=[dt.date(2026, 3, 5)],
            cancel=[cancelled],
            move={moved: moved + dt.timedelta(hours=1)},
        ).decode()
        assert "EXDATE;TZID=America/New_York:20260305T180000,20260309T180000" in data
        assert "RECURRENCE-ID;TZID=America/New_York:20260311T180000" in data
        assert "DTSTART;TZID=America/New_York:20260311T190000" in data

    def test_time_zone_block_is_cut_to_the_dates(self) -> None:
        """The VTIMEZONE covers the calendar's dates, not the zone's whole history."""
        data = program_to_ics(evening_iop(), START, END)
        text = data.decode()
        assert vtimezone_bytes(data) < 600
        assert text.count("BEGIN:DAYLIGHT") == 1  # the one change inside the window

    def test_wall_time_in_the_spring_forward_gap(self) -> None:
        """02:30 on the day clocks skip it: the same start instant in both readings.

        (recurring-ical-events adds the duration to the nonexistent wall time, so
        its end differs on that day; the start, which calendars show, agrees.)
        """
        program = Program(
            name="Night group",
            level=LevelOfCare.OUTPATIENT,
            population=Population.ADULT,
            timezone="America/New_York",
            templates=[
                SessionTemplate(
                    kind=SessionKind.GROUP_THERAPY,
                    rrule="FREQ=DAILY",
                    start_time=dt.time(2, 30),
                    duration=dt.timedelta(hours=1),
                )
            ],
        )
        sessions = program.schedule(START, END)
        got = expanded(program_to_ics(program, START, END))
        assert [start.astimezone(dt.UTC) for start, _, _ in got] == [
            s.start.astimezone(dt.UTC) for s in sessions
        ]

    def test_empty_window(self) -> None:
        """A window with no sessions gives a calendar with no events."""
        program = evening_iop()
        data = program_to_ics(
            program, dt.date(2026, 3, 1), dt.date(2026, 3, 2)
        )  # a Sunday
        assert b"BEGIN:VEVENT" not in data


class TestSessionCalendar:
    def test_plan_sessions_with_a_small_time_zone_block(self) -> None:
        """One event per session, the VTIMEZONE cut to the plan's dates."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p-1", start=dt.date(2026, 3, 2), days=7
        )
        data = to_ics(plan.sessions, calendar_name=plan.program.name)
        assert data.count(b"BEGIN:VEVENT") == 4
        assert vtimezone_bytes(data) < 600
        assert b"p-1" not in data
