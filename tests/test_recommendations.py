"""Recommendations: one example per rule of the source article, the issue's pathways, properties.

The source article (TruHealing Centers, quoting SAMHSA and NIDA) says IOPs are
'a great option if you need intensive treatment but ... do not require medical
detoxification, and have a stable home life'; 'Patients will be discharged if
their treatment goals have been met, or if it's decided that a lower level of
care can be provided effectively'; 'Patients may also be discharged if they are
not progressing toward their goals, unless a recent treatment plan change might
resolve this issue'; many 'transition to a less intensive treatment plan after
30-60 days'. NIDA: at least 90 days in treatment in total.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopmodel import (
    ClinicalFacts,
    DischargeReason,
    Episode,
    InvalidValueError,
    LevelOfCare,
    Population,
    recommend,
    sources,
)
from iopmodel.recommendations import (
    LEVELS_CALLED_FOR,
    Action,
    HomeEnvironment,
    RecommendationPolicy,
    WhenGoalsMet,
    WhenNotProgressing,
    WithdrawalDuringTreatment,
    decision_table,
)
from iopmodel.services import Service
from iopmodel.standards import DEFAULT_STANDARD, MEDICARE_2024_STANDARD, Standard
from iopmodel.strategies import (
    check_recommendation,
    clinical_facts,
    follow_recommendations,
    levels,
    populations,
)

L = LevelOfCare
TODAY = dt.date(2026, 4, 20)
MOST_STEPS = 9
ENABLES = HomeEnvironment.ENABLES_USE


def facts(**changes: Any) -> ClinicalFacts:
    fields: dict[str, Any] = {"as_of": TODAY}
    fields.update(changes)
    return ClinicalFacts(**fields)


def at(
    level: LevelOfCare, days: int = 20, total: int = 20, **changes: Any
) -> ClinicalFacts:
    return facts(
        current_level=level,
        days_at_current_level=days,
        total_days_in_treatment=total,
        **changes,
    )


def episode_at(level: LevelOfCare, days: int = 20) -> Episode:
    return Episode(patient_id="p").admit(level, on=TODAY - dt.timedelta(days=days))


def path_from(level: LevelOfCare | None, **recorded: Any) -> list[str]:
    """Follow recommendations with unchanged facts; the moves as 'action->level'."""
    start = Episode(patient_id="p") if level is None else episode_at(level)
    _, path = follow_recommendations(start, recorded, on=TODAY)
    return [
        f"{r.action.value}->{r.target_level.key if r.target_level else None}"
        for r in path
    ]


class TestAdmission:
    """Admission: the least intensive level that meets every need."""

    def test_withdrawal_first(self) -> None:
        """Withdrawal management needed -> a withdrawal-management level before IOP."""
        rec = recommend(
            facts(needs_withdrawal_management=True, needs_intensive_treatment=True)
        )
        assert (rec.action, rec.target_level) == (
            Action.ADMIT,
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
        )
        assert "before an Intensive Outpatient Program" in rec.reasons[0].text
        assert rec.reasons[0].citation is sources.SOURCE_ARTICLE

    def test_withdrawal_with_round_the_clock_care(self) -> None:
        """Detox with 24-hour medical care needed -> inpatient withdrawal management."""
        rec = recommend(
            facts(needs_withdrawal_management=True, needs_round_the_clock_care=True)
        )
        assert rec.target_level is L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT

    def test_round_the_clock_care(self) -> None:
        """'Patients in IOPs do not require around the clock care' -> inpatient (3.7)."""
        rec = recommend(facts(needs_round_the_clock_care=True))
        assert rec.target_level is L.MEDICALLY_MONITORED_INPATIENT
        assert rec.reasons[0].citation is sources.SOURCE_ARTICLE

    def test_intensive_stable_home(self) -> None:
        """Intensive treatment, no detox, stable home -> IOP."""
        rec = recommend(facts(needs_intensive_treatment=True))
        assert (rec.action, rec.target_level) == (Action.ADMIT, L.INTENSIVE_OUTPATIENT)

    def test_otherwise_outpatient(self) -> None:
        """No intensive need -> outpatient."""
        assert recommend(facts()).target_level is L.OUTPATIENT

    def test_adolescent_hours_use_the_adolescent_band(self) -> None:
        """Seven hours a week is IOP for an adolescent (floor 6, SAMHSA 2021), not an adult."""
        adolescent = recommend(
            facts(weekly_hours_needed=7, population=Population.ADOLESCENT)
        )
        adult = recommend(facts(weekly_hours_needed=7))
        assert adolescent.target_level is L.INTENSIVE_OUTPATIENT
        assert adult.target_level is L.OUTPATIENT


class TestIssueExamples:
    """Each pathway the issue found wrong, with the clinically right answer."""

    def test_not_progressing_at_iop_does_not_loop(self) -> None:
        """IOP, not progressing: up to PHP, then high-intensity residential, then stay.

        Before: IOP -> PHP -> 3.5 -> IOP -> ... (3.5 stepped down at once).
        """
        assert path_from(L.INTENSIVE_OUTPATIENT, progressing=False) == [
            "step_up->partial_hospitalization",
            "step_up->high_intensity_residential",
            "continue->high_intensity_residential",
        ]
        rec = recommend(at(L.HIGH_INTENSITY_RESIDENTIAL, progressing=False))
        assert "revise the treatment plan" in rec.reasons[0].text
        assert rec.reasons[0].library_policy

    def test_not_progressing_in_ambulatory_withdrawal_management(self) -> None:
        """1-WM, not progressing, withdrawal open: up the withdrawal ladder, never to IOP."""
        path = path_from(
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
            progressing=False,
            needs_withdrawal_management=True,
        )
        assert path == [
            "step_up->ambulatory_withdrawal_management_extended",
            "step_up->residential_withdrawal_management",
            "continue->residential_withdrawal_management",
        ]

    @pytest.mark.parametrize(
        ("level", "withdrawal"),
        [
            (L.MEDICALLY_MANAGED_INPATIENT, False),
            (L.MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT, True),
        ],
    )
    def test_not_progressing_at_the_top_with_a_24_hour_need(
        self, level: LevelOfCare, withdrawal: bool
    ) -> None:
        """Level 4 or 4-WM, not progressing, still needing hospital care: never discharge."""
        rec = recommend(
            at(level, progressing=False, needs_round_the_clock_care=True,
               needs_hospital_care=True, needs_withdrawal_management=withdrawal)
        )  # fmt: skip
        assert (rec.action, rec.target_level) == (Action.CONTINUE, level)

    def test_25_hours_a_week_is_partial_hospitalization(self) -> None:
        """A patient who needs about 25 h a week: PHP (over 20, the default standard)."""
        rec = recommend(facts(weekly_hours_needed=25, needs_intensive_treatment=True))
        assert rec.target_level is L.PARTIAL_HOSPITALIZATION
        assert rec.reasons[0].citation.short == "SAMHSA TIP 47"
        at_iop = recommend(at(L.INTENSIVE_OUTPATIENT, weekly_hours_needed=25))
        assert (at_iop.action, at_iop.target_level) == (
            Action.STEP_UP,
            L.PARTIAL_HOSPITALIZATION,
        )

    def test_twenty_hours_follows_the_standard(self) -> None:
        """20 h a week is IOP in the default standard, PHP under Medicare 2024 (42 CFR 410.43)."""
        medicare = RecommendationPolicy(standard=MEDICARE_2024_STANDARD)
        assert recommend(facts(weekly_hours_needed=20)).target_level is (
            L.INTENSIVE_OUTPATIENT
        )
        assert recommend(facts(weekly_hours_needed=20), medicare).target_level is (
            L.PARTIAL_HOSPITALIZATION
        )

    def test_active_suicidal_ideation_calls_for_level_4(self) -> None:
        """A 24-hour psychiatric need needing a hospital (active SI with intent) -> level 4."""
        rec = recommend(
            facts(needs_round_the_clock_care=True, needs_hospital_care=True)
        )
        assert rec.target_level is L.MEDICALLY_MANAGED_INPATIENT
        at_iop = recommend(
            at(L.INTENSIVE_OUTPATIENT, needs_round_the_clock_care=True,
               needs_hospital_care=True)
        )  # fmt: skip
        assert (at_iop.action, at_iop.target_level) == (
            Action.STEP_UP,
            L.MEDICALLY_MANAGED_INPATIENT,
        )

    def test_enabling_home_with_intensive_need(self) -> None:
        """A home that enables use and an IOP-level need: a 24-hour setting with as many hours.

        Before: 3.1 (about 5 clinical hours a week), less than the IOP needed.
        """
        rec = recommend(facts(home_environment=ENABLES, needs_intensive_treatment=True))
        assert rec.target_level is L.HIGH_INTENSITY_RESIDENTIAL
        low = recommend(facts(home_environment=ENABLES))
        assert low.target_level is L.LOW_INTENSITY_RESIDENTIAL

    def test_leaving_24_hour_care_with_an_enabling_home(self) -> None:
        """Goals met at 3.5, home still enables use: 3.1 (24-hour structure), not outpatient."""
        rec = recommend(at(L.HIGH_INTENSITY_RESIDENTIAL, goals_met=True,
                           home_environment=ENABLES))  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.LOW_INTENSITY_RESIDENTIAL,
        )
        housed = recommend(
            at(L.INTENSIVE_OUTPATIENT, home_environment=ENABLES,
               services=[Service.RECOVERY_HOUSING])
        )  # fmt: skip
        assert housed.action is Action.CONTINUE  # recovery housing meets the need

    def test_intensive_need_at_outpatient(self) -> None:
        """At outpatient, a new need for intensive treatment -> step up to IOP."""
        rec = recommend(at(L.OUTPATIENT, needs_intensive_treatment=True))
        assert (rec.action, rec.target_level) == (
            Action.STEP_UP,
            L.INTENSIVE_OUTPATIENT,
        )

    @pytest.mark.parametrize(
        "level",
        [
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED,
        ],
    )
    def test_ambulatory_detox_complete(self, level: LevelOfCare) -> None:
        """Detox done at 1-WM or 2-WM, IOP needed: a transfer to IOP (same setting)."""
        rec = recommend(at(level, 5, 5, needs_intensive_treatment=True))
        assert (rec.action, rec.target_level) == (
            Action.TRANSFER,
            L.INTENSIVE_OUTPATIENT,
        )
        assert "Withdrawal management is complete" in rec.reasons[0].text

    def test_goals_met_at_iop_after_120_days(self) -> None:
        """Goals met at IOP after 120 days in treatment: discharge (the article)."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, 60, 120, goals_met=True))
        assert rec.action is Action.DISCHARGE_TO_AFTERCARE
        assert rec.discharge_reason is DischargeReason.GOALS_MET
        stepwise = RecommendationPolicy(when_goals_met=WhenGoalsMet.STEP_DOWN)
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, 60, 120, goals_met=True), stepwise)
        assert (rec.action, rec.target_level) == (Action.STEP_DOWN, L.OUTPATIENT)

    def test_relapse_needing_withdrawal_management_during_iop(self) -> None:
        """A relapse needing detox during IOP: withdrawal management beside IOP, not a step down."""
        episode = episode_at(L.INTENSIVE_OUTPATIENT, 30)
        rec = recommend(
            ClinicalFacts.from_episode(episode, as_of=TODAY, needs_intensive_treatment=True,
                                       needs_withdrawal_management=True)
        )  # fmt: skip
        assert rec.action is Action.START_SERVICE
        assert (rec.service, rec.service_level) == (
            Service.WITHDRAWAL_MANAGEMENT,
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
        )
        assert rec.target_level is L.INTENSIVE_OUTPATIENT
        after = rec.apply_to(episode, on=TODAY)
        assert after.current_level is L.INTENSIVE_OUTPATIENT
        assert [s.service for s in after.open_services] == [
            Service.WITHDRAWAL_MANAGEMENT
        ]
        done = recommend(
            ClinicalFacts.from_episode(after, as_of=TODAY + dt.timedelta(days=5),
                                       needs_intensive_treatment=True)
        )  # fmt: skip
        assert (done.action, done.service) == (
            Action.END_SERVICE,
            Service.WITHDRAWAL_MANAGEMENT,
        )

    def test_relapse_by_transfer_policy(self) -> None:
        """With the transfer policy: a transfer to 1-WM, named a transfer (same setting)."""
        policy = RecommendationPolicy(
            withdrawal_during_treatment=WithdrawalDuringTreatment.TRANSFER
        )
        rec = recommend(
            at(L.INTENSIVE_OUTPATIENT, needs_withdrawal_management=True,
               needs_intensive_treatment=True),
            policy,
        )  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.TRANSFER,
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
        )


class TestWithdrawalLadder:
    """Withdrawal management steps down within its own ladder as withdrawal eases."""

    def test_mild_withdrawal_after_inpatient_detox(self) -> None:
        """3.7-WM, no more 24-hour need, withdrawal still open: step down to 1-WM."""
        rec = recommend(
            at(L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT, 3, 3,
               needs_withdrawal_management=True)
        )  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT,
        )

    def test_moderate_withdrawal_after_inpatient_detox(self) -> None:
        """3.7-WM, monitoring through the day still needed: step down to 2-WM."""
        rec = recommend(
            at(L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT, 3, 3,
               needs_withdrawal_management=True, needs_extended_monitoring=True)
        )  # fmt: skip
        assert rec.target_level is L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED

    def test_still_in_withdrawal(self) -> None:
        """Still needing residential detox at 3.2-WM -> continue there."""
        level = L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT
        rec = recommend(at(level, 2, 2, needs_withdrawal_management=True,
                           home_environment=ENABLES))  # fmt: skip
        assert (rec.action, rec.target_level) == (Action.CONTINUE, level)

    def test_after_inpatient_detox(self) -> None:
        """'IOPs can also be a next step after medical detoxification' -> step down to IOP."""
        rec = recommend(
            at(L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT, 5, 5,
               needs_intensive_treatment=True)
        )  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.INTENSIVE_OUTPATIENT,
        )

    def test_new_need_for_round_the_clock_care(self) -> None:
        """At IOP, a new need for 24-hour care -> step up to inpatient."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, needs_round_the_clock_care=True))
        assert (rec.action, rec.target_level) == (
            Action.STEP_UP,
            L.MEDICALLY_MONITORED_INPATIENT,
        )


class TestDischarge:
    """Discharge and step-down, after the article and NIDA."""

    def test_goals_met_at_iop_steps_down(self) -> None:
        """Goals met at IOP, 50 days in total -> step down; continuing care is stressed."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, 45, 50, goals_met=True))
        assert (rec.action, rec.target_level) == (Action.STEP_DOWN, L.OUTPATIENT)
        assert [r.citation for r in rec.reasons] == [
            sources.SOURCE_ARTICLE,
            sources.NIDA_PRINCIPLES,
        ]

    def test_lower_level_effective(self) -> None:
        """A lower level can be effective -> step down one rung."""
        rec = recommend(at(L.PARTIAL_HOSPITALIZATION, lower_level_effective=True))
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.INTENSIVE_OUTPATIENT,
        )

    def test_lowest_level_after_90_days(self) -> None:
        """Goals met at outpatient with 120 days in total -> discharge to aftercare."""
        rec = recommend(at(L.OUTPATIENT, 40, 120, goals_met=True))
        assert rec.action is Action.DISCHARGE_TO_AFTERCARE
        assert rec.target_level is None
        assert any("aftercare plan" in r.text for r in rec.reasons)

    def test_lowest_level_before_90_days(self) -> None:
        """Goals met at outpatient with 60 days in total -> continuing care (NIDA)."""
        rec = recommend(at(L.OUTPATIENT, 10, 60, goals_met=True))
        assert (rec.action, rec.target_level) == (Action.CONTINUE, L.OUTPATIENT)
        assert rec.reasons[-1].citation is sources.NIDA_PRINCIPLES
        assert "under the 90" in rec.reasons[-1].text

    def test_minimum_comes_from_the_standard(self) -> None:
        """With a 120-day minimum in the standard, 100 days is not enough."""
        longer = RecommendationPolicy(
            standard=DEFAULT_STANDARD.with_thresholds(minimum_total_days=120)
        )
        rec = recommend(at(L.OUTPATIENT, 10, 100, goals_met=True), longer)
        assert rec.action is Action.CONTINUE
        assert "under the 120" in rec.reasons[-1].text

    def test_step_down_stays_on_the_treatment_ladder(self) -> None:
        """At IOP with concurrent withdrawal management, 'lower level' never means detox."""
        rec = recommend(
            at(L.INTENSIVE_OUTPATIENT, lower_level_effective=True,
               needs_intensive_treatment=True, needs_withdrawal_management=True,
               services=[Service.WITHDRAWAL_MANAGEMENT])
        )  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.CONTINUE,
            L.INTENSIVE_OUTPATIENT,
        )

    def test_goals_met_but_need_stated(self) -> None:
        """Goals met, but intensive treatment still stated as needed: stay at IOP."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, 60, 120, goals_met=True,
                           needs_intensive_treatment=True))  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.CONTINUE,
            L.INTENSIVE_OUTPATIENT,
        )
        assert rec.reasons[0].library_policy


class TestNotProgressing:
    """Not progressing: 'unless a recent treatment plan change might resolve this'."""

    def test_step_up(self) -> None:
        """Not progressing, no recent plan change -> step up (library policy)."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, progressing=False))
        assert (rec.action, rec.target_level) == (
            Action.STEP_UP,
            L.PARTIAL_HOSPITALIZATION,
        )
        assert rec.reasons[0].citation is sources.LIBRARY_POLICY

    def test_discharge_policy(self) -> None:
        """The article's choice: discharge with a referral when no need is left."""
        policy = RecommendationPolicy(when_not_progressing=WhenNotProgressing.DISCHARGE)
        rec = recommend(at(L.OUTPATIENT, progressing=False), policy)
        assert rec.action is Action.DISCHARGE_TO_AFTERCARE
        assert rec.discharge_reason is DischargeReason.NOT_PROGRESSING
        assert rec.reasons[0].citation is sources.SOURCE_ARTICLE
        needy = recommend(
            at(
                L.INTENSIVE_OUTPATIENT,
                progressing=False,
                needs_intensive_treatment=True,
            ),
            policy,
        )
        assert needy.action is Action.STEP_UP

    def test_recent_plan_change(self) -> None:
        """Not progressing, plan changed 10 days ago -> continue."""
        rec = recommend(
            at(L.INTENSIVE_OUTPATIENT, progressing=False,
               last_plan_change=TODAY - dt.timedelta(days=10))
        )  # fmt: skip
        assert rec.action is Action.CONTINUE
        assert "10 days ago" in rec.reasons[0].text
        assert rec.reasons[1].citation is sources.LIBRARY_DEFAULT

    def test_old_plan_change(self) -> None:
        """A change 20 days ago is not recent with the default 14-day window; with 21 it is."""
        changed = TODAY - dt.timedelta(days=20)
        case = at(L.INTENSIVE_OUTPATIENT, progressing=False, last_plan_change=changed)
        assert recommend(case).action is Action.STEP_UP
        wider = RecommendationPolicy(
            standard=DEFAULT_STANDARD.with_thresholds(recent_plan_change_days=21)
        )
        assert recommend(case, wider).action is Action.CONTINUE

    def test_above_what_the_facts_justify(self) -> None:
        """At 3.7 with no 24-hour need, not progressing: down to high-intensity residential."""
        rec = recommend(at(L.MEDICALLY_MONITORED_INPATIENT, progressing=False))
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.HIGH_INTENSITY_RESIDENTIAL,
        )


class TestReview:
    """The review: many 'transition to a less intensive treatment plan after 30-60 days'."""

    @pytest.mark.parametrize(
        ("days", "due"), [(29, False), (30, True), (60, True), (75, True)]
    )
    def test_review_window(self, days: int, due: bool) -> None:
        """From 30 days at IOP a step-down review is due."""
        rec = recommend(
            at(L.INTENSIVE_OUTPATIENT, days, days, needs_intensive_treatment=True)
        )
        assert rec.action is Action.CONTINUE
        assert rec.review_due is due
        if due:
            assert "review for step down" in rec.reasons[-1].text

    def test_not_at_other_levels(self) -> None:
        """The 30-60 day review is about IOP."""
        assert not recommend(at(L.OUTPATIENT, 45, 45)).review_due

    def test_window_comes_from_the_standard(self) -> None:
        """A standard with a 21-day start makes the review due at 21 days."""
        early = RecommendationPolicy(
            standard=DEFAULT_STANDARD.with_thresholds(step_down_review_from_days=21)
        )
        case = at(L.INTENSIVE_OUTPATIENT, 21, 21, needs_intensive_treatment=True)
        assert not recommend(case).review_due
        assert recommend(case, early).review_due


class TestFacts:
    def test_from_episode(self) -> None:
        """Level, services and day counts come from the episode."""
        episode = (
            Episode(patient_id="p")
            .admit(L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 3, 1))
            .step_down(L.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 6))
            .start_service(Service.NALTREXONE, on=dt.date(2026, 3, 6))
        )
        f = ClinicalFacts.from_episode(episode, as_of=TODAY, goals_met=True)
        assert (f.current_level, f.days_at_current_level, f.total_days_in_treatment) == (
            L.INTENSIVE_OUTPATIENT, 45, 50,
        )  # fmt: skip
        assert f.services == frozenset({Service.NALTREXONE})
        pending = ClinicalFacts.from_episode(Episode(patient_id="q"), as_of=TODAY)
        assert pending.current_level is None

    def test_invariants(self) -> None:
        """Facts that contradict themselves are refused, naming the field."""
        with pytest.raises(InvalidValueError, match="last_plan_change"):
            facts(last_plan_change=TODAY + dt.timedelta(days=1))
        with pytest.raises(InvalidValueError, match="days_at_current_level"):
            at(L.OUTPATIENT, 30, 10)
        with pytest.raises(InvalidValueError, match="needs_hospital_care"):
            facts(needs_hospital_care=True)
        with pytest.raises(InvalidValueError, match="needs_extended_monitoring"):
            facts(needs_extended_monitoring=True)
        with pytest.raises(InvalidValueError, match="weekly_hours_needed"):
            facts(weekly_hours_needed=-1)


class TestPolicy:
    def test_policy_holds_choices_not_numbers(self) -> None:
        """Every field of the policy is the standard or a choice: no bare numbers."""
        for field in attrs.fields(RecommendationPolicy):
            value = getattr(RecommendationPolicy(), field.name)
            assert isinstance(value, Standard) or field.name.startswith(
                ("when_", "withdrawal_")
            ), field.name

    def test_decision_table_from_code(self) -> None:
        """The table shows the standard's numbers and the policy's choices."""
        rows = decision_table()
        assert [r.order for r in rows] == list(range(1, len(rows) + 1))
        recent = next(r for r in rows if "recently" in r.when)
        assert "within 14 days" in recent.then
        assert "library default" in recent.sources
        ours = decision_table(
            RecommendationPolicy(
                standard=DEFAULT_STANDARD.with_thresholds(recent_plan_change_days=21),
                when_not_progressing=WhenNotProgressing.DISCHARGE,
            )
        )
        assert "within 21 days" in next(r for r in ours if "recently" in r.when).then
        stuck = next(
            r for r in ours if r.when == "not progressing, no recent plan change"
        )
        assert stuck.then.startswith("discharge with a referral")
        assert all(r.sources for r in rows)

    def test_every_level_called_for_is_documented(self) -> None:
        """The documented facts for each level really call for it at admission."""
        examples: dict[LevelOfCare, dict[str, Any]] = {
            L.OUTPATIENT: {},
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT: {"needs_withdrawal_management": True},
            L.INTENSIVE_OUTPATIENT: {"needs_intensive_treatment": True},
            L.AMBULATORY_WITHDRAWAL_MANAGEMENT_EXTENDED: {
                "needs_withdrawal_management": True,
                "needs_extended_monitoring": True,
            },
            L.PARTIAL_HOSPITALIZATION: {"weekly_hours_needed": 25},
            L.LOW_INTENSITY_RESIDENTIAL: {"home_environment": ENABLES},
            L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT: {
                "needs_withdrawal_management": True,
                "home_environment": ENABLES,
            },
            L.HIGH_INTENSITY_RESIDENTIAL: {
                "home_environment": ENABLES,
                "needs_intensive_treatment": True,
            },
            L.MEDICALLY_MONITORED_INPATIENT: {"needs_round_the_clock_care": True},
            L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT: {
                "needs_round_the_clock_care": True,
                "needs_withdrawal_management": True,
            },
            L.MEDICALLY_MANAGED_INPATIENT: {
                "needs_round_the_clock_care": True,
                "needs_hospital_care": True,
            },
            L.MEDICALLY_MANAGED_INPATIENT_WITHDRAWAL_MANAGEMENT: {
                "needs_round_the_clock_care": True,
                "needs_hospital_care": True,
                "needs_withdrawal_management": True,
            },
        }
        assert set(examples) == set(LEVELS_CALLED_FOR)
        for level, recorded in examples.items():
            assert recommend(facts(**recorded)).target_level is level, level

    def test_reachable_levels_are_exactly_the_documented(self) -> None:
        """Over every combination of needs, admissions reach exactly the documented levels."""
        reached = set()
        flags = itertools.product(
            [False, True], [False, True], [False, True], [False, True], [False, True],
            list(HomeEnvironment), [None, 5, 12, 25],
        )  # fmt: skip
        for withdrawal, extended, day_care, hospital, intensive, home, hours in flags:
            if (extended and not withdrawal) or (hospital and not day_care):
                continue
            rec = recommend(
                facts(needs_withdrawal_management=withdrawal,
                      needs_extended_monitoring=extended,
                      needs_round_the_clock_care=day_care, needs_hospital_care=hospital,
                      needs_intensive_treatment=intensive, home_environment=home,
                      weekly_hours_needed=hours)
            )  # fmt: skip
            reached.add(rec.target_level)
        assert reached == set(LEVELS_CALLED_FOR)


# -- properties over every ClinicalFacts -----------------------------------------------------


@st.composite
def recorded_facts(draw: st.DrawFn) -> dict[str, Any]:
    """What a clinician records, consistent by construction (kept unchanged in a pathway)."""
    withdrawal = draw(st.booleans())
    day_care = draw(st.booleans())
    return {
        "needs_withdrawal_management": withdrawal,
        "needs_extended_monitoring": withdrawal and draw(st.booleans()),
        "needs_round_the_clock_care": day_care,
        "needs_hospital_care": day_care and draw(st.booleans()),
        "home_environment": draw(st.sampled_from(list(HomeEnvironment))),
        "needs_intensive_treatment": draw(st.booleans()),
        "weekly_hours_needed": draw(st.none() | st.integers(0, 40)),
        "population": draw(populations()),
        "goals_met": draw(st.booleans()),
        "lower_level_effective": draw(st.booleans()),
        "progressing": draw(st.booleans()),
        "last_plan_change": draw(
            st.none() | st.integers(0, 30).map(lambda d: TODAY - dt.timedelta(days=d))
        ),
    }


POLICIES = st.builds(
    RecommendationPolicy,
    when_not_progressing=st.sampled_from(list(WhenNotProgressing)),
    when_goals_met=st.sampled_from(list(WhenGoalsMet)),
    withdrawal_during_treatment=st.sampled_from(list(WithdrawalDuringTreatment)),
)


@st.composite
def starts(draw: st.DrawFn) -> Episode:
    """A starting episode: pending, or at any level with any concurrent services."""
    level = draw(st.none() | levels())
    if level is None:
        return Episode(patient_id="p")
    days = draw(st.integers(0, 200))
    episode = episode_at(level, days)
    for service in draw(
        st.lists(st.sampled_from(list(Service)), unique=True, max_size=3)
    ):
        episode = episode.start_service(service, on=TODAY)
    return episode


class TestProperties:
    @settings(max_examples=2000, deadline=None)
    @given(starts(), recorded_facts(), POLICIES)
    def test_stationary_facts_converge(
        self, start: Episode, recorded: dict[str, Any], policy: RecommendationPolicy
    ) -> None:
        """With unchanged facts, recommendations reach continue or discharge; never a cycle."""
        end, path = follow_recommendations(start, recorded, on=TODAY, policy=policy)
        assert path[-1].action in (Action.CONTINUE, Action.DISCHARGE_TO_AFTERCARE)
        # one rung a step on the six-rung ladder, a move between the ladders,
        # service changes and the final answer: a few steps
        assert len(path) <= MOST_STEPS
        if path[-1].action is Action.CONTINUE:
            assert end.current_level is path[-1].target_level

    @settings(max_examples=500, deadline=None)
    @given(clinical_facts(), POLICIES)
    def test_every_recommendation_has_the_properties(
        self, f: ClinicalFacts, policy: RecommendationPolicy
    ) -> None:
        """Reasons with citations, needs met, no discharge with a need, truthful names."""
        check_recommendation(f, recommend(f, policy), policy)

    @settings(max_examples=500, deadline=None)
    @given(clinical_facts(current_level=st.none() | levels()))
    def test_never_discharge_with_a_24_hour_or_withdrawal_need(
        self, f: ClinicalFacts
    ) -> None:
        """No discharge while withdrawal, 24-hour or living-environment needs are present."""
        rec = recommend(f)
        if (
            f.needs_withdrawal_management
            or f.needs_round_the_clock_care
            or f.home_environment is ENABLES
        ):
            assert rec.action is not Action.DISCHARGE_TO_AFTERCARE

    @settings(max_examples=300, deadline=None)
    @given(clinical_facts(current_level=st.just(L.INTENSIVE_OUTPATIENT)), POLICIES)
    def test_withdrawal_from_iop_is_never_a_step_down(
        self, f: ClinicalFacts, policy: RecommendationPolicy
    ) -> None:
        """From IOP into withdrawal management: a concurrent service or a transfer."""
        rec = recommend(f, policy)
        if rec.target_level is not None and rec.target_level.withdrawal_management:
            assert rec.action in (Action.TRANSFER, Action.STEP_UP)
        if rec.action is Action.STEP_DOWN:
            assert rec.target_level is not None
            assert not rec.target_level.withdrawal_management

    @settings(max_examples=300, deadline=None)
    @given(clinical_facts())
    def test_deterministic_and_explained(self, f: ClinicalFacts) -> None:
        """The same facts give an equal recommendation, each reason cited or marked."""
        rec = recommend(f)
        assert rec == recommend(attrs.evolve(f))
        assert rec.reasons
        for reason in rec.reasons:
            assert reason.citation.library_default or reason.citation.confidence in (
                "primary",
                "secondary",
            )
        assert str(rec).startswith(rec.action.value)
