"""Episodes of care: what really happens to a patient, recorded.

An :class:`Episode` is an ordered, gap-free sequence of :class:`Placement`
values (admitted to withdrawal management, stepped down to IOP, stepped down to
outpatient), the :class:`ConcurrentService` values that ran beside them
(withdrawal management during IOP, recovery housing, an opioid treatment
program), any :class:`Hold` (leave, a short hospital stay elsewhere), and the
discharge. Every operation returns a new episode (it is immutable).

Episodes *record*; rules *judge*. Every real event can be recorded: a
discharge against medical advice without an aftercare plan, a transfer on the
day of admission, a readmission. Whether the care was good is for
:func:`iopmodel.validate` (the aftercare rule, AFT001, reports a discharge
without a plan). :class:`~iopmodel.errors.TransitionError` is kept for the
impossible: a date before the last recorded event, a move after discharge, a
move the episode's status does not allow, a "step down" to a more intensive
level.

The allowed moves are one literal table, :data:`TRANSITIONS`: the single
source of truth, rendered as a diagram in the documentation.

Days are counted like lengths of stay (midnight census): a placement from
2 March to 16 April lasts 45 days, a move on 16 April ends one placement and
starts the next on the same day, and a same-day transfer leaves a placement of
0 days.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from iopmodel._validators import (
    check_arg,
    instance_of,
    non_empty_str,
    optional_instance_of,
    optional_non_empty_str,
    optional_plain_date,
    plain_date,
    to_tuple,
    tuple_of,
)
from iopmodel.care import LevelOfCare
from iopmodel.errors import InvalidValueError, TransitionError
from iopmodel.plans import AftercarePlan, DischargeReason
from iopmodel.programs import Program
from iopmodel.services import Service

if TYPE_CHECKING:
    from iopmodel.consent import Disclosure

__all__ = [
    "TRANSITIONS",
    "ConcurrentService",
    "Episode",
    "EpisodeStatus",
    "Hold",
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
    ON_HOLD = "on_hold"
    """Admitted, but away for a while (leave, a hospital stay elsewhere)."""
    DISCHARGED = "discharged"
    """Treatment ended; nothing can happen any more."""


class Move(enum.Enum):
    """A recorded event of an episode.

    Example:
        >>> from iopmodel import Move
        >>> [m.value for m in Move][:5]
        ['admit', 'step_down', 'step_up', 'transfer', 'hold']
    """

    ADMIT = "admit"
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    TRANSFER = "transfer"
    """Another program or another level that is neither a step up nor a step
    down: between the withdrawal-management and treatment ladders, or the same
    level elsewhere."""
    HOLD = "hold"
    RESUME = "resume"
    START_SERVICE = "start_service"
    END_SERVICE = "end_service"
    DISCHARGE = "discharge"


class LevelChange(enum.Enum):
    """How a move must change the level of care.

    Example:
        >>> from iopmodel.episodes import LevelChange
        >>> LevelChange.LOWER.value
        'lower'
    """

    ANY = "any"
    """Any level (admission, transfer)."""
    LOWER = "lower"
    """A strictly less intensive level."""
    HIGHER = "higher"
    """A strictly more intensive level."""
    NONE = "none"
    """The level does not change (hold, services, discharge)."""


def _statuses(value: Iterable[EpisodeStatus]) -> frozenset[EpisodeStatus]:
    items = to_tuple(value)
    check_arg(tuple_of(EpisodeStatus), "sources", items)
    return frozenset(items)


@attrs.frozen
class Transition:
    """One row of :data:`TRANSITIONS`: from which statuses, to which, how the level changes.

    Attributes:
        sources: The statuses the move is possible from.
        target: The status afterwards; ``None`` when the move keeps the status.
        level_change: What the move does to the level of care.

    Example:
        >>> from iopmodel import Move
        >>> from iopmodel.episodes import TRANSITIONS
        >>> row = TRANSITIONS[Move.STEP_DOWN]
        >>> sorted(s.value for s in row.sources), row.target.value, row.level_change.value
        (['active'], 'active', 'lower')
        >>> sorted(s.value for s in TRANSITIONS[Move.DISCHARGE].sources)
        ['active', 'on_hold']
    """

    sources: frozenset[EpisodeStatus] = attrs.field(converter=_statuses)
    target: EpisodeStatus | None = attrs.field(
        validator=optional_instance_of(EpisodeStatus)
    )
    level_change: LevelChange = attrs.field(validator=instance_of(LevelChange))


_PENDING, _ACTIVE, _ON_HOLD, _DISCHARGED = (
    EpisodeStatus.PENDING,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.ON_HOLD,
    EpisodeStatus.DISCHARGED,
)
_IN_CARE: Final = frozenset({_ACTIVE, _ON_HOLD})
_KEYS: Final = frozenset(level.value for level in LevelOfCare)

#: The allowed moves, the single source of truth for every episode operation.
#:
#: :meta hide-value:
TRANSITIONS: Final[Mapping[Move, Transition]] = MappingProxyType(
    {
        Move.ADMIT: Transition({_PENDING}, _ACTIVE, LevelChange.ANY),
        Move.STEP_DOWN: Transition({_ACTIVE}, _ACTIVE, LevelChange.LOWER),
        Move.STEP_UP: Transition({_ACTIVE}, _ACTIVE, LevelChange.HIGHER),
        Move.TRANSFER: Transition({_ACTIVE}, _ACTIVE, LevelChange.ANY),
        Move.HOLD: Transition({_ACTIVE}, _ON_HOLD, LevelChange.NONE),
        Move.RESUME: Transition({_ON_HOLD}, _ACTIVE, LevelChange.NONE),
        Move.START_SERVICE: Transition(_IN_CARE, None, LevelChange.NONE),
        Move.END_SERVICE: Transition(_IN_CARE, None, LevelChange.NONE),
        Move.DISCHARGE: Transition(_IN_CARE, _DISCHARGED, LevelChange.NONE),
    }
)


class _Span:
    """Start, optional end, and day counts shared by placements, services and holds."""

    __slots__ = ()
    start: dt.date
    end: dt.date | None

    def _check_span(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InvalidValueError(
                "end", self.end, f"must not be before start {self.start}"
            )

    @property
    def open(self) -> bool:
        """Whether it is still running."""
        return self.end is None

    @property
    def days(self) -> int | None:
        """Days from start to end, or ``None`` while it is open."""
        return None if self.end is None else (self.end - self.start).days

    def days_until(self, as_of: dt.date) -> int:
        """Days from start up to *as_of* (or the end, if earlier)."""
        end = as_of if self.end is None else min(self.end, as_of)
        return max(0, (end - self.start).days)


@attrs.frozen(kw_only=True)
class Placement(_Span):
    """A stay at one level of care (optionally in one program).

    Args:
        level: The level of care.
        start: First day at this level.
        end: The day the patient left this level (the same day for a same-day
            transfer), or ``None`` while there.
        move: How the patient entered this placement.
        reason: Why, in words ("stepped down after 45 days; goals met").
        program: The program, if known.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import LevelOfCare, Move
        >>> from iopmodel.episodes import Placement
        >>> p = Placement(level=LevelOfCare.INTENSIVE_OUTPATIENT, start=dt.date(2026, 3, 2),
        ...               end=dt.date(2026, 4, 16), move=Move.ADMIT)
        >>> p.days, p.open
        (45, False)
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
        self._check_span()
        if self.program is not None and self.program.level is not self.level:
            raise InvalidValueError(
                "program",
                self.program.name,
                f"delivers {self.program.level.key}, not {self.level.key}",
            )


@attrs.frozen(kw_only=True)
class ConcurrentService(_Span):
    """A service beside the primary level: withdrawal management, housing, medication.

    Args:
        service: Which service.
        start: First day of the service.
        end: Last day, or ``None`` while it runs.
        level: For withdrawal management, which withdrawal-management level
            (optional); for recovery housing, low-intensity residential
            (optional); medications have none.
        reason: Why, in words.

    Raises:
        InvalidValueError: A level that does not describe the service, or an
            end before the start.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import LevelOfCare
        >>> from iopmodel.episodes import ConcurrentService
        >>> from iopmodel.services import Service
        >>> wm = ConcurrentService(service=Service.WITHDRAWAL_MANAGEMENT,
        ...                        level=LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT,
        ...                        start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 6))
        >>> wm.days
        5
    """

    service: Service = attrs.field(validator=instance_of(Service))
    start: dt.date = attrs.field(validator=plain_date)
    end: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    level: LevelOfCare | None = attrs.field(
        default=None, validator=optional_instance_of(LevelOfCare)
    )
    reason: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        self._check_span()
        if self.level is not None and self.level not in self.service.levels:
            raise InvalidValueError(
                "level", self.level.key, f"does not describe {self.service.value}"
            )


@attrs.frozen(kw_only=True)
class Hold(_Span):
    """A time the patient was away while still in the episode (leave, on hold).

    Args:
        start: First day away.
        end: The day care resumed (or the discharge day), or ``None``.
        reason: Why, in words ("medical admission elsewhere").

    Example:
        >>> import datetime as dt
        >>> from iopmodel.episodes import Hold
        >>> Hold(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 4), reason="leave").days
        3
    """

    start: dt.date = attrs.field(validator=plain_date)
    end: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    reason: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        self._check_span()


def _placements(value: Iterable[Placement]) -> tuple[Placement, ...]:
    return to_tuple(value)


def _services(value: Iterable[ConcurrentService]) -> tuple[ConcurrentService, ...]:
    return to_tuple(value)


def _holds(value: Iterable[Hold]) -> tuple[Hold, ...]:
    return to_tuple(value)


def _check_items(name: str, items: tuple[object, ...], kind: type) -> None:
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise InvalidValueError(
                f"{name}[{index}]", item, f"must be a {kind.__name__}"
            )


@attrs.frozen(kw_only=True)
class Episode:
    """One patient's episode of care: placements, services beside them, holds, discharge.

    Args:
        patient_id: Opaque patient identifier (never a name).
        placements: Ordered, contiguous placements; only the last may be open.
        services: Concurrent services, in order of start; one service of a
            kind at a time.
        holds: Times on hold, in order, not overlapping; only the last may be open.
        discharge_date: The day of discharge, once discharged.
        discharge_reason: Why; given exactly with *discharge_date*.
        aftercare: The aftercare plan given at discharge, if any.
        episode_id: Opaque identifier of this episode, if known.
        readmission_of: The ``episode_id`` of the earlier episode this one
            readmits the patient after, if any.

    Raises:
        InvalidValueError: Placements out of order, overlapping or with gaps,
            services or holds outside the episode or overlapping, an open
            placement before the last, or discharge fields that contradict the
            placements.

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
    services: tuple[ConcurrentService, ...] = attrs.field(
        default=(), converter=_services
    )
    holds: tuple[Hold, ...] = attrs.field(default=(), converter=_holds)
    discharge_date: dt.date | None = attrs.field(
        default=None, validator=optional_plain_date
    )
    discharge_reason: DischargeReason | None = attrs.field(
        default=None, validator=optional_instance_of(DischargeReason)
    )
    aftercare: AftercarePlan | None = attrs.field(
        default=None, validator=optional_instance_of(AftercarePlan)
    )
    episode_id: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    readmission_of: str | None = attrs.field(
        default=None, validator=optional_non_empty_str
    )

    def __attrs_post_init__(self) -> None:
        _check_items("placements", self.placements, Placement)
        _check_items("services", self.services, ConcurrentService)
        _check_items("holds", self.holds, Hold)
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
        if self.episode_id is not None and self.readmission_of == self.episode_id:
            raise InvalidValueError(
                "readmission_of", self.readmission_of, "is this episode's own id"
            )
        self._check_within("services", self.services)
        self._check_within("holds", self.holds)
        self._check_services()
        self._check_holds()

    def _check_within(self, name: str, spans: tuple[_Span, ...]) -> None:
        first = self.placements[0].start if self.placements else None
        for index, span in enumerate(spans):
            if first is None or span.start < first:
                raise InvalidValueError(
                    f"{name}[{index}].start",
                    span.start,
                    "is before admission" if first else "needs an admitted episode",
                )
            if self.discharge_date is not None and (
                span.end is None or span.end > self.discharge_date
            ):
                raise InvalidValueError(
                    f"{name}[{index}].end",
                    span.end,
                    f"must end by the discharge on {self.discharge_date}",
                )

    def _check_services(self) -> None:
        last_of: dict[Service, ConcurrentService] = {}
        for index, item in enumerate(self.services):
            if index and item.start < self.services[index - 1].start:
                raise InvalidValueError(
                    f"services[{index}].start", item.start, "is out of order"
                )
            earlier = last_of.get(item.service)
            if earlier is not None and (
                earlier.end is None or earlier.end > item.start
            ):
                raise InvalidValueError(
                    f"services[{index}].start",
                    item.start,
                    f"overlaps the earlier {item.service.value} service",
                )
            last_of[item.service] = item

    def _check_holds(self) -> None:
        for index, (before, after) in enumerate(
            zip(self.holds, self.holds[1:], strict=False)
        ):
            if before.end is None or before.end > after.start:
                raise InvalidValueError(
                    f"holds[{index + 1}].start",
                    after.start,
                    "overlaps the previous hold",
                )

    def __repr__(self) -> str:
        path = " -> ".join(p.level.key for p in self.placements) or "not admitted"
        services = ", ".join(s.service.value for s in self.open_services)
        beside = f" + {services}" if services else ""
        return f"Episode(patient_id={self.patient_id!r}, {self.status.value}: {path}{beside})"

    def _repr_html_(self) -> str:
        from iopmodel._html import episode_html  # noqa: PLC0415

        return episode_html(self)

    def to_dataframe(self, *, disclosure: Disclosure | None = None) -> Any:
        """The placements as a pandas DataFrame (needs the ``pandas`` extra).

        An episode in a 42 CFR Part 2 program needs a covering *disclosure*
        (see :func:`iopmodel.tables.episode_frame`).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> e.to_dataframe()["level"].tolist()
            ['outpatient']
        """
        from iopmodel.tables import episode_frame  # noqa: PLC0415

        return episode_frame(self, disclosure=disclosure)

    # -- queries ----------------------------------------------------------------

    @property
    def status(self) -> EpisodeStatus:
        """Pending, active, on hold or discharged."""
        if self.discharge_date is not None:
            return EpisodeStatus.DISCHARGED
        if self.holds and self.holds[-1].end is None:
            return EpisodeStatus.ON_HOLD
        return EpisodeStatus.ACTIVE if self.placements else EpisodeStatus.PENDING

    @property
    def current(self) -> Placement | None:
        """The open placement (also while on hold), or ``None``."""
        if self.status in _IN_CARE:
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

    @property
    def open_services(self) -> tuple[ConcurrentService, ...]:
        """The concurrent services running now (none once discharged).

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> from iopmodel.services import Service
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .start_service(Service.NALTREXONE, on=dt.date(2026, 3, 2)))
            >>> [s.service.value for s in e.open_services]
            ['naltrexone']
        """
        return tuple(s for s in self.services if s.end is None)

    @property
    def last_event(self) -> dt.date | None:
        """The day of the latest recorded event; a new event may not be earlier.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> e.hold(on=dt.date(2026, 3, 9)).last_event
            datetime.date(2026, 3, 9)
        """
        days = [p.start for p in self.placements]
        for span in (*self.services, *self.holds):
            days.append(span.start)
            if span.end is not None:
                days.append(span.end)
        if self.discharge_date is not None:
            days.append(self.discharge_date)
        return max(days, default=None)

    def days_at_current_level(self, as_of: dt.date) -> int:
        """Days at the current placement up to *as_of*.

        Raises:
            InvalidValueError: If the episode is not in care.
        """
        check_arg(plain_date, "as_of", as_of)
        current = self.current
        if current is None:
            raise InvalidValueError(
                "episode", self.status.value, "has no current level"
            )
        return current.days_until(as_of)

    def _until(self, as_of: dt.date | None) -> dt.date:
        """The day totals run to: the discharge day, or *as_of* while open."""
        check_arg(optional_plain_date, "as_of", as_of)
        if self.discharge_date is not None:
            return self.discharge_date
        if as_of is None:
            if not self.placements:
                return dt.date.min
            raise InvalidValueError(
                "as_of", as_of, "is needed while the episode is open"
            )
        return as_of

    def total_days(self, as_of: dt.date | None = None) -> int:
        """Days in treatment across every placement (days on hold included).

        Args:
            as_of: Needed while the episode is open (the library never reads
                the clock); ignored for a discharged episode.

        Raises:
            InvalidValueError: If the episode is open and *as_of* is missing.
        """
        until = self._until(as_of)
        return sum(p.days_until(until) for p in self.placements)

    def days_at_levels(self, as_of: dt.date | None = None) -> dict[LevelOfCare, int]:
        """Days at each level of care, in order of first stay; they sum to :meth:`total_days`.

        Raises:
            InvalidValueError: If the episode is open and *as_of* is missing.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> L = LevelOfCare
            >>> e = (Episode(patient_id="p").admit(L.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .step_up(L.PARTIAL_HOSPITALIZATION, on=dt.date(2026, 3, 16))
            ...      .step_down(L.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 30)))
            >>> {lv.key: d for lv, d in e.days_at_levels(dt.date(2026, 4, 13)).items()}
            {'intensive_outpatient': 28, 'partial_hospitalization': 14}
        """
        return _days_by(self.placements, lambda p: p.level, self._until(as_of))

    def days_in_services(self, as_of: dt.date | None = None) -> dict[Service, int]:
        """Days in each concurrent service, in order of first start.

        Raises:
            InvalidValueError: If the episode is open and *as_of* is missing.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> from iopmodel.services import Service
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .start_service(Service.WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 3, 20))
            ...      .end_service(Service.WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 3, 25)))
            >>> e.days_in_services(dt.date(2026, 4, 1))
            {<Service.WITHDRAWAL_MANAGEMENT: 'withdrawal_management'>: 5}
        """
        return _days_by(self.services, lambda s: s.service, self._until(as_of))

    def days_on_hold(self, as_of: dt.date | None = None) -> int:
        """Days on hold in total.

        Raises:
            InvalidValueError: If the episode is open and *as_of* is missing.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .hold(on=dt.date(2026, 3, 10), reason="medical admission elsewhere"))
            >>> e.status.value, e.days_on_hold(dt.date(2026, 3, 13))
            ('on_hold', 3)
        """
        until = self._until(as_of)
        return sum(h.days_until(until) for h in self.holds)

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

    def service_records(self) -> list[dict[str, str | int | None]]:
        """One flat dict per concurrent service and per hold, for tables and JSON.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> from iopmodel.services import Service
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .start_service(Service.OPIOID_TREATMENT_PROGRAM, on=dt.date(2026, 3, 2)))
            >>> [(r["kind"], r["service"], r["end"]) for r in e.service_records()]
            [('service', 'opioid_treatment_program', None)]
        """
        records: list[dict[str, str | int | None]] = [
            {
                "patient_id": self.patient_id,
                "kind": "service",
                "service": item.service.value,
                "service_label": item.service.label,
                "level": None if item.level is None else item.level.key,
                "start": item.start.isoformat(),
                "end": None if item.end is None else item.end.isoformat(),
                "days": item.days,
                "reason": item.reason,
            }
            for item in self.services
        ]
        records += [
            {
                "patient_id": self.patient_id,
                "kind": "hold",
                "service": None,
                "service_label": "On hold",
                "level": None,
                "start": hold.start.isoformat(),
                "end": None if hold.end is None else hold.end.isoformat(),
                "days": hold.days,
                "reason": hold.reason,
            }
            for hold in self.holds
        ]
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

        The move may fall on the day the current placement started (a
        same-day change), never before the last recorded event.

        Raises:
            TransitionError: If *level* is not less intensive, the date is
                before the last recorded event, or the episode is not active.

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

    def transfer(
        self,
        program: Program | None = None,
        *,
        on: dt.date,
        level: LevelOfCare | None = None,
        reason: str = "",
    ) -> Episode:
        """Return the episode moved to another *program* or another *level*.

        A transfer is any change that is neither a step up nor a step down:
        the same level in another program, or a move between the
        withdrawal-management and treatment ladders (ambulatory withdrawal
        management, complete, to IOP). It may happen on the day of admission.

        Raises:
            TransitionError: Nothing would change, no program or level is
                given, or *program* delivers another level than *level*.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 3, 2))
            ...      .transfer(level=LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 6)))
            >>> e.placements[-1].move.value, e.current_level.key
            ('transfer', 'intensive_outpatient')
        """
        check_arg(optional_instance_of(Program), "program", program)
        check_arg(optional_instance_of(LevelOfCare), "level", level)
        if level is None:
            if program is None:
                raise TransitionError(
                    Move.TRANSFER.value, "a program or a level is required"
                )
            level = program.level
        current = self.current
        if (
            current is not None
            and current.level is level
            and current.program == program
        ):
            where = f"{program.name!r}" if program is not None else f"{level.key}"
            raise TransitionError(Move.TRANSFER.value, f"already in {where}")
        return self._enter(Move.TRANSFER, level, on, reason, program)

    def hold(self, *, on: dt.date, reason: str = "") -> Episode:
        """Return the episode on hold from *on* (leave, a stay elsewhere).

        The placement stays open; :meth:`resume` ends the hold, and a
        discharge during a hold ends it too.

        Raises:
            TransitionError: Not active, or a date before the last event.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> e.hold(on=dt.date(2026, 3, 9), reason="leave").status.value
            'on_hold'
        """
        check_arg(instance_of(str), "reason", reason)
        self._check_move(Move.HOLD, None, on)
        return attrs.evolve(self, holds=(*self.holds, Hold(start=on, reason=reason)))

    def resume(self, *, on: dt.date) -> Episode:
        """Return the episode back in care at its level from *on*.

        Raises:
            TransitionError: Not on hold, or a date before the last event.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> e = Episode(patient_id="p").admit(LevelOfCare.OUTPATIENT, on=dt.date(2026, 3, 2))
            >>> back = e.hold(on=dt.date(2026, 3, 9)).resume(on=dt.date(2026, 3, 12))
            >>> back.status.value, back.days_on_hold(dt.date(2026, 3, 20))
            ('active', 3)
        """
        self._check_move(Move.RESUME, None, on)
        closed = attrs.evolve(self.holds[-1], end=on)
        return attrs.evolve(self, holds=(*self.holds[:-1], closed))

    def start_service(
        self,
        service: Service,
        *,
        on: dt.date,
        level: LevelOfCare | None = None,
        reason: str = "",
    ) -> Episode:
        """Return the episode with *service* running beside the level from *on*.

        Raises:
            TransitionError: Not in care, the service is already running, or
                a date before the last event.
            InvalidValueError: A *level* that does not describe the service.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> from iopmodel.services import Service
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .start_service(Service.WITHDRAWAL_MANAGEMENT, on=dt.date(2026, 4, 1),
            ...                     level=LevelOfCare.AMBULATORY_WITHDRAWAL_MANAGEMENT,
            ...                     reason="relapse; mild withdrawal"))
            >>> e
            Episode(patient_id='p', active: intensive_outpatient + withdrawal_management)
        """
        check_arg(instance_of(Service), "service", service)
        check_arg(instance_of(str), "reason", reason)
        self._check_move(Move.START_SERVICE, None, on)
        if any(s.service is service for s in self.open_services):
            raise TransitionError(
                Move.START_SERVICE.value, f"{service.value} is already running"
            )
        new = ConcurrentService(service=service, start=on, level=level, reason=reason)
        return attrs.evolve(self, services=(*self.services, new))

    def end_service(self, service: Service, *, on: dt.date) -> Episode:
        """Return the episode with the running *service* ended on *on*.

        Raises:
            TransitionError: The service is not running, or a date before the
                last event.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import Episode, LevelOfCare
            >>> from iopmodel.services import Service
            >>> e = (Episode(patient_id="p")
            ...      .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...      .start_service(Service.NALTREXONE, on=dt.date(2026, 3, 2))
            ...      .end_service(Service.NALTREXONE, on=dt.date(2026, 5, 1)))
            >>> e.services[0].days, e.open_services
            (60, ())
        """
        check_arg(instance_of(Service), "service", service)
        self._check_move(Move.END_SERVICE, None, on)
        for index, item in enumerate(self.services):
            if item.service is service and item.end is None:
                services = list(self.services)
                services[index] = attrs.evolve(item, end=on)
                return attrs.evolve(self, services=tuple(services))
        raise TransitionError(Move.END_SERVICE.value, f"{service.value} is not running")

    def discharge(
        self,
        on: dt.date,
        reason: DischargeReason,
        *,
        aftercare: AftercarePlan | None = None,
    ) -> Episode:
        """Return the episode discharged on *on*.

        A discharge is a real event and is always recorded, with or without an
        aftercare plan and whatever the reason; whether a plan was needed is
        for the rules to judge (:func:`iopmodel.rules.validate` on the episode
        reports it). Running services and an open hold end on the same day.

        Args:
            on: The discharge day; not before the last recorded event.
            reason: Why treatment ended.
            aftercare: The aftercare plan, if there is one.

        Raises:
            TransitionError: Not in care, or a date out of order.

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
            services=tuple(
                s if s.end is not None else attrs.evolve(s, end=on)
                for s in self.services
            ),
            holds=tuple(
                h if h.end is not None else attrs.evolve(h, end=on) for h in self.holds
            ),
            discharge_date=on,
            discharge_reason=reason,
            aftercare=aftercare,
        )

    def readmit(
        self,
        level: LevelOfCare,
        *,
        on: dt.date,
        episode_id: str,
        reason: str = "",
        program: Program | None = None,
    ) -> Episode:
        """A new episode for the same patient, admitted to *level*, linked to this one.

        Args:
            level: The level of the readmission.
            on: The day of readmission; not before this episode's discharge.
            episode_id: The new episode's id.
            reason: Why, in words.
            program: The program, if known.

        Raises:
            TransitionError: This episode is not discharged, or *on* is before
                its discharge.
            InvalidValueError: This episode has no ``episode_id`` to link to,
                or the new id is the same.

        Example:
            >>> import datetime as dt
            >>> from iopmodel import DischargeReason, Episode, LevelOfCare
            >>> first = (Episode(patient_id="p", episode_id="e-1")
            ...          .admit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 3, 2))
            ...          .discharge(dt.date(2026, 4, 1), DischargeReason.AGAINST_ADVICE))
            >>> again = first.readmit(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 5, 4),
            ...                       episode_id="e-2", reason="relapse")
            >>> again.readmission_of, again.status.value
            ('e-1', 'active')
        """
        move = "readmit"
        if self.discharge_date is None:
            why = (
                "the patient is still in care"
                if self.placements
                else "the patient has not been admitted"
            )
            raise TransitionError(move, f"{why}; readmission follows a discharge")
        check_arg(plain_date, "on", on)
        if on < self.discharge_date:
            raise TransitionError(
                move, f"{on} is before the discharge on {self.discharge_date}"
            )
        if self.episode_id is None:
            raise InvalidValueError(
                "episode_id", None, "the earlier episode needs an id to link to"
            )
        new = Episode(
            patient_id=self.patient_id,
            episode_id=episode_id,
            readmission_of=self.episode_id,
        )
        return new.admit(level, on=on, reason=reason, program=program)

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
        service: Service | None = None,
    ) -> Episode:
        """Apply any move by name: one entry point for generated or stored moves.

        For the service moves, *level* is the service's level (optional).

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
            return self.transfer(program, on=on, level=level, reason=reason)
        if move is Move.HOLD:
            return self.hold(on=on, reason=reason)
        if move is Move.RESUME:
            return self.resume(on=on)
        if move in (Move.START_SERVICE, Move.END_SERVICE):
            if service is None:
                raise TransitionError(move.value, "a service is required")
            if move is Move.END_SERVICE:
                return self.end_service(service, on=on)
            return self.start_service(service, on=on, level=level, reason=reason)
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
        if status not in row.sources:
            raise TransitionError(move.value, _why_not(self, status, move))
        latest = self.last_event
        if latest is not None and on < latest:
            raise TransitionError(
                move.value, f"{on} is before the last recorded event on {latest}"
            )
        current = self.current
        if current is None or level is None:
            return
        change = row.level_change
        if change is LevelChange.LOWER and not level < current.level:
            hint = "; use step_up" if level > current.level else "; use transfer"
            raise TransitionError(
                move.value,
                f"{level.key} is {_compare(level, current.level)} {current.level.key}{hint}",
            )
        if change is LevelChange.HIGHER and not level > current.level:
            hint = "; use step_down" if level < current.level else "; use transfer"
            raise TransitionError(
                move.value,
                f"{level.key} is {_compare(level, current.level)} {current.level.key}{hint}",
            )

    def _enter(
        self,
        move: Move,
        level: LevelOfCare,
        on: dt.date,
        reason: str,
        program: Program | None,
    ) -> Episode:
        if isinstance(level, str):  # a stored key, as in files
            if level not in _KEYS:
                raise TransitionError(
                    move.value, "no such level of care (see LevelOfCare)"
                )
            level = LevelOfCare(level)
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


_S = TypeVar("_S", bound=_Span)
_K = TypeVar("_K")


def _days_by(
    spans: Iterable[_S], key: Callable[[_S], _K], until: dt.date
) -> dict[_K, int]:
    """Days up to *until* added up per key, in order of first appearance."""
    days: dict[_K, int] = {}
    for span in spans:
        days[key(span)] = days.get(key(span), 0) + span.days_until(until)
    return days


def _why_not(episode: Episode, status: EpisodeStatus, move: Move) -> str:
    if status is EpisodeStatus.DISCHARGED:
        return f"the episode was discharged on {episode.discharge_date}"
    if status is EpisodeStatus.PENDING:
        return "the patient has not been admitted"
    if status is EpisodeStatus.ON_HOLD:
        return "the episode is on hold; resume first"
    if move is Move.RESUME:
        return "the episode is not on hold"
    return "the patient is already in care"


def _compare(level: LevelOfCare, other: LevelOfCare) -> str:
    if level is other:
        return "the same level as"
    return "more intensive than" if level > other else "less intensive than"
