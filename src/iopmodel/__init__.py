"""iopmodel: model addiction and mental-health treatment programs.

Levels of care and their ASAM/LOCUS codes, therapy sessions, Intensive
Outpatient Program designs and their recurring schedules, treatment plans,
cited clinical standards and rules, validation reports, episodes of care with
their level-of-care transitions, and explained recommendations. Everything here
is an immutable, typed value object; see the documentation for the concepts.

This namespace holds what a new user needs in the first hour. Its names load on
first use: ``import iopmodel`` imports none of the modules that define them, and
``iopmodel.Program`` (or ``from iopmodel import Program``) imports
:mod:`iopmodel.programs` and what it needs, once. Everything else is imported
from its module and documented there: :mod:`iopmodel.standards` (every clinical
number, cited), :mod:`iopmodel.rules` (the rule engine and the shipped rules),
:mod:`iopmodel.cycles` (a design's cycle of weeks), :mod:`iopmodel.weeks`,
:mod:`iopmodel.plans`, :mod:`iopmodel.episodes`,
:mod:`iopmodel.recommendations`, :mod:`iopmodel.errors`,
:mod:`iopmodel.sources`, :mod:`iopmodel.serialization` (JSON, TOML, dicts),
:mod:`iopmodel.schema` (JSON Schema of the documents), :mod:`iopmodel.examples`
(ready-made programs), and the optional :mod:`iopmodel.strategies`
(Hypothesis), :mod:`iopmodel.ics`, :mod:`iopmodel.fhir` (FHIR R4),
:mod:`iopmodel.plotting` and :mod:`iopmodel.simulation`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time, __getattr__ below
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
    from iopmodel.recommendations import ClinicalFacts, Recommendation, recommend
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

#: Where each top-level name is defined and imported from on first use: the
#: same imports as the ``TYPE_CHECKING`` block above (a test keeps them in step).
_NAMES_BY_MODULE: dict[str, tuple[str, ...]] = {
    "iopmodel.care": ("Framework", "LevelOfCare", "Population"),
    "iopmodel.episodes": ("Episode", "Move"),
    "iopmodel.errors": (
        "DocumentError",
        "InvalidValueError",
        "IopModelError",
        "TransitionError",
        "UnknownCodeError",
    ),
    "iopmodel.plans": ("AftercarePlan", "DischargeReason", "TreatmentPlan"),
    "iopmodel.programs": ("Program",),
    "iopmodel.recommendations": ("ClinicalFacts", "Recommendation", "recommend"),
    "iopmodel.reports": ("Finding", "Severity", "ValidationReport"),
    "iopmodel.rules": ("DEFAULT_RULES", "MEDICARE_2024_RULES", "RuleSet", "validate"),
    "iopmodel.schedules": ("SessionTemplate",),
    "iopmodel.sessions": ("Attendance", "Session", "SessionKind"),
    "iopmodel.sources": ("Citation",),
    "iopmodel.standards": (
        "DEFAULT_STANDARD",
        "MEDICARE_2024_STANDARD",
        "Standard",
        "level_for_weekly_hours",
    ),
}
_HOMES: dict[str, str] = {
    name: module for module, names in _NAMES_BY_MODULE.items() for name in names
}


# Hidden from type checkers, which would otherwise accept any attribute of the
# package: they see the imports above.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """Import a top-level name from its module on first use (PEP 562)."""
        try:
            home = _HOMES[name]
        except KeyError:
            msg = f"module {__name__!r} has no attribute {name!r}"
            raise AttributeError(msg) from None
        # __import__, not importlib.import_module: -X importtime reports the module.
        __import__(home)
        value = getattr(sys.modules[home], name)
        globals()[name] = value  # later lookups find it without calling __getattr__
        return value


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
