"""Services that run beside the level of care: withdrawal management, housing, medications.

A patient is at one level of care at a time (an
:class:`~iopmodel.episodes.Placement`), but some care runs *alongside* it:
ambulatory withdrawal management during an Intensive Outpatient Program,
recovery housing while attending IOP, or medications for addiction treatment
(an opioid treatment program, office-based buprenorphine, naltrexone) at any
level. A :class:`Service` names such a service; an episode records each one
with its start and end as a :class:`~iopmodel.episodes.ConcurrentService`.

Codes are facts, as for levels: the ASAM 3rd edition codes opioid treatment
services as ``OTS`` (opioid treatment programs and office-based opioid
treatment). The 4th edition has no separate service code: addiction
medications are assessed within its first dimension and can be given at any
level, and its medically managed levels (1.7, 2.7, 3.7, 4) carry the medical
care that withdrawal and addiction medications need. No criteria text or
placement logic is reproduced here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from iopmodel.care import Framework, LevelOfCare
from iopmodel.errors import UnknownCodeError

__all__ = ["Service"]


@attrs.frozen(kw_only=True)
class _ServiceDefinition:
    label: str
    medication: bool
    levels: frozenset[LevelOfCare]
    codes: Mapping[Framework, str]


class Service(enum.Enum):
    """A service that runs beside the primary level of care.

    Example:
        >>> from iopmodel import Framework, LevelOfCare
        >>> from iopmodel.services import Service
        >>> otp = Service.from_code(Framework.ASAM_3, "OTS")
        >>> otp.label, otp.medication, otp.code(Framework.ASAM_4)
        ('Opioid treatment program', True, None)
        >>> wm = Service.WITHDRAWAL_MANAGEMENT
        >>> LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT in wm.levels
        True
    """

    WITHDRAWAL_MANAGEMENT = "withdrawal_management"
    """Withdrawal management beside another level; its level says which kind."""
    RECOVERY_HOUSING = "recovery_housing"
    """24-hour structured living (low-intensity residential, ASAM 3.1) beside day treatment."""
    OPIOID_TREATMENT_PROGRAM = "opioid_treatment_program"
    """Methadone or buprenorphine from a certified opioid treatment program (ASAM 3rd OTS)."""
    OFFICE_BASED_BUPRENORPHINE = "office_based_buprenorphine"
    """Office-based opioid treatment with buprenorphine (ASAM 3rd OTS)."""
    NALTREXONE = "naltrexone"
    """Naltrexone (oral or extended-release), for opioid or alcohol use disorder."""

    @classmethod
    def from_code(cls, framework: Framework, code: str) -> Service:
        """The first service a framework's code denotes.

        The ASAM 3rd edition's ``OTS`` covers opioid treatment programs and
        office-based opioid treatment; the look-up returns the program.

        Raises:
            UnknownCodeError: If the framework has no such service code.

        Example:
            >>> from iopmodel import Framework
            >>> from iopmodel.services import Service
            >>> Service.from_code(Framework.ASAM_3, "ots").value
            'opioid_treatment_program'
        """
        if not isinstance(framework, Framework):
            raise UnknownCodeError("framework", framework, [f.value for f in Framework])
        text = str(code).strip().upper()
        for service in cls:
            if service.code(framework) == text:
                return service
        known = sorted({c for s in cls if (c := s.code(framework)) is not None})
        raise UnknownCodeError(f"{framework.value} service code", str(code), known)

    @property
    def label(self) -> str:
        """A human-readable name.

        Example:
            >>> from iopmodel.services import Service
            >>> Service.RECOVERY_HOUSING.label
            'Recovery housing'
        """
        return _DEFINITIONS[self].label

    @property
    def medication(self) -> bool:
        """Whether this is a medication for addiction treatment.

        Example:
            >>> from iopmodel.services import Service
            >>> Service.NALTREXONE.medication, Service.RECOVERY_HOUSING.medication
            (True, False)
        """
        return _DEFINITIONS[self].medication

    @property
    def levels(self) -> frozenset[LevelOfCare]:
        """The levels that describe this service, if it has any (empty otherwise).

        A withdrawal-management service is one of the withdrawal-management
        levels; recovery housing is low-intensity residential structure;
        medications have no level of their own.

        Example:
            >>> from iopmodel import LevelOfCare
            >>> from iopmodel.services import Service
            >>> sorted(Service.RECOVERY_HOUSING.levels)
            [<LevelOfCare.LOW_INTENSITY_RESIDENTIAL: 'low_intensity_residential'>]
            >>> Service.NALTREXONE.levels
            frozenset()
        """
        return _DEFINITIONS[self].levels

    def code(self, framework: Framework) -> str | None:
        """The framework's code for this service, or ``None`` where it has none.

        Example:
            >>> from iopmodel import Framework
            >>> from iopmodel.services import Service
            >>> Service.OFFICE_BASED_BUPRENORPHINE.code(Framework.ASAM_3)
            'OTS'
            >>> Service.NALTREXONE.code(Framework.ASAM_3) is None
            True
        """
        return _DEFINITIONS[self].codes.get(framework)


_OTS: Final = {Framework.ASAM_3: "OTS"}

_DEFINITIONS: Final[Mapping[Service, _ServiceDefinition]] = MappingProxyType(
    {
        Service.WITHDRAWAL_MANAGEMENT: _ServiceDefinition(
            label="Withdrawal management",
            medication=False,
            levels=frozenset(lv for lv in LevelOfCare if lv.withdrawal_management),
            codes={},
        ),
        Service.RECOVERY_HOUSING: _ServiceDefinition(
            label="Recovery housing",
            medication=False,
            levels=frozenset({LevelOfCare.LOW_INTENSITY_RESIDENTIAL}),
            codes={},
        ),
        Service.OPIOID_TREATMENT_PROGRAM: _ServiceDefinition(
            label="Opioid treatment program",
            medication=True,
            levels=frozenset(),
            codes=_OTS,
        ),
        Service.OFFICE_BASED_BUPRENORPHINE: _ServiceDefinition(
            label="Office-based buprenorphine",
            medication=True,
            levels=frozenset(),
            codes=_OTS,
        ),
        Service.NALTREXONE: _ServiceDefinition(
            label="Naltrexone",
            medication=True,
            levels=frozenset(),
            codes={},
        ),
    }
)
