"""Discrete-event simulation of program designs: capacity, waits, stays, outcomes.

Ask "what if" of a design before running it: how long is the wait for a slot
with 12 places, how many patients reach 90 days in treatment, how often weekly
attended hours fall below the floor when attendance is 85 %. The engine is
`SimPy <https://simpy.readthedocs.io>`_ (the ``simulation`` extra:
``pip install "iopmodel[simulation]"``); the simulated patients follow the
episodes' transition table and their IOP stays are judged by the same rules
(with ``keep_objects=True``, as real :class:`~iopmodel.episodes.Episode` and
:class:`~iopmodel.plans.TreatmentPlan` objects, with the same records).

The model, per replication:

- referrals arrive as a Poisson process (a constant weekly rate, or a
  piecewise-constant one that changes over time);
- each referral joins the program with the most free room (free slots minus
  waiting patients; ties go to the first program) and waits for a slot;
- admitted to IOP, the patient is reviewed weekly: they may leave against
  advice (``dropout_per_week``), or step down to outpatient care with a
  probability that depends on the weeks already spent at IOP
  (``step_down_by_week``); with ``fixed_stay_days`` set instead, every stay
  lasts exactly that long (useful to compare with queueing theory);
- after stepping down, outpatient care lasts ``outpatient_days`` and ends in a
  discharge to aftercare;
- every scheduled session is attended with the probability of its kind; the
  plan of the IOP stay is then validated with the scenario's rule set.

**Warm-up and horizon.** Patients referred during the warm-up occupy slots
but are left out of the records and the summary. Patients still waiting or in
care at the horizon are *censored*: their record says so, their waits and days
in treatment run to the horizon, and they have no discharge.

**Reproducibility.** One explicit seed; every stochastic element (arrivals,
transitions, attendance) has its own :class:`random.Random` stream derived from
the seed, the replication and the stream's name. The same seed gives identical
records; no global random state is touched.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import statistics
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from iopmodel._progress import progress as _progress
from iopmodel._validators import (
    FrozenMapping,
    check_arg,
    instance_of,
    plain_date,
    positive_int,
    to_tuple,
)
from iopmodel.care import LevelOfCare
from iopmodel.episodes import Episode
from iopmodel.errors import InvalidValueError, MissingExtraError
from iopmodel.plans import AftercarePlan, DischargeReason, TreatmentPlan
from iopmodel.programs import MAX_SCHEDULE_DAYS, Program
from iopmodel.rules import ATTENDED_HOURS, DEFAULT_RULES, RuleSet
from iopmodel.rules.batch import _Batch, _Counts, _PlanRun
from iopmodel.sessions import Attendance, Session, SessionKind
from iopmodel.weeks import _WeekArrays

__all__ = [
    "DEFAULT_ATTENDANCE",
    "HorizonWarning",
    "MeasureSummary",
    "PatientRecord",
    "Scenario",
    "SimulationResult",
    "mser5",
    "run",
    "sweep",
]

#: Attendance probability per session kind used when a scenario gives none.
#:
#: :meta hide-value:
DEFAULT_ATTENDANCE: Final[Mapping[SessionKind, float]] = MappingProxyType(
    dict.fromkeys(SessionKind, 0.85)
)
_UNLIMITED: Final = 10**9
_AFTERCARE: Final = AftercarePlan(
    level=LevelOfCare.OUTPATIENT, mutual_support=("AA/NA",)
)
#: Two-sided 95 % Student t quantiles for 1..30 degrees of freedom.
_T95: Final = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def _probability(_instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValueError(attribute.name, value, "must be a probability")
    if not 0 <= value <= 1:
        raise InvalidValueError(attribute.name, value, "must be between 0 and 1")


def _probabilities(_instance: object, attribute: Any, value: Any) -> None:
    for index, item in enumerate(value):
        if not 0 <= item <= 1:
            raise InvalidValueError(
                f"{attribute.name}[{index}]", item, "must be a probability"
            )


def _attendance(value: Mapping[SessionKind, float]) -> Mapping[SessionKind, float]:
    merged = dict(DEFAULT_ATTENDANCE)
    merged.update(value)
    entries: list[tuple[object, object]] = list(merged.items())
    for kind, probability in entries:
        if not isinstance(kind, SessionKind):
            raise InvalidValueError(
                "attendance", kind, "keys must be SessionKind members"
            )
        if (
            isinstance(probability, bool)
            or not isinstance(probability, int | float)
            or not 0 <= probability <= 1
        ):
            raise InvalidValueError(
                f"attendance[{kind.value}]", probability, "must be a probability"
            )
    return FrozenMapping(merged)


def _rates(value: Iterable[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
    return tuple(sorted((int(day), float(rate)) for day, rate in value))


def _programs(value: Iterable[Program]) -> tuple[Program, ...]:
    return to_tuple(value)


def _whole_days(value: object) -> int:
    """*value* as whole days, or -1 when it is not a whole number (bools are not)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return -1
    return value


def _floats(value: Iterable[float]) -> tuple[float, ...]:
    items: tuple[object, ...] = tuple(value)
    for index, item in enumerate(items):
        if (
            isinstance(item, bool)
            or not isinstance(item, int | float)
            or math.isnan(item)
        ):
            raise InvalidValueError(
                f"step_down_by_week[{index}]", item, "must be a probability"
            )
    return tuple(float(item) for item in items)  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class Scenario:
    """A program design under a referral load: everything one simulation needs.

    Args:
        programs: One or more IOP programs; each one's ``capacity`` is its
            number of slots (``None``: unlimited).
        referrals_per_week: Mean referrals a week (a Poisson process).
        rate_changes: Optional ``(day, referrals_per_week)`` pairs: from that
            day of the simulation on, the rate changes (piecewise constant).
        attendance: Probability that a session is attended, per kind
            (unlisted kinds: 0.85).
        step_down_by_week: Probability of stepping down to outpatient at the
            weekly review after week 1, 2, ...; the last value repeats.
        dropout_per_week: Probability of leaving against advice at each
            weekly review.
        fixed_stay_days: If set, every IOP stay lasts exactly this many days
            (no dropout, no hazards).
        outpatient_days: Days of outpatient care after stepping down.
        horizon_days: Length of each replication, in days.
        warmup_days: Days at the start excluded from records and summary, or
            ``"auto"`` (the default): chosen after the run by MSER-5 on the
            number of patients waiting or in care (see :func:`mser5`), with a
            :class:`HorizonWarning` when the horizon is too short to settle.
        start: The calendar day the simulation starts (for real dates).
        rules: The rule set the simulated plans are validated with.

    Raises:
        InvalidValueError: Probabilities outside [0, 1], a warm-up not shorter
            than the horizon, programs that are not IOPs, negative rates.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.simulation import Scenario
        >>> scenario = Scenario(programs=[evening_iop()], referrals_per_week=2.5,
        ...                     horizon_days=365, warmup_days=60)
        >>> scenario.capacity
        12
    """

    programs: tuple[Program, ...] = attrs.field(converter=_programs)
    referrals_per_week: float = attrs.field(converter=float)
    rate_changes: tuple[tuple[int, float], ...] = attrs.field(
        default=(), converter=_rates
    )
    attendance: Mapping[SessionKind, float] = attrs.field(
        factory=dict, converter=_attendance
    )
    step_down_by_week: tuple[float, ...] = attrs.field(
        default=(0.0, 0.0, 0.0, 0.0, 0.1, 0.15, 0.2, 0.25, 0.3),
        converter=_floats,
        validator=_probabilities,
    )
    dropout_per_week: float = attrs.field(default=0.03, validator=_probability)
    fixed_stay_days: int | None = attrs.field(default=None)
    outpatient_days: int = attrs.field(default=60, validator=positive_int)
    horizon_days: int = attrs.field(default=730, validator=positive_int)
    warmup_days: int | Literal["auto"] = attrs.field(default="auto")
    start: dt.date = attrs.field(default=dt.date(2026, 1, 5), validator=plain_date)
    rules: RuleSet = attrs.field(default=DEFAULT_RULES, validator=instance_of(RuleSet))

    def __attrs_post_init__(self) -> None:
        if not self.programs:
            raise InvalidValueError("programs", self.programs, "must not be empty")
        for index, program in enumerate(self.programs):
            if not isinstance(program, Program):
                raise InvalidValueError(
                    f"programs[{index}]", program, "must be a Program"
                )
            if program.level is not LevelOfCare.INTENSIVE_OUTPATIENT:
                raise InvalidValueError(
                    f"programs[{index}].level",
                    program.level.key,
                    "must be intensive_outpatient",
                )
        rates = [self.referrals_per_week, *(rate for _, rate in self.rate_changes)]
        if any(not math.isfinite(rate) or rate < 0 for rate in rates):
            raise InvalidValueError(
                "referrals_per_week", rates, "must be finite and >= 0"
            )
        if self.warmup_days == "auto":
            pass
        elif not 0 <= _whole_days(self.warmup_days) < self.horizon_days:
            raise InvalidValueError(
                "warmup_days",
                self.warmup_days,
                f"must be 'auto' or a whole number of days in [0, {self.horizon_days})",
            )
        if self.fixed_stay_days is not None:
            check_arg(positive_int, "fixed_stay_days", self.fixed_stay_days)
        if not self.step_down_by_week:
            raise InvalidValueError("step_down_by_week", (), "must not be empty")

    @property
    def capacity(self) -> int | None:
        """Total slots, or ``None`` when a program is unlimited."""
        if any(p.capacity is None for p in self.programs):
            return None
        return sum(p.capacity or 0 for p in self.programs)

    def rate_on(self, day: float) -> float:
        """Referrals per week in force on simulation *day*."""
        rate = self.referrals_per_week
        for start, value in self.rate_changes:
            if day >= start:
                rate = value
        return rate


@attrs.frozen(kw_only=True)
class PatientRecord:
    """One simulated patient (one episode), as a tidy record.

    Attributes:
        replication: The replication number (0-based).
        patient: The patient number within the replication.
        program: The program's name.
        referred_day: Simulation day of the referral.
        admitted_day: Simulation day a slot was given (admission is on that
            calendar day), or ``None`` if still waiting.
        wait_days: Days from referral to admission (to the horizon if waiting).
        status: ``"discharged"``, ``"in_care"`` or ``"waiting"`` at the horizon.
        iop_days: Days at IOP.
        days_in_treatment: Days in treatment at every level (to the horizon).
        reached_90_days: Whether the patient had 90 or more days in treatment.
        discharge_reason: Why treatment ended, or ``None``.
        levels: The levels of care, in order, joined by ``>``.
        full_weeks: Full weeks of the IOP plan.
        weeks_within_band: Of those, weeks whose attended hours were inside the
            rule set's band.
        plan_errors: Error findings when the IOP plan was validated.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.simulation import Scenario, run
        >>> result = run(Scenario(programs=[evening_iop()], referrals_per_week=2,
        ...                       horizon_days=200, warmup_days=20), seed=4)
        >>> record = result.records[0]
        >>> record.program, record.levels.split(">")[0]
        ('Evening IOP', 'intensive_outpatient')
    """

    replication: int
    patient: int
    program: str
    referred_day: float
    admitted_day: float | None
    wait_days: float
    status: str
    iop_days: int
    days_in_treatment: int
    reached_90_days: bool
    discharge_reason: str | None
    levels: str
    full_weeks: int
    weeks_within_band: int
    plan_errors: int

    @property
    def share_of_weeks_within_band(self) -> float | None:
        """Share of full IOP weeks inside the band, or ``None`` without full weeks."""
        return None if not self.full_weeks else self.weeks_within_band / self.full_weeks


@attrs.frozen(kw_only=True)
class MeasureSummary:
    """A measure across replications: mean and 95 % confidence interval.

    Example:
        >>> from iopmodel.simulation import MeasureSummary
        >>> m = MeasureSummary.of("wait", [1.0, 2.0, 3.0])
        >>> m.mean, round(m.low, 3), round(m.high, 3)
        (2.0, -0.484, 4.484)
    """

    name: str
    mean: float
    low: float
    high: float
    replications: int

    @classmethod
    def of(cls, name: str, values: Sequence[float]) -> MeasureSummary:
        """Mean and t-based 95 % interval of per-replication *values*."""
        clean = [v for v in values if not math.isnan(v)]
        if not clean:
            return cls(
                name=name, mean=math.nan, low=math.nan, high=math.nan, replications=0
            )
        mean = statistics.fmean(clean)
        if len(clean) < 2:
            return cls(
                name=name, mean=mean, low=math.nan, high=math.nan, replications=1
            )
        df = len(clean) - 1
        quantile = _T95[df - 1] if df <= len(_T95) else 1.96
        half = quantile * statistics.stdev(clean) / math.sqrt(len(clean))
        return cls(
            name=name,
            mean=mean,
            low=mean - half,
            high=mean + half,
            replications=len(clean),
        )

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.mean:.3g} (95% CI {self.low:.3g} to {self.high:.3g})"
        )


@attrs.frozen(kw_only=True)
class SimulationResult:
    """Records of every simulated patient, and per-replication measures.

    Attributes:
        scenario: The scenario simulated.
        seed: The seed used.
        records: One :class:`PatientRecord` per patient referred after warm-up.
        utilisation: Per replication, busy slot-days / available slot-days
            after warm-up (``nan`` with unlimited capacity).
        episodes: The simulated episodes, with ``keep_objects=True``.
        plans: The simulated IOP plans, with ``keep_objects=True``.
        warmup_days: The warm-up used: the scenario's, or the one MSER-5 chose.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.simulation import Scenario, run
        >>> result = run(Scenario(programs=[evening_iop()], referrals_per_week=2,
        ...                       horizon_days=300, warmup_days=60), replications=2, seed=9)
        >>> result.replications, len(result.utilisation)
        (2, 2)
        >>> 0 < result.summary()["utilisation"].mean < 1
        True
    """

    scenario: Scenario
    seed: int
    records: tuple[PatientRecord, ...]
    utilisation: tuple[float, ...]
    episodes: tuple[Episode, ...] = ()
    plans: tuple[TreatmentPlan, ...] = ()
    warmup_days: int = 0

    @property
    def replications(self) -> int:
        """Number of replications."""
        return len(self.utilisation)

    def _per_replication(self, measure: Any) -> list[float]:
        values = []
        for replication in range(self.replications):
            rows = [r for r in self.records if r.replication == replication]
            values.append(measure(rows) if rows else math.nan)
        return values

    def summary(self) -> dict[str, MeasureSummary]:
        """Each measure's mean over replications with a 95 % confidence interval.

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> from iopmodel.simulation import Scenario, run
            >>> result = run(Scenario(programs=[evening_iop()], referrals_per_week=2,
            ...                       horizon_days=200, warmup_days=30), replications=3, seed=7)
            >>> sorted(result.summary())[:3]
            ['mean_wait_days', 'median_wait_days', 'patients']
        """
        return {
            "patients": MeasureSummary.of("patients", self._per_replication(len)),
            "mean_wait_days": MeasureSummary.of(
                "mean_wait_days",
                self._per_replication(
                    lambda rows: statistics.fmean(r.wait_days for r in rows)
                ),
            ),
            "median_wait_days": MeasureSummary.of(
                "median_wait_days",
                self._per_replication(
                    lambda rows: statistics.median(r.wait_days for r in rows)
                ),
            ),
            "share_reaching_90_days": MeasureSummary.of(
                "share_reaching_90_days",
                self._per_replication(
                    lambda rows: statistics.fmean(r.reached_90_days for r in rows)
                ),
            ),
            "share_of_weeks_within_band": MeasureSummary.of(
                "share_of_weeks_within_band", self._per_replication(_band_share)
            ),
            "utilisation": MeasureSummary.of("utilisation", list(self.utilisation)),
        }

    def to_records(self) -> list[dict[str, Any]]:
        """The patient records as plain dicts."""
        return [attrs.asdict(r) for r in self.records]

    def to_dataframe(self) -> Any:
        """The patient records as a pandas DataFrame (``pandas`` extra).

        Example:
            >>> from iopmodel.examples import evening_iop
            >>> from iopmodel.simulation import Scenario, run
            >>> result = run(Scenario(programs=[evening_iop()], referrals_per_week=1,
            ...                       horizon_days=120, warmup_days=10), seed=1)
            >>> "wait_days" in result.to_dataframe().columns
            True
        """
        from iopmodel.tables import _pandas  # noqa: PLC0415

        return _pandas().DataFrame(self.to_records())


def _band_share(rows: Sequence[PatientRecord]) -> float:
    weeks = sum(r.full_weeks for r in rows)
    return math.nan if not weeks else sum(r.weeks_within_band for r in rows) / weeks


def _stream(seed: int, replication: int, name: str) -> random.Random:
    """An independent, reproducible stream (str seeds go through SHA-512)."""
    return random.Random(f"iopmodel:{seed}:{replication}:{name}")  # noqa: S311 - simulation


class HorizonWarning(UserWarning):
    """The horizon is too short for the load: the queue had not settled by its end.

    Raised (as a warning) by :func:`run` with ``warmup_days="auto"`` when
    MSER-5 puts the end of the warm-up in the second half of the horizon, the
    sign (White, 1997) that the output never reached steady state: lengthen
    ``horizon_days``.

    Example:
        >>> from iopmodel.simulation import HorizonWarning
        >>> issubclass(HorizonWarning, UserWarning)
        True
    """


def mser5(series: Sequence[float]) -> int:
    """MSER-5: how many leading observations of *series* to drop as warm-up.

    The Marginal Standard Error Rule (White, 1997; with batches of five,
    White, Cobb and Spratt, 2000), recommended by Hoad, Robinson and Davies
    (2010) among 42 warm-up methods: average the series in batches of 5, and
    drop the ``d`` leading batches that minimize the squared standard error of
    the mean of the rest, ``sum((z - mean)**2) / (k - d)**2``. Only ``d`` up to
    ``k - 5`` batches are considered; a minimum in the second half means the
    series is too short to trust.

    Returns:
        The number of observations to drop (a multiple of 5).

    Example:
        >>> from iopmodel.simulation import mser5
        >>> mser5([0, 2, 4, 6, 8] * 2 + [10] * 40)
        10
        >>> mser5([5.0] * 50)
        0
    """
    batch = 5
    means = [
        statistics.fmean(series[i : i + batch])
        for i in range(0, len(series) - batch + 1, batch)
    ]
    k = len(means)
    if k < 2 * batch:
        return 0
    # suffix sums make every candidate truncation O(1)
    total = total_sq = 0.0
    suffix: list[tuple[float, float]] = [(0.0, 0.0)] * (k + 1)
    for index in range(k - 1, -1, -1):
        total += means[index]
        total_sq += means[index] ** 2
        suffix[index] = (total, total_sq)
    statistics_by_d = []
    for d in range(k - batch + 1):
        n = k - d
        s, sq = suffix[d]
        statistics_by_d.append(max(0.0, sq - s * s / n) / (n * n))
    smallest = min(statistics_by_d)
    # the first d within rounding of the minimum (sums of squares lose digits)
    tolerance = 1e-9 * max(statistics_by_d)
    best_d = next(d for d, v in enumerate(statistics_by_d) if v <= smallest + tolerance)
    return best_d * batch


class _Output:
    """What one replication hands back to :func:`run`."""

    def __init__(self) -> None:
        self.records: list[PatientRecord] = []
        self.busy: list[tuple[float, float]] = []
        self.referrals: list[float] = []
        self.departures: list[float] = []
        self.kept: list[tuple[float, Episode, TreatmentPlan]] = []

    def in_system(self, horizon: int) -> list[int]:
        """Patients waiting or at IOP at the end of each day."""
        arrivals, departures = sorted(self.referrals), sorted(self.departures)
        return [
            bisect.bisect_right(arrivals, day) - bisect.bisect_right(departures, day)
            for day in range(1, horizon + 1)
        ]

    def utilisation(self, capacity: int | None, warmup: int, horizon: int) -> float:
        if capacity is None:
            return math.nan
        busy = sum(max(0.0, end - max(start, warmup)) for start, end in self.busy)
        return busy / (capacity * (horizon - warmup))


class _Sliced:
    """A program's sessions over a whole replication, expanded once, sliced per patient.

    Only when every template is :attr:`~iopmodel.schedules.SessionTemplate.start_independent`;
    otherwise each patient's window is expanded on its own, as
    :meth:`~iopmodel.programs.Program.schedule` would.

    With *rules* given, it also keeps day-by-day prefix sums of the schedule as
    those rules count it (the kinds and delivery modes of their standard, weeks
    from their week start), so a patient's weekly scheduled and excluded
    minutes, session counts and visit days are sums over days (week
    granularity), and only attendance is drawn session by session, with the
    chance *attendance* gives each kind.
    """

    def __init__(
        self,
        program: Program,
        first_day: dt.date,
        days: int,
        rules: RuleSet | None = None,
        attendance: Mapping[SessionKind, float] = DEFAULT_ATTENDANCE,
    ) -> None:
        self.program = program
        self.sliced = days <= MAX_SCHEDULE_DAYS and all(
            t.start_independent for t in program.templates
        )
        self.sessions: tuple[Session, ...] = ()
        self.ordinals: list[int] = []
        self.first = first_day.toordinal()
        #: Whether the day sums are kept (:meth:`weeks` may be asked).
        self.summed = rules is not None and self.sliced
        if self.sliced:
            end = first_day + dt.timedelta(days=days)
            self.sessions = program.schedule(first_day, end)
            self.ordinals = [s.start.toordinal() for s in self.sessions]
            if rules is not None:
                self._prefix(days, rules, attendance)

    def _prefix(
        self, days: int, rules: RuleSet, attendance: Mapping[SessionKind, float]
    ) -> None:
        counted = rules.counted_kinds
        deliveries = rules.standard.counted_deliveries
        kinds = list(SessionKind)
        minutes, excluded, visited = [0] * days, [0] * days, [0] * days
        counts = [[0] * days for _ in kinds]
        # minutes of each session toward program hours (0: it does not count)
        self.session_minutes = []
        for session, ordinal in zip(self.sessions, self.ordinals, strict=True):
            day = ordinal - self.first
            counts[kinds.index(session.kind)][day] += 1
            if session.kind in counted and session.delivery in deliveries:
                minutes[day] += session.minutes
                visited[day] = 1
                self.session_minutes.append(session.minutes)
            else:
                excluded[day] += session.minutes
                self.session_minutes.append(0)
        # a schedule that repeats every week makes the same weeks of every
        # window of one weekday and length (checked day by day, not assumed)
        self.periodic = all(
            day[7:] == day[:-7] for day in (minutes, excluded, visited, *counts)
        )
        self.windows: dict[tuple[int, int], _Window] = {}
        self.minutes = list(itertools.accumulate(minutes, initial=0))
        self.excluded = list(itertools.accumulate(excluded, initial=0))
        self.counts = [
            (kind, list(itertools.accumulate(c, initial=0)))
            for kind, c in enumerate(counts)
            if any(c)
        ]
        self.kinds = len(kinds)
        self.visits = list(itertools.accumulate(visited, initial=0))
        # per session: its chance of being attended, its minutes toward program
        # hours and its week (weeks start on the rules' week start)
        self.week_start = rules.week_start
        weekday = (self.first + 6) % 7  # date.fromordinal(first).weekday()
        self.anchor = self.first - (weekday - self.week_start) % 7
        self.drawn = [
            (attendance[s.kind], minutes, (o - self.anchor) // 7)
            for s, minutes, o in zip(
                self.sessions, self.session_minutes, self.ordinals, strict=True
            )
        ]

    def between(self, start: int, end: int) -> tuple[Session, ...]:
        """The program's sessions on ordinal days in ``[start, end)``."""
        if not self.sliced:
            return self.program.schedule(
                dt.date.fromordinal(start), dt.date.fromordinal(end)
            )
        low, high = self.bounds(start, end)
        return self.sessions[low:high]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Index range of the sessions on ordinal days in ``[start, end)``."""
        low = bisect.bisect_left(self.ordinals, start)
        return low, bisect.bisect_left(self.ordinals, end, low)

    def window(self, first_o: int, end_o: int) -> _Window:
        """The scheduled side of a plan over ordinal days ``[first_o, end_o]``.

        Made once per window, or, when the schedule repeats every week over
        the whole replication, once per weekday and length of the window.
        """
        key = (
            ((first_o - self.first) % 7, end_o - first_o)
            if self.periodic
            else (first_o, end_o)
        )
        window = self.windows.get(key)
        if window is None:
            window = self.windows[key] = self._window(first_o, end_o)
        return window

    def _window(self, first_o: int, end_o: int) -> _Window:
        weekday = (first_o + 6) % 7  # date.fromordinal(first_o).weekday()
        base = first_o - (weekday - self.week_start) % 7
        count = (end_o - base) // 7 + 1
        offset = self.first
        # each week's days [low, high) in the schedule: the window cuts the ends
        edges = [
            first_o - offset,
            *range(base + 7 - offset, base + 7 * count - offset, 7),
            end_o - offset,
        ]
        days = list(itertools.pairwise(edges))
        prefix = self.minutes
        scheduled = [prefix[high] - prefix[low] for low, high in days]
        prefix = self.excluded
        excluded = [prefix[high] - prefix[low] for low, high in days]
        prefix = self.visits
        visits = [prefix[high] - prefix[low] for low, high in days]
        kinds = self.kinds
        session_counts = [0] * (count * kinds)
        for kind, prefix in self.counts:
            session_counts[kind::kinds] = [
                prefix[high] - prefix[low] for low, high in days
            ]
        return _Window(
            lead=first_o - base,
            scheduled=scheduled,
            excluded=excluded,
            pending=[0] * count,
            session_counts=session_counts,
            visits=visits,
        )

    def weeks(
        self,
        window: _Window,
        first_o: int,
        end_o: int,
        *,
        draw: Callable[[], float],
    ) -> _WeekArrays:
        """The weekly columns of a plan over ordinal days ``[first_o, end_o]``.

        The plan's sessions are those on days in ``[first_o, end_o)``; each is
        attended when ``draw()`` is below the chance of its kind, drawn in
        schedule order (as the object path draws them). The other columns are
        the *window*'s (shared: never changed).
        """
        shift = (first_o - window.lead - self.anchor) // 7  # the plan's first week
        attended = [0] * len(window.scheduled)
        low, high = self.bounds(first_o, end_o)
        for chance, minutes, week in self.drawn[low:high]:
            if draw() < chance:
                attended[week - shift] += minutes
        return _WeekArrays(
            window.scheduled,
            attended,
            window.excluded,
            window.pending,
            window.session_counts,
            window.visits,
        )


@attrs.define(kw_only=True)
class _Window:
    """A plan's weeks as its schedule makes them (all but attendance), made once.

    Attributes:
        lead: Days from the first day of the plan's first week to its start.
        scheduled: Scheduled minutes a week (the columns are those of
            :class:`~iopmodel.weeks._WeekArrays`).
        excluded: Minutes a week that do not count toward program hours.
        pending: Sessions without an outcome a week (none).
        session_counts: Sessions a week per kind.
        visits: Visit days a week.
        inside: Days of each week inside the window, once known.
        full: Indices of the full weeks, once known.
        counted: What the weekly rules that read only the schedule
            (:attr:`~iopmodel.rules.batch._Tally.scheduled`) count of these
            weeks, once asked.
    """

    lead: int
    scheduled: list[int]
    excluded: list[int]
    pending: list[int]
    session_counts: list[int]
    visits: list[int]
    inside: list[int] | None = None
    full: list[int] = attrs.field(factory=list)
    counted: _Counts | None = None


class _Replication:
    """One replication's state and SimPy processes."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int,
        *,
        keep: bool = False,
        warmup: int | None = None,
    ) -> None:
        try:
            import simpy  # noqa: PLC0415 - optional extra
        except ImportError:
            raise MissingExtraError("simulation", "simpy") from None
        self.scenario = scenario
        self.replication = replication
        self.env = simpy.Environment()
        self.arrivals = _stream(seed, replication, "arrivals")
        self.transitions = _stream(seed, replication, "transitions")
        self.attendance = _stream(seed, replication, "attendance")
        self.slots = [
            simpy.Resource(self.env, capacity=p.capacity or _UNLIMITED)
            for p in scenario.programs
        ]
        # patients referred before *cut* are not recorded (known warm-up)
        self.cut = 0 if warmup is None else warmup
        self.output = _Output()
        self.open: dict[int, _Open] = {}
        self.count = 0
        self.keep = keep
        self.batch = _Batch(scenario.rules, None)
        self.schedules: list[_Sliced] | None = None
        #: (program, days at IOP, left) -> errors of the rules that read the plan
        self.plan_errors: dict[tuple[int, int, bool], int] = {}
        self.chance = {id(k): p for k, p in scenario.attendance.items()}
        self.floor = scenario.rules.standard.minimum_total_days.value
        self.first = scenario.start.toordinal()

    def run(self) -> _Output:
        scenario = self.scenario
        self.env.process(self._referrals())
        self.env.run(until=scenario.horizon_days)
        self._censor()
        self.output.records.sort(key=lambda r: r.patient)
        return self.output

    def _referrals(self) -> Any:
        scenario = self.scenario
        peak = max(
            [scenario.referrals_per_week, *(r for _, r in scenario.rate_changes)]
        )
        if peak <= 0:
            return
        while True:
            # Thinning: candidate arrivals at the peak rate, kept with rate/peak.
            yield self.env.timeout(self.arrivals.expovariate(peak / 7))
            if self.arrivals.random() * peak <= scenario.rate_on(self.env.now):
                self.count += 1
                self.env.process(self._patient(self.count))

    def _choose(self) -> int:
        if len(self.slots) == 1:
            return 0

        def room(index: int) -> int:
            slot = self.slots[index]
            return int(slot.capacity) - slot.count - len(slot.queue)

        return max(range(len(self.slots)), key=lambda i: (room(i), -i))

    def _patient(self, number: int) -> Any:
        env, output = self.env, self.output
        index = self._choose()
        state = _Open(referred=env.now, program=index)
        self.open[number] = state
        output.referrals.append(env.now)
        request = self.slots[index].request()
        yield request
        state.admitted = env.now
        scenario = self.scenario
        if scenario.fixed_stay_days is not None:
            yield env.timeout(scenario.fixed_stay_days)
            state.iop_days = scenario.fixed_stay_days
        else:  # weekly reviews at IOP
            review = self.transitions.random
            dropout, hazards = scenario.dropout_per_week, scenario.step_down_by_week
            last = len(hazards) - 1
            week = 0
            while True:
                yield env.timeout(7)
                week += 1
                if review() < dropout:
                    state.left = True
                    break
                if review() < hazards[min(week - 1, last)]:
                    break
            state.iop_days = 7 * week
        output.busy.append((state.admitted, env.now))
        output.departures.append(env.now)
        self.slots[index].release(request)
        del self.open[number]
        if state.referred >= self.cut:
            self._record(number, state, finished=True)

    def _censor(self) -> None:
        """Record the patients still waiting or at IOP when the horizon comes."""
        horizon = self.scenario.horizon_days
        for number, state in sorted(self.open.items()):
            if state.admitted is not None:
                self.output.busy.append((state.admitted, horizon))
            if state.referred >= self.cut:
                self._record(number, state, finished=False)

    def _record(self, number: int, state: _Open, *, finished: bool) -> None:
        scenario = self.scenario
        horizon = scenario.horizon_days
        program = scenario.programs[state.program]
        if state.admitted is None:  # still waiting at the horizon
            self.output.records.append(
                PatientRecord(
                    replication=self.replication,
                    patient=number,
                    program=program.name,
                    referred_day=state.referred,
                    admitted_day=None,
                    wait_days=horizon - state.referred,
                    status="waiting",
                    iop_days=0,
                    days_in_treatment=0,
                    reached_90_days=False,
                    discharge_reason=None,
                    levels="",
                    full_weeks=0,
                    weeks_within_band=0,
                    plan_errors=0,
                )
            )
            return
        admit_day = math.floor(state.admitted)
        iop_days = state.iop_days if finished else max(1, horizon - admit_day)
        reason: DischargeReason | None = None
        stepped_down = False
        if not finished:
            status, days = "in_care", horizon - admit_day
        elif state.left:
            reason = DischargeReason.AGAINST_ADVICE
            status, days = "discharged", iop_days
        else:
            stepped_down = True
            discharge_day = admit_day + iop_days + scenario.outpatient_days
            if discharge_day > horizon:
                status, days = "in_care", horizon - admit_day
            else:
                reason = DischargeReason.GOALS_MET
                status, days = "discharged", discharge_day - admit_day
        if self.keep:
            plan = self._objects(
                f"r{self.replication}-p{number}",
                state,
                scenario.start + dt.timedelta(days=admit_day),
                iop_days=iop_days,
                reason=reason,
                stepped_down=stepped_down,
            )
            full, within, errors = _judged(self.batch.run(plan))
        else:
            full, within, errors = self._light(
                number, state, admit_day, iop_days, finished=finished
            )
        levels = _IOP_ONLY if not stepped_down else _STEPPED_DOWN
        self.output.records.append(
            PatientRecord(
                replication=self.replication,
                patient=number,
                program=program.name,
                referred_day=state.referred,
                admitted_day=state.admitted,
                wait_days=state.admitted - state.referred,
                status=status,
                iop_days=iop_days,
                days_in_treatment=days,
                reached_90_days=days >= self.floor,
                discharge_reason=None if reason is None else reason.value,
                levels=levels,
                full_weeks=full,
                weeks_within_band=within,
                plan_errors=errors,
            )
        )

    def _sliced(self, index: int) -> _Sliced:
        """Program *index*'s schedule over the replication, expanded on first use."""
        if self.schedules is None:
            scenario = self.scenario
            span = scenario.horizon_days + 8  # a stay ends by the day after the horizon
            self.schedules = [
                _Sliced(
                    p,
                    scenario.start,
                    span,
                    None if self.batch.needs_sessions(p) else scenario.rules,
                    scenario.attendance,
                )
                for p in scenario.programs
            ]
        return self.schedules[index]

    def _light(
        self,
        number: int,
        state: _Open,
        admit_day: int,
        iop_days: int,
        *,
        finished: bool,
    ) -> tuple[int, int, int]:
        """Full weeks, weeks within the band and errors of the IOP plan, drawn here.

        When the rules need no session objects, the plan's weekly columns come
        from the schedule's day sums and the drawn outcomes; when they can be
        counted (:meth:`~iopmodel.rules.batch._Batch.tally`), no plan is built:
        the weekly rules are screened from the columns, and the rules that read
        the plan (course and record rules, on a plan without a record) are run
        once per program, days at IOP and way of leaving: they read its dates
        only as differences from its start (a property test checks it).
        Otherwise the plan is built (without session objects when the columns
        are enough) and validated.
        """
        scenario = self.scenario
        program = scenario.programs[state.program]
        schedule = self._sliced(state.program)
        first = self.first + admit_day
        end = first + iop_days
        draw = self.attendance.random
        left = finished and state.left
        if not schedule.summed:
            chance = self.chance
            drawn = self._plan(
                number,
                state,
                first,
                end,
                tuple(
                    _TRUSTED_SESSION(
                        kind=s.kind,
                        start=s.start,
                        duration=s.duration,
                        attendance=_ATTENDED
                        if draw() < chance[id(s.kind)]
                        else _ABSENT,
                        clinician=s.clinician,
                        telehealth=s.telehealth,
                        delivery=s.delivery,
                    )
                    for s in schedule.between(first, end)
                ),
                finished=finished,
            )
            return _judged(self.batch.run(drawn))
        window = schedule.window(first, end)
        arrays = schedule.weeks(window, first, end, draw=draw)
        tally = self.batch.tally(program)
        if tally is None:
            plan = self._plan(number, state, first, end, finished=finished)
            return _judged(self.batch.run(plan, arrays))
        weeks = self.batch.weeks(program, first, end, arrays, window.inside)
        if window.counted is None:  # the first plan of this window
            window.inside = weeks.inside
            window.full = [i for i, days in enumerate(weeks.inside) if days == 7]
            window.counted = weeks.counts(tally.scheduled)
        errors, outside = weeks.counts(tally.attended)
        errors += window.counted.errors
        outside |= window.counted.outside
        full = window.full
        # every outcome is drawn (no pending week): within is full but outside
        within = len(full) - len(outside.intersection(full))
        key = (state.program, iop_days, left)
        plan_errors = self.plan_errors.get(key)
        if plan_errors is None:
            plan = self._plan(number, state, first, end, finished=finished)
            plan_errors = self.plan_errors[key] = self.batch.run(
                plan, arrays
            ).plan_errors()
        return len(full), within, errors + plan_errors

    def _plan(
        self,
        number: int,
        state: _Open,
        first: int,
        end: int,
        sessions: tuple[Session, ...] = (),
        *,
        finished: bool,
    ) -> TreatmentPlan:
        """The light plan of patient *number* at IOP on ordinal days ``[first, end]``."""
        return _light_plan(
            self.scenario.programs[state.program],
            f"r{self.replication}-p{number}",
            dt.date.fromordinal(first),
            dt.date.fromordinal(end),
            left=finished and state.left,
            sessions=sessions,
        )

    def _objects(
        self,
        patient_id: str,
        state: _Open,
        start: dt.date,
        *,
        iop_days: int,
        reason: DischargeReason | None,
        stepped_down: bool,
    ) -> TreatmentPlan:
        """The real episode and plan, through the public API; kept in the output."""
        scenario = self.scenario
        program = scenario.programs[state.program]
        episode = Episode(patient_id=patient_id).admit(
            program.level, on=start, program=program, reason="referral"
        )
        plan = TreatmentPlan.from_program(program, patient_id=patient_id, start=start,
                                          days=iop_days)  # fmt: skip
        plan = _attend(plan, scenario.attendance, self.attendance)
        iop_end = start + dt.timedelta(days=iop_days)
        if stepped_down:
            episode = episode.step_down(LevelOfCare.OUTPATIENT, on=iop_end)
            if reason is not None:
                episode = episode.discharge(
                    iop_end + dt.timedelta(days=scenario.outpatient_days),
                    reason,
                    aftercare=_AFTERCARE,
                )
        elif reason is not None:
            episode = episode.discharge(iop_end, reason, aftercare=_AFTERCARE)
            plan = plan.with_aftercare(_AFTERCARE).discharge(iop_end, reason)
        self.output.kept.append((state.referred, episode, plan))
        return plan


_ATTENDED: Final = Attendance.ATTENDED
_ABSENT: Final = Attendance.ABSENT
_TRUSTED_SESSION: Final = Session._trusted  # noqa: SLF001 - fields from a validated schedule
_IOP_ONLY: Final = LevelOfCare.INTENSIVE_OUTPATIENT.key
_STEPPED_DOWN: Final = f"{_IOP_ONLY}>{LevelOfCare.OUTPATIENT.key}"


def _light_plan(
    program: Program,
    patient_id: str,
    start: dt.date,
    end: dt.date,
    *,
    left: bool,
    sessions: tuple[Session, ...] = (),
) -> TreatmentPlan:
    """A simulated IOP plan from ``start`` to ``end``, without the episode.

    Discharged against advice (with aftercare) on ``end`` if the patient
    *left*; otherwise planned to end then. *sessions* are the drawn sessions,
    or none when the weekly columns are computed from the schedule.
    """
    return TreatmentPlan._trusted(  # noqa: SLF001 - values the simulation made valid
        patient_id=patient_id,
        program=program,
        start=start,
        planned_discharge=end,
        sessions=sessions,
        aftercare=_AFTERCARE if left else None,
        discharge_date=end if left else None,
        discharge_reason=DischargeReason.AGAINST_ADVICE if left else None,
    )


def _judged(run: _PlanRun) -> tuple[int, int, int]:
    """Full weeks, weeks within the band and errors of a plan, from its report."""
    report = run.report()
    outside = {
        f.week for f in report if f.rule_id == ATTENDED_HOURS.id and f.week is not None
    }
    pending = run.arrays.pending
    full = [index for index, inside in enumerate(run.inside) if inside == 7]
    within = sum(
        1
        for index in full
        if not pending[index] and run.week_start(index) not in outside
    )
    return len(full), within, len(report.errors)


@attrs.define
class _Open:
    """A patient who has not finished IOP yet (mutable simulation state)."""

    referred: float
    program: int
    admitted: float | None = None
    iop_days: int = 0
    left: bool = False


def _attend(
    plan: TreatmentPlan, attendance: Mapping[SessionKind, float], rng: random.Random
) -> TreatmentPlan:
    outcomes = [
        s.with_attendance(
            Attendance.ATTENDED
            if rng.random() < attendance[s.kind]
            else Attendance.ABSENT
        )
        for s in plan.sessions
    ]
    return attrs.evolve(plan, sessions=outcomes)


def run(
    scenario: Scenario,
    replications: int = 1,
    *,
    seed: int,
    keep_objects: bool = False,
    progress: bool = False,
) -> SimulationResult:
    """Simulate *scenario* for *replications* independent replications.

    Patients are light records during the run; each patient's IOP weeks are
    summed from the program's schedule (expanded once per replication) with
    attendance drawn session by session, and the rules' outcomes (errors,
    weeks within the band) are counted from them as
    :func:`~iopmodel.rules.batch.validate_many`'s fused pass would report them.
    With *keep_objects*, every patient is also built as a real
    :class:`~iopmodel.episodes.Episode` and
    :class:`~iopmodel.plans.TreatmentPlan` through the public API; the records
    are the same either way (the same random draws, the same rules).

    Args:
        scenario: The design and load to simulate.
        replications: How many independent replications.
        seed: The seed; the same seed gives identical records.
        keep_objects: Also keep every simulated :class:`~iopmodel.episodes.Episode`
            and :class:`~iopmodel.plans.TreatmentPlan` (slower, uses memory).
        progress: Show a progress bar over replications (``progress`` extra).

    Raises:
        MissingExtraError: If SimPy is not installed.

    Warns:
        HorizonWarning: With ``warmup_days="auto"``, when the horizon is too
            short for the queue to settle.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.simulation import Scenario, run
        >>> scenario = Scenario(programs=[evening_iop()], referrals_per_week=2,
        ...                     horizon_days=365, warmup_days=60)
        >>> a = run(scenario, replications=2, seed=42)
        >>> b = run(scenario, replications=2, seed=42)
        >>> a.records == b.records, a.replications
        (True, 2)
    """
    check_arg(positive_int, "replications", replications)
    check_arg(instance_of(int), "seed", seed)
    explicit = None if scenario.warmup_days == "auto" else int(scenario.warmup_days)
    outputs = [
        _Replication(
            scenario, seed, replication, keep=keep_objects, warmup=explicit
        ).run()
        for replication in _progress(
            range(replications), enabled=progress, desc="replications"
        )
    ]
    horizon = scenario.horizon_days
    warmup = explicit if explicit is not None else _auto_warmup(outputs, horizon)
    kept = [item for o in outputs for item in o.kept if item[0] >= warmup]
    return SimulationResult(
        scenario=scenario,
        seed=seed,
        records=tuple(
            r for o in outputs for r in o.records if r.referred_day >= warmup
        ),
        utilisation=tuple(
            o.utilisation(scenario.capacity, warmup, horizon) for o in outputs
        ),
        episodes=tuple(episode for _, episode, _ in kept),
        plans=tuple(plan for _, _, plan in kept),
        warmup_days=warmup,
    )


def _auto_warmup(outputs: Sequence[_Output], horizon: int) -> int:
    """MSER-5 on the number in the system, averaged over replications (daily)."""
    series = [o.in_system(horizon) for o in outputs]
    mean = [statistics.fmean(day) for day in zip(*series, strict=True)]
    cut = mser5(mean)
    if 2 * cut > horizon:
        warnings.warn(
            f"the queue had not settled by the horizon: MSER-5 puts the warm-up at "
            f"{cut} of {horizon} days; lengthen horizon_days (or give warmup_days)",
            HorizonWarning,
            stacklevel=3,
        )
    return min(cut, horizon - 1)


def sweep(
    scenarios: Sequence[Scenario],
    replications: int = 1,
    *,
    seed: int,
    executor: Executor | None = None,
    progress: bool = False,
) -> list[SimulationResult]:
    """Run several scenarios, on any :class:`concurrent.futures.Executor`.

    A ``ProcessPoolExecutor`` uses the cores of one machine; the executor of a
    Dask cluster (``client.get_executor()``, the ``distributed`` extra) spreads
    the same code over many, with identical results. Without an executor the
    scenarios run one after another. Each scenario gets the same *seed*, so
    designs are compared under common random numbers.

    Args:
        scenarios: The designs to compare.
        replications: Replications of each.
        seed: The seed every scenario uses.
        executor: Where to run them (``None``: here, one after another).
        progress: Show a progress bar over scenarios (``progress`` extra).

    Example:
        >>> import attrs
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.simulation import Scenario, sweep
        >>> base = Scenario(programs=[evening_iop()], referrals_per_week=2,
        ...                 horizon_days=200, warmup_days=30)
        >>> bigger = attrs.evolve(base, programs=[attrs.evolve(evening_iop(), capacity=20)])
        >>> [r.scenario.capacity for r in sweep([base, bigger], seed=3)]
        [12, 20]
    """
    if executor is None:
        return [
            run(s, replications, seed=seed)
            for s in _progress(scenarios, enabled=progress, desc="scenarios")
        ]
    futures = [executor.submit(run, s, replications, seed=seed) for s in scenarios]
    return [
        future.result()
        for future in _progress(
            futures, enabled=progress, total=len(futures), desc="scenarios"
        )
    ]
