"""Levels of care: a neutral vocabulary with ASAM and LOCUS code mappings.

:class:`LevelOfCare` names the places on the continuum of care, from early
intervention to medically managed inpatient care, including the
withdrawal-management levels. The names are iopmodel's own; codes in other
frameworks (ASAM 3rd edition, ASAM 4th edition, LOCUS) are *mappings*, looked
up with an explicit :class:`Framework` because the same number can mean
different levels in different editions (ASAM 3rd-edition 3.7 is "medically
monitored intensive inpatient", 4th-edition 3.7 is "medically managed
residential").

No ASAM or LOCUS criteria text or placement logic is reproduced here: only
codes and names, which are facts.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Final

import attrs

from iopmodel import sources
from iopmodel._format import hours_text
from iopmodel._validators import to_hours
from iopmodel.errors import UnknownCodeError
from iopmodel.sources import Citation

__all__ = [
    "Framework",
    "HoursBand",
    "LevelOfCare",
    "Population",
    "Setting",
    "level_for_weekly_hours",
]


class Population(enum.Enum):
    """Who a program serves; hour thresholds differ between populations.

    Example:
        >>> from iopmodel import Population
        >>> Population("adolescent")
        <Population.ADOLESCENT: 'adolescent'>
    """

    ADULT = "adult"
    ADOLESCENT = "adolescent"


class Setting(enum.Enum):
    """Where care happens.

    Example:
        >>> from iopmodel import LevelOfCare, Setting
        >>> LevelOfCare.INTENSIVE_OUTPATIENT.setting is Setting.OUTPATIENT
        True
    """

    OUTPATIENT = "outpatient"
    RESIDENTIAL = "residential"
    INPATIENT = "inpatient"


class Framework(enum.Enum):
    """A level-of-care coding framework; always explicit in look-ups.

    Example:
        >>> from iopmodel import Framework
        >>> [f.value for f in Framework]
        ['asam-3', 'asam-4', 'locus']
    """

    ASAM_3 = "asam-3"
    """The ASAM Criteria, 3rd edition (2013)."""
    ASAM_4 = "asam-4"
    """The ASAM Criteria, 4th edition (2023)."""
    LOCUS = "locus"
    """AACP's Level of Care Utilization System, levels 0-6."""


def _hours_converter(value: object) -> Fraction:
    return to_hours("hours", value)


def _optional_hours_converter(value: object) -> Fraction | None:
    return None if value is None else to_hours("maximum", value)


@attrs.frozen(kw_only=True)
class HoursBand:
    """A band of weekly clinical hours, each bound with its own source.

    Hours are exact :class:`~fractions.Fraction` values, so 9 hours is never
    8.999. Floats are read as the decimal a person typed (``8.99`` is 899/100).

    Args:
        minimum: Lowest weekly hours inside the band (inclusive).
        maximum: Upper bound, or ``None`` for no upper bound.
        include_maximum: Whether *maximum* itself is inside the band.
        minimum_source: Where the minimum comes from.
        maximum_source: Where the maximum comes from (``None`` if no maximum).

    Example:
        >>> from iopmodel import HoursBand
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
    include_maximum: bool = False
    minimum_source: Citation
    maximum_source: Citation | None = None

    def contains(self, hours: object) -> bool:
        """Whether *hours* (a number, or a :class:`~datetime.timedelta`) is in the band.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import LevelOfCare, Population
            >>> band = LevelOfCare.INTENSIVE_OUTPATIENT.hours_band(Population.ADULT)
            >>> band.contains(dt.timedelta(hours=8, minutes=59))
            False
        """
        value = _as_hours(hours)
        if value < self.minimum:
            return False
        if self.maximum is None:
            return True
        return value <= self.maximum if self.include_maximum else value < self.maximum

    def contains_minutes(self, minutes: int) -> bool:
        """Whether a whole number of *minutes* a week is in the band (fast, exact).

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> band = LevelOfCare.INTENSIVE_OUTPATIENT.hours_band(Population.ADULT)
            >>> band.contains_minutes(540), band.contains_minutes(539)
            (True, False)
        """
        low = self.minimum
        if minutes * low.denominator < 60 * low.numerator:
            return False
        high = self.maximum
        if high is None:
            return True
        scaled, limit = minutes * high.denominator, 60 * high.numerator
        return scaled <= limit if self.include_maximum else scaled < limit

    def __str__(self) -> str:
        low = hours_text(self.minimum)
        if self.maximum is None:
            return f"{low} h/week or more"
        if self.include_maximum:
            return f"{low} to {hours_text(self.maximum)} h/week"
        return f"{low} to under {hours_text(self.maximum)} h/week"


def _as_hours(value: object) -> Fraction:
    import datetime as dt  # noqa: PLC0415 - keep the module namespace small

    if isinstance(value, dt.timedelta):
        return Fraction(value // dt.timedelta(microseconds=1), 3_600_000_000)
    return to_hours("hours", value)


@attrs.frozen(kw_only=True)
class _LevelDefinition:
    label: str
    intensity: int
    setting: Setting
    round_the_clock: bool
    withdrawal_management: bool
    codes: Mapping[Framework, str]
    names: Mapping[Framework, str]
    bands: Mapping[Population, HoursBand] = attrs.field(factory=dict)


class LevelOfCare(enum.Enum):
    """A level of care on the continuum, ordered by intensity.

    Members compare by intensity, so ``OUTPATIENT < INTENSIVE_OUTPATIENT <
    PARTIAL_HOSPITALIZATION < (residential levels) < (inpatient levels)``, which
    gives "step down" and "step up" a meaning. The value is a stable key used in
    files (``"intensive_outpatient"``).

    Example:
        >>> from iopmodel import Framework, LevelOfCare, Population
        >>> iop = LevelOfCare.from_code(Framework.ASAM_3, "2.1")
        >>> iop
        <LevelOfCare.INTENSIVE_OUTPATIENT: 'intensive_outpatient'>
        >>> iop.label, iop.code(Framework.LOCUS)
        ('Intensive outpatient', '3')
        >>> str(iop.hours_band(Population.ADOLESCENT))
        '6 to under 20 h/week'
        >>> LevelOfCare.OUTPATIENT < iop < LevelOfCare.PARTIAL_HOSPITALIZATION
        True
    """

    EARLY_INTERVENTION = "early_intervention"
    REMISSION_MONITORING = "remission_monitoring"
    OUTPATIENT = "outpatient"
    AMBULATORY_WITHDRAWAL_MANAGEMENT = "ambulatory_withdrawal_management"
    MEDICALLY_MANAGED_OUTPATIENT = "medically_managed_outpatient"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED = (
        "ambulatory_withdrawal_management_extended"
    )
    PARTIAL_HOSPITALIZATION = "partial_hospitalization"
    MEDICALLY_MANAGED_INTENSIVE_OUTPATIENT = "medically_managed_intensive_outpatient"
    LOW_INTENSITY_RESIDENTIAL = "low_intensity_residential"
    RESIDENTIAL_WITHDRAWAL_MANAGEMENT = "residential_withdrawal_management"
    POPULATION_SPECIFIC_RESIDENTIAL = "population_specific_residential"
    HIGH_INTENSITY_RESIDENTIAL = "high_intensity_residential"
    MEDICALLY_MONITORED_INPATIENT = "medically_monitored_inpatient"
    MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT = (
        "medically_monitored_inpatient_withdrawal_management"
    )
    MEDICALLY_MANAGED_INPATIENT = "medically_managed_inpatient"
    MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT = (
        "medically_managed_inpatient_withdrawal_management"
    )

    # -- look-ups ---------------------------------------------------------------

    @classmethod
    def from_key(cls, key: str) -> LevelOfCare:
        """Return the level with this stable key.

        Raises:
            UnknownCodeError: If no level has this key; the message lists them.

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.from_key("outpatient").label
            'Outpatient'
        """
        try:
            return cls(key)
        except ValueError:
            raise UnknownCodeError(
                "level-of-care key", key, [m.value for m in cls]
            ) from None

    @classmethod
    def from_code(cls, framework: Framework, code: str | float) -> LevelOfCare:
        """Return the level a framework's code denotes.

        Codes are compared as text after trimming; ``-wm`` suffixes are
        case-insensitive, LOCUS levels may be given as ints, and the ASAM 4th
        edition accepts ``"4"`` for ``"4.0"``.

        Raises:
            UnknownCodeError: If the framework has no such code; the message
                lists the known codes of that framework.

        Example:
            >>> from iopmodel import Framework, LevelOfCare
            >>> LevelOfCare.from_code(Framework.ASAM_3, "3.7")
            <LevelOfCare.MEDICALLY_MONITORED_INPATIENT: 'medically_monitored_inpatient'>
            >>> LevelOfCare.from_code(Framework.ASAM_3, "3.7-wm").label
            'Medically monitored inpatient withdrawal management'
            >>> LevelOfCare.from_code(Framework.LOCUS, 4).label
            'Partial hospitalization'
        """
        if not isinstance(framework, Framework):
            raise UnknownCodeError("framework", framework, [f.value for f in Framework])
        text = str(code).strip().upper()
        if framework is Framework.ASAM_4 and text == "4":
            text = "4.0"
        found = _BY_CODE[framework].get(text)
        if found is None:
            raise UnknownCodeError(
                f"{framework.value} code", str(code), _BY_CODE[framework]
            )
        return found

    @classmethod
    def known_codes(cls, framework: Framework) -> tuple[str, ...]:
        """Every code of *framework*, in order of intensity.

        Example:
            >>> from iopmodel import Framework, LevelOfCare
            >>> LevelOfCare.known_codes(Framework.ASAM_4)
            ('1.0', '1.5', '1.7', '2.1', '2.5', '2.7', '3.1', '3.5', '3.7', '4.0')
        """
        return tuple(_BY_CODE[framework])

    def code(self, framework: Framework) -> str | None:
        """This level's code in *framework*, or ``None`` where it has none.

        Example:
            >>> from iopmodel import Framework, LevelOfCare
            >>> LevelOfCare.PARTIAL_HOSPITALIZATION.code(Framework.ASAM_4)
            '2.5'
            >>> LevelOfCare.POPULATION_SPECIFIC_RESIDENTIAL.code(Framework.ASAM_4) is None
            True
        """
        return self._definition.codes.get(framework)

    def name_in(self, framework: Framework) -> str | None:
        """The framework's own name for this level, or ``None``.

        Example:
            >>> from iopmodel import Framework, LevelOfCare
            >>> LevelOfCare.PARTIAL_HOSPITALIZATION.name_in(Framework.ASAM_4)
            'High-Intensity Outpatient'
        """
        return self._definition.names.get(framework)

    # -- attributes -------------------------------------------------------------

    @property
    def _definition(self) -> _LevelDefinition:
        return _DEFINITIONS[self]

    @property
    def key(self) -> str:
        """The stable key, used in files (the enum value).

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.INTENSIVE_OUTPATIENT.key
            'intensive_outpatient'
        """
        return str(self.value)

    @property
    def label(self) -> str:
        """A human-readable, framework-neutral name.

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.HIGH_INTENSITY_RESIDENTIAL.label
            'High-intensity residential'
        """
        return self._definition.label

    @property
    def intensity(self) -> int:
        """Rank on the continuum; larger is more intensive. Defines the ordering.

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.OUTPATIENT.intensity < LevelOfCare.INTENSIVE_OUTPATIENT.intensity
            True
        """
        return self._definition.intensity

    @property
    def setting(self) -> Setting:
        """Outpatient, residential or inpatient.

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.LOW_INTENSITY_RESIDENTIAL.setting.value
            'residential'
        """
        return self._definition.setting

    @property
    def round_the_clock(self) -> bool:
        """Whether care (or structure) is provided 24 hours a day.

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.INTENSIVE_OUTPATIENT.round_the_clock
            False
        """
        return self._definition.round_the_clock

    @property
    def withdrawal_management(self) -> bool:
        """Whether the level provides withdrawal management (detox).

        Example:
            >>> from iopmodel import LevelOfCare
            >>> LevelOfCare.RESIDENTIAL_WITHDRAWAL_MANAGEMENT.withdrawal_management
            True
        """
        return self._definition.withdrawal_management

    def hours_band(self, population: Population) -> HoursBand | None:
        """The weekly clinical-hours band for *population*, or ``None``.

        Example:
            >>> from iopmodel import LevelOfCare, Population
            >>> band = LevelOfCare.INTENSIVE_OUTPATIENT.hours_band(Population.ADULT)
            >>> str(band), band.minimum_source.short
            ('9 to under 20 h/week', 'SAMHSA Advisory 2021')
        """
        return self._definition.bands.get(population)

    # -- ordering ---------------------------------------------------------------

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, LevelOfCare):
            return NotImplemented
        return self.intensity < other.intensity

    def __le__(self, other: object) -> bool:
        if not isinstance(other, LevelOfCare):
            return NotImplemented
        return self.intensity <= other.intensity

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, LevelOfCare):
            return NotImplemented
        return self.intensity > other.intensity

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, LevelOfCare):
            return NotImplemented
        return self.intensity >= other.intensity


_A3, _A4, _LOCUS = Framework.ASAM_3, Framework.ASAM_4, Framework.LOCUS
_ADULT, _ADOLESCENT = Population.ADULT, Population.ADOLESCENT
_OUT, _RES, _INP = Setting.OUTPATIENT, Setting.RESIDENTIAL, Setting.INPATIENT

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
_IOP_BANDS: Final = {
    _ADULT: HoursBand(
        minimum=9,
        maximum=20,
        minimum_source=sources.SAMHSA_ADVISORY_2021,
        maximum_source=sources.MEDICARE_PHP,
    ),
    _ADOLESCENT: HoursBand(
        minimum=6,
        maximum=20,
        minimum_source=sources.SAMHSA_ADVISORY_2021,
        maximum_source=sources.MEDICARE_PHP,
    ),
}
_PHP_BAND: Final = HoursBand(minimum=20, minimum_source=sources.MEDICARE_PHP)
_LOW_RESIDENTIAL_BAND: Final = HoursBand(
    minimum=5, minimum_source=sources.ASAM_3RD_EDITION
)

# The one table of level facts. Intensity ranks are iopmodel's ordering: within
# a broad tier, withdrawal-management and medically managed variants sit just
# above the level they accompany.
_DEFINITIONS: Final[Mapping[LevelOfCare, _LevelDefinition]] = MappingProxyType(
    {
        LevelOfCare.EARLY_INTERVENTION: _LevelDefinition(
            label="Early intervention",
            intensity=0,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=False,
            codes={_A3: "0.5", _LOCUS: "0"},
            names={
                _A3: "Early Intervention",
                _LOCUS: "Basic Services",
            },
        ),
        LevelOfCare.REMISSION_MONITORING: _LevelDefinition(
            label="Long-term remission monitoring",
            intensity=1,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=False,
            codes={_A4: "1.0", _LOCUS: "1"},
            names={
                _A4: "Long-Term Remission Monitoring",
                _LOCUS: "Recovery Maintenance and Health Management",
            },
        ),
        LevelOfCare.OUTPATIENT: _LevelDefinition(
            label="Outpatient",
            intensity=2,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=False,
            codes={_A3: "1", _A4: "1.5", _LOCUS: "2"},
            names={
                _A3: "Outpatient Services",
                _A4: "Outpatient Therapy",
                _LOCUS: "Low Intensity Community Based Services",
            },
            bands=_OUTPATIENT_BANDS,
        ),
        LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT: _LevelDefinition(
            label="Ambulatory withdrawal management",
            intensity=3,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=True,
            codes={_A3: "1-WM"},
            names={
                _A3: "Ambulatory Withdrawal Management without Extended On-Site "
                "Monitoring"
            },
        ),
        LevelOfCare.MEDICALLY_MANAGED_OUTPATIENT: _LevelDefinition(
            label="Medically managed outpatient",
            intensity=4,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=True,
            codes={_A4: "1.7"},
            names={_A4: "Medically Managed Outpatient"},
        ),
        LevelOfCare.INTENSIVE_OUTPATIENT: _LevelDefinition(
            label="Intensive outpatient",
            intensity=5,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=False,
            codes={_A3: "2.1", _A4: "2.1", _LOCUS: "3"},
            names={
                _A3: "Intensive Outpatient Services",
                _A4: "Intensive Outpatient",
                _LOCUS: "High Intensity Community Based Services",
            },
            bands=_IOP_BANDS,
        ),
        LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED: _LevelDefinition(
            label="Ambulatory withdrawal management with extended monitoring",
            intensity=6,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=True,
            codes={_A3: "2-WM"},
            names={
                _A3: "Ambulatory Withdrawal Management with Extended On-Site Monitoring"
            },
        ),
        LevelOfCare.PARTIAL_HOSPITALIZATION: _LevelDefinition(
            label="Partial hospitalization",
            intensity=7,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=False,
            codes={_A3: "2.5", _A4: "2.5", _LOCUS: "4"},
            names={
                _A3: "Partial Hospitalization Services",
                _A4: "High-Intensity Outpatient",
                _LOCUS: "Medically Monitored Non-Residential Services",
            },
            bands={_ADULT: _PHP_BAND, _ADOLESCENT: _PHP_BAND},
        ),
        LevelOfCare.MEDICALLY_MANAGED_INTENSIVE_OUTPATIENT: _LevelDefinition(
            label="Medically managed intensive outpatient",
            intensity=8,
            setting=_OUT,
            round_the_clock=False,
            withdrawal_management=True,
            codes={_A4: "2.7"},
            names={_A4: "Medically Managed Intensive Outpatient"},
        ),
        LevelOfCare.LOW_INTENSITY_RESIDENTIAL: _LevelDefinition(
            label="Low-intensity residential",
            intensity=9,
            setting=_RES,
            round_the_clock=True,
            withdrawal_management=False,
            codes={_A3: "3.1", _A4: "3.1"},
            names={
                _A3: "Clinically Managed Low-Intensity Residential Services",
                _A4: "Clinically Managed Low-Intensity Residential",
            },
            bands={_ADULT: _LOW_RESIDENTIAL_BAND, _ADOLESCENT: _LOW_RESIDENTIAL_BAND},
        ),
        LevelOfCare.RESIDENTIAL_WITHDRAWAL_MANAGEMENT: _LevelDefinition(
            label="Residential withdrawal management",
            intensity=10,
            setting=_RES,
            round_the_clock=True,
            withdrawal_management=True,
            codes={_A3: "3.2-WM"},
            names={_A3: "Clinically Managed Residential Withdrawal Management"},
        ),
        LevelOfCare.POPULATION_SPECIFIC_RESIDENTIAL: _LevelDefinition(
            label="Population-specific high-intensity residential",
            intensity=11,
            setting=_RES,
            round_the_clock=True,
            withdrawal_management=False,
            codes={_A3: "3.3"},
            names={
                _A3: "Clinically Managed Population-Specific High-Intensity "
                "Residential Services"
            },
        ),
        LevelOfCare.HIGH_INTENSITY_RESIDENTIAL: _LevelDefinition(
            label="High-intensity residential",
            intensity=12,
            setting=_RES,
            round_the_clock=True,
            withdrawal_management=False,
            codes={_A3: "3.5", _A4: "3.5"},
            names={
                _A3: "Clinically Managed High-Intensity Residential Services",
                _A4: "Clinically Managed High-Intensity Residential",
            },
        ),
        LevelOfCare.MEDICALLY_MONITORED_INPATIENT: _LevelDefinition(
            label="Medically monitored intensive inpatient",
            intensity=13,
            setting=_INP,
            round_the_clock=True,
            withdrawal_management=False,
            codes={_A3: "3.7", _A4: "3.7", _LOCUS: "5"},
            names={
                _A3: "Medically Monitored Intensive Inpatient Services",
                _A4: "Medically Managed Residential",
                _LOCUS: "Medically Monitored Residential Services",
            },
        ),
        LevelOfCare.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT: (
            _LevelDefinition(
                label="Medically monitored inpatient withdrawal management",
                intensity=14,
                setting=_INP,
                round_the_clock=True,
                withdrawal_management=True,
                codes={_A3: "3.7-WM"},
                names={_A3: "Medically Monitored Inpatient Withdrawal Management"},
            )
        ),
        LevelOfCare.MEDICALLY_MANAGED_INPATIENT: _LevelDefinition(
            label="Medically managed intensive inpatient",
            intensity=15,
            setting=_INP,
            round_the_clock=True,
            withdrawal_management=False,
            codes={_A3: "4", _A4: "4.0", _LOCUS: "6"},
            names={
                _A3: "Medically Managed Intensive Inpatient Services",
                _A4: "Medically Managed Inpatient",
                _LOCUS: "Medically Managed Residential Services",
            },
        ),
        LevelOfCare.MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT: (
            _LevelDefinition(
                label="Medically managed intensive inpatient withdrawal management",
                intensity=16,
                setting=_INP,
                round_the_clock=True,
                withdrawal_management=True,
                codes={_A3: "4-WM"},
                names={
                    _A3: "Medically Managed Intensive Inpatient Withdrawal Management"
                },
            )
        ),
    }
)


def _build_code_index() -> dict[Framework, dict[str, LevelOfCare]]:
    index: dict[Framework, dict[str, LevelOfCare]] = {f: {} for f in Framework}
    for level in sorted(_DEFINITIONS, key=lambda lv: _DEFINITIONS[lv].intensity):
        for framework, code in _DEFINITIONS[level].codes.items():
            if code in index[framework]:  # pragma: no cover - guards the table
                msg = f"duplicate {framework.value} code {code!r}"
                raise AssertionError(msg)
            index[framework][code.upper()] = level
    return index


_BY_CODE: Final = _build_code_index()

#: Outpatient levels that :func:`level_for_weekly_hours` chooses between.
_HOURS_LADDER: Final = (
    LevelOfCare.OUTPATIENT,
    LevelOfCare.INTENSIVE_OUTPATIENT,
    LevelOfCare.PARTIAL_HOSPITALIZATION,
)


@functools.cache
def _ladder_bands(population: Population) -> tuple[tuple[LevelOfCare, HoursBand], ...]:
    bands = []
    for level in _HOURS_LADDER:
        band = level.hours_band(population)
        assert band is not None  # noqa: S101 - the table defines all three
        bands.append((level, band))
    return tuple(bands)


def level_for_weekly_hours(
    hours: object, population: Population = Population.ADULT
) -> LevelOfCare:
    """The outpatient level a number of weekly clinical hours corresponds to.

    Uses the bands of the level table: for adults under 9 hours is outpatient,
    9 to under 20 intensive outpatient, 20 or more partial hospitalization
    (SAMHSA Advisory 2021 for the floors, 42 CFR 410.43 for the 20-hour line);
    for adolescents the IOP floor is 6 hours.

    Args:
        hours: Weekly hours as a number or a :class:`~datetime.timedelta`.
        population: Adult (default) or adolescent.

    Raises:
        InvalidValueError: If *hours* is negative or not finite.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import Population, level_for_weekly_hours
        >>> level_for_weekly_hours(9).label
        'Intensive outpatient'
        >>> level_for_weekly_hours(dt.timedelta(hours=8, minutes=59)).label
        'Outpatient'
        >>> level_for_weekly_hours(6, Population.ADOLESCENT).label
        'Intensive outpatient'
        >>> level_for_weekly_hours(20).label
        'Partial hospitalization'
    """
    value = _as_hours(hours)
    for level, band in _ladder_bands(population):
        if band.contains(value):
            return level
    raise AssertionError(value)  # pragma: no cover - the bands cover [0, inf)
