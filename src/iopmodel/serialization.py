"""Lossless dicts, JSON and TOML for every model, with errors that name the path.

Built on `cattrs <https://catt.rs>`_ (the attrs ecosystem's structuring library).
The formats:

- levels of care by stable key (``"intensive_outpatient"``; loaders also accept
  ``"asam-3:2.1"``, ``"asam-4:2.1"`` or ``"locus:3"``), other enums by value;
- datetimes as ISO 8601 with a UTC offset, followed by the IANA zone in
  brackets when there is one (RFC 9557: ``"2026-03-02T18:00:00-05:00[America/New_York]"``),
  so the zone survives a round trip; naive datetimes are refused; dates as ISO
  dates, wall-clock times as ``"HH:MM"`` (``"HH:MM:SS"`` or
  ``"HH:MM:SS.ffffff"`` when they have seconds or microseconds);
- durations as whole minutes in keys ending ``_minutes``
  (``"duration_minutes": 180``), hours as exact fractions in text (``"15/2"``);
- time zones by IANA name.

A top-level document carries ``schema_version`` (this release writes
:data:`SCHEMA_VERSION`) and ``model`` (``"program"``, ``"treatment_plan"``...;
see :data:`KINDS`).
A document of a newer major version is refused with a clear error.

Loading is strict: unknown keys, missing keys, wrong types (``"9"`` is not 9,
``1`` is not ``"1"``) and invalid values are all reported together in one
:class:`~iopmodel.errors.DocumentError`, each problem with its path
(``$.templates[1].rrule``). Messages never echo free text from the document.

Limits against hostile input are in :class:`Limits`.

TOML goes both ways: :func:`from_toml` reads it (program designs are usually
written by hand in TOML) and :func:`to_toml` writes it (the ``toml`` extra,
tomli-w), losslessly for every model.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import heapq
import itertools
import json
import os
import re
import stat
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Final, TypeVar
from zoneinfo import ZoneInfo

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from iopmodel._validators import (
    check_magnitude,
    exact_number,
    load_zone,
    non_negative_int,
    positive_int,
)
from iopmodel.authorizations import Authorization
from iopmodel.care import Framework, LevelOfCare
from iopmodel.consent import Consent, Disclosure, require_disclosure
from iopmodel.diagnoses import Diagnosis
from iopmodel.episodes import ConcurrentService, Episode, Hold, Placement
from iopmodel.errors import (
    MAX_PROBLEMS,
    DocumentError,
    InvalidTypeError,
    InvalidValueError,
    IopModelError,
    MissingExtraError,
    UnknownCodeError,
    _shown,
)
from iopmodel.measures import Measure
from iopmodel.plans import (
    AftercarePlan,
    TreatmentPlan,
)
from iopmodel.programs import Program
from iopmodel.recommendations import ClinicalFacts, Recommendation
from iopmodel.reports import ValidationReport
from iopmodel.schedules import SessionTemplate
from iopmodel.screens import Screen
from iopmodel.sessions import MAX_SESSION_DURATION, Session
from iopmodel.sources import Citation
from iopmodel.standards import HoursBand

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "Limits",
    "configure_converter",
    "from_dict",
    "from_json",
    "from_toml",
    "load",
    "load_bytes",
    "make_converter",
    "read_limited",
    "to_dict",
    "to_json",
    "to_toml",
]

T = TypeVar("T")

#: The schema version this release writes (1). Documents of a newer major
#: version are refused; older ones are read.
SCHEMA_VERSION: Final = 1

#: Document models (the ``model`` key) and the classes they hold.
#:
#: :meta hide-value:
KINDS: Final[Mapping[str, type]] = MappingProxyType(
    {
        "session": Session,
        "session_template": SessionTemplate,
        "program": Program,
        "treatment_plan": TreatmentPlan,
        "episode": Episode,
        "placement": Placement,
        "concurrent_service": ConcurrentService,
        "hold": Hold,
        "aftercare_plan": AftercarePlan,
        "clinical_facts": ClinicalFacts,
        "recommendation": Recommendation,
        "validation_report": ValidationReport,
        "citation": Citation,
        "hours_band": HoursBand,
        "diagnosis": Diagnosis,
        "measure": Measure,
        "screen": Screen,
        "authorization": Authorization,
        "consent": Consent,
        "disclosure": Disclosure,
    }
)
_KIND_OF: Final = {cls: kind for kind, cls in KINDS.items()}
#: The envelope key that carries the 42 CFR 2.32 notice of a Part 2 document.
_PART2_KEY: Final = "part2_disclosure"
_MINUTE: Final = dt.timedelta(minutes=1)
#: Keys shown in paths and messages: identifiers of bounded length. Other keys
#: are described by their length, never printed (a key can carry prose too).
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}", re.ASCII)
#: Whole minutes beyond this (about 1,900 years) are refused before conversion.
_MAX_MINUTES: Final = 10**9
#: Attributes stored under another key: (class, attribute) -> key.
_RENAMED: Final = {
    (Session, "duration"): "duration_minutes",
    (SessionTemplate, "duration"): "duration_minutes",
}


@attrs.frozen(kw_only=True)
class Limits:
    """Bounds that keep hostile or broken input from exhausting memory or time.

    Each bound, when exceeded, is a :class:`~iopmodel.errors.DocumentError`.
    Schedule expansion is bounded separately: :meth:`iopmodel.Program.schedule`
    needs an explicit window of at most :data:`iopmodel.programs.MAX_SCHEDULE_DAYS` days.

    Every bound is checked before the work it protects: the size before a
    file is read (only regular files are read), TOML key depth and nesting
    before the standard-library parser sees the text, the shape before any
    value is converted, and numbers' length and exponent before they are parsed.

    Args:
        max_bytes: Largest document accepted (default 10 MiB).
        max_sessions: Most sessions in any one ``sessions`` list (default
            100,000, the same as :data:`iopmodel.schedules.MAX_SCHEDULE_SESSIONS`).
        max_items: Most list items and object members in the whole document
            (default 1,000,000).
        max_depth: Deepest nesting of lists and objects, and of TOML dotted
            keys and table headers (default 32).

    Example:
        >>> from iopmodel.serialization import Limits, from_json
        >>> from iopmodel import DocumentError
        >>> try:
        ...     from_json('{"schema_version": 1, "model": "session"}', limits=Limits(max_bytes=10))
        ... except DocumentError as error:
        ...     print(error.problems[0])
        ('$', 'document is 41 bytes, over the limit of 10')
    """

    max_bytes: int = attrs.field(default=10 * 1024 * 1024, validator=positive_int)
    max_sessions: int = attrs.field(default=100_000, validator=non_negative_int)
    max_items: int = attrs.field(default=1_000_000, validator=non_negative_int)
    max_depth: int = attrs.field(default=32, validator=positive_int)


DEFAULT_LIMITS: Final = Limits()


# -- the converter -------------------------------------------------------------------


def _strict(kind: type, name: str) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        if type(value) is not kind:  # bool is not int; 1 is not "1"
            msg = f"expected {name}, got {_describe_type(value)}"
            raise TypeError(msg)
        if isinstance(value, str) and not _encodable(value):
            msg = "text that UTF-8 cannot encode (a lone surrogate)"
            raise ValueError(msg)
        return value

    return structure


_ZONED: Final = re.compile(r"(?P<iso>[^\[\]]+)(?:\[(?P<zone>[^\[\]]+)\])?")


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 datetime string, got {_describe_type(value)}"
        raise TypeError(msg)
    match = _ZONED.fullmatch(value) if len(value) <= 100 else None
    moment = None if match is None else _parse_iso(match["iso"])
    if match is None or moment is None:
        msg = f"not an ISO 8601 datetime: {_safe(value)}"
        raise ValueError(msg)
    if moment.utcoffset() is None:
        msg = f"naive datetime {_safe(value)}: give a UTC offset such as -05:00"
        raise ValueError(msg)
    if match["zone"] is None:
        return moment
    zone = _structure_zone(match["zone"], ZoneInfo)
    try:
        zoned = moment.astimezone(zone)
    except (OverflowError, ValueError):
        msg = f"{_safe(value)} is outside the supported calendar"
        raise ValueError(msg) from None
    if zoned.utcoffset() != moment.utcoffset():
        msg = f"offset of {_safe(value)} does not match its time zone"
        raise ValueError(msg)
    return zoned


def _parse_iso(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _unstructure_datetime(value: dt.datetime) -> str:
    """ISO 8601 with offset, plus the IANA zone in brackets (RFC 9557) if known."""
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key:
        return f"{value.isoformat()}[{zone.key}]"
    return value.isoformat()


def _structure_date(value: Any, _: type) -> dt.date:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 date string, got {_describe_type(value)}"
        raise TypeError(msg)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        msg = f"not an ISO 8601 date (YYYY-MM-DD): {_safe(value)}"
        raise ValueError(msg)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f"not a calendar date: {_safe(value)}"
        raise ValueError(msg) from None


def _structure_time(value: Any, _: type) -> dt.time:
    if isinstance(value, dt.time):  # TOML local times
        return value
    if not isinstance(value, str):
        msg = f"expected a time such as '18:00', got {_describe_type(value)}"
        raise TypeError(msg)
    if not re.fullmatch(r"\d{2}:\d{2}(:\d{2}(\.\d{6})?)?", value, re.ASCII):
        msg = f"not a wall-clock time (HH:MM, HH:MM:SS or HH:MM:SS.ffffff): {_safe(value)}"
        raise ValueError(msg)
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        msg = f"not a wall-clock time: {_safe(value)}"
        raise ValueError(msg) from None


def _unstructure_time(value: dt.time) -> str:
    """``"18:00"``; seconds and microseconds only when there are some (lossless)."""
    if value.microsecond:
        return value.isoformat(timespec="microseconds")
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _structure_minutes(value: Any, _: type) -> dt.timedelta:
    if type(value) is not int:
        msg = f"expected whole minutes as an integer, got {_describe_type(value)}"
        raise TypeError(msg)
    if abs(value) > _MAX_MINUTES:
        msg = f"{_safe(value)} minutes is out of range"
        raise ValueError(msg)
    return dt.timedelta(minutes=value)


def _structure_zone(value: Any, _: type) -> ZoneInfo:
    if not isinstance(value, str):
        msg = f"expected an IANA time-zone name, got {_describe_type(value)}"
        raise TypeError(msg)
    zone = load_zone(value)
    if zone is None:
        msg = f"unknown IANA time zone {_safe(value)}"
        raise ValueError(msg)
    return zone


def _structure_fraction(value: Any, _: type) -> Fraction:
    if type(value) is not int and not isinstance(value, str):
        msg = f"expected hours as an integer or text such as '15/2', got {_describe_type(value)}"
        raise TypeError(msg)
    try:
        # Length and exponent are checked before Fraction parses anything.
        number = (
            exact_number("hours", value, value)
            if isinstance(value, str)
            else Fraction(value)
        )
        check_magnitude("hours", number, value)
    except InvalidValueError as error:
        msg = f"{error.problem}, got {_safe(value)}"
        raise ValueError(msg) from None
    return number


def _structure_level(value: Any, _: type) -> LevelOfCare:
    if not isinstance(value, str):
        msg = f"expected a level-of-care key or code, got {_describe_type(value)}"
        raise TypeError(msg)
    framework, sep, code = value.partition(":")
    if sep:
        try:
            return LevelOfCare.from_code(Framework(framework), code)
        except ValueError:
            raise UnknownCodeError(
                "framework", framework, [f.value for f in Framework]
            ) from None
    return LevelOfCare.from_key(value)


def _enum_hook(enum_type: type[enum.Enum]) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        try:
            return enum_type(value)
        except ValueError:
            raise UnknownCodeError(
                enum_type.__name__, value, [m.value for m in enum_type]
            ) from None

    return structure


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_factory(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = homogenous_tuple_structure_factory(cls, converter)

    def structure(value: Any, target: Any) -> Any:
        if not isinstance(value, list | tuple):
            msg = f"expected a list, got {_describe_type(value)}"
            raise TypeError(msg)
        return inner(value, target)

    return structure


def _is_frozenset(cls: Any) -> bool:
    return typing.get_origin(cls) is frozenset


def _frozenset_factory(
    cls: Any, converter: cattrs.Converter
) -> Callable[[Any, Any], Any]:
    (member,) = typing.get_args(cls)

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, list):
            msg = f"expected a list, got {_describe_type(value)}"
            raise TypeError(msg)
        return frozenset(converter.structure(item, member) for item in value)

    return structure


def _unstructure_set(converter: cattrs.Converter) -> Callable[[Any], list[Any]]:
    """Sets as sorted lists, so documents are stable (internal)."""

    def unstructure(value: Any) -> list[Any]:
        return sorted((converter.unstructure(item) for item in value), key=repr)

    return unstructure


def _with_minutes(converter: cattrs.Converter, cls: type, field: str) -> None:
    """Store a timedelta *field* of *cls* as whole minutes under ``<field>_minutes``.

    Error paths use the stored key, through ``_RENAMED``.
    """
    key = f"{field}_minutes"
    unstructure: dict[str, Any] = {
        field: override(rename=key, unstruct_hook=_as_minutes)
    }
    structure: dict[str, Any] = {
        field: override(rename=key, struct_hook=_structure_minutes)
    }
    converter.register_unstructure_hook(
        cls, make_dict_unstructure_fn(cls, converter, **unstructure)
    )
    converter.register_structure_hook(
        cls,
        make_dict_structure_fn(
            cls, converter, _cattrs_forbid_extra_keys=True, **structure
        ),
    )


def _as_minutes(value: dt.timedelta) -> int:
    return value // _MINUTE


def _minutes_problem(value: object) -> str:
    longest = MAX_SESSION_DURATION // _MINUTE
    got = f", got {value // _MINUTE}" if isinstance(value, dt.timedelta) else ""
    return f"must be from 1 to {longest} minutes{got}"


def configure_converter(converter: cattrs.Converter) -> None:
    """Install iopmodel's formats on a cattrs *converter* (mutates it).

    Use it to add iopmodel's hooks to a converter of your own; most code calls
    :func:`to_dict` and :func:`from_dict` instead.

    Example:
        >>> import cattrs
        >>> from iopmodel import LevelOfCare
        >>> from iopmodel.serialization import configure_converter
        >>> converter = cattrs.Converter(forbid_extra_keys=True)
        >>> configure_converter(converter)
        >>> converter.structure("asam-3:2.5", LevelOfCare).key
        'partial_hospitalization'
    """
    if not isinstance(converter, cattrs.BaseConverter):
        raise InvalidTypeError("converter", converter, "cattrs.Converter")
    for kind, name in ((str, "text"), (int, "an integer"), (bool, "true or false")):
        converter.register_structure_hook(kind, _strict(kind, name))
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_unstructure_hook(dt.datetime, _unstructure_datetime)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(dt.time, _structure_time)
    converter.register_unstructure_hook(dt.time, _unstructure_time)
    converter.register_structure_hook(ZoneInfo, _structure_zone)
    converter.register_unstructure_hook(ZoneInfo, lambda zone: zone.key)
    converter.register_structure_hook(Fraction, _structure_fraction)
    converter.register_unstructure_hook(Fraction, str)
    converter.register_structure_hook(LevelOfCare, _structure_level)
    converter.register_unstructure_hook(LevelOfCare, lambda level: level.key)
    converter.register_structure_hook_factory(
        lambda cls: (
            isinstance(cls, type)
            and issubclass(cls, enum.Enum)
            and cls is not LevelOfCare
        ),
        _enum_hook,
    )
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_factory)
    converter.register_structure_hook_factory(_is_frozenset, _frozenset_factory)
    converter.register_unstructure_hook_factory(
        _is_frozenset, lambda _cls: _unstructure_set(converter)
    )
    _with_minutes(converter, Session, "duration")
    _with_minutes(converter, SessionTemplate, "duration")


def make_converter() -> cattrs.Converter:
    """A new cattrs converter with iopmodel's formats, strict about extra keys.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import Session, SessionKind
        >>> from iopmodel.serialization import make_converter
        >>> converter = make_converter()
        >>> s = Session(kind=SessionKind.GROUP_THERAPY, duration=dt.timedelta(hours=3),
        ...             start=dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC))
        >>> converter.unstructure(s)["duration_minutes"]
        180
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    configure_converter(converter)
    return converter


_CONVERTER: Final = make_converter()


# -- documents -----------------------------------------------------------------------


def to_dict(obj: object, *, disclosure: Disclosure | None = None) -> dict[str, Any]:
    """A plain, JSON-ready dict for a model, with ``schema_version`` and ``model``.

    A treatment plan or episode that is 42 CFR Part 2 data (see
    :mod:`iopmodel.consent`) needs a *disclosure* whose consent covers every
    part of the record it holds; the document then carries the 42 CFR 2.32
    notice and the consent's scope under ``part2_disclosure`` (loaders ignore
    that key, so round trips stay lossless).

    Raises:
        ConsentRequiredError: Part 2 data without a covering consent.
        InvalidTypeError: An object that is not a model.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.serialization import to_dict
        >>> data = to_dict(evening_iop())
        >>> data["schema_version"], data["model"], data["level"], data["timezone"]
        (1, 'program', 'intensive_outpatient', 'America/New_York')
        >>> data["templates"][0]["start_time"], data["templates"][0]["duration_minutes"]
        ('18:00', 180)
    """
    kind = _KIND_OF.get(type(obj))
    if kind is None:
        raise InvalidTypeError(
            "obj", type(obj).__name__, " or ".join(sorted(k.__name__ for k in _KIND_OF))
        )
    used = require_disclosure(obj, disclosure, what=kind.replace("_", " "))
    body = _CONVERTER.unstructure(obj)
    head: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "model": kind}
    if used is not None:
        head[_PART2_KEY] = used.envelope()
    return {**head, **body}


def to_json(
    obj: object, *, indent: int | None = 2, disclosure: Disclosure | None = None
) -> str:
    """A JSON document for a model (see :func:`to_dict`, also for Part 2 data).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.serialization import from_json, to_json
        >>> text = to_json(evening_iop())
        >>> from_json(text) == evening_iop()
        True
    """
    given: object = indent  # callers may pass anything
    if given is not None and (
        isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= 16
    ):
        raise InvalidValueError("indent", given, "must be None or 0 to 16")
    return (
        json.dumps(
            to_dict(obj, disclosure=disclosure), indent=indent, ensure_ascii=False
        )
        + "\n"
    )


def from_dict(
    data: object, cls: type[T] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> T:
    """Load a model from a dict made by :func:`to_dict` (or written by hand).

    Args:
        data: The document.
        cls: The expected class; ``None`` takes it from the document's ``model``.
        limits: Bounds on the document's size and shape.

    Raises:
        DocumentError: Listing every problem with its path (the first
            :data:`~iopmodel.errors.MAX_PROBLEMS`, and how many there are).

    Example:
        >>> from iopmodel import DocumentError, Program
        >>> from iopmodel.serialization import from_dict
        >>> bad = {"schema_version": 1, "model": "program", "name": "X",
        ...        "level": "asam-3:9.9", "population": "adult",
        ...        "timezone": "America/Nowhere", "colour": "blue",
        ...        "Patient disclosed a relapse": 1}
        >>> try:
        ...     from_dict(bad, Program)
        ... except DocumentError as error:
        ...     for path, message in error.problems:
        ...         print(path, "-", message[:44])
        $.level - unknown asam-3 code '9.9'; known: '0.5', '1'
        $.timezone - unknown IANA time zone 'America/Nowhere'
        $ - an unknown key of 27 characters
        $.colour - unknown key
    """
    _check_limits(limits)
    if cls is not None and cls not in _KIND_OF:
        raise InvalidTypeError("cls", cls, "a model class from KINDS, or None")
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise DocumentError([("$", f"expected an object, got {_describe_type(data)}")])
    _check_shape(data, limits, problems)
    if problems:
        raise DocumentError(problems)
    body = dict(data)
    envelope = body.pop(_PART2_KEY, None)
    if envelope is not None and not isinstance(envelope, dict):
        problems.append(
            (f"$.{_PART2_KEY}", f"expected an object, got {_describe_type(envelope)}")
        )
    target = _document_class(body, cls, problems)
    if target is None or any(
        p == "$.schema_version" and "newer" in m for p, m in problems
    ):
        raise DocumentError(problems)
    try:
        result = typing.cast("T", _CONVERTER.structure(body, target))
    except (ClassValidationError, IterableValidationError, IopModelError) as error:
        raise _document_error(
            itertools.chain(problems, _problems(error, "$"))
        ) from None
    except (
        TypeError,
        ValueError,
        KeyError,
        AttributeError,
        RecursionError,
        ArithmeticError,
    ) as error:
        raise DocumentError([*problems, ("$", _message(error))]) from None
    if problems:  # the body was fine, the envelope was not
        raise DocumentError(problems)
    return result


def from_json(
    text: str | bytes, cls: type[T] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> T:
    """Load a model from JSON text.

    Raises:
        DocumentError: Malformed JSON (with line and column), oversized input,
            or any problem :func:`from_dict` reports.

    Example:
        >>> from iopmodel import DocumentError
        >>> from iopmodel.serialization import from_json
        >>> try:
        ...     from_json('{"schema_version": 1, "model": "program",')
        ... except DocumentError as error:
        ...     print(error)
        1 problem in the document:
          $: not valid JSON: Expecting property name enclosed in double quotes (line 1, column 42)
    """
    _check_limits(limits)
    if not isinstance(text, str | bytes | bytearray):
        raise InvalidTypeError("text", text, "str or bytes")
    # Lone surrogates are counted, then refused with a path by the text hook.
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    _check_size(size, limits)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(
            [
                (
                    "$",
                    f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                )
            ]
        ) from None
    except (RecursionError, UnicodeDecodeError, ValueError):
        raise DocumentError(
            [
                (
                    "$",
                    "not valid JSON: not UTF-8, a number too long, or nested too deeply",
                )
            ]
        ) from None
    return from_dict(data, cls, limits=limits)


def from_toml(
    text: str, cls: type[T] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> T:
    """Load a model (typically a program design) from TOML text.

    ``model`` defaults to ``"program"`` when the document does not say. Key
    depth and nesting are checked (``Limits.max_depth``) before the
    standard-library parser sees the text, because its cost grows with the
    square of a dotted key's depth.

    Example:
        >>> from iopmodel.serialization import from_toml
        >>> program = from_toml('''
        ... schema_version = 1
        ... name = "Evening IOP"
        ... level = "asam-3:2.1"
        ... population = "adult"
        ... timezone = "America/New_York"
        ...
        ... [[templates]]
        ... kind = "group_therapy"
        ... rrule = "FREQ=WEEKLY;BYDAY=MO,WE,TH"
        ... start_time = 18:00:00
        ... duration_minutes = 180
        ... ''')
        >>> program.weekly_hours
        Fraction(9, 1)
    """
    _check_limits(limits)
    if not isinstance(text, str):
        raise InvalidTypeError("text", text, "str")
    data = _toml_data(text, limits)
    data.setdefault("model", "program")
    _restore_nulls(data, cls)
    return from_dict(data, cls, limits=limits)


def _toml_data(text: str, limits: Limits) -> dict[str, Any]:
    """Parse TOML *text* within *limits*; every failure is a :class:`DocumentError`."""
    _check_size(len(text.encode("utf-8", "surrogatepass")), limits)
    problem = _toml_shape_problem(text, limits.max_depth)
    if problem is not None:
        raise DocumentError([("$", problem)])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DocumentError([("$", _toml_message(error))]) from None
    except RecursionError:
        raise DocumentError([("$", "not valid TOML: nested too deeply")]) from None
    except (ValueError, ArithmeticError):  # an integer too long to convert
        raise DocumentError([("$", "not valid TOML: a number too long")]) from None


def _toml_file(path: str | os.PathLike[str], limits: Limits) -> dict[str, Any]:
    r"""The parsed TOML of a regular file, read as :func:`load` reads one.

    Errors are :class:`DocumentError`\ s that start with the file name.
    """
    file = Path(path)
    source = str(file)
    raw = _read_file(file, limits, source)
    try:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentError([("$", "the document is not UTF-8 text")]) from None
        return _toml_data(text, limits)
    except DocumentError as error:
        raise error.with_source(source) from None


def load(
    path: str | Path,
    cls: type[T] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    file_format: str | None = None,
) -> T:
    """Load a model from a ``.json`` or ``.toml`` file.

    Only regular files are read, and their size is checked before reading:
    a directory, a device (``/dev/zero``) or a FIFO is refused at once.

    Args:
        path: The file.
        cls: The expected class; ``None`` takes it from the document's ``model``.
        limits: Bounds on the document's size and shape.
        file_format: ``"json"`` or ``"toml"``; ``None`` (the default) goes by
            the file's suffix.

    Raises:
        DocumentError: An unreadable file, one that is not a regular file or
            is too large, an unknown suffix, or any problem in the document;
            the message starts with the file name.

    Example:
        >>> import tempfile, pathlib
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.serialization import load, to_json
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder, "evening.json")
        ...     _ = path.write_text(to_json(evening_iop()))
        ...     load(path).name
        'Evening IOP'
    """
    _check_limits(limits)
    if not isinstance(path, str | os.PathLike):
        raise InvalidTypeError("path", path, "str or pathlib.Path")
    if file_format is not None and file_format not in ("json", "toml"):
        raise InvalidValueError(
            "file_format", file_format, "must be None, 'json' or 'toml'"
        )
    file = Path(path)
    source = str(file)
    kind = file_format or file.suffix.lower()[1:]
    if kind not in {"json", "toml"}:
        _check_regular(file, limits, source)  # a device is refused as a device
        raise DocumentError(
            [("$", "unknown file type; use .json or .toml")], source=source
        )
    raw = _read_file(file, limits, source)
    return load_bytes(raw, kind, cls, limits=limits, source=source)


def load_bytes(
    data: bytes,
    file_format: str,
    cls: type[T] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    source: str | None = None,
) -> T:
    """Load a model from the bytes of a ``"json"`` or ``"toml"`` document.

    For documents that arrive without a file name (standard input, an upload).

    Raises:
        DocumentError: Oversized input, text that is not UTF-8, or any problem
            in the document; reported for *source* when given.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.serialization import load_bytes, to_json
        >>> load_bytes(to_json(evening_iop()).encode(), "json").name
        'Evening IOP'
    """
    if file_format not in ("json", "toml"):  # a tuple: unhashable values compare
        raise InvalidValueError("file_format", file_format, "must be 'json' or 'toml'")
    if not isinstance(data, bytes | bytearray):
        raise InvalidTypeError("data", data, "bytes")
    _check_limits(limits)
    try:
        _check_size(len(data), limits)
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentError([("$", "the document is not UTF-8 text")]) from None
        if file_format == "toml":
            return from_toml(text, cls, limits=limits)
        return from_json(text, cls, limits=limits)
    except DocumentError as error:
        if source is None:
            raise
        raise error.with_source(source) from None


def read_limited(
    stream: IO[bytes], limits: Limits = DEFAULT_LIMITS, *, source: str
) -> bytes:
    """Read at most ``Limits.max_bytes`` from *stream* (standard input, a pipe).

    A stream that turns out larger is refused without reading the rest.

    Example:
        >>> import io
        >>> from iopmodel.serialization import read_limited
        >>> read_limited(io.BytesIO(b"{}"), source="<stdin>")
        b'{}'
    """
    _check_limits(limits)
    if not callable(getattr(stream, "read", None)):
        raise InvalidTypeError("stream", stream, "a binary stream")
    try:
        data = stream.read(limits.max_bytes + 1)
    except OSError as error:
        raise DocumentError(
            [("$", f"cannot read: {_os_reason(error)}")], source=source
        ) from None
    if not isinstance(data, bytes):
        raise InvalidTypeError("stream", stream, "a binary stream (read() gave text)")
    if len(data) > limits.max_bytes:
        raise DocumentError(
            [("$", f"document is over the limit of {limits.max_bytes} bytes")],
            source=source,
        )
    return data


# -- TOML out ------------------------------------------------------------------------


def to_toml(obj: object, *, disclosure: Disclosure | None = None) -> str:
    """A TOML document for a model (needs the ``toml`` extra, tomli-w).

    The document is :func:`to_dict`'s (a 42 CFR Part 2 plan or episode needs a
    *disclosure*, as there), written with
    `tomli-w <https://github.com/hukkin/tomli-w>`_. TOML has no null: a field
    whose value is ``None`` is left out, and :func:`from_toml` reads a missing
    nullable field as ``None``, so ``from_toml(to_toml(x)) == x`` for every model.

    Raises:
        MissingExtraError: If tomli-w is not installed.
        ConsentRequiredError: Part 2 data without a covering disclosure.

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.serialization import from_toml, to_toml
        >>> text = to_toml(evening_iop())
        >>> print(text.splitlines()[0])
        schema_version = 1
        >>> from_toml(text) == evening_iop()
        True
    """
    try:
        import tomli_w  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("toml", "tomli-w") from None
    return tomli_w.dumps(_without_nulls(to_dict(obj, disclosure=disclosure)))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _restore_nulls(data: Any, cls: type | None) -> None:
    """Put back the ``None`` of nullable fields that have no default (TOML has no null)."""
    kind = data.get("model") if isinstance(data, dict) else None
    target = (
        cls if cls is not None else KINDS.get(kind) if isinstance(kind, str) else None
    )
    stack: list[tuple[Any, Any]] = [(data, target)]
    while stack:
        value, shape = stack.pop()
        if isinstance(value, list):
            args = typing.get_args(shape)
            stack.extend((item, args[0] if args else None) for item in value)
            continue
        if not (
            isinstance(value, dict) and isinstance(shape, type) and attrs.has(shape)
        ):
            continue
        for field in attrs.fields(shape):
            types = typing.get_args(_field_types(shape).get(field.name))
            key = _RENAMED.get((shape, field.name), field.name)
            if key not in value:
                if (
                    field.init
                    and field.default is attrs.NOTHING
                    and type(None) in types
                ):
                    value[key] = None
                continue
            inner = [t for t in types if t is not type(None)] or [
                _field_types(shape).get(field.name)
            ]
            stack.append((value[key], inner[0]))


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


# -- checks and error reporting ------------------------------------------------------------


def _check_limits(limits: object) -> None:
    if not isinstance(limits, Limits):
        raise InvalidTypeError("limits", limits, "Limits")


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise DocumentError(
            [("$", f"document is {size} bytes, over the limit of {limits.max_bytes}")]
        )


def _os_reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _check_regular(file: Path, limits: Limits, source: str) -> None:
    """Refuse anything but a regular file within the size limit, without opening it."""

    def refuse(reason: str) -> DocumentError:
        return DocumentError([("$", reason)], source=source)

    if "\0" in source:
        raise refuse("cannot read the file: its name contains a NUL character")
    try:
        info = file.stat()  # not open(): opening a FIFO would wait for a writer
    except OSError as error:
        raise refuse(f"cannot read the file: {_os_reason(error)}") from None
    except ValueError:  # a path the system cannot represent
        raise refuse("cannot read the file: the name is not a valid path") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise refuse(f"cannot read the file: it is {kind}")
    if info.st_size > limits.max_bytes:
        raise refuse(
            f"document is {info.st_size} bytes, over the limit of {limits.max_bytes}"
        )


def _read_file(file: Path, limits: Limits, source: str) -> bytes:
    """A regular file's bytes, its size checked before reading (never blocks on a FIFO)."""

    def refuse(reason: str) -> DocumentError:
        return DocumentError([("$", reason)], source=source)

    try:
        _check_regular(file, limits, source)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(file, flags)
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # swapped meanwhile
                raise refuse("cannot read the file: it is not a regular file")
            return read_limited(stream, limits, source=source)
    except DocumentError:
        raise
    except OSError as error:
        raise refuse(f"cannot read the file: {_os_reason(error)}") from None
    except ValueError:  # a path the system cannot represent
        raise refuse("cannot read the file: the name is not a valid path") from None


_TOML_POSITION: Final = re.compile(
    r"\(at line (\d+), column (\d+)\)|\(at end of document\)"
)


def _toml_message(error: tomllib.TOMLDecodeError) -> str:
    """The TOML parser's message, translated: a position, never a quote of the text."""
    match = _TOML_POSITION.search(str(error))
    if match is None:
        return "not valid TOML"
    if match[1] is None:
        return "not valid TOML (at the end of the document)"
    return f"not valid TOML (line {match[1]}, column {match[2]})"


def _toml_shape_problem(text: str, max_depth: int) -> str | None:
    """Bound TOML key depth and nesting in one linear pass, before tomllib runs.

    Counts, outside strings and comments, the dots of each dotted key or table
    header and the open brackets and braces. A dot in a value (``1.5``, a
    time) counts once at most: each ``=``, ``,`` or line end starts over.
    """
    dots = 0
    nesting = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in "\"'":
            index = _skip_string(text, index)
            continue
        if char == "#":
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
            continue
        if char == ".":
            dots += 1
            if dots >= max_depth:
                return f"keys nested deeper than the limit of {max_depth}"
        elif char in "=,\n":
            dots = 0
        elif char in "[{":
            nesting += 1
            if nesting > max_depth:
                return f"nested deeper than the limit of {max_depth}"
        elif char in "]}":
            nesting = max(0, nesting - 1)
        index += 1
    return None


def _skip_string(text: str, index: int) -> int:
    """The index just after the TOML string starting at *index* (or the line end)."""
    quote = text[index]
    triple = text.startswith(quote * 3, index)
    close = quote * 3 if triple else quote
    index += len(close)
    length = len(text)
    while index < length:
        if quote == '"' and text[index] == "\\":
            index += 2
            continue
        if text.startswith(close, index):
            index += len(close)
            while triple and index < length and text[index] == quote:
                index += 1  # up to two quotes may end a multi-line string
            return index
        if not triple and text[index] == "\n":
            return index
        index += 1
    return index


def _document_class(
    body: dict[str, Any], cls: type[T] | None, problems: list[tuple[str, str]]
) -> type | None:
    version = body.pop("schema_version", None)
    if version is None:
        problems.append(("$.schema_version", "required field missing"))
    elif type(version) is not int:
        problems.append(
            ("$.schema_version", f"expected an integer, got {_describe_type(version)}")
        )
    elif version > SCHEMA_VERSION:
        problems.append(
            (
                "$.schema_version",
                (
                    f"version {_safe(version)} is newer than this iopmodel supports "
                    f"({SCHEMA_VERSION}); upgrade iopmodel"
                ),
            )
        )
    elif version < 1:
        problems.append(("$.schema_version", f"unknown version {_safe(version)}"))
    kind = body.pop("model", None)
    if kind is None:
        if cls is None:
            problems.append(("$.model", "required field missing"))
        return cls
    if not isinstance(kind, str) or kind not in KINDS:
        known = ", ".join(repr(k) for k in KINDS)
        problems.append(("$.model", f"unknown model {_safe(kind)}; known: {known}"))
        return None
    if cls is not None and KINDS[kind] is not cls:
        problems.append(("$.model", f"is {kind!r}, expected {_KIND_OF[cls]!r}"))
        return None
    return KINDS[kind]


def _key_path(path: str, key: object) -> str:
    """``$.a.b`` for identifier keys; other keys by length, never printed."""
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    if isinstance(key, str):
        return f"{path}.<key of {len(key)} characters>"
    return f"{path}.<key that is not text>"


def _check_shape(data: object, limits: Limits, problems: list[tuple[str, str]]) -> None:
    """Depth, list lengths and member counts, checked before any value is converted."""
    items = 0
    stack: list[tuple[object, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > limits.max_depth:
            problems.append(
                (path, f"nested deeper than the limit of {limits.max_depth}")
            )
            return
        if isinstance(value, dict):
            items += len(value)
            if items > limits.max_items:
                problems.append(
                    (path, f"more than {limits.max_items} items in the document")
                )
                return
            sessions = value.get("sessions")
            if isinstance(sessions, list) and len(sessions) > limits.max_sessions:
                problems.append(
                    (
                        f"{path}.sessions",
                        f"{len(sessions)} sessions, over the limit of {limits.max_sessions}",
                    )
                )
                return
            stack.extend(
                (item, _key_path(path, key), depth + 1)
                for key, item in value.items()
                if isinstance(item, dict | list)
            )
        elif isinstance(value, list):
            items += len(value)
            if items > limits.max_items:
                problems.append(
                    (path, f"more than {limits.max_items} items in the document")
                )
                return
            stack.extend(
                (item, f"{path}[{i}]", depth + 1)
                for i, item in enumerate(value)
                if isinstance(item, dict | list)
            )


class _Uncounted(int):
    """Stands for this many more problems, found but not worth describing."""


def _document_error(found: Iterator[tuple[str, str] | _Uncounted]) -> DocumentError:
    kept: list[tuple[str, str]] = []
    total = 0
    for problem in found:
        if isinstance(problem, _Uncounted):
            total += problem
            continue
        total += 1
        if len(kept) < MAX_PROBLEMS:
            kept.append(problem)
    return DocumentError(kept, total=total)


def _problems(
    error: BaseException, path: str
) -> Iterator[tuple[str, str] | _Uncounted]:
    """Flatten cattrs' exception groups into (path, message) pairs."""
    if isinstance(error, ClassValidationError):
        by_attribute, others = error.group_exceptions()
        for inner, attribute in by_attribute:
            key = _RENAMED.get((error.cl, attribute.name), attribute.name)
            yield from _problems(inner, f"{path}.{key}")
        for inner in others:
            renamed = (
                _RENAMED.get((error.cl, inner.field))
                if isinstance(inner, InvalidValueError)
                else None
            )
            if renamed is not None and isinstance(inner, InvalidValueError):
                # The stored key and number, not the attribute and a timedelta.
                yield (f"{path}.{renamed}", _minutes_problem(inner.value))
            else:
                yield from _problems(inner, path)
    elif isinstance(error, IterableValidationError):
        by_index, rest = error.group_exceptions()
        for inner, item in by_index:
            yield from _problems(inner, f"{path}[{item.index}]")
        for inner in rest:
            yield from _problems(inner, path)
    elif isinstance(error, ForbiddenExtraKeysError):
        # Only the first few are shown: pick them in O(n), count the rest.
        extra: set[object] = set(error.extra_fields)
        shown = heapq.nsmallest(MAX_PROBLEMS, (k for k in extra if isinstance(k, str)))
        for unknown in shown:
            if _IDENTIFIER.fullmatch(unknown):
                yield (f"{path}.{unknown}", "unknown key")
            else:
                yield (path, f"an unknown key of {len(unknown)} characters")
        if len(extra) > len(shown):
            yield _Uncounted(len(extra) - len(shown))
    elif isinstance(error, KeyError):
        yield (path, "required field missing")
    elif isinstance(error, UnknownCodeError):
        known = ", ".join(_safe(k) for k in error.known)
        tail = f"; known: {known}" if known else ""
        yield (path, f"unknown {error.field} {_safe(error.value)}{tail}")
    elif isinstance(error, InvalidValueError | InvalidTypeError):
        field = error.field
        where = f"{path}.{field}" if not field.startswith("$") else field
        detail = (
            error.problem
            if isinstance(error, InvalidValueError)
            else f"expected {error.expected}"
        )
        yield (where, f"{detail}, got {_safe(error.value)}")
    else:
        yield (path, _message(error))


def _message(error: BaseException) -> str:
    """A message for a converter error: our own hooks' text, or the error's kind.

    Messages from other libraries are never passed on: they may quote the input.
    """
    if isinstance(error, IopModelError):
        return str(error)
    if isinstance(error, ValueError | TypeError) and error.__traceback__ is not None:
        frame = error.__traceback__
        while frame.tb_next is not None:
            frame = frame.tb_next
        if frame.tb_frame.f_globals.get("__name__") == __name__ and str(error):
            return str(error)
    return f"invalid value ({type(error).__name__})"


_TYPE_NAMES: Final = {
    dict: "an object",
    list: "a list",
    str: "text",
    bool: "true/false",
    type(None): "null",
    int: "a number",
    float: "a number",
}


def _describe_type(value: object) -> str:
    """Name a JSON value's type for a message (never its content)."""
    return _TYPE_NAMES.get(type(value), f"a {type(value).__name__}")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: Show a value in a message unless it might be free text (never echo notes).
_safe: Final = _shown
