"""Clinical rules as cited data, and the rule sets that group them.

A :class:`Rule` is data: a stable id, a severity, typed parameters, the
populations and levels it applies to, a citation, and a plain function that
inspects a :class:`Subject` and yields :class:`Observation` values. The engine
(:func:`iopmodel.validate`) turns observations into
:class:`~iopmodel.reports.Finding` values carrying the rule's id, severity and
citation.

Build your own rules without subclassing:

- change a shipped rule's parameters: ``DEFAULT_RULES.configure("REV001",
  every_days=30)``;
- write a rule of your own as a plain function with the :func:`rule` decorator
  and add it with :meth:`RuleSet.with_rule`.

Rule ids are stable and never reused: ``HRS`` weekly hours, ``IND`` and ``GRP``
session mix, ``PAT`` visit pattern, ``LEN`` length of treatment, ``AFT``
aftercare, ``REV`` plan reviews.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, Generic, Literal, TypeVar

import attrs

from iopmodel import sources
from iopmodel._format import hours_text
from iopmodel._validators import (
    FrozenMapping,
    check_arg,
    instance_of,
    non_empty_str,
    non_negative_int,
    positive_int,
    to_hours,
)
from iopmodel.care import HoursBand, LevelOfCare, Population
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError
from iopmodel.plans import DischargeReason, TreatmentPlan
from iopmodel.programs import Program
from iopmodel.reports import Finding, Severity
from iopmodel.sessions import Session, SessionKind
from iopmodel.sources import Citation
from iopmodel.weeks import DEFAULT_COUNTED_KINDS, WeekSummary

__all__ = [
    "BUILTIN_RULES",
    "DEFAULT_RULES",
    "MEDICARE_2024_RULES",
    "RULE_SETS",
    "AftercareParams",
    "MinimumLengthParams",
    "Observation",
    "ReviewCadenceParams",
    "Rule",
    "RuleSet",
    "Subject",
    "VisitPatternParams",
    "WeeklyHoursParams",
    "WeeklySessionsParams",
    "rule",
]

P = TypeVar("P")
Target = Literal["program", "plan"]
_BOTH_TARGETS: Final = frozenset({"program", "plan"})
_IOP_ONLY: Final = frozenset({LevelOfCare.INTENSIVE_OUTPATIENT})
_RULE_ID: Final = re.compile(r"[A-Z][A-Z0-9_-]*")


# -- what rules see ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Subject:
    """What a rule inspects: a program's typical week, or a plan's weeks.

    Built by :func:`iopmodel.validate`; custom rules read it.

    Attributes:
        target: ``"program"`` for a design check, ``"plan"`` for a plan.
        name: A description used in the report.
        program: The program (the plan's program, for plans).
        plan: The plan, or ``None`` for a design check.
        weeks: Local calendar weeks of the window, with their totals.
        first_day: First day of the window.
        last_day: Last day of the window (inclusive).
        as_of: The date the validation is made for, if given.
        week_start: First weekday of a week (0 is Monday).
        counted_kinds: Kinds that count toward program hours.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.rules import DEFAULT_RULES, Subject
        >>> subject = Subject.of(evening_iop(), DEFAULT_RULES)
        >>> subject.target, len(subject.weeks), subject.label(subject.weeks[0])
        ('program', 1, 'typical week')
    """

    target: Target
    name: str
    program: Program
    plan: TreatmentPlan | None
    weeks: tuple[WeekSummary, ...]
    first_day: dt.date
    last_day: dt.date
    as_of: dt.date | None = None
    week_start: int = calendar.MONDAY
    counted_kinds: frozenset[SessionKind] = DEFAULT_COUNTED_KINDS
    full_weeks: tuple[WeekSummary, ...] = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda self: tuple(w for w in self.weeks if w.full), takes_self=True
        ),
    )
    """The weeks whose seven days are all inside the window."""

    @classmethod
    def of(
        cls,
        target: Program | TreatmentPlan,
        rules: RuleSet,
        *,
        as_of: dt.date | None = None,
    ) -> Subject:
        """Build the subject for *target* under *rules*' week definition."""
        from iopmodel.programs import typical_week_start  # noqa: PLC0415
        from iopmodel.weeks import summarize_weeks  # noqa: PLC0415

        if isinstance(target, TreatmentPlan):
            plan = target
            program = plan.program
            first, last = _plan_window(plan, as_of)
            sessions: Iterable[Session] = plan.sessions
            name = f"plan {plan.patient_id} in {program.name}"
            kind: Target = "plan"
        elif isinstance(target, Program):
            plan = None
            program = target
            first = typical_week_start(rules.week_start)
            last = first + dt.timedelta(days=6)
            sessions = program.typical_week(rules.week_start)
            name = f"{program.name} (program design)"
            kind = "program"
        else:
            raise InvalidTypeError("target", target, "Program or TreatmentPlan")
        weeks = summarize_weeks(
            sessions,
            program.timezone,
            first,
            last,
            week_start=rules.week_start,
            counted_kinds=rules.counted_kinds,
        )
        return cls(
            target=kind,
            name=name,
            program=program,
            plan=plan,
            weeks=weeks,
            first_day=first,
            last_day=last,
            as_of=as_of,
            week_start=rules.week_start,
            counted_kinds=rules.counted_kinds,
        )

    @property
    def population(self) -> Population:
        """The program's population."""
        return self.program.population

    @property
    def level(self) -> LevelOfCare:
        """The program's level of care."""
        return self.program.level

    @property
    def sessions(self) -> tuple[Session, ...]:
        """The plan's sessions, or the program's typical week."""
        if self.plan is not None:
            return self.plan.sessions
        return self.program.typical_week(self.week_start)

    @property
    def planned_days(self) -> int | None:
        """Planned length of treatment in days.

        For a design check, the program's recommended minimum length.
        """
        if self.plan is None:
            return self.program.recommended_minimum_days
        return self.plan.planned_days

    def label(self, week: WeekSummary) -> str:
        """How findings name a week: ``"week of 2026-03-09"`` or ``"typical week"``."""
        if self.target == "program":
            return "typical week"
        return f"week of {week.start.isoformat()}"


def _plan_window(plan: TreatmentPlan, as_of: dt.date | None) -> tuple[dt.date, dt.date]:
    first = plan.start
    if plan.discharge_date is not None:
        last = plan.discharge_date
    else:
        candidates = [first]
        if plan.planned_discharge is not None:
            candidates.append(plan.planned_discharge)
        if plan.sessions:  # sorted by start: the last one is the latest
            latest = plan.sessions[-1].start.astimezone(plan.program.timezone)
            candidates.append(latest.date())
        last = max(candidates)
    if as_of is not None:
        last = max(first, min(last, as_of))
    return first, last


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


def _rule_id(_instance: object, attribute: Any, value: Any) -> None:
    non_empty_str(_instance, attribute, value)
    if not _RULE_ID.fullmatch(value):
        raise InvalidValueError(
            attribute.name, value, "must be upper-case letters, digits, '-' or '_'"
        )


def _targets(_instance: object, attribute: Any, value: Any) -> None:
    if not value or not set(value) <= _BOTH_TARGETS:
        raise InvalidValueError(
            attribute.name, value, "must be 'program' and/or 'plan'"
        )


@attrs.frozen(kw_only=True)
class Rule(Generic[P]):
    """A clinical rule: cited, parameterized, applicable to some programs.

    Args:
        id: Stable id, never reused (``"HRS001"``).
        title: Short title for the catalogue.
        severity: Severity of its findings (a check may lower it per finding).
        check: ``check(subject, params)`` yielding :class:`Observation` values.
        params: The rule's parameters (an attrs class, or ``None``).
        citation: The source of the rule.
        populations: Populations it applies to (all by default).
        levels: Levels of care it applies to (``None``: every level).
        targets: ``"program"`` (design checks) and/or ``"plan"``.
        description: What the rule checks, for the catalogue.

    Example:
        >>> from iopmodel.rules import DEFAULT_RULES
        >>> rule = DEFAULT_RULES.get("REV001")
        >>> rule.params.every_days, rule.configure(every_days=30).params.every_days
        (60, 30)
    """

    id: str = attrs.field(validator=_rule_id)
    title: str = attrs.field(validator=non_empty_str)
    severity: Severity = attrs.field(validator=instance_of(Severity))
    check: Callable[[Subject, P], Iterable[Observation]]
    params: P
    citation: Citation = attrs.field(validator=instance_of(Citation))
    populations: frozenset[Population] = frozenset(Population)
    levels: frozenset[LevelOfCare] | None = None
    targets: frozenset[str] = attrs.field(default=_BOTH_TARGETS, validator=_targets)
    description: str = ""

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, title={self.title!r}, severity={self.severity.value})"

    def configure(self, **changes: Any) -> Rule[P]:
        """Return the rule with some parameters changed.

        Raises:
            UnknownCodeError: For a parameter the rule does not have.
        """
        params: Any = self.params
        if not attrs.has(type(params)):
            raise UnknownCodeError(f"parameter of {self.id}", ", ".join(changes), ())
        names = [a.name for a in attrs.fields(type(params))]
        for name in changes:
            if name not in names:
                raise UnknownCodeError(f"parameter of {self.id}", name, names)
        return attrs.evolve(self, params=attrs.evolve(params, **changes))

    def skip_reason(self, subject: Subject) -> str | None:
        """Why the rule does not apply to *subject*, or ``None`` if it does."""
        if subject.target not in self.targets:
            return f"applies to {' and '.join(sorted(self.targets))} targets only"
        if subject.population not in self.populations:
            return f"does not apply to the {subject.population.value} population"
        if self.levels is not None and subject.level not in self.levels:
            return f"does not apply to {subject.level.key}"
        return None

    def run(self, subject: Subject) -> tuple[Finding, ...]:
        """Run the check on *subject* and return its findings."""
        return tuple(
            Finding(
                rule_id=self.id,
                severity=self.severity if o.severity is None else o.severity,
                message=o.message,
                citation=self.citation if o.citation is None else o.citation,
                week=o.week,
                path=o.path,
            )
            for o in self.check(subject, self.params)
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
        >>> import datetime as dt
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
    rules = tuple(value)
    seen: set[str] = set()
    for index, item in enumerate(rules):
        if not isinstance(item, Rule):
            raise InvalidValueError(f"rules[{index}]", item, "must be a Rule")
        if item.id in seen:
            raise InvalidValueError(f"rules[{index}].id", item.id, "is given twice")
        seen.add(item.id)
    return rules


def _kinds(value: Iterable[SessionKind]) -> frozenset[SessionKind]:
    return frozenset(value)


def _week_start(_instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or value not in range(7):
        raise InvalidValueError(
            attribute.name, value, "must be 0 (Monday) to 6 (Sunday)"
        )


@attrs.frozen(kw_only=True)
class RuleSet:
    """A named group of rules and the week definition they share.

    Args:
        name: Name shown in reports (``"default"``).
        rules: The rules, run in this order; ids must be unique.
        description: What the set represents and where it comes from.
        week_start: First weekday of a week, 0 (Monday, ISO) to 6 (Sunday).
        counted_kinds: Session kinds that count toward program hours.

    Example:
        >>> import calendar
        >>> from iopmodel.rules import DEFAULT_RULES
        >>> us_weeks = DEFAULT_RULES.with_week_start(calendar.SUNDAY)
        >>> us_weeks.week_start, len(us_weeks) == len(DEFAULT_RULES)
        (6, True)
    """

    name: str = attrs.field(validator=non_empty_str)
    rules: tuple[Rule[Any], ...] = attrs.field(converter=_rules)
    description: str = ""
    week_start: int = attrs.field(default=calendar.MONDAY, validator=_week_start)
    counted_kinds: frozenset[SessionKind] = attrs.field(
        default=DEFAULT_COUNTED_KINDS, converter=_kinds
    )

    def __repr__(self) -> str:
        ids = list(self.ids)
        return (
            f"RuleSet(name={self.name!r}, rules={ids!r}, week_start={self.week_start})"
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
            >>> from iopmodel.rules import DEFAULT_RULES
            >>> monthly = DEFAULT_RULES.configure("REV001", every_days=30)
            >>> monthly.get("REV001").params.every_days
            30
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
            >>> DEFAULT_RULES.with_step_down_allowance(2).get("HRS001").params.step_down_weeks
            2
        """
        check_arg(non_negative_int, "weeks", weeks)
        result = self
        for rule_id in ("HRS001", "HRS002"):
            if rule_id in result:
                result = result.configure(rule_id, step_down_weeks=weeks)
        suffix = f"+step-down-{weeks}w"
        return result.renamed(self.name + suffix)


# -- parameters -------------------------------------------------------------------


def _bands(value: Mapping[Population, HoursBand]) -> Mapping[Population, HoursBand]:
    return FrozenMapping(value)


@attrs.frozen(kw_only=True)
class WeeklyHoursParams:
    """Parameters of the weekly-hours rules (HRS001, HRS002).

    Args:
        bands: The weekly-hours band per population, each bound cited.
        basis: ``"scheduled"`` or ``"attended"`` hours.
        step_down_weeks: Final full weeks allowed below the floor while
            stepping down (0: no allowance).

    Example:
        >>> from iopmodel import DEFAULT_RULES, Population
        >>> params = DEFAULT_RULES.get("HRS001").params
        >>> str(params.bands[Population.ADULT]), params.basis
        ('9 to 20 h/week', 'scheduled')
    """

    bands: Mapping[Population, HoursBand] = attrs.field(converter=_bands)
    basis: Literal["scheduled", "attended"] = "scheduled"
    step_down_weeks: int = attrs.field(default=0, validator=non_negative_int)


@attrs.frozen(kw_only=True)
class WeeklySessionsParams:
    """Parameters of the weekly session-kind rules (IND001, GRP001).

    Args:
        kind: The session kind required every full week.
        minimum: How many sessions of that kind, at least.

    Example:
        >>> from iopmodel import DEFAULT_RULES
        >>> params = DEFAULT_RULES.get("IND001").params
        >>> params.kind.value, params.minimum
        ('individual_therapy', 1)
    """

    kind: SessionKind = attrs.field(validator=instance_of(SessionKind))
    minimum: int = attrs.field(default=1, validator=positive_int)


def _hours(value: object) -> Fraction:
    return to_hours("hours", value)


@attrs.frozen(kw_only=True)
class VisitPatternParams:
    """Parameters of the visit-pattern rule (PAT001).

    Args:
        min_days: Fewest visit days a week in the typical pattern.
        max_days: Most visit days a week in the typical pattern.
        min_visit_hours: Shortest typical average visit, in hours.
        max_visit_hours: Longest typical average visit, in hours.

    Example:
        >>> from iopmodel import VisitPatternParams
        >>> VisitPatternParams(min_visit_hours=2.5).min_visit_hours
        Fraction(5, 2)
    """

    min_days: int = attrs.field(default=3, validator=positive_int)
    max_days: int = attrs.field(default=4, validator=positive_int)
    min_visit_hours: Fraction = attrs.field(default=Fraction(2), converter=_hours)
    max_visit_hours: Fraction = attrs.field(default=Fraction(4), converter=_hours)


@attrs.frozen(kw_only=True)
class MinimumLengthParams:
    """Parameters of the length-of-treatment rule (LEN001).

    Args:
        minimum_days: Recommended total days in treatment (NIDA: 90).

    Example:
        >>> from iopmodel import DEFAULT_RULES
        >>> DEFAULT_RULES.get("LEN001").params.minimum_days
        90
    """

    minimum_days: int = attrs.field(default=90, validator=positive_int)


def _reasons(value: Iterable[DischargeReason]) -> frozenset[DischargeReason]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class AftercareParams:
    """Parameters of the aftercare rule (AFT001).

    Args:
        exempt_reasons: Discharge reasons for which no aftercare plan is
            required (none by default).

    Example:
        >>> from iopmodel import AftercareParams, DischargeReason
        >>> AftercareParams(exempt_reasons=[DischargeReason.AGAINST_ADVICE]).exempt_reasons
        frozenset({<DischargeReason.AGAINST_ADVICE: 'against_advice'>})
    """

    exempt_reasons: frozenset[DischargeReason] = attrs.field(
        default=frozenset(), converter=_reasons
    )


@attrs.frozen(kw_only=True)
class ReviewCadenceParams:
    """Parameters of the plan-review rule (REV001).

    Args:
        every_days: Longest interval between reviews (plan revisions count
            as reviews).

    Example:
        >>> from iopmodel import ReviewCadenceParams
        >>> ReviewCadenceParams(every_days=30).every_days
        30
    """

    every_days: int = attrs.field(default=60, validator=positive_int)


# -- checks -----------------------------------------------------------------------


def _step_down_weeks(subject: Subject, count: int) -> frozenset[dt.date]:
    plan = subject.plan
    if count == 0 or plan is None:
        return frozenset()
    if plan.discharge_date is None and plan.planned_discharge is None:
        return frozenset()
    return frozenset(w.start for w in subject.full_weeks[-count:])


def check_weekly_hours(
    subject: Subject, params: WeeklyHoursParams
) -> Iterator[Observation]:
    """Each full week's hours are inside the population's band.

    Partial weeks with sessions outside the band are info on scheduled hours;
    attended hours are judged only in full weeks whose sessions all have a
    recorded outcome.
    """
    band = params.bands.get(subject.population)
    if band is None:
        return
    attended = params.basis == "attended"
    allowed = _step_down_weeks(subject, params.step_down_weeks)
    for week in subject.weeks:
        if attended and (week.pending_sessions or not week.full):
            continue
        minutes = week.attended_minutes if attended else week.scheduled_minutes
        if band.contains_minutes(minutes):
            continue
        hours = Fraction(minutes, 60)
        below = hours < band.minimum
        if below:
            limit, source = (
                f"below the {hours_text(band.minimum)} h floor",
                band.minimum_source,
            )
        else:
            assert band.maximum is not None  # noqa: S101 - above means a maximum
            word = "ceiling" if band.include_maximum else "limit (exclusive)"
            limit = f"above the {hours_text(band.maximum)} h {word}"
            source = band.maximum_source or band.minimum_source
        text = f"{subject.label(week)}: {hours_text(hours)} h {params.basis}, {limit}"
        if not week.full and not minutes:
            continue  # a partial week with nothing scheduled, e.g. only discharge day
        if not week.full:
            yield Observation(
                message=f"{text}; partial week ({week.days_in_window} of 7 days in "
                "the plan), band not applied",
                week=week.start,
                severity=Severity.INFO,
                citation=source,
            )
        elif below and week.start in allowed:
            yield Observation(
                message=f"{text}; allowed while stepping down "
                f"({sources.PAYER_STEP_DOWN_ALLOWANCE.short})",
                week=week.start,
                severity=Severity.INFO,
                citation=sources.PAYER_STEP_DOWN_ALLOWANCE,
            )
        else:
            yield Observation(
                message=f"{text} ({source.short})", week=week.start, citation=source
            )


def check_weekly_sessions(
    subject: Subject, params: WeeklySessionsParams
) -> Iterator[Observation]:
    """Every full week has at least *minimum* sessions of *kind*."""
    noun = params.kind.value.replace("_", " ")
    for week in subject.full_weeks:
        count = week.sessions_of(params.kind)
        if count < params.minimum:
            yield Observation(
                message=f"{subject.label(week)}: {count} {noun} session(s), "
                f"at least {params.minimum} expected",
                week=week.start,
            )


def check_visit_pattern(
    subject: Subject, params: VisitPatternParams
) -> Iterator[Observation]:
    """Full weeks follow the typical pattern of 3-4 visits of about 3 hours."""
    low, high = params.min_visit_hours, params.max_visit_hours
    for week in subject.full_weeks:
        days = week.visit_days
        if not days:
            continue
        minutes = week.scheduled_minutes
        days_ok = params.min_days <= days <= params.max_days
        # minutes / (60 * days) within [low, high], in exact integer arithmetic
        hours_ok = (
            minutes * low.denominator >= 60 * days * low.numerator
            and minutes * high.denominator <= 60 * days * high.numerator
        )
        if days_ok and hours_ok:
            continue
        average = Fraction(minutes, 60 * days)
        yield Observation(
            message=f"{subject.label(week)}: {week.visit_days} visit day(s) averaging "
            f"{hours_text(average)} h; the typical IOP pattern is {params.min_days}-"
            f"{params.max_days} days of {hours_text(params.min_visit_hours)}-"
            f"{hours_text(params.max_visit_hours)} h",
            week=week.start,
        )


def check_minimum_length(
    subject: Subject, params: MinimumLengthParams
) -> Iterator[Observation]:
    """Planned treatment lasts at least *minimum_days* in total."""
    days = subject.planned_days
    if days is None:
        yield Observation(
            message="no discharge or planned discharge date: the length of treatment "
            "cannot be checked",
            path="$.planned_discharge",
            severity=Severity.INFO,
        )
        return
    if days < params.minimum_days:
        what = (
            "recommended minimum length"
            if subject.target == "program"
            else "planned treatment"
        )
        yield Observation(
            message=f"{what} is {days} days, under the {params.minimum_days} days "
            f"in treatment NIDA recommends in total; plan continuing care",
            path="$.planned_discharge"
            if subject.target == "plan"
            else "$.recommended_minimum_days",
        )


def check_aftercare(subject: Subject, params: AftercareParams) -> Iterator[Observation]:
    """A discharged plan has an aftercare plan."""
    plan = subject.plan
    if plan is None or plan.discharge_date is None or plan.aftercare is not None:
        return
    reason = plan.discharge_reason
    if reason in params.exempt_reasons:
        return
    reason_text = "" if reason is None else f" ({reason.value})"
    yield Observation(
        message=f"discharged on {plan.discharge_date.isoformat()}{reason_text} "
        "without an aftercare plan",
        path="$.aftercare",
    )


def check_review_cadence(
    subject: Subject, params: ReviewCadenceParams
) -> Iterator[Observation]:
    """The plan is reviewed at least every *every_days* days."""
    plan = subject.plan
    if plan is None:
        return
    end = subject.last_day
    points = sorted(
        {r.on for r in plan.reviews if plan.start < r.on <= end}
        | {r.on for r in plan.revisions if plan.start < r.on <= end}
    )
    last = plan.start
    for point in points:
        gap = (point - last).days
        if gap > params.every_days:
            yield Observation(
                message=f"no plan review from {last.isoformat()} to "
                f"{point.isoformat()} ({gap} days; due every {params.every_days} days)",
                path="$.reviews",
            )
        last = point
    gap = (end - last).days
    if gap > params.every_days:
        due = last + dt.timedelta(days=params.every_days)
        yield Observation(
            message=f"plan review overdue since {due.isoformat()}: no review since "
            f"{last.isoformat()} ({gap} days by {end.isoformat()})",
            path="$.reviews",
        )


def check_excluded_hours(subject: Subject, _params: None) -> Iterator[Observation]:
    """Sessions of kinds that do not count toward program hours never count."""
    minutes = sum(w.excluded_minutes for w in subject.weeks)
    if not minutes:
        return
    kinds = sorted(
        {
            s.kind.value
            for s in subject.sessions
            if s.kind not in subject.counted_kinds and s.attendance.is_scheduled
        }
    )
    yield Observation(
        message=f"{hours_text(Fraction(minutes, 60))} h of {', '.join(kinds)} left out of "
        "program hours (these kinds do not count)",
        path="$.sessions",
    )


# -- the shipped rules -------------------------------------------------------------

_DEFAULT_BANDS: Final = {
    Population.ADULT: HoursBand(
        minimum=9,
        maximum=20,
        include_maximum=True,
        minimum_source=sources.SAMHSA_TIP_47,
        maximum_source=sources.SAMHSA_TIP_47,
    ),
    Population.ADOLESCENT: HoursBand(
        minimum=6,
        maximum=20,
        include_maximum=True,
        minimum_source=sources.SAMHSA_ADVISORY_2021,
        maximum_source=sources.SAMHSA_TIP_47,
    ),
}
_MEDICARE_BAND: Final = HoursBand(
    minimum=9,
    maximum=20,
    include_maximum=False,
    minimum_source=sources.MEDICARE_IOP_2024,
    maximum_source=sources.MEDICARE_IOP_2024,
)


def _builtin_rules() -> tuple[Rule[Any], ...]:
    hours = WeeklyHoursParams(bands=_DEFAULT_BANDS)
    return (
        Rule(
            id="HRS001",
            title="Weekly scheduled hours within the band",
            severity=Severity.ERROR,
            check=check_weekly_hours,
            params=hours,
            citation=sources.SAMHSA_TIP_47,
            levels=_IOP_ONLY,
            description="Each full local calendar week's scheduled program hours are "
            "inside the population's band. Partial first and last weeks are info.",
        ),
        Rule(
            id="HRS002",
            title="Weekly attended hours within the band",
            severity=Severity.WARNING,
            check=check_weekly_hours,
            params=attrs.evolve(hours, basis="attended"),
            citation=sources.SAMHSA_TIP_47,
            levels=_IOP_ONLY,
            targets=frozenset({"plan"}),
            description="Each full week's attended program hours are inside the band. "
            "Weeks with sessions whose outcome is not recorded are not judged.",
        ),
        Rule(
            id="HRS003",
            title="Non-program sessions never count toward program hours",
            severity=Severity.INFO,
            check=check_excluded_hours,
            params=None,
            citation=sources.SOURCE_ARTICLE,
            description="Reports the hours of session kinds (mutual-support meetings "
            "by default) that were left out of program hours.",
        ),
        Rule(
            id="IND001",
            title="Individual therapy every week",
            severity=Severity.ERROR,
            check=check_weekly_sessions,
            params=WeeklySessionsParams(kind=SessionKind.INDIVIDUAL_THERAPY),
            citation=sources.SOURCE_ARTICLE,
            levels=_IOP_ONLY,
            description="At least one individual therapy session in every full week "
            "('individual therapy at least once weekly').",
        ),
        Rule(
            id="GRP001",
            title="Group therapy every week",
            severity=Severity.WARNING,
            check=check_weekly_sessions,
            params=WeeklySessionsParams(kind=SessionKind.GROUP_THERAPY),
            citation=sources.SAMHSA_TIP_47,
            levels=_IOP_ONLY,
            description="Group therapy in every full week: group therapy is central "
            "to IOP.",
        ),
        Rule(
            id="PAT001",
            title="Typical visit pattern",
            severity=Severity.INFO,
            check=check_visit_pattern,
            params=VisitPatternParams(),
            citation=sources.SOURCE_ARTICLE,
            levels=_IOP_ONLY,
            description="Visits close to the typical pattern of 3-4 days a week of "
            "about 3 hours each (source article; HCPCS H0015 describes at least "
            "3 hours a day on at least 3 days).",
        ),
        Rule(
            id="LEN001",
            title="At least 90 days of treatment in total",
            severity=Severity.WARNING,
            check=check_minimum_length,
            params=MinimumLengthParams(),
            citation=sources.NIDA_PRINCIPLES,
            description="Planned treatment (or, for a design, the recommended minimum "
            "length) is at least 90 days; shorter stays need continuing care.",
        ),
        Rule(
            id="AFT001",
            title="Aftercare plan at discharge",
            severity=Severity.ERROR,
            check=check_aftercare,
            params=AftercareParams(),
            citation=sources.SOURCE_ARTICLE,
            targets=frozenset({"plan"}),
            description="A discharged plan has an aftercare plan (continuing-care "
            "level, mutual support, contacts, follow-ups).",
        ),
        Rule(
            id="REV001",
            title="Plan reviewed on time",
            severity=Severity.WARNING,
            check=check_review_cadence,
            params=ReviewCadenceParams(),
            citation=sources.MEDICARE_IOP_RECERTIFICATION,
            targets=frozenset({"plan"}),
            description="No interval between plan reviews (or revisions), from the "
            "start to the end of the window, is longer than the cadence.",
        ),
    )


#: Every shipped rule with its default parameters, by id.
#:
#: :meta hide-value:
BUILTIN_RULES: Final[Mapping[str, Rule[Any]]] = MappingProxyType(
    {r.id: r for r in _builtin_rules()}
)

#: The default set, after the source article and SAMHSA. Adult IOP 9 to 20 hours
#: a week inclusive, adolescent floor 6; individual therapy weekly; 90 days
#: (NIDA); aftercare at discharge.
#:
#: :meta hide-value:
DEFAULT_RULES: Final = RuleSet(
    name="default",
    rules=tuple(BUILTIN_RULES.values()),
    description="The source article and SAMHSA: IOP 9 to 20 hours a week inclusive "
    "for adults, 6 to 20 for adolescents; individual therapy weekly; group therapy "
    "weekly; at least 90 days (NIDA); aftercare at discharge; reviews every 60 days.",
)

#: Medicare's 2024 IOP benefit, at least 9 and fewer than 20 hours a week.
#:
#: :meta hide-value:
MEDICARE_2024_RULES: Final = (
    DEFAULT_RULES.configure(
        "HRS001",
        bands={Population.ADULT: _MEDICARE_BAND, Population.ADOLESCENT: _MEDICARE_BAND},
    )
    .configure(
        "HRS002",
        bands={Population.ADULT: _MEDICARE_BAND, Population.ADOLESCENT: _MEDICARE_BAND},
    )
    .renamed(
        "medicare-2024",
        "Medicare's IOP benefit (CY 2024 OPPS final rule, effective 2024-01-01): at "
        "least 9 and fewer than 20 hours a week (partial hospitalization starts at "
        "20); recertification at least every 60 days.",
    )
)

#: The shipped rule sets by name.
#:
#: :meta hide-value:
RULE_SETS: Final[Mapping[str, RuleSet]] = MappingProxyType(
    {s.name: s for s in (DEFAULT_RULES, MEDICARE_2024_RULES)}
)
