"""A step-down pathway: withdrawal management, 45 days of IOP, outpatient, aftercare.

At each review the clinician records the facts, iopmodel recommends (decision
support, not a decision), and the episode moves. Run with
``python examples/step_down_pathway.py``.
"""

from __future__ import annotations

import datetime as dt

from iopmodel import (
    AftercarePlan,
    ClinicalFacts,
    DischargeReason,
    Episode,
    LevelOfCare,
    Recommendation,
    recommend,
)
from iopmodel.examples import evening_iop
from iopmodel.recommend import Action

IOP_PROGRAM = evening_iop()


def show(day: dt.date, episode: Episode, recommendation: Recommendation) -> None:
    """Print the episode and the recommendation for one review."""
    print(f"\n== review on {day} ==")
    print(f"episode: {episode!r}")
    print(f"recommendation: {recommendation}")


def act(episode: Episode, recommendation: Recommendation, day: dt.date) -> Episode:
    """Follow the recommendation (a clinician would decide here)."""
    target = recommendation.target_level
    if recommendation.action is Action.ADMIT and target is not None:
        return episode.admit(target, on=day, reason="intake assessment")
    if recommendation.action is Action.STEP_DOWN and target is not None:
        program = IOP_PROGRAM if target is IOP_PROGRAM.level else None
        return episode.step_down(target, on=day, reason=recommendation.reasons[0].text,
                                 program=program)  # fmt: skip
    if recommendation.action is Action.DISCHARGE_TO_AFTERCARE:
        aftercare = AftercarePlan(
            level=LevelOfCare.OUTPATIENT,
            mutual_support=["AA (Tuesday and Saturday)"],
            support_contacts=["sponsor", "sister"],
            follow_ups=[day + dt.timedelta(days=14), day + dt.timedelta(days=42)],
        )
        return episode.discharge(day, DischargeReason.GOALS_MET, aftercare=aftercare)
    return episode


def main() -> None:
    """Walk one patient through the pathway."""
    episode = Episode(patient_id="p-0107")
    reviews = [
        # day, what the clinician records
        (dt.date(2026, 3, 1), {"needs_withdrawal_management": True,
                               "needs_round_the_clock_care": True,
                               "needs_intensive_treatment": True}),
        (dt.date(2026, 3, 6), {"needs_intensive_treatment": True}),
        (dt.date(2026, 4, 5), {"needs_intensive_treatment": True}),
        (dt.date(2026, 4, 20), {"goals_met": True}),
        (dt.date(2026, 5, 18), {"goals_met": True}),
        (dt.date(2026, 6, 8), {"goals_met": True}),
    ]  # fmt: skip
    for day, recorded in reviews:
        facts = ClinicalFacts.from_episode(episode, as_of=day, **recorded)  # type: ignore[arg-type]
        recommendation = recommend(facts)
        show(day, episode, recommendation)
        episode = act(episode, recommendation, day)

    print("\n== history ==")
    for record in episode.to_records():
        print(
            f"  {record['start']} to {record['end']}: {record['level_label']:<55}"
            f" {record['days']:>3} days ({record['move']})"
        )
    print(f"total days in treatment: {episode.total_days()}")
    aftercare = episode.aftercare
    if aftercare is not None:
        print(f"aftercare: {aftercare.level.label}, {', '.join(aftercare.mutual_support)}; "
              f"follow-ups {', '.join(d.isoformat() for d in aftercare.follow_ups)}")  # fmt: skip


if __name__ == "__main__":
    main()
