"""Clinical standards: every number iopmodel uses, once, with its source.

Sources disagree on some numbers. The source article (quoting SAMHSA) puts an
IOP at 9 to 20 hours a week; Medicare's 2024 IOP benefit at 9 to under 20, with
partial hospitalization from 20. A :class:`Standard` holds one consistent
reading of all of them:

- the weekly-hours band of each level of care, per population
  (:class:`HoursBand`, each bound cited);
- which session kinds count toward those hours;
- every other clinical number, as a :class:`Threshold` with its citation:
  the minimum total length of treatment, the step-down review window, the
  plan-review cadence, Medicare recertification, the sessions expected each
  week, the visit pattern, and the "recent plan change" window.

Numbers that no source gives are *library defaults*: their citation is
:data:`~iopmodel.sources.LIBRARY_DEFAULT` and their ``note`` says why the value
was chosen. Configure them like any other.

Everything that judges hours or days reads a standard: the classifier
(:func:`level_for_weekly_hours`), the rule sets built from it
(:func:`iopmodel.rules.rules_for`), the recommendations, the Hypothesis
strategies and the simulation. They cannot disagree, because there is only one
copy of each number.

Example:
    >>> from iopmodel.standards import DEFAULT_STANDARD, MEDICARE_2024_STANDARD
    >>> DEFAULT_STANDARD.level_for_weekly_hours(20).label
    'Intensive outpatient'
    >>> MEDICARE_2024_STANDARD.level_for_weekly_hours(20).label
    'Partial hospitalization'
    >>> DEFAULT_STANDARD.minimum_total_days
    Threshold(value=90, unit='days', source='NIDA')
    >>> DEFAULT_STANDARD.recent_plan_change_days.source.library_default
    True
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import attrs

from iopmodel import sources
from iopmodel._format import hours_text
from iopmodel._validators import FrozenMapping, instance_of, non_empty_str, to_hours
from iopmodel.care import LevelOfCare, Population
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError
from iopmodel.sessions import DeliveryMode, SessionKind
from iopmodel.sources import Citation

__all__ = [
    "DEFAULT_STANDARD",
    "HOURS_LADDER",
    "MEDICARE_2024_STANDARD",
    "STANDARDS",
    "HoursBand",
    "Standard",
    "Threshold",
    "level_for_weekly_hours",
]


def _hours_converter(value: object) -> Fraction:
    return to_hours("minimum", value)


def _optional_hours_converter(value: object) -> Fraction | None:
    return None if value is None else to_hours("maximum", value)


def as_hours(value: object) -> Fraction:
    """Exact hours from a number or a :class:`~datetime.timedelta` (internal)."""
    if isinstance(value, dt.timedelta):
        return Fraction(value // dt.timedelta(microseconds=1), 3_600_000_000)
    return to_hours("hours", value)


@attrs.frozen(kw_only=True)
class HoursBand:
    """A band of weekly clinical hours, each bound with its own source.

    Hours are exact :class:`~fractions.Fraction` values, so 9 hours is never
    8.999. Floats are read as the decimal a person typed (``8.99`` is 899/100).

    Args:
        minimum: Lower bound of the band.
        maximum: Upper bound, or ``None`` for no upper bound.
        include_minimum: Whether *minimum* itself is inside the band (yes by
            default).
        include_maximum: Whether *maximum* itself is inside the band.
        minimum_source: Where the minimum comes from.
        maximum_source: Where the maximum comes from (``None`` if no maximum).

    Raises:
        InvalidValueError: A maximum below the minimum, or a band that holds no
            value at all.

    Example:
        >>> from iopmodel.standards import HoursBand
        >>> from iopmodel.sources import MEDICARE_IOP_2024
        >>> band = HoursBand(minimum=9, maximum=20, include_maximum=False,
        ...                  minimum_source=MEDICARE_IOP_2024,
        ...                  maximum_source=MEDICARE_IOP_2024)
        >>> band.contains(9), band.contains(20), str(band)
        (True, False, '9 to under 20 h/week')
    """

    minimum: Fraction = attrs.field(converter=_hours_converter)
    maximum: Fraction | None = attrs.field(
        default=None, converter=_optional_hours_converter
    )
    include_minimum: bool = attrs.field(default=True, validator=instance_of(bool))
    include_maximum: bool = attrs.field(default=False, validator=instance_of(bool))
    minimum_source: Citation = attrs.field(validator=instance_of(Citation))
    maximum_source: Citation | None = attrs.field(default=None)
    # the fewest and most whole minutes inside the band, computed once: the
    # per-week check is two integer comparisons
    _minutes: tuple[int, int | None] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        low = self.minimum * 60
        lo = math.ceil(low) if self.include_minimum else math.floor(low) + 1
        hi = None
        if self.maximum is not None:
            high = self.maximum * 60
            hi = math.floor(high) if self.include_maximum else math.ceil(high) - 1
        object.__setattr__(self, "_minutes", (lo, hi))
        if self.maximum is None:
            return
        if self.maximum < self.minimum or (
            self.maximum == self.minimum
            and not (self.include_minimum and self.include_maximum)
        ):
            raise InvalidValueError(
                "maximum", hours_text(self.maximum), "leaves the band empty"
            )

    def contains(self, hours: object) -> bool:
        """Whether *hours* (a number, or a :class:`~datetime.timedelta`) is in the band.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import LevelOfCare, Population
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> band = DEFAULT_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                              Population.ADULT)
            >>> band.contains(dt.timedelta(hours=8, minutes=59)), band.contains(20)
            (False, True)
        """
        value = as_hours(hours)
        if value < self.minimum or (value == self.minimum and not self.include_minimum):
            return False
        high = self.maximum
        return high is None or value < high or (value == high and self.include_maximum)

    def contains_minutes(self, minutes: int) -> bool:
        """Whether a whole number of *minutes* a week is in the band (fast, exact).

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> band = DEFAULT_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                              Population.ADULT)
            >>> band.contains_minutes(540), band.contains_minutes(539)
            (True, False)
        """
        lo, hi = self._minutes
        return lo <= minutes and (hi is None or minutes <= hi)

    def minute_limits(self) -> tuple[int, int | None]:
        """The fewest and most whole minutes a week inside the band (``None``: no most).

        ``lo <= minutes <= hi`` is the same test as :meth:`contains_minutes`,
        in two integer comparisons (batch validation precomputes it per band).

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> from iopmodel.standards import MEDICARE_2024_STANDARD
            >>> MEDICARE_2024_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                             Population.ADULT).minute_limits()
            (540, 1199)
        """
        return self._minutes

    def is_below(self, hours: object) -> bool:
        """Whether *hours* is under the band (rather than over it).

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> band = DEFAULT_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                              Population.ADULT)
            >>> band.is_below(6), band.is_below(9), band.is_below(25)
            (True, False, False)
        """
        value = as_hours(hours)
        return value < self.minimum or (
            value == self.minimum and not self.include_minimum
        )

    def __str__(self) -> str:
        low = hours_text(self.minimum)
        if self.maximum is None:
            if self.include_minimum:
                return f"{low} h/week or more"
            return f"over {low} h/week"
        start = low if self.include_minimum else f"over {low}"
        if self.include_maximum:
            return f"{start} to {hours_text(self.maximum)} h/week"
        return f"{start} to under {hours_text(self.maximum)} h/week"


def _value(_instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise InvalidTypeError(attribute.name, value, "int or Fraction")
    if value < 0:
        raise InvalidValueError(attribute.name, value, "must not be negative")


@attrs.frozen(kw_only=True)
class Threshold:
    """One clinical number with its unit and its source.

    Args:
        value: The number (an ``int``, or an exact ``Fraction`` of hours).
        unit: Its unit, in words (``"days"``, ``"sessions/week"``).
        source: Where it comes from; :data:`~iopmodel.sources.LIBRARY_DEFAULT`
            when iopmodel chose it.
        note: What the source says, or, for a library default, why this value.

    Example:
        >>> from iopmodel.standards import Threshold
        >>> from iopmodel.sources import LIBRARY_DEFAULT
        >>> t = Threshold(value=21, unit="days", source=LIBRARY_DEFAULT,
        ...               note="our clinic's policy")
        >>> t, t.library_default, str(t)
        (Threshold(value=21, unit='days', source='library default'), True, '21 days')
    """

    value: int | Fraction = attrs.field(validator=_value)
    unit: str = attrs.field(validator=non_empty_str)
    source: Citation = attrs.field(validator=instance_of(Citation))
    note: str = attrs.field(default="", validator=instance_of(str))

    @property
    def library_default(self) -> bool:
        """Whether iopmodel chose this value (no published source gives it)."""
        return self.source.library_default

    def evolve(
        self, value: int | Fraction, *, source: Citation | None = None
    ) -> Threshold:
        """The same threshold with another value, and source.

        Without a *source* the new value is a library default: it is no longer
        the source's number.

        Example:
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> DEFAULT_STANDARD.plan_review_every_days.evolve(30).value
            30
        """
        return attrs.evolve(
            self,
            value=value,
            source=sources.LIBRARY_DEFAULT if source is None else source,
        )

    def __repr__(self) -> str:
        return (
            f"Threshold(value={self.value!r}, unit={self.unit!r}, "
            f"source={self.source.short!r})"
        )

    def __str__(self) -> str:
        value = (
            hours_text(self.value) if isinstance(self.value, Fraction) else self.value
        )
        return f"{value} {self.unit}"


#: The outpatient levels the hours classifier chooses between, in order.
#: Their bands must cover every number of hours exactly once.
HOURS_LADDER: Final = (
    LevelOfCare.OUTPATIENT,
    LevelOfCare.INTENSIVE_OUTPATIENT,
    LevelOfCare.PARTIAL_HOSPITALIZATION,
)


def _bands(value: Any) -> Mapping[LevelOfCare, Mapping[Population, HoursBand]]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("bands", value, "a mapping of level to bands")
    result: dict[LevelOfCare, Mapping[Population, HoursBand]] = {}
    level: Any
    per_population: Any
    for level, per_population in value.items():
        if not isinstance(level, LevelOfCare):
            raise InvalidTypeError("bands", level, "LevelOfCare keys")
        if not isinstance(per_population, Mapping):
            raise InvalidTypeError(f"bands[{level.key}]", per_population, "a mapping")
        inner: dict[Population, HoursBand] = {}
        pairs: Iterable[tuple[object, object]] = per_population.items()
        for population, band in pairs:
            if not isinstance(population, Population) or not isinstance(
                band, HoursBand
            ):
                raise InvalidTypeError(
                    f"bands[{level.key}]", population, "Population -> HoursBand"
                )
            inner[population] = band
        result[level] = FrozenMapping(inner)
    return FrozenMapping(result)


def _check_ladder(
    bands: Mapping[LevelOfCare, Mapping[Population, HoursBand]],
) -> None:
    """The ladder's bands partition [0, inf) for every population."""
    for population in Population:
        ladder = []
        for level in HOURS_LADDER:
            band = bands.get(level, {}).get(population)
            if band is None:
                raise InvalidValueError(
                    f"bands[{level.key}][{population.value}]",
                    None,
                    "is required: the hours classifier needs outpatient, IOP and "
                    "partial hospitalization bands",
                )
            ladder.append(band)

        def place(level: LevelOfCare) -> str:
            return f"bands[{level.key}][{population.value}]"  # noqa: B023 - used at once

        first, last = ladder[0], ladder[-1]
        if first.minimum != 0 or not first.include_minimum:
            raise InvalidValueError(
                place(HOURS_LADDER[0]),
                hours_text(first.minimum),
                f"must start at 0 hours (the band is {first})",
            )
        for index, (lower, upper) in enumerate(itertools.pairwise(ladder)):
            if (
                lower.maximum != upper.minimum
                or lower.include_maximum == upper.include_minimum
            ):
                raise InvalidValueError(
                    place(HOURS_LADDER[index + 1]),
                    hours_text(upper.minimum),
                    f"must begin where {HOURS_LADDER[index].label.lower()} ends, "
                    f"with no gap and no overlap ({lower}, then {upper})",
                )
        if last.maximum is not None:
            raise InvalidValueError(
                place(HOURS_LADDER[-1]),
                hours_text(last.maximum),
                f"must have no upper bound (the band is {last})",
            )


def _kinds(value: Iterable[SessionKind]) -> frozenset[SessionKind]:
    kinds = frozenset(value)
    for kind in kinds:
        if not isinstance(kind, SessionKind):
            raise InvalidTypeError("counted_kinds", kind, "SessionKind")
    return kinds


def _deliveries(value: Iterable[DeliveryMode]) -> frozenset[DeliveryMode]:
    modes = frozenset(value)
    for mode in modes:
        if not isinstance(mode, DeliveryMode):
            raise InvalidTypeError("counted_deliveries", mode, "DeliveryMode")
    return modes


def _mcids(value: Mapping[str, Threshold]) -> Mapping[str, Threshold]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError(
            "mcid_points", value, "a mapping of instrument id to Threshold"
        )
    pairs: Iterable[tuple[object, object]] = value.items()
    for key, item in pairs:
        if not isinstance(key, str) or not isinstance(item, Threshold):
            raise InvalidTypeError(f"mcid_points[{key!r}]", item, "Threshold")
    return FrozenMapping(value)


def _threshold(_instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Threshold):
        raise InvalidTypeError(attribute.name, value, "Threshold")


def _optional_threshold(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _threshold(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Standard:
    """One consistent, cited reading of every clinical number.

    Build your own with :func:`attrs.evolve` or the ``with_*`` methods, then
    build rules from it with :func:`iopmodel.rules.rules_for`.

    Args:
        name: Short name shown in reports (``"default"``).
        description: What the standard represents.
        bands: Weekly-hours band per level of care and population. Outpatient,
            IOP and partial hospitalization must cover every number of hours
            exactly once (the classifier needs them); other levels are optional.
        counted_kinds: Session kinds that count toward program hours.
        counted_kinds_source: Where that list comes from.
        minimum_total_days: Days in treatment in total (across levels).
        step_down_review_from_days: Days at IOP after which a step-down
            review is due.
        step_down_review_until_days: End of the usual step-down window.
        plan_review_every_days: Longest interval between treatment-plan reviews.
        recertification_every_days: Longest interval between physician
            recertifications of the need for the level, or ``None`` where no
            payer rule applies.
        recent_plan_change_days: A plan change this recent "might resolve" a
            lack of progress.
        individual_sessions_per_week: Individual therapy sessions expected
            every week.
        group_sessions_per_week: Group therapy sessions expected every week.
        visit_days_min: Fewest visit days a week in the typical IOP pattern.
        visit_days_max: Most visit days a week in the typical IOP pattern.
        visit_hours_min: Shortest typical average visit, in hours.
        visit_hours_max: Longest typical average visit, in hours.
        counted_deliveries: Delivery modes (in person, video, audio-only) whose
            sessions count toward program hours; every mode by default.
        counted_deliveries_source: Where that list comes from.
        counted_deliveries_note: What the source says, or why the default.
        measure_intake_days: Days from the start of treatment by which each of
            the program's outcome measures is first given (rule ``MSR001``).
        measure_every_days: Longest interval between two administrations of
            one outcome measure (rule ``MSR001``).
        mcid_points: Minimal clinically important difference per instrument id
            (``"phq-9"``), in score points, each cited (rule ``MSR002``).
        screen_every_days: Longest interval between drug screens in a
            substance-use program (rule ``TOX001``).
        authorization_warning_days: An authorization ending within this many
            days of the check is reported (rule ``AUTH003``).

    Raises:
        InvalidValueError: Classifier bands with a gap or an overlap, or a
            step-down window that ends before it starts.

    Example:
        >>> from iopmodel import LevelOfCare, Population
        >>> from iopmodel.standards import DEFAULT_STANDARD
        >>> strict = DEFAULT_STANDARD.with_thresholds(plan_review_every_days=30)
        >>> strict.plan_review_every_days.value, strict.plan_review_every_days.library_default
        (30, True)
        >>> str(DEFAULT_STANDARD.band(LevelOfCare.PARTIAL_HOSPITALIZATION, Population.ADULT))
        'over 20 h/week'
    """

    name: str = attrs.field(validator=non_empty_str)
    description: str = attrs.field(default="", validator=instance_of(str))
    bands: Mapping[LevelOfCare, Mapping[Population, HoursBand]] = attrs.field(
        converter=_bands
    )
    counted_kinds: frozenset[SessionKind] = attrs.field(converter=_kinds)
    counted_kinds_source: Citation = attrs.field(validator=instance_of(Citation))
    minimum_total_days: Threshold = attrs.field(validator=_threshold)
    step_down_review_from_days: Threshold = attrs.field(validator=_threshold)
    step_down_review_until_days: Threshold = attrs.field(validator=_threshold)
    plan_review_every_days: Threshold = attrs.field(validator=_threshold)
    recertification_every_days: Threshold | None = attrs.field(
        default=None, validator=_optional_threshold
    )
    recent_plan_change_days: Threshold = attrs.field(validator=_threshold)
    individual_sessions_per_week: Threshold = attrs.field(validator=_threshold)
    group_sessions_per_week: Threshold = attrs.field(validator=_threshold)
    visit_days_min: Threshold = attrs.field(validator=_threshold)
    visit_days_max: Threshold = attrs.field(validator=_threshold)
    visit_hours_min: Threshold = attrs.field(validator=_threshold)
    visit_hours_max: Threshold = attrs.field(validator=_threshold)
    counted_deliveries: frozenset[DeliveryMode] = attrs.field(
        default=frozenset(DeliveryMode), converter=_deliveries
    )
    counted_deliveries_source: Citation = attrs.field(
        default=sources.LIBRARY_DEFAULT, validator=instance_of(Citation)
    )
    counted_deliveries_note: str = attrs.field(default="", validator=instance_of(str))
    measure_intake_days: Threshold = attrs.field(
        default=attrs.Factory(lambda: _RECORD["measure_intake_days"]),
        validator=_threshold,
    )
    measure_every_days: Threshold = attrs.field(
        default=attrs.Factory(lambda: _RECORD["measure_every_days"]),
        validator=_threshold,
    )
    mcid_points: Mapping[str, Threshold] = attrs.field(
        default=attrs.Factory(lambda: _RECORD["mcid_points"]), converter=_mcids
    )
    screen_every_days: Threshold = attrs.field(
        default=attrs.Factory(lambda: _RECORD["screen_every_days"]),
        validator=_threshold,
    )
    authorization_warning_days: Threshold = attrs.field(
        default=attrs.Factory(lambda: _RECORD["authorization_warning_days"]),
        validator=_threshold,
    )

    def __attrs_post_init__(self) -> None:
        _check_ladder(self.bands)
        if (
            self.step_down_review_until_days.value
            < self.step_down_review_from_days.value
        ):
            raise InvalidValueError(
                "step_down_review_until_days",
                self.step_down_review_until_days.value,
                "must not be before step_down_review_from_days",
            )
        if self.visit_days_max.value < self.visit_days_min.value:
            raise InvalidValueError(
                "visit_days_max", self.visit_days_max.value, "is below visit_days_min"
            )
        if self.visit_hours_max.value < self.visit_hours_min.value:
            raise InvalidValueError(
                "visit_hours_max",
                str(self.visit_hours_max),
                "is below visit_hours_min",
            )

    def __repr__(self) -> str:
        return f"Standard(name={self.name!r})"

    def band(self, level: LevelOfCare, population: Population) -> HoursBand | None:
        """The weekly-hours band of *level* for *population*, or ``None``.

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> from iopmodel.standards import MEDICARE_2024_STANDARD
            >>> band = MEDICARE_2024_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                                    Population.ADULT)
            >>> str(band), band.maximum_source.short
            ('9 to under 20 h/week', 'Medicare IOP 2024')
        """
        return self.bands.get(level, {}).get(population)

    def mcid(self, instrument_id: str) -> Threshold | None:
        """The minimal clinically important difference of an instrument, if known.

        Example:
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> DEFAULT_STANDARD.mcid("phq-9"), DEFAULT_STANDARD.mcid("audit-c")
            (Threshold(value=5, unit='points', source='Lowe 2004'), None)
        """
        return self.mcid_points.get(instrument_id)

    def with_mcid(self, instrument_id: str, threshold: Threshold | None) -> Standard:
        """The standard with an instrument's MCID set (or removed with ``None``).

        Example:
            >>> from iopmodel.sources import LIBRARY_DEFAULT
            >>> from iopmodel.standards import DEFAULT_STANDARD, Threshold
            >>> ours = DEFAULT_STANDARD.with_mcid(
            ...     "clinic-scale", Threshold(value=3, unit="points", source=LIBRARY_DEFAULT,
            ...                               note="our clinic's reading"))
            >>> ours.mcid("clinic-scale").value
            3
        """
        mcids = dict(self.mcid_points)
        if threshold is None:
            mcids.pop(instrument_id, None)
        else:
            mcids[instrument_id] = threshold
        return attrs.evolve(self, mcid_points=mcids)

    def level_for_weekly_hours(
        self, hours: object, population: Population = Population.ADULT
    ) -> LevelOfCare:
        """The outpatient level that *hours* a week falls in, under this standard.

        Raises:
            InvalidValueError: If *hours* is negative or not finite.

        Example:
            >>> from iopmodel import Population
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> DEFAULT_STANDARD.level_for_weekly_hours(6, Population.ADOLESCENT).label
            'Intensive outpatient'
        """
        if not isinstance(population, Population):
            raise UnknownCodeError(
                "population", population, [p.value for p in Population]
            )
        value = as_hours(hours)
        for level in HOURS_LADDER:
            band = self.bands[level][population]
            if band.contains(value):
                return level
        raise AssertionError(value)  # pragma: no cover - _check_ladder proves coverage

    def levels_fitting(
        self, minutes: int, population: Population
    ) -> tuple[LevelOfCare, ...]:
        """Every level whose band holds *minutes* a week, least intensive first.

        Example:
            >>> from iopmodel import Population
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> [lv.label for lv in DEFAULT_STANDARD.levels_fitting(14 * 60, Population.ADULT)]
            ['Intensive outpatient', 'Low-intensity residential']
        """
        return tuple(
            level
            for level in sorted(self.bands)
            if (band := self.bands[level].get(population)) is not None
            and band.contains_minutes(minutes)
        )

    def with_band(
        self, level: LevelOfCare, population: Population, band: HoursBand
    ) -> Standard:
        """The standard with one band replaced (or added).

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> from iopmodel.sources import LIBRARY_DEFAULT
            >>> from iopmodel.standards import DEFAULT_STANDARD, HoursBand
            >>> three_one = HoursBand(minimum=6, minimum_source=LIBRARY_DEFAULT)
            >>> ours = DEFAULT_STANDARD.with_band(
            ...     LevelOfCare.LOW_INTENSITY_RESIDENTIAL, Population.ADULT, three_one)
            >>> str(ours.band(LevelOfCare.LOW_INTENSITY_RESIDENTIAL, Population.ADULT))
            '6 h/week or more'
        """
        bands = {lv: dict(per) for lv, per in self.bands.items()}
        bands.setdefault(level, {})[population] = band
        return attrs.evolve(self, bands=bands)

    def with_thresholds(self, **values: int | Fraction | Threshold | None) -> Standard:
        """The standard with some thresholds changed.

        A plain number keeps the unit and becomes a library default (it is no
        longer the source's number); pass a :class:`Threshold` to cite your own
        source, or ``None`` for ``recertification_every_days``.

        Raises:
            UnknownCodeError: For a name that is not a threshold.

        Example:
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> DEFAULT_STANDARD.with_thresholds(minimum_total_days=120).minimum_total_days
            Threshold(value=120, unit='days', source='library default')
        """
        names = self.threshold_names()
        changes: dict[str, Threshold | None] = {}
        for name, value in values.items():
            if name not in names:
                raise UnknownCodeError("threshold", name, names)
            current = getattr(self, name)
            if value is None or isinstance(value, Threshold):
                changes[name] = value
            elif current is None:
                raise InvalidValueError(
                    name, value, "has no unit here: pass a Threshold"
                )
            else:
                changes[name] = current.evolve(value)
        return attrs.evolve(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def threshold_names(cls) -> tuple[str, ...]:
        """The names of every threshold field, in order.

        Example:
            >>> from iopmodel.standards import Standard
            >>> Standard.threshold_names()[:2]
            ('minimum_total_days', 'step_down_review_from_days')
        """
        return tuple(
            a.name
            for a in attrs.fields(cls)
            if a.validator in (_threshold, _optional_threshold)
        )

    def thresholds(self) -> dict[str, Threshold]:
        """Every threshold that is set, by name (for catalogues and tables).

        Example:
            >>> from iopmodel.standards import DEFAULT_STANDARD
            >>> for name, t in DEFAULT_STANDARD.thresholds().items():
            ...     if t.library_default:
            ...         print(name)
            plan_review_every_days
            recent_plan_change_days
            visit_hours_min
            visit_hours_max
            measure_intake_days
            measure_every_days
            screen_every_days
            authorization_warning_days
        """
        return {
            name: value
            for name in self.threshold_names()
            if (value := getattr(self, name)) is not None
        }


# -- the shipped standards -------------------------------------------------------

_ADULT, _ADOLESCENT = Population.ADULT, Population.ADOLESCENT
_OP, _IOP, _PHP = HOURS_LADDER
_LOW_RESIDENTIAL = LevelOfCare.LOW_INTENSITY_RESIDENTIAL

_OUTPATIENT_BANDS: Final = {
    _ADULT: HoursBand(
        minimum=0,
        maximum=9,
        minimum_source=sources.ASAM_3RD_EDITION,
        maximum_source=sources.SAMHSA_ADVISORY_2021,
    ),
    _ADOLESCENT: HoursBand(
        minimum=0,
        maximum=6,
        minimum_source=sources.ASAM_3RD_EDITION,
        maximum_source=sources.SAMHSA_ADVISORY_2021,
    ),
}
_LOW_RESIDENTIAL_BAND: Final = HoursBand(
    minimum=5, minimum_source=sources.ASAM_3RD_EDITION
)
_COUNTED: Final = frozenset(SessionKind) - {
    SessionKind.MUTUAL_SUPPORT,
    SessionKind.TOXICOLOGY_SCREEN,
}
_DELIVERIES_NOTE: Final = (
    "No source iopmodel uses says whether telehealth sessions count toward IOP "
    "hours, and the facts sheet records no Medicare 2024 telehealth position "
    "(Medicare's IOP settings are hospital outpatient departments, CMHCs, RHCs, "
    "FQHCs and OTPs, not the patient's home). Every mode counts by default so "
    "that telehealth sessions keep counting as before; restrict "
    "counted_deliveries to match your payer."
)


def _days(value: int, source: Citation, note: str = "") -> Threshold:
    return Threshold(value=value, unit="days", source=source, note=note)


_COMMON: Final[dict[str, Any]] = {
    "counted_kinds": _COUNTED,
    "counted_kinds_source": sources.SAMHSA_ADVISORY_2021,
    "counted_deliveries_note": _DELIVERIES_NOTE,
    "minimum_total_days": _days(
        90,
        sources.NIDA_PRINCIPLES,
        "'At least three months' in treatment in total, across levels of care.",
    ),
    "step_down_review_from_days": _days(
        30,
        sources.SOURCE_ARTICLE,
        "Many patients step down to less intensive care after 30 to 60 days.",
    ),
    "step_down_review_until_days": _days(
        60,
        sources.SOURCE_ARTICLE,
        "Many patients step down to less intensive care after 30 to 60 days.",
    ),
    "plan_review_every_days": _days(
        60,
        sources.LIBRARY_DEFAULT,
        "No national standard sets a plan-review cadence; state rules range from "
        "30 days to 6 months. 60 days is inside that range; set your own.",
    ),
    "recent_plan_change_days": _days(
        14,
        sources.LIBRARY_DEFAULT,
        "The article says a recent plan change might resolve a lack of progress "
        "but gives no number; two weeks lets a change run for about six IOP visits.",
    ),
    "individual_sessions_per_week": Threshold(
        value=1,
        unit="sessions/week",
        source=sources.SOURCE_ARTICLE,
        note="'Individual therapy ... typically at least once weekly.' The source "
        "article is the only source for this number.",
    ),
    "group_sessions_per_week": Threshold(
        value=1,
        unit="sessions/week",
        source=sources.SAMHSA_TIP_47,
        note="Group therapy is the core modality of IOP; TIP 47 gives no weekly "
        "count, so one a week is the least that keeps it central.",
    ),
    "visit_days_min": Threshold(
        value=3,
        unit="days/week",
        source=sources.SOURCE_ARTICLE,
        note="About 3 hours a visit, 3-4 days a week.",
    ),
    "visit_days_max": Threshold(
        value=4,
        unit="days/week",
        source=sources.SOURCE_ARTICLE,
        note="About 3 hours a visit, 3-4 days a week.",
    ),
    "visit_hours_min": Threshold(
        value=Fraction(2),
        unit="h/visit",
        source=sources.LIBRARY_DEFAULT,
        note="The article says 'about 3 hours'; iopmodel allows an hour either way.",
    ),
    "visit_hours_max": Threshold(
        value=Fraction(4),
        unit="h/visit",
        source=sources.LIBRARY_DEFAULT,
        note="The article says 'about 3 hours'; iopmodel allows an hour either way.",
    ),
}

#: The clinical-record numbers (measures, screens, authorizations); both shipped
#: standards share them.
_RECORD: Final[dict[str, Any]] = {
    "measure_intake_days": _days(
        7,
        sources.LIBRARY_DEFAULT,
        "Measurement-based care gives each measure at intake; no source sets a "
        "number of days. One week lets intake span the first few IOP visits.",
    ),
    "measure_every_days": _days(
        30,
        sources.LIBRARY_DEFAULT,
        "No national standard sets a measurement cadence for IOP. The PHQ-9 and "
        "GAD-7 ask about the last two weeks and the BAM about the last 30 days, "
        "so monthly repeats never leave a gap in what the measures cover.",
    ),
    "mcid_points": {
        "phq-9": Threshold(
            value=5,
            unit="points",
            source=sources.LOWE_2004,
            note="A change of 5 points is the minimal clinically significant "
            "difference on the PHQ-9.",
        ),
        "gad-7": Threshold(
            value=4,
            unit="points",
            source=sources.TOUSSAINT_2020,
            note="The GAD-7's minimal clinically important difference is 4 points.",
        ),
    },
    "screen_every_days": _days(
        7,
        sources.LIBRARY_DEFAULT,
        "NIDA: drug use during treatment must be monitored continuously, but it "
        "gives no interval. Weekly matches the weekly cycle of an IOP schedule.",
    ),
    "authorization_warning_days": _days(
        7,
        sources.LIBRARY_DEFAULT,
        "Payers set their own renewal lead times; a week's notice leaves time "
        "to send a continued-stay review before the authorization lapses.",
    ),
}

#: After the source article and SAMHSA, IOP 9 to 20 hours a week *inclusive* for
#: adults (6 to 20 for adolescents), partial hospitalization over 20; at least
#: 90 days in total (NIDA); no payer recertification.
#:
#: :meta hide-value:
DEFAULT_STANDARD: Final = Standard(
    name="default",
    description="The source article and SAMHSA: IOP 9 to 20 hours a week inclusive "
    "for adults, 6 to 20 for adolescents; partial hospitalization over 20; "
    "individual and group therapy weekly; at least 90 days in total (NIDA).",
    bands={
        _OP: _OUTPATIENT_BANDS,
        _IOP: {
            _ADULT: HoursBand(
                minimum=9,
                maximum=20,
                include_maximum=True,
                minimum_source=sources.SAMHSA_ADVISORY_2021,
                maximum_source=sources.SAMHSA_TIP_47,
            ),
            _ADOLESCENT: HoursBand(
                minimum=6,
                maximum=20,
                include_maximum=True,
                minimum_source=sources.SAMHSA_ADVISORY_2021,
                maximum_source=sources.SAMHSA_TIP_47,
            ),
        },
        _PHP: dict.fromkeys(
            Population,
            HoursBand(
                minimum=20, include_minimum=False, minimum_source=sources.SAMHSA_TIP_47
            ),
        ),
        _LOW_RESIDENTIAL: dict.fromkeys(Population, _LOW_RESIDENTIAL_BAND),
    },
    **_COMMON,
)

_MEDICARE_IOP_BAND: Final = HoursBand(
    minimum=9,
    maximum=20,
    minimum_source=sources.MEDICARE_IOP_2024,
    maximum_source=sources.MEDICARE_IOP_2024,
)

#: After Medicare's 2024 IOP benefit, at least 9 and fewer than 20 hours a week,
#: partial hospitalization from 20 (42 CFR 410.43); physician recertification
#: at least every 60 days. Medicare sets no adolescent floor: adolescents keep
#: SAMHSA's 6 hours, under Medicare's 20-hour line.
#:
#: :meta hide-value:
MEDICARE_2024_STANDARD: Final = Standard(
    name="medicare-2024",
    description="Medicare's IOP benefit (CY 2024 OPPS final rule, effective "
    "2024-01-01): at least 9 and fewer than 20 hours a week; partial "
    "hospitalization from 20 (42 CFR 410.43); physician recertification at least "
    "every 60 days.",
    bands={
        _OP: _OUTPATIENT_BANDS,
        _IOP: {
            _ADULT: _MEDICARE_IOP_BAND,
            _ADOLESCENT: HoursBand(
                minimum=6,
                maximum=20,
                minimum_source=sources.SAMHSA_ADVISORY_2021,
                maximum_source=sources.MEDICARE_IOP_2024,
            ),
        },
        _PHP: dict.fromkeys(
            Population, HoursBand(minimum=20, minimum_source=sources.MEDICARE_PHP)
        ),
        _LOW_RESIDENTIAL: dict.fromkeys(Population, _LOW_RESIDENTIAL_BAND),
    },
    recertification_every_days=_days(
        60,
        sources.MEDICARE_IOP_RECERTIFICATION,
        "'At least every 60 days' / 'every other month'; recertification of the "
        "need for IOP by a physician, not a plan review.",
    ),
    **_COMMON,
)

#: The shipped standards by name.
#:
#: :meta hide-value:
STANDARDS: Final[Mapping[str, Standard]] = MappingProxyType(
    {s.name: s for s in (DEFAULT_STANDARD, MEDICARE_2024_STANDARD)}
)


def level_for_weekly_hours(
    hours: object,
    population: Population = Population.ADULT,
    *,
    standard: Standard = DEFAULT_STANDARD,
) -> LevelOfCare:
    """The outpatient level a number of weekly clinical hours corresponds to.

    Reads the bands of *standard*: under the default (the source article and
    SAMHSA) adults under 9 hours are outpatient, 9 to 20 inclusive intensive
    outpatient, over 20 partial hospitalization; under Medicare 2024, 20 is
    partial hospitalization. For adolescents the IOP floor is 6 hours.

    The weekly-hours rules of a rule set built from the same standard agree
    with this function for every number of hours.

    Args:
        hours: Weekly hours as a number or a :class:`~datetime.timedelta`.
        population: Adult (default) or adolescent.
        standard: Which reading of the sources to use.

    Raises:
        InvalidValueError: If *hours* is negative or not finite.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import Population, level_for_weekly_hours
        >>> from iopmodel.standards import MEDICARE_2024_STANDARD
        >>> level_for_weekly_hours(9).label
        'Intensive outpatient'
        >>> level_for_weekly_hours(dt.timedelta(hours=8, minutes=59)).label
        'Outpatient'
        >>> level_for_weekly_hours(6, Population.ADOLESCENT).label
        'Intensive outpatient'
        >>> level_for_weekly_hours(20).label, level_for_weekly_hours(
        ...     20, standard=MEDICARE_2024_STANDARD).label
        ('Intensive outpatient', 'Partial hospitalization')
    """
    if not isinstance(standard, Standard):
        raise InvalidTypeError("standard", standard, "Standard")
    return standard.level_for_weekly_hours(hours, population)
