"""Rich HTML for notebooks: the ``_repr_html_`` of programs, plans, reports, episodes.

Plain HTML with inline styles (no scripts, no external assets), every value
escaped. Colours follow severity: errors red, warnings amber, infos blue.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from typing import TYPE_CHECKING, Final

from iopmodel import _palette
from iopmodel._format import minutes_as_hours

if TYPE_CHECKING:
    from iopmodel.episodes import Episode
    from iopmodel.plans import TreatmentPlan
    from iopmodel.programs import Program
    from iopmodel.reports import Finding, ValidationReport
    from iopmodel.weeks import WeekSummary

_TABLE: Final = "border-collapse:collapse;font-size:0.9em;margin:0.3em 0"
_CELL: Final = (
    "border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left"
)
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Plain words for the document paths findings carry ("$.reviews").
_PLACES: Final = {
    "reviews": "plan reviews",
    "aftercare": "aftercare plan",
    "placements": "levels of care",
    "planned_discharge": "planned discharge",
    "sessions": "sessions",
    "discharge_date": "discharge",
    "problems": "problems and goals",
}
_INDEXED: Final = re.compile(r"^\$\.(\w+)\[(\d+)\](.*)$")


def place(path: str) -> str:
    """A document path in plain words: ``$.reviews`` is "plan reviews".

    Example:
        >>> from iopmodel._html import place
        >>> place("$.reviews"), place("$.sessions[3]"), place("$.program.timezone")
        ('plan reviews', 'session 4', 'program timezone')
    """
    indexed = _INDEXED.match(path)
    if indexed:
        name, index, rest = indexed.groups()
        noun = _PLACES.get(name, name.replace("_", " ")).rstrip("s")
        tail = rest.lstrip(".").replace(".", " ").replace("_", " ")
        return f"{noun} {int(index) + 1}" + (f" {tail}" if tail else "")
    key = path.removeprefix("$.").removeprefix("$")
    if key in _PLACES:
        return _PLACES[key]
    return key.replace(".", " ").replace("_", " ") or "the whole document"


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(
    header: list[str], rows: list[list[str]], styles: list[str] | None = None
) -> str:
    head = "".join(f'<th style="{_CELL};background:#f3f3f3">{h}</th>' for h in header)
    body = []
    for index, row in enumerate(rows):
        style = f' style="{styles[index]}"' if styles else ""
        cells = "".join(f'<td style="{_CELL}">{cell}</td>' for cell in row)
        body.append(f"<tr{style}>{cells}</tr>")
    rows_html = "".join(body)
    return (
        f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows_html}</tbody></table>"
    )


def program_html(program: Program) -> str:
    """A weekly grid of the first week of the program's cycle, with its hours."""
    from iopmodel.standards import DEFAULT_STANDARD  # noqa: PLC0415

    cycle = program.cycle()
    first = cycle.weeks[0].start
    week = [s for s in cycle.sessions if (s.start.date() - first).days < 7]
    by_day: dict[int, list[str]] = {day: [] for day in range(7)}
    for session in week:
        local = session.start.astimezone(program.timezone)
        end = session.end.astimezone(program.timezone)
        kind = session.kind.value.replace("_", " ")
        muted = (
            ""
            if session.kind in DEFAULT_STANDARD.counted_kinds
            else ' style="color:#888"'
        )
        by_day[local.weekday()].append(
            f"<div{muted}><b>{local:%H:%M}&ndash;{end:%H:%M}</b><br>{_e(kind)}</div>"
        )
    cells = ["".join(by_day[day]) or "&nbsp;" for day in range(7)]
    summary = (
        f"<b>{_e(program.name)}</b>: {_e(program.level.label)}, {_e(program.population.value)}, "
        f"{_e(program.timezone.key)}; <b>{program._hours_text()} h</b> a week"  # noqa: SLF001
        + (
            ""
            if cycle.length == 1
            else f" over a {cycle.length}-week cycle (week 1 shown)"
        )
        + (f", {program.capacity} slots" if program.capacity else "")
    )
    return f"<div>{summary}{_table(list(_DAYS), [cells])}</div>"


def _attended(week: WeekSummary) -> str:
    """Attended hours, or that nothing is recorded yet (not zero: not a no-show)."""
    sessions = sum(week.session_counts)
    if week.scheduled_minutes == 0:
        return "&ndash;"
    if week.pending_sessions and week.pending_sessions >= sessions:
        return '<span style="color:#666">not recorded yet</span>'
    hours = minutes_as_hours(week.attended_minutes)
    if week.pending_sessions:
        return f"{hours} ({week.pending_sessions} not recorded yet)"
    return hours


def plan_html(plan: TreatmentPlan) -> str:
    """Plan header, attendance counts and the weekly hours table."""
    from iopmodel.weeks import summarize_weeks  # noqa: PLC0415

    counts = Counter(s.attendance.value for s in plan.sessions)
    status = (
        f"discharged {plan.discharge_date} ({plan.discharge_reason.value})"
        if plan.discharge_date and plan.discharge_reason
        else "active"
    )
    header = (
        f"<b>Plan {_e(plan.patient_id)}</b> in {_e(plan.program.name)}: from {plan.start}"
        + (
            f", planned discharge {plan.planned_discharge}"
            if plan.planned_discharge
            else ""
        )
        + f"; {_e(status)}; {len(plan.sessions)} sessions ("
        + ", ".join(f"{n} {_e(k)}" for k, n in sorted(counts.items()))
        + ")"
    )
    weeks = summarize_weeks(plan.sessions, plan.program.timezone, *plan.window())
    rows = [
        [
            str(w.start),
            minutes_as_hours(w.scheduled_minutes),
            _attended(w),
            str(w.individual_sessions),
            str(w.group_sessions),
            "" if w.full else f"partial week ({w.days_in_window} of 7 days)",
        ]
        for w in weeks
    ]
    table = _table(
        [
            "week of",
            "scheduled h",
            "attended h",
            "individual sessions",
            "group sessions",
            "notes",
        ],
        rows,
    )
    from iopmodel._record_html import record_html  # noqa: PLC0415

    return f"<div>{header}{table}{record_html(plan)}</div>"


def _concerns(finding: Finding) -> str:
    """What a finding is about, in words: a dated week, a week of a cycle, a part."""
    if finding.week is not None:
        return f"week of {finding.week.isoformat()}"
    if finding.cycle_week is not None:
        return f"week {finding.cycle_week} of the design's cycle"
    return place(finding.path) if finding.path else ""


def report_html(report: ValidationReport) -> str:
    """The summary and a findings table coloured by severity."""
    verdict = (
        '<span style="color:#1b7f3b"><b>OK</b></span>'
        if report.ok
        else '<span style="color:#8a1c1c"><b>NOT OK</b></span>'
    )
    counts = report.summary().rsplit(": ", 1)[1].split(", ", 1)[1]
    header = (
        f"{_e(report.subject)}, rules <code>{_e(report.rule_set)}</code>: {verdict} "
        f"&mdash; {_e(counts)}"
    )
    if not report.findings:
        return f"<div>{header}</div>"
    ordered = sorted(report.findings, key=lambda f: -f.severity.rank)
    rows = [
        [
            _e(f.severity.value),
            f"<code>{_e(f.rule_id)}</code>",
            _e(_concerns(f)),
            _e(f.message.removeprefix(f"{_concerns(f)}: ")),
            _e(f.citation.short if f.citation else ""),
        ]
        for f in ordered
    ]
    styles = [_palette.SEVERITY_STYLE[f.severity.value] for f in ordered]
    table = _table(["severity", "rule", "concerns", "message", "source"], rows, styles)
    return f"<div>{header}{table}</div>"


def episode_html(episode: Episode, as_of: dt.date | None = None) -> str:
    """A timeline of placements, widths proportional to days."""
    placements = episode.placements
    header = f"<b>Episode {_e(episode.patient_id)}</b>: {_e(episode.status.value)}"
    if not placements:
        return f"<div>{header}, not admitted</div>"
    closed = [(p.end - p.start).days for p in placements if p.end is not None]
    if placements[-1].end is None:
        # An open placement runs to as_of if given; otherwise it is drawn as wide
        # as the average closed placement (the library never reads the clock).
        open_days = (
            max(1, (as_of - placements[-1].start).days)
            if as_of is not None
            else max(sum(closed) // max(len(closed), 1), 7)
        )
        spans = [*closed, open_days]
    else:
        spans = closed
    total = max(sum(spans), 1)  # same-day placements last 0 days
    bars = []
    for placement, days in zip(placements, spans, strict=True):
        colour = _palette.level_colour(placement.level)
        width = max(100 * days / total, 12)
        state = f"{days} d" if placement.end else "ongoing"
        label = f"{placement.level.label} ({state})"
        title = (
            f"{placement.level.label}: {placement.start} to {placement.end or 'open'}"
        )
        style = (
            f"flex:1 1 {width:.1f}%;background:{colour};color:white;padding:4px;"
            "min-width:7em;overflow-wrap:anywhere;"
            "border-right:2px solid white;font-size:0.85em"
        )
        bars.append(f'<div title="{_e(title)}" style="{style}">{_e(label)}</div>')
    flex = "display:flex;width:100%;max-width:60em;margin:0.3em 0"
    timeline = f'<div style="{flex}">{"".join(bars)}</div>'
    dates = (
        f"<small>{placements[0].start} &rarr; "
        f"{placements[-1].end or 'ongoing'}"
        + (
            f"; discharged: {_e(episode.discharge_reason.value)}"
            if episode.discharge_reason
            else ""
        )
        + "</small>"
    )
    beside = "".join(
        f"<br><small>+ {_e(item.service.label)}"
        + (f" ({_e(item.level.label)})" if item.level is not None else "")
        + f": {item.start} &rarr; {item.end or 'ongoing'}</small>"
        for item in episode.services
    ) + "".join(
        f"<br><small>on hold: {hold.start} &rarr; {hold.end or 'ongoing'}"
        + (f" ({_e(hold.reason)})" if hold.reason else "")
        + "</small>"
        for hold in episode.holds
    )
    return f"<div>{header}{timeline}{dates}{beside}</div>"
