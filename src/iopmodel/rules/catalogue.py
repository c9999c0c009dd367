"""The shipped rules and the rule sets built from the shipped standards.

Rule ids are stable and never reused: ``HRS`` weekly hours, ``IND`` and ``GRP``
session mix, ``PAT`` visit pattern, ``LEN`` length of treatment, ``AFT``
aftercare, ``REV`` plan reviews and recertification. Each rule is also a
module constant (:data:`SCHEDULED_HOURS` is ``HRS001``), so code that looks for
one rule's findings names the constant, never the bare id.

:func:`rules_for` builds the full set for any
:class:`~iopmodel.standards.Standard`; :data:`DEFAULT_RULES` and
:data:`MEDICARE_2024_RULES` are the sets of the two shipped standards.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from iopmodel import sources
from iopmodel._validators import check_arg, instance_of
from iopmodel.care import LevelOfCare
from iopmodel.reports import Severity
from iopmodel.rules.course import (
    AftercareParams,
    check_aftercare,
    check_minimum_length,
    check_recertification,
    check_review_cadence,
    recertification_precondition,
)
from iopmodel.rules.engine import ALL_TARGETS, Rule, RuleSet
from iopmodel.rules.hours import (
    WeeklyHoursParams,
    check_excluded_hours,
    check_weekly_hours,
    level_band_precondition,
)
from iopmodel.rules.mix import (
    WeeklySessionsParams,
    check_visit_pattern,
    check_weekly_sessions,
)
from iopmodel.sessions import SessionKind
from iopmodel.standards import DEFAULT_STANDARD, MEDICARE_2024_STANDARD, Standard

__all__ = [
    "AFTERCARE",
    "ATTENDED_HOURS",
    "BUILTIN_RULES",
    "DEFAULT_RULES",
    "EXCLUDED_HOURS",
    "GROUP_WEEKLY",
    "INDIVIDUAL_WEEKLY",
    "LEVEL_HOURS",
    "MEDICARE_2024_RULES",
    "PLAN_REVIEW",
    "RECERTIFICATION",
    "RULE_SETS",
    "SCHEDULED_HOURS",
    "TOTAL_LENGTH",
    "VISIT_PATTERN",
    "rules_for",
]

_IOP_ONLY: Final = frozenset({LevelOfCare.INTENSIVE_OUTPATIENT})
_PLANS: Final = frozenset({"plan"})

#: HRS001 — each full week's scheduled hours inside the IOP band.
SCHEDULED_HOURS: Final = Rule(
    id="HRS001",
    title="Weekly scheduled hours within the IOP band",
    severity=Severity.ERROR,
    check=check_weekly_hours,
    params=WeeklyHoursParams(),
    citation=sources.SAMHSA_TIP_47,
    levels=_IOP_ONLY,
    description="Each full local calendar week's scheduled program hours are inside "
    "the standard's IOP band for the population; for a design, every distinct week "
    "of the program's cycle. Partial first and last weeks of a plan are info.",
)

#: HRS002 — each full week's attended hours inside the IOP band.
ATTENDED_HOURS: Final = Rule(
    id="HRS002",
    title="Weekly attended hours within the IOP band",
    severity=Severity.WARNING,
    check=check_weekly_hours,
    params=WeeklyHoursParams(basis="attended"),
    citation=sources.SAMHSA_TIP_47,
    levels=_IOP_ONLY,
    targets=_PLANS,
    description="Each full week's attended program hours are inside the band. "
    "Weeks with sessions whose outcome is not recorded are not judged.",
)

#: HRS003 — hours of kinds that do not count are reported.
EXCLUDED_HOURS: Final = Rule(
    id="HRS003",
    title="Non-program sessions never count toward program hours",
    severity=Severity.INFO,
    check=check_excluded_hours,
    params=None,
    citation=sources.SAMHSA_ADVISORY_2021,
    description="Reports the hours of session kinds that the standard does not "
    "count toward program hours (mutual-support meetings in the shipped "
    "standards): SAMHSA lists the core services an IOP's hours consist of.",
)

#: HRS004 — weekly hours inside the band of the declared level (other than IOP).
LEVEL_HOURS: Final = Rule(
    id="HRS004",
    title="Weekly hours fit the declared level of care",
    severity=Severity.ERROR,
    check=check_weekly_hours,
    params=WeeklyHoursParams(name_fitting_level=True),
    citation=sources.ASAM_3RD_EDITION,
    precondition=level_band_precondition,
    description="Each full week's scheduled hours are inside the standard's band "
    "for the declared level and population (outpatient under 9 h for adults, "
    "partial hospitalization 20 h or more, low-intensity residential at least "
    "5 h); findings name the level the hours fit. IOP is judged by HRS001.",
)

#: IND001 — individual therapy every full week.
INDIVIDUAL_WEEKLY: Final = Rule(
    id="IND001",
    title="Individual therapy every week",
    severity=Severity.ERROR,
    check=check_weekly_sessions,
    params=WeeklySessionsParams(kind=SessionKind.INDIVIDUAL_THERAPY),
    citation=sources.SOURCE_ARTICLE,
    levels=_IOP_ONLY,
    description="At least the standard's number of individual therapy sessions "
    "(one) in every full week; for a design, in every week of its cycle. The "
    "source article: individual therapy is 'typically ... at least once weekly'.",
)

#: GRP001 — group therapy every full week.
GROUP_WEEKLY: Final = Rule(
    id="GRP001",
    title="Group therapy every week",
    severity=Severity.WARNING,
    check=check_weekly_sessions,
    params=WeeklySessionsParams(kind=SessionKind.GROUP_THERAPY),
    citation=sources.SAMHSA_TIP_47,
    levels=_IOP_ONLY,
    description="Group therapy in every full week: group therapy is central to IOP.",
)

#: PAT001 — the typical visit pattern.
VISIT_PATTERN: Final = Rule(
    id="PAT001",
    title="Typical visit pattern",
    severity=Severity.INFO,
    check=check_visit_pattern,
    params=None,
    citation=sources.SOURCE_ARTICLE,
    levels=_IOP_ONLY,
    description="Visits close to the typical pattern of 3-4 days a week of about "
    "3 hours each (source article; HCPCS H0015 describes at least 3 hours a day on "
    "at least 3 days; the one-hour tolerance is a library default).",
)

#: LEN001 — at least the minimum days of treatment in total.
TOTAL_LENGTH: Final = Rule(
    id="LEN001",
    title="At least 90 days of treatment in total",
    severity=Severity.WARNING,
    check=check_minimum_length,
    params=None,
    citation=sources.NIDA_PRINCIPLES,
    targets=ALL_TARGETS,
    description="An ended episode lasted at least the standard's minimum total "
    "days (90, NIDA) across its placements (a warning). A single plan or a "
    "design shorter than that is information: the minimum counts every level.",
)

#: AFT001 — an aftercare plan at discharge.
AFTERCARE: Final = Rule(
    id="AFT001",
    title="Aftercare plan at discharge",
    severity=Severity.ERROR,
    check=check_aftercare,
    params=AftercareParams(),
    citation=sources.SOURCE_ARTICLE,
    targets=frozenset({"plan", "episode"}),
    description="A discharged plan or episode has an aftercare plan "
    "(continuing-care level, mutual support, contacts, follow-ups).",
)

#: REV001 — plan reviews on time (a library default cadence).
PLAN_REVIEW: Final = Rule(
    id="REV001",
    title="Plan reviewed on time",
    severity=Severity.WARNING,
    check=check_review_cadence,
    params=None,
    citation=sources.LIBRARY_DEFAULT,
    targets=_PLANS,
    description="No interval between plan reviews (or revisions), from the start to "
    "the end of the window, is longer than the standard's plan-review cadence "
    "(60 days, a library default: no national standard sets one).",
)

#: REV002 — physician recertification on time (Medicare).
RECERTIFICATION: Final = Rule(
    id="REV002",
    title="Physician recertification on time",
    severity=Severity.WARNING,
    check=check_recertification,
    params=None,
    citation=sources.MEDICARE_IOP_RECERTIFICATION,
    targets=_PLANS,
    precondition=recertification_precondition,
    description="Reviews marked as physician recertifications are no further apart "
    "than the standard's recertification cadence (Medicare IOP: at least every "
    "60 days). Only in standards that have a cadence.",
)

#: Every shipped rule, by id.
#:
#: :meta hide-value:
BUILTIN_RULES: Final[Mapping[str, Rule[Any]]] = MappingProxyType(
    {
        r.id: r
        for r in (
            SCHEDULED_HOURS,
            ATTENDED_HOURS,
            EXCLUDED_HOURS,
            LEVEL_HOURS,
            INDIVIDUAL_WEEKLY,
            GROUP_WEEKLY,
            VISIT_PATTERN,
            TOTAL_LENGTH,
            AFTERCARE,
            PLAN_REVIEW,
            RECERTIFICATION,
        )
    }
)


def rules_for(
    standard: Standard, *, name: str | None = None, description: str | None = None
) -> RuleSet:
    """The shipped rules, reading their numbers from *standard*.

    Every rule is included; ``REV002`` only when the standard has a
    recertification cadence.

    Example:
        >>> from iopmodel.rules import rules_for
        >>> from iopmodel.standards import DEFAULT_STANDARD
        >>> ours = rules_for(DEFAULT_STANDARD.with_thresholds(minimum_total_days=120),
        ...                  name="clinic")
        >>> ours.name, ours.standard.minimum_total_days.value, "REV002" in ours
        ('clinic', 120, False)
    """
    check_arg(instance_of(Standard), "standard", standard)
    rules = [
        r
        for r in BUILTIN_RULES.values()
        if r is not RECERTIFICATION or standard.recertification_every_days is not None
    ]
    return RuleSet(
        name=standard.name if name is None else name,
        rules=rules,
        standard=standard,
        description=standard.description if description is None else description,
    )


#: The default set, from the source article and SAMHSA
#: (:data:`~iopmodel.standards.DEFAULT_STANDARD`).
#:
#: :meta hide-value:
DEFAULT_RULES: Final = rules_for(DEFAULT_STANDARD)

#: Medicare's 2024 IOP benefit
#: (:data:`~iopmodel.standards.MEDICARE_2024_STANDARD`), with recertification.
#:
#: :meta hide-value:
MEDICARE_2024_RULES: Final = rules_for(MEDICARE_2024_STANDARD)

#: The shipped rule sets by name.
#:
#: :meta hide-value:
RULE_SETS: Final[Mapping[str, RuleSet]] = MappingProxyType(
    {s.name: s for s in (DEFAULT_RULES, MEDICARE_2024_RULES)}
)
