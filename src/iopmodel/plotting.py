"""Plots for notebooks: weekly hours against the rule's band, episode timelines.

matplotlib is an optional extra (``pip install "iopmodel[plot]"``), imported
only when a function runs. Every function returns the matplotlib ``Axes`` so
you can restyle it, and draws on the ``ax`` you pass if you pass one.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Any

from iopmodel.errors import MissingExtraError
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.rules import DEFAULT_RULES, RuleSet, Subject

if TYPE_CHECKING:
    from collections.abc import Sequence

    from iopmodel.episodes import Episode
    from iopmodel.measures import Measure
    from iopmodel.simulation import SimulationResult

__all__ = [
    "plot_episode",
    "plot_measures",
    "plot_wait_vs_capacity",
    "plot_weekly_hours",
]


def _pyplot() -> Any:
    try:
        return importlib.import_module("matplotlib.pyplot")  # optional extra
    except ImportError:
        raise MissingExtraError("plot", "matplotlib") from None


def plot_weekly_hours(
    target: Program | TreatmentPlan,
    rules: RuleSet = DEFAULT_RULES,
    *,
    as_of: dt.date | None = None,
    ax: Any = None,
) -> Any:
    """Bars of weekly scheduled (and attended) hours, with the rule's band shaded.

    The band is the HRS001 band of *rules* for the program's population, labelled
    with its source. Partial weeks are drawn lighter.

    Args:
        target: A program (its typical week) or a plan (every week).
        rules: The rule set whose band is shaded.
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
        >>> ax.get_ylabel()
        'hours per week'
    """
    plt = _pyplot()
    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    subject = Subject.of(target, rules, as_of=as_of)
    cycle = subject.cycle
    if cycle is None:
        weeks = subject.weeks
        labels = [f"{w.start:%m-%d}" for w in weeks]
    else:  # a design: every week of an exact cycle, else each distinct week
        weeks = cycle.weeks if cycle.exact else subject.weeks
        labels = [f"week {cycle.position(w)}" for w in weeks]
    positions = list(range(len(weeks)))
    scheduled = [float(w.scheduled_hours) for w in weeks]
    alphas = [1.0 if w.full else 0.45 for w in weeks]
    bars = ax.bar(positions, scheduled, color="#4c78a8", label="scheduled")
    for bar, alpha in zip(bars, alphas, strict=True):
        bar.set_alpha(alpha)
    recorded = [
        (position, float(w.attended_hours))
        for position, w in zip(positions, weeks, strict=True)
        if subject.target == "plan" and not w.pending_sessions and w.scheduled_minutes
    ]
    if recorded:  # attendance only where every outcome is recorded
        xs, ys = zip(*recorded, strict=True)
        ax.plot(xs, ys, "o", color="#e45756", label="attended")
    level, population = subject.level, subject.population
    band = (
        None
        if level is None or population is None
        else rules.standard.band(level, population)
    )
    if band is not None:
        top = (
            float(band.maximum)
            if band.maximum is not None
            else max([*scheduled, 0]) + 5
        )
        ax.axhspan(float(band.minimum), top, color="#54a24b", alpha=0.15,
                   label=f"{band} ({band.minimum_source.short})")  # fmt: skip
    ax.set_xticks(positions, labels, rotation=45 if len(weeks) > 6 else 0)
    ax.set_ylabel("hours per week")
    ax.set_title(subject.name)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize="small",
              frameon=False)  # fmt: skip
    if created:
        ax.figure.tight_layout()
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
    plt = _pyplot()
    mdates: Any = importlib.import_module("matplotlib.dates")  # untyped helpers

    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 2.8))
    levels = sorted({p.level for p in episode.placements})
    rows = {level: index for index, level in enumerate(levels)}
    colours = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2")
    for placement in episode.placements:
        end = placement.end or as_of
        if end is None:
            continue
        start_num = mdates.date2num(placement.start)
        width = mdates.date2num(end) - start_num
        row = rows[placement.level]
        ax.broken_barh([(start_num, width)], (row - 0.4, 0.8),
                       color=colours[row % len(colours)])  # fmt: skip
        ax.text(start_num + width / 2, row, f"{(end - placement.start).days} d",
                ha="center", va="center", color="white", fontsize="small")  # fmt: skip
    labels = [level.label for level in rows]
    # concurrent services run beside the level: one thinner row each, on top
    services = list(dict.fromkeys(item.service for item in episode.services))
    for service in services:
        row = len(labels)
        labels.append(f"+ {service.label}")
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
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.set_title(f"Episode {episode.patient_id}: levels of care")
    if created:
        ax.figure.autofmt_xdate()
        ax.figure.tight_layout()
    return ax


def plot_wait_vs_capacity(
    results: Sequence[SimulationResult],
    *,
    measure: str = "median_wait_days",
    target_days: float | None = None,
    ax: Any = None,
) -> Any:
    """Waits (mean over replications, with 95 % intervals) against total slots.

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
    plt = _pyplot()
    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    points = sorted(
        (result.scenario.capacity or 0, result.summary()[measure]) for result in results
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
    ax.errorbar(xs, means, yerr=[lows, highs], marker="o", capsize=3, color="#4c78a8")
    if target_days is not None:
        ax.axhline(
            target_days, color="#e45756", linestyle="--", label=f"{target_days:g} days"
        )
        ax.legend(fontsize="small", frameon=False)
    ax.set_xlabel("slots")
    ax.set_ylabel(measure.replace("_", " "))
    ax.set_title("Wait for a slot against capacity")
    if created:
        ax.figure.tight_layout()
    return ax


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
    from iopmodel.measures import instrument as lookup  # noqa: PLC0415

    known = lookup(instrument)
    measures = record.measures if isinstance(record, TreatmentPlan) else tuple(record)
    points = sorted((m.on, m.total) for m in measures if m.instrument == instrument)
    plt = _pyplot()
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
    return ax
