"""iopmodel: model addiction and mental-health treatment programs.

Levels of care and their ASAM/LOCUS codes, therapy sessions, Intensive
Outpatient Program designs and their recurring schedules, treatment plans,
cited clinical standards and rules, validation reports, episodes of care with
their level-of-care transitions, and explained recommendations. Everything here
is an immutable, typed value object; see the documentation for the concepts.

This namespace holds what a new user needs in the first hour. Everything else
is imported from its module and documented there: :mod:`iopmodel.standards`
(every clinical number, cited), :mod:`iopmodel.rules` (the rule engine and the
shipped rules), :mod:`iopmodel.cycles` (a design's cycle of weeks),
:mod:`iopmodel.weeks`, :mod:`iopmodel.plans`, :mod:`iopmodel.episodes`,
:mod:`iopmodel.recommend`, :mod:`iopmodel.errors`, :mod:`iopmodel.sources`,
:mod:`iopmodel.serialization` (JSON, TOML, dicts), :mod:`iopmodel.schema`
(JSON Schema of the documents), :mod:`iopmodel.examples` (ready-made
programs), and the optional :mod:`iopmodel.strategies` (Hypothesis),
:mod:`iopmodel.ics`, :mod:`iopmodel.fhir` (FHIR R4), :mod:`iopmodel.plotting`
and :mod:`iopmodel.simulation`.
"""

from __future__ import annotations

from iopmodel.care import Framework, LevelOfCare, Population
from iopmodel.episodes import Episode, Move
from iopmodel.errors import (
    DocumentError,
    InvalidValueError,
    IopModelError,
    TransitionError,
    UnknownCodeError,
)
from iopmodel.plans import AftercarePlan, DischargeReason, TreatmentPlan
from iopmodel.programs import Program
from iopmodel.recommend import ClinicalFacts, Recommendation, recommend
from iopmodel.reports import Finding, Severity, ValidationReport
from iopmodel.rules import DEFAULT_RULES, MEDICARE_2024_RULES, RuleSet, validate
from iopmodel.schedules import SessionTemplate
from iopmodel.sessions import Attendance, Session, SessionKind
from iopmodel.sources import Citation
from iopmodel.standards import (
    DEFAULT_STANDARD,
    MEDICARE_2024_STANDARD,
    Standard,
    level_for_weekly_hours,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_STANDARD",
    "MEDICARE_2024_RULES",
    "MEDICARE_2024_STANDARD",
    "AftercarePlan",
    "Attendance",
    "Citation",
    "ClinicalFacts",
    "DischargeReason",
    "DocumentError",
    "Episode",
    "Finding",
    "Framework",
    "InvalidValueError",
    "IopModelError",
    "LevelOfCare",
    "Move",
    "Population",
    "Program",
    "Recommendation",
    "RuleSet",
    "Session",
    "SessionKind",
    "SessionTemplate",
    "Severity",
    "Standard",
    "TransitionError",
    "TreatmentPlan",
    "UnknownCodeError",
    "ValidationReport",
    "level_for_weekly_hours",
    "recommend",
    "validate",
]


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
