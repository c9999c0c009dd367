"""A step-down pathway with a relapse: detox, IOP with concurrent withdrawal management, aftercare.

At each review the clinician records the facts, iopmodel recommends (decision
support, not a decision), and the episode records what was done. A month into
IOP the patient relapses and needs ambulatory withdrawal management for a few
days: it runs beside IOP as a concurrent service, and IOP continues. The
patient also starts naltrexone, a medication for addiction treatment, which
runs beside every level until discharge. Run with
``python examples/step_down_pathway.py``.
"""

from __future__ import annotations

import datetime as dt

from iopmodel import (
    AftercarePlan,
    ClinicalFacts,
    Episode,
    LevelOfCare,
    Recommendation,
    recommend,
    validate,
)
from iopmodel.services import Service


def show(day: dt.date, episode: Episode, recommendation: Recommendation) -> None:
    """Print the episode and the recommendation for one review."""
    print(f"\n== review on {day} ==")
    print(f"episode: {episode!r}")
    print(f"recommendation: {recommendation}")


def aftercare(day: dt.date) -> AftercarePlan:
    """The aftercare plan given at discharge."""
    return AftercarePlan(
        level=LevelOfCare.OUTPATIENT,
        mutual_support=["AA (Tuesday and Saturday)"],
        support_contacts=["sponsor", "sister"],
        follow_ups=[day + dt.timedelta(days=14), day + dt.timedelta(days=42)],
    )


def main() -> None:
    """Walk one patient through the pathway."""
    episode = Episode(patient_id="p-0107", episode_id="e-0107-1")
    intensive = {"needs_intensive_treatment": True}
    reviews = [
        # day, what the clinician records
        (dt.date(2026, 3, 1), {"needs_withdrawal_management": True,
                               "needs_round_the_clock_care": True, **intensive}),
        (dt.date(2026, 3, 6), intensive),
        (dt.date(2026, 4, 5), {"needs_withdrawal_management": True, **intensive}),
        (dt.date(2026, 4, 10), intensive),
        (dt.date(2026, 4, 20), {"goals_met": True}),
        (dt.date(2026, 6, 8), {"goals_met": True}),
    ]  # fmt: skip
    for day, recorded in reviews:
        facts = ClinicalFacts.from_episode(episode, as_of=day, **recorded)  # type: ignore[arg-type]
        recommendation = recommend(facts)
        show(day, episode, recommendation)
        # the clinician follows the recommendation here
        episode = recommendation.apply_to(episode, on=day, aftercare=aftercare(day))
        if day == dt.date(2026, 3, 6):
            episode = episode.start_service(
                Service.NALTREXONE, on=day, reason="alcohol use disorder"
            )

    print("\n== history ==")
    for record in episode.to_records():
        print(
            f"  {record['start']} to {record['end']}: {record['level_label']:<52}"
            f" {record['days']:>3} days ({record['move']})"
        )
    for record in episode.service_records():
        print(
            f"  {record['start']} to {record['end']}: {record['service_label']:<52}"
            f" {record['days']:>3} days (beside the level)"
        )
    print(f"total days in treatment: {episode.total_days()}")
    print(
        "days at each level: "
        + ", ".join(f"{lv.label} {d}" for lv, d in episode.days_at_levels().items())
    )
    print(
        "days in each service: "
        + ", ".join(f"{s.label} {d}" for s, d in episode.days_in_services().items())
    )
    plan = episode.aftercare
    if plan is not None:
        print(f"aftercare: {plan.level.label}, {', '.join(plan.mutual_support)}; "
              f"follow-ups {', '.join(d.isoformat() for d in plan.follow_ups)}")  # fmt: skip
    print(f"validation: {'no findings' if validate(episode).ok else validate(episode)}")


if __name__ == "__main__":
    main()
