"""Weekly-hours rules: each week inside the band of the declared level.

The bands come from the rule set's :class:`~iopmodel.standards.Standard`, the
same bands :func:`~iopmodel.standards.level_for_weekly_hours` classifies with,
so a week the hours rules accept for IOP is a week the classifier calls IOP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any, Literal

import attrs

from iopmodel import sources
from iopmodel._format import hours_text
from iopmodel._validators import instance_of, non_negative_int
from iopmodel.care import LevelOfCare
from iopmodel.errors import InvalidValueError
from iopmodel.reports import Severity
from iopmodel.rules.engine import Observation, Subject
from iopmodel.standards import HOURS_LADDER, HoursBand
from iopmodel.weeks import WeekSummary

__all__ = [
    "WeeklyHoursParams",
    "check_excluded_hours",
    "check_weekly_hours",
    "weekly_hours_observations",
]


def _basis(_instance: object, attribute: Any, value: Any) -> None:
    if value not in ("scheduled", "attended"):
        raise InvalidValueError(
            attribute.name, value, "must be 'scheduled' or 'attended'"
        )


@attrs.frozen(kw_only=True)
class WeeklyHoursParams:
    """Parameters of the weekly-hours rules (HRS001, HRS002, HRS004).

    The band itself is not a parameter: it is the standard's band for the
    subject's level and population.

    Args:
        basis: ``"scheduled"`` or ``"attended"`` hours.
        step_down_weeks: Final full weeks allowed below the floor while
            stepping down (0: no allowance).
        name_fitting_level: Whether a finding names the level the hours fit.

    Example:
        >>> from iopmodel.rules import DEFAULT_RULES
        >>> DEFAULT_RULES.get("HRS002").params.basis
        'attended'
    """

    basis: Literal["scheduled", "attended"] = attrs.field(
        default="scheduled", validator=_basis
    )
    step_down_weeks: int = attrs.field(default=0, validator=non_negative_int)
    name_fitting_level: bool = attrs.field(default=False, validator=instance_of(bool))


def _band(subject: Subject) -> HoursBand | None:
    if subject.population is None or subject.level is None:
        return None
    return subject.standard.band(subject.level, subject.population)


def _level_band_applies(subject: Subject, _params: object) -> str | None:
    """HRS004 applies to levels with a band in the standard, IOP excepted.

    Example:
        >>> from iopmodel.examples import day_php
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.hours import _level_band_applies
        >>> _level_band_applies(Subject.of(day_php(), DEFAULT_RULES), None) is None
        True
    """
    level = subject.level
    if level is LevelOfCare.INTENSIVE_OUTPATIENT:
        return "intensive outpatient hours are judged by HRS001 and HRS002"
    if _band(subject) is None:
        name = "no level" if level is None else level.key
        return f"standard {subject.standard.name!r} has no weekly-hours band for {name}"
    return None


def _step_down_weeks(subject: Subject, count: int) -> frozenset[dt.date]:
    plan = subject.plan
    ends = plan is not None and (
        plan.discharge_date is not None or plan.planned_discharge is not None
    )
    return _step_down_allowed([w.start for w in subject.full_weeks], count, ends=ends)


def _step_down_allowed(
    full_week_starts: Sequence[dt.date], count: int, *, ends: bool
) -> frozenset[dt.date]:
    """The full weeks (by first day) allowed below the floor while stepping down.

    The last *count* full weeks of a plan that *ends* (has a discharge or
    planned discharge date); none otherwise.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.rules.hours import _step_down_allowed
        >>> weeks = [dt.date(2026, 3, 2) + dt.timedelta(weeks=n) for n in range(4)]
        >>> sorted(d.isoformat() for d in _step_down_allowed(weeks, 2, ends=True))
        ['2026-03-16', '2026-03-23']
        >>> _step_down_allowed(weeks, 2, ends=False)
        frozenset()
    """
    if count == 0 or not ends:
        return frozenset()
    return frozenset(full_week_starts[-count:])


def _limit(band: HoursBand, below: bool) -> tuple[str, str]:
    if below:
        source = band.minimum_source
        if band.include_minimum:
            return f"below the {hours_text(band.minimum)} h floor", source.short
        return (
            f"not above {hours_text(band.minimum)} h (the band is {band})",
            source.short,
        )
    assert band.maximum is not None  # noqa: S101 - above means a maximum
    word = "ceiling" if band.include_maximum else "limit (exclusive)"
    source = band.maximum_source or band.minimum_source
    return f"above the {hours_text(band.maximum)} h {word}", source.short


def _fits(subject: Subject, minutes: int) -> str:
    population = subject.population
    assert population is not None  # noqa: S101 - a band implies a population
    hours = Fraction(minutes, 60)
    fitting = [subject.standard.level_for_weekly_hours(hours, population)]
    if subject.level not in HOURS_LADDER:
        fitting = [
            lv
            for lv in subject.standard.levels_fitting(minutes, population)
            if lv is not subject.level
        ] or fitting
    names = " or ".join(lv.label.lower() for lv in fitting)
    return (
        f"; {hours_text(hours)} h a week fits {names} under {subject.standard.name!r}"
    )


def check_weekly_hours(
    subject: Subject, params: WeeklyHoursParams
) -> Iterator[Observation]:
    """Each full week's hours are inside the band of the declared level.

    Partial weeks with sessions outside the band are info on scheduled hours;
    attended hours are judged only in full weeks whose sessions all have a
    recorded outcome.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import MEDICARE_2024_RULES, Subject
        >>> from iopmodel.rules.hours import WeeklyHoursParams, check_weekly_hours
        >>> subject = Subject.of(evening_iop(), MEDICARE_2024_RULES)
        >>> list(check_weekly_hours(subject, WeeklyHoursParams()))
        []
    """
    band = _band(subject)
    if band is None:
        return
    allowed = _step_down_weeks(subject, params.step_down_weeks)
    yield from weekly_hours_observations(subject, params, band, subject.weeks, allowed)


def weekly_hours_observations(
    subject: Subject,
    params: WeeklyHoursParams,
    band: HoursBand,
    weeks: Iterable[WeekSummary],
    allowed: frozenset[dt.date],
) -> Iterator[Observation]:
    """The observations of :func:`check_weekly_hours` for some of a subject's weeks.

    Batch validation passes only the weeks its integer screen flags; every
    message is made here, so both paths report the same text.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.hours import WeeklyHoursParams, weekly_hours_observations
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> band = DEFAULT_RULES.standard.band(subject.level, subject.population)
        >>> list(weekly_hours_observations(subject, WeeklyHoursParams(), band,
        ...                                subject.weeks, frozenset()))
        []
    """
    attended = params.basis == "attended"
    for week in weeks:
        if attended and (week.pending_sessions or not week.full):
            continue
        minutes = week.attended_minutes if attended else week.scheduled_minutes
        if band.contains_minutes(minutes):
            continue
        if not week.full and not minutes:
            continue  # a partial week with nothing scheduled, e.g. only discharge day
        hours = Fraction(minutes, 60)
        below = band.is_below(hours)
        limit, short = _limit(band, below)
        source = (
            band.minimum_source
            if below
            else (band.maximum_source or band.minimum_source)
        )
        text = f"{subject.label(week)}: {hours_text(hours)} h {params.basis}, {limit}"
        if not week.full:
            yield Observation(
                message=f"{text}; partial week ({week.days_in_window} of 7 days in "
                "the plan), band not applied",
                week=week.start,
                severity=Severity.INFO,
                citation=source,
            )
        elif below and week.start in allowed:
            yield Observation(
                message=f"{text}; allowed while stepping down "
                f"({sources.PAYER_STEP_DOWN_ALLOWANCE.short})",
                week=week.start,
                severity=Severity.INFO,
                citation=sources.PAYER_STEP_DOWN_ALLOWANCE,
            )
        else:
            fits = _fits(subject, minutes) if params.name_fitting_level else ""
            yield Observation(
                message=f"{text} ({short}){fits}", week=week.start, citation=source
            )


def check_excluded_hours(subject: Subject, _params: None) -> Iterator[Observation]:
    """Sessions of kinds that do not count toward program hours never count.

    Example:
        >>> from iopmodel.examples import day_php
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.hours import check_excluded_hours
        >>> [o.message for o in check_excluded_hours(Subject.of(day_php(), DEFAULT_RULES), None)]
        []
    """
    if not any(w.excluded_minutes for w in subject.weeks):
        return
    counted = subject.counted_kinds
    kinds = ", ".join(
        sorted(
            {
                s.kind.value
                for s in subject.sessions
                if s.kind not in counted and s.attendance.is_scheduled
            }
        )
    )
    if subject.cycle is not None:  # a design: per distinct week
        for week in subject.weeks:
            if week.excluded_minutes:
                yield Observation(
                    message=f"{subject.label(week)}: "
                    f"{hours_text(Fraction(week.excluded_minutes, 60))} h of {kinds} "
                    "left out of program hours (these kinds do not count)",
                    week=week.start,
                )
        return
    minutes = sum(w.excluded_minutes for w in subject.weeks)
    if minutes:
        yield Observation(
            message=f"{hours_text(Fraction(minutes, 60))} h of {kinds} left out of "
            "program hours (these kinds do not count)",
            path="$.sessions",
        )
