"""Clinical rules as cited data, the rule sets that group them, and validation.

The engine (:mod:`iopmodel.rules.engine`) defines :class:`Rule`,
:class:`RuleSet`, :class:`Subject` and :func:`validate`; the shipped rules live
by concern in :mod:`~iopmodel.rules.hours` (weekly hours),
:mod:`~iopmodel.rules.mix` (session mix and visit pattern) and
:mod:`~iopmodel.rules.course` (length, aftercare, reviews), and are gathered in
:mod:`~iopmodel.rules.catalogue` with the rule sets of the shipped standards.

Clinical numbers are not rule parameters: every rule reads them from its rule
set's :class:`~iopmodel.standards.Standard`. Build your own rules without
subclassing:

- change a number: ``DEFAULT_RULES.with_thresholds(plan_review_every_days=30)``,
  or build a whole set from your own standard with :func:`rules_for`;
- change a rule's behaviour: ``DEFAULT_RULES.configure("AFT001",
  exempt_reasons=[...])``;
- write a rule of your own as a plain function with the :func:`rule` decorator
  and add it with :meth:`RuleSet.with_rule`.

Example:
    >>> from iopmodel.rules import DEFAULT_RULES, MEDICARE_2024_RULES
    >>> DEFAULT_RULES.ids  # doctest: +NORMALIZE_WHITESPACE
    ('HRS001', 'HRS002', 'HRS003', 'HRS004', 'IND001', 'GRP001', 'PAT001',
     'LEN001', 'AFT001', 'REV001')
    >>> "REV002" in MEDICARE_2024_RULES
    True
"""

from __future__ import annotations

from iopmodel.rules.catalogue import (
    AFTERCARE,
    ATTENDED_HOURS,
    BUILTIN_RULES,
    DEFAULT_RULES,
    EXCLUDED_HOURS,
    GROUP_WEEKLY,
    INDIVIDUAL_WEEKLY,
    LEVEL_HOURS,
    MEDICARE_2024_RULES,
    PLAN_REVIEW,
    RECERTIFICATION,
    RULE_SETS,
    SCHEDULED_HOURS,
    TOTAL_LENGTH,
    VISIT_PATTERN,
    rules_for,
)
from iopmodel.rules.course import AftercareParams
from iopmodel.rules.engine import (
    ALL_TARGETS,
    Observation,
    Rule,
    RuleSet,
    Subject,
    Target,
    rule,
    validate,
    validate_subject,
)
from iopmodel.rules.hours import WeeklyHoursParams
from iopmodel.rules.mix import WeeklySessionsParams

__all__ = [
    "AFTERCARE",
    "ALL_TARGETS",
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
    "AftercareParams",
    "Observation",
    "Rule",
    "RuleSet",
    "Subject",
    "Target",
    "WeeklyHoursParams",
    "WeeklySessionsParams",
    "rule",
    "rules_for",
    "validate",
    "validate_subject",
]
