"""Course-of-treatment rules: total length, aftercare, reviews, recertification.

The minimum total length (NIDA: about three months) counts treatment *in
total*, across an episode's placements: a plan that steps down after 45 days,
as the article says many do, is not short of anything by itself, so a single
plan's (or a design's) length is information, and the warning is given for an
:class:`~iopmodel.episodes.Episode` that ended too soon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator

import attrs

from iopmodel._validators import to_tuple, tuple_of
from iopmodel.plans import DischargeReason
from iopmodel.reports import Severity
from iopmodel.rules.engine import Observation, Subject
from iopmodel.standards import Threshold

__all__ = [
    "AftercareParams",
    "check_aftercare",
    "check_minimum_length",
    "check_recertification",
    "check_review_cadence",
]


def check_minimum_length(subject: Subject, _params: None) -> Iterator[Observation]:
    """Treatment lasts at least the standard's minimum total days.

    An ended episode shorter than the minimum is a warning. For a plan or a
    design, the length of one stay is reported as information when it is
    under the minimum, since the minimum counts all levels together.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import DischargeReason, Episode, LevelOfCare
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.course import check_minimum_length
        >>> e = Episode(patient_id="p").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                                   on=dt.date(2026, 3, 2))
        >>> e = e.discharge(dt.date(2026, 4, 16), DischargeReason.AGAINST_ADVICE)
        >>> for o in check_minimum_length(Subject.of(e, DEFAULT_RULES), None):
        ...     print(o.message)
        45 days in treatment in total, across 1 placement(s), under the 90 days recommended (NIDA)
    """
    threshold = subject.standard.minimum_total_days
    minimum = threshold.value
    episode = subject.episode
    if episode is not None:
        if episode.discharge_date is None:
            return
        total = episode.total_days()
        if total < minimum:
            yield Observation(
                message=f"{total} days in treatment in total, across "
                f"{len(episode.placements)} placement(s), under the {minimum} days "
                f"recommended ({threshold.source.short})",
                path="$.placements",
                citation=threshold.source,
            )
        return
    planned = subject.planned_days
    if planned is None:
        if subject.target == "plan":
            yield Observation(
                message="no discharge or planned discharge date: the length of "
                "treatment cannot be checked",
                path="$.planned_discharge",
                severity=Severity.INFO,
                citation=threshold.source,
            )
        return
    if planned < minimum:
        what = (
            "the recommended minimum length"
            if subject.target == "program"
            else "this plan"
        )
        yield Observation(
            message=f"{what} is {planned} days; {threshold.source.short} recommends "
            f"{minimum} days in treatment in total, so plan continuing care",
            path="$.planned_discharge"
            if subject.target == "plan"
            else "$.recommended_minimum_days",
            severity=Severity.INFO,
            citation=threshold.source,
        )


def _reasons(value: Iterable[DischargeReason]) -> frozenset[DischargeReason]:
    return frozenset(to_tuple(value))


@attrs.frozen(kw_only=True)
class AftercareParams:
    """Parameters of the aftercare rule (AFT001).

    Args:
        exempt_reasons: Discharge reasons for which no aftercare plan is
            required (none by default).

    Example:
        >>> from iopmodel import DischargeReason
        >>> from iopmodel.rules import AftercareParams
        >>> AftercareParams(exempt_reasons=[DischargeReason.AGAINST_ADVICE]).exempt_reasons
        frozenset({<DischargeReason.AGAINST_ADVICE: 'against_advice'>})
    """

    exempt_reasons: frozenset[DischargeReason] = attrs.field(
        default=frozenset(), converter=_reasons, validator=tuple_of(DischargeReason)
    )


def check_aftercare(subject: Subject, params: AftercareParams) -> Iterator[Observation]:
    """A discharged plan or episode has an aftercare plan.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import DischargeReason, Episode, LevelOfCare
        >>> from iopmodel.rules import AftercareParams, DEFAULT_RULES, Subject
        >>> from iopmodel.rules.course import check_aftercare
        >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
        >>> e = e.discharge(dt.date(2026, 6, 1), DischargeReason.AGAINST_ADVICE)
        >>> subject = Subject.of(e, DEFAULT_RULES)
        >>> [o.message for o in check_aftercare(subject, AftercareParams())]
        ['discharged on 2026-06-01 (against_advice) without an aftercare plan']
    """
    record = subject.episode if subject.episode is not None else subject.plan
    if record is None or record.discharge_date is None or record.aftercare is not None:
        return
    reason = record.discharge_reason
    if reason in params.exempt_reasons:
        return
    reason_text = "" if reason is None else f" ({reason.value})"
    yield Observation(
        message=f"discharged on {record.discharge_date.isoformat()}{reason_text} "
        "without an aftercare plan",
        path="$.aftercare",
    )


def _gaps(  # noqa: PLR0917 - one positional call shape shared by four rules
    start: dt.date,
    points: Collection[dt.date],
    end: dt.date,
    threshold: Threshold,
    what: str,
    path: str = "$.reviews",
) -> Iterator[Observation]:
    """Intervals longer than *threshold* days between *start*, *points* and *end*."""
    every = int(threshold.value)
    last = start
    for point in sorted({p for p in points if start < p <= end}) if points else ():
        gap = (point - last).days
        if gap > every:
            yield Observation(
                message=f"no {what} from {last.isoformat()} to {point.isoformat()} "
                f"({gap} days; due every {every} days)",
                path=path,
                citation=threshold.source,
            )
        last = point
    gap = (end - last).days
    if gap > every:
        due = last + dt.timedelta(days=every)
        yield Observation(
            message=f"{what} overdue since {due.isoformat()}: none since "
            f"{last.isoformat()} ({gap} days by {end.isoformat()}; due every "
            f"{every} days)",
            path=path,
            citation=threshold.source,
        )


def check_review_cadence(subject: Subject, _params: None) -> Iterator[Observation]:
    """The plan is reviewed (or revised) at least every so many days.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.course import check_review_cadence
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(),
        ...                      start=dt.date(2026, 3, 2), planned_discharge=dt.date(2026, 6, 1))
        >>> for o in check_review_cadence(Subject.of(plan, DEFAULT_RULES), None):
        ...     print(o.message)  # doctest: +NORMALIZE_WHITESPACE
        plan review overdue since 2026-05-01: none since 2026-03-02
        (91 days by 2026-06-01; due every 60 days)
    """
    plan = subject.plan
    if plan is None or subject.last_day is None:
        return
    points = [r.on for r in plan.reviews] + [r.on for r in plan.revisions]
    yield from _gaps(
        plan.start,
        points,
        subject.last_day,
        subject.standard.plan_review_every_days,
        "plan review",
    )


def _recertification_applies(subject: Subject, _params: None) -> str | None:
    """REV002 applies only under a standard with a recertification cadence.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.course import _recertification_applies
        >>> _recertification_applies(Subject.of(evening_iop(), DEFAULT_RULES), None)
        "standard 'default' has no recertification cadence"
    """
    if subject.standard.recertification_every_days is None:
        return f"standard {subject.standard.name!r} has no recertification cadence"
    return None


def check_recertification(subject: Subject, _params: None) -> Iterator[Observation]:
    """A physician recertifies the need for the level at least every so many days.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import MEDICARE_2024_RULES, Subject
        >>> from iopmodel.rules.course import check_recertification
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(),
        ...                      start=dt.date(2026, 3, 2), planned_discharge=dt.date(2026, 6, 1))
        >>> plan = plan.review(dt.date(2026, 4, 27), recertification=True)
        >>> list(check_recertification(Subject.of(plan, MEDICARE_2024_RULES), None))
        []
    """
    plan = subject.plan
    threshold = subject.standard.recertification_every_days
    if plan is None or threshold is None or subject.last_day is None:
        return
    points = [r.on for r in plan.reviews if r.recertification]
    yield from _gaps(
        plan.start, points, subject.last_day, threshold, "physician recertification"
    )
