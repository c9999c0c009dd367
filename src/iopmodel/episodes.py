"""Episodes of care: a patient's path through levels of care.

An :class:`Episode` is an ordered, gap-free sequence of :class:`Placement`
values: admitted to withdrawal management, stepped down to IOP, stepped down to
outpatient, discharged with an aftercare plan. Every operation returns a new
episode; an illegal move raises :class:`~iopmodel.errors.TransitionError`
saying why, and leaves the episode as it was (it is immutable).

The allowed moves are one literal table, :data:`TRANSITIONS`: the single source
of truth, rendered in the documentation.

Days are counted like lengths of stay (midnight census): a placement from
2 March to 16 April lasts 45 days, and a move on 16 April ends one placement
and starts the next on the same day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from iopmodel._validators import (
    check_arg,
    instance_of,
    non_empty_str,
    optional_instance_of,
    optional_plain_date,
    plain_date,
    to_tuple,
)
from iopmodel.care import LevelOfCare
from iopmodel.errors import InvalidValueError, TransitionError
from iopmodel.plans import AftercarePlan, DischargeReason
from iopmodel.programs import Program

__all__ = [
    "TRANSITIONS",
    "Episode",
    "EpisodeStatus",
    "LevelChange",
    "Move",
    "Placement",
    "Transition",
]


class EpisodeStatus(enum.Enum):
    """Where an episode is in its life.

    Example:
        >>> from iopmodel import Episode
        >>> from iopmodel.episodes import EpisodeStatus
        >>> Episode(patient_id="p-1").status is EpisodeStatus.PENDING
        True
    """

    PENDING = "pending"
    """Not admitted yet."""
    ACTIVE = "active"
    """In care at some level."""
    DISCHARGED = "discharged"
    """Treatment ended; nothing can happen any more."""


class Move(enum.Enum):
    """A move along the continuum of care.

    Example:
        >>> from iopmodel import Move
        >>> [m.value for m in Move]
        ['admit', 'step_down', 'step_up', 'transfer', 'discharge']
    """

    ADMIT = "admit"
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    TRANSFER = "transfer"
    DISCHARGE = "discharge"


class LevelChange(enum.Enum):
    """How a move must change the level of care.

    Example:
        >>> from iopmodel.episodes import LevelChange
        >>> LevelChange.LOWER.value
        'lower'
    """

    ANY = "any"
    """Any level (admission)."""
    LOWER = "lower"
    """A strictly less intensive level."""
    HIGHER = "higher"
    """A strictly more intensive level."""
    SAME = "same"
    """The same level (another program)."""
    NONE = "none"
    """No new level (discharge)."""


@attrs.frozen
class Transition:
    """One row of :data:`TRANSITIONS`: from which status, to which, how the level changes.

    Example:
        >>> from iopmodel import Move
        >>> from iopmodel.episodes import TRANSITIONS
        >>> row = TRANSITIONS[Move.STEP_DOWN]
        >>> row.source.value, row.target.value, row.level_change.value
        ('active', 'active', 'lower')
    """

    source: EpisodeStatus
    target: EpisodeStatus
    level_change: LevelChange


_PENDING, _ACTIVE, _DISCHARGED = (
    EpisodeStatus.PENDING,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.DISCHARGED,
)

#: The allowed moves, the single source of truth for every episode operation.
#:
#: :meta hide-value:
TRANSITIONS: Final[Mapping[Move, Transition]] = MappingProxyType(
    {
        Move.ADMIT: Transition(_PENDING, _ACTIVE, LevelChange.ANY),
        Move.STEP_DOWN: Transition(_ACTIVE, _ACTIVE, LevelChange.LOWER),
        Move.STEP_UP: Transition(_ACTIVE, _ACTIVE, LevelChange.HIGHER),
        Move.TRANSFER: Transition(_ACTIVE, _ACTIVE, LevelChange.SAME),
        Move.DISCHARGE: Transition(_ACTIVE, _DISCHARGED, LevelChange.NONE),
    }
)


@attrs.frozen(kw_only=True)
class Placement:
    """A stay at one level of care (optionally in one program).

    Args:
        level: The level of care.
        start: First day at this level.
        end: The day the patient left this level, or ``None`` while there.
        move: How the patient entered this placement.
        reason: Why, in words ("stepped down after 45 days; goals met").
        program: The program, if known.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import LevelOfCare, Move
        >>> from iopmodel.episodes import Placement
        >>> p = Placement(level=LevelOfCare.INTENSIVE_OUTPATIENT, start=dt.date(2026, 3, 2),
        ...               end=dt.date(2026, 4, 16), move=Move.ADMIT)
        >>> p.days
        45
    """

    level: LevelOfCare = attrs.field(validator=instance_of(LevelOfCare))
    start: dt.date = attrs.field(validator=plain_date)
    end: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    move: Move = attrs.field(default=Move.ADMIT, validator=instance_of(Move))
    reason: str = attrs.field(default="", validator=instance_of(str))
    program: Program | None = attrs.field(
        default=None, validator=optional_instance_of(Program)
    )

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise InvalidValueError(
                "end", self.end, f"must be after start {self.start}"
            )
        if self.program is not None and self.program.level is not self.level:
            raise InvalidValueError(
                "program",
                self.program.name,
                f"delivers {self.program.level.key}, not {self.level.key}",
            )

    @property
    def open(self) -> bool:
        """Whether the patient is still at this placement."""
        return self.end is None

    @property
    def days(self) -> int | None:
        """Days at this placement, or ``None`` while it is open."""
        return None if self.end is None else (self.end - self.start).days

    def days_until(self, as_of: dt.date) -> int:
        """Days at this placement up to *as_of* (or its end, if earlier)."""
        end = as_of if self.end is None else min(self.end, as_of)
        return max(0, (end - self.start).days)


def _placements(value: Iterable[Placement]) -> tuple[Placement, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class Episode:
    """One patient's episode of care: placements, then (perhaps) discharge.

    Args:
        patient_id: Opaque patient identifier (never a name).
        placements: Ordered, contiguous placements; only the last may be open.
        discharge_date: The day of discharge, once discharged.
        discharge_reason: Why; given exactly with *discharge_date*.
        aftercare: The aftercare plan given at discharge.

    Raises:
        InvalidValueError: Placements out of order, overlapping or with gaps,
            an open placement before the last, or discharge fields that
            contradict the placements.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import AftercarePlan, DischargeReason, Episode, LevelOfCare
        >>> L = LevelOfCare
        >>> episode = (
        ...     Episode(patient_id="p-0001")
        ...     .admit(L.MEDICALLY_MONITORED_INPATIENT_WITHDRAWAL_MANAGEMENT,
        ...            on=dt.date(2026, 3, 1), reason="alcohol withdrawal")
        ...     .step_down(L.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 6))
        ...     .step_down(L.OUTPATIENT, on=dt.date(2026, 4, 20))
        ... )
        >>> episode.current_level.label, episode.days_at_current_level(dt.date(2026, 5, 1))
        ('Outpatient', 11)
        >>> done = episode.discharge(dt.date(2026, 6, 5), DischargeReason.GOALS_MET,
        ...                          aftercare=AftercarePlan(level=L.OUTPATIENT))
        >>> done.total_days(), done.status.value
        (96, 'discharged')
    """

    patient_id: str = attrs.field(validator=non_empty_str)
    placements: tuple[Placement, ...] = attrs.field(default=(), converter=_placements)
    discharge_date: dt.date | None = attrs.field(
        default=None, validator=optional_plain_date
    )
    discharge_reason: DischargeReason | None = attrs.field(
        default=None, validator=optional_instance_of(DischargeReason)
    )
    aftercare: AftercarePlan | None = attrs.field(
        default=None, validator=optional_instance_of(AftercarePlan)
    )

    def __attrs_post_init__(self) -> None:
        for index, placement in enumerate(self.placements):
            if not isinstance(placement, Placement):
                raise InvalidValueError(
                    f"placements[{index}]", placement, "must be a Placement"
                )
        for index, (before, after) in enumerate(
            zip(self.placements, self.placements[1:], strict=False)
        ):
            if before.end != after.start:
                raise InvalidValueError(
                    f"placements[{index + 1}].start",
                    after.start,
                    f"must equal the previous placement's end {before.end}",
                )
        if (self.discharge_date is None) != (self.discharge_reason is None):
            raise InvalidValueError(
                "discharge_reason",
                self.discharge_reason,
                "must be given exactly when discharge_date is",
            )
        if self.discharge_date is not None:
            last = self.placements[-1] if self.placements else None
            if last is None or last.end != self.discharge_date:
                raise InvalidValueError(
                    "discharge_date",
                    self.discharge_date,
                    "must equal the end of the last placement",
                )
        elif self.placements and self.placements[-1].end is not None:
            raise InvalidValueError(
                f"placements[{len(self.placements) - 1}].end",
                self.placements[-1].end,
                "only a discharged episode's last placement is closed",
            )

    def __repr__(self) -> str:
        path = " -> ".join(p.level.key for p in self.placements) or "not admitted"
        return f"Episode(patient_id={self.patient_id!r}, {self.status.value}: {path})"

    def _repr_html_(self) -> str:
        from iopmodel._html import episode_html  # noqa: PLC0415

        return episode_html(self)

    def to_dataframe(self) -> Any:
        """The placements as a pandas DataFrame (needs the ``pandas`` extra).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> e.to_dataframe()["level"].tolist()
            ['outpatient']
        """
        from iopmodel.tables import episode_frame  # noqa: PLC0415

        return episode_frame(self)

    # -- queries ----------------------------------------------------------------

    @property
    def status(self) -> EpisodeStatus:
        """Pending, active or discharged."""
        if self.discharge_date is not None:
            return EpisodeStatus.DISCHARGED
        return EpisodeStatus.ACTIVE if self.placements else EpisodeStatus.PENDING

    @property
    def current(self) -> Placement | None:
        """The open placement, or ``None`` when pending or discharged."""
        if self.status is EpisodeStatus.ACTIVE:
            return self.placements[-1]
        return None

    @property
    def current_level(self) -> LevelOfCare | None:
        """The level of the open placement, or ``None``."""
        current = self.current
        return None if current is None else current.level

    @property
    def levels(self) -> tuple[LevelOfCare, ...]:
        """The levels of care, in order."""
        return tuple(p.level for p in self.placements)

    def days_at_current_level(self, as_of: dt.date) -> int:
        """Days at the current placement up to *as_of*.

        Raises:
            InvalidValueError: If the episode is not active.
        """
        check_arg(plain_date, "as_of", as_of)
        current = self.current
        if current is None:
            raise InvalidValueError(
                "episode", self.status.value, "has no current level"
            )
        return current.days_until(as_of)

    def total_days(self, as_of: dt.date | None = None) -> int:
        """Days in treatment across every placement.

        Args:
            as_of: Needed while the episode is open (the library never reads
                the clock); ignored for a discharged episode.

        Raises:
            InvalidValueError: If the episode is open and *as_of* is missing.
        """
        check_arg(optional_plain_date, "as_of", as_of)
        if self.current is not None:
            if as_of is None:
                raise InvalidValueError(
                    "as_of", as_of, "is needed while the episode is open"
                )
            return sum(p.days_until(as_of) for p in self.placements)
        return sum(p.days or 0 for p in self.placements)

    def to_records(self) -> list[dict[str, str | int | None]]:
        """The history as one flat dict per placement, for tables and JSON.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = Episode(patient_id="p-1").admit(LevelOfCare.INTENSIVE_OUTPATIENT,
            ...                                     on=dt.date(2026, 3, 2))
            >>> e.to_records()[0]["level"], e.to_records()[0]["end"]
            ('intensive_outpatient', None)
        """
        records: list[dict[str, str | int | None]] = []
        for index, placement in enumerate(self.placements):
            last = index == len(self.placements) - 1
            records.append(
                {
                    "patient_id": self.patient_id,
                    "sequence": index,
                    "level": placement.level.key,
                    "level_label": placement.level.label,
                    "program": None
                    if placement.program is None
                    else placement.program.name,
                    "start": placement.start.isoformat(),
                    "end": None if placement.end is None else placement.end.isoformat(),
                    "days": placement.days,
                    "move": placement.move.value,
                    "reason": placement.reason,
                    "discharge_reason": (
                        self.discharge_reason.value
                        if last and self.discharge_reason is not None
                        else None
                    ),
                }
            )
        return records

    # -- moves --------------------------------------------------------------------

    def admit(
        self,
        level: LevelOfCare,
        *,
        on: dt.date,
        reason: str = "",
        program: Program | None = None,
    ) -> Episode:
        """Return the episode admitted to *level* on *on*.

        Raises:
            TransitionError: If the episode was already admitted.
        """
        return self._enter(Move.ADMIT, level, on, reason, program)

    def step_down(
        self,
        level: LevelOfCare,
        *,
        on: dt.date,
        reason: str = "",
        program: Program | None = None,
    ) -> Episode:
        """Return the episode stepped down to the less intensive *level*.

        Raises:
            TransitionError: If *level* is not less intensive, the date is not
                after the current placement's start, or the episode is not active.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare, TransitionError
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> try:
            ...     e.step_down(LevelOfCare.PARTIAL_HOSPITALIZATION, on=dt.date(2026, 3, 9))
            ... except TransitionError as error:
            ...     print(error.reason)
            partial_hospitalization is more intensive than outpatient; use step_up
        """
        return self._enter(Move.STEP_DOWN, level, on, reason, program)

    def step_up(
        self,
        level: LevelOfCare,
        *,
        on: dt.date,
        reason: str = "",
        program: Program | None = None,
    ) -> Episode:
        """Return the episode stepped up to the more intensive *level*.

        Raises:
            TransitionError: As for :meth:`step_down`, the other way round.
        """
        return self._enter(Move.STEP_UP, level, on, reason, program)

    def transfer(self, program: Program, *, on: dt.date, reason: str = "") -> Episode:
        """Return the episode moved to another *program* at the same level.

        Raises:
            TransitionError: If *program* delivers another level, or is the
                current program.
        """
        check_arg(instance_of(Program), "program", program)
        current = self.current
        if current is not None and current.program == program:
            raise TransitionError(Move.TRANSFER.value, f"already in {program.name!r}")
        return self._enter(Move.TRANSFER, program.level, on, reason, program)

    def discharge(
        self,
        on: dt.date,
        reason: DischargeReason,
        *,
        aftercare: AftercarePlan | None = None,
    ) -> Episode:
        """Return the episode discharged on *on*.

        A discharge is a real event and is always recorded, with or without an
        aftercare plan; whether one was needed is for the rules to judge
        (:func:`iopmodel.rules.validate` on the episode reports it).

        Args:
            on: The discharge day; must be after the current placement's start.
            reason: Why treatment ended.
            aftercare: The aftercare plan, if there is one.

        Raises:
            TransitionError: Not active, or a date out of order.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import DischargeReason, Episode, LevelOfCare, validate
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> e = e.discharge(dt.date(2026, 6, 1), DischargeReason.AGAINST_ADVICE)
            >>> e.status.value, [f.rule_id for f in validate(e)]
            ('discharged', ['AFT001'])
        """
        self._check_move(Move.DISCHARGE, None, on)
        check_arg(instance_of(DischargeReason), "reason", reason)
        check_arg(optional_instance_of(AftercarePlan), "aftercare", aftercare)
        closed = attrs.evolve(self.placements[-1], end=on)
        return attrs.evolve(
            self,
            placements=(*self.placements[:-1], closed),
            discharge_date=on,
            discharge_reason=reason,
            aftercare=aftercare,
        )

    def apply(
        self,
        move: Move,
        *,
        on: dt.date,
        level: LevelOfCare | None = None,
        program: Program | None = None,
        reason: str = "",
        discharge_reason: DischargeReason | None = None,
        aftercare: AftercarePlan | None = None,
    ) -> Episode:
        """Apply any move by name: one entry point for generated or stored moves.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare, Move
            >>> e = Episode(patient_id="p").apply(Move.ADMIT, on=dt.date(2026, 3, 2),
            ...                                   level=LevelOfCare.INTENSIVE_OUTPATIENT)
            >>> e.current_level.key
            'intensive_outpatient'
        """
        check_arg(instance_of(Move), "move", move)
        if move is Move.DISCHARGE:
            if discharge_reason is None:
                raise TransitionError(move.value, "a discharge reason is required")
            return self.discharge(on, discharge_reason, aftercare=aftercare)
        if move is Move.TRANSFER:
            if program is None:
                raise TransitionError(move.value, "a program is required")
            return self.transfer(program, on=on, reason=reason)
        if level is None:
            level = None if program is None else program.level
        if level is None:
            raise TransitionError(move.value, "a level of care is required")
        return self._enter(move, level, on, reason, program)

    # -- the engine -----------------------------------------------------------------

    def _check_move(self, move: Move, level: LevelOfCare | None, on: object) -> None:
        check_arg(plain_date, "on", on)
        assert isinstance(on, dt.date)  # noqa: S101 - narrowed by check_arg
        row = TRANSITIONS[move]
        status = self.status
        if status is not row.source:
            if status is EpisodeStatus.DISCHARGED:
                why = f"the episode was discharged on {self.discharge_date}"
            elif status is EpisodeStatus.PENDING:
                why = "the patient has not been admitted"
            else:
                why = "the patient is already in care"
            raise TransitionError(move.value, why)
        current = self.current
        if current is None:
            return
        if on <= current.start:
            raise TransitionError(
                move.value,
                f"{on} is not after the current placement's start {current.start}",
            )
        if level is None:
            return
        change = row.level_change
        if change is LevelChange.LOWER and not level < current.level:
            hint = "; use step_up" if level > current.level else ""
            raise TransitionError(
                move.value,
                f"{level.key} is {_compare(level, current.level)} {current.level.key}{hint}",
            )
        if change is LevelChange.HIGHER and not level > current.level:
            hint = "; use step_down" if level < current.level else ""
            raise TransitionError(
                move.value,
                f"{level.key} is {_compare(level, current.level)} {current.level.key}{hint}",
            )
        if change is LevelChange.SAME and level is not current.level:
            raise TransitionError(
                move.value,
                f"a transfer stays at {current.level.key}, not {level.key}",
            )

    def _enter(
        self,
        move: Move,
        level: LevelOfCare,
        on: dt.date,
        reason: str,
        program: Program | None,
    ) -> Episode:
        check_arg(instance_of(LevelOfCare), "level", level)
        check_arg(optional_instance_of(Program), "program", program)
        check_arg(instance_of(str), "reason", reason)
        self._check_move(move, level, on)
        if program is not None and program.level is not level:
            raise TransitionError(
                move.value,
                f"program {program.name!r} delivers {program.level.key}, not {level.key}",
            )
        new = Placement(
            level=level, start=on, move=move, reason=reason, program=program
        )
        if not self.placements:
            return attrs.evolve(self, placements=(new,))
        closed = attrs.evolve(self.placements[-1], end=on)
        return attrs.evolve(self, placements=(*self.placements[:-1], closed, new))


def _compare(level: LevelOfCare, other: LevelOfCare) -> str:
    if level is other:
        return "the same level as"
    return "more intensive than" if level > other else "less intensive than"
