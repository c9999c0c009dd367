"""Drug screens: toxicology results, and what they mean for clinical facts.

A specimen is collected in a :attr:`~iopmodel.sessions.SessionKind.TOXICOLOGY_SCREEN`
session; its result is a :class:`Screen`: the collection day, the panel, and a
:class:`ScreenResult` per substance. Substances the patient is prescribed (such
as buprenorphine) are recorded, so that their positives are expected.

NIDA's principles say drug use during treatment must be monitored continuously;
rule ``TOX001`` checks a plan's screening cadence against the standard's
``Standard.screen_every_days``.

Screens feed :class:`~iopmodel.recommendations.ClinicalFacts` through
:func:`apply_screens`, and a positive screen counts as evidence that the
patient is *not progressing* only when your :class:`ScreenPolicy` says so (by
default it does not: one positive screen is information, not a verdict).

Example:
    >>> import datetime as dt
    >>> from iopmodel.screens import Screen
    >>> screen = Screen(collected=dt.date(2026, 3, 4), panel="12-panel urine",
    ...                 results={"opioids": "positive", "cocaine": "negative",
    ...                          "buprenorphine": "positive"},
    ...                 prescribed=["buprenorphine"])
    >>> screen.positive, screen.unexpected_positives
    (True, ('opioids',))
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

import attrs

from iopmodel._validators import (
    FrozenMapping,
    check_arg,
    instance_of,
    non_empty_str,
    plain_date,
)
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError

if TYPE_CHECKING:
    from iopmodel.recommendations import ClinicalFacts

__all__ = ["Screen", "ScreenPolicy", "ScreenResult", "apply_screens"]

_SUBSTANCE: Final = re.compile(r"[a-z0-9][a-z0-9 _/-]{0,39}")


class ScreenResult(enum.Enum):
    """The result of one substance on a screen.

    Example:
        >>> from iopmodel.screens import ScreenResult
        >>> ScreenResult("positive")
        <ScreenResult.POSITIVE: 'positive'>
    """

    NEGATIVE = "negative"
    POSITIVE = "positive"
    INVALID = "invalid"
    """Not interpretable (dilute, adulterated, or not tested after all)."""


def _substance(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidTypeError(field, value, "str")
    if not _SUBSTANCE.fullmatch(value):
        raise InvalidValueError(
            field,
            value if len(value) <= 40 else f"<text of {len(value)} characters>",
            "must be a lower-case substance name (letters, digits, ' ', '_', '/', '-')",
        )
    return value


def _results(value: Mapping[str, ScreenResult | str]) -> Mapping[str, ScreenResult]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("results", value, "a mapping of substance to result")
    results: dict[str, ScreenResult] = {}
    for key, result in value.items():
        name = _substance(f"results[{key!r}]", key)
        if isinstance(result, ScreenResult):
            results[name] = result
            continue
        try:
            results[name] = ScreenResult(result)
        except ValueError:
            raise UnknownCodeError(
                f"results[{key!r}]", result, [r.value for r in ScreenResult]
            ) from None
    if not results:
        raise InvalidValueError("results", 0, "must name at least one substance")
    return FrozenMapping(dict(sorted(results.items())))


def _prescribed(value: Iterable[str]) -> frozenset[str]:
    items = (value,) if isinstance(value, str) else tuple(value)
    return frozenset(_substance("prescribed", item) for item in items)


@attrs.frozen(kw_only=True)
class Screen:
    """A drug screen's results.

    Args:
        collected: The day the specimen was collected.
        panel: The panel, in words (``"12-panel urine"``).
        results: Substance (lower-case name) to result; at least one.
        prescribed: Substances the patient is prescribed, whose positives are
            expected.

    Raises:
        InvalidValueError: No results, or malformed substance names.
        UnknownCodeError: A result that is not negative, positive or invalid.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.screens import Screen, ScreenResult
        >>> clean = Screen(collected=dt.date(2026, 3, 11), panel="oral fluid",
        ...                results={"alcohol": ScreenResult.NEGATIVE})
        >>> clean.positive, clean.substances
        (False, ('alcohol',))
    """

    collected: dt.date = attrs.field(validator=plain_date)
    panel: str = attrs.field(validator=non_empty_str)
    results: Mapping[str, ScreenResult] = attrs.field(converter=_results)
    prescribed: frozenset[str] = attrs.field(default=frozenset(), converter=_prescribed)

    @property
    def substances(self) -> tuple[str, ...]:
        """The substances tested, sorted."""
        return tuple(self.results)

    @property
    def positives(self) -> tuple[str, ...]:
        """Substances that tested positive."""
        return tuple(s for s, r in self.results.items() if r is ScreenResult.POSITIVE)

    @property
    def unexpected_positives(self) -> tuple[str, ...]:
        """Positive substances the patient is not prescribed."""
        return tuple(s for s in self.positives if s not in self.prescribed)

    @property
    def positive(self) -> bool:
        """Whether any substance the patient is not prescribed tested positive."""
        return bool(self.unexpected_positives)

    def _repr_html_(self) -> str:
        from iopmodel._record_html import screens_html  # noqa: PLC0415

        return screens_html((self,))


@attrs.frozen(kw_only=True)
class ScreenPolicy:
    """How your program reads screens as clinical facts.

    Args:
        positive_means_not_progressing: Whether an unexpected positive on the
            latest screen means the patient is not progressing (``False`` by
            default: no source makes one positive screen a verdict).

    Example:
        >>> from iopmodel.screens import ScreenPolicy
        >>> ScreenPolicy().positive_means_not_progressing
        False
    """

    positive_means_not_progressing: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )


def apply_screens(
    facts: ClinicalFacts,
    screens: Iterable[Screen],
    policy: ScreenPolicy | None = None,
) -> ClinicalFacts:
    """The facts, with what the screens show under *policy*.

    Only screens collected on or before ``facts.as_of`` are read; the latest of
    them decides. With ``positive_means_not_progressing``, an unexpected
    positive on it sets ``progressing=False``; otherwise the facts are returned
    unchanged.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import ClinicalFacts
        >>> from iopmodel.screens import Screen, ScreenPolicy, apply_screens
        >>> facts = ClinicalFacts(as_of=dt.date(2026, 3, 20))
        >>> screens = [Screen(collected=dt.date(2026, 3, 18), panel="urine",
        ...                   results={"cocaine": "positive"})]
        >>> apply_screens(facts, screens).progressing
        True
        >>> strict = ScreenPolicy(positive_means_not_progressing=True)
        >>> apply_screens(facts, screens, strict).progressing
        False
    """
    from iopmodel.recommendations import ClinicalFacts  # noqa: PLC0415 - recommendations imports plans

    check_arg(instance_of(ClinicalFacts), "facts", facts)
    policy = ScreenPolicy() if policy is None else policy
    check_arg(instance_of(ScreenPolicy), "policy", policy)
    given = tuple(screens)
    for index, screen in enumerate(given):
        check_arg(instance_of(Screen), f"screens[{index}]", screen)
    seen = [s for s in given if s.collected <= facts.as_of]
    if not policy.positive_means_not_progressing or not seen:
        return facts
    latest = max(seen, key=lambda s: s.collected)
    if latest.positive:
        return attrs.evolve(facts, progressing=False)
    return facts
