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
from iopmodel.episodes import TRANSITIONS, EpisodeStatus, Placement
from iopmodel.examples import day_php, evening_iop
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
        """Every move has exactly one row; discharge leads to DISCHARGED."""
        assert set(TRANSITIONS) == set(Move)
        assert TRANSITIONS[Move.DISCHARGE].target is EpisodeStatus.DISCHARGED
        assert all(
            row.source is not EpisodeStatus.DISCHARGED for row in TRANSITIONS.values()
        )

    @pytest.mark.parametrize("move", list(Move))
    @pytest.mark.parametrize("status", list(EpisodeStatus))
    def test_every_status_and_move(self, status: EpisodeStatus, move: Move) -> None:
        """A move is possible exactly from the status the table names."""
        episode = {
            EpisodeStatus.PENDING: Episode(patient_id="p"),
            EpisodeStatus.ACTIVE: active(),
            EpisodeStatus.DISCHARGED: active().discharge(
                day(30), DischargeReason.GOALS_MET, aftercare=AFTERCARE
            ),
        }[status]
        level = {
            Move.ADMIT: L.OUTPATIENT,
            Move.STEP_DOWN: L.OUTPATIENT,
            Move.STEP_UP: L.PARTIAL_HOSPITALIZATION,
            Move.TRANSFER: L.INTENSIVE_OUTPATIENT,
            Move.DISCHARGE: None,
        }[move]
        kwargs: dict[str, object] = {
            "on": day(40),
            "level": level,
            "program": evening_iop() if move is Move.TRANSFER else None,
            "discharge_reason": DischargeReason.GOALS_MET,
            "aftercare": AFTERCARE,
        }
        if TRANSITIONS[move].source is status:
            after = episode.apply(move, **kwargs)  # type: ignore[arg-type]
            assert after.status is TRANSITIONS[move].target
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

    @pytest.mark.parametrize("offset", [0, -1])
    def test_dates_out_of_order(self, offset: int) -> None:
        """A move on or before the current placement's start is refused."""
        with pytest.raises(TransitionError, match="is not after"):
            active().step_down(L.OUTPATIENT, on=day(offset))

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
        (finding,) = [f for f in validate(left) if f.rule_id == "AFT001"]
        assert finding.severity is Severity.ERROR
        assert finding.path == "$.aftercare"

    def test_aftercare_rule_can_be_removed_or_exempted(self) -> None:
        """Without AFT001, or with an exempt reason, no aftercare finding."""
        left = active().discharge(day(3), DischargeReason.AGAINST_ADVICE)
        without = validate(left, DEFAULT_RULES.without("AFT001"))
        assert "AFT001" not in [f.rule_id for f in without]
        exempt = DEFAULT_RULES.configure(
            "AFT001", exempt_reasons=[DischargeReason.AGAINST_ADVICE]
        )
        assert "AFT001" not in [f.rule_id for f in validate(left, exempt)]

    def test_transfer(self) -> None:
        """A transfer keeps the level and changes the program."""
        moved = active().transfer(evening_iop(), on=day(7), reason="closer to home")
        assert moved.levels == (L.INTENSIVE_OUTPATIENT, L.INTENSIVE_OUTPATIENT)
        assert moved.placements[-1].program == evening_iop()
        with pytest.raises(TransitionError, match="already in"):
            moved.transfer(evening_iop(), on=day(9))
        with pytest.raises(TransitionError, match="stays at intensive_outpatient"):
            moved.transfer(day_php(), on=day(9))

    def test_program_must_match_level(self) -> None:
        """A placement's program must deliver its level."""
        with pytest.raises(TransitionError, match="delivers partial_hospitalization"):
            active().step_down(L.OUTPATIENT, on=day(3), program=day_php())

    def test_apply_needs_arguments(self) -> None:
        """apply() says what is missing."""
        with pytest.raises(TransitionError, match="discharge reason"):
            active().apply(Move.DISCHARGE, on=day(3))
        with pytest.raises(TransitionError, match="program is required"):
            active().apply(Move.TRANSFER, on=day(3))
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
        """A placement cannot end before it starts."""
        with pytest.raises(InvalidValueError, match="end"):
            Placement(level=L.OUTPATIENT, start=DAY, end=DAY)

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
