"""Every plot compared, pixel by pixel, with a stored baseline image.

The figures are drawn with the Agg backend, a fixed font (DejaVu Sans, which
matplotlib ships), fixed sizes and a fixed resolution, then compared with
``tests/baseline_images/*.png`` by
:func:`matplotlib.testing.compare.compare_images` with a small tolerance (RMS
of the pixel difference), so anti-aliasing differences pass and a moved line,
a lost label or a changed colour fails. After an intended change, regenerate
the baselines and look at them before committing::

    IOPMODEL_UPDATE_BASELINES=1 python -m pytest tests/test_plot_images.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import matplotlib as mpl
import pytest

mpl.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.testing.compare import compare_images

from iopmodel import (
    AftercarePlan,
    Attendance,
    DischargeReason,
    Episode,
    LevelOfCare,
    TreatmentPlan,
)
from iopmodel.examples import adolescent_iop, evening_iop
from iopmodel.measures import Measure
from iopmodel.plotting import (
    plot_episode,
    plot_measures,
    plot_wait_vs_capacity,
    plot_weekly_hours,
)
from iopmodel.simulation import Scenario, sweep

BASELINES = Path(__file__).parent / "baseline_images"
TOLERANCE = 2.0  # RMS, in 0-255 grey levels
STYLE: Any = {  # rcParams (matplotlib types its keys as literals)
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "figure.dpi": 100,
    "savefig.dpi": 80,
    "axes.unicode_minus": True,
}


def plan_with_outcomes() -> TreatmentPlan:
    plan = TreatmentPlan.from_program(
        evening_iop(), patient_id="p-0001", start=dt.date(2026, 3, 2), days=90
    )
    plan = plan.cancel_session(plan.sessions[5]).cancel_session(plan.sessions[6])
    for session in plan.sessions[:12]:
        if session.attendance is Attendance.CANCELLED:
            continue
        absent = session.start.date() in {dt.date(2026, 3, 4), dt.date(2026, 3, 19)}
        plan = plan.record_attendance(
            session, Attendance.ABSENT if absent else Attendance.ATTENDED
        )
    return plan


def weekly_hours_plan() -> Any:
    return plot_weekly_hours(plan_with_outcomes())


def weekly_hours_design() -> Any:
    program = adolescent_iop()
    return plot_weekly_hours(program)


def episode_timeline() -> Any:
    episode = (
        Episode(patient_id="p-0107")
        .admit(
            LevelOfCare.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT,
            on=dt.date(2026, 2, 25),
        )
        .step_down(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
        .step_down(LevelOfCare.OUTPATIENT, on=dt.date(2026, 4, 16))
        .discharge(
            dt.date(2026, 6, 1),
            DischargeReason.GOALS_MET,
            aftercare=AftercarePlan(level=LevelOfCare.OUTPATIENT),
        )
    )
    return plot_episode(episode)


def wait_vs_capacity() -> Any:
    base = Scenario(
        programs=[evening_iop()], referrals_per_week=3, horizon_days=200, warmup_days=30
    )
    designs = [
        attrs.evolve(base, programs=[attrs.evolve(evening_iop(), capacity=c)])
        for c in (8, 10, 12)
    ]
    return plot_wait_vs_capacity(sweep(designs, replications=3, seed=7), target_days=14)


def measures_over_time() -> Any:
    scores = [
        Measure(
            instrument="phq-9", on=dt.date(2026, 3, 2) + dt.timedelta(weeks=w), total=t
        )
        for w, t in enumerate([19, 16, 12, 14, 9, 7])
    ]
    return plot_measures(scores, "phq-9")


PLOTS: dict[str, Callable[[], Any]] = {
    "weekly_hours_plan": weekly_hours_plan,
    "weekly_hours_design": weekly_hours_design,
    "episode_timeline": episode_timeline,
    "wait_vs_capacity": wait_vs_capacity,
    "measures_over_time": measures_over_time,
}


@pytest.mark.parametrize("name", list(PLOTS))
def test_plot_matches_baseline(name: str, tmp_path: Path) -> None:
    """The plot looks like its stored baseline."""
    with mpl.rc_context(STYLE):
        ax = PLOTS[name]()
        actual = tmp_path / f"{name}.png"
        ax.figure.savefig(actual, metadata={"Software": None})
        plt.close(ax.figure)
    expected = BASELINES / f"{name}.png"
    if os.environ.get("IOPMODEL_UPDATE_BASELINES"):
        shutil.copyfile(actual, expected)
    assert expected.exists(), f"no baseline {expected}; see this module's docstring"
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None


def test_a_changed_plot_fails(tmp_path: Path) -> None:
    """The comparison is sensitive: a moved bound line does not pass."""
    with mpl.rc_context(STYLE):
        ax = weekly_hours_plan()
        ax.lines[0].set_ydata([12, 12])
        actual = tmp_path / "weekly_hours_plan.png"
        ax.figure.savefig(actual, metadata={"Software": None})
        plt.close(ax.figure)
    result = compare_images(
        str(BASELINES / "weekly_hours_plan.png"), str(actual), tol=TOLERANCE
    )
    assert result is not None
