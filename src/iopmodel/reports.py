"""Validation reports: the findings of clinical rules, never exceptions.

A :class:`ValidationReport` holds every :class:`Finding` of a validation run,
with the rule that made it, its severity, a plain-English message with numbers
and units, the week or object it concerns and the source it cites. It raises
only when asked to, with :meth:`ValidationReport.raise_for_errors`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import attrs

from iopmodel.errors import ClinicalRuleError
from iopmodel.sources import Citation

__all__ = ["Finding", "Severity", "SkippedRule", "ValidationReport"]


class Severity(enum.Enum):
    """How serious a finding is.

    Example:
        >>> from iopmodel import Severity
        >>> Severity.ERROR.rank > Severity.WARNING.rank > Severity.INFO.rank
        True
    """

    ERROR = "error"
    """The standard is not met."""
    WARNING = "warning"
    """Likely a problem, or a recommendation not followed."""
    INFO = "info"
    """Worth knowing; not a problem by itself."""

    @property
    def rank(self) -> int:
        """2 for errors, 1 for warnings, 0 for infos."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@attrs.frozen(kw_only=True)
class Finding:
    """One result of one rule.

    Args:
        rule_id: The stable id of the rule (``"HRS001"``).
        severity: Error, warning or info.
        message: Plain English with numbers and units.
        citation: The source the rule (or this finding) relies on.
        week: First day of the week concerned, for weekly findings on real
            dates (plans).
        path: The object concerned otherwise (``"$.aftercare"``).
        cycle_week: For a program design, the first week of its cycle the
            finding concerns (1-based; the message names every such week).

    Example:
        >>> import datetime as dt
        >>> from iopmodel import Finding, Severity
        >>> f = Finding(rule_id="HRS001", severity=Severity.ERROR,
        ...             message="week of 2026-03-09: 7.5 h scheduled, below the 9 h floor",
        ...             week=dt.date(2026, 3, 9))
        >>> str(f)
        'error HRS001: week of 2026-03-09: 7.5 h scheduled, below the 9 h floor'
    """

    rule_id: str
    severity: Severity
    message: str
    citation: Citation | None = None
    week: dt.date | None = None
    path: str | None = None
    cycle_week: int | None = None

    def __str__(self) -> str:
        return f"{self.severity.value} {self.rule_id}: {self.message}"

    def to_record(self) -> dict[str, str | None]:
        """A flat dict of plain values, for tables and JSON."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "week": None if self.week is None else self.week.isoformat(),
            "cycle_week": None if self.cycle_week is None else str(self.cycle_week),
            "path": self.path,
            "source": None if self.citation is None else self.citation.key,
            "citation": None if self.citation is None else str(self.citation),
        }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@attrs.frozen(kw_only=True)
class SkippedRule:
    """A rule that did not apply to the target, and why.

    Example:
        >>> from iopmodel.reports import SkippedRule
        >>> str(SkippedRule(rule_id="AFT001", reason="applies to treatment plans only"))
        'AFT001: applies to treatment plans only'
    """

    rule_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.reason}"


@attrs.frozen(kw_only=True)
class ValidationReport:
    """Every finding of one validation run.

    Iterating a report yields its findings. ``ok`` is true when there is no
    error finding (warnings and infos do not make a report fail).

    Args:
        subject: What was validated, in words.
        rule_set: The name of the rule set used.
        findings: The findings, in rule order.
        skipped: Rules that did not apply, with the reason.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import validate
        >>> from iopmodel.examples import evening_iop
        >>> report = validate(evening_iop())
        >>> report.ok, len(report.errors), len(report.warnings)
        (True, 0, 0)
        >>> print(report)
        Evening IOP (program design), rules 'default': OK, 0 errors, 0 warnings, 0 infos
    """

    subject: str
    rule_set: str
    findings: tuple[Finding, ...] = ()
    skipped: tuple[SkippedRule, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether there is no error finding."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error findings."""
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The warning findings."""
        return self._of(Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """The info findings."""
        return self._of(Severity.INFO)

    def _of(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def by_rule(self) -> dict[str, tuple[Finding, ...]]:
        """Findings grouped by rule id, in first-seen order."""
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.rule_id, []).append(finding)
        return {rule_id: tuple(items) for rule_id, items in grouped.items()}

    def summary(self) -> str:
        """One line: subject, rule set, verdict and counts."""
        verdict = "OK" if self.ok else "NOT OK"
        counts = ", ".join(
            _count(len(self._of(severity)), severity.value) for severity in Severity
        )
        return f"{self.subject}, rules {self.rule_set!r}: {verdict}, {counts}"

    def __str__(self) -> str:
        lines = [self.summary()]
        for finding in sorted(self.findings, key=lambda f: -f.severity.rank):
            line = f"  {finding.severity.value:<7} {finding.rule_id}  {finding.message}"
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"ValidationReport(subject={self.subject!r}, rule_set={self.rule_set!r}, "
            f"ok={self.ok}, errors={len(self.errors)}, warnings={len(self.warnings)}, "
            f"infos={len(self.infos)})"
        )

    def _repr_html_(self) -> str:
        from iopmodel._html import report_html  # noqa: PLC0415

        return report_html(self)

    def to_dataframe(self) -> Any:
        """The findings as a pandas DataFrame (needs the ``pandas`` extra).

        Example:
            >>> from iopmodel import validate
            >>> from iopmodel.examples import evening_iop
            >>> validate(evening_iop()).to_dataframe().shape
            (0, 8)
        """
        from iopmodel.tables import findings_frame  # noqa: PLC0415

        return findings_frame(self)

    def to_records(self) -> list[dict[str, str | None]]:
        """One flat dict per finding, ready for ``pandas.DataFrame`` or JSON.

        Example:
            >>> import attrs
            >>> from iopmodel import validate
            >>> from iopmodel.examples import evening_iop
            >>> program = evening_iop()
            >>> no_individual = attrs.evolve(program, templates=program.templates[:1])
            >>> record = validate(no_individual).to_records()[0]
            >>> record["rule_id"], record["severity"], record["source"]
            ('IND001', 'error', 'SOURCE-ARTICLE')
        """
        return [finding.to_record() for finding in self.findings]

    def raise_for_errors(self) -> None:
        """Raise :class:`~iopmodel.errors.ClinicalRuleError` if there are errors.

        The exception carries every error finding, not only the first.

        Example:
            >>> import attrs
            >>> from iopmodel import validate
            >>> from iopmodel.errors import ClinicalRuleError
            >>> from iopmodel.examples import evening_iop
            >>> program = evening_iop()
            >>> groups_only = attrs.evolve(program, templates=program.templates[:1])
            >>> try:
            ...     validate(groups_only).raise_for_errors()
            ... except ClinicalRuleError as error:
            ...     [f.rule_id for f in error.findings]
            ['IND001']
        """
        errors = self.errors
        if errors:
            raise ClinicalRuleError(errors)
