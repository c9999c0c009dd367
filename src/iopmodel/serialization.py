"""Lossless dicts, JSON and TOML for every model, with errors that name the path.

Built on `cattrs <https://catt.rs>`_ (the attrs ecosystem's structuring library).
The formats:

- levels of care by stable key (``"intensive_outpatient"``; loaders also accept
  ``"asam-3:2.1"``, ``"asam-4:2.1"`` or ``"locus:3"``), other enums by value;
- datetimes as ISO 8601 with a UTC offset, followed by the IANA zone in
  brackets when there is one (RFC 9557: ``"2026-03-02T18:00:00-05:00[America/New_York]"``),
  so the zone survives a round trip; naive datetimes are refused; dates as ISO
  dates, wall-clock times as ``"HH:MM"``;
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
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from iopmodel.care import Framework, LevelOfCare
from iopmodel.episodes import Episode, Placement
from iopmodel.errors import (
    DocumentError,
    InvalidTypeError,
    InvalidValueError,
    IopModelError,
    UnknownCodeError,
)
from iopmodel.plans import (
    AftercarePlan,
    TreatmentPlan,
)
from iopmodel.programs import Program
from iopmodel.recommend import ClinicalFacts, Recommendation
from iopmodel.reports import ValidationReport
from iopmodel.schedules import SessionTemplate
from iopmodel.sessions import Session
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
    "make_converter",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

#: The schema version this release writes (1). Documents of a newer major
#: version are refused; older ones are read.
SCHEMA_VERSION: Final = 1

#: Document models (the ``model`` key) and the classes they hold.
#:
#: :meta hide-value:
KINDS: Final[Mapping[str, type]] = {
    "session": Session,
    "session_template": SessionTemplate,
    "program": Program,
    "treatment_plan": TreatmentPlan,
    "episode": Episode,
    "placement": Placement,
    "aftercare_plan": AftercarePlan,
    "clinical_facts": ClinicalFacts,
    "recommendation": Recommendation,
    "validation_report": ValidationReport,
    "citation": Citation,
    "hours_band": HoursBand,
}
_KIND_OF: Final = {cls: kind for kind, cls in KINDS.items()}
_MINUTE: Final = dt.timedelta(minutes=1)
_TOKEN: Final = re.compile(r"[\w.:+\-/@=;,]{0,40}")
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

    Args:
        max_bytes: Largest document accepted (default 10 MiB).
        max_sessions: Most sessions in any one ``sessions`` list (default 100,000).
        max_items: Most list items in the whole document (default 1,000,000).
        max_depth: Deepest nesting of lists and objects (default 32).

    Example:
        >>> from iopmodel.serialization import Limits, from_json
        >>> from iopmodel import DocumentError
        >>> try:
        ...     from_json('{"schema_version": 1, "model": "session"}', limits=Limits(max_bytes=10))
        ... except DocumentError as error:
        ...     print(error.problems[0])
        ('$', 'document is 41 bytes, over the limit of 10')
    """

    max_bytes: int = 10 * 1024 * 1024
    max_sessions: int = 100_000
    max_items: int = 1_000_000
    max_depth: int = 32


DEFAULT_LIMITS: Final = Limits()


# -- the converter -------------------------------------------------------------------


def _strict(kind: type, name: str) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        if type(value) is not kind:  # bool is not int; 1 is not "1"
            msg = f"expected {name}, got {_describe_type(value)}"
            raise TypeError(msg)
        return value

    return structure


_ZONED: Final = re.compile(r"(?P<iso>[^\[\]]+)(?:\[(?P<zone>[^\[\]]+)\])?")


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 datetime string, got {_describe_type(value)}"
        raise TypeError(msg)
    match = _ZONED.fullmatch(value)
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
    zoned = moment.astimezone(zone)
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
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        msg = f"not an ISO 8601 date (YYYY-MM-DD): {_safe(value)}"
        raise ValueError(msg)
    return dt.date.fromisoformat(value)


def _structure_time(value: Any, _: type) -> dt.time:
    if isinstance(value, dt.time):  # TOML local times
        return value
    if not isinstance(value, str):
        msg = f"expected a time such as '18:00', got {_describe_type(value)}"
        raise TypeError(msg)
    if not re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", value):
        msg = f"not a wall-clock time (HH:MM): {_safe(value)}"
        raise ValueError(msg)
    return dt.time.fromisoformat(value)


def _unstructure_time(value: dt.time) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _structure_minutes(value: Any, _: type) -> dt.timedelta:
    if type(value) is not int:
        msg = f"expected whole minutes as an integer, got {_describe_type(value)}"
        raise TypeError(msg)
    return dt.timedelta(minutes=value)


def _structure_zone(value: Any, _: type) -> ZoneInfo:
    if not isinstance(value, str):
        msg = f"expected an IANA time-zone name, got {_describe_type(value)}"
        raise TypeError(msg)
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"unknown IANA time zone {_safe(value)}"
        raise ValueError(msg) from None


def _structure_fraction(value: Any, _: type) -> Fraction:
    if type(value) is int:
        return Fraction(value)
    if not isinstance(value, str):
        msg = f"expected hours as an integer or text such as '15/2', got {_describe_type(value)}"
        raise TypeError(msg)
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        msg = f"not an exact number: {_safe(value)}"
        raise ValueError(msg) from None


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


def to_dict(obj: object) -> dict[str, Any]:
    """A plain, JSON-ready dict for a model, with ``schema_version`` and ``model``.

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
    body = _CONVERTER.unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, "model": kind, **body}


def to_json(obj: object, *, indent: int | None = 2) -> str:
    """A JSON document for a model (see :func:`to_dict`).

    Example:
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.serialization import from_json, to_json
        >>> text = to_json(evening_iop())
        >>> from_json(text) == evening_iop()
        True
    """
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False) + "\n"


def from_dict(
    data: object, cls: type[T] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> T:
    """Load a model from a dict made by :func:`to_dict` (or written by hand).

    Args:
        data: The document.
        cls: The expected class; ``None`` takes it from the document's ``model``.
        limits: Bounds on the document's size and shape.

    Raises:
        DocumentError: Listing every problem with its path.

    Example:
        >>> from iopmodel import DocumentError, Program
        >>> from iopmodel.serialization import from_dict
        >>> bad = {"schema_version": 1, "model": "program", "name": "X",
        ...        "level": "asam-3:9.9", "population": "adult",
        ...        "timezone": "America/Nowhere", "colour": "blue"}
        >>> try:
        ...     from_dict(bad, Program)
        ... except DocumentError as error:
        ...     for path, message in error.problems:
        ...         print(path, "-", message[:44])
        $.level - unknown asam-3 code '9.9'; known: '0.5', '1'
        $.timezone - unknown IANA time zone 'America/Nowhere'
        $.colour - unknown key
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise DocumentError([("$", f"expected an object, got {_describe_type(data)}")])
    _check_shape(data, limits, problems)
    if problems:
        raise DocumentError(problems)
    body = dict(data)
    target = _document_class(body, cls, problems)
    if target is None or any(
        p == "$.schema_version" and "newer" in m for p, m in problems
    ):
        raise DocumentError(problems)
    try:
        result = typing.cast("T", _CONVERTER.structure(body, target))
    except (ClassValidationError, IterableValidationError, IopModelError) as error:
        raise DocumentError([*problems, *_problems(error, "$")]) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
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
    size = len(text.encode() if isinstance(text, str) else text)
    if size > limits.max_bytes:
        raise DocumentError(
            [("$", f"document is {size} bytes, over the limit of {limits.max_bytes}")]
        )
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
    except (RecursionError, UnicodeDecodeError, ValueError) as error:
        raise DocumentError(
            [("$", f"not valid JSON: {type(error).__name__}")]
        ) from None
    return from_dict(data, cls, limits=limits)


def from_toml(
    text: str, cls: type[T] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> T:
    """Load a model (typically a program design) from TOML text.

    ``model`` defaults to ``"program"`` when the document does not say.

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
    size = len(text.encode())
    if size > limits.max_bytes:
        raise DocumentError(
            [("$", f"document is {size} bytes, over the limit of {limits.max_bytes}")]
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DocumentError([("$", f"not valid TOML: {error}")]) from None
    except RecursionError:
        raise DocumentError([("$", "not valid TOML: nested too deeply")]) from None
    data.setdefault("model", "program")
    return from_dict(data, cls, limits=limits)


def load(
    path: str | Path, cls: type[T] | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> T:
    """Load a model from a ``.json`` or ``.toml`` file.

    Raises:
        DocumentError: An unreadable file, an unknown suffix, or any problem
            in the document; the message starts with the file name.

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
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > limits.max_bytes:
            raise DocumentError(
                [
                    (
                        "$",
                        f"document is {size} bytes, over the limit of {limits.max_bytes}",
                    )
                ],
                source=str(file),
            )
        raw = file.read_bytes()
    except OSError as error:
        raise DocumentError(
            [("$", f"cannot read the file: {error.strerror}")], source=str(file)
        ) from None
    try:
        if file.suffix.lower() == ".toml":
            return from_toml(raw.decode("utf-8"), cls, limits=limits)
        if file.suffix.lower() == ".json":
            return from_json(raw, cls, limits=limits)
    except UnicodeDecodeError:
        raise DocumentError(
            [("$", "the file is not UTF-8 text")], source=str(file)
        ) from None
    except DocumentError as error:
        raise DocumentError(error.problems, source=str(file)) from None
    raise DocumentError(
        [("$", "unknown file type; use .json or .toml")], source=str(file)
    )


# -- checks and error reporting ------------------------------------------------------------


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
                    f"version {version} is newer than this iopmodel supports "
                    f"({SCHEMA_VERSION}); upgrade iopmodel"
                ),
            )
        )
    elif version < 1:
        problems.append(("$.schema_version", f"unknown version {version}"))
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
        problems.append(
            ("$.model", f"is {kind!r}, expected {_KIND_OF.get(cls, cls.__name__)!r}")
        )
        return None
    return KINDS[kind]


def _check_shape(data: object, limits: Limits, problems: list[tuple[str, str]]) -> None:
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
            for key, item in value.items():
                if (
                    key == "sessions"
                    and isinstance(item, list)
                    and len(item) > limits.max_sessions
                ):
                    problems.append(
                        (
                            f"{path}.sessions",
                            f"{len(item)} sessions, over the limit of {limits.max_sessions}",
                        )
                    )
                    return
                stack.append((item, f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            items += len(value)
            if items > limits.max_items:
                problems.append(
                    (path, f"more than {limits.max_items} list items in the document")
                )
                return
            stack.extend(
                (item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)
            )


def _problems(error: BaseException, path: str) -> Iterator[tuple[str, str]]:
    """Flatten cattrs' exception groups into (path, message) pairs."""
    if isinstance(error, ClassValidationError):
        by_attribute, others = error.group_exceptions()
        for inner, attribute in by_attribute:
            key = _RENAMED.get((error.cl, attribute.name), attribute.name)
            yield from _problems(inner, f"{path}.{key}")
        for inner in others:
            yield from _problems(inner, path)
    elif isinstance(error, IterableValidationError):
        by_index, rest = error.group_exceptions()
        for inner, item in by_index:
            yield from _problems(inner, f"{path}[{item.index}]")
        for inner in rest:
            yield from _problems(inner, path)
    elif isinstance(error, ForbiddenExtraKeysError):
        for key in sorted(error.extra_fields):
            yield (f"{path}.{key}", "unknown key")
    elif isinstance(error, KeyError):
        yield (path, "required field missing")
    elif isinstance(error, UnknownCodeError):
        known = ", ".join(repr(k) for k in error.known)
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
    if isinstance(error, IopModelError | ValueError | TypeError) and str(error):
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


def _safe(value: object) -> str:
    """Show a value in a message unless it might be free text (never echo notes)."""
    if value is None or isinstance(value, bool | int | float | enum.Enum):
        return repr(value)
    if isinstance(value, str):
        if _TOKEN.fullmatch(value):
            return repr(value)
        return f"<text of {len(value)} characters>"
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return repr(value)
    return f"<{type(value).__name__}>"
