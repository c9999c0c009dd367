"""Simulation: queueing theory, reproducibility, real episodes and plans."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import warnings
from concurrent.futures import ProcessPoolExecutor

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.test_batch import all_errors

from iopmodel import (
    DEFAULT_RULES,
    MEDICARE_2024_RULES,
    InvalidValueError,
    Move,
    Program,
    SessionKind,
    validate,
)
from iopmodel.episodes import TRANSITIONS, EpisodeStatus
from iopmodel.examples import day_php, evening_iop
from iopmodel.rules.batch import _Batch
from iopmodel.sessions import Attendance, DeliveryMode
from iopmodel.simulation import (
    DEFAULT_ATTENDANCE,
    HorizonWarning,
    MeasureSummary,
    Scenario,
    _light_plan,
    _Sliced,
    mser5,
    run,
    sweep,
)
from iopmodel.strategies import iop_programs, programs
from iopmodel.weeks import _week_arrays

FIXED = Scenario(
    programs=[evening_iop()],  # 12 slots
    referrals_per_week=2.5,
    fixed_stay_days=28,
    horizon_days=730,
    warmup_days=180,
)


class TestQueueingTheory:
    """With fixed stays S and c slots, utilisation is lambda * S / c (Little's law)."""

    def test_utilisation_matches_offered_load(self) -> None:
        """The 95 % interval of utilisation contains lambda * S / c."""
        result = run(FIXED, replications=12, seed=2026)
        expected = (2.5 / 7) * 28 / 12
        utilisation = result.summary()["utilisation"]
        assert utilisation.low <= expected <= utilisation.high
        assert abs(utilisation.mean - expected) < 0.05

    def test_unlimited_capacity_means_no_wait(self) -> None:
        """Without a capacity limit nobody waits."""
        unlimited = attrs.evolve(
            FIXED, programs=[attrs.evolve(evening_iop(), capacity=None)]
        )
        result = run(unlimited, replications=2, seed=1)
        assert result.records
        assert {r.wait_days for r in result.records} == {0.0}
        assert math.isnan(result.utilisation[0])

    def test_more_slots_shorter_waits(self) -> None:
        """Under heavy load, adding slots shortens the mean wait."""
        heavy = attrs.evolve(FIXED, referrals_per_week=3.2)
        bigger = attrs.evolve(
            heavy, programs=[attrs.evolve(evening_iop(), capacity=16)]
        )
        small, large = sweep([heavy, bigger], replications=3, seed=5)
        assert (
            large.summary()["mean_wait_days"].mean
            < small.summary()["mean_wait_days"].mean
        )


class TestReproducibility:
    def test_same_seed_same_records(self) -> None:
        """The same seed gives identical records."""
        scenario = attrs.evolve(FIXED, fixed_stay_days=None, horizon_days=400)
        assert run(scenario, 2, seed=11).records == run(scenario, 2, seed=11).records

    def test_different_seeds_differ(self) -> None:
        """Different seeds give different records."""
        scenario = attrs.evolve(FIXED, fixed_stay_days=None, horizon_days=400)
        assert run(scenario, seed=11).records != run(scenario, seed=12).records

    def test_no_global_random_state(self) -> None:
        """Using the global random module in between changes nothing."""
        scenario = attrs.evolve(FIXED, horizon_days=300)
        first = run(scenario, seed=3).records
        random.seed(0)
        random.random()
        assert run(scenario, seed=3).records == first

    def test_executor_gives_the_same_results(self) -> None:
        """A process pool runs the same code with the same results."""
        scenarios = [
            attrs.evolve(FIXED, horizon_days=300),
            attrs.evolve(FIXED, horizon_days=320),
        ]
        sequential = sweep(scenarios, seed=9)
        with ProcessPoolExecutor(max_workers=2) as pool:
            parallel = sweep(scenarios, seed=9, executor=pool)
        assert [r.records for r in parallel] == [r.records for r in sequential]


class TestProgress:
    def test_bars_only_when_asked_and_the_results_do_not_change(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Replications and sweeps show a bar on stderr with progress=True, else none."""
        scenario = attrs.evolve(FIXED, horizon_days=200)
        quiet = run(scenario, 2, seed=5)
        assert capsys.readouterr().err == ""  # off by default in a library call
        shown = run(scenario, 2, seed=5, progress=True)
        assert "replications" in capsys.readouterr().err
        assert shown.records == quiet.records
        swept = sweep([scenario, scenario], seed=5, progress=True)
        assert "scenarios" in capsys.readouterr().err
        assert [r.records for r in swept] == [
            r.records for r in sweep([scenario, scenario], seed=5)
        ]


class TestModel:
    def scenario(self) -> Scenario:
        return Scenario(
            programs=[evening_iop()],
            referrals_per_week=3,
            horizon_days=365,
            warmup_days=60,
            attendance={SessionKind.GROUP_THERAPY: 0.7},
        )

    def test_episodes_follow_the_transition_table(self) -> None:
        """Every simulated episode is a legal path, and its days add up."""
        result = run(self.scenario(), seed=4, keep_objects=True)
        assert result.episodes
        for episode in result.episodes:
            moves = [p.move for p in episode.placements]
            assert moves[0] is Move.ADMIT
            assert all(
                TRANSITIONS[m].level_change.value in {"any", "lower"} for m in moves
            )
            for before, after in itertools.pairwise(episode.placements):
                assert before.end == after.start
                assert after.level < before.level
            if episode.status is EpisodeStatus.DISCHARGED:
                assert episode.aftercare is not None
                assert episode.total_days() == sum(
                    p.days or 0 for p in episode.placements
                )

    def test_every_plan_is_validated(self) -> None:
        """Each record's error count is its plan's validation result."""
        scenario = self.scenario()
        result = run(scenario, seed=4, keep_objects=True)
        admitted = [r for r in result.records if r.admitted_day is not None]
        assert len(admitted) == len(result.plans)
        by_id = {p.patient_id: p for p in result.plans}
        for record in admitted:
            plan = by_id[f"r0-p{record.patient}"]
            assert record.plan_errors == len(validate(plan, scenario.rules).errors)

    def test_attendance_lowers_weeks_within_band(self) -> None:
        """Lower attendance leaves fewer weeks inside the band."""
        good = attrs.evolve(self.scenario(), attendance=dict.fromkeys(SessionKind, 1.0))
        poor = attrs.evolve(self.scenario(), attendance=dict.fromkeys(SessionKind, 0.6))
        share = [
            run(s, 2, seed=8).summary()["share_of_weeks_within_band"].mean
            for s in (good, poor)
        ]
        assert share[0] == 1.0
        assert share[1] < 0.5

    def test_warmup_and_horizon(self) -> None:
        """Warm-up referrals are excluded; unfinished patients are censored."""
        scenario = attrs.evolve(self.scenario(), referrals_per_week=6)
        result = run(scenario, seed=2)
        assert scenario.warmup_days != "auto"
        assert min(r.referred_day for r in result.records) >= scenario.warmup_days
        statuses = {r.status for r in result.records}
        assert statuses == {"discharged", "in_care", "waiting"}
        for record in result.records:
            if record.status == "waiting":
                assert record.wait_days == pytest.approx(
                    scenario.horizon_days - record.referred_day
                )
                assert record.admitted_day is None

    def test_rate_changes(self) -> None:
        """A piecewise rate: no referrals before day 200, then many."""
        scenario = attrs.evolve(
            self.scenario(), referrals_per_week=0, rate_changes=[(200, 5)]
        )
        result = run(scenario, seed=6)
        assert result.records
        assert min(r.referred_day for r in result.records) >= 200

    def test_dropout_is_against_advice(self) -> None:
        """Patients who leave are discharged against advice, from IOP."""
        scenario = attrs.evolve(self.scenario(), dropout_per_week=0.5)
        reasons = {r.discharge_reason for r in run(scenario, seed=1).records}
        assert "against_advice" in reasons

    def test_summary_and_tables(self) -> None:
        """The summary has every measure with an interval; records make a table."""
        result = run(self.scenario(), replications=3, seed=5)
        summary = result.summary()
        assert set(summary) == {
            "patients", "mean_wait_days", "median_wait_days", "share_reaching_90_days",
            "share_of_weeks_within_band", "utilisation",
        }  # fmt: skip
        assert all(m.replications == 3 for m in summary.values())
        frame = result.to_dataframe()
        assert len(frame) == len(result.records)
        assert str(summary["patients"]).startswith("patients: ")


class TestScenarioInvariants:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"referrals_per_week": -1}, "referrals_per_week"),
            ({"warmup_days": 800}, "warmup_days"),
            ({"dropout_per_week": 1.5}, "dropout_per_week"),
            ({"step_down_by_week": (0.1, 2.0)}, r"step_down_by_week\[1\]"),
            ({"step_down_by_week": ()}, "step_down_by_week"),
            ({"programs": []}, "programs"),
            ({"programs": [day_php()]}, r"programs\[0\]\.level"),
            ({"attendance": {SessionKind.GROUP_THERAPY: 2}}, "attendance"),
            ({"fixed_stay_days": 0}, "fixed_stay_days"),
        ],
    )
    def test_rejects(self, changes: dict[str, object], field: str) -> None:
        """Meaningless scenarios are refused, naming the field."""
        with pytest.raises(InvalidValueError, match=field):
            attrs.evolve(FIXED, **changes)  # type: ignore[arg-type]

    def test_measure_summary(self) -> None:
        """Intervals need two replications; NaNs are ignored."""
        assert math.isnan(MeasureSummary.of("x", [1.0]).low)
        summary = MeasureSummary.of("x", [math.nan, 1.0, 3.0])
        assert summary.mean == 2.0
        assert summary.replications == 2
        # t(0.975, df=1) = 12.706: the interval is mean +/- 12.706 * sd / sqrt(2)
        assert summary.high - summary.mean == pytest.approx(12.706)
        assert summary.low == pytest.approx(2 * summary.mean - summary.high)


def md_c_mean_wait(rate_per_day: float, service_days: float, servers: int) -> float:
    """Exact mean wait of an M/D/c queue, in days.

    The number in system at multiples of the service time D is a Markov chain,
    Q' = max(Q - c, 0) + A with A ~ Poisson(rate * D) (every patient in service
    at t has left by t + D; every waiting one and every arrival is still
    there). Its stationary law is the time-stationary law, so
    E[W] = E[max(Q - c, 0)] / rate (Little's law).
    """
    np = pytest.importorskip("numpy")
    mean = rate_per_day * service_days
    size = 400
    poisson = np.zeros(size)
    poisson[0] = math.exp(-mean)
    for k in range(1, size):
        poisson[k] = poisson[k - 1] * mean / k
    chain = np.zeros((size, size))
    for state in range(size):
        left = max(state - servers, 0)
        chain[state, left:] = poisson[: size - left]
    chain /= chain.sum(axis=1, keepdims=True)  # truncation: the tail is negligible
    # pi (P - I) = 0 with sum(pi) = 1
    system = np.vstack([(chain - np.eye(size)).T, np.ones(size)])
    target = np.zeros(size + 1)
    target[-1] = 1.0
    law = np.linalg.lstsq(system, target, rcond=None)[0]
    waiting = sum(max(state - servers, 0) * float(p) for state, p in enumerate(law))
    return waiting / rate_per_day


class TestWarmup:
    def test_mser5_finds_an_initial_transient(self) -> None:
        """A ramp followed by a plateau is cut at the plateau."""
        series = [float(day) for day in range(50)] + [
            50.0 + (day % 3) for day in range(250)
        ]
        cut = mser5(series)
        assert 40 <= cut <= 60

    def test_default_run_matches_exact_md_c_wait(self) -> None:
        """At rho = 0.9 the default (automatic) warm-up gives the exact M/D/c wait."""
        # capacity 12, 1.8 referrals a week, 42-day stays: rho = 1.8 / 7 * 42 / 12 = 0.9
        exact = md_c_mean_wait(1.8 / 7, 42, 12)
        assert 11 < exact < 12.2  # the 11.6 days
        scenario = Scenario(
            programs=[evening_iop()],
            referrals_per_week=1.8,
            fixed_stay_days=42,
            horizon_days=6 * 365,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = run(scenario, replications=12, seed=13)
        assert result.warmup_days > 90  # the queue settles well after 90 days
        wait = result.summary()["mean_wait_days"]
        assert wait.low <= exact <= wait.high, (wait, exact)

    def test_too_short_horizon_warns(self) -> None:
        """The guide's 730 days at rho = 0.9 is too short: the run says so."""
        scenario = Scenario(
            programs=[evening_iop()],
            referrals_per_week=1.8,
            fixed_stay_days=42,
            horizon_days=730,
        )
        with pytest.warns(HorizonWarning):
            run(scenario, replications=4, seed=13)


class TestFastPath:
    def test_objects_change_nothing(self) -> None:
        """Keeping objects gives the same records as the light run, patient by patient."""
        scenario = Scenario(
            programs=[evening_iop(), attrs.evolve(evening_iop(), name="Second")],
            referrals_per_week=4,
            horizon_days=400,
            warmup_days=30,
            attendance={SessionKind.GROUP_THERAPY: 0.7},
        )
        light = run(scenario, replications=2, seed=21)
        heavy = run(scenario, replications=2, seed=21, keep_objects=True)
        assert light.records == heavy.records
        assert len(heavy.plans) == len(
            [r for r in heavy.records if r.admitted_day is not None]
        )

    def test_sessions_that_do_not_count_stay_out_of_hours(self) -> None:
        """Kinds and delivery modes the standard does not count stay out of the sums.

        Without HRS003 in the set, a mutual-support meeting is summed from the
        schedule, and so is an audio-only group under a standard that counts
        only in-person and video sessions: neither adds to the hours.
        """
        program = evening_iop()
        group, individual = program.templates
        meeting = attrs.evolve(
            group, kind=SessionKind.MUTUAL_SUPPORT, rrule="FREQ=WEEKLY;BYDAY=SA"
        )
        audio = attrs.evolve(
            group, rrule="FREQ=WEEKLY;BYDAY=TH", delivery=DeliveryMode.AUDIO_ONLY
        )
        in_person = attrs.evolve(group, rrule="FREQ=WEEKLY;BYDAY=MO,WE")
        no_audio = DEFAULT_RULES.with_standard(
            attrs.evolve(
                DEFAULT_RULES.standard,
                counted_deliveries=[DeliveryMode.IN_PERSON, DeliveryMode.VIDEO],
            )
        )
        for design, rules in (
            (
                attrs.evolve(program, templates=(*program.templates, meeting)),
                DEFAULT_RULES.without("HRS003"),
            ),
            (attrs.evolve(program, templates=(in_person, audio, individual)), no_audio),
        ):
            scenario = Scenario(
                programs=[design],
                referrals_per_week=3,
                horizon_days=300,
                warmup_days=10,
                rules=rules,
            )
            light = run(scenario, seed=3)
            heavy = run(scenario, seed=3, keep_objects=True)
            assert light.records == heavy.records

    def test_start_anchored_templates_fall_back(self) -> None:
        """A template anchored on its start (every other week) is expanded per patient."""
        program = evening_iop()
        biweekly = attrs.evolve(
            program.templates[0], rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
        )
        design = attrs.evolve(program, templates=(*program.templates, biweekly))
        scenario = Scenario(
            programs=[design], referrals_per_week=2, horizon_days=300, warmup_days=20
        )
        light = run(scenario, seed=5)
        heavy = run(scenario, seed=5, keep_objects=True)
        assert light.records == heavy.records

    @given(
        programs(weekly_only=True),
        st.integers(0, 700),
        st.integers(1, 200),
    )
    def test_sliced_schedule_is_the_schedule(
        self, program: Program, offset: int, days: int
    ) -> None:
        """Slices of one long expansion equal the expansion of each window."""
        assume(all(t.start_independent for t in program.templates))
        first = dt.date(2026, 1, 5)
        sliced = _Sliced(program, first, 1000)
        start = first + dt.timedelta(days=offset)
        end = start + dt.timedelta(days=days)
        assert sliced.between(start.toordinal(), end.toordinal()) == program.schedule(
            start, end
        )


ALL_ERRORS = {
    "default": all_errors(DEFAULT_RULES),
    "medicare": all_errors(MEDICARE_2024_RULES),
}


class TestCounted:
    @pytest.mark.parametrize("name", ["default", "medicare"])
    @given(
        program=iop_programs(),
        first=st.integers(0, 800),
        second=st.integers(0, 800),
        days=st.integers(1, 200),
        left=st.booleans(),
    )
    def test_plan_rules_read_no_date(  # noqa: PLR0917 - the parts of two stays
        self,
        name: str,
        program: Program,
        first: int,
        second: int,
        days: int,
        left: bool,
    ) -> None:
        """Stays alike but for their start get the same errors from plan-level rules.

        A run counts them once per program, days at IOP and way of leaving.
        """
        rules = ALL_ERRORS[name]
        errors = []
        for offset in (first, second):
            start = dt.date(2026, 1, 5) + dt.timedelta(days=offset)
            end = start + dt.timedelta(days=days)
            plan = _light_plan(program, "p", start, end, left=left)
            batch = _Batch(rules, None)
            assert batch.countable(program)
            errors.append(batch.run(plan).plan_errors())
        assert errors[0] == errors[1]


@st.composite
def seasonal_programs(draw: st.DrawFn) -> Program:
    """Programs whose schedule may not repeat every week (BYMONTH, UNTIL)."""
    program = draw(programs(weekly_only=False))
    template = program.templates[0]
    if not template.start_independent:
        return program
    extra = draw(
        st.sampled_from(["", ";BYMONTH=2,3", ";BYMONTH=7", ";UNTIL=20260601T000000Z"])
    )
    seasonal = attrs.evolve(template, rrule=template.rrule + extra)
    return attrs.evolve(program, templates=(*program.templates, seasonal))


class TestWeeklyColumns:
    @given(
        program=seasonal_programs(),
        windows=st.lists(
            st.tuples(st.integers(0, 600), st.integers(1, 150), st.integers(0, 8)),
            min_size=1,
            max_size=4,
        ),
        week_start=st.integers(0, 6),
        seed=st.integers(0, 2**32),
    )
    def test_columns_are_the_plans(
        self,
        program: Program,
        windows: list[tuple[int, int, int]],
        week_start: int,
        seed: int,
    ) -> None:
        """A plan's weekly columns from the schedule's sums are its sessions' own.

        Each window, and the same window some weeks later (a schedule that
        repeats every week shares them), with outcomes drawn as the object path
        draws them.
        """
        assume(all(t.start_independent for t in program.templates))
        rules = DEFAULT_RULES.with_week_start(week_start)
        first = dt.date(2026, 1, 5)
        sliced = _Sliced(program, first, 1000, rules, DEFAULT_ATTENDANCE)
        for offset, days, later in windows:
            for start in (offset, offset + 7 * later):
                first_o = first.toordinal() + start
                end_o = first_o + days
                window = sliced.window(first_o, end_o)
                arrays = sliced.weeks(
                    window, first_o, end_o, draw=random.Random(seed).random
                )
                rng = random.Random(seed)
                drawn = [
                    s.with_attendance(
                        Attendance.ATTENDED
                        if rng.random() < DEFAULT_ATTENDANCE[s.kind]
                        else Attendance.ABSENT
                    )
                    for s in sliced.between(first_o, end_o)
                ]
                base = first_o - ((first_o + 6) % 7 - week_start) % 7
                assert arrays == _week_arrays(
                    drawn,
                    program.timezone,
                    base=base,
                    first_ordinal=first_o,
                    last_ordinal=end_o,
                    counted_kinds=rules.counted_kinds,
                    counted_deliveries=rules.standard.counted_deliveries,
                )
