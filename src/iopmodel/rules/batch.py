"""Batch validation: many plans, one fused pass each, the same findings as validate().

:func:`validate_many` validates a cohort of treatment plans (programs and
episodes too) with a rule set and returns one
:class:`~iopmodel.reports.ValidationReport` per target, equal to what
:func:`~iopmodel.rules.validate` returns for each. It is faster because:

- each plan's sessions are read once, into per-week integer columns (minutes,
  counts, visit days), instead of one :class:`~iopmodel.weeks.WeekSummary` per
  week handed to every rule; a plan whose sessions are exactly its program's
  schedule (the same session objects, as
  :meth:`~iopmodel.plans.TreatmentPlan.from_program` makes it) is not read at
  all: its columns are differences of the program's day sums, shared with
  every plan alike (same weekday, same length, a weekly schedule);
- the weekly rules of the catalogue (HRS001-HRS004, IND001, GRP001, PAT001)
  screen every week with integer comparisons against limits precomputed from
  the standard (:meth:`~iopmodel.standards.HoursBand.minute_limits`); only the
  weeks the screen flags become rows, and only they get a message, made by the
  same function the rule itself uses;
- why a rule does not apply is worked out once per (rule, program), since it
  depends only on the program and the standard;
- the course rules (LEN001, AFT001, REV001, REV002) read the plan, not its
  weeks, and run on a subject without weekly rows, once per set of the plan
  fields they read;
- findings are immutable, so a finding made for one plan is shared by every
  plan that has it.

Rules of your own (and catalogue checks under a precondition of your own) take
the generic path: they get the full :class:`~iopmodel.rules.Subject`, built
once per plan only when such a rule needs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, Final, NamedTuple

import attrs

from iopmodel._progress import progress as _progress
from iopmodel._validators import check_arg, instance_of, optional_plain_date
from iopmodel.episodes import Episode
from iopmodel.errors import InvalidTypeError
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program, _sliceable
from iopmodel.reports import Finding, Severity, SkippedRule, ValidationReport
from iopmodel.rules.course import (
    _recertification_applies,
    check_aftercare,
    check_minimum_length,
    check_recertification,
    check_review_cadence,
)
from iopmodel.rules.engine import (
    Observation,
    Rule,
    RuleSet,
    Subject,
    _week_label,
    validate,
)
from iopmodel.rules.hours import (
    _level_band_applies,
    _step_down_allowed,
    check_excluded_hours,
    check_weekly_hours,
    weekly_hours_observations,
)
from iopmodel.rules.mix import (
    check_visit_pattern,
    check_weekly_sessions,
    visit_pattern_observations,
    weekly_sessions_observations,
)
from iopmodel.rules.record import (
    _PROGRAM_ONLY,
    _READS_SESSIONS,
    _RECORD_CHECKS,
    _RECORD_PRECONDITIONS,
)
from iopmodel.schedules import MAX_SCHEDULE_DAYS
from iopmodel.sessions import SessionKind
from iopmodel.sources import Citation
from iopmodel.weeks import WeekSummary, _DayColumns, _week_arrays, _WeekArrays

__all__ = ["validate_many"]

_HOURS, _SESSIONS, _PATTERN, _EXCLUDED, _COURSE, _RECORD, _GENERIC = range(7)
_KINDS: Final[dict[Callable[..., Any], int]] = {
    check_weekly_hours: _HOURS,
    check_weekly_sessions: _SESSIONS,
    check_visit_pattern: _PATTERN,
    check_excluded_hours: _EXCLUDED,
    check_minimum_length: _COURSE,
    check_aftercare: _COURSE,
    check_review_cadence: _COURSE,
    check_recertification: _COURSE,
    **dict.fromkeys(_RECORD_CHECKS, _RECORD),
}
#: Preconditions that read only the program and the standard (cacheable).
_PROGRAM_PRECONDITIONS: Final = frozenset(
    {_level_band_applies, _recertification_applies, *_PROGRAM_ONLY}
)
_SESSION_KINDS: Final = len(SessionKind)
_ASK: Final = "\0ask"  # a skip reason that must be asked of each subject
_WEEKLY: Final = frozenset({_HOURS, _SESSIONS, _PATTERN})
_MISSING: Final[Any] = object()
_ERROR: Final = Severity.ERROR
_LAST_ORDINAL: Final = dt.date.max.toordinal()
_NO_LIMIT: Final = float("inf")  # a band without a ceiling


def validate_many(
    targets: Iterable[Program | TreatmentPlan | Episode],
    rules: RuleSet | None = None,
    *,
    as_of: dt.date | None = None,
    progress: bool = False,
) -> list[ValidationReport]:
    """Validate many targets; the same reports as :func:`~iopmodel.rules.validate` on each.

    Plans take the fused path described in :mod:`iopmodel.rules.batch`;
    programs and episodes are validated one by one as by ``validate``.

    Args:
        targets: Plans, programs and episodes, in any mix.
        rules: The rule set; :data:`~iopmodel.rules.catalogue.DEFAULT_RULES` by default.
        as_of: As for :func:`~iopmodel.rules.validate`.
        progress: Show a progress bar (the ``progress`` extra, tqdm).

    Raises:
        InvalidTypeError: For a target that is none of the three.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan, validate
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules.batch import validate_many
        >>> plans = [TreatmentPlan.from_program(evening_iop(), patient_id=f"p{n}",
        ...                                     start=dt.date(2026, 3, 2 + n), days=60)
        ...          for n in range(3)]
        >>> reports = validate_many(plans)
        >>> reports == [validate(plan) for plan in plans]
        True
        >>> [f.rule_id for f in reports[1]]
        ['HRS001', 'LEN001']
    """
    if rules is None:
        from iopmodel.rules.catalogue import DEFAULT_RULES  # noqa: PLC0415

        rules = DEFAULT_RULES
    check_arg(instance_of(RuleSet), "rules", rules)
    check_arg(optional_plain_date, "as_of", as_of)
    check_arg(instance_of(bool), "progress", progress)
    given: object = targets  # annotations do not bind callers
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        # Targets are read lazily (a progress bar over a generator), so only
        # the collection is checked here; each target is checked as it comes.
        raise InvalidTypeError("targets", targets, "a collection of targets")
    batch = _Batch(rules, as_of)
    items = _progress(targets, enabled=progress, desc="validating")
    return [batch.validate(target) for target in items]


class _Batch:
    """A rule set compiled for many plans: kinds of rules and cached skip reasons."""

    def __init__(self, rules: RuleSet, as_of: dt.date | None) -> None:
        self.rules = rules
        self.as_of = as_of
        self.standard = rules.standard
        self.week_start = rules.week_start
        self.counted = rules.counted_kinds
        self.deliveries = rules.standard.counted_deliveries
        self.compiled = [(r, _KINDS.get(r.check, _GENERIC)) for r in rules]
        self.reasons: dict[int, tuple[Program, list[SkippedRule | str | None]]] = {}
        self.recordless: dict[tuple[int, int], tuple[Program, SkippedRule | None]] = {}
        #: (rule, what the week's observation depends on) -> its finding's parts
        self.templates: dict[tuple[Any, ...], _Template | None] = {}
        self.limits: dict[object, tuple[int, int | None]] = {}
        self.program_limits: dict[
            int, tuple[Program, tuple[int, int | None] | None]
        ] = {}
        #: (course rule, what it reads of a plan) -> its findings (see
        #: :meth:`_PlanRun.course_key`)
        self.course: dict[tuple[Any, ...], tuple[Finding, ...]] = {}
        #: (rule, program, week, what the observation depends on) -> its finding:
        #: findings are immutable, so plans with the same week share them
        self.findings: dict[tuple[Any, ...], Finding | None] = {}
        #: (rule, what the week's observation depends on) -> its finding's severity
        self.severities: dict[tuple[Any, ...], Severity | None] = {}
        self.tallies: dict[int, tuple[Program, _Tally | None]] = {}
        self.recordless_steps: dict[int, tuple[Program, _Steps | None]] = {}
        self.columns: dict[int, tuple[Program, _DayColumns | None]] = {}
        standard = self.standard
        self.pattern = (
            standard.visit_days_min.value,
            standard.visit_days_max.value,
            Fraction(standard.visit_hours_min.value),
            Fraction(standard.visit_hours_max.value),
        )

    def validate(self, target: Program | TreatmentPlan | Episode) -> ValidationReport:
        if isinstance(target, TreatmentPlan):
            return _PlanRun(self, target).report()
        return validate(target, self.rules, as_of=self.as_of)

    def run(self, plan: TreatmentPlan, arrays: _WeekArrays | None = None) -> _PlanRun:
        """The plan's weekly columns, ready to report (a simulation reads both).

        *arrays*, when given, are the plan's weekly columns computed by the
        caller (a simulation sums them from a sliced schedule); then only
        rules that need no session objects may be in the set (see
        :meth:`needs_sessions`).
        """
        return _PlanRun(self, plan, arrays)

    def weeks(
        self,
        program: Program,
        first: int,
        last: int,
        arrays: _WeekArrays,
        inside: list[int] | None = None,
    ) -> _Weeks:
        """The weekly columns of a plan of *program* over ordinal days ``[first, last]``.

        For a caller that has no plan object (a simulation): the plan is
        taken to have a planned discharge date, and only :meth:`_Weeks.counts`
        may be asked of it, when :meth:`countable` says so. *inside*: as
        :class:`_Weeks` takes it.
        """
        return _Weeks(self, program, first, last, arrays, ends=True, inside=inside)

    def scheduled_weeks(
        self, plan: TreatmentPlan, base: int, first: int, last: int
    ) -> tuple[_DayColumns, _WeekArrays] | None:
        """The plan's weekly columns from its program's day sums, or ``None``.

        Only for a plan whose sessions are exactly its program's schedule from
        its start to its planned discharge, the same session objects (as
        :meth:`~iopmodel.plans.TreatmentPlan.from_program` makes it); other
        plans take a pass over their sessions. *base*, *first* and *last*: as
        :func:`~iopmodel.weeks._week_arrays` takes them. The day sums are
        returned too: the columns are theirs, shared by plans alike.
        """
        if plan.planned_discharge is None or not plan.sessions:
            return None
        start, end = plan.start.toordinal(), plan.planned_discharge.toordinal()
        columns = self.day_columns(plan.program, start, end)
        if columns is None or not columns.holds(plan.sessions, start, end):
            return None
        return columns, columns.weeks(base, first, last, start, end)

    def day_columns(self, program: Program, start: int, end: int) -> _DayColumns | None:
        """The program's schedule summed by day over a span holding ``[start, end)``.

        Kept per program and widened as plans ask for days outside it, by a
        block of 13 weeks either side; ``None`` for a program whose schedule
        is not sliced from cached blocks (its sessions are new objects each
        time, so no plan holds them), or for a span over the schedule budget.
        """
        cached = self.columns.get(id(program))
        if cached is not None and cached[0] is program:
            columns = cached[1]
            if columns is None or (columns.first <= start and end <= columns.end):
                return columns
            start, end = min(start, columns.first), max(end, columns.end)
        margin = 91  # days: a 13-week block either side
        first, stop = start - margin, end + margin
        if stop - first > MAX_SCHEDULE_DAYS or first < 1 or stop > _LAST_ORDINAL:
            return None  # this plan takes a pass over its sessions
        columns = None
        lo, hi = dt.date.fromordinal(first), dt.date.fromordinal(stop)
        templates = program.templates
        if all(t.start_independent for t in templates) and _sliceable(
            templates, lo, hi
        ):
            columns = _DayColumns(
                program._schedule(lo, hi),  # noqa: SLF001 - dates checked
                program.timezone,
                first,
                stop,
                counted_kinds=self.counted,
                counted_deliveries=self.deliveries,
            )
        self.columns[id(program)] = (program, columns)
        return columns

    def minute_limits(self, program: Program) -> tuple[int, int | None] | None:
        """The program's weekly band in minutes, or ``None`` without a band."""
        cached = self.program_limits.get(id(program))
        if cached is not None and cached[0] is program:
            return cached[1]
        band = self.standard.band(program.level, program.population)
        limits = None
        if band is not None:
            limits = self.limits.get(band)
            if limits is None:
                limits = self.limits[band] = band.minute_limits()
        self.program_limits[id(program)] = (program, limits)
        return limits

    def countable(self, program: Program) -> bool:
        """Whether plans of *program* can be counted without their findings.

        See :meth:`tally`.
        """
        return self.tally(program) is not None

    def tally(self, program: Program) -> _Tally | None:
        """The rules whose outcomes a simulation counts, for plans of *program*.

        A simulation reads two things of a plan's report: how many findings
        are errors, and which weeks have an :data:`~iopmodel.rules.ATTENDED_HOURS`
        finding. The catalogue's checks only ever lower a finding's severity
        (partial weeks, weeks allowed while stepping down: information), so a
        catalogue rule that is not itself an error and is not ``HRS002`` can
        change neither, nor can a rule that does not apply to the program: both
        are left out. Of the rest, the weekly rules are screened from the weekly
        columns and the rules that read the plan (course and record rules) run
        on its light subject. ``None`` when a rule that counts needs the full
        subject or the sessions (a rule of your own, ``HRS003``, a precondition
        of your own): then only the report can tell.
        """
        cached = self.tallies.get(id(program))
        if cached is not None and cached[0] is program:
            return cached[1]
        from iopmodel.rules.catalogue import ATTENDED_HOURS  # noqa: PLC0415 - catalogue imports the checks batch imports

        scheduled: list[tuple[Rule[Any], int, bool, bool]] = []
        attended: list[tuple[Rule[Any], int, bool, bool]] = []
        plan: list[tuple[Rule[Any], bool]] = []
        tally: _Tally | None = _Tally(scheduled, attended, plan)
        reasons = self.skip_reasons(program)
        for (rule, kind), reason in zip(self.compiled, reasons, strict=True):
            errors = rule.severity is Severity.ERROR
            outside = rule.id == ATTENDED_HOURS.id
            if kind == _GENERIC and (errors or outside):
                tally = None  # a rule of your own may yield anything
                break
            if (reason is not None and reason is not _ASK) or not (errors or outside):
                continue
            asks = reason is _ASK
            if asks and rule.precondition not in _RECORD_PRECONDITIONS:
                tally = None
                break
            if kind in _WEEKLY and not asks:
                reads = (
                    attended
                    if kind == _HOURS and rule.params.basis == "attended"
                    else scheduled
                )
                reads.append((rule, kind, errors, outside))
            elif kind in {_COURSE, _RECORD} and not outside:
                plan.append((rule, asks))
            else:
                tally = None
                break
        self.tallies[id(program)] = (program, tally)
        return tally

    def severity(
        self,
        rule: Rule[Any],
        kind: int,
        weeks: _Weeks,
        index: int,
        key: tuple[Any, ...],
    ) -> Severity | None:
        """The severity of the finding a weekly rule makes of flagged week *index*.

        ``None`` when it makes none. Made once per distinct week by the rule's
        own message function (:func:`week_template`) on a subject of the
        program alone: the severity reads neither the plan nor the week's date.
        """
        full_key = (id(rule), id(weeks.program), *key)
        severity = self.severities.get(full_key, _MISSING)
        if severity is _MISSING:
            allowed = kind == _HOURS and weeks.allowed(rule, index)
            template = week_template(
                self,
                rule,
                kind,
                self.program_subject(weeks.program),
                weeks.week(index),
                allowed=allowed,
            )
            severity = self.severities[full_key] = (
                None if template is None else template.severity
            )
        return severity  # type: ignore[no-any-return]

    def program_subject(self, program: Program) -> Subject:
        """A plan subject of *program* alone (what program-level questions read)."""
        return Subject(
            target="plan",
            name="",
            standard=self.standard,
            program=program,
            week_start=self.week_start,
        )

    def needs_sessions(self, program: Program, *, records: bool = False) -> bool:
        """Whether plans of *program* need session objects to be judged.

        Rules of your own read sessions; HRS003 does when the program has
        kinds that do not count toward program hours; AUTH001 and AUTH002 do
        when the plans carry a clinical record (*records*), since without
        authorizations they do not apply.
        """
        excluded = any(t.kind not in self.counted for t in program.templates)
        return any(
            kind == _GENERIC
            or (kind == _EXCLUDED and excluded)
            or (records and rule.check in _READS_SESSIONS)
            for rule, kind in self.compiled
        )

    def skip_reasons(self, program: Program) -> list[SkippedRule | str | None]:
        """Per rule: why it does not apply to plans of *program*, ``None``, or _ASK."""
        cached = self.reasons.get(id(program))
        if cached is not None and cached[0] is program:
            return cached[1]
        subject = self.program_subject(program)
        reasons: list[SkippedRule | str | None] = []
        for rule, _kind in self.compiled:
            if rule.precondition is None or rule.precondition in _PROGRAM_PRECONDITIONS:
                why = rule.skip_reason(subject)
                reasons.append(
                    None if why is None else SkippedRule(rule_id=rule.id, reason=why)
                )
            else:
                reasons.append(_ASK)
        self.reasons[id(program)] = (program, reasons)
        return reasons

    def steps(self, run: _PlanRun) -> _Steps | None:
        """What to run for a plan of *run*'s program that keeps no record (cached).

        ``None`` when a rule's precondition of your own must be asked of each
        plan; otherwise whether each rule applies is known for every such plan
        of the program, from the program and from the first plan asked.
        """
        program = run.program
        cached = self.recordless_steps.get(id(program))
        if cached is not None and cached[0] is program:
            return cached[1]
        steps: _Steps | None = None
        run_rules: list[tuple[Rule[Any], int]] = []
        skipped: list[SkippedRule] = []
        reasons = self.skip_reasons(program)
        for position, ((rule, kind), reason) in enumerate(
            zip(self.compiled, reasons, strict=True)
        ):
            why = reason
            if why is _ASK:
                if rule.precondition not in _RECORD_PRECONDITIONS:
                    break  # asked of each plan
                why = self.recordless_reason(position, run)
            if why is None:
                run_rules.append((rule, kind))
            else:
                skipped.append(why)  # type: ignore[arg-type]
        else:
            steps = _Steps(run=run_rules, skipped=tuple(skipped))
        self.recordless_steps[id(program)] = (program, steps)
        return steps

    def recordless_reason(self, position: int, run: _PlanRun) -> SkippedRule | None:
        """Why rule *position* skips *run*'s plan, which keeps no record (cached).

        Asked of the first such plan of each program (see
        ``_RECORD_PRECONDITIONS``); the program stays referenced, so its id is
        a stable key.
        """
        key = (id(run.program), position)
        cached = self.recordless.get(key)
        if cached is not None and cached[0] is run.program:
            return cached[1]
        rule = self.compiled[position][0]
        why = rule.skip_reason(run.light())
        skip = None if why is None else SkippedRule(rule_id=rule.id, reason=why)
        self.recordless[key] = (run.program, skip)
        return skip


class _Weeks:
    """A window's weekly columns under a compiled rule set: what the weekly screens read.

    *first_o* and *last_o* are the window's first and last day (ordinals,
    inclusive); *ends* says whether the plan has a discharge or planned
    discharge date (the step-down allowance needs one); *inside*, the days
    of each week inside the window, when known (windows alike share it).
    """

    __slots__ = (
        "arrays",
        "base",
        "batch",
        "count",
        "ends",
        "first_o",
        "full_weeks",
        "inside",
        "last_o",
        "program",
        "shared",
    )

    def __init__(
        self,
        batch: _Batch,
        program: Program,
        first_o: int,
        last_o: int,
        arrays: _WeekArrays,
        *,
        ends: bool,
        inside: list[int] | None = None,
    ) -> None:
        self.batch = batch
        self.program = program
        self.first_o, self.last_o = first_o, last_o
        weekday = (first_o + 6) % 7  # date.fromordinal(n).weekday()
        self.base = first_o - (weekday - batch.week_start) % 7
        self.arrays = arrays
        count = len(arrays.scheduled)
        self.count = count
        if inside is None:
            inside = [7] * count
            for week in {0, count - 1}:
                week_first = self.base + 7 * week
                inside[week] = (
                    min(week_first + 6, last_o) - max(week_first, first_o) + 1
                )
        self.inside = inside
        #: The day sums whose columns these are, shared by plans alike (see
        #: :meth:`flagged`), or ``None``.
        self.shared: _DayColumns | None = None
        # the full weeks are contiguous: all but a partial first and last week
        self.full_weeks = (
            0 if inside[0] == 7 else 1,  # days in a week
            count if inside[-1] == 7 else count - 1,
        )
        self.ends = ends

    def week_start(self, index: int) -> dt.date:
        """First day of week *index*."""
        return dt.date.fromordinal(self.base + 7 * index)

    def week(self, index: int) -> WeekSummary:
        arrays = self.arrays
        return WeekSummary(
            start=dt.date.fromordinal(self.base + 7 * index),
            days_in_window=self.inside[index],
            scheduled_minutes=arrays.scheduled[index],
            attended_minutes=arrays.attended[index],
            excluded_minutes=arrays.excluded[index],
            pending_sessions=arrays.pending[index],
            session_counts=tuple(
                arrays.counts[index * _SESSION_KINDS : (index + 1) * _SESSION_KINDS]
            ),
            visit_days=arrays.visits[index],
        )

    def flagged(self, rule: Rule[Any], kind: int) -> list[tuple[int, tuple[Any, ...]]]:
        """The weeks a weekly catalogue rule's screen flags, with their keys.

        Screened once per rule for columns shared by plans alike (see
        :meth:`_Batch.scheduled_weeks`), and kept with the day sums that keep
        those columns alive, so their id is a stable key. Every plan that
        shares them has the same window of weeks (the same weeks inside it,
        and a planned discharge); the batch keeps its rules alive.
        """
        if self.shared is None:
            return self.screen(rule, kind)
        screens = self.shared.screens
        key = (id(self.arrays), id(rule))
        found = screens.get(key)
        if found is None:
            found = screens[key] = self.screen(rule, kind)
        return found  # type: ignore[return-value]

    def screen(self, rule: Rule[Any], kind: int) -> list[tuple[int, tuple[Any, ...]]]:
        """:meth:`flagged`, screened."""
        if kind == _HOURS:
            return self.hours(rule)
        if kind == _SESSIONS:
            return self.sessions(rule)
        return self.pattern()

    def allowed(self, rule: Rule[Any], index: int) -> bool:
        """Whether week *index* is allowed below the floor while stepping down."""
        count = rule.params.step_down_weeks
        if not count:
            return False
        starts = [
            dt.date.fromordinal(self.base + 7 * week)
            for week in range(self.count)
            if self.inside[week] == 7  # days in a week
        ]
        allowed = _step_down_allowed(starts, count, ends=self.ends)
        return dt.date.fromordinal(self.base + 7 * index) in allowed

    def hours(self, rule: Rule[Any]) -> list[tuple[int, tuple[Any, ...]]]:
        """Weeks outside the band: (index, what the observation depends on)."""
        limits = self.batch.minute_limits(self.program)
        if limits is None:
            return []
        low, high = limits
        params = rule.params
        top = _NO_LIMIT if high is None else high
        lo, hi = self.full_weeks
        inside, step_down = self.inside, params.step_down_weeks
        flagged = []
        if params.basis == "attended":  # judged: full weeks without pending sessions
            column, pending = self.arrays.attended, self.arrays.pending
            for index in range(lo, hi):
                minutes = column[index]
                if (minutes < low or minutes > top) and not pending[index]:
                    allowed = bool(step_down) and self.allowed(rule, index)
                    flagged.append((index, (minutes, 7, allowed)))  # days in a week
            return flagged
        column = self.arrays.scheduled
        whole = column[lo:hi]
        screened: Iterable[int]
        if whole and (min(whole) < low or max(whole) > top):
            screened = range(self.count)
        else:  # every full week is in the band: screen the partial ones
            screened = sorted({0, self.count - 1} - set(range(lo, hi)))
        for index in screened:
            minutes = column[index]
            if low <= minutes <= top:
                continue
            full = inside[index] == 7  # days in a week
            if not full and not minutes:
                continue
            allowed = bool(step_down) and full and self.allowed(rule, index)
            flagged.append((index, (minutes, inside[index], allowed)))
        return flagged

    def sessions(self, rule: Rule[Any]) -> list[tuple[int, tuple[Any, ...]]]:
        """Full weeks with too few sessions of the rule's kind."""
        params = rule.params
        minimum = params.minimum_in(self.batch.standard).value
        lo, hi = self.full_weeks
        column = self.arrays.counts[params.kind._index :: _SESSION_KINDS]  # noqa: SLF001
        if min(column[lo:hi], default=minimum) >= minimum:
            return []
        return [
            (index, (column[index],))
            for index in range(lo, hi)
            if column[index] < minimum
        ]

    def pattern(self) -> list[tuple[int, tuple[Any, ...]]]:
        """Full weeks off the typical visit pattern."""
        min_days, max_days, low, high = self.batch.pattern
        # _pattern_fits in integers: minutes * den against 60 * days * num
        low_n, low_d = 60 * low.numerator, low.denominator
        high_n, high_d = 60 * high.numerator, high.denominator
        visits, scheduled = self.arrays.visits, self.arrays.scheduled
        lo, hi = self.full_weeks
        if hi > lo:  # enough for every full week: no week is off the pattern
            fewest, most = min(visits[lo:hi]), max(visits[lo:hi])
            least, longest = min(scheduled[lo:hi]), max(scheduled[lo:hi])
            if (
                min_days <= fewest
                and most <= max_days
                and least * low_d >= most * low_n
                and longest * high_d <= fewest * high_n
            ):
                return []
        flagged = []
        for index in range(lo, hi):
            days = visits[index]
            if not days:
                continue
            minutes = scheduled[index]
            if not (
                min_days <= days <= max_days
                and minutes * low_d >= days * low_n
                and minutes * high_d <= days * high_n
            ):
                flagged.append((index, (days, minutes)))
        return flagged

    def counts(
        self, rules: Iterable[tuple[Rule[Any], int, bool, bool]] | None = None
    ) -> _Counts:
        """What a simulation reads of the weekly rules' findings, without making them.

        Only the rules :meth:`_Batch.tally` keeps are screened (*rules*: some
        of them, such as :attr:`_Tally.scheduled`); each flagged week's
        severity is the one the rule's own message function gives it, found
        once per distinct week (see :meth:`_Batch.severity`).
        """
        batch = self.batch
        if rules is None:
            tally = batch.tally(self.program)
            assert tally is not None  # noqa: S101 - callers check _Batch.countable
            rules = (*tally.scheduled, *tally.attended)
        severities, program = batch.severities, id(self.program)
        errors = 0
        outside: set[int] = set()
        for rule, kind, counts_errors, marks_outside in rules:
            for index, key in self.flagged(rule, kind):
                severity = severities.get((id(rule), program, *key), _MISSING)
                if severity is _MISSING:
                    severity = batch.severity(rule, kind, self, index, key)
                if severity is None:
                    continue
                if marks_outside:
                    outside.add(index)
                if counts_errors and severity is _ERROR:
                    errors += 1
        return _Counts(errors, outside)


class _PlanRun(_Weeks):
    """One plan under a compiled rule set."""

    __slots__ = ("_full", "_light", "first", "last", "plan")

    def __init__(
        self, batch: _Batch, plan: TreatmentPlan, arrays: _WeekArrays | None = None
    ) -> None:
        program = plan.program
        first, last = plan._window(batch.as_of)  # noqa: SLF001 - as_of checked
        self.first, self.last = first, last
        first_o, last_o = first.toordinal(), last.toordinal()
        shared = None
        if arrays is None:
            base = first_o - (first.weekday() - batch.week_start) % 7
            found = batch.scheduled_weeks(plan, base, first_o, last_o)
            if found is not None:
                shared, arrays = found
            else:
                arrays = _week_arrays(
                    plan.sessions,
                    program.timezone,
                    base=base,
                    first_ordinal=first_o,
                    last_ordinal=last_o,
                    counted_kinds=batch.counted,
                    counted_deliveries=batch.deliveries,
                )
        ends = plan.discharge_date is not None or plan.planned_discharge is not None
        super().__init__(batch, program, first_o, last_o, arrays, ends=ends)
        self.shared = shared
        self.plan = plan
        self._light: Subject | None = None
        self._full: Subject | None = None

    # -- subjects, built only when needed -----------------------------------------

    @property
    def name(self) -> str:
        return f"plan {self.plan.patient_id} in {self.program.name}"

    def light(self) -> Subject:
        """The plan's subject without weekly rows (what course rules read)."""
        if self._light is None:
            self._light = Subject._plan_light(  # noqa: SLF001 - values already valid
                name=self.name,
                standard=self.batch.standard,
                plan=self.plan,
                first_day=self.first,
                last_day=self.last,
                as_of=self.batch.as_of,
                week_start=self.batch.week_start,
            )
        return self._light

    def full(self) -> Subject:
        """The subject :func:`~iopmodel.rules.validate` builds (for the generic path)."""
        if self._full is None:
            self._full = Subject.of(self.plan, self.batch.rules, as_of=self.batch.as_of)
        return self._full

    # -- the run ------------------------------------------------------------------

    def report(self) -> ValidationReport:
        plan = self.plan
        recordless = not (
            plan.diagnoses or plan.measures or plan.screens or plan.authorizations
        )
        steps = self.batch.steps(self) if recordless else None
        if steps is None:
            return self.asked_report(recordless=recordless)
        findings: list[Finding] = []
        course = self.batch.course
        key: tuple[Any, ...] | None = None
        for rule, kind in steps.run:
            if kind in _WEEKLY:
                findings.extend(self.weekly(rule, kind))
                continue
            if kind == _COURSE:  # the same plan fields: the same findings
                if key is None:
                    key = self.course_key()
                made = course.get((id(rule), *key))
                if made is None:
                    made = course[(id(rule), *key)] = self.found(rule, kind)
                findings.extend(made)
                continue
            findings.extend(self.found(rule, kind))
        return ValidationReport(
            subject=self.name,
            rule_set=self.batch.rules.name,
            findings=tuple(findings),
            skipped=steps.skipped,
        )

    def found(self, rule: Rule[Any], kind: int) -> tuple[Finding, ...]:
        """The findings of a rule that is not weekly."""
        observations = self.observe(rule, kind)
        if not observations:
            return ()
        subject = self.light()
        return tuple(rule.finding(o, subject) for o in observations)

    def course_key(self) -> tuple[Any, ...]:
        """All that the course rules read of a plan of this program.

        LEN001, AFT001, REV001 and REV002 read the plan's dates, discharge,
        aftercare, reviews and revisions and the window's last day (besides
        the program and the standard, the batch's): plans alike in these get
        the same findings, made once. Keep this in step with the checks in
        :mod:`iopmodel.rules.course`; the property tests of ``validate_many``
        vary every one of them.
        """
        plan = self.plan
        return (
            id(self.program),  # kept alive by the skip-reason cache
            self.first,  # the plan's start
            self.last,
            plan.planned_discharge,
            plan.discharge_date,
            plan.discharge_reason,
            plan.aftercare,
            plan.reviews,
            plan.revisions,
        )

    def asked_report(self, *, recordless: bool) -> ValidationReport:
        """:meth:`report`, asking each rule whether it applies to this plan."""
        findings: list[Finding] = []
        skipped: list[SkippedRule] = []
        reasons = self.batch.skip_reasons(self.program)
        for position, ((rule, kind), reason) in enumerate(
            zip(self.batch.compiled, reasons, strict=True)
        ):
            if reason is _ASK:
                skip = self.ask(position, rule, recordless=recordless)
                if skip is not None:
                    skipped.append(skip)
                    continue
            elif reason is not None:
                skipped.append(reason)  # type: ignore[arg-type]
                continue
            if kind in _WEEKLY:
                findings.extend(self.weekly(rule, kind))
                continue
            observations = self.observe(rule, kind)
            if observations:
                subject = self.light()
                findings.extend(rule.finding(o, subject) for o in observations)
        return ValidationReport(
            subject=self.name,
            rule_set=self.batch.rules.name,
            findings=tuple(findings),
            skipped=tuple(skipped),
        )

    def ask(
        self, position: int, rule: Rule[Any], *, recordless: bool
    ) -> SkippedRule | None:
        """Why a rule whose precondition reads the plan skips it, or ``None``."""
        if rule.precondition not in _RECORD_PRECONDITIONS:
            why = rule.skip_reason(self.full())  # a precondition of your own
        elif recordless:
            return self.batch.recordless_reason(position, self)
        else:
            why = rule.skip_reason(self.light())
        return None if why is None else SkippedRule(rule_id=rule.id, reason=why)

    def plan_errors(self) -> int:
        """Error findings of the rules that read the plan, not its weeks.

        See :meth:`_Batch.tally`.
        """
        tally = self.batch.tally(self.program)
        assert tally is not None  # noqa: S101 - callers check _Batch.countable
        errors = 0
        for rule, asks in tally.plan:
            if asks and rule.skip_reason(self.light()) is not None:
                continue
            for observation in rule.check(self.light(), rule.params):
                severity = (
                    rule.severity
                    if observation.severity is None
                    else observation.severity
                )
                errors += severity is Severity.ERROR
        return errors

    def weekly(self, rule: Rule[Any], kind: int) -> list[Finding]:
        """Findings of a weekly catalogue rule: screened, then made from templates.

        A weekly observation depends on its week only through the week's
        numbers and its date in the label (``"week of 2026-03-09: ..."``), so
        the rest of the finding is made once per distinct set of numbers, by
        the rule's own message function, and reused; the finding itself is
        made once per week with those numbers, and shared by the plans that
        have it (findings are immutable).
        """
        flagged = self.flagged(rule, kind)
        if not flagged:
            return []
        findings = []
        templates, made = self.batch.templates, self.batch.findings
        # the program stays referenced by the skip-reason cache: its id is stable
        program = id(self.program)
        for index, key in flagged:
            week = self.base + 7 * index
            finding = made.get((id(rule), program, week, *key), _MISSING)
            if finding is _MISSING:
                full_key = (id(rule), program, *key)
                template = templates.get(full_key, _MISSING)
                if template is _MISSING:
                    template = templates[full_key] = self.template(rule, kind, index)
                finding = made[(id(rule), program, week, *key)] = (
                    None if template is None else template.finding(rule, week)
                )
            if finding is not None:
                findings.append(finding)
        return findings

    def template(self, rule: Rule[Any], kind: int, index: int) -> _Template | None:
        """Run the rule's message function on one flagged week; keep what is not its date."""
        allowed = kind == _HOURS and self.allowed(rule, index)
        return week_template(
            self.batch, rule, kind, self.light(), self.week(index), allowed=allowed
        )

    def observe(self, rule: Rule[Any], kind: int) -> list[Observation]:
        if kind == _EXCLUDED and not any(self.arrays.excluded):
            return []
        if kind in {_COURSE, _RECORD}:  # they read the plan, not its weeks
            return list(rule.check(self.light(), rule.params))
        full = self.full()
        return list(rule.check(full, rule.params))


def week_template(
    batch: _Batch,
    rule: Rule[Any],
    kind: int,
    subject: Subject,
    week: WeekSummary,
    *,
    allowed: bool,
) -> _Template | None:
    """The finding a weekly catalogue rule makes of *week*, but for the week's date.

    Internal: the batch validator and :mod:`iopmodel.cohort` make each distinct
    finding once with the rule's own message function and reuse it.
    """
    params = rule.params
    observations: Iterable[Observation]
    if kind == _HOURS:
        program = subject.program
        assert program is not None  # noqa: S101 - plans have programs
        band = batch.standard.band(program.level, program.population)
        assert band is not None  # noqa: S101 - flagged weeks imply a band
        permitted = frozenset({week.start}) if allowed else frozenset()
        observations = weekly_hours_observations(
            subject, params, band, [week], permitted
        )
    elif kind == _SESSIONS:
        observations = weekly_sessions_observations(subject, params, [week])
    else:
        observations = visit_pattern_observations(subject, [week])
    found = [rule.finding(o, subject) for o in observations]
    if not found:
        return None
    (finding,) = found
    label = subject.label(week)
    assert finding.message.startswith(label)  # noqa: S101 - every weekly message does
    return _Template(
        severity=finding.severity,
        suffix=finding.message[len(label) :],
        citation=finding.citation,
    )


class _Counts(NamedTuple):
    """What a simulation reads of a plan's weekly findings (see :meth:`_Weeks.counts`)."""

    errors: int
    """Error findings of the weekly rules."""
    outside: set[int]
    """Indices of the weeks with an :data:`~iopmodel.rules.ATTENDED_HOURS` finding."""


class _Steps(NamedTuple):
    """The rules to run for plans of one program that keep no record (see :meth:`_Batch.steps`)."""

    run: list[tuple[Rule[Any], int]]
    """The rules that apply, in order, with their kinds."""
    skipped: tuple[SkippedRule, ...]
    """The rules that do not, with why: the same for every such plan."""


class _Tally(NamedTuple):
    """The rules that count, for plans of one program (see :meth:`_Batch.tally`).

    Weekly rules are (rule, kind, its errors count, its weeks are outside the
    band), split by the columns they read.
    """

    scheduled: list[tuple[Rule[Any], int, bool, bool]]
    """Weekly rules that read only the schedule (scheduled minutes, counts, visits)."""
    attended: list[tuple[Rule[Any], int, bool, bool]]
    """Weekly rules that read attended hours and pending sessions."""
    plan: list[tuple[Rule[Any], bool]]
    """Rules that read the plan: (rule, whether its precondition must be asked)."""


@attrs.frozen
class _Template:
    """What a weekly finding is, but for the date in its label."""

    severity: Severity
    suffix: str
    citation: Citation | None

    def finding(self, rule: Rule[Any], week: int) -> Finding:
        """The finding, for the week starting on the ordinal day *week*."""
        start = dt.date.fromordinal(week)
        return Finding(
            rule_id=rule.id,
            severity=self.severity,
            message=f"{_week_label(start)}{self.suffix}",
            citation=self.citation,
            week=start,
        )
