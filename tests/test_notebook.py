"""The notebook experience: rich HTML, DataFrames and plots; light imports."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import attrs
import matplotlib as mpl
import pytest

mpl.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.colors import to_hex

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
from iopmodel.plotting import plot_episode, plot_wait_vs_capacity, plot_weekly_hours
from iopmodel.services import Service
from iopmodel.simulation import Scenario, sweep
from iopmodel.standards import MEDICARE_2024_STANDARD
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

    def test_design_findings_name_the_week_of_the_cycle(self) -> None:
        """A design has no dates: its findings name the week of its cycle."""
        program = evening_iop()
        group = attrs.evolve(program.templates[0], rrule="FREQ=WEEKLY;BYDAY=MO,WE")
        report = validate(
            attrs.evolve(program, templates=(group, *program.templates[1:]))
        )
        text = report._repr_html_()
        assert "week 1 of the design&#x27;s cycle" in text
        assert "2024-" not in text
        assert "2001-" not in text
        frame = report.to_dataframe()
        assert frame["week"].isna().all()
        assert set(frame["cycle_week"].dropna()) == {"1"}

    def test_locations_in_plain_words(self) -> None:
        """Document paths read as words: REV001 concerns the plan reviews."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p-9", start=MONDAY, days=120
        )
        report = validate(plan)
        assert any(f.path == "$.reviews" for f in report)
        text = report._repr_html_()
        assert "$.reviews" not in text
        assert ">plan reviews<" in text
        assert ">concerns<" in text

    def test_unrecorded_weeks_are_not_zero(self) -> None:
        """A week with nothing recorded says so, instead of 0 attended hours."""
        plan = short_plan()
        plan = plan.record_attendance(plan.sessions[0], Attendance.ATTENDED)
        text = plan._repr_html_()
        rows = text.split("<tr>")[2:]
        assert "3 (3 not recorded yet)" in rows[0]
        assert "not recorded yet</span>" in rows[2]
        assert all("<th" not in h or "></th>" not in h for h in text.split("<tr>")[1:2])
        assert "partial week (1 of 7 days)" in rows[-1]

    def test_episode_timeline(self) -> None:
        """An episode renders as a proportional timeline."""
        text = pathway()._repr_html_()
        assert "display:flex" in text
        assert "Intensive outpatient (45 d)" in text
        assert "Residential withdrawal management (5 d)" in text
        assert "ellipsis" not in text  # full level names, wrapped
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
    def test_weekly_hours_bars_by_outcome(self) -> None:
        """Each week's bar is split by outcome; cancelled hours sit on top."""
        ax = plot_weekly_hours(short_plan(), MEDICARE_2024_RULES)
        bars = {
            label: [patch.get_height() for patch in container]
            for container, label in zip(
                ax.containers, [c.get_label() for c in ax.containers], strict=True
            )
        }
        # 28 days from a Monday, discharge day included: a last 1-day week.
        assert bars["scheduled, not yet recorded"] == [10.0, 4.0, 10.0, 10.0, 0.0]
        assert bars["cancelled (not counted)"] == [0.0, 6.0, 0.0, 0.0, 0.0]
        cancelled = ax.containers[-1].patches[1]
        assert cancelled.get_y() == 4.0  # stacked on the week's counted hours
        labels = ax.get_legend_handles_labels()[1]
        assert "attended" not in labels  # nothing recorded yet
        assert len(ax.figure.legends) + (ax.get_legend() is not None) == 1

    def test_absent_and_attended_are_marked(self) -> None:
        """Recorded outcomes get their own segments and legend entries."""
        plan = short_plan()
        for session in plan.sessions[:4]:
            outcome = (
                Attendance.ABSENT if session.start.day == 4 else Attendance.ATTENDED
            )
            plan = plan.record_attendance(session, outcome)
        ax = plot_weekly_hours(plan)
        heights = {c.get_label(): c.patches[0].get_height() for c in ax.containers}
        assert heights["attended"] == 7.0
        assert heights["absent or excused"] == 3.0
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend[:2] == ["attended", "absent or excused"]

    def test_every_standard_is_a_labelled_line(self) -> None:
        """Both shipped standards' bands are drawn; a shared bound once, in black."""
        ax = plot_weekly_hours(evening_iop())
        assert [t.get_text().splitlines() for t in ax.texts] == [
            ["≥ 9 h", "default, medicare-2024"],
            ["≤ 20 h default", "< 20 h medicare-2024"],
        ]
        assert [line.get_ydata()[0] for line in ax.lines] == [9.0, 20.0]
        assert ax.lines[0].get_color() == "#000000"
        assert [line.get_linestyle() for line in ax.lines] == ["-", "--"]

    def test_chosen_standards_only(self) -> None:
        """standards= limits the lines; one standard's lines take its colour."""
        ax = plot_weekly_hours(evening_iop(), standards=[MEDICARE_2024_STANDARD])
        assert [t.get_text() for t in ax.texts] == [
            "≥ 9 h\nmedicare-2024",
            "< 20 h\nmedicare-2024",
        ]
        assert {line.get_color() for line in ax.lines} == {"#CC79A7"}

    def test_plan_dates_carry_the_year(self) -> None:
        """A plan's weeks are dated, with the year."""
        ax = plot_weekly_hours(short_plan())
        ax.figure.canvas.draw()
        labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert labels
        assert all(label.endswith("2026") for label in labels)

    def test_design_shows_every_week_of_its_cycle(self) -> None:
        """A two-week cycle is two bars, named as weeks of the cycle."""
        program = evening_iop()
        individual = attrs.evolve(
            program.templates[1], rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
        )
        biweekly = attrs.evolve(program, templates=(program.templates[0], individual))
        ax = plot_weekly_hours(biweekly)
        assert ax.get_xlabel() == "week of the 2-week cycle"
        assert [p.get_height() for p in ax.containers[0].patches] == [10.0, 9.0]

    def test_draws_on_given_axes(self) -> None:
        """Passing ax draws there and returns it."""
        _, ax = plt.subplots()
        assert plot_weekly_hours(evening_iop(), ax=ax) is ax
        assert plot_episode(pathway(), ax=ax) is ax
        plt.close("all")

    def test_episode_rows(self) -> None:
        """One row per level, labelled with the full name (wrapped), level colours."""
        ax = plot_episode(pathway())
        labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
        assert labels == [
            "Outpatient",
            "Intensive outpatient",
            "Residential withdrawal management",
        ]
        colours = [to_hex(bar.get_facecolor()[0]) for bar in ax.collections]
        assert colours == ["#e69f00", "#0072b2", "#009e73"]

    def test_wait_plot_explains_its_intervals(self) -> None:
        """The caption says what the points and the bars are."""
        base = Scenario(
            programs=[evening_iop()], referrals_per_week=3, horizon_days=200,
            warmup_days=30,
        )  # fmt: skip
        designs = [
            attrs.evolve(base, programs=[attrs.evolve(evening_iop(), capacity=c)])
            for c in (10, 14)
        ]
        ax = plot_wait_vs_capacity(sweep(designs, replications=2, seed=3))
        caption = " ".join(t.get_text() for t in ax.texts)
        assert "over 2 replications" in caption
        assert "95 % confidence interval of that mean" in caption
        assert ax.get_ylim()[0] == 0

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
