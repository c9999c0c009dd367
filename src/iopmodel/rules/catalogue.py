"""The shipped rules and the rule sets built from the shipped standards.

Rule ids are stable and never reused: ``HRS`` weekly hours, ``IND`` and ``GRP``
session mix, ``PAT`` visit pattern, ``LEN`` length of treatment, ``AFT``
aftercare, ``REV`` plan reviews and recertification, ``DX`` diagnoses, ``MSR``
outcome measures, ``TOX`` drug screens, ``AUTH`` payer authorizations. Each rule is also a
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
from iopmodel.plans import DischargeReason
from iopmodel.reports import Severity
from iopmodel.rules.course import (
    AftercareParams,
    _recertification_applies,
    check_aftercare,
    check_minimum_length,
    check_recertification,
    check_review_cadence,
)
from iopmodel.rules.engine import ALL_TARGETS, Rule, RuleSet
from iopmodel.rules.hours import (
    WeeklyHoursParams,
    _level_band_applies,
    check_excluded_hours,
    check_weekly_hours,
)
from iopmodel.rules.mix import (
    WeeklySessionsParams,
    check_visit_pattern,
    check_weekly_sessions,
)
from iopmodel.rules.record import (
    _authorizations_precondition,
    _co_occurring_precondition,
    _diagnoses_precondition,
    _ending_precondition,
    _measures_precondition,
    _program_measures_precondition,
    _screens_precondition,
    check_authorization_coverage,
    check_authorization_ending,
    check_authorization_units,
    check_co_occurring_fit,
    check_measure_cadence,
    check_measure_worsening,
    check_screen_cadence,
    check_unknown_codes,
)
from iopmodel.sessions import SessionKind
from iopmodel.standards import DEFAULT_STANDARD, MEDICARE_2024_STANDARD, Standard

__all__ = [
    "AFTERCARE",
    "ATTENDED_HOURS",
    "AUTHORIZATION_COVERAGE",
    "AUTHORIZATION_ENDING",
    "AUTHORIZATION_UNITS",
    "BUILTIN_RULES",
    "CO_OCCURRING_FIT",
    "DEFAULT_RULES",
    "EXCLUDED_HOURS",
    "GROUP_WEEKLY",
    "INDIVIDUAL_WEEKLY",
    "LEVEL_HOURS",
    "MEASURE_CADENCE",
    "MEASURE_WORSENING",
    "MEDICARE_2024_RULES",
    "PLAN_REVIEW",
    "RECERTIFICATION",
    "RULE_SETS",
    "SCHEDULED_HOURS",
    "SCREEN_CADENCE",
    "TOTAL_LENGTH",
    "UNKNOWN_DIAGNOSIS_CODE",
    "VISIT_PATTERN",
    "rules_for",
]

_IOP_ONLY: Final = frozenset({LevelOfCare.INTENSIVE_OUTPATIENT})
_PLANS: Final = frozenset({"plan"})

#: Rule HRS001, each full week's scheduled hours inside the IOP band.
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

#: Rule HRS002, each full week's attended hours inside the IOP band.
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

#: Rule HRS003, hours of kinds that do not count are reported.
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

#: Rule HRS004, weekly hours inside the band of the declared level (other than IOP).
LEVEL_HOURS: Final = Rule(
    id="HRS004",
    title="Weekly hours fit the declared level of care",
    severity=Severity.ERROR,
    check=check_weekly_hours,
    params=WeeklyHoursParams(name_fitting_level=True),
    citation=sources.ASAM_3RD_EDITION,
    precondition=_level_band_applies,
    description="Each full week's scheduled hours are inside the standard's band "
    "for the declared level and population (outpatient under 9 h for adults, "
    "partial hospitalization 20 h or more, low-intensity residential at least "
    "5 h); findings name the level the hours fit. IOP is judged by HRS001.",
)

#: Rule IND001, individual therapy every full week.
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

#: Rule GRP001, group therapy every full week.
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

#: Rule PAT001, the typical visit pattern.
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

#: Rule LEN001, at least the minimum days of treatment in total.
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

#: Rule AFT001, an aftercare plan at discharge.
AFTERCARE: Final = Rule(
    id="AFT001",
    title="Aftercare plan at discharge",
    severity=Severity.ERROR,
    check=check_aftercare,
    params=AftercareParams(exempt_reasons=[DischargeReason.DIED]),
    citation=sources.SOURCE_ARTICLE,
    targets=frozenset({"plan", "episode"}),
    description="A discharged plan or episode has an aftercare plan "
    "(continuing-care level, mutual support, contacts, follow-ups). A death is "
    "exempt by default.",
)

#: Rule REV001, plan reviews on time (a library default cadence).
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

#: Rule REV002, physician recertification on time (Medicare).
RECERTIFICATION: Final = Rule(
    id="REV002",
    title="Physician recertification on time",
    severity=Severity.WARNING,
    check=check_recertification,
    params=None,
    citation=sources.MEDICARE_IOP_RECERTIFICATION,
    targets=_PLANS,
    precondition=_recertification_applies,
    description="Reviews marked as physician recertifications are no further apart "
    "than the standard's recertification cadence (Medicare IOP: at least every "
    "60 days). Only in standards that have a cadence.",
)

#: DX001, diagnosis codes outside the shipped table are reported.
UNKNOWN_DIAGNOSIS_CODE: Final = Rule(
    id="DX001",
    title="Diagnosis codes outside iopmodel's ICD-10-CM table",
    severity=Severity.INFO,
    check=check_unknown_codes,
    params=None,
    citation=sources.ICD10CM,
    targets=_PLANS,
    precondition=_diagnoses_precondition,
    description="Any well-formed ICD-10-CM code is accepted; codes outside the "
    "shipped table of substance-use (F10-F19) and common mental-health codes are "
    "reported, so that someone checks them against the current code set.",
)

#: DX002, co-occurring disorders in a program that can treat both.
CO_OCCURRING_FIT: Final = Rule(
    id="DX002",
    title="Co-occurring disorders treated where both can be addressed",
    severity=Severity.WARNING,
    check=check_co_occurring_fit,
    params=None,
    citation=sources.NIDA_PRINCIPLES,
    targets=_PLANS,
    precondition=_co_occurring_precondition,
    description="A plan with active substance-use (F10-F19) and mental-health "
    "diagnoses is in a co-occurring program, or one recorded as co-occurring "
    "capable or enhanced. NIDA: co-occurring mental disorders should be "
    "addressed. Only for programs whose focus is recorded.",
)

#: MSR001, outcome measures at intake and on the standard's cadence.
MEASURE_CADENCE: Final = Rule(
    id="MSR001",
    title="Outcome measures at intake and on cadence",
    severity=Severity.WARNING,
    check=check_measure_cadence,
    params=None,
    citation=sources.LIBRARY_DEFAULT,
    targets=_PLANS,
    precondition=_program_measures_precondition,
    description="Each outcome measure the program names is given within the "
    "standard's intake window (7 days, a library default) and then at least every "
    "measure_every_days (30 days, a library default: no national standard sets a "
    "cadence). Only for programs that name their measures.",
)

#: MSR002, a score worse by the instrument's MCID.
MEASURE_WORSENING: Final = Rule(
    id="MSR002",
    title="Scores worse by a clinically important difference",
    severity=Severity.INFO,
    check=check_measure_worsening,
    params=None,
    citation=sources.LOWE_2004,
    targets=_PLANS,
    precondition=_measures_precondition,
    description="A score worse than the same instrument's previous score by at "
    "least the minimal clinically important difference in the standard: PHQ-9 5 "
    "points (Lowe 2004), GAD-7 4 points (Toussaint 2020). Each finding cites its "
    "instrument's source; instruments without a published MCID are not judged.",
)

#: TOX001, drug screens on the standard's cadence.
SCREEN_CADENCE: Final = Rule(
    id="TOX001",
    title="Drug use monitored by regular screens",
    severity=Severity.WARNING,
    check=check_screen_cadence,
    params=None,
    citation=sources.NIDA_PRINCIPLES,
    targets=_PLANS,
    precondition=_screens_precondition,
    description="NIDA: drug use during treatment must be monitored continuously. "
    "No interval between drug screens, from the start, is longer than the "
    "standard's screen_every_days (7 days, a library default: NIDA gives no "
    "interval). For substance-use programs and plans with F10-F19 diagnoses.",
)

#: AUTH001, scheduled sessions inside an authorization.
AUTHORIZATION_COVERAGE: Final = Rule(
    id="AUTH001",
    title="Sessions inside a payer authorization",
    severity=Severity.WARNING,
    check=check_authorization_coverage,
    params=None,
    citation=sources.LIBRARY_DEFAULT,
    targets=_PLANS,
    precondition=_authorizations_precondition,
    description="Every scheduled program session falls inside an authorization "
    "for the program's level of care. Payer policy, not a clinical source: "
    "unauthorized days are usually not paid.",
)

#: AUTH002, authorized units not exceeded.
AUTHORIZATION_UNITS: Final = Rule(
    id="AUTH002",
    title="Authorized units not exceeded",
    severity=Severity.WARNING,
    check=check_authorization_units,
    params=None,
    citation=sources.LIBRARY_DEFAULT,
    targets=_PLANS,
    precondition=_authorizations_precondition,
    description="The visit days (or sessions) scheduled inside each authorization "
    "are no more than it grants.",
)

#: AUTH003, an authorization ending soon without a renewal.
AUTHORIZATION_ENDING: Final = Rule(
    id="AUTH003",
    title="Authorization ending soon",
    severity=Severity.INFO,
    check=check_authorization_ending,
    params=None,
    citation=sources.LIBRARY_DEFAULT,
    targets=_PLANS,
    precondition=_ending_precondition,
    description="An authorization of the program's level ends within the "
    "standard's authorization_warning_days (7 days, a library default) of the "
    "check (as_of), and no later authorization covers the next day.",
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
            UNKNOWN_DIAGNOSIS_CODE,
            CO_OCCURRING_FIT,
            MEASURE_CADENCE,
            MEASURE_WORSENING,
            SCREEN_CADENCE,
            AUTHORIZATION_COVERAGE,
            AUTHORIZATION_UNITS,
            AUTHORIZATION_ENDING,
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


#: The default set, after the source article and SAMHSA
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
