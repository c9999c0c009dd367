"""The exceptions raised by iopmodel.

Every exception the library raises derives from :class:`IopModelError`.
Each subclass also inherits the builtin exception that fits its meaning, so
``except ValueError`` keeps working in code that does not know iopmodel.

*Invariants raise, rules report*: these errors are for data that is
meaningless (a naive datetime, a negative duration, an unknown code) or for
moves that are impossible. A clinical shortfall such as too few weekly hours is
never an exception; it is a :class:`~iopmodel.Finding` in a
:class:`~iopmodel.ValidationReport`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iopmodel.reports import Finding

__all__ = [
    "ClinicalRuleError",
    "ConsentRequiredError",
    "DocumentError",
    "InvalidTypeError",
    "InvalidValueError",
    "IopModelError",
    "LimitError",
    "MissingExtraError",
    "TransitionError",
    "UnknownCodeError",
]


class IopModelError(Exception):
    """Base class for every exception raised by iopmodel.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import IopModelError, Session, SessionKind
        >>> try:
        ...     Session(kind=SessionKind.GROUP_THERAPY,
        ...             start=dt.datetime(2026, 3, 2, 18),
        ...             duration=dt.timedelta(hours=3))
        ... except IopModelError as error:
        ...     print(error)
        start: must be timezone-aware, got datetime.datetime(2026, 3, 2, 18, 0)
    """


class InvalidValueError(IopModelError, ValueError):
    """A value is of the right type but meaningless for its field.

    Attributes:
        field: The name (or path) of the offending field.
        value: The offending value.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import InvalidValueError, SessionKind, SessionTemplate
        >>> try:
        ...     SessionTemplate(kind=SessionKind.GROUP_THERAPY, rrule="FREQ=WEEKLY",
        ...                     start_time=dt.time(18), duration=dt.timedelta(0))
        ... except InvalidValueError as error:
        ...     (error.field, error.value)
        ('duration', datetime.timedelta(0))
    """

    def __init__(self, field: str, value: object, problem: str) -> None:
        super().__init__(f"{field}: {problem}, got {value!r}")
        self.field = field
        self.value = value
        self.problem = problem

    def __reduce__(self) -> tuple[type[InvalidValueError], tuple[str, object, str]]:
        return (type(self), (self.field, self.value, self.problem))


class InvalidTypeError(IopModelError, TypeError):
    """A value has the wrong type for its field.

    Attributes:
        field: The name (or path) of the offending field.
        value: The offending value.
        expected: A description of the accepted types.

    Example:
        >>> from iopmodel import Program
        >>> from iopmodel.errors import InvalidTypeError
        >>> try:
        ...     Program(name="x", level="iop", population="adult", timezone="UTC")
        ... except InvalidTypeError as error:
        ...     print(error)
        level: expected LevelOfCare, got 'iop' (str)
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        super().__init__(
            f"{field}: expected {expected}, got {value!r} ({type(value).__name__})"
        )
        self.field = field
        self.value = value
        self.expected = expected

    def __reduce__(self) -> tuple[type[InvalidTypeError], tuple[str, object, str]]:
        return (type(self), (self.field, self.value, self.expected))


class LimitError(IopModelError, ValueError):
    """Work that would exceed one of the library's budgets, refused before it starts.

    Attributes:
        field: What is too large (``"plan window"``).
        size: How large it is.
        limit: The budget it exceeds.

    Example:
        >>> from iopmodel.errors import LimitError
        >>> str(LimitError("plan window", "2,922,000 days", "1,830 days"))
        'plan window: 2,922,000 days is over the limit of 1,830 days'
    """

    def __init__(self, field: str, size: str, limit: str) -> None:
        super().__init__(f"{field}: {size} is over the limit of {limit}")
        self.field = field
        self.size = size
        self.limit = limit

    def __reduce__(self) -> tuple[type[LimitError], tuple[str, str, str]]:
        return (type(self), (self.field, self.size, self.limit))


class UnknownCodeError(IopModelError, LookupError):
    """A code, key or name is not in the vocabulary it was looked up in.

    The message lists the known values, so the fix is visible at once.

    Attributes:
        field: What was being looked up (for example ``"asam-3 code"``).
        value: The code that was not found.
        known: The codes that would have been accepted.

    Example:
        >>> from iopmodel import Framework, LevelOfCare, UnknownCodeError
        >>> try:
        ...     LevelOfCare.from_code(Framework.LOCUS, "7")
        ... except UnknownCodeError as error:
        ...     print(error)
        unknown locus code '7'; known: '0', '1', '2', '3', '4', '5', '6'
    """

    def __init__(self, field: str, value: object, known: Iterable[object]) -> None:
        self.field = field
        self.value = value
        self.known = tuple(known)
        listing = ", ".join(repr(k) for k in self.known)
        super().__init__(f"unknown {field} {value!r}; known: {listing}")

    def __str__(self) -> str:
        # LookupError/KeyError-style repr quoting would wrap the message in quotes.
        return str(self.args[0])

    def __reduce__(
        self,
    ) -> tuple[type[UnknownCodeError], tuple[str, object, tuple[object, ...]]]:
        return (type(self), (self.field, self.value, self.known))


class TransitionError(IopModelError, ValueError):
    """A level-of-care move is not allowed, with the reason why.

    Attributes:
        move: The name of the refused move (``"step_down"``, ``"discharge"``...).
        reason: Why the move was refused, in plain English.

    Example:
        >>> from iopmodel import TransitionError
        >>> str(TransitionError("step_down", "target is more intensive"))
        'cannot step_down: target is more intensive'
    """

    def __init__(self, move: str, reason: str) -> None:
        super().__init__(f"cannot {move}: {reason}")
        self.move = move
        self.reason = reason

    def __reduce__(self) -> tuple[type[TransitionError], tuple[str, str]]:
        return (type(self), (self.move, self.reason))


class ClinicalRuleError(IopModelError, ValueError):
    """Raised on request by :meth:`~iopmodel.reports.ValidationReport.raise_for_errors`.

    It carries every error finding of the report, not only the first.

    Attributes:
        findings: The error findings, in report order.

    Example:
        >>> from iopmodel.errors import ClinicalRuleError
        >>> ClinicalRuleError([]).findings
        ()
    """

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        lines = [f"{len(self.findings)} clinical rule error(s)"]
        lines.extend(f"  {f.rule_id}: {f.message}" for f in self.findings)
        super().__init__("\n".join(lines))

    def __reduce__(
        self,
    ) -> tuple[type[ClinicalRuleError], tuple[tuple[Finding, ...]]]:
        return (type(self), (self.findings,))


class DocumentError(IopModelError, ValueError):
    """A document (dict, JSON, TOML or file) cannot be loaded.

    It lists *every* problem found, each with the path of the offending value
    (``$.templates[1].rrule``). Messages never echo free text from the document.

    Attributes:
        problems: ``(path, message)`` pairs, in document order.
        source: The file name, when loading from a file.

    Example:
        >>> from iopmodel import DocumentError
        >>> error = DocumentError([("$.sessions[3].start", "naive datetime")])
        >>> print(error)
        1 problem in the document:
          $.sessions[3].start: naive datetime
    """

    def __init__(
        self, problems: Sequence[tuple[str, str]], *, source: str | None = None
    ) -> None:
        self.problems = tuple(problems)
        self.source = source
        where = "the document" if source is None else source
        count = len(self.problems)
        lines = [f"{count} problem{'' if count == 1 else 's'} in {where}:"]
        lines.extend(f"  {path}: {message}" for path, message in self.problems)
        super().__init__("\n".join(lines))

    def __reduce__(
        self,
    ) -> tuple[type[DocumentError], tuple[tuple[tuple[str, str], ...]]]:
        return (type(self), (self.problems,))


class MissingExtraError(IopModelError, ImportError):
    """An optional extra is needed for this feature and is not installed.

    Example:
        >>> from iopmodel.errors import MissingExtraError
        >>> str(MissingExtraError("ics", "icalendar"))
        "this feature needs the 'ics' extra: pip install 'iopmodel[ics]' (icalendar)"
    """

    def __init__(self, extra: str, package: str) -> None:
        super().__init__(
            f"this feature needs the {extra!r} extra: "
            f"pip install 'iopmodel[{extra}]' ({package})"
        )
        self.extra = extra
        self.package = package

    def __reduce__(self) -> tuple[type[MissingExtraError], tuple[str, str]]:
        return (type(self), (self.extra, self.package))


class ConsentRequiredError(IopModelError, PermissionError):
    """An export of 42 CFR Part 2 data without a consent that covers it.

    The message names what is missing, never the patient or the data.

    Attributes:
        what: What was being exported (``"treatment plan"``).
        reason: Why no consent covers it.

    Example:
        >>> from iopmodel.errors import ConsentRequiredError
        >>> str(ConsentRequiredError("treatment plan", "no consent was given"))
        'treatment plan holds 42 CFR Part 2 data: no consent was given'
    """

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what} holds 42 CFR Part 2 data: {reason}")
        self.what = what
        self.reason = reason

    def __reduce__(self) -> tuple[type[ConsentRequiredError], tuple[str, str]]:
        return (type(self), (self.what, self.reason))
