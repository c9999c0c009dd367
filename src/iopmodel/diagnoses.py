"""Diagnoses (ICD-10-CM) and the co-occurring-disorder attributes of programs.

A :class:`Diagnosis` records an ICD-10-CM code on a treatment plan: primary or
secondary, with onset and resolution dates. Any well-formed ICD-10-CM code is
accepted (the code's *shape* is checked: a letter, a digit, a letter or digit,
then optionally a dot and one to four letters or digits). iopmodel ships a small
table of the codes an IOP sees most (:data:`ICD10CM_CODES`: the substance-use
codes F10-F19 and common mental-health codes); a well-formed code outside it is
allowed, and says so (:attr:`Diagnosis.known` is ``False``, rule ``DX001``
reports it as information).

Codes and their short titles are facts of the public ICD-10-CM code set
(:data:`~iopmodel.sources.ICD10CM`).

A program's referral attributes live here too: its :class:`ProgramFocus`
(substance use, mental health or co-occurring) and its
:class:`CoOccurringCapability` (capable or enhanced).

Example:
    >>> import datetime as dt
    >>> from iopmodel.diagnoses import Diagnosis, co_occurring
    >>> aud = Diagnosis(code="f10.20", onset=dt.date(2025, 6, 1))
    >>> aud.code, aud.display, aud.category.value
    ('F10.20', 'Alcohol dependence, uncomplicated', 'substance_use')
    >>> mdd = Diagnosis(code="F33.1", rank="secondary")
    >>> co_occurring([aud, mdd])
    True
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from iopmodel._validators import (
    check_arg,
    collection_of,
    optional_non_empty_str,
    optional_plain_date,
)
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError

__all__ = [
    "ICD10CM_CODES",
    "CoOccurringCapability",
    "Diagnosis",
    "DiagnosisCategory",
    "DiagnosisRank",
    "ProgramFocus",
    "co_occurring",
    "normalize_icd10cm",
]

_SHAPE: Final = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")

#: ICD-10-CM codes an IOP sees most, with their short titles (alcohol and drug
#: use, F10-F19, and common mental-health codes). An excerpt of the public code
#: set (:data:`~iopmodel.sources.ICD10CM`), not the whole of it.
#:
#: :meta hide-value:
ICD10CM_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "F10.10": "Alcohol abuse, uncomplicated",
        "F10.11": "Alcohol abuse, in remission",
        "F10.20": "Alcohol dependence, uncomplicated",
        "F10.21": "Alcohol dependence, in remission",
        "F10.230": "Alcohol dependence with withdrawal, uncomplicated",
        "F11.10": "Opioid abuse, uncomplicated",
        "F11.20": "Opioid dependence, uncomplicated",
        "F11.21": "Opioid dependence, in remission",
        "F12.10": "Cannabis abuse, uncomplicated",
        "F12.20": "Cannabis dependence, uncomplicated",
        "F13.10": "Sedative, hypnotic or anxiolytic abuse, uncomplicated",
        "F13.20": "Sedative, hypnotic or anxiolytic dependence, uncomplicated",
        "F14.10": "Cocaine abuse, uncomplicated",
        "F14.20": "Cocaine dependence, uncomplicated",
        "F15.10": "Other stimulant abuse, uncomplicated",
        "F15.20": "Other stimulant dependence, uncomplicated",
        "F16.10": "Hallucinogen abuse, uncomplicated",
        "F16.20": "Hallucinogen dependence, uncomplicated",
        "F17.210": "Nicotine dependence, cigarettes, uncomplicated",
        "F18.10": "Inhalant abuse, uncomplicated",
        "F18.20": "Inhalant dependence, uncomplicated",
        "F19.10": "Other psychoactive substance abuse, uncomplicated",
        "F19.20": "Other psychoactive substance dependence, uncomplicated",
        "F20.9": "Schizophrenia, unspecified",
        "F25.9": "Schizoaffective disorder, unspecified",
        "F31.9": "Bipolar disorder, unspecified",
        "F32.0": "Major depressive disorder, single episode, mild",
        "F32.1": "Major depressive disorder, single episode, moderate",
        "F32.2": "Major depressive disorder, single episode, severe without "
        "psychotic features",
        "F32.9": "Major depressive disorder, single episode, unspecified",
        "F32.A": "Depression, unspecified",
        "F33.0": "Major depressive disorder, recurrent, mild",
        "F33.1": "Major depressive disorder, recurrent, moderate",
        "F33.2": "Major depressive disorder, recurrent severe without psychotic "
        "features",
        "F33.9": "Major depressive disorder, recurrent, unspecified",
        "F41.0": "Panic disorder [episodic paroxysmal anxiety]",
        "F41.1": "Generalized anxiety disorder",
        "F41.9": "Anxiety disorder, unspecified",
        "F43.10": "Post-traumatic stress disorder, unspecified",
        "F43.12": "Post-traumatic stress disorder, chronic",
        "F43.20": "Adjustment disorder, unspecified",
        "F60.3": "Borderline personality disorder",
        "F90.0": "Attention-deficit hyperactivity disorder, predominantly "
        "inattentive type",
    }
)


def normalize_icd10cm(code: object) -> str:
    """An ICD-10-CM code in its usual dotted, upper-case form.

    Only the code's shape is checked; whether the code exists in the current
    code set is not (see :data:`ICD10CM_CODES` for the shipped table).

    Raises:
        InvalidTypeError: For a non-string.
        InvalidValueError: For a string that is not shaped like an ICD-10-CM code.

    Example:
        >>> from iopmodel.diagnoses import normalize_icd10cm
        >>> normalize_icd10cm("f1020"), normalize_icd10cm(" F41.1 "), normalize_icd10cm("Z63")
        ('F10.20', 'F41.1', 'Z63')
    """
    if not isinstance(code, str):
        raise InvalidTypeError("code", code, "str")
    match = _SHAPE.fullmatch(code.strip().upper())
    if match is None:
        raise InvalidValueError(
            "code",
            code if len(code) <= 12 else f"<text of {len(code)} characters>",
            "is not an ICD-10-CM code (a letter, a digit, a letter or digit, "
            "then optionally '.' and 1-4 letters or digits)",
        )
    category, rest = match.groups()
    return category if rest is None else f"{category}.{rest}"


class DiagnosisRank(enum.Enum):
    """Whether a diagnosis is the primary reason for treatment.

    Example:
        >>> from iopmodel.diagnoses import DiagnosisRank
        >>> DiagnosisRank("primary")
        <DiagnosisRank.PRIMARY: 'primary'>
    """

    PRIMARY = "primary"
    SECONDARY = "secondary"


class DiagnosisCategory(enum.Enum):
    """The broad group of a code, from its ICD-10-CM block.

    Example:
        >>> from iopmodel.diagnoses import DiagnosisCategory
        >>> DiagnosisCategory.of("F11.20").value, DiagnosisCategory.of("F33.1").value
        ('substance_use', 'mental_health')
        >>> DiagnosisCategory.of("Z63.0").value
        'other'
    """

    SUBSTANCE_USE = "substance_use"
    """Mental and behavioural disorders due to psychoactive substance use, F10-F19."""
    MENTAL_HEALTH = "mental_health"
    """Any other code of chapter 5 (F01-F99)."""
    OTHER = "other"

    @classmethod
    def of(cls, code: str) -> DiagnosisCategory:
        """The category of a normalized code."""
        if not code.startswith("F") or not code[1:3].isdigit():
            return cls.OTHER
        return cls.SUBSTANCE_USE if 10 <= int(code[1:3]) <= 19 else cls.MENTAL_HEALTH


class ProgramFocus(enum.Enum):
    """What a program treats: substance use, mental health, or both.

    Example:
        >>> from iopmodel.diagnoses import ProgramFocus
        >>> ProgramFocus("co_occurring").treats_substance_use
        True
    """

    SUBSTANCE_USE = "substance_use"
    MENTAL_HEALTH = "mental_health"
    CO_OCCURRING = "co_occurring"
    """An integrated program for co-occurring substance-use and mental disorders."""

    @property
    def treats_substance_use(self) -> bool:
        """Whether the program treats substance-use disorders."""
        return self is not ProgramFocus.MENTAL_HEALTH


class CoOccurringCapability(enum.Enum):
    """How far a program can treat co-occurring disorders (ASAM's terms).

    Example:
        >>> from iopmodel.diagnoses import CoOccurringCapability
        >>> CoOccurringCapability("enhanced")
        <CoOccurringCapability.ENHANCED: 'enhanced'>
    """

    CAPABLE = "capable"
    """Addresses co-occurring conditions that are stable enough for its services."""
    ENHANCED = "enhanced"
    """Designed for patients whose co-occurring conditions are less stable."""


def _code(value: object) -> str:
    return normalize_icd10cm(value)


def _rank(value: object) -> DiagnosisRank:
    if isinstance(value, DiagnosisRank):
        return value
    try:
        return DiagnosisRank(value)
    except ValueError:
        raise UnknownCodeError(
            "rank", value, [r.value for r in DiagnosisRank]
        ) from None


def _default_display(diagnosis: Any) -> str | None:
    return ICD10CM_CODES.get(diagnosis.code)


@attrs.frozen(kw_only=True)
class Diagnosis:
    """An ICD-10-CM diagnosis on a treatment plan.

    Args:
        code: A well-formed ICD-10-CM code (``"F10.20"``; ``"f1020"`` is
            normalized to it).
        display: Its title; the shipped table's title by default (``None``
            for a code outside the table).
        rank: Primary (default) or secondary.
        onset: When the condition began or was diagnosed, if known.
        resolved: When it resolved or went into remission, if it has.

    Raises:
        InvalidValueError: A malformed code, or *resolved* before *onset*.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.diagnoses import Diagnosis
        >>> rare = Diagnosis(code="F15.921")
        >>> rare.known, rare.display
        (False, None)
        >>> Diagnosis(code="F41.1", onset=dt.date(2025, 1, 1),
        ...           resolved=dt.date(2026, 1, 1)).active_on(dt.date(2026, 2, 1))
        False
    """

    code: str = attrs.field(converter=_code)
    display: str | None = attrs.field(
        default=attrs.Factory(_default_display, takes_self=True),
        validator=optional_non_empty_str,
    )
    rank: DiagnosisRank = attrs.field(default=DiagnosisRank.PRIMARY, converter=_rank)
    onset: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    resolved: dt.date | None = attrs.field(default=None, validator=optional_plain_date)

    def __attrs_post_init__(self) -> None:
        if (
            self.onset is not None
            and self.resolved is not None
            and self.resolved < self.onset
        ):
            raise InvalidValueError(
                "resolved", self.resolved, f"is before the onset {self.onset}"
            )

    @property
    def known(self) -> bool:
        """Whether the code is in the shipped table (unknown codes are allowed)."""
        return self.code in ICD10CM_CODES

    @property
    def category(self) -> DiagnosisCategory:
        """Substance use (F10-F19), mental health (other F codes) or other."""
        return DiagnosisCategory.of(self.code)

    @property
    def primary(self) -> bool:
        """Whether this is the primary diagnosis."""
        return self.rank is DiagnosisRank.PRIMARY

    def active_on(self, day: dt.date) -> bool:
        """Whether the diagnosis applies on *day* (after onset, before resolution)."""
        if self.onset is not None and day < self.onset:
            return False
        return self.resolved is None or day < self.resolved

    def _repr_html_(self) -> str:
        from iopmodel._record_html import diagnoses_html  # noqa: PLC0415

        return diagnoses_html((self,))


def co_occurring(diagnoses: Iterable[Diagnosis], on: dt.date | None = None) -> bool:
    """Whether *diagnoses* include both a substance-use and a mental-health code.

    Args:
        diagnoses: The diagnoses.
        on: Count only those active on this day (all, when ``None``).

    Example:
        >>> import datetime as dt
        >>> from iopmodel.diagnoses import Diagnosis, co_occurring
        >>> record = [Diagnosis(code="F11.20"),
        ...           Diagnosis(code="F41.1", rank="secondary", resolved=dt.date(2026, 1, 5))]
        >>> co_occurring(record), co_occurring(record, on=dt.date(2026, 2, 1))
        (True, False)
    """
    items = collection_of(Diagnosis, "diagnoses", diagnoses)
    check_arg(optional_plain_date, "on", on)
    categories = {d.category for d in items if on is None or d.active_on(on)}
    return {
        DiagnosisCategory.SUBSTANCE_USE,
        DiagnosisCategory.MENTAL_HEALTH,
    } <= categories
