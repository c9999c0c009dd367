"""Explained level-of-care recommendations: decision support, not decisions.

:func:`recommend` turns the facts a clinician records into a
:class:`Recommendation`: an action (admit, continue, step down, step up,
transfer, start or end a concurrent service, discharge to aftercare), the
level afterwards, and the reasons as sentences, each citing its source or
marked as :data:`~iopmodel.sources.LIBRARY_POLICY`. It encodes the source
article's logic and NIDA's 90-day principle. It is not ASAM or LOCUS placement
logic and copies none of their criteria: a clinician's assessment decides.

The policy is an ordered decision table (:func:`decision_table`, rendered in
the documentation from this code). Every number comes from the
:class:`~iopmodel.standards.Standard` in the :class:`RecommendationPolicy`;
where the library departs from the article (stepping up rather than
discharging a patient who is not progressing, withdrawal management beside an
ongoing program) the choice is a documented, configurable field of the policy.

The policy has proven properties (tests/test_recommendations.py, over all facts):
with unchanged facts, following the recommendations reaches "continue" or a
discharge within a few steps and never cycles; it never discharges while a
24-hour, withdrawal-management or living-environment need is present; the
state it recommends always meets the needs the facts state; and directions are
named truthfully (between the withdrawal-management and treatment ladders, a
move is a transfer unless the setting changes).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import attrs

from iopmodel import sources
from iopmodel._validators import (
    check_arg,
    instance_of,
    non_negative_int,
    optional_instance_of,
    optional_plain_date,
    plain_date,
    to_hours,
    to_tuple,
    tuple_of,
)
from iopmodel.care import LevelOfCare, Population, Setting
from iopmodel.episodes import Episode
from iopmodel.errors import InvalidValueError
from iopmodel.plans import AftercarePlan, DischargeReason
from iopmodel.services import Service
from iopmodel.sources import Citation
from iopmodel.standards import DEFAULT_STANDARD, Standard

__all__ = [
    "LEVELS_CALLED_FOR",
    "Action",
    "ClinicalFacts",
    "DecisionRow",
    "HomeEnvironment",
    "Reason",
    "Recommendation",
    "RecommendationPolicy",
    "WhenGoalsMet",
    "WhenNotProgressing",
    "WithdrawalDuringTreatment",
    "decision_table",
    "recommend",
]

L = LevelOfCare


class Action(enum.Enum):
    """What a recommendation proposes.

    Example:
        >>> from iopmodel.recommendations import Action
        >>> Action.DISCHARGE_TO_AFTERCARE.value
        'discharge_to_aftercare'
    """

    ADMIT = "admit"
    CONTINUE = "continue"
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    TRANSFER = "transfer"
    """Between the withdrawal-management and treatment ladders in the same setting."""
    START_SERVICE = "start_service"
    """Add a concurrent service beside the current level."""
    END_SERVICE = "end_service"
    """End a concurrent service that is no longer needed."""
    DISCHARGE_TO_AFTERCARE = "discharge_to_aftercare"


class HomeEnvironment(enum.Enum):
    """Whether the patient's home supports recovery or enables use.

    Example:
        >>> from iopmodel.recommendations import HomeEnvironment
        >>> HomeEnvironment("enables_use")
        <HomeEnvironment.ENABLES_USE: 'enables_use'>
    """

    SUPPORTS_RECOVERY = "supports_recovery"
    ENABLES_USE = "enables_use"


class WhenNotProgressing(enum.Enum):
    """What to do when a patient is not progressing and the plan has not changed recently.

    Example:
        >>> from iopmodel.recommendations import RecommendationPolicy, WhenNotProgressing
        >>> RecommendationPolicy().when_not_progressing is WhenNotProgressing.STEP_UP
        True
    """

    STEP_UP = "step_up"
    """Library policy, the default. Step up one rung, up to the most intensive
    level the needs justify; there, continue and revise the plan."""
    DISCHARGE = "discharge"
    """The source article. Discharge with a referral, unless a need that a
    discharge would leave unmet is present (then as :attr:`STEP_UP`)."""


class WhenGoalsMet(enum.Enum):
    """What to do when the treatment goals are met.

    Example:
        >>> from iopmodel.recommendations import WhenGoalsMet
        >>> WhenGoalsMet.DISCHARGE.value
        'discharge'
    """

    DISCHARGE = "discharge"
    """The source article, the default. Discharge to aftercare once the minimum
    total days are reached and no need is left; before that, step down."""
    STEP_DOWN = "step_down"
    """Step down one level at a time; discharge only from the lowest level."""


class WithdrawalDuringTreatment(enum.Enum):
    """How withdrawal management is added for a patient already in treatment.

    Example:
        >>> from iopmodel.recommendations import WithdrawalDuringTreatment
        >>> WithdrawalDuringTreatment.CONCURRENT.value
        'concurrent'
    """

    CONCURRENT = "concurrent"
    """Library policy, the default. Ambulatory withdrawal management beside the
    current level, which continues (in practice the two run together)."""
    TRANSFER = "transfer"
    """Transfer to the withdrawal-management level; treatment resumes after."""


def _hours(value: object) -> Fraction | None:
    return None if value is None else to_hours("weekly_hours_needed", value)


def _services(value: Iterable[Service]) -> frozenset[Service]:
    items = to_tuple(value)
    check_arg(tuple_of(Service), "services", items)
    return frozenset(items)


def _service_set(_instance: object, attribute: Any, value: frozenset[Service]) -> None:
    for item in value:
        instance_of(Service)(_instance, attribute, item)


@attrs.frozen(kw_only=True)
class ClinicalFacts:
    """The facts a clinician records, as of one day.

    Args:
        as_of: The day the facts describe.
        current_level: The level the patient is at, or ``None`` before admission.
        services: The concurrent services running now.
        population: Adult or adolescent (hour bands differ).
        needs_withdrawal_management: Whether withdrawal must be managed (detox).
        needs_extended_monitoring: Whether withdrawal needs on-site monitoring
            through the day (not overnight); needs withdrawal management.
        needs_round_the_clock_care: Whether 24-hour medical or psychiatric care
            is needed.
        needs_hospital_care: Whether acute instability needs a hospital with
            physician care every day (for example active suicidal ideation with
            intent, or unstable withdrawal); needs round-the-clock care too.
        home_environment: Whether home supports recovery or enables use.
        needs_intensive_treatment: Whether more than routine outpatient care is
            needed.
        weekly_hours_needed: Clinical hours a week the patient needs, if
            assessed; the standard's bands turn it into a level.
        goals_met: Whether the treatment goals are met.
        lower_level_effective: Whether a lower level can be provided effectively.
        progressing: Whether the patient is progressing toward the goals.
        last_plan_change: The day the treatment plan last changed, if ever.
        days_at_current_level: Days at the current level.
        total_days_in_treatment: Days in treatment at every level.

    Raises:
        InvalidValueError: Facts that contradict each other.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import ClinicalFacts
        >>> from iopmodel.recommendations import HomeEnvironment
        >>> facts = ClinicalFacts(as_of=dt.date(2026, 3, 1), needs_intensive_treatment=True,
        ...                       home_environment=HomeEnvironment.SUPPORTS_RECOVERY)
        >>> facts.current_level is None
        True
    """

    as_of: dt.date = attrs.field(validator=plain_date)
    current_level: LevelOfCare | None = attrs.field(
        default=None, validator=optional_instance_of(LevelOfCare)
    )
    services: frozenset[Service] = attrs.field(
        default=frozenset(), converter=_services, validator=_service_set
    )
    population: Population = attrs.field(
        default=Population.ADULT, validator=instance_of(Population)
    )
    needs_withdrawal_management: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    needs_extended_monitoring: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    needs_round_the_clock_care: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    needs_hospital_care: bool = attrs.field(default=False, validator=instance_of(bool))
    home_environment: HomeEnvironment = attrs.field(
        default=HomeEnvironment.SUPPORTS_RECOVERY,
        validator=instance_of(HomeEnvironment),
    )
    needs_intensive_treatment: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    weekly_hours_needed: Fraction | None = attrs.field(default=None, converter=_hours)
    goals_met: bool = attrs.field(default=False, validator=instance_of(bool))
    lower_level_effective: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    progressing: bool = attrs.field(default=True, validator=instance_of(bool))
    last_plan_change: dt.date | None = attrs.field(
        default=None, validator=optional_plain_date
    )
    days_at_current_level: int = attrs.field(default=0, validator=non_negative_int)
    total_days_in_treatment: int = attrs.field(default=0, validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if self.last_plan_change is not None and self.last_plan_change > self.as_of:
            raise InvalidValueError(
                "last_plan_change",
                self.last_plan_change,
                f"is after as_of {self.as_of}",
            )
        if self.days_at_current_level > self.total_days_in_treatment:
            raise InvalidValueError(
                "days_at_current_level",
                self.days_at_current_level,
                f"exceeds total_days_in_treatment {self.total_days_in_treatment}",
            )
        if self.needs_hospital_care and not self.needs_round_the_clock_care:
            raise InvalidValueError(
                "needs_hospital_care",
                self.needs_hospital_care,
                "implies needs_round_the_clock_care; set both",
            )
        if self.needs_extended_monitoring and not self.needs_withdrawal_management:
            raise InvalidValueError(
                "needs_extended_monitoring",
                self.needs_extended_monitoring,
                "is about withdrawal; set needs_withdrawal_management too",
            )

    @classmethod
    def from_episode(
        cls,
        episode: Episode,
        *,
        as_of: dt.date,
        needs_withdrawal_management: bool = False,
        needs_extended_monitoring: bool = False,
        needs_round_the_clock_care: bool = False,
        needs_hospital_care: bool = False,
        home_environment: HomeEnvironment = HomeEnvironment.SUPPORTS_RECOVERY,
        needs_intensive_treatment: bool = False,
        weekly_hours_needed: object = None,
        population: Population = Population.ADULT,
        goals_met: bool = False,
        lower_level_effective: bool = False,
        progressing: bool = True,
        last_plan_change: dt.date | None = None,
    ) -> ClinicalFacts:
        """Facts whose level, services and day counts come from an episode in care.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import ClinicalFacts, Episode, LevelOfCare
            >>> e = Episode(patient_id="p").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                                   on=dt.date(2026, 3, 2))
            >>> facts = ClinicalFacts.from_episode(e, as_of=dt.date(2026, 4, 6))
            >>> facts.current_level.key, facts.days_at_current_level
            ('intensive_outpatient', 35)
        """
        active = episode.current_level is not None
        return cls(
            as_of=as_of,
            current_level=episode.current_level,
            services=[s.service for s in episode.open_services] if active else [],
            population=population,
            needs_withdrawal_management=needs_withdrawal_management,
            needs_extended_monitoring=needs_extended_monitoring,
            needs_round_the_clock_care=needs_round_the_clock_care,
            needs_hospital_care=needs_hospital_care,
            home_environment=home_environment,
            needs_intensive_treatment=needs_intensive_treatment,
            weekly_hours_needed=weekly_hours_needed,
            goals_met=goals_met,
            lower_level_effective=lower_level_effective,
            progressing=progressing,
            last_plan_change=last_plan_change,
            days_at_current_level=episode.days_at_current_level(as_of) if active else 0,
            total_days_in_treatment=episode.total_days(as_of) if active else 0,
        )


@attrs.frozen(kw_only=True)
class RecommendationPolicy:
    """The policy choices of :func:`recommend`, and the standard its numbers come from.

    Args:
        standard: Every number (the 14-day "recent plan change", the 30-60 day
            review window, the 90-day minimum, the hour bands) comes from here.
        when_not_progressing: Step up (library policy) or discharge (the article).
        when_goals_met: Discharge (the article) or step down a level at a time.
        withdrawal_during_treatment: Withdrawal management beside the current
            level (library policy) or a transfer to it.

    Example:
        >>> from iopmodel.recommendations import RecommendationPolicy
        >>> from iopmodel.standards import DEFAULT_STANDARD
        >>> policy = RecommendationPolicy(
        ...     standard=DEFAULT_STANDARD.with_thresholds(recent_plan_change_days=21))
        >>> policy.standard.recent_plan_change_days.value
        21
    """

    standard: Standard = attrs.field(
        default=DEFAULT_STANDARD, validator=instance_of(Standard)
    )
    when_not_progressing: WhenNotProgressing = attrs.field(
        default=WhenNotProgressing.STEP_UP, validator=instance_of(WhenNotProgressing)
    )
    when_goals_met: WhenGoalsMet = attrs.field(
        default=WhenGoalsMet.DISCHARGE, validator=instance_of(WhenGoalsMet)
    )
    withdrawal_during_treatment: WithdrawalDuringTreatment = attrs.field(
        default=WithdrawalDuringTreatment.CONCURRENT,
        validator=instance_of(WithdrawalDuringTreatment),
    )


@attrs.frozen
class Reason:
    """One sentence of a recommendation, with its source or a library-policy marker.

    Example:
        >>> from iopmodel.recommendations import Reason
        >>> from iopmodel.sources import LIBRARY_POLICY, NIDA_PRINCIPLES
        >>> str(Reason("Most patients need at least 90 days.", NIDA_PRINCIPLES))
        'Most patients need at least 90 days. (NIDA)'
        >>> Reason("Step up rather than discharge.", LIBRARY_POLICY).library_policy
        True
    """

    text: str
    citation: Citation

    @property
    def library_policy(self) -> bool:
        """Whether this reason is the library's own choice rather than a cited fact."""
        return self.citation.library_default

    def __str__(self) -> str:
        return f"{self.text} ({self.citation.short})"


@attrs.frozen(kw_only=True)
class Recommendation:
    """An action, the level afterwards and the reasons: support for a clinician's decision.

    Attributes:
        action: What to do.
        target_level: The primary level after the action (the current level
            for continue and service actions); ``None`` for discharge.
        reasons: Sentences with citations; at least one.
        review_due: Whether a step-down review is due now.
        service: The concurrent service to start or end, for those actions.
        service_level: The level of a withdrawal-management service to start.
        discharge_reason: Why, for a discharge.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import ClinicalFacts, recommend
        >>> rec = recommend(ClinicalFacts(as_of=dt.date(2026, 3, 1),
        ...                               needs_intensive_treatment=True))
        >>> rec.action.value, rec.target_level.key, rec.reasons[0].citation.short
        ('admit', 'intensive_outpatient', 'source article')
        >>> print(str(rec).splitlines()[0])
        admit -> intensive_outpatient
    """

    action: Action
    target_level: LevelOfCare | None
    reasons: tuple[Reason, ...]
    review_due: bool = False
    service: Service | None = None
    service_level: LevelOfCare | None = None
    discharge_reason: DischargeReason | None = None

    def __str__(self) -> str:
        target = "" if self.target_level is None else f" -> {self.target_level.key}"
        if self.service is not None:
            target += f" ({self.action.value.split('_')[0]} {self.service.value})"
        head = f"{self.action.value}{target}" + (
            " (review due)" if self.review_due else ""
        )
        return "\n".join([head, *(f"  - {reason}" for reason in self.reasons)])

    def apply_to(
        self,
        episode: Episode,
        *,
        on: dt.date,
        aftercare: AftercarePlan | None = None,
    ) -> Episode:
        """Record the recommended move on *episode* (a clinician has decided to follow it).

        Raises:
            TransitionError: If the episode cannot make the move now (on hold:
                resume first; a date before its last event).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import ClinicalFacts, Episode, LevelOfCare, recommend
            >>> e = Episode(patient_id="p").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                                   on=dt.date(2026, 3, 2))
            >>> day = dt.date(2026, 4, 1)
            >>> rec = recommend(ClinicalFacts.from_episode(
            ...     e, as_of=day, needs_intensive_treatment=True,
            ...     needs_withdrawal_management=True))
            >>> rec.action.value
            'start_service'
            >>> rec.apply_to(e, on=day)
            Episode(patient_id='p', active: intensive_outpatient + withdrawal_management)
        """
        why = self.reasons[0].text
        target = self.target_level
        action = self.action
        if action is Action.CONTINUE:
            return episode
        if action is Action.DISCHARGE_TO_AFTERCARE:
            reason = self.discharge_reason or DischargeReason.GOALS_MET
            return episode.discharge(on, reason, aftercare=aftercare)
        if self.service is not None:
            if action is Action.START_SERVICE:
                return episode.start_service(
                    self.service, on=on, level=self.service_level, reason=why
                )
            return episode.end_service(self.service, on=on)
        assert target is not None  # noqa: S101 - every move names its level
        if action is Action.ADMIT:
            return episode.admit(target, on=on, reason=why)
        if action is Action.STEP_UP:
            return episode.step_up(target, on=on, reason=why)
        if action is Action.STEP_DOWN:
            return episode.step_down(target, on=on, reason=why)
        return episode.transfer(level=target, on=on, reason=why)


@attrs.frozen(kw_only=True)
class DecisionRow:
    """One row of the recommendation policy's decision table.

    Attributes:
        order: Rows are tried in order; the first that applies decides.
        when: The facts the row applies to.
        then: What it recommends.
        sources: The short names of its sources (``library policy`` for a
            choice of the library).

    Example:
        >>> from iopmodel.recommendations import decision_table
        >>> decision_table()[0].when
        'not admitted yet'
    """

    order: int
    when: str
    then: str
    sources: tuple[str, ...]


ARTICLE: Final = sources.SOURCE_ARTICLE
NIDA: Final = sources.NIDA_PRINCIPLES
POLICY: Final = sources.LIBRARY_POLICY
LEVELS: Final = sources.ASAM_3RD_EDITION

#: The treatment ladder used for step-ups and step-downs.
_LADDER: Final = (
    L.OUTPATIENT,
    L.INTENSIVE_OUTPATIENT,
    L.PARTIAL_HOSPITALIZATION,
    L.HIGH_INTENSITY_RESIDENTIAL,
    L.MEDICALLY_MONITORED_INPATIENT,
    L.MEDICALLY_MANAGED_INPATIENT,
)
#: The withdrawal-management ladder.
_WM_LADDER: Final = (
    L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
    L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED,
    L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT,
    L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT,
    L.MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT,
)
#: Every level a recommendation can name, least intensive first.
_CANDIDATES: Final = tuple(sorted((*_LADDER, L.LOW_INTENSITY_RESIDENTIAL, *_WM_LADDER)))

#: Which facts call for each level at admission, for every level a
#: recommendation can name. Levels not listed are never recommended: early
#: intervention (0.5) and long-term remission monitoring (1.0), population-
#: specific residential (3.3, no fact describes its population), and the 4th
#: edition's medically managed outpatient levels 1.7 and 2.7 (recommendations
#: use the 3rd edition's withdrawal-management levels; see
#: :meth:`~iopmodel.care.LevelOfCare.crosswalk`).
#: The values say which facts call for the level.
#:
#: :meta hide-value:
LEVELS_CALLED_FOR: Final[Mapping[LevelOfCare, str]] = MappingProxyType(
    {
        L.OUTPATIENT: "no intensive, 24-hour, living-environment or withdrawal need",
        L.AMBULATORY_WITHDRAWAL_MANAGEMENT: "withdrawal management needed",
        L.INTENSIVE_OUTPATIENT: "intensive treatment needed, or weekly hours needed "
        "inside the standard's IOP band",
        L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED: "withdrawal management with "
        "on-site monitoring through the day",
        L.PARTIAL_HOSPITALIZATION: "weekly hours needed above the standard's IOP band "
        "(for example 25 hours a week)",
        L.LOW_INTENSITY_RESIDENTIAL: "a home that enables use, outpatient-level hours",
        L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT: "withdrawal management and a home that "
        "enables use",
        L.HIGH_INTENSITY_RESIDENTIAL: "a home that enables use, and intensive "
        "treatment (or IOP-level hours or more)",
        L.MEDICALLY_MONITORED_INPATIENT: "round-the-clock medical or psychiatric care",
        L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT: "withdrawal management "
        "and round-the-clock care",
        L.MEDICALLY_MANAGED_INPATIENT: "hospital care with a physician every day (for "
        "example active suicidal ideation with intent)",
        L.MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT: "withdrawal management "
        "and hospital care",
    }
)


# -- needs ------------------------------------------------------------------------------


@attrs.frozen
class _Context:
    """The facts, the policy, and what the facts say is needed."""

    facts: ClinicalFacts
    policy: RecommendationPolicy

    @property
    def standard(self) -> Standard:
        return self.policy.standard

    @property
    def hospital(self) -> bool:
        return self.facts.needs_hospital_care

    @property
    def medical(self) -> bool:
        return self.facts.needs_round_the_clock_care or self.facts.needs_hospital_care

    @property
    def structure(self) -> bool:
        return self.facts.home_environment is HomeEnvironment.ENABLES_USE

    @property
    def withdrawal(self) -> bool:
        return self.facts.needs_withdrawal_management

    @property
    def day(self) -> LevelOfCare:
        """The outpatient level the clinical need corresponds to."""
        level = L.OUTPATIENT
        if self.facts.needs_intensive_treatment:
            level = L.INTENSIVE_OUTPATIENT
        hours = self.facts.weekly_hours_needed
        if hours is not None:
            level = max(
                level,
                self.standard.level_for_weekly_hours(hours, self.facts.population),
            )
        return level

    @property
    def no_need(self) -> bool:
        """Whether a discharge would leave no stated need unmet."""
        return (
            not (self.medical or self.structure or self.withdrawal)
            and self.day is L.OUTPATIENT
        )

    def _band_minimum(self, level: LevelOfCare) -> Fraction | None:
        band = self.standard.band(level, self.facts.population)
        return None if band is None else band.minimum

    def meets_day(self, level: LevelOfCare) -> bool:
        """Whether *level* gives at least the clinical hours the need calls for."""
        if level.withdrawal_management:
            # withdrawal management first, then treatment (source article)
            return self.withdrawal
        mine, needed = self._band_minimum(level), self._band_minimum(self.day)
        if mine is not None and needed is not None:
            return mine >= needed
        if level.round_the_clock:
            return True
        return self.day is L.OUTPATIENT or level >= self.day

    def unmet(self, level: LevelOfCare, services: frozenset[Service]) -> list[str]:
        """The needs *level* (with *services*) leaves unmet, in words."""
        out = []
        if self.hospital and level < L.MEDICALLY_MANAGED_INPATIENT:
            out.append("hospital care with a physician every day")
        if self.medical and not (
            level.round_the_clock and level.setting is Setting.INPATIENT
        ):
            out.append("round-the-clock medical or psychiatric care")
        if self.structure and not (
            level.round_the_clock or Service.RECOVERY_HOUSING in services
        ):
            out.append("a 24-hour setting away from a home that enables use")
        if self.withdrawal and not self._withdrawal_met(level, services):
            out.append("withdrawal management")
        if not self.meets_day(level):
            out.append(f"the clinical hours of {self.day.label.lower()}")
        return out

    def _withdrawal_met(self, level: LevelOfCare, services: frozenset[Service]) -> bool:
        if not level.withdrawal_management:
            return not self.medical and Service.WITHDRAWAL_MANAGEMENT in services
        if self.medical:
            return level.setting is Setting.INPATIENT
        if self.facts.needs_extended_monitoring:
            return level >= L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED
        return True

    def least(
        self, services: frozenset[Service], ladder_of: LevelOfCare | None = None
    ) -> LevelOfCare:
        """The least intensive level that meets every need (with *services*).

        With *ladder_of*, only levels on that level's ladder (withdrawal
        management or treatment) count; the level itself when none does.
        """
        found = (
            lv
            for lv in _CANDIDATES
            if (
                ladder_of is None
                or lv.withdrawal_management is ladder_of.withdrawal_management
            )
            and not self.unmet(lv, services)
        )
        return next(found, ladder_of) if ladder_of is not None else next(found)

    def ambulatory_withdrawal(self) -> LevelOfCare:
        if self.facts.needs_extended_monitoring:
            return L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED
        return L.AMBULATORY_WITHDRAWAL_MANAGEMENT

    def cap(self, current: LevelOfCare) -> LevelOfCare:
        """The most intensive level the needs justify, on the current level's ladder."""
        ladder = _WM_LADDER if current.withdrawal_management else _LADDER
        if self.hospital:
            return ladder[-1]
        if self.medical:
            return ladder[-2]
        return next(
            lv for lv in reversed(ladder) if lv.setting is not Setting.INPATIENT
        )

    def _rungs(self, current: LevelOfCare) -> tuple[LevelOfCare, ...]:
        return _WM_LADDER if current.withdrawal_management else _LADDER

    def down(self, current: LevelOfCare) -> LevelOfCare | None:
        """The next lower rung of the current level's ladder, with no more hours."""
        mine = self._band_minimum(current)
        lower = [
            lv
            for lv in self._rungs(current)
            if lv < current
            and (
                mine is None
                or (theirs := self._band_minimum(lv)) is None
                or theirs <= mine
            )
        ]
        return lower[-1] if lower else None

    def up(self, current: LevelOfCare) -> LevelOfCare | None:
        """The next higher rung of the current level's ladder, with no fewer hours."""
        mine = self._band_minimum(current)
        higher = [
            lv
            for lv in self._rungs(current)
            if lv > current
            and (
                mine is None
                or (theirs := self._band_minimum(lv)) is None
                or theirs >= mine
            )
        ]
        return higher[0] if higher else None


_SETTING_RANK: Final = {
    Setting.OUTPATIENT: 0,
    Setting.RESIDENTIAL: 1,
    Setting.INPATIENT: 2,
}


def _direction(current: LevelOfCare, target: LevelOfCare) -> Action:
    """The truthful name of a move: by intensity on one ladder, by setting across."""
    if target is current:
        return Action.CONTINUE
    if current.withdrawal_management is target.withdrawal_management:
        return Action.STEP_UP if target > current else Action.STEP_DOWN
    here, there = _SETTING_RANK[current.setting], _SETTING_RANK[target.setting]
    if here == there:
        return Action.TRANSFER
    return Action.STEP_UP if there > here else Action.STEP_DOWN


def _move(ctx: _Context, target: LevelOfCare, reasons: list[Reason]) -> Recommendation:
    current = ctx.facts.current_level
    action = Action.ADMIT if current is None else _direction(current, target)
    return Recommendation(action=action, target_level=target, reasons=tuple(reasons))


def _continue(
    ctx: _Context, reasons: list[Reason], *, review: bool = False
) -> Recommendation:
    return Recommendation(
        action=Action.CONTINUE,
        target_level=ctx.facts.current_level,
        reasons=tuple(reasons),
        review_due=review,
    )


def _discharge(reasons: list[Reason], why: DischargeReason) -> Recommendation:
    return Recommendation(
        action=Action.DISCHARGE_TO_AFTERCARE,
        target_level=None,
        reasons=(
            *reasons,
            Reason(
                "Discharge with an aftercare plan that builds and maintains a support "
                "network (mutual-support meetings such as AA or NA, continuing care).",
                ARTICLE,
            ),
        ),
        discharge_reason=why,
    )


def _need_reasons(ctx: _Context, target: LevelOfCare) -> list[Reason]:
    """Why *target*: one cited sentence per need the facts state."""
    reasons = []
    if ctx.withdrawal and target.withdrawal_management:
        reasons.append(
            Reason(
                f"Withdrawal management (detoxification) is needed first: "
                f"{target.label.lower()}, before an Intensive Outpatient Program.",
                ARTICLE,
            )
        )
    if ctx.hospital:
        reasons.append(
            Reason(
                "Acute instability needs a hospital with a physician every day: "
                "medically managed intensive inpatient care.",
                LEVELS,
            )
        )
    elif ctx.medical:
        reasons.append(
            Reason(
                "Round-the-clock medical or psychiatric care is needed: an inpatient "
                "level, not an Intensive Outpatient Program.",
                ARTICLE,
            )
        )
    if ctx.structure and not ctx.medical:
        reasons.append(
            Reason(
                "The home environment enables use: a residential or inpatient level is "
                f"recommended, not an Intensive Outpatient Program ({target.label.lower()} "
                f"gives at least the clinical hours of {ctx.day.label.lower()}).",
                ARTICLE,
            )
        )
    hours = ctx.facts.weekly_hours_needed
    if not (ctx.medical or ctx.structure or target.withdrawal_management):
        if (
            hours is not None
            and ctx.day is not L.OUTPATIENT
            and not (
                ctx.facts.needs_intensive_treatment
                and ctx.day is L.INTENSIVE_OUTPATIENT
            )
        ):
            band = ctx.standard.band(ctx.day, ctx.facts.population)
            citation = ARTICLE if band is None else band.minimum_source
            reasons.append(
                Reason(
                    f"{float(hours):g} clinical hours a week are needed: "
                    f"{ctx.day.label.lower()} under the {ctx.standard.name} standard.",
                    citation,
                )
            )
        elif ctx.day is not L.OUTPATIENT:
            reasons.append(
                Reason(
                    "Intensive treatment is needed, without detoxification and with a "
                    "stable home: an Intensive Outpatient Program fits.",
                    ARTICLE,
                )
            )
        else:
            reasons.append(
                Reason(
                    "No intensive, residential or withdrawal care is needed: "
                    "outpatient care.",
                    ARTICLE,
                )
            )
    return reasons


# -- the decision table -------------------------------------------------------------------

_Decide = Callable[[_Context], Recommendation | None]


@attrs.frozen
class _Step:
    when: str
    then: Callable[[RecommendationPolicy], str]
    sources: Callable[[RecommendationPolicy], tuple[Citation, ...]]
    decide: _Decide


def _admission(ctx: _Context) -> Recommendation | None:
    if ctx.facts.current_level is not None:
        return None
    target = ctx.least(ctx.facts.services)
    return _move(ctx, target, _need_reasons(ctx, target))


def _unmet_need(ctx: _Context) -> Recommendation | None:
    current = ctx.facts.current_level
    assert current is not None  # noqa: S101 - after admission
    services = ctx.facts.services
    unmet = ctx.unmet(current, services)
    if not unmet:
        return None
    concurrent = (
        ctx.policy.withdrawal_during_treatment is WithdrawalDuringTreatment.CONCURRENT
    )
    if (
        unmet == ["withdrawal management"]
        and not current.withdrawal_management
        and not ctx.medical
        and concurrent
    ):
        level = ctx.ambulatory_withdrawal()
        return Recommendation(
            action=Action.START_SERVICE,
            target_level=current,
            service=Service.WITHDRAWAL_MANAGEMENT,
            service_level=level,
            reasons=(
                Reason(
                    f"Withdrawal management is needed during {current.label.lower()}: "
                    f"add {level.label.lower()} beside it; the placement continues "
                    "(in practice the two run together).",
                    POLICY,
                ),
            ),
        )
    target = ctx.least(services)
    if current.withdrawal_management and not ctx.withdrawal:
        reasons = [
            Reason(
                f"Withdrawal management is complete: move on to {target.label.lower()} "
                "(an Intensive Outpatient Program can be the next step after "
                "detoxification).",
                ARTICLE,
            )
        ]
        return _move(ctx, target, reasons + _need_reasons(ctx, target))
    reasons = [
        Reason(
            f"{current.label} does not give {'; '.join(unmet)}: "
            f"{target.label.lower()} is the least intensive level that does.",
            POLICY,
        ),
        *_need_reasons(ctx, target),
    ]
    return _move(ctx, target, reasons)


def _redundant_service(ctx: _Context) -> Recommendation | None:
    current = ctx.facts.current_level
    assert current is not None  # noqa: S101 - after admission
    if Service.WITHDRAWAL_MANAGEMENT not in ctx.facts.services:
        return None
    if ctx.withdrawal and not current.withdrawal_management:
        return None
    why = (
        "withdrawal management is complete"
        if not ctx.withdrawal
        else f"{current.label.lower()} manages withdrawal itself"
    )
    return Recommendation(
        action=Action.END_SERVICE,
        target_level=current,
        service=Service.WITHDRAWAL_MANAGEMENT,
        reasons=(
            Reason(
                f"End the concurrent withdrawal management: {why}; "
                f"{current.label.lower()} continues.",
                POLICY,
            ),
        ),
    )


def _ready_for_less(ctx: _Context) -> Recommendation | None:
    facts = ctx.facts
    if not (facts.goals_met or facts.lower_level_effective):
        return None
    current = facts.current_level
    assert current is not None  # noqa: S101 - after admission
    why = (
        "Treatment goals are met"
        if facts.goals_met
        else "A lower level of care can be provided effectively"
    )
    minimum = ctx.standard.minimum_total_days
    total = facts.total_days_in_treatment
    long_enough = total >= minimum.value
    if (
        facts.goals_met
        and ctx.policy.when_goals_met is WhenGoalsMet.DISCHARGE
        and ctx.no_need
        and long_enough
    ):
        return _discharge(
            [Reason(f"{why} after {total} days in treatment: discharge.", ARTICLE)],
            DischargeReason.GOALS_MET,
        )
    services = facts.services
    lower = ctx.down(current)
    if lower is not None and not ctx.unmet(lower, services):
        target: LevelOfCare | None = lower
    else:
        least = ctx.least(services, ladder_of=current)
        target = least if least < current else None
    if target is not None:
        reasons = [Reason(f"{why}: step down to {target.label.lower()}.", ARTICLE)]
        if total < minimum.value:
            reasons.append(
                Reason(
                    f"{total} days in treatment so far, under {minimum.value}: "
                    "continuing care matters.",
                    minimum.source,
                )
            )
        return _move(ctx, target, reasons)
    if not ctx.no_need:
        return _continue(
            ctx,
            [
                Reason(
                    f"{why}, but the facts still state a need that "
                    f"{current.label.lower()} meets and no lower level does: continue.",
                    POLICY,
                )
            ],
        )
    if not long_enough:
        return _continue(
            ctx,
            [
                Reason(f"{why} at the lowest level of care.", ARTICLE),
                Reason(
                    f"Only {total} days in treatment in total, under the "
                    f"{minimum.value} most patients need: continue care rather than "
                    "end treatment.",
                    minimum.source,
                ),
            ],
        )
    reason = (
        DischargeReason.GOALS_MET
        if facts.goals_met
        else DischargeReason.LOWER_LEVEL_EFFECTIVE
    )
    return _discharge(
        [Reason(f"{why} at the lowest level of care: discharge.", ARTICLE)], reason
    )


def _recent_change(ctx: _Context) -> Recommendation | None:
    facts = ctx.facts
    changed = facts.last_plan_change
    window = ctx.standard.recent_plan_change_days
    if facts.progressing or changed is None:
        return None
    days = (facts.as_of - changed).days
    if days > window.value:
        return None
    return _continue(
        ctx,
        [
            Reason(
                f"Not progressing, but the plan changed {days} days ago (within "
                f"{window.value}); the change might resolve it: continue.",
                ARTICLE,
            ),
            Reason(
                f"'Recent' is {window.value} days, a library default: the article "
                "gives no number.",
                window.source,
            ),
        ],
    )


def _not_progressing(ctx: _Context) -> Recommendation | None:
    facts = ctx.facts
    if facts.progressing:
        return None
    current = facts.current_level
    assert current is not None  # noqa: S101 - after admission
    if ctx.policy.when_not_progressing is WhenNotProgressing.DISCHARGE and ctx.no_need:
        return _discharge(
            [
                Reason(
                    "Not progressing toward the goals and no recent plan change: "
                    "discharge with a referral.",
                    ARTICLE,
                )
            ],
            DischargeReason.NOT_PROGRESSING,
        )
    cap = ctx.cap(current)
    if current > cap:
        return _move(
            ctx,
            cap,
            [
                Reason(
                    f"Not progressing, and the facts do not call for "
                    f"{current.label.lower()}: {cap.label.lower()} is the most intensive "
                    "level they justify.",
                    POLICY,
                )
            ],
        )
    higher = ctx.up(current)
    if higher is not None and higher <= cap:
        return _move(
            ctx,
            higher,
            [
                Reason(
                    "Not progressing toward the goals and no recent plan change: step "
                    f"up to {higher.label.lower()} (the source article would discharge; "
                    "see RecommendationPolicy.when_not_progressing).",
                    POLICY,
                )
            ],
        )
    guard = "" if ctx.no_need else " (no discharge while a stated need remains)"
    return _continue(
        ctx,
        [
            Reason(
                f"Not progressing at {current.label.lower()}, the most intensive level "
                f"the facts justify: continue and revise the treatment plan{guard}.",
                POLICY,
            )
        ],
    )


def _progressing(ctx: _Context) -> Recommendation:
    facts = ctx.facts
    current = facts.current_level
    assert current is not None  # noqa: S101 - after admission
    least = ctx.least(facts.services, ladder_of=current)
    if least < current and (current.round_the_clock or current.withdrawal_management):
        what = (
            "Withdrawal no longer needs this much care"
            if current.withdrawal_management
            else "Round-the-clock care is no longer needed"
        )
        return _move(
            ctx,
            least,
            [
                Reason(
                    f"{what}: {least.label.lower()} is the least intensive level that "
                    "meets the needs (an Intensive Outpatient Program can be the next "
                    "step after inpatient care or detoxification).",
                    ARTICLE,
                )
            ],
        )
    reasons = [Reason("Progressing toward the goals at this level: continue.", ARTICLE)]
    start = ctx.standard.step_down_review_from_days
    until = ctx.standard.step_down_review_until_days
    days = facts.days_at_current_level
    review = current is L.INTENSIVE_OUTPATIENT and days >= start.value
    if review:
        window = f"{start.value}-{until.value}"
        text = (
            f"{days} days at IOP: many patients step down after {window} days; "
            "review for step down."
            if days <= until.value
            else f"{days} days at IOP, past the usual {window} days: review for "
            "step down."
        )
        reasons.append(Reason(text, start.source))
    return _continue(ctx, reasons, review=review)


def _policy_text(policy: RecommendationPolicy) -> dict[str, str]:
    standard = policy.standard
    return {
        "recent": str(standard.recent_plan_change_days.value),
        "minimum": str(standard.minimum_total_days.value),
        "from": str(standard.step_down_review_from_days.value),
        "until": str(standard.step_down_review_until_days.value),
    }


def _not_progressing_then(policy: RecommendationPolicy) -> str:
    first = (
        "discharge with a referral if no need is left; otherwise "
        if policy.when_not_progressing is WhenNotProgressing.DISCHARGE
        else ""
    )
    return (
        f"{first}step up one rung of the current ladder, up to the most intensive "
        "level the needs justify (a 24-hour need: medically monitored; hospital "
        "care: medically managed; otherwise high-intensity residential, or "
        "residential withdrawal management); there, continue and revise the plan"
    )


def _goals_then(policy: RecommendationPolicy) -> str:
    values = _policy_text(policy)
    first = (
        f"with no need left and {values['minimum']} days or more in treatment: "
        "discharge to aftercare (goals met); otherwise "
        if policy.when_goals_met is WhenGoalsMet.DISCHARGE
        else ""
    )
    return (
        f"{first}step down one rung, never below the stated need; at the lowest "
        f"level, discharge to aftercare after {values['minimum']} days in total, "
        "continue before"
    )


def _withdrawal_then(policy: RecommendationPolicy) -> str:
    if policy.withdrawal_during_treatment is WithdrawalDuringTreatment.CONCURRENT:
        return (
            "if only withdrawal management is missing: start it as a concurrent "
            "service; otherwise move to the least intensive level that meets every "
            "need (step up or down by intensity on one ladder, by setting between "
            "ladders; transfer in the same setting)"
        )
    return (
        "move to the least intensive level that meets every need (step up or down "
        "by intensity on one ladder, by setting between ladders; transfer in the "
        "same setting)"
    )


def _cites(
    *citations: Citation,
) -> Callable[[RecommendationPolicy], tuple[Citation, ...]]:
    return lambda _policy: citations


_STEPS: Final = (
    _Step(
        when="not admitted yet",
        then=lambda _p: (
            "admit to the least intensive level that meets every need: "
            "withdrawal management first; hospital care, 24-hour care, a home that "
            "enables use, then the hours needed"
        ),
        sources=_cites(ARTICLE, LEVELS),
        decide=_admission,
    ),
    _Step(
        when="the current level (with its concurrent services) leaves a stated need "
        "unmet",
        then=_withdrawal_then,
        sources=lambda p: (
            (ARTICLE, POLICY)
            if p.withdrawal_during_treatment is WithdrawalDuringTreatment.CONCURRENT
            else (ARTICLE,)
        ),
        decide=_unmet_need,
    ),
    _Step(
        when="concurrent withdrawal management runs, but withdrawal is over or the "
        "level manages it",
        then=lambda _p: "end the concurrent service",
        sources=_cites(POLICY),
        decide=_redundant_service,
    ),
    _Step(
        when="goals met, or a lower level can be effective",
        then=_goals_then,
        sources=lambda p: (ARTICLE, p.standard.minimum_total_days.source),
        decide=_ready_for_less,
    ),
    _Step(
        when="not progressing, and the plan changed recently",
        then=lambda p: (
            f"continue: the change might resolve it (recent: within "
            f"{_policy_text(p)['recent']} days)"
        ),
        sources=lambda p: (ARTICLE, p.standard.recent_plan_change_days.source),
        decide=_recent_change,
    ),
    _Step(
        when="not progressing, no recent plan change",
        then=_not_progressing_then,
        sources=lambda p: (
            (ARTICLE, POLICY)
            if p.when_not_progressing is WhenNotProgressing.DISCHARGE
            else (POLICY,)
        ),
        decide=_not_progressing,
    ),
    _Step(
        when="progressing",
        then=lambda p: (
            "leave 24-hour care or withdrawal management that is no longer "
            "needed for the least intensive level that meets the needs; otherwise "
            f"continue, with a step-down review due from {_policy_text(p)['from']} days "
            f"at IOP (many step down after {_policy_text(p)['from']}-"
            f"{_policy_text(p)['until']} days)"
        ),
        sources=lambda p: (ARTICLE, p.standard.step_down_review_from_days.source),
        decide=_progressing,
    ),
)


def decision_table(
    policy: RecommendationPolicy = RecommendationPolicy(),
) -> tuple[DecisionRow, ...]:
    """The rows :func:`recommend` tries, in order, with *policy*'s choices and numbers.

    Example:
        >>> from iopmodel.recommendations import decision_table
        >>> row = next(r for r in decision_table() if "recently" in r.when)
        >>> row.then
        'continue: the change might resolve it (recent: within 14 days)'
        >>> row.sources
        ('source article', 'library default')
    """
    check_arg(instance_of(RecommendationPolicy), "policy", policy)
    return tuple(
        DecisionRow(
            order=index,
            when=step.when,
            then=step.then(policy),
            sources=tuple(dict.fromkeys(c.short for c in step.sources(policy))),
        )
        for index, step in enumerate(_STEPS, start=1)
    )


def recommend(
    facts: ClinicalFacts,
    policy: RecommendationPolicy = RecommendationPolicy(),
) -> Recommendation:
    """Recommend an action and a level, with cited reasons.

    Decision support, not a decision. The rows of :func:`decision_table` are
    tried in order; the first that applies decides. In short:

    - before admission: the least intensive level that meets every need
      (withdrawal management first, before IOP);
    - a need the current level does not meet: withdrawal management is added
      beside an ongoing program (or, by policy, a transfer), otherwise a move
      to the least intensive level that meets it;
    - goals met, or a lower level can be effective: step down, never below the
      need; discharge to aftercare when nothing is needed and the minimum
      total days are reached (NIDA's 90 by default);
    - not progressing: continue if the plan changed recently; otherwise step
      up, up to the most intensive level the needs justify (policy);
    - progressing: leave 24-hour care or withdrawal management that is no
      longer needed; a step-down review is due at IOP from 30 days.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import ClinicalFacts, LevelOfCare, recommend
        >>> facts = ClinicalFacts(as_of=dt.date(2026, 4, 20),
        ...                       current_level=LevelOfCare.INTENSIVE_OUTPATIENT,
        ...                       goals_met=True, days_at_current_level=45,
        ...                       total_days_in_treatment=50)
        >>> rec = recommend(facts)
        >>> rec.action.value, rec.target_level.key
        ('step_down', 'outpatient')
    """
    check_arg(instance_of(ClinicalFacts), "facts", facts)
    check_arg(instance_of(RecommendationPolicy), "policy", policy)
    ctx = _Context(facts, policy)
    for step in _STEPS[:-1]:
        found = step.decide(ctx)
        if found is not None:
            return found
    return _progressing(ctx)
