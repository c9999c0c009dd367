"""Validate a program design or a treatment plan against a rule set.

:func:`validate` never raises for a clinical shortfall: it runs every rule that
applies and returns a :class:`~iopmodel.reports.ValidationReport`. Call
:meth:`~iopmodel.reports.ValidationReport.raise_for_errors` when an exception is
what you want.
"""

from __future__ import annotations

import datetime as dt

from iopmodel._validators import check_arg, optional_plain_date
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.reports import Finding, SkippedRule, ValidationReport
from iopmodel.rules import DEFAULT_RULES, RuleSet, Subject

__all__ = ["validate", "validate_subject"]


def validate(
    target: Program | TreatmentPlan,
    rules: RuleSet = DEFAULT_RULES,
    *,
    as_of: dt.date | None = None,
) -> ValidationReport:
    """Check a program design or a treatment plan against *rules*.

    A :class:`~iopmodel.programs.Program` is checked on its typical week (a
    design check); a :class:`~iopmodel.plans.TreatmentPlan` on every local
    calendar week from its start to its discharge (or planned discharge, or
    last session). Every applicable rule runs, even when others find errors;
    rules that do not apply are listed in ``report.skipped``.

    Args:
        target: What to check.
        rules: The rule set; :data:`~iopmodel.rules.DEFAULT_RULES` by default.
        as_of: For an ongoing plan, the day the check is made for: weeks after
            it are not checked, and the review cadence is checked up to it.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan, validate
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import MEDICARE_2024_RULES
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-0001",
        ...                                   start=dt.date(2026, 3, 2), days=90)
        >>> plan = plan.cancel_session(plan.sessions[4])  # a Monday group in week 2
        >>> report = validate(plan, MEDICARE_2024_RULES, as_of=dt.date(2026, 4, 30))
        >>> print(report)  # doctest: +NORMALIZE_WHITESPACE
        plan p-0001 in Evening IOP, rules 'medicare-2024': NOT OK, 1 error, 0 warnings, 0 infos
          error   HRS001  week of 2026-03-09: 7 h scheduled, below the 9 h floor (Medicare IOP 2024)
        >>> [f.week for f in report.errors]
        [datetime.date(2026, 3, 9)]
    """
    check_arg(optional_plain_date, "as_of", as_of)
    return validate_subject(Subject.of(target, rules, as_of=as_of), rules)


def validate_subject(subject: Subject, rules: RuleSet) -> ValidationReport:
    """Run *rules* on a :class:`~iopmodel.rules.Subject` built beforehand.

    :func:`validate` builds the subject and calls this; call it yourself to
    reuse a subject's weekly summaries (a simulation does, for every patient).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> from iopmodel.validation import validate_subject
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> validate_subject(subject, DEFAULT_RULES).ok
        True
    """
    findings: list[Finding] = []
    skipped: list[SkippedRule] = []
    for rule in rules:
        reason = rule.skip_reason(subject)
        if reason is not None:
            skipped.append(SkippedRule(rule_id=rule.id, reason=reason))
            continue
        findings.extend(rule.run(subject))
    return ValidationReport(
        subject=subject.name,
        rule_set=rules.name,
        findings=tuple(findings),
        skipped=tuple(skipped),
    )
