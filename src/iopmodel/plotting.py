"""Plots for notebooks and papers.

Weekly hours against every standard's band, episode timelines, waits against
capacity. matplotlib is an optional extra (``pip install "iopmodel[plot]"``), imported
only when a function runs. Every function returns the matplotlib
:class:`~matplotlib.axes.Axes` so you can restyle it, and draws on the ``ax``
you pass if you pass one. Colours are the colour-blind-safe Okabe-Ito palette,
shared with the notebook HTML displays. Each plot has one legend; reference
lines are labelled where they are drawn.
"""

from __future__ import annotations

import datetime as dt
import importlib
import textwrap
from collections import defaultdict
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from iopmodel import _palette
from iopmodel._format import hours_text
from iopmodel._validators import (
    check_arg,
    collection_of,
    instance_of,
    optional_instance_of,
    optional_plain_date,
)
from iopmodel.errors import InvalidValueError, MissingExtraError
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.rules import DEFAULT_RULES, RuleSet, Subject
from iopmodel.sessions import Attendance

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from iopmodel.cycles import WeekCycle
    from iopmodel.episodes import Episode
    from iopmodel.measures import Measure
    from iopmodel.simulation import SimulationResult
    from iopmodel.standards import HoursBand, Standard
    from iopmodel.weeks import WeekSummary

__all__ = [
    "plot_episode",
    "plot_measures",
    "plot_wait_vs_capacity",
    "plot_weekly_hours",
]

# Session outcomes, bottom to top of each week's bar: (label, colour, hatch).
_OUTCOMES = {
    "attended": ("attended", _palette.ATTENDED, ""),
    "absent": ("absent or excused", _palette.ABSENT, ""),
    "pending": ("scheduled, not yet recorded", _palette.PENDING, ""),
    "cancelled": ("cancelled (not counted)", "white", "////"),
}


def _pyplot() -> Any:
    try:
        return importlib.import_module("matplotlib.pyplot")  # optional extra
    except ImportError:
        raise MissingExtraError("plot", "matplotlib") from None


def _check_ax(ax: object) -> None:
    """Refuse an *ax* that is not a matplotlib Axes (``None`` draws a new figure)."""
    axes: Any = importlib.import_module("matplotlib.axes")
    check_arg(optional_instance_of(axes.Axes), "ax", ax)


def _outcome(attendance: Attendance) -> str:
    if attendance is Attendance.ATTENDED:
        return "attended"
    if attendance in {Attendance.ABSENT, Attendance.EXCUSED}:
        return "absent"
    if attendance is Attendance.CANCELLED:
        return "cancelled"
    return "pending"


def _hours_by_outcome(
    subject: Subject, weeks: Sequence[WeekSummary]
) -> dict[str, list[float]]:
    """Counted hours of each week, split by session outcome."""
    minutes: dict[str, list[int]] = {key: [0] * len(weeks) for key in _OUTCOMES}
    if subject.plan is None:  # a design: every session is scheduled
        minutes["pending"] = [w.scheduled_minutes for w in weeks]
        return {k: [m / 60 for m in v] for k, v in minutes.items()}
    index = {w.start: i for i, w in enumerate(weeks)}
    timezone = subject.plan.program.timezone
    for session in subject.plan.sessions:
        if session.kind not in subject.standard.counted_kinds:
            continue
        day = session.start.astimezone(timezone).date()
        week = day - dt.timedelta(days=(day.weekday() - subject.week_start) % 7)
        if week in index:
            minutes[_outcome(session.attendance)][index[week]] += session.minutes
    return {k: [m / 60 for m in v] for k, v in minutes.items()}


def _bound_text(band: HoursBand, *, floor: bool) -> str:
    if floor:
        sign = "\u2265" if band.include_minimum else ">"
        return f"{sign} {hours_text(band.minimum)} h"
    sign = "\u2264" if band.include_maximum else "<"
    return f"{sign} {hours_text(Fraction(band.maximum or 0))} h"


def _draw_bands(ax: Any, subject: Subject, standards: Sequence[Standard]) -> float:
    """Each standard's band for the subject's level as labelled lines; the top."""
    from matplotlib.transforms import blended_transform_factory  # noqa: PLC0415

    from iopmodel.standards import STANDARDS  # noqa: PLC0415

    level, population = subject.level, subject.population
    if level is None or population is None:
        return 0.0
    # value -> [(standard index, name, text, is floor)]
    bounds: dict[Fraction, list[tuple[int, str, str, bool]]] = defaultdict(list)
    drawn = 0
    shipped = list(STANDARDS)
    for index, standard in enumerate(standards):
        # a shipped standard keeps its colour in every plot
        position = (
            shipped.index(standard.name)
            if standard.name in shipped
            else len(shipped) + index
        )
        band = standard.band(level, population)
        if band is None:
            continue
        drawn += 1
        if band.minimum > 0:
            text = _bound_text(band, floor=True)
            bounds[band.minimum].append((position, standard.name, text, True))
        if band.maximum is not None:
            text = _bound_text(band, floor=False)
            bounds[band.maximum].append((position, standard.name, text, False))
    transform = blended_transform_factory(ax.transAxes, ax.transData)
    for value, entries in sorted(bounds.items()):
        texts = {text for _, _, text, _ in entries}
        names = ", ".join(name for _, name, _, _ in entries)
        if len(texts) == 1:
            label = f"{texts.pop()}\n{names}"
        else:
            label = "\n".join(f"{text} {name}" for _, name, text, _ in entries)
        shared = drawn > 1 and len(entries) == drawn
        colours = _palette.STANDARD_COLOURS
        colour = _palette.SHARED if shared else colours[entries[0][0] % len(colours)]
        style = "-" if all(floor for *_, floor in entries) else "--"
        ax.axhline(float(value), color=colour, linestyle=style, linewidth=1.2, zorder=3)
        ax.text(1.01, float(value), label, transform=transform, ha="left",
                va="center", color=colour, fontsize="small", clip_on=False)  # fmt: skip
    return float(max(bounds, default=0))


def _outcome_bars(
    ax: Any,
    xs: list[Any],
    width: float,
    weeks: Sequence[WeekSummary],
    hours: dict[str, list[float]],
    *,
    design: bool,
) -> tuple[list[float], list[Any]]:
    """Stack each week's hours by outcome; the bar tops and the legend handles."""
    patches: Any = importlib.import_module("matplotlib.patches")
    alphas = [1.0 if w.full else 0.45 for w in weeks]
    bottom = [0.0] * len(weeks)
    handles = []
    for key, (plan_label, colour, hatch) in _OUTCOMES.items():
        heights = hours[key]
        label = "scheduled" if design else plan_label
        if not any(heights):
            continue
        edge = _palette.CANCELLED if hatch else colour
        bars = ax.bar(xs, heights, width, bottom=bottom, color=colour, hatch=hatch,
                      edgecolor=edge, linewidth=0.6, label=label, zorder=2)  # fmt: skip
        for bar, alpha in zip(bars, alphas, strict=True):
            bar.set_alpha(alpha)
        handles.append(
            patches.Patch(facecolor=colour, hatch=hatch, label=label, edgecolor=edge)
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if any(alpha < 1 for alpha in alphas):
        partial = "partial week (lighter)"
        handles.append(
            patches.Patch(facecolor=_palette.PENDING, alpha=0.45, label=partial)
        )
    return bottom, handles


def _week_axis(
    ax: Any, subject: Subject, xs: list[Any], cycle: WeekCycle | None
) -> None:
    """Dates with the year for a plan; weeks of the cycle for a design."""
    mdates: Any = importlib.import_module("matplotlib.dates")  # untyped helpers
    if cycle is None:
        step = max(1, -(-len(xs) // 7))  # at most 7 dates
        ax.xaxis.set_major_locator(
            mdates.WeekdayLocator(byweekday=subject.week_start, interval=step)
        )
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b %Y"))
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
        ax.set_xlabel("week starting")
        return
    ax.set_xticks(xs, [str(x) for x in xs])
    margin = 0.5 * (len(xs) < 3)  # a lone bar is not as wide as the plot
    ax.set_xlim(0.5 - margin, len(xs) + 0.5 + margin)
    ax.set_xlabel(
        f"week of the {cycle.length}-week cycle"
        if cycle.exact
        else "each distinct week of the design (reference calendar)"
    )


def plot_weekly_hours(
    target: Program | TreatmentPlan,
    rules: RuleSet = DEFAULT_RULES,
    *,
    standards: Iterable[Standard] | None = None,
    as_of: dt.date | None = None,
    ax: Any = None,
) -> Any:
    """Weekly hours over a whole plan or design cycle, against every standard's band.

    Each week is a bar of the hours that count, split by what happened to the
    sessions: attended, absent (or excused), scheduled with nothing recorded
    yet, and cancelled sessions stacked on top, hatched (they do not count).
    Partial weeks at the ends of a plan are drawn lighter. The band of the
    target's level and population under each standard is drawn as labelled
    lines: floors solid, ceilings dashed, a bound shared by every standard in
    black. A plan's weeks are dated (with the year); a design's weeks are the
    weeks of its cycle (week 1 starts on the first weekday of the rule set's
    week).

    Args:
        target: A program design (the weeks of its cycle) or a plan (every week
            of it).
        rules: The rule set whose weeks and counted session kinds are used;
            its standard is drawn too.
        standards: The standards whose bands are drawn (by default every
            shipped standard, :data:`iopmodel.standards.STANDARDS`, and the
            standard of *rules*).
        as_of: For an ongoing plan, the day to stop at.
        ax: A matplotlib Axes to draw on (a new figure by default).

    Returns:
        The matplotlib Axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.plotting import plot_weekly_hours
        >>> ax = plot_weekly_hours(evening_iop())
        >>> ax.get_ylabel(), ax.get_xlabel()
        ('hours per week', 'week of the 1-week cycle')
        >>> [t.get_text().splitlines() for t in ax.texts]
        [['≥ 9 h', 'default, medicare-2024'], ['≤ 20 h default', '< 20 h medicare-2024']]
    """
    from iopmodel.standards import STANDARDS  # noqa: PLC0415

    plt = _pyplot()
    _check_ax(ax)
    mdates: Any = importlib.import_module("matplotlib.dates")  # untyped helpers
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
    subject = Subject.of(target, rules, as_of=as_of)
    cycle = subject.cycle
    if cycle is None:  # a plan: every dated week
        weeks = list(subject.weeks)
        xs: list[Any] = [mdates.date2num(w.start + dt.timedelta(days=3)) for w in weeks]
        width = 5.5
    else:  # a design: one block of an exact cycle, else each distinct week
        weeks = list(cycle.block(0) if cycle.exact else subject.weeks)
        xs = list(range(1, len(weeks) + 1))
        width = 0.7
    hours = _hours_by_outcome(subject, weeks)
    bottom, handles = _outcome_bars(
        ax, xs, width, weeks, hours, design=cycle is not None
    )
    drawn = list(STANDARDS.values()) if standards is None else list(standards)
    if standards is None and rules.standard not in drawn:
        drawn.append(rules.standard)
    top = max([_draw_bands(ax, subject, drawn), *bottom, 1.0])
    rows = -(-len(handles) // 3)  # the legend, three entries a row, above the bars
    ax.set_ylim(0, top * (1.22 + 0.12 * rows))
    ax.set_ylabel("hours per week")
    _week_axis(ax, subject, xs, cycle)
    ax.set_title(f"{subject.name}: {subject.level.label if subject.level else ''}, "
                 f"{subject.population.value if subject.population else ''}",
                 loc="left", fontsize="medium")  # fmt: skip
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(handles=handles, loc="upper left", ncol=3, fontsize="small",
              frameon=False, handlelength=1.2, columnspacing=1.2)  # fmt: skip
    return ax


def plot_episode(
    episode: Episode, *, as_of: dt.date | None = None, ax: Any = None
) -> Any:
    """A timeline of an episode's placements, one row per level of care.

    Concurrent services get a hatched row each above the levels; holds are
    shaded.

    Args:
        episode: The episode.
        as_of: End of an open placement (required to draw one).
        ax: A matplotlib Axes to draw on (a new figure by default).

    Returns:
        The matplotlib Axes.

    Example:
        >>> import datetime as dt
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from iopmodel import Episode, LevelOfCare
        >>> from iopmodel.plotting import plot_episode
        >>> e = (Episode(patient_id="p").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                                    on=dt.date(2026, 3, 2))
        ...      .step_down(LevelOfCare.OUTPATIENT, on=dt.date(2026, 4, 16)))
        >>> [t.get_text() for t in plot_episode(e, as_of=dt.date(2026, 6, 1)).get_yticklabels()]
        ['Outpatient', 'Intensive outpatient']
    """
    from iopmodel.episodes import Episode  # noqa: PLC0415

    check_arg(instance_of(Episode), "episode", episode)
    check_arg(optional_plain_date, "as_of", as_of)
    plt = _pyplot()
    _check_ax(ax)
    mdates: Any = importlib.import_module("matplotlib.dates")  # untyped helpers

    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 2.8), layout="constrained")
    levels = sorted({p.level for p in episode.placements})
    rows = {level: index for index, level in enumerate(levels)}
    ends = [p.end or as_of for p in episode.placements]
    known = [end for end in ends if end is not None]
    span = max(((max(known) - episode.placements[0].start).days if known else 1), 1)
    for placement, end in zip(episode.placements, ends, strict=True):
        if end is None:
            continue
        start_num = mdates.date2num(placement.start)
        width = mdates.date2num(end) - start_num
        row = rows[placement.level]
        ax.broken_barh([(start_num, width)], (row - 0.4, 0.8),
                       color=_palette.level_colour(placement.level))  # fmt: skip
        days = f"{(end - placement.start).days} d"
        if width / span < 0.1:  # too narrow to hold its label: beside it
            ax.text(start_num + width + span * 0.01, row, days, ha="left",
                    va="center", fontsize="small")  # fmt: skip
        else:
            ax.text(start_num + width / 2, row, days, ha="center", va="center",
                    color="white", fontsize="small")  # fmt: skip
    labels = [textwrap.fill(level.label, 24) for level in rows]
    # concurrent services run beside the level: one thinner row each, on top
    services = list(dict.fromkeys(item.service for item in episode.services))
    for service in services:
        row = len(labels)
        labels.append(textwrap.fill(f"+ {service.label}", 24))
        for item in episode.services:
            end = item.end or as_of
            if item.service is not service or end is None:
                continue
            start_num = mdates.date2num(item.start)
            ax.broken_barh([(start_num, mdates.date2num(end) - start_num)],
                           (row - 0.25, 0.5), color="#888888", hatch="//")  # fmt: skip
    for hold in episode.holds:
        end = hold.end or as_of
        if end is not None:
            ax.axvspan(mdates.date2num(hold.start), mdates.date2num(end),
                       color="#dddddd", zorder=0)  # fmt: skip
    ax.set_yticks(list(range(len(labels))), labels)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b %Y"))
    ax.set_title(f"Episode {episode.patient_id}: levels of care", loc="left",
                 fontsize="medium")  # fmt: skip
    ax.spines[["top", "right"]].set_visible(False)
    if created:
        ax.figure.autofmt_xdate()
    return ax


def plot_wait_vs_capacity(
    results: Sequence[SimulationResult],
    *,
    measure: str = "median_wait_days",
    target_days: float | None = None,
    ax: Any = None,
) -> Any:
    """Waits against total slots: the mean over replications with its 95 % interval.

    Each point is the mean, over a scenario's replications, of each
    replication's wait; the error bar is the 95 % confidence interval of that
    mean (Student's t over replications; its lower end cut at 0, as waits
    cannot be negative; no bar with one replication). The plot says so in a
    caption under the axes.

    Args:
        results: Simulation results of scenarios that differ in capacity.
        measure: ``"median_wait_days"`` (default) or ``"mean_wait_days"``.
        target_days: Draw a horizontal line at this wait, if given.
        ax: A matplotlib Axes to draw on (a new figure by default).

    Returns:
        The matplotlib Axes.

    Example:
        >>> import attrs, matplotlib
        >>> matplotlib.use("Agg")
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.plotting import plot_wait_vs_capacity
        >>> from iopmodel.simulation import Scenario, sweep
        >>> base = Scenario(programs=[evening_iop()], referrals_per_week=3,
        ...                 horizon_days=300, warmup_days=60)
        >>> designs = [attrs.evolve(base, programs=[attrs.evolve(evening_iop(), capacity=c)])
        ...            for c in (10, 14)]
        >>> ax = plot_wait_vs_capacity(sweep(designs, replications=2, seed=1), target_days=7)
        >>> ax.get_xlabel()
        'slots'
    """
    from iopmodel.simulation import SimulationResult  # noqa: PLC0415

    found = collection_of(SimulationResult, "results", results)
    if measure not in _WAIT_MEASURES:  # a tuple: unhashable values compare
        raise InvalidValueError(
            "measure", measure, "must be 'median_wait_days' or 'mean_wait_days'"
        )
    check_arg(optional_instance_of((int, float)), "target_days", target_days)
    plt = _pyplot()
    _check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
    points = sorted(
        (result.scenario.capacity or 0, result.summary()[measure]) for result in found
    )
    xs = [capacity for capacity, _ in points]
    means = [summary.mean for _, summary in points]
    # Waits cannot be negative: the lower end of a symmetric t interval is cut at 0.
    lows = [
        summary.mean - max(summary.low, 0.0) if summary.replications > 1 else 0.0
        for _, summary in points
    ]
    highs = [
        summary.high - summary.mean if summary.replications > 1 else 0.0
        for _, summary in points
    ]
    replications = sorted({summary.replications for _, summary in points})
    ax.errorbar(xs, means, yerr=[lows, highs], marker="o", capsize=3,
                color=_palette.BLUE, label="mean with 95 % CI")  # fmt: skip
    if target_days is not None:
        ax.axhline(target_days, color=_palette.VERMILLION, linestyle="--",
                   label=f"target: {target_days:g} days")  # fmt: skip
    ax.legend(fontsize="small", frameon=False)
    ax.set_xlabel("slots")
    ax.set_ylabel(measure.replace("_", " "))
    ax.set_ylim(bottom=0)
    ax.set_title("Wait for a slot against capacity", loc="left", fontsize="medium")
    ax.spines[["top", "right"]].set_visible(False)
    counts = "/".join(str(n) for n in replications)
    ax.annotate(
        f"Points: mean of the {measure.replace('_', ' ')} over {counts} replications "
        "of each scenario.\nBars: 95 % confidence interval of that mean (Student's t; "
        "lower end cut at 0).",
        xy=(0, 0), xycoords="axes fraction", xytext=(0, -38),
        textcoords="offset points", va="top", fontsize="x-small", color="#444444",
    )  # fmt: skip
    return ax


#: The waits :func:`plot_wait_vs_capacity` can plot.
_WAIT_MEASURES: Final = ("median_wait_days", "mean_wait_days")

_BAND_COLOURS = ("#e8f4e8", "#fdf6d8", "#fde8cf", "#fbd5c9", "#f6c1c1", "#efadb8")


def plot_measures(
    record: TreatmentPlan | Sequence[Measure],
    instrument: str,
    *,
    ax: Any = None,
) -> Any:
    """One patient's scores on one instrument over time, severity bands shaded.

    Bands come from the registered instrument (:mod:`iopmodel.measures`),
    worst band darkest, each labelled on the right; the line joins the
    totals in date order.

    Args:
        record: A treatment plan, or its measures.
        instrument: The instrument id (``"phq-9"``).
        ax: A matplotlib Axes to draw on (a new figure by default).

    Returns:
        The matplotlib Axes.

    Raises:
        UnknownCodeError: An instrument that is not registered.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import datetime as dt
        >>> from iopmodel.measures import Measure
        >>> from iopmodel.plotting import plot_measures
        >>> scores = [Measure(instrument="phq-9", on=dt.date(2026, 3, 2) + dt.timedelta(weeks=w),
        ...                   total=t) for w, t in enumerate([19, 16, 12, 9, 7])]
        >>> ax = plot_measures(scores, "phq-9")
        >>> ax.get_title(), len(ax.patches), [int(y) for y in ax.lines[0].get_ydata()]
        ('PHQ-9 over time', 5, [19, 16, 12, 9, 7])
    """
    from iopmodel.measures import Measure  # noqa: PLC0415
    from iopmodel.measures import instrument as lookup  # noqa: PLC0415

    known = lookup(instrument)
    measures = (
        record.measures
        if isinstance(record, TreatmentPlan)
        else collection_of(Measure, "record", record)
    )
    points = sorted((m.on, m.total) for m in measures if m.instrument == instrument)
    plt = _pyplot()
    _check_ax(ax)
    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    bands = known.bands if known.higher_is_worse else tuple(reversed(known.bands))
    for band in known.bands:
        colour = _BAND_COLOURS[min(bands.index(band), len(_BAND_COLOURS) - 1)]
        ax.axhspan(band.minimum - 0.5, band.maximum + 0.5, color=colour, zorder=0)
        ax.text(
            1.01,
            (band.minimum + band.maximum) / 2,
            band.label,
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
        )
    if points:
        days, totals = zip(*points, strict=True)
        ax.plot(days, totals, marker="o", color="#1d4e89", zorder=3)
    if known.bands:
        ax.set_ylim(known.bands[0].minimum - 0.5, known.bands[-1].maximum + 0.5)
    ax.set_title(f"{known.name} over time")
    ax.set_ylabel("total score")
    ax.figure.autofmt_xdate()
    if created:  # room for the band names right of the axes
        ax.figure.tight_layout()
    return ax
