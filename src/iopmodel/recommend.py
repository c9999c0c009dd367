"""Explained level-of-care recommendations: decision support, not decisions.

:func:`recommend` turns the facts a clinician records into a
:class:`Recommendation`: an action (admit, continue, step down, step up,
discharge to aftercare), a target level, and the reasons as sentences, each
citing its source. It encodes the source article's logic and NIDA's 90-day
principle. It is not ASAM or LOCUS placement logic and copies none of their
criteria: a clinician's assessment decides.

Targets are chosen from the level table's own attributes (setting, round-the-clock
care, withdrawal management), so the logic never names an ASAM or LOCUS code.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import attrs

from iopmodel import sources
from iopmodel._validators import (
    check_arg,
    instance_of,
    non_negative_int,
    optional_instance_of,
    optional_plain_date,
    plain_date,
    positive_int,
)
from iopmodel.care import LevelOfCare, Setting
from iopmodel.episodes import Episode
from iopmodel.errors import InvalidValueError
from iopmodel.sources import Citation

__all__ = [
    "Action",
    "ClinicalFacts",
    "HomeEnvironment",
    "Reason",
    "Recommendation",
    "RecommendationPolicy",
    "recommend",
]


class Action(enum.Enum):
    """What a recommendation proposes.

    Example:
        >>> from iopmodel.recommend import Action
        >>> Action.DISCHARGE_TO_AFTERCARE.value
        'discharge_to_aftercare'
    """

    ADMIT = "admit"
    CONTINUE = "continue"
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    DISCHARGE_TO_AFTERCARE = "discharge_to_aftercare"


class HomeEnvironment(enum.Enum):
    """Whether the patient's home supports recovery or enables use.

    Example:
        >>> from iopmodel.recommend import HomeEnvironment
        >>> HomeEnvironment("enables_use")
        <HomeEnvironment.ENABLES_USE: 'enables_use'>
    """

    SUPPORTS_RECOVERY = "supports_recovery"
    ENABLES_USE = "enables_use"


@attrs.frozen(kw_only=True)
class ClinicalFacts:
    """The facts a clinician records, as of one day.

    Args:
        as_of: The day the facts describe.
        current_level: The level the patient is at, or ``None`` before admission.
        needs_withdrawal_management: Whether withdrawal must be managed (detox).
        needs_round_the_clock_care: Whether 24-hour medical or psychiatric care
            is needed.
        home_environment: Whether home supports recovery or enables use.
        needs_intensive_treatment: Whether more than routine outpatient care is
            needed.
        goals_met: Whether the treatment goals are met.
        lower_level_effective: Whether a lower level can be provided effectively.
        progressing: Whether the patient is progressing toward the goals.
        last_plan_change: The day the treatment plan last changed, if ever.
        days_at_current_level: Days at the current level.
        total_days_in_treatment: Days in treatment at every level.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import ClinicalFacts
        >>> from iopmodel.recommend import HomeEnvironment
        >>> facts = ClinicalFacts(as_of=dt.date(2026, 3, 1), needs_intensive_treatment=True,
        ...                       home_environment=HomeEnvironment.SUPPORTS_RECOVERY)
        >>> facts.current_level is None
        True
    """

    as_of: dt.date = attrs.field(validator=plain_date)
    current_level: LevelOfCare | None = attrs.field(
        default=None, validator=optional_instance_of(LevelOfCare)
    )
    needs_withdrawal_management: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    needs_round_the_clock_care: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    home_environment: HomeEnvironment = attrs.field(
        default=HomeEnvironment.SUPPORTS_RECOVERY,
        validator=instance_of(HomeEnvironment),
    )
    needs_intensive_treatment: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
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

    @classmethod
    def from_episode(
        cls,
        episode: Episode,
        *,
        as_of: dt.date,
        needs_withdrawal_management: bool = False,
        needs_round_the_clock_care: bool = False,
        home_environment: HomeEnvironment = HomeEnvironment.SUPPORTS_RECOVERY,
        needs_intensive_treatment: bool = False,
        goals_met: bool = False,
        lower_level_effective: bool = False,
        progressing: bool = True,
        last_plan_change: dt.date | None = None,
    ) -> ClinicalFacts:
        """Facts whose level and day counts come from an active episode.

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
            needs_withdrawal_management=needs_withdrawal_management,
            needs_round_the_clock_care=needs_round_the_clock_care,
            home_environment=home_environment,
            needs_intensive_treatment=needs_intensive_treatment,
            goals_met=goals_met,
            lower_level_effective=lower_level_effective,
            progressing=progressing,
            last_plan_change=last_plan_change,
            days_at_current_level=episode.days_at_current_level(as_of) if active else 0,
            total_days_in_treatment=episode.total_days(as_of) if active else 0,
        )


@attrs.frozen(kw_only=True)
class RecommendationPolicy:
    """The numbers the recommendation logic uses, each with its source.

    Args:
        recent_change_days: A plan change within this many days "might resolve"
            a lack of progress (default 14).
        review_from_days: Days at IOP after which a step-down review is due
            (source article: 30-60 days).
        review_until_days: End of the usual step-down window.
        minimum_total_days: Days in treatment before an end of treatment
            (NIDA: 90).

    Example:
        >>> from iopmodel.recommend import RecommendationPolicy
        >>> RecommendationPolicy().minimum_total_days
        90
    """

    recent_change_days: int = attrs.field(default=14, validator=positive_int)
    review_from_days: int = attrs.field(default=30, validator=positive_int)
    review_until_days: int = attrs.field(default=60, validator=positive_int)
    minimum_total_days: int = attrs.field(default=90, validator=positive_int)


@attrs.frozen
class Reason:
    """One sentence of a recommendation, with its source.

    Example:
        >>> from iopmodel.recommend import Reason
        >>> from iopmodel.sources import NIDA_PRINCIPLES
        >>> str(Reason("Most patients need at least 90 days.", NIDA_PRINCIPLES))
        'Most patients need at least 90 days. (NIDA)'
    """

    text: str
    citation: Citation

    def __str__(self) -> str:
        return f"{self.text} ({self.citation.short})"


@attrs.frozen(kw_only=True)
class Recommendation:
    """An action, a target level and the reasons: support for a clinician's decision.

    Attributes:
        action: What to do.
        target_level: The level to go to (or stay at); ``None`` for discharge.
        reasons: Sentences with citations; at least one.
        review_due: Whether a step-down review is due now.

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

    def __str__(self) -> str:
        target = "" if self.target_level is None else f" -> {self.target_level.key}"
        head = f"{self.action.value}{target}" + (
            " (review due)" if self.review_due else ""
        )
        return "\n".join([head, *(f"  - {reason}" for reason in self.reasons)])


ARTICLE: Final = sources.SOURCE_ARTICLE
NIDA: Final = sources.NIDA_PRINCIPLES

#: The main ladder used for step-ups and step-downs (no withdrawal management).
_LADDER: Final = (
    LevelOfCare.OUTPATIENT,
    LevelOfCare.INTENSIVE_OUTPATIENT,
    LevelOfCare.PARTIAL_HOSPITALIZATION,
    LevelOfCare.HIGH_INTENSITY_RESIDENTIAL,
    LevelOfCare.MEDICALLY_MONITORED_INPATIENT,
    LevelOfCare.MEDICALLY_MANAGED_INPATIENT,
)


def _least_intensive(
    *, setting: Setting | None, withdrawal: bool, round_the_clock: bool
) -> LevelOfCare:
    """The least intensive level with the given attributes, from the level table."""
    return min(
        level
        for level in LevelOfCare
        if level.withdrawal_management is withdrawal
        and level.round_the_clock is round_the_clock
        and (setting is None or level.setting is setting)
        and level >= LevelOfCare.OUTPATIENT
    )


def _placement(facts: ClinicalFacts) -> tuple[LevelOfCare, list[Reason]]:
    """Where the facts point, before comparing with the current level."""
    enables_use = facts.home_environment is HomeEnvironment.ENABLES_USE
    if facts.needs_withdrawal_management:
        if facts.needs_round_the_clock_care:
            setting: Setting | None = Setting.INPATIENT
            where = "an inpatient withdrawal-management level"
        elif enables_use:
            setting, where = (
                Setting.RESIDENTIAL,
                "a residential withdrawal-management level",
            )
        else:
            setting, where = (
                Setting.OUTPATIENT,
                "an ambulatory withdrawal-management level",
            )
        level = _least_intensive(
            setting=setting,
            withdrawal=True,
            round_the_clock=setting is not Setting.OUTPATIENT,
        )
        return level, [
            Reason(
                f"Withdrawal management (detoxification) is needed first: {where}, "
                "before an Intensive Outpatient Program.",
                ARTICLE,
            )
        ]
    if facts.needs_round_the_clock_care:
        level = _least_intensive(
            setting=Setting.INPATIENT, withdrawal=False, round_the_clock=True
        )
        return level, [
            Reason(
                "Round-the-clock medical or psychiatric care is needed: an inpatient "
                "level, not an Intensive Outpatient Program.",
                ARTICLE,
            )
        ]
    if enables_use:
        level = _least_intensive(
            setting=Setting.RESIDENTIAL, withdrawal=False, round_the_clock=True
        )
        return level, [
            Reason(
                "The home environment enables use: a residential or inpatient level is "
                "recommended, not an Intensive Outpatient Program.",
                ARTICLE,
            )
        ]
    if facts.needs_intensive_treatment:
        return LevelOfCare.INTENSIVE_OUTPATIENT, [
            Reason(
                "Intensive treatment is needed, without detoxification and with a "
                "stable home: an Intensive Outpatient Program fits.",
                ARTICLE,
            )
        ]
    return LevelOfCare.OUTPATIENT, [
        Reason(
            "No intensive, residential or withdrawal care is needed: outpatient care.",
            ARTICLE,
        )
    ]


def _step_down_target(facts: ClinicalFacts, current: LevelOfCare) -> LevelOfCare | None:
    if current.withdrawal_management or current.round_the_clock:
        # The article: IOP can be the next step after inpatient care or detox.
        return (
            LevelOfCare.INTENSIVE_OUTPATIENT
            if facts.needs_intensive_treatment
            else LevelOfCare.OUTPATIENT
        )
    lower = [level for level in _LADDER if level < current]
    return lower[-1] if lower else None


def _step_up_target(current: LevelOfCare) -> LevelOfCare | None:
    higher = [level for level in _LADDER if level > current]
    return higher[0] if higher else None


def _move_to(target: LevelOfCare, current: LevelOfCare) -> Action:
    if target is current:
        return Action.CONTINUE
    return Action.STEP_UP if target > current else Action.STEP_DOWN


def recommend(
    facts: ClinicalFacts, policy: RecommendationPolicy = RecommendationPolicy()
) -> Recommendation:
    """Recommend an action and a level, with cited reasons.

    Decision support, not a decision. The logic, after the source article:

    - withdrawal management needed -> a withdrawal-management level before IOP;
    - round-the-clock care needed, or a home that enables use -> an inpatient or
      residential level, not IOP;
    - intensive treatment needed, no detox, stable home -> IOP (alone, or as the
      step down after inpatient care or detox);
    - goals met, or a lower level can be effective -> step down, or discharge
      to aftercare from the lowest level; under 90 days in treatment in total,
      continuing care rather than an end of treatment (NIDA);
    - not progressing -> step up (or discharge), unless the plan changed
      recently (within ``policy.recent_change_days``) -> continue;
    - 30-60 days at IOP -> a step-down review is due.

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
    current = facts.current_level
    needed, reasons = _placement(facts)
    if current is None:
        return Recommendation(
            action=Action.ADMIT, target_level=needed, reasons=tuple(reasons)
        )

    # Safety first: needs the current level cannot meet.
    unmet = (
        (facts.needs_withdrawal_management and not current.withdrawal_management)
        or (
            facts.needs_round_the_clock_care
            and current.setting is not Setting.INPATIENT
        )
        or (
            facts.home_environment is HomeEnvironment.ENABLES_USE
            and not current.round_the_clock
        )
    )
    if unmet and needed is not current:
        return Recommendation(
            action=_move_to(needed, current),
            target_level=needed,
            reasons=tuple(reasons),
        )

    # Care the patient no longer needs: detox done, 24-hour care no longer needed.
    enables_use = facts.home_environment is HomeEnvironment.ENABLES_USE
    detox_done = current.withdrawal_management and not facts.needs_withdrawal_management
    day_care_enough = (
        current.round_the_clock
        and not facts.needs_round_the_clock_care
        and not facts.needs_withdrawal_management
        and not enables_use
    )
    outgrown = detox_done or day_care_enough
    if outgrown and needed < current:
        done = (
            "Withdrawal management is complete"
            if current.withdrawal_management
            else "Round-the-clock care is no longer needed"
        )
        return Recommendation(
            action=Action.STEP_DOWN,
            target_level=needed,
            reasons=(
                Reason(
                    f"{done}: step down to {needed.label.lower()} (an Intensive "
                    "Outpatient Program can be the next step after inpatient care or "
                    "detoxification).",
                    ARTICLE,
                ),
                *reasons,
            ),
        )

    if facts.goals_met or facts.lower_level_effective:
        return _when_ready_for_less(facts, current, policy)
    if not facts.progressing:
        return _when_not_progressing(facts, current, policy)
    return _when_progressing(facts, current, policy)


def _when_ready_for_less(
    facts: ClinicalFacts, current: LevelOfCare, policy: RecommendationPolicy
) -> Recommendation:
    why = (
        "Treatment goals are met"
        if facts.goals_met
        else "A lower level of care can be provided effectively"
    )
    target = _step_down_target(facts, current)
    if target is not None and target < current:
        reasons = [Reason(f"{why}: step down to {target.label.lower()}.", ARTICLE)]
        if facts.total_days_in_treatment < policy.minimum_total_days:
            reasons.append(
                Reason(
                    f"{facts.total_days_in_treatment} days in treatment so far, under "
                    f"{policy.minimum_total_days}: continuing care matters.",
                    NIDA,
                )
            )
        return Recommendation(
            action=Action.STEP_DOWN, target_level=target, reasons=tuple(reasons)
        )
    if facts.total_days_in_treatment < policy.minimum_total_days:
        return Recommendation(
            action=Action.CONTINUE,
            target_level=current,
            reasons=(
                Reason(f"{why} at the lowest level of care.", ARTICLE),
                Reason(
                    f"Only {facts.total_days_in_treatment} days in treatment in total, "
                    f"under the {policy.minimum_total_days} most patients need: continue "
                    "care rather than end treatment.",
                    NIDA,
                ),
            ),
        )
    return Recommendation(
        action=Action.DISCHARGE_TO_AFTERCARE,
        target_level=None,
        reasons=(
            Reason(f"{why} at the lowest level of care: discharge.", ARTICLE),
            Reason(
                "Discharge with an aftercare plan that builds and maintains a support "
                "network (mutual-support meetings such as AA or NA, continuing care).",
                ARTICLE,
            ),
        ),
    )


def _when_not_progressing(
    facts: ClinicalFacts, current: LevelOfCare, policy: RecommendationPolicy
) -> Recommendation:
    changed = facts.last_plan_change
    if (
        changed is not None
        and (facts.as_of - changed).days <= policy.recent_change_days
    ):
        days = (facts.as_of - changed).days
        return Recommendation(
            action=Action.CONTINUE,
            target_level=current,
            reasons=(
                Reason(
                    f"Not progressing, but the plan changed {days} days ago (within "
                    f"{policy.recent_change_days}); the change might resolve it: continue.",
                    ARTICLE,
                ),
            ),
        )
    target = _step_up_target(current)
    if target is None:
        return Recommendation(
            action=Action.DISCHARGE_TO_AFTERCARE,
            target_level=None,
            reasons=(
                Reason(
                    "Not progressing at the most intensive level, with no recent plan "
                    "change: discharge with an aftercare plan and a referral.",
                    ARTICLE,
                ),
            ),
        )
    return Recommendation(
        action=Action.STEP_UP,
        target_level=target,
        reasons=(
            Reason(
                "Not progressing toward the goals and no recent plan change: step up to "
                f"{target.label.lower()} (or discharge, if more care will not help).",
                ARTICLE,
            ),
        ),
    )


def _when_progressing(
    facts: ClinicalFacts, current: LevelOfCare, policy: RecommendationPolicy
) -> Recommendation:
    reasons = [Reason("Progressing toward the goals at this level: continue.", ARTICLE)]
    review = False
    if current is LevelOfCare.INTENSIVE_OUTPATIENT and (
        facts.days_at_current_level >= policy.review_from_days
    ):
        review = True
        window = f"{policy.review_from_days}-{policy.review_until_days}"
        if facts.days_at_current_level <= policy.review_until_days:
            text = (
                f"{facts.days_at_current_level} days at IOP: many patients step down "
                f"after {window} days; review for step down."
            )
        else:
            text = (
                f"{facts.days_at_current_level} days at IOP, past the usual {window} "
                "days: review for step down."
            )
        reasons.append(Reason(text, ARTICLE))
    return Recommendation(
        action=Action.CONTINUE,
        target_level=current,
        reasons=tuple(reasons),
        review_due=review,
    )
