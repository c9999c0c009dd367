"""Clinical-record rules: diagnoses, outcome measures, drug screens, authorizations.

Each check reads the plan's record (``diagnoses``,
``measures``, ``screens``, ``authorizations``) and its numbers from the
standard (measure cadence, MCIDs, screening cadence, authorization warning
window). Every rule has a precondition, so plans that keep no such record are
not judged (the rule is listed as skipped, with the reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Final

from iopmodel.authorizations import Authorization
from iopmodel.diagnoses import DiagnosisCategory, ProgramFocus, co_occurring
from iopmodel.measures import Measure
from iopmodel.reports import Severity
from iopmodel.rules.course import _gaps
from iopmodel.rules.engine import Observation, Subject
from iopmodel.sessions import Session

__all__ = [
    "check_authorization_coverage",
    "check_authorization_ending",
    "check_authorization_units",
    "check_co_occurring_fit",
    "check_measure_cadence",
    "check_measure_worsening",
    "check_screen_cadence",
    "check_unknown_codes",
]


# -- diagnoses ---------------------------------------------------------------------


def _diagnoses_precondition(subject: Subject, _params: None) -> str | None:
    """Diagnosis rules apply to plans that record diagnoses.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _diagnoses_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2))
        >>> _diagnoses_precondition(Subject.of(plan, DEFAULT_RULES), None)
        'the plan records no diagnoses'
    """
    if subject.plan is None or not subject.plan.diagnoses:
        return "the plan records no diagnoses"
    return None


def check_unknown_codes(subject: Subject, _params: None) -> Iterator[Observation]:
    """Codes outside the shipped ICD-10-CM table are well-formed but unchecked.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.diagnoses import Diagnosis
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_unknown_codes
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2),
        ...                      diagnoses=[Diagnosis(code="F10.20"), Diagnosis(code="F15.921")])
        >>> [o.message for o in check_unknown_codes(Subject.of(plan, DEFAULT_RULES), None)]
        ["F15.921 is well-formed but not in iopmodel's table of ICD-10-CM codes: check it
        against the current code set"]
    """
    plan = subject.plan
    if plan is None:
        return
    for index, diagnosis in enumerate(plan.diagnoses):
        if not diagnosis.known:
            yield Observation(
                message=f"{diagnosis.code} is well-formed but not in iopmodel's table "
                "of ICD-10-CM codes: check it against the current code set",
                path=f"$.diagnoses[{index}].code",
            )


def _co_occurring_precondition(subject: Subject, _params: None) -> str | None:
    """DX002 needs diagnoses and a program whose focus is recorded.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.diagnoses import Diagnosis
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _co_occurring_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2),
        ...                      diagnoses=[Diagnosis(code="F10.20")])
        >>> _co_occurring_precondition(Subject.of(plan, DEFAULT_RULES), None)
        "the program's focus is not recorded"
    """
    reason = _diagnoses_precondition(subject, None)
    if reason is not None:
        return reason
    if subject.program is None or subject.program.focus is None:
        return "the program's focus is not recorded"
    return None


def check_co_occurring_fit(subject: Subject, _params: None) -> Iterator[Observation]:
    """Co-occurring disorders are treated in a program that can address both.

    Example:
        >>> import datetime as dt
        >>> import attrs
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.diagnoses import Diagnosis, ProgramFocus
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_co_occurring_fit
        >>> sud_only = attrs.evolve(evening_iop(), focus=ProgramFocus.SUBSTANCE_USE)
        >>> plan = TreatmentPlan(patient_id="p", program=sud_only, start=dt.date(2026, 3, 2),
        ...                      diagnoses=[Diagnosis(code="F10.20"),
        ...                                 Diagnosis(code="F33.1", rank="secondary")])
        >>> [o.message for o in check_co_occurring_fit(Subject.of(plan, DEFAULT_RULES), None)]
        ['co-occurring substance-use and mental-health diagnoses in a substance_use program that
        is not co-occurring capable or enhanced']
    """
    plan, program = subject.plan, subject.program
    if plan is None or program is None or program.focus is None:
        return
    on = subject.last_day
    if not co_occurring(plan.diagnoses, on):
        return
    if program.focus is ProgramFocus.CO_OCCURRING or program.co_occurring is not None:
        return
    yield Observation(
        message="co-occurring substance-use and mental-health diagnoses in a "
        f"{program.focus.value} program that is not co-occurring capable or enhanced",
        path="$.diagnoses",
    )


# -- outcome measures --------------------------------------------------------------


def _program_measures_precondition(subject: Subject, _params: None) -> str | None:
    """MSR001 applies to plans in programs that name their outcome measures.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _program_measures_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2))
        >>> _program_measures_precondition(Subject.of(plan, DEFAULT_RULES), None)
        'the program names no outcome measures'
    """
    if subject.program is None or not subject.program.measures:
        return "the program names no outcome measures"
    return None


def check_measure_cadence(subject: Subject, _params: None) -> Iterator[Observation]:
    """Each of the program's measures is given at intake and then on the cadence.

    Example:
        >>> import datetime as dt
        >>> import attrs
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.measures import PHQ_9
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_measure_cadence
        >>> program = attrs.evolve(evening_iop(), measures=["phq-9", "audit-c"])
        >>> plan = TreatmentPlan(patient_id="p", program=program, start=dt.date(2026, 3, 2),
        ...                      planned_discharge=dt.date(2026, 5, 1),
        ...                      measures=[PHQ_9.score({str(i): 1 for i in range(1, 10)},
        ...                                            on=dt.date(2026, 3, 3))])
        >>> for o in check_measure_cadence(Subject.of(plan, DEFAULT_RULES), None):
        ...     print(o.message)
        phq-9 overdue since 2026-04-02: none since 2026-03-03 (59 days by 2026-05-01; due every
        30 days)
        no audit-c at intake: due by 2026-03-09 (within 7 days of the start)
    """
    plan, program, end = subject.plan, subject.program, subject.last_day
    if plan is None or program is None or end is None:
        return
    standard = subject.standard
    intake = standard.measure_intake_days
    due = plan.start + dt.timedelta(days=int(intake.value))
    for instrument in program.measures:
        days = sorted({m.on for m in plan.measures if m.instrument == instrument})
        first = next((d for d in days if d <= due), None)
        if first is None:
            if end >= due:
                yield Observation(
                    message=f"no {instrument} at intake: due by {due.isoformat()} "
                    f"(within {intake.value} days of the start)",
                    path="$.measures",
                    citation=intake.source,
                )
            if not days:
                continue
            first = days[0]
        yield from _gaps(
            max(first, plan.start),
            days,
            end,
            standard.measure_every_days,
            instrument,
            path="$.measures",
        )


def _measures_precondition(subject: Subject, _params: None) -> str | None:
    """MSR002 applies to plans that record measures.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _measures_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2))
        >>> _measures_precondition(Subject.of(plan, DEFAULT_RULES), None)
        'the plan records no outcome measures'
    """
    if subject.plan is None or not subject.plan.measures:
        return "the plan records no outcome measures"
    return None


def _worse_by(before: Measure, after: Measure) -> int:
    known = after.registered
    higher_is_worse = True if known is None else known.higher_is_worse
    change = after.total - before.total
    return change if higher_is_worse else -change


def check_measure_worsening(subject: Subject, _params: None) -> Iterator[Observation]:
    """A score worse than the previous one by at least the instrument's MCID.

    Instruments without an MCID in the standard are not judged.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.measures import Measure
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_measure_worsening
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2),
        ...                      planned_discharge=dt.date(2026, 5, 1),
        ...                      measures=[
        ...                          Measure(instrument="phq-9", on=dt.date(2026, 3, 2), total=8),
        ...                          Measure(instrument="phq-9", on=dt.date(2026, 4, 1), total=14)])
        >>> [o.message for o in check_measure_worsening(Subject.of(plan, DEFAULT_RULES), None)]
        ['phq-9 worsened by 6 points from 2026-03-02 to 2026-04-01 (8 to 14), at least the
        minimal clinically important difference of 5 points (Lowe 2004)']
    """
    plan, end = subject.plan, subject.last_day
    if plan is None:
        return
    previous: dict[str, tuple[int, Measure]] = {}
    for index, measure in enumerate(plan.measures):
        if end is not None and measure.on > end:
            continue
        mcid = subject.standard.mcid(measure.instrument)
        before = previous.get(measure.instrument)
        previous[measure.instrument] = (index, measure)
        if mcid is None or before is None:
            continue
        worse = _worse_by(before[1], measure)
        if worse >= mcid.value:
            yield Observation(
                message=f"{measure.instrument} worsened by {worse} points from "
                f"{before[1].on.isoformat()} to {measure.on.isoformat()} "
                f"({before[1].total} to {measure.total}), at least the minimal "
                f"clinically important difference of {mcid} ({mcid.source.short})",
                path=f"$.measures[{index}]",
                citation=mcid.source,
            )


# -- drug screens ------------------------------------------------------------------


def _screens_precondition(subject: Subject, _params: None) -> str | None:
    """TOX001 applies to substance-use treatment: the program's focus, or a diagnosis.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _screens_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2))
        >>> _screens_precondition(Subject.of(plan, DEFAULT_RULES), None)
        'neither the program nor the diagnoses show substance-use treatment'
    """
    plan, program = subject.plan, subject.program
    if plan is None or program is None:
        return "applies to plans only"
    if program.focus is not None and program.focus.treats_substance_use:
        return None
    if any(d.category is DiagnosisCategory.SUBSTANCE_USE for d in plan.diagnoses):
        return None
    return "neither the program nor the diagnoses show substance-use treatment"


def check_screen_cadence(subject: Subject, _params: None) -> Iterator[Observation]:
    """Drug use is monitored: a screen at least every so many days.

    Example:
        >>> import datetime as dt
        >>> import attrs
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.diagnoses import ProgramFocus
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_screen_cadence
        >>> from iopmodel.screens import Screen
        >>> program = attrs.evolve(evening_iop(), focus=ProgramFocus.SUBSTANCE_USE)
        >>> plan = TreatmentPlan(patient_id="p", program=program, start=dt.date(2026, 3, 2),
        ...                      planned_discharge=dt.date(2026, 3, 23),
        ...                      screens=[Screen(collected=dt.date(2026, 3, 4), panel="urine",
        ...                                      results={"alcohol": "negative"})])
        >>> [o.message for o in check_screen_cadence(Subject.of(plan, DEFAULT_RULES), None)]
        ['drug screen overdue since 2026-03-11: none since 2026-03-04 (19 days by 2026-03-23;
        due every 7 days)']
    """
    plan, end = subject.plan, subject.last_day
    if plan is None or end is None:
        return
    yield from _gaps(
        plan.start,
        [s.collected for s in plan.screens],
        end,
        subject.standard.screen_every_days,
        "drug screen",
        path="$.screens",
    )


# -- authorizations ----------------------------------------------------------------


def _authorizations_precondition(subject: Subject, _params: None) -> str | None:
    """Authorization rules apply to plans that record authorizations.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _authorizations_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2))
        >>> _authorizations_precondition(Subject.of(plan, DEFAULT_RULES), None)
        'the plan records no authorizations'
    """
    if subject.plan is None or not subject.plan.authorizations:
        return "the plan records no authorizations"
    return None


def _billable(subject: Subject) -> list[tuple[dt.date, Session]]:
    """(local day, session) of every scheduled program session in the window."""
    plan, end = subject.plan, subject.last_day
    if plan is None or end is None:
        return []
    zone = plan.program.timezone
    counted = subject.counted_kinds
    found = []
    for session in plan.sessions:
        if not session.attendance.is_scheduled or session.kind not in counted:
            continue
        day = session.start.astimezone(zone).date()
        if day <= end:
            found.append((day, session))
    return found


def _matching(subject: Subject) -> tuple[Authorization, ...]:
    plan = subject.plan
    if plan is None:
        return ()
    return tuple(a for a in plan.authorizations if a.level is plan.program.level)


def check_authorization_coverage(
    subject: Subject, _params: None
) -> Iterator[Observation]:
    """Every scheduled program session falls inside an authorization of the level.

    Uncovered sessions are reported in runs of consecutive uncovered visit days.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.authorizations import Authorization
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_authorization_coverage
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
        ...                                   start=dt.date(2026, 3, 2), days=14)
        >>> plan = plan.record(Authorization(payer="Acme", level=plan.program.level,
        ...                                  start=dt.date(2026, 3, 2),
        ...                                  end=dt.date(2026, 3, 8), units=10))
        >>> [o.message for o in check_authorization_coverage(Subject.of(plan, DEFAULT_RULES), None)]
        ['4 sessions on 4 days from 2026-03-09 to 2026-03-12 are outside every
        intensive_outpatient authorization']
    """
    plan = subject.plan
    if plan is None:
        return
    authorizations = _matching(subject)
    runs: list[list[tuple[dt.date, Session]]] = []
    covered_since_last = True
    for day, session in sorted(_billable(subject), key=lambda pair: pair[0]):
        if any(a.covers(day) for a in authorizations):
            covered_since_last = True
            continue
        if covered_since_last or not runs:
            runs.append([])
        runs[-1].append((day, session))
        covered_since_last = False
    for run in runs:
        days = sorted({day for day, _ in run})
        yield Observation(
            message=f"{len(run)} sessions on {len(days)} days from "
            f"{days[0].isoformat()} to {days[-1].isoformat()} are outside every "
            f"{plan.program.level.key} authorization",
            path="$.authorizations",
        )


def check_authorization_units(subject: Subject, _params: None) -> Iterator[Observation]:
    """Sessions inside an authorization use no more units than it grants.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.authorizations import Authorization
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_authorization_units
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
        ...                                   start=dt.date(2026, 3, 2), days=14)
        >>> plan = plan.record(Authorization(payer="Acme", level=plan.program.level,
        ...                                  start=dt.date(2026, 3, 2),
        ...                                  end=dt.date(2026, 3, 15), units=6))
        >>> [o.message for o in check_authorization_units(Subject.of(plan, DEFAULT_RULES), None)]
        ['Acme authorization from 2026-03-02 to 2026-03-15: 8 days scheduled, over the 6
        authorized']
    """
    plan = subject.plan
    if plan is None:
        return
    sessions = [session for _, session in _billable(subject)]
    for index, authorization in enumerate(plan.authorizations):
        if authorization.level is not plan.program.level:
            continue
        used = authorization.units_used(
            sessions, plan.program.timezone, subject.counted_kinds
        )
        if used > authorization.units:
            yield Observation(
                message=f"{authorization.payer} authorization from "
                f"{authorization.start.isoformat()} to {authorization.end.isoformat()}: "
                f"{used} {authorization.unit.value} scheduled, over the "
                f"{authorization.units} authorized",
                path=f"$.authorizations[{index}]",
            )


def _ending_precondition(subject: Subject, _params: None) -> str | None:
    """AUTH003 needs authorizations and the day of the check (*as_of*).

    Example:
        >>> import datetime as dt
        >>> from iopmodel import LevelOfCare, TreatmentPlan
        >>> from iopmodel.authorizations import Authorization
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import _ending_precondition
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2),
        ...                      authorizations=[Authorization(
        ...                          payer="Acme", level=LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                          start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 31),
        ...                          units=12)])
        >>> _ending_precondition(Subject.of(plan, DEFAULT_RULES), None)
        'needs the day of the check (as_of)'
    """
    reason = _authorizations_precondition(subject, None)
    if reason is not None:
        return reason
    if subject.as_of is None:
        return "needs the day of the check (as_of)"
    return None


def check_authorization_ending(
    subject: Subject, _params: None
) -> Iterator[Observation]:
    """An authorization of the level ends soon and no later one continues it.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.authorizations import Authorization
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.record import check_authorization_ending
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
        ...                                   start=dt.date(2026, 3, 2), days=60)
        >>> plan = plan.record(Authorization(payer="Acme", level=plan.program.level,
        ...                                  start=dt.date(2026, 3, 2),
        ...                                  end=dt.date(2026, 3, 31), units=20))
        >>> subject = Subject.of(plan, DEFAULT_RULES, as_of=dt.date(2026, 3, 26))
        >>> [o.message for o in check_authorization_ending(subject, None)]
        ['Acme authorization ends on 2026-03-31, 5 days after 2026-03-26, and no later
        authorization continues it']
    """
    plan, as_of = subject.plan, subject.as_of
    if plan is None or as_of is None:
        return
    window = int(subject.standard.authorization_warning_days.value)
    matching = _matching(subject)
    for index, authorization in enumerate(plan.authorizations):
        if authorization not in matching:
            continue
        left = (authorization.end - as_of).days
        if not 0 <= left <= window:
            continue
        next_day = authorization.end + dt.timedelta(days=1)
        renewed = any(other.covers(next_day) for other in matching)
        if renewed:
            continue
        yield Observation(
            message=f"{authorization.payer} authorization ends on "
            f"{authorization.end.isoformat()}, {left} days after {as_of.isoformat()}, "
            "and no later authorization continues it",
            path=f"$.authorizations[{index}]",
            severity=Severity.INFO,
        )


# -- what batch validation needs to know (internal) ---------------------------------

#: The record checks: they read the plan's record, never its weeks.
_RECORD_CHECKS: Final = frozenset(
    {
        check_unknown_codes,
        check_co_occurring_fit,
        check_measure_cadence,
        check_measure_worsening,
        check_screen_cadence,
        check_authorization_coverage,
        check_authorization_units,
        check_authorization_ending,
    }
)
#: Record checks that also read the plan's sessions (never without authorizations).
_READS_SESSIONS: Final = frozenset(
    {check_authorization_coverage, check_authorization_units}
)
#: The record preconditions that read the program only.
_PROGRAM_ONLY: Final = frozenset({_program_measures_precondition})
#: Preconditions that read the plan's record, the program and the day of the
#: check, never the plan's weeks or dates: for a plan without a record their
#: answer depends on the program only.
_RECORD_PRECONDITIONS: Final = frozenset(
    {
        _authorizations_precondition,
        _co_occurring_precondition,
        _diagnoses_precondition,
        _ending_precondition,
        _measures_precondition,
        _screens_precondition,
    }
)
