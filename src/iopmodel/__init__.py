"""iopmodel: model addiction and mental-health treatment programs.

Levels of care and their ASAM/LOCUS codes, therapy sessions, Intensive
Outpatient Program designs and their recurring schedules. Everything here is an
immutable, typed value object; see the documentation for the concepts.

Modules that need optional extras are imported on their own:
:mod:`iopmodel.strategies` (``iopmodel[strategies]``, Hypothesis).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from iopmodel.care import (
    Framework,
    HoursBand,
    LevelOfCare,
    Population,
    Setting,
    level_for_weekly_hours,
)
from iopmodel.errors import (
    ClinicalRuleError,
    InvalidTypeError,
    InvalidValueError,
    IopModelError,
    TransitionError,
    UnknownCodeError,
)
from iopmodel.plans import (
    AftercarePlan,
    DischargeReason,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    PlanRevision,
    Problem,
    TreatmentPlan,
)
from iopmodel.programs import MAX_SCHEDULE_DAYS, RECOMMENDED_MINIMUM_DAYS, Program
from iopmodel.reports import Finding, Severity, SkippedRule, ValidationReport
from iopmodel.rules import (
    BUILTIN_RULES,
    DEFAULT_RULES,
    MEDICARE_2024_RULES,
    RULE_SETS,
    AftercareParams,
    MinimumLengthParams,
    Observation,
    ReviewCadenceParams,
    Rule,
    RuleSet,
    Subject,
    VisitPatternParams,
    WeeklyHoursParams,
    WeeklySessionsParams,
    rule,
)
from iopmodel.schedules import SessionTemplate, expand_template, localize
from iopmodel.sessions import (
    COUNTS_TOWARD_PROGRAM_HOURS,
    MAX_SESSION_DURATION,
    Attendance,
    Session,
    SessionKind,
)
from iopmodel.sources import Citation
from iopmodel.validation import validate
from iopmodel.weeks import DEFAULT_COUNTED_KINDS, WeekSummary, summarize_weeks, week_of

try:
    __version__ = version("iopmodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "BUILTIN_RULES",
    "COUNTS_TOWARD_PROGRAM_HOURS",
    "DEFAULT_COUNTED_KINDS",
    "DEFAULT_RULES",
    "MAX_SCHEDULE_DAYS",
    "MAX_SESSION_DURATION",
    "MEDICARE_2024_RULES",
    "RECOMMENDED_MINIMUM_DAYS",
    "RULE_SETS",
    "AftercareParams",
    "AftercarePlan",
    "Attendance",
    "Citation",
    "ClinicalRuleError",
    "DischargeReason",
    "Finding",
    "Framework",
    "Goal",
    "HoursBand",
    "Intervention",
    "InvalidTypeError",
    "InvalidValueError",
    "IopModelError",
    "LevelOfCare",
    "MinimumLengthParams",
    "Objective",
    "Observation",
    "PlanReview",
    "PlanRevision",
    "Population",
    "Problem",
    "Program",
    "ReviewCadenceParams",
    "Rule",
    "RuleSet",
    "Session",
    "SessionKind",
    "SessionTemplate",
    "Setting",
    "Severity",
    "SkippedRule",
    "Subject",
    "TransitionError",
    "TreatmentPlan",
    "UnknownCodeError",
    "ValidationReport",
    "VisitPatternParams",
    "WeekSummary",
    "WeeklyHoursParams",
    "WeeklySessionsParams",
    "expand_template",
    "level_for_weekly_hours",
    "localize",
    "rule",
    "summarize_weeks",
    "validate",
    "week_of",
]


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
