"""Treatment plans: construction invariants and immutable changes."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    AftercarePlan,
    Attendance,
    DischargeReason,
    InvalidValueError,
    LevelOfCare,
    Program,
    Session,
    SessionKind,
    TreatmentPlan,
)
from iopmodel.errors import InvalidTypeError
from iopmodel.examples import evening_iop
from iopmodel.plans import Goal, Intervention, Objective, Problem
from iopmodel.strategies import programs, treatment_plans

PROGRAM = evening_iop()
NY = PROGRAM.timezone
MONDAY = dt.date(2026, 3, 2)


def plan(days: int = 14) -> TreatmentPlan:
    return TreatmentPlan.from_program(
        PROGRAM, patient_id="p-1", start=MONDAY, days=days
    )


class TestConstruction:
    def test_from_program(self) -> None:
        """A plan from a program holds its schedule and planned discharge."""
        p = plan(90)
        assert p.sessions == PROGRAM.schedule(MONDAY, MONDAY + dt.timedelta(90))
        assert p.planned_discharge == MONDAY + dt.timedelta(90)
        assert p.planned_days == 90
        assert not p.discharged

    def test_days_must_be_positive(self) -> None:
        """A plan of zero days is refused."""
        with pytest.raises(InvalidValueError, match="days"):
            TreatmentPlan.from_program(PROGRAM, patient_id="p", start=MONDAY, days=0)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"patient_id": " "}, "patient_id"),
            ({"planned_discharge": MONDAY}, "planned_discharge"),
            ({"discharge_date": MONDAY - dt.timedelta(1)}, "discharge_date"),
            ({"discharge_date": MONDAY + dt.timedelta(3)}, "discharge_reason"),
            ({"discharge_reason": DischargeReason.GOALS_MET}, "discharge_reason"),
            ({"start": dt.datetime(2026, 3, 2, tzinfo=NY)}, "start"),
        ],
    )
    def test_invariants(self, changes: dict[str, object], field: str) -> None:
        """Meaningless plans raise errors naming the field."""
        fields: dict[str, object] = {
            "patient_id": "p-1",
            "program": PROGRAM,
            "start": MONDAY,
        }
        fields.update(changes)
        with pytest.raises((InvalidValueError, InvalidTypeError), match=field):
            TreatmentPlan(**fields)  # type: ignore[arg-type]

    def test_session_before_start(self) -> None:
        """A session before the plan's start is refused, with its index."""
        early = Session(
            kind=SessionKind.GROUP_THERAPY,
            start=dt.datetime(2026, 3, 1, 18, tzinfo=NY),
            duration=dt.timedelta(hours=3),
        )
        with pytest.raises(InvalidValueError, match=r"sessions\[0\]\.start"):
            TreatmentPlan(
                patient_id="p", program=PROGRAM, start=MONDAY, sessions=[early]
            )

    def test_sessions_must_be_sessions(self) -> None:
        """Anything but a Session in the sessions is a type error with its index."""
        with pytest.raises(InvalidTypeError, match=r"sessions\[0\]"):
            TreatmentPlan(patient_id="p", program=PROGRAM, start=MONDAY, sessions=["x"])  # type: ignore[list-item]

    def test_recorded_session_after_discharge(self) -> None:
        """A session attended after discharge is a contradiction."""
        p = plan().record_attendance(plan().sessions[-1], Attendance.ATTENDED)
        with pytest.raises(InvalidValueError, match="after discharge"):
            attrs.evolve(
                p, discharge_date=MONDAY, discharge_reason=DischargeReason.GOALS_MET
            )

    def test_sessions_sorted(self) -> None:
        """Sessions are kept in start order whatever order they come in."""
        p = plan()
        shuffled = TreatmentPlan(
            patient_id="p-1",
            program=PROGRAM,
            start=MONDAY,
            planned_discharge=p.planned_discharge,
            sessions=reversed(p.sessions),
        )
        assert shuffled == p

    def test_problem_hierarchy(self) -> None:
        """Problems hold goals, objectives with target dates, and interventions."""
        problem = Problem(
            description="Alcohol use disorder",
            goals=[
                Goal(
                    description="Abstinence",
                    objectives=[
                        Objective(
                            description="30 days without alcohol",
                            target_date=dt.date(2026, 4, 1),
                            interventions=[
                                Intervention(
                                    description="Relapse-prevention group",
                                    kind=SessionKind.GROUP_THERAPY,
                                    frequency="3 x weekly",
                                )
                            ],
                        )
                    ],
                )
            ],
        )
        p = attrs.evolve(plan(), problems=[problem])
        objective = p.problems[0].goals[0].objectives[0]
        assert objective.interventions[0].kind is SessionKind.GROUP_THERAPY
        assert not objective.achieved
        assert attrs.evolve(objective, achieved_on=dt.date(2026, 3, 30)).achieved

    def test_repr(self) -> None:
        """The repr is one short line with the state."""
        assert repr(plan()) == (
            "TreatmentPlan(patient_id='p-1', program='Evening IOP', start=2026-03-02, "
            "sessions=8, active)"
        )
        done = plan().with_aftercare(AftercarePlan(level=LevelOfCare.OUTPATIENT))
        done = done.discharge(MONDAY + dt.timedelta(13), DischargeReason.GOALS_MET)
        assert repr(done).endswith("discharged 2026-03-15 (goals_met))")


class TestFromProgram:
    @given(
        programs(),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2034, 12, 31)),
        st.integers(min_value=1, max_value=200),
        st.none() | st.sampled_from(["Dr. Ortiz", "J. Lee"]),
    )
    def test_equals_the_public_constructor(
        self, program: Program, start: dt.date, days: int, therapist: str | None
    ) -> None:
        """The trusted build is the plan the public constructor makes, field by field."""
        end = start + dt.timedelta(days=days)
        plan = TreatmentPlan.from_program(
            program, patient_id="p-1", start=start, days=days, therapist=therapist
        )
        expected = TreatmentPlan(
            patient_id="p-1",
            program=program,
            start=start,
            planned_discharge=end,
            sessions=program.schedule(start, end),
            therapist=therapist,
        )
        assert attrs.asdict(plan, recurse=False) == attrs.asdict(
            expected, recurse=False
        )

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"patient_id": ""}, "patient_id"),
            ({"patient_id": 7}, "patient_id"),
            ({"program": "Evening IOP"}, "program"),
            ({"therapist": ""}, "therapist"),
        ],
    )
    def test_checks_what_it_is_given(
        self, change: dict[str, object], field: str
    ) -> None:
        """Bad arguments are refused with the field's name, as by the constructor."""
        arguments: dict[str, object] = {
            "program": evening_iop(),
            "patient_id": "p-1",
            "start": dt.date(2026, 3, 2),
        }
        arguments.update(change)
        with pytest.raises((InvalidTypeError, InvalidValueError), match=f"^{field}"):
            TreatmentPlan.from_program(**arguments)  # type: ignore[arg-type]


class TestChanges:
    def test_record_attendance(self) -> None:
        """Recording attendance changes one session and nothing else."""
        p = plan()
        target = p.sessions[2]
        updated = p.record_attendance(target, Attendance.ABSENT)
        assert updated.sessions[2].attendance is Attendance.ABSENT
        assert updated.sessions[:2] == p.sessions[:2]
        assert updated.sessions[3:] == p.sessions[3:]
        assert p.sessions[2].attendance is Attendance.SCHEDULED

    def test_record_by_start(self) -> None:
        """A session can be named by its start datetime."""
        p = plan()
        updated = p.record_attendance(p.sessions[0].start, Attendance.ATTENDED)
        assert updated.sessions[0].attendance is Attendance.ATTENDED
        again = updated.record_attendance(updated.sessions[0], Attendance.EXCUSED)
        assert again.sessions[0].attendance is Attendance.EXCUSED

    def test_record_unknown_session(self) -> None:
        """Naming a session the plan does not have is an error."""
        with pytest.raises(InvalidValueError, match="matches no session"):
            plan().record_attendance(
                dt.datetime(2026, 3, 2, 9, tzinfo=NY), Attendance.ATTENDED
            )
        with pytest.raises(InvalidTypeError, match="session"):
            plan().record_attendance("monday", Attendance.ATTENDED)  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError, match="attendance"):
            plan().record_attendance(plan().sessions[0], "attended")  # type: ignore[arg-type]

    def test_ambiguous_start(self) -> None:
        """Two sessions at one start need the session, not the datetime."""
        p = plan()
        twin = attrs.evolve(p.sessions[0], kind=SessionKind.CASE_MANAGEMENT)
        p = p.add_session(twin)
        with pytest.raises(InvalidValueError, match="several"):
            p.record_attendance(twin.start, Attendance.ATTENDED)
        result = p.record_attendance(twin, Attendance.ATTENDED)
        by_kind = {
            s.kind: s.attendance for s in result.sessions if s.start == twin.start
        }
        assert by_kind[SessionKind.CASE_MANAGEMENT] is Attendance.ATTENDED
        assert by_kind[SessionKind.GROUP_THERAPY] is Attendance.SCHEDULED

    def test_cancel(self) -> None:
        """Cancelling marks the session cancelled by the program."""
        p = plan().cancel_session(plan().sessions[1])
        assert p.sessions[1].attendance is Attendance.CANCELLED

    def test_reviews_and_revisions_sorted(self) -> None:
        """Reviews and revisions are kept in date order."""
        p = plan().review(dt.date(2026, 3, 20)).review(dt.date(2026, 3, 5), by="c-1")
        p = p.revise(dt.date(2026, 3, 10), "b").revise(dt.date(2026, 3, 3), "a")
        assert [r.on.day for r in p.reviews] == [5, 20]
        assert [r.change for r in p.revisions] == ["a", "b"]

    def test_discharge(self) -> None:
        """Discharge drops pending sessions after the day and keeps recorded ones."""
        p = plan().record_attendance(plan().sessions[0], Attendance.ATTENDED)
        done = p.discharge(MONDAY + dt.timedelta(days=2), DischargeReason.GOALS_MET)
        assert done.discharged
        assert done.discharge_reason is DischargeReason.GOALS_MET
        assert [s.start.day for s in done.sessions] == [2, 3, 4]
        assert done.planned_days == 2
        with pytest.raises(InvalidValueError, match="already discharged"):
            done.discharge(MONDAY + dt.timedelta(days=3), DischargeReason.GOALS_MET)

    @given(treatment_plans())
    def test_changes_do_not_mutate(self, p: TreatmentPlan) -> None:
        """Every change returns a new plan and leaves the original as it was."""
        before = attrs.evolve(p)
        p.record_attendance(p.sessions[0], Attendance.ATTENDED)
        p.cancel_session(p.sessions[-1])
        p.review(p.start + dt.timedelta(days=1))
        p.with_aftercare(
            AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=["NA"])
        )
        p.discharge(p.start + dt.timedelta(days=1), DischargeReason.ADMINISTRATIVE)
        assert p == before
        assert hash(p) == hash(before)
