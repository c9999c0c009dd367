"""The colours of every plot and HTML display, in one place.

The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008): eight
colours that stay distinct with the common colour-vision deficiencies and in
greyscale print. Plots (:mod:`iopmodel.plotting`) and notebook displays
(``_repr_html_``) use the same names, so a level of care or a session outcome
has one colour everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from iopmodel.care import LevelOfCare

BLACK: Final = "#000000"
ORANGE: Final = "#E69F00"
SKY_BLUE: Final = "#56B4E9"
GREEN: Final = "#009E73"
YELLOW: Final = "#F0E442"
BLUE: Final = "#0072B2"
VERMILLION: Final = "#D55E00"
PURPLE: Final = "#CC79A7"
GREY: Final = "#8C8C8C"

#: Session outcomes in weekly-hours plots.
ATTENDED: Final = BLUE
PENDING: Final = SKY_BLUE
"""Scheduled, nothing recorded yet (and every session of a design)."""
ABSENT: Final = VERMILLION
CANCELLED: Final = GREY

#: Table rows of findings in HTML, by severity (light tint, dark text).
SEVERITY_STYLE: Final = {
    "error": "background:#fde2e2;color:#8a1c1c",
    "warning": "background:#fff4ce;color:#6b4e00",
    "info": "background:#e8f1fb;color:#1d4e89",
}

#: One colour per standard, in the order of ``iopmodel.standards.STANDARDS``;
#: bounds shared by every standard drawn are black.
STANDARD_COLOURS: Final = (ORANGE, PURPLE, GREEN, YELLOW, SKY_BLUE)
SHARED: Final = BLACK


def level_colour(level: LevelOfCare) -> str:
    """The colour of a level of care, the same in every plot and display.

    Levels are coloured by intensity group: inpatient vermillion, residential
    orange, partial hospitalization purple, intensive outpatient blue,
    outpatient green, early intervention and remission monitoring sky blue.

    Example:
        >>> from iopmodel import LevelOfCare
        >>> from iopmodel._palette import BLUE, GREEN, level_colour
        >>> level_colour(LevelOfCare.INTENSIVE_OUTPATIENT) == BLUE
        True
        >>> level_colour(LevelOfCare.OUTPATIENT) == GREEN
        True
    """
    from iopmodel.care import LevelOfCare, Setting  # noqa: PLC0415

    if level.setting is Setting.INPATIENT:
        return VERMILLION
    if level.setting is Setting.RESIDENTIAL:
        return ORANGE
    groups = {
        LevelOfCare.PARTIAL_HOSPITALIZATION: PURPLE,
        LevelOfCare.MEDICALLY_MANAGED_INTENSIVE_OUTPATIENT: PURPLE,
        LevelOfCare.INTENSIVE_OUTPATIENT: BLUE,
        LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED: BLUE,
        LevelOfCare.EARLY_INTERVENTION: SKY_BLUE,
        LevelOfCare.REMISSION_MONITORING: SKY_BLUE,
    }
    return groups.get(level, GREEN)
