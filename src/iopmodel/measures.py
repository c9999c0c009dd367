"""Measurement-based care: outcome instruments, their scoring, and scores.

An :class:`Instrument` is data: its item ids, the range of each item, which
items add up to the total, its composites (subscales), its published severity
bands, and the paper or publisher that defines them. iopmodel ships the
instruments whose items and scoring are free to reproduce, with item *numbers*
only, never item text:

- :data:`PHQ_9` (depression; Kroenke et al. 2001),
- :data:`GAD_7` (anxiety; Spitzer et al. 2006),
- :data:`AUDIT_C` (alcohol; Bush et al. 1998, cut-offs Bradley et al. 2007),
- :data:`BAM` (the VA's Brief Addiction Monitor; Cacciola et al. 2013, scored
  as the VA's Use, Risk and Protective composites; its total is the Use
  composite, since the BAM has no validated total score).

Other instruments are registered with :func:`register_instrument`, giving a
scoring function of your own when the total is not a plain sum.

A :class:`Measure` is one administration: instrument id, date, item responses
and total. Give the responses and the total is scored; give only a total when
the responses live elsewhere. Minimal clinically important differences are
clinical numbers, so they live in the standard
(``Standard.mcid_points``), not here.

Example:
    >>> import datetime as dt
    >>> from iopmodel.measures import PHQ_9
    >>> intake = PHQ_9.score({str(i): 2 for i in range(1, 10)}, on=dt.date(2026, 3, 2))
    >>> intake.total, intake.band.label
    (18, 'moderately severe')
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from iopmodel._validators import (
    FrozenMapping,
    check_arg,
    instance_of,
    non_empty_str,
    non_negative_int,
    optional_instance_of,
    plain_date,
    to_tuple,
)
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError
from iopmodel.sources import (
    AUDIT_C_BRADLEY_2007,
    AUDIT_C_BUSH_1998,
    BAM_CACCIOLA_2013,
    BAM_VA_SCORING,
    GAD7_SPITZER_2006,
    PHQ9_KROENKE_2001,
    Citation,
)

__all__ = [
    "AUDIT_C",
    "BAM",
    "GAD_7",
    "PHQ_9",
    "Instrument",
    "Measure",
    "SeverityBand",
    "instrument",
    "instruments",
    "register_instrument",
]

_ID: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
Scorer = Callable[[Mapping[str, int]], int]


@attrs.frozen(kw_only=True)
class SeverityBand:
    """A published band of total scores, both ends inclusive.

    Example:
        >>> from iopmodel.measures import SeverityBand
        >>> band = SeverityBand(label="mild", minimum=5, maximum=9)
        >>> band.contains(9), band.contains(10), str(band)
        (True, False, 'mild (5-9)')
    """

    label: str = attrs.field(validator=non_empty_str)
    minimum: int = attrs.field(validator=non_negative_int)
    maximum: int = attrs.field(validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if self.maximum < self.minimum:
            raise InvalidValueError("maximum", self.maximum, f"is below {self.minimum}")

    def contains(self, score: int) -> bool:
        """Whether *score* is in the band."""
        return self.minimum <= score <= self.maximum

    def __str__(self) -> str:
        if self.minimum == self.maximum:
            return f"{self.label} ({self.minimum})"
        return f"{self.label} ({self.minimum}-{self.maximum})"


def _instrument_id(_instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise InvalidTypeError(attribute.name, value, "str")
    if not _ID.fullmatch(value):
        raise InvalidValueError(
            attribute.name, value, "must be lower-case letters, digits, '.', '_' or '-'"
        )


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    given: tuple[object, ...] = to_tuple(value)
    for index, item in enumerate(given):
        if not isinstance(item, str) or not item:
            raise InvalidTypeError(f"items[{index}]", item, "a non-empty str")
    items = tuple(str(item) for item in given)
    if len(set(items)) != len(items):
        raise InvalidValueError("items", len(items), "has an item id twice")
    return items


def _optional_ids(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else _ids(value)


def _subscales(value: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("subscales", value, "a mapping of name to item ids")
    return FrozenMapping({name: _ids(items) for name, items in value.items()})


def _bands(value: Iterable[SeverityBand]) -> tuple[SeverityBand, ...]:
    given: list[SeverityBand] = []
    for index, band in enumerate(to_tuple(value)):
        if not isinstance(band, SeverityBand):
            raise InvalidTypeError(f"bands[{index}]", band, "SeverityBand")
        given.append(band)
    bands = tuple(sorted(given, key=lambda b: b.minimum))
    for lower, upper in itertools.pairwise(bands):
        if upper.minimum != lower.maximum + 1:
            raise InvalidValueError(
                "bands", f"{lower} / {upper}", "must meet with no gap and no overlap"
            )
    return bands


@attrs.frozen(kw_only=True)
class Instrument:
    """An outcome measure: items, scoring, composites and severity bands.

    Args:
        id: Stable lower-case id (``"phq-9"``), used in measures and the standard.
        name: Display name.
        items: Every item id, in order (``"1"``, ``"2"``...). Ids only: iopmodel
            never stores item text.
        item_minimum: Lowest response to any item.
        item_maximum: Highest response to any item.
        scored_items: Items whose sum is the total (all items when ``None``).
            Ignored when *scorer* is given.
        subscales: Composite scores: name to the items they sum.
        bands: Severity bands of the total, covering its range without gaps.
        higher_is_worse: Whether a higher total means worse (for MCID rules).
        required: Whether every scored item must be answered to score.
        citation: Where the scoring and bands come from.
        band_citation: Where the bands come from, if not *citation*.
        scorer: A function of the responses giving the total, for instruments
            whose total is not a plain sum (registered instruments only; not
            compared or serialized).

    Raises:
        InvalidValueError: Bad ids, scored items or subscales naming unknown
            items, bands with gaps.

    Example:
        >>> from iopmodel.measures import GAD_7
        >>> GAD_7.items[:3], GAD_7.maximum_total, [b.label for b in GAD_7.bands]
        (('1', '2', '3'), 21, ['minimal', 'mild', 'moderate', 'severe'])
    """

    id: str = attrs.field(validator=_instrument_id)
    name: str = attrs.field(validator=non_empty_str)
    items: tuple[str, ...] = attrs.field(converter=_ids)
    item_minimum: int = attrs.field(default=0, validator=non_negative_int)
    item_maximum: int = attrs.field(validator=non_negative_int)
    scored_items: tuple[str, ...] | None = attrs.field(
        default=None, converter=_optional_ids
    )
    subscales: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_subscales
    )
    bands: tuple[SeverityBand, ...] = attrs.field(default=(), converter=_bands)
    higher_is_worse: bool = attrs.field(default=True, validator=instance_of(bool))
    required: bool = attrs.field(default=True, validator=instance_of(bool))
    citation: Citation = attrs.field(validator=instance_of(Citation))
    band_citation: Citation | None = attrs.field(
        default=None, validator=optional_instance_of(Citation)
    )
    scorer: Scorer | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        known = set(self.items)
        for name, items in (
            ("scored_items", self.scored_items or ()),
            *((f"subscales[{k!r}]", v) for k, v in self.subscales.items()),
        ):
            unknown = [i for i in items if i not in known]
            if unknown:
                raise InvalidValueError(name, unknown[0], "is not one of the items")
        if self.item_maximum < self.item_minimum:
            raise InvalidValueError(
                "item_maximum", self.item_maximum, f"is below {self.item_minimum}"
            )

    def __repr__(self) -> str:
        return f"Instrument(id={self.id!r}, items={len(self.items)})"

    @property
    def summed_items(self) -> tuple[str, ...]:
        """The items whose sum is the total (without a custom scorer)."""
        return self.items if self.scored_items is None else self.scored_items

    @property
    def maximum_total(self) -> int | None:
        """Highest possible total of a plain sum (``None`` with a custom scorer)."""
        if self.scorer is not None:
            return None
        return len(self.summed_items) * self.item_maximum

    def check_responses(self, responses: Mapping[str, int]) -> None:
        """Raise unless *responses* are item ids of this instrument with values in range.

        Raises:
            InvalidValueError: Unknown items, values out of range, or (for a
                *required* instrument) a scored item left unanswered.

        Example:
            >>> from iopmodel import InvalidValueError
            >>> from iopmodel.measures import AUDIT_C
            >>> try:
            ...     AUDIT_C.check_responses({"1": 5, "2": 0, "3": 0})
            ... except InvalidValueError as error:
            ...     print(error)
            responses['1']: must be 0 to 4, got 5
        """
        known = set(self.items)
        for item, value in responses.items():
            if item not in known:
                raise UnknownCodeError(f"{self.id} item", item, self.items)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidTypeError(f"responses[{item!r}]", value, "int")
            if not self.item_minimum <= value <= self.item_maximum:
                raise InvalidValueError(
                    f"responses[{item!r}]",
                    value,
                    f"must be {self.item_minimum} to {self.item_maximum}",
                )
        if self.required and self.scorer is None:
            missing = [i for i in self.summed_items if i not in responses]
            if missing:
                raise InvalidValueError(
                    "responses",
                    len(responses),
                    f"leaves item {missing[0]!r} unanswered",
                )

    def total(self, responses: Mapping[str, int]) -> int:
        """The total score of *responses* (checked first).

        Example:
            >>> from iopmodel.measures import AUDIT_C
            >>> AUDIT_C.total({"1": 2, "2": 1, "3": 1})
            4
        """
        self.check_responses(responses)
        if self.scorer is not None:
            result: object = self.scorer(responses)
            if isinstance(result, bool) or not isinstance(result, int) or result < 0:
                raise InvalidValueError(
                    "scorer", result, f"of {self.id} must return an int of 0 or more"
                )
            return result
        return sum(responses.get(item, 0) for item in self.summed_items)

    def subscores(self, responses: Mapping[str, int]) -> dict[str, int]:
        """Each composite's score (items not answered count 0).

        Example:
            >>> from iopmodel.measures import BAM
            >>> answers = {item: 0 for item in BAM.items} | {"6": 2, "3": 3}
            >>> BAM.subscores(answers)
            {'use': 2, 'risk': 3, 'protective': 0}
        """
        self.check_responses(responses)
        return {
            name: sum(responses.get(item, 0) for item in items)
            for name, items in self.subscales.items()
        }

    def band(self, total: int) -> SeverityBand | None:
        """The severity band of a total, or ``None`` without bands (or out of range).

        Example:
            >>> from iopmodel.measures import PHQ_9
            >>> PHQ_9.band(10).label, PHQ_9.band(27).label
            ('moderate', 'severe')
        """
        return next((b for b in self.bands if b.contains(total)), None)

    def score(self, responses: Mapping[str, int], *, on: dt.date) -> Measure:
        """A :class:`Measure` of this instrument: the responses, scored, on *on*.

        Example:
            >>> import datetime as dt
            >>> from iopmodel.measures import GAD_7
            >>> GAD_7.score({str(i): 1 for i in range(1, 8)}, on=dt.date(2026, 3, 2)).total
            7
        """
        return Measure(instrument=self.id, on=on, responses=responses)

    def _repr_html_(self) -> str:
        from iopmodel._record_html import instrument_html  # noqa: PLC0415

        return instrument_html(self)


def _numbered(count: int) -> tuple[str, ...]:
    return tuple(str(i) for i in range(1, count + 1))


#: The PHQ-9 depression scale, items 1-9 scored 0-3 (item 10, how difficult the
#: problems made life, is recorded but not scored), total 0-27, bands per
#: Kroenke, Spitzer and Williams (2001).
#:
#: :meta hide-value:
PHQ_9: Final = Instrument(
    id="phq-9",
    name="PHQ-9",
    items=(*_numbered(9), "10"),
    item_maximum=3,
    scored_items=_numbered(9),
    bands=(
        SeverityBand(label="none-minimal", minimum=0, maximum=4),
        SeverityBand(label="mild", minimum=5, maximum=9),
        SeverityBand(label="moderate", minimum=10, maximum=14),
        SeverityBand(label="moderately severe", minimum=15, maximum=19),
        SeverityBand(label="severe", minimum=20, maximum=27),
    ),
    citation=PHQ9_KROENKE_2001,
)

#: The GAD-7 anxiety scale, items 1-7 scored 0-3 (item 8, difficulty, not
#: scored), total 0-21, bands per Spitzer et al. (2006).
#:
#: :meta hide-value:
GAD_7: Final = Instrument(
    id="gad-7",
    name="GAD-7",
    items=(*_numbered(7), "8"),
    item_maximum=3,
    scored_items=_numbered(7),
    bands=(
        SeverityBand(label="minimal", minimum=0, maximum=4),
        SeverityBand(label="mild", minimum=5, maximum=9),
        SeverityBand(label="moderate", minimum=10, maximum=14),
        SeverityBand(label="severe", minimum=15, maximum=21),
    ),
    citation=GAD7_SPITZER_2006,
)

#: The AUDIT-C, the AUDIT's three consumption items, each 0-4, total 0-12
#: (Bush et al. 1998). Bands from Bradley et al. (2007): 3 is a positive screen
#: for women, 4 or more for everyone.
#:
#: :meta hide-value:
AUDIT_C: Final = Instrument(
    id="audit-c",
    name="AUDIT-C",
    items=_numbered(3),
    item_maximum=4,
    bands=(
        SeverityBand(label="negative", minimum=0, maximum=2),
        SeverityBand(label="positive for women", minimum=3, maximum=3),
        SeverityBand(label="positive", minimum=4, maximum=12),
    ),
    citation=AUDIT_C_BUSH_1998,
    band_citation=AUDIT_C_BRADLEY_2007,
)

_BAM_USE: Final = ("4", "5", "6")

#: The VA's Brief Addiction Monitor, 17 items (7A-7G elaborate item 6), coded
#: 0-4 (Cacciola et al. 2013). Composites per the VA's scoring guide: Use
#: (items 4-6), Risk (1, 2, 3, 8, 11, 15), Protective (9, 10, 12, 13, 14, 16).
#: The total is the Use composite, 0-12; any use is clinically significant.
#:
#: :meta hide-value:
BAM: Final = Instrument(
    id="bam",
    name="Brief Addiction Monitor (Use)",
    items=(
        *_numbered(6),
        "7a",
        "7b",
        "7c",
        "7d",
        "7e",
        "7f",
        "7g",
        *map(str, range(8, 18)),
    ),
    item_maximum=4,
    scored_items=_BAM_USE,
    subscales={
        "use": _BAM_USE,
        "risk": ("1", "2", "3", "8", "11", "15"),
        "protective": ("9", "10", "12", "13", "14", "16"),
    },
    bands=(
        SeverityBand(label="no use", minimum=0, maximum=0),
        SeverityBand(label="use", minimum=1, maximum=12),
    ),
    citation=BAM_CACCIOLA_2013,
    band_citation=BAM_VA_SCORING,
)

_SHIPPED: Final = (PHQ_9, GAD_7, AUDIT_C, BAM)
_REGISTRY: dict[str, Instrument] = {i.id: i for i in _SHIPPED}
_LOCK: Final = threading.Lock()


def register_instrument(new: Instrument, *, replace: bool = False) -> Instrument:
    """Make an instrument known to :class:`Measure` and the rules, by its id.

    The shipped instruments cannot be replaced.

    Raises:
        InvalidValueError: An id already registered (unless *replace*), or a
            shipped instrument's id.

    Example:
        >>> from iopmodel.measures import Instrument, SeverityBand, register_instrument
        >>> from iopmodel.sources import LIBRARY_DEFAULT
        >>> craving = register_instrument(Instrument(
        ...     id="clinic-craving", name="Craving 0-10", items=["1"], item_maximum=10,
        ...     scorer=lambda answers: answers["1"], citation=LIBRARY_DEFAULT,
        ...     bands=[SeverityBand(label="low", minimum=0, maximum=3),
        ...            SeverityBand(label="high", minimum=4, maximum=10)]), replace=True)
        >>> craving.score({"1": 6}, on=__import__("datetime").date(2026, 3, 2)).band.label
        'high'
    """
    check_arg(instance_of(Instrument), "instrument", new)
    with _LOCK:
        if any(new.id == shipped.id for shipped in _SHIPPED):
            raise InvalidValueError("instrument", new.id, "is a shipped instrument")
        if new.id in _REGISTRY and not replace:
            raise InvalidValueError("instrument", new.id, "is already registered")
        _REGISTRY[new.id] = new
    return new


def instrument(instrument_id: str) -> Instrument:
    """The registered instrument with id *instrument_id*.

    Raises:
        UnknownCodeError: Listing the known ids.

    Example:
        >>> from iopmodel.measures import instrument
        >>> instrument("audit-c").name
        'AUDIT-C'
    """
    check_arg(instance_of(str), "instrument_id", instrument_id)
    found = _REGISTRY.get(instrument_id)
    if found is None:
        raise UnknownCodeError("instrument", instrument_id, sorted(_REGISTRY))
    return found


def instruments() -> tuple[Instrument, ...]:
    """Every registered instrument, the shipped ones first.

    Example:
        >>> from iopmodel.measures import instruments
        >>> [i.id for i in instruments()][:4]
        ['phq-9', 'gad-7', 'audit-c', 'bam']
    """
    return tuple(_REGISTRY.values())


def _responses(value: Mapping[str, int]) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("responses", value, "a mapping of item id to score")
    for key in value:
        if not isinstance(key, str):
            raise InvalidTypeError("responses", key, "item ids as str")
    return FrozenMapping(value)


def _optional_total(_instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        non_negative_int(_instance, attribute, value)


@attrs.frozen(kw_only=True)
class Measure:
    """One administration of an outcome measure.

    Args:
        instrument: The instrument's id (``"phq-9"``).
        on: The day it was given.
        responses: Item id to response; may be empty when only the total is kept.
        total: The total score; computed from *responses* when omitted (the
            instrument must then be registered). When both are given for a
            registered instrument, they must agree.

    Raises:
        InvalidValueError: Responses out of range, a total that disagrees with
            them, a total over the instrument's maximum, or neither given.
        UnknownCodeError: Responses without a total, for an unregistered
            instrument.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.measures import Measure
        >>> m = Measure(instrument="audit-c", on=dt.date(2026, 3, 2),
        ...             responses={"1": 3, "2": 2, "3": 1})
        >>> m.total, m.band.label, m.severity
        (6, 'positive', 'positive')
        >>> Measure(instrument="outside-scale", on=dt.date(2026, 3, 2), total=40).band is None
        True
    """

    instrument: str = attrs.field(validator=_instrument_id)
    on: dt.date = attrs.field(validator=plain_date)
    responses: Mapping[str, int] = attrs.field(factory=dict, converter=_responses)
    total: int = attrs.field(default=None, validator=_optional_total)

    def __attrs_post_init__(self) -> None:
        known = _REGISTRY.get(self.instrument)
        if known is None:
            if self.total is None:
                raise UnknownCodeError("instrument", self.instrument, sorted(_REGISTRY))
            return
        if self.responses:
            scored = known.total(self.responses)
            if self.total is None:
                object.__setattr__(self, "total", scored)
            elif self.total != scored:
                raise InvalidValueError(
                    "total",
                    self.total,
                    f"disagrees with the responses, which score {scored}",
                )
        elif self.total is None:
            raise InvalidValueError("total", None, "is required without responses")
        maximum = known.maximum_total
        if maximum is not None and self.total > maximum:
            raise InvalidValueError(
                "total", self.total, f"is over {known.id}'s maximum {maximum}"
            )

    @property
    def registered(self) -> Instrument | None:
        """The instrument, if it is registered."""
        return _REGISTRY.get(self.instrument)

    @property
    def band(self) -> SeverityBand | None:
        """The severity band of the total (``None`` if the instrument has none)."""
        known = self.registered
        return None if known is None else known.band(self.total)

    @property
    def severity(self) -> str | None:
        """The band's label, or ``None``."""
        band = self.band
        return None if band is None else band.label

    def _repr_html_(self) -> str:
        from iopmodel._record_html import measures_html  # noqa: PLC0415

        return measures_html((self,))
