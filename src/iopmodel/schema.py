"""JSON Schema (Draft 2020-12) for iopmodel's own documents.

One schema per document model (the ``model`` key of a document, see
:data:`iopmodel.serialization.KINDS`), shipped in the package under
``iopmodel/schemas/<model>.schema.json`` so that applications written in
other languages can check a document before they send it. Print one with
``iopmodel schema program``.

The schemas are generated from the model classes by :func:`generate_schema`
and written with :func:`write_schemas`; a test checks that the shipped files
equal what the classes generate, so they never drift.

A schema checks structure: the ``model`` discriminator, the
``schema_version`` constant, unknown and missing keys, strict JSON types,
enumerations (levels of care, session kinds...) and the shapes of dates,
wall-clock times, zone-suffixed datetimes (``2026-03-02T18:00:00-05:00[America/New_York]``)
and exact fractions. It does not check what needs more than one value or the
calendar (a placement ending before it starts, an IANA zone that does not
exist, a session after discharge): :func:`iopmodel.serialization.from_dict`
does, and reports every problem with its path. So a schema-valid document
may still be refused by the loader. The other way round, every document
iopmodel writes is valid against its schema; the schema knows the canonical
spellings only (level codes as the level table writes them, ISO 8601 extended
format), where the loader also reads a few variants (``"asam-4:4"`` for
``"asam-4:4.0"``, a lower-case ``-wm``).

Nothing here imports a JSON Schema library; validate with one of your choice
(the tests use `jsonschema <https://python-jsonschema.readthedocs.io>`_).
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
import functools
import json
import os
import types
import typing
from collections.abc import Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from iopmodel import _validators as v
from iopmodel.care import Framework, LevelOfCare
from iopmodel.errors import OutputError, UnknownCodeError
from iopmodel.schedules import SessionTemplate
from iopmodel.serialization import KINDS, SCHEMA_VERSION
from iopmodel.sessions import MAX_SESSION_DURATION, Session

__all__ = ["DIALECT", "generate_schema", "json_schema", "write_schemas"]

#: The JSON Schema dialect of every shipped schema (Draft 2020-12).
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_ID_BASE: Final = "https://iopmodel.readthedocs.io/schemas/"
_DATE: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME: Final = r"^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"
_ZONE_NAME: Final = r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*"
#: ISO 8601 date and time with a UTC offset, then optionally the IANA zone
#: in brackets (RFC 9557).
_DATETIME: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)"
    rf"(\[{_ZONE_NAME}\])?$"
)
_FRACTION: Final = r"^-?[0-9]+(/[0-9]+)?$"
#: Fields stored as whole minutes under another key.
_MINUTES: Final = {
    (Session, "duration"): "duration_minutes",
    (SessionTemplate, "duration"): "duration_minutes",
}
_NON_EMPTY: Final = (v.non_empty_str, v.optional_non_empty_str)
_POSITIVE: Final = (v.positive_int, v.optional_positive_int)


def _level_values() -> list[str]:
    keys = [level.key for level in LevelOfCare]
    codes = [
        f"{framework.value}:{code}"
        for framework in Framework
        for code in LevelOfCare.known_codes(framework)
    ]
    return keys + codes


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of_type(self, kind: Any) -> dict[str, Any]:
        origin = typing.get_origin(kind)
        args = typing.get_args(kind)
        if origin in (typing.Union, types.UnionType):
            options = [self.of_type(a) for a in args if a is not type(None)]
            inner = options[0] if len(options) == 1 else {"anyOf": options}
            if type(None) in args:
                return {"anyOf": [inner, {"type": "null"}]}
            return inner
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is tuple:
            return {"type": "array", "items": self.of_type(args[0])}
        if origin is frozenset:
            return {
                "type": "array",
                "items": self.of_type(args[0]),
                "uniqueItems": True,
            }
        if origin in (collections.abc.Mapping, dict) and args[0] is str:
            return {"type": "object", "additionalProperties": self.of_type(args[1])}
        return self._of_class(kind)

    def _of_class(self, kind: Any) -> dict[str, Any]:
        simple: dict[Any, dict[str, Any]] = {
            bool: {"type": "boolean"},
            int: {"type": "integer"},
            str: {"type": "string"},
            dt.datetime: {"type": "string", "pattern": _DATETIME},
            dt.date: {"type": "string", "pattern": _DATE},
            dt.time: {"type": "string", "pattern": _TIME},
            ZoneInfo: {"type": "string", "pattern": f"^{_ZONE_NAME}$"},
            Fraction: {
                "anyOf": [{"type": "integer"}, {"type": "string", "pattern": _FRACTION}]
            },
            LevelOfCare: {"type": "string", "enum": _level_values()},
        }
        if kind in simple:
            return dict(simple[kind])
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return {"type": "string", "enum": [m.value for m in kind]}
        if isinstance(kind, type) and attrs.has(kind):
            name = kind.__name__
            if name not in self.defs:
                self.defs[name] = {}  # placeholder: recursion stops here
                self.defs[name] = self.object_schema(kind)
            return {"$ref": f"#/$defs/{name}"}
        msg = f"no JSON Schema for {kind!r}"  # pragma: no cover - guards new fields
        raise TypeError(msg)  # pragma: no cover

    def object_schema(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init:
                continue
            key = _MINUTES.get((cls, field.name))
            if key is not None:
                top = MAX_SESSION_DURATION // dt.timedelta(minutes=1)
                schema: dict[str, Any] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": top,
                }
            else:
                key = field.name
                schema = self.of_type(hints[field.name])
                _refine(schema, field.validator)
            if field.default is attrs.NOTHING:
                required.append(key)
            properties[key] = schema
        doc = (cls.__doc__ or "").strip().splitlines()
        return {
            "title": cls.__name__,
            "description": doc[0] if doc else cls.__name__,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }


def _refine(schema: dict[str, Any], validator: object) -> None:
    """Add the constraints of iopmodel's own validators (non-empty, positive)."""
    target = schema["anyOf"][0] if "anyOf" in schema else schema
    if validator in _NON_EMPTY and target.get("type") == "string":
        target["pattern"] = r"\S"  # at least one character that is not a space
    if validator in _POSITIVE and target.get("type") == "integer":
        target["minimum"] = 1
    if validator is v.non_negative_int and target.get("type") == "integer":
        target["minimum"] = 0


def generate_schema(model: str) -> dict[str, Any]:
    """Build the JSON Schema of a document model from its class.

    Args:
        model: A document model name, a key of
            :data:`iopmodel.serialization.KINDS` (``"program"``...).

    Raises:
        UnknownCodeError: If *model* is not a document model.

    Example:
        >>> from iopmodel.schema import generate_schema
        >>> schema = generate_schema("session")
        >>> schema["properties"]["model"], schema["properties"]["duration_minutes"]["maximum"]
        ({'const': 'session'}, 720)
        >>> sorted(schema["required"])[:3]
        ['duration_minutes', 'kind', 'model']
    """
    cls = _model_class(model)
    builder = _Builder()
    body = builder.object_schema(cls)
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"{_ID_BASE}{model}.schema.json",
        "title": f"iopmodel {model} document",
        "description": f"{body['description'].rstrip('.')} (iopmodel document, "
        f"schema version {SCHEMA_VERSION}).",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "model": {"const": model},
            **body["properties"],
        },
        "required": ["schema_version", "model", *body["required"]],
        "additionalProperties": False,
    }
    if builder.defs:
        schema["$defs"] = dict(sorted(builder.defs.items()))
    return schema


def _model_class(model: object) -> type:
    cls = KINDS.get(model) if isinstance(model, str) else None
    if cls is None:
        raise UnknownCodeError("document model", model, KINDS)
    return cls


@functools.cache
def _shipped(model: str) -> str:
    return (
        resources.files("iopmodel")
        .joinpath("schemas", f"{model}.schema.json")
        .read_text(encoding="utf-8")
    )


def json_schema(model: str) -> Mapping[str, Any]:
    """The shipped JSON Schema of a document model, as a fresh dict.

    Args:
        model: A document model name (``"program"``, ``"treatment_plan"``...).

    Raises:
        UnknownCodeError: If *model* is not a document model.

    Example:
        >>> from iopmodel.schema import json_schema
        >>> schema = json_schema("program")
        >>> schema["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
        >>> schema["properties"]["level"]["enum"][:2]
        ['early_intervention', 'remission_monitoring']
    """
    _model_class(model)
    loaded: dict[str, Any] = json.loads(_shipped(model))
    return loaded


def _schema_text(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: str | Path | None = None) -> list[Path]:
    """Write every model's schema to *directory* (the package's own by default).

    Run it after changing a model class; the test suite fails until the
    shipped schemas match the classes again.

    Raises:
        InvalidTypeError: A *directory* that is not a path.
        InvalidValueError: An empty *directory*.
        OutputError: The directory or a file in it cannot be written (an
            :class:`OSError` too); the message never repeats the path.

    Example:
        >>> import tempfile
        >>> from iopmodel.schema import write_schemas
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     sorted(p.name for p in write_schemas(folder))[:2]
        ['aftercare_plan.schema.json', 'authorization.schema.json']
    """
    if isinstance(directory, str):
        v.check_arg(v.non_empty_str, "directory", directory)  # "" would mean "here"
    else:
        v.check_arg(v.optional_instance_of(os.PathLike), "directory", directory)
    folder = Path(__file__).parent / "schemas" if directory is None else Path(directory)
    texts = {model: _schema_text(generate_schema(model)) for model in KINDS}
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for model, text in texts.items():
            path = folder / f"{model}.schema.json"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise OutputError("schema directory", reason) from None
    except ValueError:  # a NUL character or a name the file system cannot encode
        raise OutputError("schema directory", "the name is not a valid path") from None
    return written
