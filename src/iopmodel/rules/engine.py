"""The rule engine: subjects, rules, rule sets and :func:`~iopmodel.rules.validate`.

A :class:`Rule` is data: a stable id, a severity, typed parameters, the
populations, levels and targets it applies to, a citation, and a plain function
that inspects a :class:`Subject` and yields :class:`Observation` values. The
engine turns observations into :class:`~iopmodel.reports.Finding` values
carrying the rule's id, severity and citation. A :class:`RuleSet` groups rules
with the :class:`~iopmodel.standards.Standard` whose numbers they read and the
week definition they share.

:func:`~iopmodel.rules.validate` never raises for a clinical shortfall: it runs every rule that
applies and returns a :class:`~iopmodel.reports.ValidationReport`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import Any, Final, Generic, Literal, TypeVar

import attrs

from iopmodel._validators import (
    check_arg,
    instance_of,
    non_empty_str,
    optional_instance_of,
    optional_plain_date,
    to_tuple,
    tuple_of,
)
from iopmodel.care import LevelOfCare, Population
from iopmodel.cycles import WeekCycle
from iopmodel.episodes import Episode
from iopmodel.errors import (
    InvalidTypeError,
    InvalidValueError,
    UnknownCodeError,
)
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.reports import Finding, Severity, SkippedRule, ValidationReport
from iopmodel.sessions import Session, SessionKind
from iopmodel.sources import Citation
from iopmodel.standards import DEFAULT_STANDARD, Standard, Threshold
from iopmodel.weeks import WeekSummary, summarize_weeks

__all__ = [
    "ALL_TARGETS",
    "Observation",
    "Rule",
    "RuleSet",
    "Subject",
    "Target",
    "rule",
    "validate",
    "validate_subject",
]

P = TypeVar("P")
Target = Literal["program", "plan", "episode"]
#: Every kind of subject a rule can judge.
ALL_TARGETS: Final = frozenset({"program", "plan", "episode"})
_RULE_ID: Final = re.compile(r"[A-Z][A-Z0-9_-]*")


def _target(_instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):  # a list or dict cannot be looked up in a set
        raise InvalidTypeError(attribute.name, value, "str")
    if value not in ALL_TARGETS:
        raise InvalidValueError(
            attribute.name, value, "must be 'program', 'plan' or 'episode'"
        )


def _week_start(_instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or value not in range(7):
        raise InvalidValueError(
            attribute.name, value, "must be 0 (Monday) to 6 (Sunday)"
        )


def _weeks(value: Iterable[WeekSummary]) -> tuple[WeekSummary, ...]:
    return to_tuple(value)


# -- what rules see ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Subject:
    """What a rule inspects: a program's cycle of weeks, a plan's weeks, or an episode.

    Built by :func:`~iopmodel.rules.validate`; custom rules read it.

    Attributes:
        target: ``"program"`` (a design check), ``"plan"`` or ``"episode"``.
        name: A description used in the report.
        standard: The standard whose numbers the rules read.
        program: The program (the plan's program, for plans; the current
            placement's program, if any, for episodes).
        plan: The plan, for plan checks.
        episode: The episode, for episode checks.
        weeks: For a plan, every local calendar week of its window; for a
            design, each *distinct* week of the program's cycle once.
        cycle: For a design, the program's whole cycle of weeks.
        first_day: First day of the window.
        last_day: Last day of the window (inclusive).
        as_of: The date the validation is made for, if given.
        week_start: First weekday of a week (0 is Monday).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> subject.target, len(subject.weeks), subject.label(subject.weeks[0])
        ('program', 1, 'every week')
    """

    target: Target = attrs.field(validator=_target)
    name: str = attrs.field(validator=instance_of(str))
    standard: Standard = attrs.field(
        default=DEFAULT_STANDARD, validator=instance_of(Standard)
    )
    program: Program | None = attrs.field(
        default=None, validator=optional_instance_of(Program)
    )
    plan: TreatmentPlan | None = attrs.field(
        default=None, validator=optional_instance_of(TreatmentPlan)
    )
    episode: Episode | None = attrs.field(
        default=None, validator=optional_instance_of(Episode)
    )
    weeks: tuple[WeekSummary, ...] = attrs.field(
        default=(), converter=_weeks, validator=tuple_of(WeekSummary)
    )
    cycle: WeekCycle | None = attrs.field(
        default=None, validator=optional_instance_of(WeekCycle)
    )
    first_day: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    last_day: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    as_of: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    week_start: int = attrs.field(default=calendar.MONDAY, validator=_week_start)
    full_weeks: tuple[WeekSummary, ...] = attrs.field(init=False, eq=False)
    """The weeks whose seven days are all inside the window."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "full_weeks", tuple(w for w in self.weeks if w.full))

    @classmethod
    def of(
        cls,
        target: Program | TreatmentPlan | Episode,
        rules: RuleSet,
        *,
        as_of: dt.date | None = None,
    ) -> Subject:
        """Build the subject for *target* under *rules*' standard and week definition.

        Raises:
            InvalidTypeError: For anything but a program, plan or episode.
        """
        if isinstance(target, TreatmentPlan):
            return cls._of_plan(target, rules, as_of)
        if isinstance(target, Program):
            cycle = target.cycle(
                rules.week_start, rules.counted_kinds, rules.standard.counted_deliveries
            )
            return cls(
                target="program",
                name=f"{target.name} (program design)",
                standard=rules.standard,
                program=target,
                weeks=tuple(week for week, _ in cycle.distinct()),
                cycle=cycle,
                first_day=cycle.weeks[0].start,
                last_day=cycle.weeks[-1].start + dt.timedelta(days=6),
                as_of=as_of,
                week_start=rules.week_start,
            )
        if isinstance(target, Episode):
            current = target.placements[-1] if target.placements else None
            return cls(
                target="episode",
                name=f"episode of {target.patient_id}",
                standard=rules.standard,
                program=None if current is None else current.program,
                episode=target,
                first_day=target.placements[0].start if target.placements else None,
                last_day=target.discharge_date,
                as_of=as_of,
                week_start=rules.week_start,
            )
        raise InvalidTypeError("target", target, "Program, TreatmentPlan or Episode")

    @classmethod
    def _of_plan(
        cls, plan: TreatmentPlan, rules: RuleSet, as_of: dt.date | None
    ) -> Subject:
        program = plan.program
        first, last = plan.window(as_of)  # bounded: a plan stays within the budget
        weeks = summarize_weeks(
            plan.sessions,
            program.timezone,
            first,
            last,
            week_start=rules.week_start,
            counted_kinds=rules.counted_kinds,
            counted_deliveries=rules.standard.counted_deliveries,
        )
        return cls(
            target="plan",
            name=f"plan {plan.patient_id} in {program.name}",
            standard=rules.standard,
            program=program,
            plan=plan,
            weeks=weeks,
            first_day=first,
            last_day=last,
            as_of=as_of,
            week_start=rules.week_start,
        )

    @classmethod
    def _plan_light(
        cls,
        *,
        name: str,
        standard: Standard,
        plan: TreatmentPlan,
        first_day: dt.date,
        last_day: dt.date,
        as_of: dt.date | None,
        week_start: int,
    ) -> Subject:
        """A plan's subject without weekly rows, from values already valid (no checks).

        For batch validation, which builds one per plan; equal to the subject
        the public constructor makes of the same values.
        """
        subject = object.__new__(cls)
        values = (
            "plan",
            name,
            standard,
            plan.program,
            plan,
            None,
            (),
            None,
            first_day,
            last_day,
            as_of,
            week_start,
            (),
        )
        for setter, value in zip(_LIGHT_SETTERS, values, strict=True):
            setter(subject, value)
        return subject

    @property
    def population(self) -> Population | None:
        """The program's population (``None`` for an episode without programs)."""
        return None if self.program is None else self.program.population

    @property
    def level(self) -> LevelOfCare | None:
        """The level of care judged (the program's, or the episode's last)."""
        if self.episode is not None:
            placements = self.episode.placements
            return placements[-1].level if placements else None
        return None if self.program is None else self.program.level

    @property
    def counted_kinds(self) -> frozenset[SessionKind]:
        """Kinds that count toward program hours under the standard."""
        return self.standard.counted_kinds

    @property
    def sessions(self) -> tuple[Session, ...]:
        """The plan's sessions, or the sessions of the design's cycle."""
        if self.plan is not None:
            return self.plan.sessions
        if self.cycle is not None:
            return self.cycle.sessions
        return ()

    @property
    def planned_days(self) -> int | None:
        """Planned length of treatment in days.

        For a design, the program's recommended minimum length.
        """
        if self.plan is not None:
            return self.plan.planned_days
        if self.program is not None and self.target == "program":
            return self.program.recommended_minimum_days
        return None

    def label(self, week: WeekSummary) -> str:
        """How findings name a week.

        ``"week of 2026-03-09"`` for a plan; for a design, the positions of the
        cycle where the week occurs (``"week 2 of the 2-week cycle"``).
        """
        if self.cycle is None:
            return _week_label(week.start)
        return self.cycle.label_positions(self.positions(week))

    def positions(self, week: WeekSummary) -> tuple[int, ...]:
        """For a design, every 1-based position of the cycle where *week* occurs."""
        if self.cycle is None:
            return ()
        for representative, positions in self.cycle.distinct():
            if representative.start == week.start:
                return positions
        return (self.cycle.position(week),)


@attrs.frozen(kw_only=True)
class Observation:
    """What a rule's check function yields; the engine makes it a finding.

    Args:
        message: Plain English with numbers and units.
        week: First day of the week concerned, if any.
        path: The object concerned otherwise (``"$.aftercare"``).
        severity: Overrides the rule's severity (a partial week is only info).
        citation: Overrides the rule's citation.

    Example:
        >>> from iopmodel.rules import Observation
        >>> Observation(message="session before 17:00").severity is None
        True
    """

    message: str
    week: dt.date | None = None
    path: str | None = None
    severity: Severity | None = None
    citation: Citation | None = None


# -- rules ------------------------------------------------------------------------


def _week_label(start: dt.date) -> str:
    """How a plan's findings name the week starting on *start* (see :meth:`Subject.label`).

    Example:
        >>> _week_label(dt.date(2026, 3, 9))
        'week of 2026-03-09'
    """
    return f"week of {start.isoformat()}"


def _rule_id(_instance: object, attribute: Any, value: Any) -> None:
    non_empty_str(_instance, attribute, value)
    if not _RULE_ID.fullmatch(value):
        raise InvalidValueError(
            attribute.name, value, "must be upper-case letters, digits, '-' or '_'"
        )


def _targets(_instance: object, attribute: Any, value: Any) -> None:
    if not value or not set(value) <= ALL_TARGETS:
        raise InvalidValueError(
            attribute.name, value, "must be 'program', 'plan' and/or 'episode'"
        )


# The light plan subject's slots, written through their descriptors in this
# order (see Subject._plan_light).
_LIGHT_FIELDS: Final = (
    "target",
    "name",
    "standard",
    "program",
    "plan",
    "episode",
    "weeks",
    "cycle",
    "first_day",
    "last_day",
    "as_of",
    "week_start",
    "full_weeks",
)
_LIGHT_SETTERS: Final = tuple(Subject.__dict__[name].__set__ for name in _LIGHT_FIELDS)


@attrs.frozen(kw_only=True)
class Rule(Generic[P]):
    """A clinical rule: cited, parameterized, applicable to some subjects.

    Args:
        id: Stable id, never reused (``"HRS001"``).
        title: Short title for the catalogue.
        severity: Severity of its findings (a check may lower it per finding).
        check: ``check(subject, params)`` yielding :class:`Observation` values.
        params: The rule's parameters (an attrs class, or ``None``). Clinical
            numbers are not parameters: checks read them from the subject's
            :class:`~iopmodel.standards.Standard`.
        citation: The source of the rule.
        populations: Populations it applies to (all by default).
        levels: Levels of care it applies to (``None``: every level).
        targets: ``"program"`` (design checks), ``"plan"`` and/or ``"episode"``.
        description: What the rule checks, for the catalogue.
        precondition: Optional ``precondition(subject, params)`` returning why
            the rule does not apply to this subject (for example, no hours band
            for the level in the standard), or ``None`` when it does.

    Example:
        >>> from iopmodel import DischargeReason
        >>> from iopmodel.rules import DEFAULT_RULES
        >>> aftercare = DEFAULT_RULES.get("AFT001")
        >>> changed = aftercare.configure(exempt_reasons=[DischargeReason.AGAINST_ADVICE])
        >>> [r.value for r in aftercare.params.exempt_reasons]
        ['died']
        >>> [r.value for r in changed.params.exempt_reasons]
        ['against_advice']
    """

    id: str = attrs.field(validator=_rule_id)
    title: str = attrs.field(validator=non_empty_str)
    severity: Severity = attrs.field(validator=instance_of(Severity))
    check: Callable[[Subject, P], Iterable[Observation]]
    params: P
    citation: Citation = attrs.field(validator=instance_of(Citation))
    populations: frozenset[Population] = frozenset(Population)
    levels: frozenset[LevelOfCare] | None = None
    targets: frozenset[str] = attrs.field(
        default=frozenset({"program", "plan"}), validator=_targets
    )
    description: str = ""
    precondition: Callable[[Subject, P], str | None] | None = None

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, title={self.title!r}, severity={self.severity.value})"

    def configure(self, **changes: Any) -> Rule[P]:
        """Return the rule with some parameters changed.

        Raises:
            UnknownCodeError: For a parameter the rule does not have (clinical
                numbers live in the standard: see
                :meth:`RuleSet.with_thresholds`).
        """
        params: Any = self.params
        names = (
            [a.name for a in attrs.fields(type(params))]
            if attrs.has(type(params))
            else []
        )
        for name in changes:
            if name not in names:
                raise UnknownCodeError(f"parameter of {self.id}", name, names)
        return attrs.evolve(self, params=attrs.evolve(params, **changes))

    def skip_reason(self, subject: Subject) -> str | None:
        """Why the rule does not apply to *subject*, or ``None`` if it does."""
        if subject.target not in self.targets:
            return f"applies to {' and '.join(sorted(self.targets))} targets only"
        population = subject.population
        if population is not None and population not in self.populations:
            return f"does not apply to the {population.value} population"
        level = subject.level
        if self.levels is not None and level not in self.levels:
            return f"does not apply to {'no level' if level is None else level.key}"
        if self.precondition is not None:
            return self.precondition(subject, self.params)
        return None

    def run(self, subject: Subject) -> tuple[Finding, ...]:
        """Run the check on *subject* and return its findings."""
        return tuple(self.finding(o, subject) for o in self.check(subject, self.params))

    def finding(self, observation: Observation, subject: Subject) -> Finding:
        """The finding this rule makes of one of its *observation* on *subject*.

        Example:
            >>> import datetime as dt
            >>> from iopmodel.examples import evening_iop
            >>> from iopmodel.rules import DEFAULT_RULES, Observation, Subject
            >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
            >>> f = DEFAULT_RULES.get("PAT001").finding(
            ...     Observation(message="m", week=subject.weeks[0].start), subject)
            >>> f.severity.value, f.week, f.cycle_week
            ('info', None, 1)
        """
        o = observation
        week, cycle_week = o.week, None
        if subject.cycle is not None and week is not None:
            # a design's weeks are reference-calendar weeks: name the cycle
            cycle_week, week = subject.cycle.position(week), None
        return Finding(
            rule_id=self.id,
            severity=self.severity if o.severity is None else o.severity,
            message=o.message,
            citation=self.citation if o.citation is None else o.citation,
            week=week,
            path=o.path,
            cycle_week=cycle_week,
        )


def rule(
    *,
    id: str,  # noqa: A002 - the rule's id
    title: str,
    severity: Severity,
    citation: Citation,
    populations: Iterable[Population] = tuple(Population),
    levels: Iterable[LevelOfCare] | None = None,
    targets: Iterable[Target] = ("program", "plan"),
) -> Callable[[Callable[[Subject], Iterable[Observation]]], Rule[None]]:
    """Make a rule of your own from a plain function of the subject.

    Example:
        >>> from iopmodel import Citation, Severity, validate
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Observation, rule
        >>> POLICY = Citation(key="CLINIC-POLICY-7", title="Clinic policy 7",
        ...                   short="policy 7")
        >>> @rule(id="CLINIC001", title="Evening sessions only",
        ...       severity=Severity.WARNING, citation=POLICY)
        ... def evening_only(subject):
        ...     for session in subject.sessions:
        ...         if session.start.hour < 17:
        ...             yield Observation(message=f"{session.start:%a %H:%M}: before 17:00")
        >>> report = validate(evening_iop(), DEFAULT_RULES.with_rule(evening_only))
        >>> report.ok, [f.rule_id for f in report]
        (True, [])
    """

    def make(function: Callable[[Subject], Iterable[Observation]]) -> Rule[None]:
        def check(subject: Subject, _params: None) -> Iterable[Observation]:
            return function(subject)

        return Rule(
            id=id,
            title=title,
            severity=severity,
            check=check,
            params=None,
            citation=citation,
            populations=frozenset(populations),
            levels=None if levels is None else frozenset(levels),
            targets=frozenset(targets),
            description=(function.__doc__ or "").strip(),
        )

    return make


# -- rule sets --------------------------------------------------------------------


def _rules(value: Iterable[Rule[Any]]) -> tuple[Rule[Any], ...]:
    rules = to_tuple(value)
    seen: set[str] = set()
    for index, item in enumerate(rules):
        if not isinstance(item, Rule):
            raise InvalidValueError(f"rules[{index}]", item, "must be a Rule")
        if item.id in seen:
            raise InvalidValueError(f"rules[{index}].id", item.id, "is given twice")
        seen.add(item.id)
    return rules


@attrs.frozen(kw_only=True)
class RuleSet:
    """A named group of rules, the standard they read and the week they count.

    Args:
        name: Name shown in reports (``"default"``).
        rules: The rules, run in this order; ids must be unique.
        standard: Where every clinical number the rules use comes from.
        description: What the set represents and where it comes from.
        week_start: First weekday of a week, 0 (Monday, ISO) to 6 (Sunday).

    Example:
        >>> import calendar
        >>> from iopmodel.rules import DEFAULT_RULES
        >>> us_weeks = DEFAULT_RULES.with_week_start(calendar.SUNDAY)
        >>> us_weeks.week_start, len(us_weeks) == len(DEFAULT_RULES)
        (6, True)
        >>> DEFAULT_RULES.standard.name
        'default'
    """

    name: str = attrs.field(validator=non_empty_str)
    rules: tuple[Rule[Any], ...] = attrs.field(converter=_rules)
    standard: Standard = attrs.field(
        default=DEFAULT_STANDARD, validator=instance_of(Standard)
    )
    description: str = attrs.field(default="", validator=instance_of(str))
    week_start: int = attrs.field(default=calendar.MONDAY, validator=_week_start)

    def __repr__(self) -> str:
        ids = list(self.ids)
        return (
            f"RuleSet(name={self.name!r}, rules={ids!r}, "
            f"standard={self.standard.name!r}, week_start={self.week_start})"
        )

    def __iter__(self) -> Iterator[Rule[Any]]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return any(r.id == rule_id for r in self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        """The rule ids, in order."""
        return tuple(r.id for r in self.rules)

    @property
    def counted_kinds(self) -> frozenset[SessionKind]:
        """Session kinds that count toward program hours (the standard's)."""
        return self.standard.counted_kinds

    def get(self, rule_id: str) -> Rule[Any]:
        """The rule with id *rule_id*.

        Raises:
            UnknownCodeError: If the set has no such rule; lists the ids.
        """
        for item in self.rules:
            if item.id == rule_id:
                return item
        raise UnknownCodeError(f"rule id in {self.name!r}", rule_id, self.ids)

    def configure(self, rule_id: str, **changes: Any) -> RuleSet:
        """Return the set with one rule's parameters changed.

        Example:
            >>> from iopmodel import DischargeReason
            >>> from iopmodel.rules import DEFAULT_RULES
            >>> lenient = DEFAULT_RULES.configure(
            ...     "AFT001", exempt_reasons=[DischargeReason.AGAINST_ADVICE])
            >>> [r.value for r in lenient.get("AFT001").params.exempt_reasons]
            ['against_advice']
        """
        return self.with_rule(self.get(rule_id).configure(**changes))

    def with_rule(self, new: Rule[Any]) -> RuleSet:
        """Return the set with *new* added, or replacing the rule with its id."""
        if new.id in self:
            rules = tuple(new if r.id == new.id else r for r in self.rules)
        else:
            rules = (*self.rules, new)
        return attrs.evolve(self, rules=rules)

    def without(self, rule_id: str) -> RuleSet:
        """Return the set without the rule *rule_id*."""
        self.get(rule_id)
        return attrs.evolve(self, rules=tuple(r for r in self.rules if r.id != rule_id))

    def renamed(self, name: str, description: str | None = None) -> RuleSet:
        """Return the set under another name (and description)."""
        return attrs.evolve(
            self,
            name=name,
            description=self.description if description is None else description,
        )

    def with_week_start(self, week_start: int) -> RuleSet:
        """Return the set counting weeks from another weekday (``calendar.SUNDAY``)."""
        return attrs.evolve(self, week_start=week_start)

    def with_standard(self, standard: Standard) -> RuleSet:
        """Return the set reading its numbers from another standard.

        Example:
            >>> from iopmodel.rules import DEFAULT_RULES
            >>> from iopmodel.standards import MEDICARE_2024_STANDARD
            >>> DEFAULT_RULES.with_standard(MEDICARE_2024_STANDARD).standard.name
            'medicare-2024'
        """
        return attrs.evolve(self, standard=standard)

    def with_thresholds(self, **values: int | Fraction | Threshold | None) -> RuleSet:
        """Return the set with some of its standard's thresholds changed.

        A shortcut for ``with_standard(standard.with_thresholds(...))``; a
        plain number becomes a library default (see
        :meth:`~iopmodel.standards.Standard.with_thresholds`).

        Example:
            >>> from iopmodel.rules import DEFAULT_RULES
            >>> monthly = DEFAULT_RULES.with_thresholds(plan_review_every_days=30)
            >>> monthly.standard.plan_review_every_days.value
            30
        """
        return self.with_standard(self.standard.with_thresholds(**values))

    def with_step_down_allowance(self, weeks: int = 2) -> RuleSet:
        """Return the set with a payer's transitional step-down allowance.

        Some payers still count one or two weeks below the hours floor as IOP
        while the patient steps down to a lower level. With the allowance, the
        last *weeks* full weeks of a plan that has a discharge date (or a
        planned one) may fall below the floor: those weeks are reported as info
        citing :data:`~iopmodel.sources.PAYER_STEP_DOWN_ALLOWANCE`, not as
        errors. This is payer policy, not a clinical standard: check yours.

        Example:
            >>> from iopmodel.rules import DEFAULT_RULES
            >>> allowed = DEFAULT_RULES.with_step_down_allowance(2)
            >>> [r.params.step_down_weeks for r in allowed
            ...  if hasattr(r.params, "step_down_weeks")]
            [2, 2, 2]
        """
        from iopmodel._validators import non_negative_int  # noqa: PLC0415

        check_arg(non_negative_int, "weeks", weeks)
        result = self
        for item in self.rules:
            params = item.params
            if attrs.has(type(params)) and "step_down_weeks" in attrs.fields_dict(
                type(params)
            ):
                result = result.configure(item.id, step_down_weeks=weeks)
        return result.renamed(f"{self.name}+step-down-{weeks}w")


# -- validation -------------------------------------------------------------------


def validate(
    target: Program | TreatmentPlan | Episode,
    rules: RuleSet | None = None,
    *,
    as_of: dt.date | None = None,
) -> ValidationReport:
    """Check a program design, a treatment plan or an episode against *rules*.

    A :class:`~iopmodel.programs.Program` is checked on every distinct week of
    its cycle (a design check, see :mod:`iopmodel.cycles`); a
    :class:`~iopmodel.plans.TreatmentPlan` on every local calendar week from
    its start to its discharge (or planned discharge, or last session); an
    :class:`~iopmodel.episodes.Episode` on the whole course of treatment
    (total length, aftercare). Every applicable rule runs, even when others
    find errors; rules that do not apply are listed in ``report.skipped``.

    Args:
        target: What to check.
        rules: The rule set; :data:`~iopmodel.rules.catalogue.DEFAULT_RULES` by default.
        as_of: For ongoing treatment, the day the check is made for: weeks
            after it are not checked, and cadences are checked up to it.

    Raises:
        InvalidTypeError: For a target that is none of the three.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan, validate
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import MEDICARE_2024_RULES
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-0001",
        ...                                   start=dt.date(2026, 3, 2), days=90)
        >>> plan = plan.cancel_session(plan.sessions[4])  # a Monday group in week 2
        >>> report = validate(plan, MEDICARE_2024_RULES, as_of=dt.date(2026, 4, 30))
        >>> print(report)
        plan p-0001 in Evening IOP, rules 'medicare-2024': NOT OK, 1 error, 0 warnings, 0 infos
          error   HRS001  week of 2026-03-09: 7 h scheduled, below the 9 h floor (Medicare IOP 2024)
        >>> [f.week for f in report.errors]
        [datetime.date(2026, 3, 9)]
    """
    if rules is None:
        from iopmodel.rules.catalogue import DEFAULT_RULES  # noqa: PLC0415

        rules = DEFAULT_RULES
    check_arg(instance_of(RuleSet), "rules", rules)
    check_arg(optional_plain_date, "as_of", as_of)
    return validate_subject(Subject.of(target, rules, as_of=as_of), rules)


def validate_subject(subject: Subject, rules: RuleSet) -> ValidationReport:
    """Run *rules* on a :class:`Subject` built beforehand.

    :func:`~iopmodel.rules.validate` builds the subject and calls this; call it yourself to
    reuse a subject's weekly summaries (a simulation does, for every patient).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject, validate_subject
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> validate_subject(subject, DEFAULT_RULES).ok
        True
    """
    check_arg(instance_of(Subject), "subject", subject)
    check_arg(instance_of(RuleSet), "rules", rules)
    findings: list[Finding] = []
    skipped: list[SkippedRule] = []
    for item in rules:
        reason = item.skip_reason(subject)
        if reason is not None:
            skipped.append(SkippedRule(rule_id=item.id, reason=reason))
            continue
        findings.extend(item.run(subject))
    return ValidationReport(
        subject=subject.name,
        rule_set=rules.name,
        findings=tuple(findings),
        skipped=tuple(skipped),
    )
