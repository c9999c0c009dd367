"""The exceptions raised by iopmodel.

Every exception the library raises derives from :class:`IopModelError`, and
only these escape a public function or class, whatever the input: hostile
text, huge numbers, impossible recurrences or calendar edges never surface as
a ``UnicodeEncodeError``, an ``OverflowError`` or a parser's own exception.
Each subclass also inherits the builtin exception that fits its meaning, so
``except ValueError`` keeps working in code that does not know iopmodel.
Messages name the field and show the value unless it might be free text,
which is described by its length instead.

*Invariants raise, rules report*: these errors are for data that is
meaningless (a naive datetime, a negative duration, an unknown code) or for
moves that are impossible. A clinical shortfall such as too few weekly hours is
never an exception; it is a :class:`~iopmodel.Finding` in a
:class:`~iopmodel.ValidationReport`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from iopmodel.reports import Finding

__all__ = [
    "MAX_PROBLEMS",
    "ClinicalRuleError",
    "ConsentRequiredError",
    "DocumentError",
    "InvalidTypeError",
    "InvalidValueError",
    "IopModelError",
    "MissingExtraError",
    "OutputError",
    "TransitionError",
    "UnknownCodeError",
]

#: The most problems a :class:`DocumentError` keeps (100); it also counts the rest.
MAX_PROBLEMS: Final = 100

#: Text shown in messages as it is: short identifier-like tokens (codes, keys,
#: zone names, RRULEs). Anything else is described by its length, never quoted.
_TOKEN: Final = re.compile(r"[\w.:+\-/@=;,]{0,40}", re.ASCII)
_SHOWN_TYPES: Final = (
    dt.date,
    dt.time,
    dt.timedelta,
    dt.tzinfo,
    enum.Enum,
    float,
    Decimal,
)
#: Integers longer than this many digits are described, not printed.
_MAX_DIGITS: Final = 30


class _Withheld:
    """The value of an error that has none to show (a whole table, a file)."""

    def __repr__(self) -> str:
        return "WITHHELD"

    def __reduce__(self) -> str:
        return "_WITHHELD"  # pickles as the module's one instance


#: Pass as an error's value when there is no single value to name: the
#: message then says what is wrong without ", got ..." (internal).
_WITHHELD: Final = _Withheld()


def _shown(value: object) -> str:
    """How a message shows *value*: its repr if it cannot be free text, else a description.

    Messages name the offending value, but never copy free text (a clinical
    note, a patient's words) into a log: text is quoted only when it is a short
    identifier-like token; other text becomes ``<text of N characters>``.
    Integers too long to print cheaply are described by their digit count.

    Example:
        >>> from iopmodel.errors import _shown
        >>> _shown("asam-3:2.1"), _shown("Patient said she relapsed"), _shown(7)
        ("'asam-3:2.1'", '<text of 25 characters>', '7')
    """
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return _shown_int(value)
    if isinstance(value, str):
        if _TOKEN.fullmatch(value):
            return repr(value)
        return f"<text of {len(value)} characters>"
    if isinstance(value, Fraction):
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > 96:
            return "<a number too long to show>"
        return repr(value)
    if isinstance(value, _SHOWN_TYPES):
        try:
            text = repr(value)
        except (ValueError, OverflowError):  # pragma: no cover - defensive
            return f"<{type(value).__name__}>"
        return text if len(text) <= 200 else f"<{type(value).__name__}>"
    return f"<{type(value).__name__}>"


def _shown_int(value: int) -> str:
    # 3.33 bits a digit: a cheap bound that avoids converting huge ints to text.
    if value.bit_length() > _MAX_DIGITS * 3:
        return f"<an integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    return repr(value)


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
        got = "" if value is _WITHHELD else f", got {_shown(value)}"
        super().__init__(f"{field}: {problem}{got}")
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
            f"{field}: expected {expected}, got {_shown(value)} ({type(value).__name__})"
        )
        self.field = field
        self.value = value
        self.expected = expected

    def __reduce__(self) -> tuple[type[InvalidTypeError], tuple[str, object, str]]:
        return (type(self), (self.field, self.value, self.expected))


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
        listing = ", ".join(_shown(k) for k in self.known)
        tail = f"; known: {listing}" if listing else ""
        super().__init__(f"unknown {field} {_shown(value)}{tail}")

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

    It lists the problems found, each with the path of the offending value
    (``$.templates[1].rrule``), in document order. Messages never echo free
    text from the document. At most :data:`MAX_PROBLEMS` problems are kept;
    :attr:`total` counts them all, so a document of a million bad keys gives a
    short error.

    Attributes:
        problems: ``(path, message)`` pairs, the first :data:`MAX_PROBLEMS`.
        total: How many problems were found in all (at least ``len(problems)``).
        source: The file name, when loading from a file.

    Example:
        >>> from iopmodel import DocumentError
        >>> error = DocumentError([("$.sessions[3].start", "naive datetime")])
        >>> print(error)
        1 problem in the document:
          $.sessions[3].start: naive datetime
        >>> many = DocumentError([(f"$.x{i}", "unknown key") for i in range(250)])
        >>> len(many.problems), many.total, str(many).splitlines()[0]
        (100, 250, '250 problems in the document (the first 100 shown):')
    """

    def __init__(
        self,
        problems: Iterable[tuple[str, str]],
        *,
        source: str | None = None,
        total: int | None = None,
    ) -> None:
        kept: list[tuple[str, str]] = []
        count = 0
        for problem in problems:
            count += 1
            if len(kept) < MAX_PROBLEMS:
                kept.append(problem)
        self.problems = tuple(kept)
        self.total = max(count, total or 0)
        self.source = source
        where = "the document" if source is None else source
        shown_note = f" (the first {len(kept)} shown)" if self.total > len(kept) else ""
        plural = "" if self.total == 1 else "s"
        lines = [f"{self.total} problem{plural} in {where}{shown_note}:"]
        lines.extend(f"  {path}: {message}" for path, message in self.problems)
        super().__init__("\n".join(lines))

    def with_source(self, source: str) -> DocumentError:
        """The same problems, reported for the file *source*.

        Example:
            >>> from iopmodel import DocumentError
            >>> DocumentError([("$", "not valid JSON")]).with_source("plan.json").source
            'plan.json'
        """
        return DocumentError(self.problems, source=source, total=self.total)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_document_error,
            (type(self), self.problems, self.source, self.total),
        )


def _rebuild_document_error(
    cls: type[DocumentError],
    problems: tuple[tuple[str, str], ...],
    source: str | None,
    total: int,
) -> DocumentError:
    return cls(problems, source=source, total=total)


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


class OutputError(IopModelError, OSError):
    """Something iopmodel was asked to write could not be written.

    It is an :class:`OSError`, so ``except OSError`` keeps working. The
    message gives the operating system's reason in plain words and names only
    the kind of path, never the path itself, which might be long or free text.

    Attributes:
        what: What was being written (``"schema directory"``).
        reason: The operating system's reason, in plain words.

    Example:
        >>> from iopmodel.errors import OutputError
        >>> error = OutputError("schema directory", "permission denied")
        >>> str(error), isinstance(error, OSError)
        ('cannot write the schema directory: permission denied', True)
    """

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"cannot write the {what}: {reason}")
        self.what = what
        self.reason = reason

    def __reduce__(self) -> tuple[type[OutputError], tuple[str, str]]:
        return (type(self), (self.what, self.reason))
