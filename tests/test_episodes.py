"""Episodes: the transition table, illegal moves, queries and the state machine."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopmodel import (
    DEFAULT_RULES,
    AftercarePlan,
    DischargeReason,
    Episode,
    InvalidValueError,
    LevelOfCare,
    Move,
    Severity,
    TransitionError,
    validate,
)
from iopmodel.episodes import (
    TRANSITIONS,
    ConcurrentService,
    EpisodeStatus,
    Hold,
    Placement,
)
from iopmodel.examples import day_php, evening_iop
from iopmodel.rules import AFTERCARE as AFTERCARE_RULE
from iopmodel.services import Service
from iopmodel.strategies import EpisodeMachine, episodes

L = LevelOfCare
DAY = dt.date(2026, 3, 2)
AFTERCARE = AftercarePlan(level=L.OUTPATIENT, mutual_support=["NA"])


def day(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def active() -> Episode:
    return Episode(patient_id="p-1").admit(
        L.INTENSIVE_OUTPATIENT, on=DAY, reason="intake"
    )


class TestTable:
    def test_table_is_the_source_of_truth(self) -> None:
        """Every move has exactly one row; nothing is possible after discharge."""
        assert set(TRANSITIONS) == set(Move)
        assert TRANSITIONS[Move.DISCHARGE].target is EpisodeStatus.DISCHARGED
        assert all(
            EpisodeStatus.DISCHARGED not in row.sources for row in TRANSITIONS.values()
        )
        assert TRANSITIONS[Move.DISCHARGE].sources == {
            EpisodeStatus.ACTIVE,
            EpisodeStatus.ON_HOLD,
        }

    @pytest.mark.parametrize("move", list(Move))
    @pytest.mark.parametrize("status", list(EpisodeStatus))
    def test_every_status_and_move(self, status: EpisodeStatus, move: Move) -> None:
        """A move is possible exactly from the statuses the table names."""
        episode = {
            EpisodeStatus.PENDING: Episode(patient_id="p"),
            EpisodeStatus.ACTIVE: active(),
            EpisodeStatus.ON_HOLD: active().hold(on=day(20)),
            EpisodeStatus.DISCHARGED: active().discharge(
                day(30), DischargeReason.GOALS_MET, aftercare=AFTERCARE
            ),
        }[status]
        if move is Move.END_SERVICE and status in (
            EpisodeStatus.ACTIVE,
            EpisodeStatus.ON_HOLD,
        ):
            episode = attrs.evolve(
                episode,
                services=[ConcurrentService(service=Service.NALTREXONE, start=day(1))],
            )
        level = {
            Move.ADMIT: L.OUTPATIENT,
            Move.STEP_DOWN: L.OUTPATIENT,
            Move.STEP_UP: L.PARTIAL_HOSPITALIZATION,
            Move.TRANSFER: L.INTENSIVE_OUTPATIENT,
        }.get(move)
        kwargs: dict[str, object] = {
            "on": day(40),
            "level": level,
            "program": evening_iop() if move is Move.TRANSFER else None,
            "discharge_reason": DischargeReason.GOALS_MET,
            "aftercare": AFTERCARE,
            "service": Service.NALTREXONE,
        }
        row = TRANSITIONS[move]
        if status in row.sources:
            after = episode.apply(move, **kwargs)  # type: ignore[arg-type]
            assert after.status is (status if row.target is None else row.target)
        else:
            with pytest.raises(TransitionError):
                episode.apply(move, **kwargs)  # type: ignore[arg-type]


class TestIllegalMoves:
    def test_step_down_to_more_intensive(self) -> None:
        """A 'step down' to a more intensive level says so and suggests step_up."""
        with pytest.raises(TransitionError) as info:
            active().step_down(L.PARTIAL_HOSPITALIZATION, on=day(10))
        assert isinstance(info.value, ValueError)
        assert info.value.move == "step_down"
        assert str(info.value) == (
            "cannot step_down: partial_hospitalization is more intensive than "
            "intensive_outpatient; use step_up"
        )

    def test_step_up_to_same_level(self) -> None:
        """A step up to the same level is refused."""
        with pytest.raises(TransitionError, match="the same level as"):
            active().step_up(L.INTENSIVE_OUTPATIENT, on=day(10))

    def test_dates_out_of_order(self) -> None:
        """A move before the last recorded event is refused."""
        with pytest.raises(TransitionError, match="before the last recorded event"):
            active().step_down(L.OUTPATIENT, on=day(-1))
        held = active().hold(on=day(10)).resume(on=day(12))
        with pytest.raises(TransitionError, match="2026-03-14"):
            held.step_down(L.OUTPATIENT, on=day(11))

    def test_same_day_transfer(self) -> None:
        """Admitted to IOP and moved to inpatient withdrawal management the same day."""
        moved = active().step_up(
            L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT, on=DAY
        )
        assert [p.days for p in moved.placements[:-1]] == [0]
        again = moved.transfer(level=L.MEDICALLY_MONITORED_INPATIENT, on=DAY)
        assert again.placements[-1].move is Move.TRANSFER
        assert again.total_days(day(4)) == 4
        assert again.days_at_levels(day(4)) == {
            L.INTENSIVE_OUTPATIENT: 0,
            L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT: 0,
            L.MEDICALLY_MONITORED_INPATIENT: 4,
        }

    def test_nothing_after_discharge(self) -> None:
        """Any move after discharge is refused, naming the discharge date."""
        done = active().discharge(
            day(30), DischargeReason.GOALS_MET, aftercare=AFTERCARE
        )
        with pytest.raises(TransitionError, match="discharged on 2026-04-01"):
            done.step_down(L.OUTPATIENT, on=day(40))
        with pytest.raises(TransitionError, match="discharged"):
            done.discharge(day(40), DischargeReason.GOALS_MET, aftercare=AFTERCARE)

    def test_admit_twice(self) -> None:
        """An active episode cannot be admitted again."""
        with pytest.raises(TransitionError, match="already in care"):
            active().admit(L.OUTPATIENT, on=day(3))

    def test_move_before_admission(self) -> None:
        """Stepping down a pending episode is refused."""
        with pytest.raises(TransitionError, match="not been admitted"):
            Episode(patient_id="p").step_down(L.OUTPATIENT, on=DAY)

    def test_discharge_without_aftercare_is_recorded_then_judged(self) -> None:
        """An AMA discharge without aftercare is recorded; AFT001 reports it."""
        left = active().discharge(day(3), DischargeReason.AGAINST_ADVICE)
        assert left.status is EpisodeStatus.DISCHARGED
        assert left.aftercare is None
        (finding,) = [f for f in validate(left) if f.rule_id == AFTERCARE_RULE.id]
        assert finding.severity is Severity.ERROR
        assert finding.path == "$.aftercare"

    @pytest.mark.parametrize("reason", list(DischargeReason))
    def test_every_discharge_reason_records(self, reason: DischargeReason) -> None:
        """Completed, AMA, administrative, transferred, lost contact, moved, jail, died."""
        left = active().hold(on=day(5)).discharge(day(9), reason)
        assert (left.discharge_reason, left.discharge_date) == (reason, day(9))
        assert left.holds[-1].end == day(9)
        aftercare = [f for f in validate(left) if f.rule_id == AFTERCARE_RULE.id]
        assert len(aftercare) == (0 if reason is DischargeReason.DIED else 1)

    def test_discharge_reasons_a_clinic_uses(self) -> None:
        """The issue's list of discharge reasons is there."""
        assert {
            "completed",
            "against_advice",
            "administrative",
            "transferred_or_referred",
            "lost_contact",
            "moved",
            "incarcerated",
            "died",
        } <= {r.value for r in DischargeReason}

    def test_aftercare_rule_can_be_removed_or_exempted(self) -> None:
        """Without AFT001, or with an exempt reason, no aftercare finding."""
        left = active().discharge(day(3), DischargeReason.AGAINST_ADVICE)
        without = validate(left, DEFAULT_RULES.without(AFTERCARE_RULE.id))
        assert AFTERCARE_RULE.id not in [f.rule_id for f in without]
        exempt = DEFAULT_RULES.configure(
            AFTERCARE_RULE.id, exempt_reasons=[DischargeReason.AGAINST_ADVICE]
        )
        assert AFTERCARE_RULE.id not in [f.rule_id for f in validate(left, exempt)]

    def test_transfer(self) -> None:
        """A transfer keeps the level and changes the program."""
        moved = active().transfer(evening_iop(), on=day(7), reason="closer to home")
        assert moved.levels == (L.INTENSIVE_OUTPATIENT, L.INTENSIVE_OUTPATIENT)
        assert moved.placements[-1].program == evening_iop()
        with pytest.raises(TransitionError, match="already in"):
            moved.transfer(evening_iop(), on=day(9))
        php = moved.transfer(day_php(), on=day(9))
        assert php.current_level is L.PARTIAL_HOSPITALIZATION
        with pytest.raises(TransitionError, match="delivers partial_hospitalization"):
            moved.transfer(day_php(), on=day(9), level=L.INTENSIVE_OUTPATIENT)

    def test_program_must_match_level(self) -> None:
        """A placement's program must deliver its level."""
        with pytest.raises(TransitionError, match="delivers partial_hospitalization"):
            active().step_down(L.OUTPATIENT, on=day(3), program=day_php())

    def test_apply_needs_arguments(self) -> None:
        """apply() says what is missing."""
        with pytest.raises(TransitionError, match="discharge reason"):
            active().apply(Move.DISCHARGE, on=day(3))
        with pytest.raises(TransitionError, match="program or a level is required"):
            active().apply(Move.TRANSFER, on=day(3))
        with pytest.raises(TransitionError, match="a service is required"):
            active().apply(Move.START_SERVICE, on=day(3))
        with pytest.raises(TransitionError, match="level of care"):
            active().apply(Move.STEP_UP, on=day(3))


class TestInvariants:
    def test_gap_between_placements(self) -> None:
        """Directly built episodes must be contiguous."""
        with pytest.raises(InvalidValueError, match=r"placements\[1\]\.start"):
            Episode(
                patient_id="p",
                placements=[
                    Placement(level=L.INTENSIVE_OUTPATIENT, start=DAY, end=day(10)),
                    Placement(level=L.OUTPATIENT, start=day(12)),
                ],
            )

    def test_placement_end_after_start(self) -> None:
        """A placement cannot end before it starts; the same day is a same-day move."""
        with pytest.raises(InvalidValueError, match="end"):
            Placement(level=L.OUTPATIENT, start=DAY, end=day(-1))
        assert Placement(level=L.OUTPATIENT, start=DAY, end=DAY).days == 0

    def test_services_inside_the_episode(self) -> None:
        """Services start after admission, end by discharge, never run twice at once."""
        base = active()
        with pytest.raises(InvalidValueError, match=r"services\[0\]\.start"):
            attrs.evolve(
                base,
                services=[ConcurrentService(service=Service.NALTREXONE, start=day(-1))],
            )
        with pytest.raises(InvalidValueError, match="overlaps the earlier naltrexone"):
            attrs.evolve(
                base,
                services=[
                    ConcurrentService(service=Service.NALTREXONE, start=day(1)),
                    ConcurrentService(service=Service.NALTREXONE, start=day(2)),
                ],
            )
        with pytest.raises(InvalidValueError, match="does not describe"):
            ConcurrentService(
                service=Service.WITHDRAWAL_MANAGEMENT, start=DAY, level=L.OUTPATIENT
            )

    def test_holds_do_not_overlap(self) -> None:
        """Holds are in order and only the last may be open."""
        with pytest.raises(InvalidValueError, match=r"holds\[1\]"):
            attrs.evolve(active(), holds=[Hold(start=day(1)), Hold(start=day(3))])

    def test_readmission_of_itself(self) -> None:
        """An episode cannot readmit after itself."""
        with pytest.raises(InvalidValueError, match="readmission_of"):
            Episode(patient_id="p", episode_id="e-1", readmission_of="e-1")

    def test_closed_without_discharge(self) -> None:
        """Only a discharged episode's last placement is closed."""
        with pytest.raises(InvalidValueError, match="only a discharged"):
            Episode(
                patient_id="p",
                placements=[Placement(level=L.OUTPATIENT, start=DAY, end=day(10))],
            )

    def test_discharge_fields_agree(self) -> None:
        """The discharge date is the last placement's end, with a reason."""
        with pytest.raises(InvalidValueError, match="discharge_date"):
            Episode(
                patient_id="p",
                placements=[Placement(level=L.OUTPATIENT, start=DAY, end=day(10))],
                discharge_date=day(11),
                discharge_reason=DischargeReason.GOALS_MET,
            )


class TestRealEvents:
    """Events that happen every day in a clinic are recorded."""

    def test_hold_and_resume(self) -> None:
        """A leave puts the episode on hold; moves wait until it resumes."""
        held = active().hold(on=day(10), reason="medical admission elsewhere")
        assert held.status is EpisodeStatus.ON_HOLD
        assert held.current_level is L.INTENSIVE_OUTPATIENT
        with pytest.raises(TransitionError, match="on hold; resume first"):
            held.step_down(L.OUTPATIENT, on=day(11))
        with pytest.raises(TransitionError, match="not on hold"):
            active().resume(on=day(3))
        back = held.resume(on=day(14))
        assert back.status is EpisodeStatus.ACTIVE
        assert back.days_on_hold(day(30)) == 4
        assert back.total_days(day(30)) == 30

    def test_concurrent_services(self) -> None:
        """Withdrawal management beside IOP, recovery housing and an OTP; days in each."""
        episode = (
            active()
            .start_service(Service.OPIOID_TREATMENT_PROGRAM, on=DAY)
            .start_service(Service.RECOVERY_HOUSING, on=day(7),
                           level=L.LOW_INTENSITY_RESIDENTIAL)
            .start_service(Service.WITHDRAWAL_MANAGEMENT, on=day(20),
                           level=L.AMBULATORY_WITHDRAWAL_MANAGEMENT, reason="relapse")
            .end_service(Service.WITHDRAWAL_MANAGEMENT, on=day(25))
            .step_down(L.OUTPATIENT, on=day(45))
        )  # fmt: skip
        assert {s.service for s in episode.open_services} == {
            Service.OPIOID_TREATMENT_PROGRAM,
            Service.RECOVERY_HOUSING,
        }
        assert episode.days_in_services(day(60)) == {
            Service.OPIOID_TREATMENT_PROGRAM: 60,
            Service.RECOVERY_HOUSING: 53,
            Service.WITHDRAWAL_MANAGEMENT: 5,
        }
        assert episode.days_at_levels(day(60)) == {
            L.INTENSIVE_OUTPATIENT: 45,
            L.OUTPATIENT: 15,
        }
        with pytest.raises(TransitionError, match="already running"):
            episode.start_service(Service.RECOVERY_HOUSING, on=day(60))
        with pytest.raises(TransitionError, match="not running"):
            episode.end_service(Service.WITHDRAWAL_MANAGEMENT, on=day(60))
        done = episode.discharge(
            day(90), DischargeReason.COMPLETED, aftercare=AFTERCARE
        )
        assert not done.open_services
        assert all(s.end is not None and s.end <= day(90) for s in done.services)
        records = done.service_records()
        assert [r["service"] for r in records] == [
            "opioid_treatment_program",
            "recovery_housing",
            "withdrawal_management",
        ]
        assert records[2]["days"] == 5

    def test_readmission_links_to_the_earlier_episode(self) -> None:
        """A relapse after discharge is a new episode that points back."""
        first = (
            Episode(patient_id="p-1", episode_id="e-1")
            .admit(L.INTENSIVE_OUTPATIENT, on=DAY)
            .discharge(day(30), DischargeReason.AGAINST_ADVICE)
        )
        second = first.readmit(L.INTENSIVE_OUTPATIENT, on=day(30), episode_id="e-2")
        assert (second.patient_id, second.readmission_of, second.episode_id) == (
            "p-1", "e-1", "e-2",
        )  # fmt: skip
        with pytest.raises(TransitionError, match="before the discharge"):
            first.readmit(L.OUTPATIENT, on=day(29), episode_id="e-2")
        with pytest.raises(TransitionError, match="still in care"):
            active().readmit(L.OUTPATIENT, on=day(40), episode_id="e-2")
        anonymous = active().discharge(day(30), DischargeReason.MOVED)
        with pytest.raises(InvalidValueError, match="episode_id"):
            anonymous.readmit(L.OUTPATIENT, on=day(40), episode_id="e-2")

    def test_unknown_level_key(self) -> None:
        """A level that does not exist is refused, with no move recorded."""
        with pytest.raises(TransitionError, match="no such level of care"):
            active().apply(Move.STEP_UP, on=day(3), level="level_nine")  # type: ignore[arg-type]
        assert (
            active()
            .apply(
                Move.STEP_UP,
                on=day(3),
                level="partial_hospitalization",  # type: ignore[arg-type]
            )
            .current_level
            is L.PARTIAL_HOSPITALIZATION
        )


class TestQueries:
    def test_pathway(self) -> None:
        """Detox, 45 days of IOP, outpatient, discharge: days add up."""
        episode = (
            Episode(patient_id="p-7")
            .admit(L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT, on=DAY)
            .step_down(L.INTENSIVE_OUTPATIENT, on=day(5))
            .step_down(L.OUTPATIENT, on=day(50))
        )
        assert episode.current_level is L.OUTPATIENT
        assert episode.days_at_current_level(day(60)) == 10
        assert episode.total_days(day(60)) == 60
        with pytest.raises(InvalidValueError, match="as_of"):
            episode.total_days()
        done = episode.discharge(
            day(95), DischargeReason.GOALS_MET, aftercare=AFTERCARE
        )
        assert [p.days for p in done.placements] == [5, 45, 45]
        assert done.total_days() == 95
        assert done.current_level is None
        with pytest.raises(InvalidValueError, match="no current level"):
            done.days_at_current_level(day(99))
        assert done.days_at_levels() == {
            L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT: 5,
            L.INTENSIVE_OUTPATIENT: 45,
            L.OUTPATIENT: 45,
        }
        records = done.to_records()
        assert [r["level"] for r in records] == [
            "medically_monitored_inpatient_withdrawal_management",
            "intensive_outpatient",
            "outpatient",
        ]
        assert records[-1]["discharge_reason"] == "goals_met"
        assert records[1]["days"] == 45
        assert repr(done) == (
            "Episode(patient_id='p-7', discharged: "
            "medically_monitored_inpatient_withdrawal_management -> "
            "intensive_outpatient -> outpatient)"
        )

    @given(episodes())
    def test_generated_episodes_are_consistent(self, episode: Episode) -> None:
        """Generated episodes satisfy the invariants and their days add up."""
        assert episode.placements[0].move is Move.ADMIT
        if episode.status is EpisodeStatus.DISCHARGED:
            assert episode.total_days() == sum(p.days or 0 for p in episode.placements)
            assert episode.total_days() == sum(episode.days_at_levels().values())
            assert not episode.open_services
        rebuilt = attrs.evolve(episode)
        assert rebuilt == episode

    @given(
        episodes(discharged=False),
        st.sampled_from(list(LevelOfCare)),
        st.integers(1, 30),
    )
    def test_illegal_moves_leave_episode_unchanged(
        self, episode: Episode, level: LevelOfCare, offset: int
    ) -> None:
        """A refused move raises and the episode is the same value afterwards."""
        snapshot = attrs.evolve(episode)
        current = episode.current
        assert current is not None
        on = current.start + dt.timedelta(days=offset)
        move = episode.step_down if level >= current.level else episode.step_up
        if level is current.level:
            move = episode.step_up
        with pytest.raises(TransitionError):
            move(level, on=on)
        assert episode == snapshot


TestEpisodeMachine = EpisodeMachine.TestCase
TestEpisodeMachine.settings = settings(
    TestEpisodeMachine.settings, stateful_step_count=30, deadline=None
)
