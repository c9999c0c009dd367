"""Recommendations: one example per rule of the source article, and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    ClinicalFacts,
    Episode,
    InvalidValueError,
    LevelOfCare,
    Recommendation,
    recommend,
    sources,
)
from iopmodel.recommend import Action, HomeEnvironment, RecommendationPolicy
from iopmodel.strategies import levels

L = LevelOfCare
TODAY = dt.date(2026, 4, 20)
ENABLES = HomeEnvironment.ENABLES_USE


def facts(**changes: object) -> ClinicalFacts:
    fields: dict[str, object] = {"as_of": TODAY}
    fields.update(changes)
    return ClinicalFacts(**fields)  # type: ignore[arg-type]


def at(
    level: LevelOfCare, days: int = 20, total: int = 20, **changes: object
) -> ClinicalFacts:
    return facts(
        current_level=level,
        days_at_current_level=days,
        total_days_in_treatment=total,
        **changes,
    )


class TestAdmission:
    """Admission, after the source article.

    Source article: IOPs are 'a great option if you need intensive treatment but
    ... do not require medical detoxification, and have a stable home life'.
    """

    def test_withdrawal_first(self) -> None:
        """Withdrawal management needed -> a withdrawal-management level before IOP."""
        rec = recommend(
            facts(needs_withdrawal_management=True, needs_intensive_treatment=True)
        )
        assert rec.action is Action.ADMIT
        assert rec.target_level is not None
        assert rec.target_level.withdrawal_management
        assert "before an Intensive Outpatient Program" in rec.reasons[0].text

    def test_withdrawal_with_round_the_clock_care(self) -> None:
        """Detox with 24-hour medical care needed -> an inpatient WM level."""
        rec = recommend(
            facts(needs_withdrawal_management=True, needs_round_the_clock_care=True)
        )
        assert rec.target_level is L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT

    def test_home_enables_use(self) -> None:
        """A home that enables use -> residential or inpatient, not IOP.

        'if a patient's home or personal life enables their abuse, an Inpatient
        Program is usually recommended' -> residential or inpatient, not IOP.
        """
        rec = recommend(facts(home_environment=ENABLES, needs_intensive_treatment=True))
        assert rec.target_level is not None
        assert rec.target_level.round_the_clock
        assert rec.target_level is not L.INTENSIVE_OUTPATIENT
        assert rec.reasons[0].citation is sources.SOURCE_ARTICLE

    def test_round_the_clock_care(self) -> None:
        """'Patients in IOPs do not require around the clock care' -> inpatient."""
        rec = recommend(facts(needs_round_the_clock_care=True))
        assert rec.target_level is L.MEDICALLY_MONITORED_INPATIENT

    def test_intensive_stable_home(self) -> None:
        """Intensive treatment, no detox, stable home -> IOP."""
        rec = recommend(facts(needs_intensive_treatment=True))
        assert (rec.action, rec.target_level) == (Action.ADMIT, L.INTENSIVE_OUTPATIENT)

    def test_otherwise_outpatient(self) -> None:
        """No intensive need -> outpatient."""
        assert recommend(facts()).target_level is L.OUTPATIENT


class TestStepDownAfterDetox:
    """IOP as the next step after detox or inpatient care.

    Source article: 'IOPs can also be a next step after medical detoxification'
    and after 'an Inpatient Program'.
    """

    def test_after_detox(self) -> None:
        """Detox complete and intensive treatment needed -> step down to IOP."""
        rec = recommend(
            at(L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT, 5, 5,
               needs_intensive_treatment=True)
        )  # fmt: skip
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.INTENSIVE_OUTPATIENT,
        )
        assert "Withdrawal management is complete" in rec.reasons[0].text

    def test_after_inpatient(self) -> None:
        """24-hour care no longer needed -> step down to IOP."""
        rec = recommend(
            at(L.MEDICALLY_MONITORED_INPATIENT, needs_intensive_treatment=True)
        )
        assert (rec.action, rec.target_level) == (
            Action.STEP_DOWN,
            L.INTENSIVE_OUTPATIENT,
        )

    def test_still_in_withdrawal(self) -> None:
        """Still needing detox at a WM level -> continue there."""
        level = L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT
        rec = recommend(at(level, 2, 2, needs_withdrawal_management=True))
        assert rec.action is Action.CONTINUE
        assert rec.target_level is level

    def test_new_need_for_round_the_clock_care(self) -> None:
        """At IOP, a new need for 24-hour care -> step up to inpatient."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, needs_round_the_clock_care=True))
        assert (rec.action, rec.target_level) == (
            Action.STEP_UP,
            L.MEDICALLY_MONITORED_INPATIENT,
        )


class TestDischarge:
    """Discharge and step-down.

    Source article: 'Patients will be discharged if their treatment goals have been
    met, or if it's decided that a lower level of care can be provided effectively.'
    NIDA: remaining in treatment at least 90 days.
    """

    def test_goals_met_at_iop_steps_down(self) -> None:
        """Goals met at IOP -> step down; under 90 days, continuing care is stressed."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, 45, 50, goals_met=True))
        assert (rec.action, rec.target_level) == (Action.STEP_DOWN, L.OUTPATIENT)
        assert [r.citation for r in rec.reasons] == [
            sources.SOURCE_ARTICLE,
            sources.NIDA_PRINCIPLES,
        ]

    def test_lower_level_effective(self) -> None:
        """A lower level can be effective -> step down."""
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


class TestNotProgressing:
    """Not progressing.

    Source article: 'Patients may also be discharged if they are not progressing
    toward their goals, unless a recent treatment plan change might resolve this issue.'
    """

    def test_step_up(self) -> None:
        """Not progressing, no recent plan change -> step up."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, progressing=False))
        assert (rec.action, rec.target_level) == (
            Action.STEP_UP,
            L.PARTIAL_HOSPITALIZATION,
        )
        assert "or discharge" in rec.reasons[0].text

    def test_recent_plan_change(self) -> None:
        """Not progressing, plan changed 10 days ago -> continue."""
        rec = recommend(
            at(L.INTENSIVE_OUTPATIENT, progressing=False,
               last_plan_change=TODAY - dt.timedelta(days=10))
        )  # fmt: skip
        assert rec.action is Action.CONTINUE
        assert "10 days ago" in rec.reasons[0].text

    def test_old_plan_change(self) -> None:
        """A change 20 days ago is not recent with the default 14-day window."""
        changed = TODAY - dt.timedelta(days=20)
        rec = recommend(
            at(L.INTENSIVE_OUTPATIENT, progressing=False, last_plan_change=changed)
        )
        assert rec.action is Action.STEP_UP
        wider = recommend(
            at(L.INTENSIVE_OUTPATIENT, progressing=False, last_plan_change=changed),
            RecommendationPolicy(recent_change_days=21),
        )
        assert wider.action is Action.CONTINUE

    def test_at_the_top(self) -> None:
        """Not progressing at the most intensive level -> discharge with referral."""
        rec = recommend(at(L.MEDICALLY_MANAGED_INPATIENT, progressing=False,
                           needs_round_the_clock_care=True))  # fmt: skip
        assert rec.action is Action.DISCHARGE_TO_AFTERCARE


class TestReview:
    """The 30-60 day step-down review.

    Source article: 'Many patients begin in an Intensive Outpatient Program and
    transition to a less intensive treatment plan after 30-60 days.'
    """

    @pytest.mark.parametrize(
        ("days", "due"), [(29, False), (30, True), (60, True), (75, True)]
    )
    def test_review_window(self, days: int, due: bool) -> None:
        """From 30 days at IOP a step-down review is due."""
        rec = recommend(at(L.INTENSIVE_OUTPATIENT, days, days))
        assert rec.action is Action.CONTINUE
        assert rec.review_due is due
        if due:
            assert "review for step down" in rec.reasons[-1].text

    def test_not_at_other_levels(self) -> None:
        """The 30-60 day review is about IOP."""
        assert not recommend(at(L.OUTPATIENT, 45, 45)).review_due


class TestFacts:
    def test_from_episode(self) -> None:
        """Level and day counts come from the episode."""
        episode = (
            Episode(patient_id="p")
            .admit(L.RESIDENTIAL_WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 3, 1))
            .step_down(L.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 6))
        )
        f = ClinicalFacts.from_episode(episode, as_of=TODAY, goals_met=True)
        assert (f.current_level, f.days_at_current_level, f.total_days_in_treatment) == (
            L.INTENSIVE_OUTPATIENT, 45, 50,
        )  # fmt: skip
        pending = ClinicalFacts.from_episode(Episode(patient_id="q"), as_of=TODAY)
        assert pending.current_level is None

    def test_invariants(self) -> None:
        """Facts that contradict themselves are refused."""
        with pytest.raises(InvalidValueError, match="last_plan_change"):
            facts(last_plan_change=TODAY + dt.timedelta(days=1))
        with pytest.raises(InvalidValueError, match="days_at_current_level"):
            at(L.OUTPATIENT, 30, 10)


@st.composite
def clinical_facts(draw: st.DrawFn) -> ClinicalFacts:
    total = draw(st.integers(0, 400))
    return ClinicalFacts(
        as_of=TODAY,
        current_level=draw(st.none() | levels()),
        needs_withdrawal_management=draw(st.booleans()),
        needs_round_the_clock_care=draw(st.booleans()),
        home_environment=draw(st.sampled_from(list(HomeEnvironment))),
        needs_intensive_treatment=draw(st.booleans()),
        goals_met=draw(st.booleans()),
        lower_level_effective=draw(st.booleans()),
        progressing=draw(st.booleans()),
        last_plan_change=draw(
            st.none() | st.dates(TODAY - dt.timedelta(days=60), TODAY)
        ),
        days_at_current_level=draw(st.integers(0, total)),
        total_days_in_treatment=total,
    )


class TestProperties:
    @given(clinical_facts())
    def test_always_explained(self, f: ClinicalFacts) -> None:
        """Every recommendation carries at least one cited reason."""
        rec = recommend(f)
        assert rec.reasons
        assert all(r.text and r.citation.title for r in rec.reasons)
        assert str(rec).startswith(rec.action.value)

    @given(clinical_facts())
    def test_deterministic(self, f: ClinicalFacts) -> None:
        """The same facts give the same recommendation."""
        assert recommend(f) == recommend(f)

    @given(clinical_facts())
    def test_actions_agree_with_levels(self, f: ClinicalFacts) -> None:
        """Step-downs go to less intensive levels, step-ups to more, admit from nothing."""
        rec: Recommendation = recommend(f)
        current = f.current_level
        if current is None:
            assert rec.action is Action.ADMIT
        elif rec.action is Action.STEP_DOWN:
            assert rec.target_level is not None
            assert rec.target_level < current
        elif rec.action is Action.STEP_UP:
            assert rec.target_level is not None
            assert rec.target_level > current
        elif rec.action is Action.CONTINUE:
            assert rec.target_level is current
        else:
            assert rec.action is Action.DISCHARGE_TO_AFTERCARE
            assert rec.target_level is None
