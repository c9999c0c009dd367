"""Session-mix and visit-pattern rules: what every week of an IOP contains.

The weekly counts (individual therapy at least once a week, group therapy every
week) and the visit pattern (3-4 days of about 3 hours) are thresholds of the
rule set's :class:`~iopmodel.standards.Standard`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

import attrs

from iopmodel._format import hours_text
from iopmodel._validators import instance_of
from iopmodel.errors import InvalidValueError
from iopmodel.rules.engine import Observation, Subject
from iopmodel.sessions import SessionKind
from iopmodel.standards import Standard, Threshold
from iopmodel.weeks import WeekSummary

__all__ = [
    "WeeklySessionsParams",
    "check_visit_pattern",
    "check_weekly_sessions",
    "visit_pattern_observations",
    "weekly_sessions_observations",
]

#: Which threshold of a standard sets the weekly minimum of a kind.
_STANDARD_MINIMUM = {
    SessionKind.INDIVIDUAL_THERAPY: "individual_sessions_per_week",
    SessionKind.GROUP_THERAPY: "group_sessions_per_week",
}


def _minimum(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        if instance.kind not in _STANDARD_MINIMUM:
            raise InvalidValueError(
                attribute.name,
                value,
                f"is required for {instance.kind.value}: the standard sets weekly "
                "minimums for individual and group therapy only",
            )
        return
    if not isinstance(value, Threshold):
        raise InvalidValueError(attribute.name, value, "must be a Threshold or None")


@attrs.frozen(kw_only=True)
class WeeklySessionsParams:
    """Parameters of the weekly session-kind rules (IND001, GRP001).

    Args:
        kind: The session kind required every full week.
        minimum: How many sessions of that kind, at least, with its source;
            ``None`` (the default) reads the standard's threshold for
            individual or group therapy.

    Example:
        >>> from iopmodel.rules import DEFAULT_RULES
        >>> params = DEFAULT_RULES.get("IND001").params
        >>> params.kind.value, params.minimum_in(DEFAULT_RULES.standard).value
        ('individual_therapy', 1)
    """

    kind: SessionKind = attrs.field(validator=instance_of(SessionKind))
    minimum: Threshold | None = attrs.field(default=None, validator=_minimum)

    def minimum_in(self, standard: Standard) -> Threshold:
        """The weekly minimum under *standard* (or the one given here)."""
        if self.minimum is not None:
            return self.minimum
        threshold: Threshold = getattr(standard, _STANDARD_MINIMUM[self.kind])
        return threshold


def check_weekly_sessions(
    subject: Subject, params: WeeklySessionsParams
) -> Iterator[Observation]:
    """Every full week has at least the minimum number of sessions of a kind.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.mix import check_weekly_sessions
        >>> params = DEFAULT_RULES.get("IND001").params
        >>> list(check_weekly_sessions(Subject.of(evening_iop(), DEFAULT_RULES), params))
        []
    """
    yield from weekly_sessions_observations(subject, params, subject.full_weeks)


def weekly_sessions_observations(
    subject: Subject, params: WeeklySessionsParams, weeks: Iterable[WeekSummary]
) -> Iterator[Observation]:
    """The observations of :func:`check_weekly_sessions` for some full weeks.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.mix import weekly_sessions_observations
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> params = DEFAULT_RULES.get("GRP001").params
        >>> list(weekly_sessions_observations(subject, params, subject.full_weeks))
        []
    """
    noun = params.kind.value.replace("_", " ")
    threshold = params.minimum_in(subject.standard)
    for week in weeks:
        count = week.sessions_of(params.kind)
        if count < threshold.value:
            yield Observation(
                message=f"{subject.label(week)}: {count} {noun} session(s), "
                f"at least {threshold.value} expected",
                week=week.start,
                citation=threshold.source,
            )


def check_visit_pattern(subject: Subject, _params: None) -> Iterator[Observation]:
    """Full weeks follow the typical pattern of 3-4 visits of about 3 hours.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.mix import check_visit_pattern
        >>> list(check_visit_pattern(Subject.of(evening_iop(), DEFAULT_RULES), None))
        []
    """
    yield from visit_pattern_observations(subject, subject.full_weeks)


def visit_pattern_observations(
    subject: Subject, weeks: Iterable[WeekSummary]
) -> Iterator[Observation]:
    """The observations of :func:`check_visit_pattern` for some full weeks.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.rules.mix import visit_pattern_observations
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> list(visit_pattern_observations(subject, subject.full_weeks))
        []
    """
    standard = subject.standard
    min_days, max_days = standard.visit_days_min.value, standard.visit_days_max.value
    low = Fraction(standard.visit_hours_min.value)
    high = Fraction(standard.visit_hours_max.value)
    for week in weeks:
        days = week.visit_days
        if not days:
            continue
        minutes = week.scheduled_minutes
        if _pattern_fits(
            days, minutes, min_days=min_days, max_days=max_days, low=low, high=high
        ):
            continue
        average = Fraction(minutes, 60 * days)
        yield Observation(
            message=f"{subject.label(week)}: {days} visit day(s) averaging "
            f"{hours_text(average)} h; the typical IOP pattern is {min_days}-"
            f"{max_days} days of {hours_text(low)}-{hours_text(high)} h",
            week=week.start,
        )


def _pattern_fits(
    days: int,
    minutes: int,
    *,
    min_days: int | Fraction,
    max_days: int | Fraction,
    low: Fraction,
    high: Fraction,
) -> bool:
    """Whether *days* visit days of *minutes* in total fit the typical pattern.

    ``min_days <= days <= max_days`` and ``minutes / (60 * days)`` hours a
    visit within ``[low, high]``, in exact integer arithmetic.

    Example:
        >>> from fractions import Fraction
        >>> from iopmodel.rules.mix import _pattern_fits
        >>> typical = {"min_days": 3, "max_days": 4, "low": Fraction(2), "high": Fraction(4)}
        >>> _pattern_fits(3, 540, **typical), _pattern_fits(2, 540, **typical)
        (True, False)
    """
    return (
        min_days <= days <= max_days
        and minutes * low.denominator >= 60 * days * low.numerator
        and minutes * high.denominator <= 60 * days * high.numerator
    )
