"""HTML for the clinical record: diagnoses, measures, screens, authorizations.

Same conventions as :mod:`iopmodel._html`: plain tables, inline styles, every
value escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from iopmodel._html import _e, _table

if TYPE_CHECKING:
    from iopmodel.authorizations import Authorization
    from iopmodel.diagnoses import Diagnosis
    from iopmodel.measures import Instrument, Measure
    from iopmodel.plans import TreatmentPlan
    from iopmodel.screens import Screen

_PART2_STYLE = "background:#fde2e2;color:#8a1c1c;padding:1px 4px;font-size:0.85em"


def _date(value: object) -> str:
    return "" if value is None else _e(value)


def diagnoses_html(diagnoses: Sequence[Diagnosis]) -> str:
    """A table of diagnoses; codes outside the shipped table are marked."""
    rows = [
        [
            f"<code>{_e(d.code)}</code>" + ("" if d.known else " (not in table)"),
            _e(d.display or ""),
            _e(d.rank.value),
            _e(d.category.value.replace("_", " ")),
            _date(d.onset),
            _date(d.resolved),
        ]
        for d in diagnoses
    ]
    return _table(["code", "title", "rank", "category", "onset", "resolved"], rows)


def measures_html(measures: Sequence[Measure]) -> str:
    """A table of measures with their totals and severity bands."""
    rows = [
        [_e(m.instrument), _e(m.on), str(m.total), _e(m.severity or "")]
        for m in measures
    ]
    return _table(["instrument", "on", "total", "severity"], rows)


def instrument_html(instrument: Instrument) -> str:
    """An instrument's items, range and severity bands (never item text)."""
    header = (
        f"<b>{_e(instrument.name)}</b> (<code>{_e(instrument.id)}</code>): "
        f"{len(instrument.items)} items scored {instrument.item_minimum}-"
        f"{instrument.item_maximum}; {_e(instrument.citation.short)}"
    )
    rows = [[_e(b.label), f"{b.minimum}-{b.maximum}"] for b in instrument.bands]
    return f"<div>{header}{_table(['band', 'total'], rows)}</div>"


def screens_html(screens: Sequence[Screen]) -> str:
    """A table of drug screens; unexpected positives in bold."""
    rows = [
        [
            _e(s.collected),
            _e(s.panel),
            ", ".join(
                f"<b>{_e(k)}</b>" if k in s.unexpected_positives else _e(k)
                for k in s.positives
            )
            or "none",
            _e(", ".join(sorted(s.prescribed))),
        ]
        for s in screens
    ]
    return _table(["collected", "panel", "positive", "prescribed"], rows)


def authorizations_html(authorizations: Sequence[Authorization]) -> str:
    """A table of payer authorizations."""
    rows = [
        [
            _e(a.payer),
            _e(a.level.key),
            f"{a.start} to {a.end}",
            f"{a.units} {_e(a.unit.value)}",
            _e(a.reference or ""),
        ]
        for a in authorizations
    ]
    return _table(["payer", "level", "from-to", "units", "reference"], rows)


def record_html(plan: TreatmentPlan) -> str:
    """The plan's clinical record, section by section (nothing when empty)."""
    parts = []
    if plan.part2 or plan.program.part2:
        parts.append(f'<div><span style="{_PART2_STYLE}">42 CFR Part 2</span></div>')
    sections = (
        ("Diagnoses", plan.diagnoses and diagnoses_html(plan.diagnoses)),
        ("Outcome measures", plan.measures and measures_html(plan.measures)),
        ("Drug screens", plan.screens and screens_html(plan.screens)),
        (
            "Authorizations",
            plan.authorizations and authorizations_html(plan.authorizations),
        ),
    )
    parts.extend(
        f"<div><b>{title}</b>{table}</div>" for title, table in sections if table
    )
    return "".join(parts)
