"""Billing codes of the levels of care, as cited data (no pricing).

Each :class:`BillingCode` names a code system (HCPCS, or a UB-04 condition
code), the code, what it describes, the level of care it bills, the program
focus it belongs to, and its source. :func:`codes_for` picks the codes of a
level (and focus), so that clinic software can build claim lines itself.
iopmodel never prices a claim and does not decide what a payer accepts.

Example:
    >>> from iopmodel import LevelOfCare
    >>> from iopmodel.billing import codes_for
    >>> from iopmodel.diagnoses import ProgramFocus
    >>> [c.code for c in codes_for(LevelOfCare.INTENSIVE_OUTPATIENT, ProgramFocus.SUBSTANCE_USE)]
    ['H0015', '92']
    >>> [c.code for c in codes_for(LevelOfCare.INTENSIVE_OUTPATIENT, ProgramFocus.MENTAL_HEALTH)]
    ['S9480', '92']
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

from iopmodel import sources
from iopmodel._validators import (
    check_arg,
    instance_of,
    non_empty_str,
    optional_instance_of,
)
from iopmodel.care import LevelOfCare
from iopmodel.diagnoses import ProgramFocus
from iopmodel.sources import Citation

__all__ = ["BILLING_CODES", "BillingCode", "CodeSystem", "codes_for"]


class CodeSystem(enum.Enum):
    """The code system a billing code belongs to.

    Example:
        >>> from iopmodel.billing import CodeSystem
        >>> CodeSystem("condition_code")
        <CodeSystem.CONDITION_CODE: 'condition_code'>
    """

    HCPCS = "hcpcs"
    """Healthcare Common Procedure Coding System (level II) service codes."""
    CONDITION_CODE = "condition_code"
    """UB-04 (institutional claim) condition codes."""


@attrs.frozen(kw_only=True)
class BillingCode:
    """A code used to bill a level of care, with its source.

    Args:
        system: HCPCS or a condition code.
        code: The code (``"H0015"``).
        description: What the code describes, in words.
        level: The level of care it bills.
        focus: The program focus it is for (``None``: any).
        unit: How it is counted (``"per diem"``), if the source says.
        payers: Who uses it, in words (``"Medicare"``, ``"commercial and Medicaid"``).
        citation: Where the code and its meaning come from.

    Example:
        >>> from iopmodel.billing import BILLING_CODES
        >>> h0015 = next(c for c in BILLING_CODES if c.code == "H0015")
        >>> h0015.system.value, h0015.citation.short
        ('hcpcs', 'HCPCS H0015')
    """

    system: CodeSystem = attrs.field(validator=instance_of(CodeSystem))
    code: str = attrs.field(validator=non_empty_str)
    description: str = attrs.field(validator=non_empty_str)
    level: LevelOfCare = attrs.field(validator=instance_of(LevelOfCare))
    focus: ProgramFocus | None = attrs.field(
        default=None, validator=optional_instance_of(ProgramFocus)
    )
    unit: str | None = None
    payers: str = ""
    citation: Citation = attrs.field(validator=instance_of(Citation))

    def fits(self, focus: ProgramFocus | None) -> bool:
        """Whether the code applies to a program of *focus* (``None``: any focus).

        A co-occurring program can use the codes of either focus.
        """
        if self.focus is None or focus is None or focus is self.focus:
            return True
        return focus is ProgramFocus.CO_OCCURRING


_IOP, _PHP = LevelOfCare.INTENSIVE_OUTPATIENT, LevelOfCare.PARTIAL_HOSPITALIZATION

#: The billing codes iopmodel ships, each cited.
#:
#: :meta hide-value:
BILLING_CODES: Final = (
    BillingCode(
        system=CodeSystem.HCPCS,
        code="H0015",
        description="Alcohol and/or drug services; intensive outpatient (a program "
        "of at least 3 hours a day and at least 3 days a week, on an individualized "
        "treatment plan)",
        level=_IOP,
        focus=ProgramFocus.SUBSTANCE_USE,
        unit="per diem (usually; payers differ)",
        payers="commercial and Medicaid",
        citation=sources.HCPCS_H0015,
    ),
    BillingCode(
        system=CodeSystem.HCPCS,
        code="S9480",
        description="Intensive outpatient psychiatric services, per diem",
        level=_IOP,
        focus=ProgramFocus.MENTAL_HEALTH,
        unit="per diem",
        payers="commercial and Medicaid (not payable by Medicare)",
        citation=sources.HCPCS_S9480,
    ),
    BillingCode(
        system=CodeSystem.HCPCS,
        code="H0035",
        description="Mental health partial hospitalization, treatment, less than "
        "24 hours",
        level=_PHP,
        focus=ProgramFocus.MENTAL_HEALTH,
        payers="Medicaid",
        citation=sources.HCPCS_H0035,
    ),
    BillingCode(
        system=CodeSystem.CONDITION_CODE,
        code="92",
        description="Intensive outpatient program claim (Medicare, from 2024)",
        level=_IOP,
        payers="Medicare",
        citation=sources.MEDICARE_IOP_CLAIMS,
    ),
    BillingCode(
        system=CodeSystem.CONDITION_CODE,
        code="41",
        description="Partial hospitalization claim (Medicare)",
        level=_PHP,
        payers="Medicare",
        citation=sources.MEDICARE_IOP_CLAIMS,
    ),
)


def codes_for(
    level: LevelOfCare, focus: ProgramFocus | None = None
) -> tuple[BillingCode, ...]:
    """The shipped billing codes of *level*, for a program of *focus*.

    Example:
        >>> from iopmodel import LevelOfCare
        >>> from iopmodel.billing import codes_for
        >>> [(c.system.value, c.code) for c in codes_for(LevelOfCare.PARTIAL_HOSPITALIZATION)]
        [('hcpcs', 'H0035'), ('condition_code', '41')]
        >>> codes_for(LevelOfCare.OUTPATIENT)
        ()
    """
    check_arg(instance_of(LevelOfCare), "level", level)
    check_arg(optional_instance_of(ProgramFocus), "focus", focus)
    return tuple(c for c in BILLING_CODES if c.level is level and c.fits(focus))
