"""Tables for notebooks: pandas DataFrames of sessions, weeks, findings and episodes.

pandas is an optional extra (``pip install "iopmodel[pandas]"``); it is
imported only when one of these functions runs, so ``import iopmodel`` stays
light. The same tables are available as methods:
:meth:`TreatmentPlan.to_dataframe() <iopmodel.plans.TreatmentPlan.to_dataframe>`,
:meth:`ValidationReport.to_dataframe() <iopmodel.reports.ValidationReport.to_dataframe>`
and :meth:`Episode.to_dataframe() <iopmodel.episodes.Episode.to_dataframe>`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from iopmodel._validators import (
    check_arg,
    collection_of,
    instance_of,
    optional_instance_of,
)
from iopmodel.errors import MissingExtraError

if TYPE_CHECKING:
    from iopmodel.consent import Disclosure
    from iopmodel.episodes import Episode
    from iopmodel.plans import TreatmentPlan
    from iopmodel.reports import ValidationReport
    from iopmodel.sessions import Session, SessionKind
    from iopmodel.weeks import WeekSummary

__all__ = [
    "episode_frame",
    "findings_frame",
    "measures_frame",
    "sessions_frame",
    "weeks_frame",
]


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")  # optional extra, typed as Any
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None


def sessions_frame(
    sessions: Iterable[Session],
    zone: dt.tzinfo | None = None,
    counted_kinds: Iterable[SessionKind] | None = None,
) -> Any:
    """One row per session: start, end, local day, kind, minutes, attendance...

    Args:
        sessions: The sessions.
        zone: Zone for the ``local_date`` and ``weekday`` columns (default: each
            session's own zone).
        counted_kinds: Kinds that count toward program hours, for the
            ``counts_toward_hours`` column (the default standard's by default).

    Example:
        >>> import datetime as dt
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.tables import sessions_frame
        >>> program = evening_iop()
        >>> frame = sessions_frame(program.schedule(dt.date(2026, 3, 2), dt.date(2026, 3, 9)))
        >>> frame[["weekday", "kind", "minutes"]].values.tolist()[:2]
        [['Mon', 'group_therapy', 180], ['Tue', 'individual_therapy', 60]]
    """
    from iopmodel.sessions import Session, SessionKind  # noqa: PLC0415
    from iopmodel.standards import DEFAULT_STANDARD  # noqa: PLC0415

    items = collection_of(Session, "sessions", sessions)
    check_arg(optional_instance_of(dt.tzinfo), "zone", zone)
    counted = frozenset(
        DEFAULT_STANDARD.counted_kinds
        if counted_kinds is None
        else collection_of(SessionKind, "counted_kinds", counted_kinds)
    )
    pd = _pandas()
    rows = []
    for s in items:
        local = s.start if zone is None else s.start.astimezone(zone)
        rows.append(
            {
                "start": s.start,
                "end": s.end,
                "local_date": local.date(),
                "weekday": f"{local:%a}",
                "kind": s.kind.value,
                "minutes": s.minutes,
                "attendance": s.attendance.value,
                "counts_toward_hours": s.kind in counted,
                "clinician": s.clinician,
                "telehealth": s.telehealth,
            }
        )
    columns = ["start", "end", "local_date", "weekday", "kind", "minutes", "attendance",
               "counts_toward_hours", "clinician", "telehealth"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def weeks_frame(weeks: Iterable[WeekSummary]) -> Any:
    """One row per calendar week, with hours as floats for plotting.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.weeks import summarize_weeks
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.tables import weeks_frame
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p",
        ...                                   start=dt.date(2026, 3, 2), days=14)
        >>> weeks = summarize_weeks(plan.sessions, plan.program.timezone,
        ...                         plan.start, dt.date(2026, 3, 15))
        >>> weeks_frame(weeks)["scheduled_hours"].tolist()
        [10.0, 10.0]
    """
    from iopmodel.weeks import WeekSummary  # noqa: PLC0415

    items = collection_of(WeekSummary, "weeks", weeks)
    pd = _pandas()
    rows = [
        {
            "week": w.start,
            "days_in_window": w.days_in_window,
            "full": w.full,
            "scheduled_hours": float(w.scheduled_hours),
            "attended_hours": float(w.attended_hours),
            "excluded_hours": w.excluded_minutes / 60,
            "individual_sessions": w.individual_sessions,
            "group_sessions": w.group_sessions,
            "visit_days": w.visit_days,
            "pending_sessions": w.pending_sessions,
        }
        for w in items
    ]
    return pd.DataFrame(rows)


def findings_frame(report: ValidationReport) -> Any:
    """One row per finding, with severity as an ordered category.

    Example:
        >>> from iopmodel import validate
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.tables import findings_frame
        >>> list(findings_frame(validate(evening_iop())).columns)
        ['rule_id', 'severity', 'message', 'week', 'cycle_week', 'path', 'source', 'citation']

    ``week`` is the dated week of a plan's finding; ``cycle_week`` the week of
    a design's cycle (1-based; designs have no dates).
    """
    from iopmodel.reports import ValidationReport  # noqa: PLC0415

    check_arg(instance_of(ValidationReport), "report", report)
    pd = _pandas()
    columns = [
        "rule_id",
        "severity",
        "message",
        "week",
        "cycle_week",
        "path",
        "source",
        "citation",
    ]
    frame = pd.DataFrame(report.to_records(), columns=columns)
    frame["severity"] = pd.Categorical(
        frame["severity"], categories=["info", "warning", "error"], ordered=True
    )
    return frame


def episode_frame(episode: Episode, *, disclosure: Disclosure | None = None) -> Any:
    """One row per placement (see :meth:`iopmodel.episodes.Episode.to_records`).

    An episode in a 42 CFR Part 2 program needs a *disclosure* whose consent
    covers it; the frame then carries the 42 CFR 2.32 notice in
    ``frame.attrs["part2_disclosure"]`` (see :mod:`iopmodel.consent`).

    Raises:
        ConsentRequiredError: Part 2 data without a covering consent.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import Episode, LevelOfCare
        >>> from iopmodel.tables import episode_frame
        >>> e = Episode(patient_id="p").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                                   on=dt.date(2026, 3, 2))
        >>> episode_frame(e)[["level", "start"]].values.tolist()
        [['intensive_outpatient', '2026-03-02']]
    """
    from iopmodel.consent import require_disclosure  # noqa: PLC0415
    from iopmodel.episodes import Episode  # noqa: PLC0415

    check_arg(instance_of(Episode), "episode", episode)
    used = require_disclosure(episode, disclosure, what="episode")
    frame = _pandas().DataFrame(episode.to_records())
    if used is not None:
        frame.attrs["part2_disclosure"] = used.envelope()
    return frame


def measures_frame(plan: TreatmentPlan, *, disclosure: Disclosure | None = None) -> Any:
    """One row per outcome measure of a plan: instrument, date, total, severity.

    A plan that is 42 CFR Part 2 data needs a *disclosure* whose consent covers
    its measures; the frame then carries the 42 CFR 2.32 notice in
    ``frame.attrs["part2_disclosure"]``.

    Raises:
        ConsentRequiredError: Part 2 data without a covering consent.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.measures import Measure
        >>> from iopmodel.tables import measures_frame
        >>> plan = TreatmentPlan(patient_id="p", program=evening_iop(), start=dt.date(2026, 3, 2),
        ...                      measures=[Measure(instrument="phq-9", on=dt.date(2026, 3, 2),
        ...                                        total=16)])
        >>> measures_frame(plan).values.tolist()
        [['phq-9', '2026-03-02', 16, 'moderately severe']]
    """
    from iopmodel.consent import RecordSection, require_disclosure  # noqa: PLC0415
    from iopmodel.plans import TreatmentPlan  # noqa: PLC0415

    check_arg(instance_of(TreatmentPlan), "plan", plan)
    used = require_disclosure(
        plan, disclosure, what="treatment plan", sections=[RecordSection.MEASURES]
    )
    rows = [
        {
            "instrument": m.instrument,
            "on": m.on.isoformat(),
            "total": m.total,
            "severity": m.severity,
        }
        for m in plan.measures
    ]
    frame = _pandas().DataFrame(rows, columns=["instrument", "on", "total", "severity"])
    if used is not None:
        frame.attrs["part2_disclosure"] = used.envelope()
    return frame
