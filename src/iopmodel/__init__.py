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
from iopmodel.programs import MAX_SCHEDULE_DAYS, RECOMMENDED_MINIMUM_DAYS, Program
from iopmodel.schedules import SessionTemplate, expand_template, localize
from iopmodel.sessions import (
    COUNTS_TOWARD_PROGRAM_HOURS,
    MAX_SESSION_DURATION,
    Attendance,
    Session,
    SessionKind,
)
from iopmodel.sources import Citation

try:
    __version__ = version("iopmodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "COUNTS_TOWARD_PROGRAM_HOURS",
    "MAX_SCHEDULE_DAYS",
    "MAX_SESSION_DURATION",
    "RECOMMENDED_MINIMUM_DAYS",
    "Attendance",
    "Citation",
    "ClinicalRuleError",
    "Framework",
    "HoursBand",
    "InvalidTypeError",
    "InvalidValueError",
    "IopModelError",
    "LevelOfCare",
    "Population",
    "Program",
    "Session",
    "SessionKind",
    "SessionTemplate",
    "Setting",
    "TransitionError",
    "UnknownCodeError",
    "expand_template",
    "level_for_weekly_hours",
    "localize",
]


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
