"""The notebook experience: rich HTML, DataFrames and plots; light imports."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import matplotlib as mpl
import pytest

mpl.use("Agg")
import matplotlib.pyplot as plt

from iopmodel import (
    MEDICARE_2024_RULES,
    AftercarePlan,
    Attendance,
    DischargeReason,
    Episode,
    LevelOfCare,
    TreatmentPlan,
    validate,
)
from iopmodel.errors import MissingExtraError
from iopmodel.examples import adolescent_iop, evening_iop
from iopmodel.plotting import plot_episode, plot_weekly_hours
from iopmodel.services import Service
from iopmodel.tables import sessions_frame, weeks_frame
from iopmodel.weeks import summarize_weeks

NOTEBOOK = Path(__file__).parent.parent / "examples" / "compare_designs.ipynb"
MONDAY = dt.date(2026, 3, 2)


def short_plan() -> TreatmentPlan:
    plan = TreatmentPlan.from_program(
        evening_iop(), patient_id="p<1>", start=MONDAY, days=28
    )
    return plan.cancel_session(plan.sessions[4]).cancel_session(plan.sessions[6])


def pathway() -> Episode:
    return (
        Episode(patient_id="p-7")
        .admit(LevelOfCare.RESIDENTIAL_WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 2, 25))
        .step_down(LevelOfCare.INTENSIVE_OUTPATIENT, on=MONDAY)
        .step_down(LevelOfCare.OUTPATIENT, on=dt.date(2026, 4, 16))
        .discharge(
            dt.date(2026, 6, 1),
            DischargeReason.GOALS_MET,
            aftercare=AftercarePlan(level=LevelOfCare.OUTPATIENT),
        )
    )


def with_services() -> Episode:
    return (
        Episode(patient_id="p-8")
        .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=MONDAY)
        .start_service(Service.WITHDRAWAL_MANAGEMENT, on=MONDAY,
                       level=LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT)
        .hold(on=dt.date(2026, 3, 20), reason="family <emergency>")
        .discharge(dt.date(2026, 3, 20), DischargeReason.LOST_CONTACT)
    )  # fmt: skip


class TestHtml:
    def test_episode_services_and_holds(self) -> None:
        """Concurrent services and holds are listed under the timeline, escaped."""
        text = with_services()._repr_html_()
        assert "+ Withdrawal management (Ambulatory withdrawal management)" in text
        assert "on hold: 2026-03-20" in text
        assert "family &lt;emergency&gt;" in text
        same_day = (
            Episode(patient_id="q")
            .admit(LevelOfCare.OUTPATIENT, on=MONDAY)
            .discharge(MONDAY, DischargeReason.MOVED)
        )
        assert "Outpatient (0 d)" in same_day._repr_html_()

    def test_program_grid(self) -> None:
        """A program renders as a Mon-Sun grid with its sessions and hours."""
        text = evening_iop()._repr_html_()
        assert text.count("<th ") == 7
        assert "18:00&ndash;21:00" in text
        assert "<b>10 h</b> a week" in text

    def test_report_coloured_by_severity(self) -> None:
        """Findings are rows coloured by severity, errors first."""
        plan = short_plan()
        absent = [s for s in plan.sessions if s.start.date() < MONDAY + dt.timedelta(7)]
        for session in absent:  # a whole week recorded as missed: HRS002 warns
            plan = plan.record_attendance(session, Attendance.ABSENT)
        report = validate(plan)
        assert {f.severity.value for f in report} >= {"error", "warning"}
        text = report._repr_html_()
        assert "NOT OK" in text
        assert text.index("#fde2e2") < text.index("#fff4ce")  # error row before warning
        assert "HRS001" in text

    def test_plan_and_escaping(self) -> None:
        """Plans show weekly hours; every value is HTML-escaped."""
        text = short_plan()._repr_html_()
        assert "p&lt;1&gt;" in text
        assert "<td" in text
        assert "4" in text  # the short week

    def test_episode_timeline(self) -> None:
        """An episode renders as a proportional timeline."""
        text = pathway()._repr_html_()
        assert "display:flex" in text
        assert "Intensive outpatient (45 d)" in text
        assert Episode(patient_id="q")._repr_html_().endswith("not admitted</div>")

    def test_plain_repr_stays_short(self) -> None:
        """Plain reprs are one line."""
        for obj in (evening_iop(), short_plan(), pathway(), validate(short_plan())):
            assert "\n" not in repr(obj)
            assert len(repr(obj)) < 200


class TestTables:
    def test_sessions(self) -> None:
        """A plan's sessions as a DataFrame, local days in the program's zone."""
        frame = short_plan().to_dataframe()
        assert len(frame) == 16
        assert (frame["attendance"] == "cancelled").sum() == 2
        assert set(frame["weekday"]) == {"Mon", "Tue", "Wed", "Thu"}

    def test_findings_and_weeks(self) -> None:
        """Findings have an ordered severity; weeks have float hours."""
        frame = validate(short_plan()).to_dataframe()
        assert frame["severity"].max() == "error"
        plan = short_plan()
        assert plan.planned_discharge is not None
        weeks = weeks_frame(
            summarize_weeks(
                plan.sessions, plan.program.timezone, plan.start, plan.planned_discharge
            )
        )
        assert weeks["scheduled_hours"].tolist()[:2] == [10.0, 4.0]

    def test_episode(self) -> None:
        """An episode's placements as rows."""
        assert pathway().to_dataframe()["days"].tolist() == [5, 45, 46]

    def test_sessions_frame_columns(self) -> None:
        """Column names are stable."""
        frame = sessions_frame(adolescent_iop().cycle().sessions)
        assert list(frame.columns)[:4] == ["start", "end", "local_date", "weekday"]


class TestPlots:
    def test_weekly_hours_band(self) -> None:
        """Bars per week, with the band of the rule set shaded and labelled."""
        ax = plot_weekly_hours(short_plan(), MEDICARE_2024_RULES)
        heights = [patch.get_height() for patch in ax.patches[:5]]
        assert heights[:2] == [10.0, 4.0]
        labels = ax.get_legend_handles_labels()[1]
        assert "9 to under 20 h/week (Medicare IOP 2024)" in labels
        assert "attended" not in labels  # nothing recorded yet
        plan = short_plan()
        for session in plan.sessions[:4]:
            plan = plan.record_attendance(session, Attendance.ATTENDED)
        attended = plot_weekly_hours(plan).get_legend_handles_labels()[1]
        assert "attended" in attended

    def test_draws_on_given_axes(self) -> None:
        """Passing ax draws there and returns it."""
        _, ax = plt.subplots()
        assert plot_weekly_hours(evening_iop(), ax=ax) is ax
        assert plot_episode(pathway(), ax=ax) is ax
        plt.close("all")

    def test_episode_rows(self) -> None:
        """One row per level, labelled."""
        labels = [t.get_text() for t in plot_episode(pathway()).get_yticklabels()]
        assert labels == [
            "Outpatient",
            "Intensive outpatient",
            "Residential withdrawal management",
        ]

    def test_concurrent_services_get_rows(self) -> None:
        """A concurrent service gets its own row above the levels."""
        episode = with_services()
        labels = [t.get_text() for t in plot_episode(episode).get_yticklabels()]
        assert labels[-1] == "+ Withdrawal management"
        plt.close("all")


class TestOptionalExtras:
    def test_missing_pandas(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without pandas, a clear error names the extra to install."""
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(MissingExtraError, match=r"iopmodel\[pandas\]"):
            short_plan().to_dataframe()

    def test_missing_matplotlib(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without matplotlib, a clear error names the extra to install."""
        monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
        with pytest.raises(MissingExtraError, match=r"iopmodel\[plot\]"):
            plot_weekly_hours(evening_iop())


def test_notebook_is_stored_without_outputs() -> None:
    """The example notebook is committed clean; CI executes it."""
    notebook = json.loads(NOTEBOOK.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(
        cell["outputs"] == [] and cell["execution_count"] is None for cell in code
    )
