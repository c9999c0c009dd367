"""Private text formatting shared by messages, reprs, HTML and the command line."""

from __future__ import annotations

from fractions import Fraction


def hours_text(hours: Fraction) -> str:
    """Exact hours as short text: ``9``, ``7.5``, ``8.98`` (at most two decimals).

    Example:
        >>> from fractions import Fraction
        >>> from iopmodel._format import hours_text
        >>> hours_text(Fraction(9)), hours_text(Fraction(15, 2)), hours_text(Fraction(539, 60))
        ('9', '7.5', '8.98')
    """
    if hours.denominator == 1:
        return str(hours.numerator)
    return f"{float(hours):.2f}".rstrip("0").rstrip(".")


def minutes_as_hours(minutes: int) -> str:
    """Whole minutes as hours text (see :func:`hours_text`).

    Example:
        >>> from iopmodel._format import minutes_as_hours
        >>> minutes_as_hours(600), minutes_as_hours(90)
        ('10', '1.5')
    """
    return hours_text(Fraction(minutes, 60))
