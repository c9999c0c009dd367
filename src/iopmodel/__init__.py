"""iopmodel: model addiction and mental-health treatment programs.

Levels of care and their ASAM/LOCUS codes, therapy sessions, Intensive
Outpatient Program designs and their recurring schedules, treatment plans,
cited clinical rules and validation reports, episodes of care with their
level-of-care transitions, and explained recommendations. Everything here is
an immutable, typed value object; see the documentation for the concepts.

Some modules are imported on their own: :mod:`iopmodel.serialization` (JSON,
TOML, dicts), :mod:`iopmodel.strategies` (needs ``iopmodel[strategies]``,
Hypothesis), :mod:`iopmodel.ics` (needs ``iopmodel[ics]``, icalendar) and
:mod:`iopmodel.examples` (ready-made programs).
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
from iopmodel.episodes import (
    TRANSITIONS,
    Episode,
    EpisodeStatus,
    LevelChange,
    Move,
    Placement,
    Transition,
)
from iopmodel.errors import (
    MAX_PROBLEMS,
    ClinicalRuleError,
    DocumentError,
    InvalidTypeError,
    InvalidValueError,
    IopModelError,
    MissingExtraError,
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
from iopmodel.programs import (
    MAX_SCHEDULE_DAYS,
    MAX_SCHEDULE_SESSIONS,
    RECOMMENDED_MINIMUM_DAYS,
    Program,
)
from iopmodel.recommend import (
    Action,
    ClinicalFacts,
    HomeEnvironment,
    Reason,
    Recommendation,
    RecommendationPolicy,
    recommend,
)
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
from iopmodel.schedules import (
    MAX_CACHED_SESSIONS,
    MAX_RRULE_LENGTH,
    CacheInfo,
    SessionTemplate,
    expand_template,
    localize,
)
from iopmodel.sessions import (
    COUNTS_TOWARD_PROGRAM_HOURS,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_SESSION_DURATION,
    Attendance,
    Session,
    SessionKind,
)
from iopmodel.sources import Citation
from iopmodel.validation import validate, validate_subject
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
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_CACHED_SESSIONS",
    "MAX_PROBLEMS",
    "MAX_RRULE_LENGTH",
    "MAX_SCHEDULE_DAYS",
    "MAX_SCHEDULE_SESSIONS",
    "MAX_SESSION_DURATION",
    "MEDICARE_2024_RULES",
    "RECOMMENDED_MINIMUM_DAYS",
    "RULE_SETS",
    "TRANSITIONS",
    "Action",
    "AftercareParams",
    "AftercarePlan",
    "Attendance",
    "CacheInfo",
    "Citation",
    "ClinicalFacts",
    "ClinicalRuleError",
    "DischargeReason",
    "DocumentError",
    "Episode",
    "EpisodeStatus",
    "Finding",
    "Framework",
    "Goal",
    "HomeEnvironment",
    "HoursBand",
    "Intervention",
    "InvalidTypeError",
    "InvalidValueError",
    "IopModelError",
    "LevelChange",
    "LevelOfCare",
    "MinimumLengthParams",
    "MissingExtraError",
    "Move",
    "Objective",
    "Observation",
    "Placement",
    "PlanReview",
    "PlanRevision",
    "Population",
    "Problem",
    "Program",
    "Reason",
    "Recommendation",
    "RecommendationPolicy",
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
    "Transition",
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
    "recommend",
    "rule",
    "summarize_weeks",
    "validate",
    "validate_subject",
    "week_of",
]


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
