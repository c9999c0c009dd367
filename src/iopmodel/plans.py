"""Treatment plans: a patient's sessions, goals, reviews, aftercare and discharge.

A :class:`TreatmentPlan` is immutable; every change (add or cancel a session,
record attendance, revise or review the plan, add the aftercare plan,
discharge) returns a new plan. Plans are usually made from a program's schedule
with :meth:`TreatmentPlan.from_program`.

Patient ids are opaque strings chosen by your application; never put a
patient's name in them.

Day counting follows the midnight-census convention used for lengths of stay:
a plan from 2 February with discharge on 3 May lasts 90 days. The discharge
day itself is part of the validation window, so a final session that day counts.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import attrs

from iopmodel._validators import (
    aware_datetime,
    check_arg,
    instance_of,
    non_empty_str,
    optional_instance_of,
    optional_non_empty_str,
    optional_plain_date,
    plain_date,
    positive_int,
    to_tuple,
    tuple_of,
)
from iopmodel.authorizations import Authorization
from iopmodel.care import LevelOfCare
from iopmodel.diagnoses import Diagnosis
from iopmodel.errors import InvalidTypeError, InvalidValueError
from iopmodel.measures import Measure
from iopmodel.programs import MAX_SCHEDULE_DAYS, Program
from iopmodel.screens import Screen
from iopmodel.sessions import _BY_ORDER, Attendance, Session, SessionKind

if TYPE_CHECKING:
    from iopmodel.consent import Disclosure

__all__ = [
    "AftercarePlan",
    "DischargeReason",
    "Goal",
    "Intervention",
    "Objective",
    "PlanReview",
    "PlanRevision",
    "Problem",
    "TreatmentPlan",
]


class DischargeReason(enum.Enum):
    """Why treatment (or a placement) ended.

    Example:
        >>> from iopmodel import DischargeReason
        >>> DischargeReason("goals_met")
        <DischargeReason.GOALS_MET: 'goals_met'>
    """

    GOALS_MET = "goals_met"
    """Treatment goals were met."""
    LOWER_LEVEL_EFFECTIVE = "lower_level_effective"
    """A lower level of care can be provided effectively."""
    NOT_PROGRESSING = "not_progressing"
    """The patient is not progressing toward the goals."""
    AGAINST_ADVICE = "against_advice"
    """The patient left against clinical advice."""
    ADMINISTRATIVE = "administrative"
    """Administrative reasons (coverage, rule violations...)."""
    COMPLETED = "completed"
    """The planned course of treatment was completed."""
    TRANSFERRED = "transferred_or_referred"
    """Transferred or referred to another provider or level outside this episode."""
    LOST_CONTACT = "lost_contact"
    """The patient stopped attending and could not be reached."""
    MOVED = "moved"
    """The patient moved away."""
    INCARCERATED = "incarcerated"
    """The patient was incarcerated."""
    DIED = "died"
    """The patient died."""


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return to_tuple(value)


def _dates(value: Iterable[dt.date]) -> tuple[dt.date, ...]:
    return tuple(sorted(to_tuple(value)))


@attrs.frozen(kw_only=True)
class Intervention:
    """What the team will do toward an objective.

    Args:
        description: The intervention ("CBT relapse-prevention group").
        kind: Optional session kind that delivers it.
        frequency: Optional free-text frequency ("3 x weekly").

    Example:
        >>> from iopmodel import SessionKind
        >>> from iopmodel.plans import Intervention
        >>> Intervention(description="Relapse-prevention group",
        ...              kind=SessionKind.GROUP_THERAPY).kind.value
        'group_therapy'
    """

    description: str = attrs.field(validator=non_empty_str)
    kind: SessionKind | None = attrs.field(
        default=None, validator=optional_instance_of(SessionKind)
    )
    frequency: str | None = attrs.field(default=None, validator=optional_non_empty_str)


def _interventions(value: Iterable[Intervention]) -> tuple[Intervention, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class Objective:
    """A measurable step toward a goal, with a target date.

    Args:
        description: What will be measured ("3 negative screens in a row").
        target_date: When it should be achieved.
        interventions: How the team will help.
        achieved_on: When it was achieved, if it was.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.plans import Objective
        >>> Objective(description="Attend 2 NA meetings a week",
        ...           target_date=dt.date(2026, 4, 1)).achieved
        False
    """

    description: str = attrs.field(validator=non_empty_str)
    target_date: dt.date = attrs.field(validator=plain_date)
    interventions: tuple[Intervention, ...] = attrs.field(
        default=(), converter=_interventions, validator=tuple_of(Intervention)
    )
    achieved_on: dt.date | None = attrs.field(
        default=None, validator=optional_plain_date
    )

    @property
    def achieved(self) -> bool:
        """Whether the objective has been achieved."""
        return self.achieved_on is not None


def _objectives(value: Iterable[Objective]) -> tuple[Objective, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class Goal:
    """A goal for one problem, broken into measurable objectives.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.plans import Goal, Objective
        >>> goal = Goal(description="Sustained abstinence from alcohol",
        ...             objectives=[Objective(description="No use for 30 days",
        ...                                   target_date=dt.date(2026, 3, 31))])
        >>> len(goal.objectives)
        1
    """

    description: str = attrs.field(validator=non_empty_str)
    objectives: tuple[Objective, ...] = attrs.field(
        default=(), converter=_objectives, validator=tuple_of(Objective)
    )


def _goals(value: Iterable[Goal]) -> tuple[Goal, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class Problem:
    """A problem the plan addresses, with its goals.

    Example:
        >>> from iopmodel.plans import Goal, Problem
        >>> Problem(description="Alcohol use disorder, moderate",
        ...         goals=[Goal(description="Sustained abstinence")]).goals[0].description
        'Sustained abstinence'
    """

    description: str = attrs.field(validator=non_empty_str)
    goals: tuple[Goal, ...] = attrs.field(
        default=(), converter=_goals, validator=tuple_of(Goal)
    )


@attrs.frozen(kw_only=True)
class PlanReview:
    """A review of the plan with the patient, on a date.

    Args:
        on: The day of the review.
        by: Opaque id of the reviewer.
        note: Free text.
        recertification: Whether a physician also recertified the need for
            the level of care (Medicare IOP asks for it at least every 60
            days; rule ``REV002``).

    Example:
        >>> import datetime as dt
        >>> from iopmodel.plans import PlanReview
        >>> PlanReview(on=dt.date(2026, 3, 2), by="c-017").on
        datetime.date(2026, 3, 2)
    """

    on: dt.date = attrs.field(validator=plain_date)
    by: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    note: str = attrs.field(default="", validator=instance_of(str))
    recertification: bool = attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class PlanRevision:
    """A change to the plan: when, and what changed.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.plans import PlanRevision
        >>> PlanRevision(on=dt.date(2026, 3, 9), change="Added a weekly family session").change
        'Added a weekly family session'
    """

    on: dt.date = attrs.field(validator=plain_date)
    change: str = attrs.field(validator=non_empty_str)


@attrs.frozen(kw_only=True)
class AftercarePlan:
    """Continuing care after discharge.

    Args:
        level: The continuing-care level (often outpatient).
        mutual_support: Mutual-support meetings ("AA", "NA", "SMART Recovery").
        support_contacts: Opaque ids or roles of support contacts.
        follow_ups: Follow-up appointment dates, kept sorted.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import AftercarePlan, LevelOfCare
        >>> AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=["AA"],
        ...               follow_ups=[dt.date(2026, 6, 1), dt.date(2026, 5, 11)]).follow_ups
        (datetime.date(2026, 5, 11), datetime.date(2026, 6, 1))
    """

    level: LevelOfCare = attrs.field(validator=instance_of(LevelOfCare))
    mutual_support: tuple[str, ...] = attrs.field(
        default=(), converter=_texts, validator=tuple_of(str)
    )
    support_contacts: tuple[str, ...] = attrs.field(
        default=(), converter=_texts, validator=tuple_of(str)
    )
    follow_ups: tuple[dt.date, ...] = attrs.field(
        default=(), converter=_dates, validator=tuple_of(dt.date)
    )


def _sessions(value: Iterable[Session]) -> tuple[Session, ...]:
    items = to_tuple(value)
    for index, item in enumerate(items):
        if not isinstance(item, Session):
            raise InvalidTypeError(f"sessions[{index}]", item, "Session")
    return tuple(sorted(items, key=_BY_ORDER))


def _problems(value: Iterable[Problem]) -> tuple[Problem, ...]:
    return to_tuple(value)


def _reviews(value: Iterable[PlanReview]) -> tuple[PlanReview, ...]:
    return tuple(sorted(to_tuple(value), key=lambda r: r.on))


def _revisions(value: Iterable[PlanRevision]) -> tuple[PlanRevision, ...]:
    return tuple(sorted(to_tuple(value), key=lambda r: r.on))


def _diagnoses(value: Iterable[Diagnosis]) -> tuple[Diagnosis, ...]:
    return to_tuple(value)


def _measures(value: Iterable[Measure]) -> tuple[Measure, ...]:
    items = to_tuple(value)
    if all(isinstance(m, Measure) for m in items):
        return tuple(sorted(items, key=lambda m: (m.on, m.instrument)))
    return items  # the validator names the bad item


def _screens(value: Iterable[Screen]) -> tuple[Screen, ...]:
    items = to_tuple(value)
    if all(isinstance(s, Screen) for s in items):
        return tuple(sorted(items, key=lambda s: s.collected))
    return items


def _authorizations(value: Iterable[Authorization]) -> tuple[Authorization, ...]:
    items = to_tuple(value)
    if all(isinstance(a, Authorization) for a in items):
        return tuple(sorted(items, key=lambda a: (a.start, a.end)))
    return items


def _program(_instance: object, attribute: Any, value: Any) -> None:
    instance_of(Program)(_instance, attribute, value)


@attrs.frozen(kw_only=True)
class TreatmentPlan:
    """One patient's plan in one program.

    Args:
        patient_id: Opaque patient identifier (never a name).
        program: The program the patient attends.
        start: First day of treatment.
        planned_discharge: Planned discharge day, if known.
        sessions: The patient's sessions, kept sorted by start.
        therapist: Opaque id of the primary therapist.
        problems: Problems, each with goals, objectives and interventions.
        reviews: Plan reviews, kept sorted by date.
        revisions: Plan revisions, kept sorted by date.
        aftercare: The aftercare plan, once made.
        discharge_date: The day the patient was discharged.
        discharge_reason: Why; required together with *discharge_date*.
        diagnoses: ICD-10-CM diagnoses (see :mod:`iopmodel.diagnoses`).
        measures: Outcome measures, kept sorted by date (see
            :mod:`iopmodel.measures`).
        screens: Drug-screen results, kept sorted by collection day (see
            :mod:`iopmodel.screens`).
        authorizations: Payer authorizations, kept sorted by start (see
            :mod:`iopmodel.authorizations`).
        part2: Whether the plan is 42 CFR Part 2 data even though its program
            is not marked so (records received from a Part 2 program). Plans
            in a Part 2 program always are (see :mod:`iopmodel.consent`).

    Raises:
        InvalidValueError: Dates out of order, sessions before *start* or
            recorded after discharge, a discharge date without a reason, or
            dates more than :data:`~iopmodel.programs.MAX_SCHEDULE_DAYS` days after
            *start* (the window a plan is validated over is bounded like a
            schedule).
        InvalidTypeError: Values of the wrong type.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-0001",
        ...                                   start=dt.date(2026, 2, 2), days=90)
        >>> len(plan.sessions), plan.planned_discharge, plan.planned_days
        (52, datetime.date(2026, 5, 3), 90)
    """

    patient_id: str = attrs.field(validator=non_empty_str)
    program: Program = attrs.field(validator=_program)
    start: dt.date = attrs.field(validator=plain_date)
    planned_discharge: dt.date | None = attrs.field(
        default=None, validator=optional_plain_date
    )
    sessions: tuple[Session, ...] = attrs.field(default=(), converter=_sessions)
    therapist: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    problems: tuple[Problem, ...] = attrs.field(
        default=(), converter=_problems, validator=tuple_of(Problem)
    )
    reviews: tuple[PlanReview, ...] = attrs.field(
        default=(), converter=_reviews, validator=tuple_of(PlanReview)
    )
    revisions: tuple[PlanRevision, ...] = attrs.field(
        default=(), converter=_revisions, validator=tuple_of(PlanRevision)
    )
    aftercare: AftercarePlan | None = attrs.field(
        default=None, validator=optional_instance_of(AftercarePlan)
    )
    discharge_date: dt.date | None = attrs.field(
        default=None, validator=optional_plain_date
    )
    discharge_reason: DischargeReason | None = attrs.field(
        default=None, validator=optional_instance_of(DischargeReason)
    )
    diagnoses: tuple[Diagnosis, ...] = attrs.field(
        default=(), converter=_diagnoses, validator=tuple_of(Diagnosis)
    )
    measures: tuple[Measure, ...] = attrs.field(
        default=(), converter=_measures, validator=tuple_of(Measure)
    )
    screens: tuple[Screen, ...] = attrs.field(
        default=(), converter=_screens, validator=tuple_of(Screen)
    )
    authorizations: tuple[Authorization, ...] = attrs.field(
        default=(), converter=_authorizations, validator=tuple_of(Authorization)
    )
    part2: bool = attrs.field(default=False, validator=instance_of(bool))

    def __attrs_post_init__(self) -> None:
        if self.planned_discharge is not None and self.planned_discharge <= self.start:
            raise InvalidValueError(
                "planned_discharge",
                self.planned_discharge,
                f"must be after start {self.start}",
            )
        if self.discharge_date is not None and self.discharge_date < self.start:
            raise InvalidValueError(
                "discharge_date",
                self.discharge_date,
                f"must not be before start {self.start}",
            )
        if (self.discharge_date is None) != (self.discharge_reason is None):
            raise InvalidValueError(
                "discharge_reason",
                self.discharge_reason,
                "must be given exactly when discharge_date is",
            )
        last = self.start + dt.timedelta(days=MAX_SCHEDULE_DAYS)
        for field in ("planned_discharge", "discharge_date"):
            day = getattr(self, field)
            if day is not None and day > last:
                raise InvalidValueError(
                    field, day, f"must be at most {MAX_SCHEDULE_DAYS} days after start"
                )
        zone = self.program.timezone
        first_ordinal, last_ordinal = self.start.toordinal(), last.toordinal()
        if self.discharge_date is not None:
            last_ordinal = min(last_ordinal, self.discharge_date.toordinal())
        for index, session in enumerate(self.sessions):
            moment = session.start
            if moment.tzinfo is not zone:
                moment = moment.astimezone(zone)
            if first_ordinal <= moment.toordinal() <= last_ordinal:
                continue  # the common case: nothing to check further
            day = moment.date()
            if day < self.start:
                raise InvalidValueError(
                    f"sessions[{index}].start",
                    session.start,
                    f"is before the plan start {self.start}",
                )
            if day > last:
                raise InvalidValueError(
                    f"sessions[{index}].start",
                    session.start,
                    f"is more than {MAX_SCHEDULE_DAYS} days after the plan start",
                )
            if (
                self.discharge_date is not None
                and day > self.discharge_date
                and session.attendance.is_recorded
                and session.attendance is not Attendance.CANCELLED
            ):
                raise InvalidValueError(
                    f"sessions[{index}].start",
                    session.start,
                    f"has recorded attendance after discharge on {self.discharge_date}",
                )

    def __repr__(self) -> str:
        state = (
            f"discharged {self.discharge_date} ({self.discharge_reason.value})"
            if self.discharge_date is not None and self.discharge_reason is not None
            else "active"
        )
        return (
            f"TreatmentPlan(patient_id={self.patient_id!r}, program={self.program.name!r}, "
            f"start={self.start}, sessions={len(self.sessions)}, {state})"
        )

    def _repr_html_(self) -> str:
        from iopmodel._html import plan_html  # noqa: PLC0415

        return plan_html(self)

    def to_dataframe(self, *, disclosure: Disclosure | None = None) -> Any:
        """The plan's sessions as a pandas DataFrame (needs the ``pandas`` extra).

        A plan that is 42 CFR Part 2 data needs a *disclosure* whose consent
        covers its schedule; the table then carries the 42 CFR 2.32 notice in
        ``frame.attrs["part2_disclosure"]`` (see :mod:`iopmodel.consent`).

        Raises:
            ConsentRequiredError: Part 2 data without a covering consent.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
            ...                                   start=dt.date(2026, 3, 2), days=7)
            >>> plan.to_dataframe()["minutes"].sum()
            np.int64(600)
        """
        from iopmodel.consent import RecordSection, require_disclosure  # noqa: PLC0415
        from iopmodel.tables import sessions_frame  # noqa: PLC0415

        used = require_disclosure(
            self, disclosure, what="treatment plan", sections=[RecordSection.SCHEDULE]
        )
        frame = sessions_frame(self.sessions, self.program.timezone)
        if used is not None:
            frame.attrs["part2_disclosure"] = used.envelope()
        return frame

    # -- construction ----------------------------------------------------------

    @classmethod
    def from_program(
        cls,
        program: Program,
        *,
        patient_id: str,
        start: dt.date,
        days: int = 90,
        therapist: str | None = None,
        skip: Iterable[dt.date] = (),
    ) -> TreatmentPlan:
        """Plan *days* days of a program's schedule for one patient.

        Sessions are the program's schedule for days in ``[start, start + days)``
        (skipping *skip* dates); the planned discharge is ``start + days``.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-0002",
            ...                                   start=dt.date(2026, 3, 2), days=7)
            >>> [s.start.strftime("%a") for s in plan.sessions]
            ['Mon', 'Tue', 'Wed', 'Thu']
        """
        check_arg(positive_int, "days", days)
        check_arg(plain_date, "start", start)
        if days > MAX_SCHEDULE_DAYS:
            raise InvalidValueError(
                "days", days, f"must be at most {MAX_SCHEDULE_DAYS} (MAX_SCHEDULE_DAYS)"
            )
        check_arg(non_empty_str, "patient_id", patient_id)
        check_arg(_program, "program", program)
        check_arg(optional_non_empty_str, "therapist", therapist)
        end = start + dt.timedelta(days=days)
        # The schedule's sessions are valid, sorted and inside [start, end): the
        # checks the public constructor would repeat hold by construction.
        return cls._trusted(
            patient_id=patient_id,
            program=program,
            start=start,
            planned_discharge=end,
            sessions=program._schedule(start, end, skip=skip),  # noqa: SLF001 - checked
            therapist=therapist,
        )

    @classmethod
    def _trusted(
        cls,
        *,
        patient_id: str,
        program: Program,
        start: dt.date,
        sessions: tuple[Session, ...],
        planned_discharge: dt.date | None = None,
        therapist: str | None = None,
        aftercare: AftercarePlan | None = None,
        discharge_date: dt.date | None = None,
        discharge_reason: DischargeReason | None = None,
    ) -> TreatmentPlan:
        """Build a plan from values already valid and sessions already sorted (no checks).

        For the package's own hot paths only (a simulation builds one plan per
        patient from a program's schedule it sliced itself).
        """
        plan = object.__new__(cls)
        for setter, value in zip(
            _GIVEN_SETTERS,
            (
                patient_id,
                program,
                start,
                planned_discharge,
                sessions,
                therapist,
                aftercare,
                discharge_date,
                discharge_reason,
            ),
            strict=True,
        ):
            setter(plan, value)
        for setter, value in _DEFAULT_VALUES:  # every other field keeps its default
            setter(plan, value)
        for setter, factory in _DEFAULT_FACTORIES:
            setter(plan, factory())
        return plan

    # -- queries ----------------------------------------------------------------

    @property
    def discharged(self) -> bool:
        """Whether the patient has been discharged."""
        return self.discharge_date is not None

    def window(self, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """The first and last day (inclusive) that weekly checks look at.

        From the start to the discharge date; for an open plan, to the planned
        discharge or the last session, whichever is later. *as_of* cuts an
        ongoing plan short (never before its start).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
            ...                                   start=dt.date(2026, 3, 2), days=28)
            >>> plan.window()
            (datetime.date(2026, 3, 2), datetime.date(2026, 3, 30))
            >>> plan.window(as_of=dt.date(2026, 3, 15))[1]
            datetime.date(2026, 3, 15)
        """
        check_arg(optional_plain_date, "as_of", as_of)
        return self._window(as_of)

    def _window(self, as_of: dt.date | None) -> tuple[dt.date, dt.date]:
        """:meth:`window` for *as_of* already checked."""
        first = self.start
        last = self.discharge_date
        if last is None:
            last = first
            if self.planned_discharge is not None and self.planned_discharge > last:
                last = self.planned_discharge
            if self.sessions:  # sorted by start: the last one is the latest
                latest = self.sessions[-1].start
                zone = self.program.timezone
                day = (
                    latest if latest.tzinfo is zone else latest.astimezone(zone)
                ).date()
                last = max(last, day)
        if as_of is not None:
            last = max(first, min(last, as_of))
        return first, last

    @property
    def planned_days(self) -> int | None:
        """Planned length in days (discharge, or planned discharge, minus start)."""
        end = self.discharge_date or self.planned_discharge
        return None if end is None else (end - self.start).days

    # -- changes ----------------------------------------------------------------

    def add_session(self, session: Session) -> TreatmentPlan:
        """Return a plan with *session* added (kept in order).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Session, SessionKind, TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan(patient_id="p-1", program=evening_iop(),
            ...                      start=dt.date(2026, 3, 2))
            >>> extra = Session(kind=SessionKind.FAMILY_THERAPY,
            ...                 start=dt.datetime(2026, 3, 6, 16, tzinfo=plan.program.timezone),
            ...                 duration=dt.timedelta(hours=1))
            >>> len(plan.add_session(extra).sessions)
            1
        """
        return attrs.evolve(self, sessions=(*self.sessions, session))

    def record_attendance(
        self, session: Session | dt.datetime, attendance: Attendance
    ) -> TreatmentPlan:
        """Return a plan with *attendance* recorded for one session.

        Args:
            session: The session, or its start if only one session starts then.
            attendance: The outcome to record.

        Raises:
            InvalidValueError: If no session (or more than one) matches, or
                the session was cancelled by the program.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Attendance, TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-3",
            ...                                   start=dt.date(2026, 3, 2), days=7)
            >>> first = plan.sessions[0]
            >>> plan.record_attendance(first, Attendance.ATTENDED).sessions[0].attendance.value
            'attended'
        """
        check_arg(instance_of(Attendance), "attendance", attendance)
        index = self._locate(session)
        current = self.sessions[index]
        if (
            current.attendance is Attendance.CANCELLED
            and attendance is not Attendance.CANCELLED
        ):
            raise InvalidValueError(
                "session",
                current.start,
                "was cancelled by the program; add a new session with "
                "add_session() to record attendance",
            )
        updated = self.sessions[index].with_attendance(attendance)
        return attrs.evolve(
            self,
            sessions=(*self.sessions[:index], updated, *self.sessions[index + 1 :]),
        )

    def cancel_session(self, session: Session | dt.datetime) -> TreatmentPlan:
        """Return a plan with one session cancelled by the program."""
        return self.record_attendance(session, Attendance.CANCELLED)

    def revise(self, on: dt.date, change: str) -> TreatmentPlan:
        """Return a plan with a revision recorded.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan(patient_id="p-4", program=evening_iop(),
            ...                      start=dt.date(2026, 3, 2))
            >>> plan.revise(dt.date(2026, 3, 20), "Added family therapy").revisions[0].change
            'Added family therapy'
        """
        return attrs.evolve(
            self, revisions=(*self.revisions, PlanRevision(on=on, change=change))
        )

    def review(
        self,
        on: dt.date,
        *,
        by: str | None = None,
        note: str = "",
        recertification: bool = False,
    ) -> TreatmentPlan:
        """Return a plan with a review recorded on *on*.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(),
            ...                      start=dt.date(2026, 3, 2))
            >>> plan.review(dt.date(2026, 4, 20), recertification=True).reviews[0].recertification
            True
        """
        review = PlanReview(on=on, by=by, note=note, recertification=recertification)
        return attrs.evolve(self, reviews=(*self.reviews, review))

    def record(
        self, *items: Diagnosis | Measure | Screen | Authorization
    ) -> TreatmentPlan:
        """Return a plan with diagnoses, measures, screens or authorizations added.

        Raises:
            InvalidTypeError: For anything else.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import TreatmentPlan
            >>> from iopmodel.diagnoses import Diagnosis
            >>> from iopmodel.examples import evening_iop
            >>> from iopmodel.measures import AUDIT_C
            >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(),
            ...                      start=dt.date(2026, 3, 2))
            >>> plan = plan.record(Diagnosis(code="F10.20"),
            ...                    AUDIT_C.score({"1": 4, "2": 3, "3": 2}, on=dt.date(2026, 3, 2)))
            >>> plan.diagnoses[0].code, plan.measures[0].total
            ('F10.20', 9)
        """
        fields: dict[str, list[Any]] = {
            "diagnoses": list(self.diagnoses),
            "measures": list(self.measures),
            "screens": list(self.screens),
            "authorizations": list(self.authorizations),
        }
        homes = (
            (Diagnosis, "diagnoses"),
            (Measure, "measures"),
            (Screen, "screens"),
            (Authorization, "authorizations"),
        )
        for index, item in enumerate(items):
            home = next((name for cls, name in homes if isinstance(item, cls)), None)
            if home is None:
                raise InvalidTypeError(
                    f"items[{index}]",
                    item,
                    "Diagnosis, Measure, Screen or Authorization",
                )
            fields[home].append(item)
        return attrs.evolve(self, **fields)  # type: ignore[arg-type]

    def with_aftercare(self, aftercare: AftercarePlan) -> TreatmentPlan:
        """Return a plan with its aftercare plan set."""
        return attrs.evolve(self, aftercare=aftercare)

    def discharge(self, on: dt.date, reason: DischargeReason) -> TreatmentPlan:
        """Return the plan discharged on *on* for *reason*.

        Sessions after *on* that have no recorded outcome are removed (they
        will not happen); a recorded session after *on* is an error.

        Raises:
            InvalidValueError: Already discharged, *on* before the start, or a
                recorded session after *on*.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import DischargeReason, TreatmentPlan
            >>> from iopmodel.examples import evening_iop
            >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-5",
            ...                                   start=dt.date(2026, 3, 2), days=14)
            >>> done = plan.discharge(dt.date(2026, 3, 8), DischargeReason.LOWER_LEVEL_EFFECTIVE)
            >>> len(plan.sessions), len(done.sessions), done.discharged
            (8, 4, True)
        """
        if self.discharge_date is not None:
            raise InvalidValueError(
                "discharge_date", on, f"already discharged on {self.discharge_date}"
            )
        zone = self.program.timezone
        kept = tuple(
            s
            for s in self.sessions
            if s.attendance.is_recorded or s.start.astimezone(zone).date() <= on
        )
        return attrs.evolve(
            self, sessions=kept, discharge_date=on, discharge_reason=reason
        )

    def _locate(self, target: Session | dt.datetime) -> int:
        # Instants, not wall times: 01:30 EDT and 01:30 EST are different sessions.
        if isinstance(target, Session):
            matches = [
                i
                for i, s in enumerate(self.sessions)
                if s.order_key == target.order_key
            ]
            what: object = target.start
        elif isinstance(target, dt.datetime):
            check_arg(aware_datetime, "session", target)
            instant = target.astimezone(dt.UTC)
            matches = [
                i for i, s in enumerate(self.sessions) if s.order_key[0] == instant
            ]
            what = target
        else:
            raise InvalidTypeError("session", target, "Session or datetime")
        if len(matches) != 1:
            problem = (
                "matches no session" if not matches else "matches several sessions"
            )
            raise InvalidValueError("session", what, problem)
        return matches[0]


# The trusted constructor writes the slots through their descriptors: the
# fields it is given, in its argument order, then every other field's default.
_GIVEN: Final = (
    "patient_id",
    "program",
    "start",
    "planned_discharge",
    "sessions",
    "therapist",
    "aftercare",
    "discharge_date",
    "discharge_reason",
)
_GIVEN_SETTERS: Final = tuple(TreatmentPlan.__dict__[name].__set__ for name in _GIVEN)
_DEFAULTED_FIELDS: Final = tuple(
    f
    for f in attrs.fields(TreatmentPlan)
    if f.init and f.default is not attrs.NOTHING and f.name not in _GIVEN
)
_DEFAULT_VALUES: Final = tuple(
    (TreatmentPlan.__dict__[f.name].__set__, f.default)
    for f in _DEFAULTED_FIELDS
    if not isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
)
_DEFAULT_FACTORIES: Final = tuple(
    (TreatmentPlan.__dict__[f.name].__set__, f.default.factory)  # type: ignore[union-attr]
    for f in _DEFAULTED_FIELDS
    if isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
)
