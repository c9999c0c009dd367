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
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from iopmodel.errors import UnknownCodeError

__all__ = ["Framework", "LevelOfCare", "Population", "Setting"]


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
        >>> from iopmodel import LevelOfCare
        >>> from iopmodel.care import Setting
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


@attrs.frozen(kw_only=True)
class _LevelDefinition:
    label: str
    intensity: int
    setting: Setting
    round_the_clock: bool
    withdrawal_management: bool
    codes: Mapping[Framework, str]
    names: Mapping[Framework, str]


class LevelOfCare(enum.Enum):
    """A level of care on the continuum, ordered by intensity.

    Members compare by intensity, so ``OUTPATIENT < INTENSIVE_OUTPATIENT <
    PARTIAL_HOSPITALIZATION < (residential levels) < (inpatient levels)``, which
    gives "step down" and "step up" a meaning. The value is a stable key used in
    files (``"intensive_outpatient"``).

    Example:
        >>> from iopmodel import Framework, LevelOfCare
        >>> iop = LevelOfCare.from_code(Framework.ASAM_3, "2.1")
        >>> iop
        <LevelOfCare.INTENSIVE_OUTPATIENT: 'intensive_outpatient'>
        >>> iop.label, iop.code(Framework.LOCUS)
        ('Intensive outpatient', '3')
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

    def crosswalk(self, framework: Framework) -> LevelOfCare | None:
        """The level *framework* uses for this one: itself where it has a code there.

        A migration aid between the ASAM editions, not an equivalence of
        criteria. The 4th edition has no separate withdrawal-management levels:
        withdrawal is managed within its levels, and the medically managed
        ones carry the medical care. So 3rd-edition 1-WM maps to 4th-edition
        1.7 (medically managed outpatient, which also covers addiction-medication
        care), 2-WM to 2.7 (medically managed intensive outpatient, likewise),
        3.7-WM to 3.7 and 4-WM to 4.0. Levels the 4th edition removed (3.2-WM,
        3.3) and early intervention (0.5) have no counterpart: ``None``. Where
        secondary sources disagree the mapping says so in the level-of-care
        concept page.

        Example:
            >>> from iopmodel import Framework, LevelOfCare
            >>> wm = LevelOfCare.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT
            >>> wm.code(Framework.ASAM_4) is None
            True
            >>> new = wm.crosswalk(Framework.ASAM_4)
            >>> new.code(Framework.ASAM_4), new.name_in(Framework.ASAM_4)
            ('3.7', 'Medically Managed Residential')
            >>> LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT.crosswalk(Framework.ASAM_4).code(
            ...     Framework.ASAM_4)
            '1.7'
            >>> LevelOfCare.POPULATION_SPECIFIC_RESIDENTIAL.crosswalk(Framework.ASAM_4) is None
            True
        """
        if self.code(framework) is not None:
            return self
        return _CROSSWALK.get(framework, {}).get(self)

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
_OUT, _RES, _INP = Setting.OUTPATIENT, Setting.RESIDENTIAL, Setting.INPATIENT

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

# 3rd-edition levels without a 4th-edition code, and the 4th-edition level used
# for each instead (secondary sources; see docs/concepts/levels.md).
_CROSSWALK: Final[Mapping[Framework, Mapping[LevelOfCare, LevelOfCare]]] = (
    MappingProxyType(
        {
            _A4: MappingProxyType(
                {
                    LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT: (
                        LevelOfCare.MEDICALLY_MANAGED_OUTPATIENT
                    ),
                    LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED: (
                        LevelOfCare.MEDICALLY_MANAGED_INTENSIVE_OUTPATIENT
                    ),
                    LevelOfCare.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT: (
                        LevelOfCare.MEDICALLY_MONITORED_INPATIENT
                    ),
                    LevelOfCare.MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT: (
                        LevelOfCare.MEDICALLY_MANAGED_INPATIENT
                    ),
                }
            )
        }
    )
)
