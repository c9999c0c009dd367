"""Private attrs validators and converters that raise iopmodel errors.

attrs' own validators raise plain ``TypeError``/``ValueError`` with a noisy
``Attribute`` repr; these raise :class:`~iopmodel.errors.InvalidValueError` and
:class:`~iopmodel.errors.InvalidTypeError`, naming the field and the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError

T = TypeVar("T")
Validator = Callable[[Any, Any, Any], None]

MINUTE = dt.timedelta(minutes=1)

#: The first and last days the library accepts. They keep clear of Python's
#: calendar ends (years 1 and 9999) by ten years, so a five-year schedule, the
#: weeks around it and any UTC offset always stay representable.
EARLIEST_DATE: Final = dt.date(10, 1, 1)
LATEST_DATE: Final = dt.date(9989, 12, 31)

#: Exact numbers written as text: at most this many characters...
MAX_NUMBER_TEXT: Final = 40
#: ... and a decimal exponent of at most this size either way.
MAX_EXPONENT: Final = 12
_NUMBER: Final = re.compile(
    r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE](?P<exp>[+-]?\d+))?"
    r"|[+-]?\d+\s*/\s*\d+",
    re.ASCII,
)
#: Time-zone names: IANA keys are short and made of these characters.
_ZONE_NAME: Final = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+){0,3}", re.ASCII)


class Arg:
    """Stands in for an attrs ``Attribute`` when a validator checks an argument."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def check_arg(validator: Validator, name: str, value: object) -> None:
    """Run an attrs-style *validator* on a function argument called *name*."""
    validator(None, Arg(name), value)


def type_name(types: type | tuple[type, ...]) -> str:
    """Describe one type or a tuple of types for an error message."""
    if isinstance(types, tuple):
        return " or ".join(t.__name__ for t in types)
    return types.__name__


def instance_of(types: type | tuple[type, ...]) -> Validator:
    """Validate ``isinstance(value, types)``, excluding bool where int is asked."""

    def check(_instance: object, attribute: Any, value: Any) -> None:
        if isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,)
        ):
            raise InvalidTypeError(attribute.name, value, type_name(types))
        if not isinstance(value, types):
            raise InvalidTypeError(attribute.name, value, type_name(types))
        if isinstance(value, str):
            check_text(attribute.name, value)

    return check


def optional_instance_of(types: type | tuple[type, ...]) -> Validator:
    """Like :func:`instance_of` but also accept ``None``."""
    inner = instance_of(types)

    def check(instance: object, attribute: Any, value: Any) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def tuple_of(types: type | tuple[type, ...]) -> Validator:
    """Validate that every member of a tuple field has the given type."""

    def check(_instance: object, attribute: Any, value: Any) -> None:
        for index, item in enumerate(value):
            if not isinstance(item, types):
                raise InvalidTypeError(
                    f"{attribute.name}[{index}]", item, type_name(types)
                )
            if isinstance(item, str):
                check_text(f"{attribute.name}[{index}]", item)

    return check


def to_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Convert any iterable (but not a string) to a tuple.

    attrs does not tell a converter its field, so a value that is not a
    collection at all is refused as one (the field's validator names it when
    the items are wrong).
    """
    if isinstance(value, str | bytes):
        # A string is iterable, but never a meaningful collection of records.
        return (value,)  # type: ignore[return-value]
    try:
        return tuple(value)
    except TypeError:
        raise InvalidTypeError(
            "collection", value, "a list, tuple or other iterable"
        ) from None


def collection_of(
    types: type | tuple[type, ...], name: str, value: object
) -> tuple[Any, ...]:
    """A function argument *name* that must be a collection of *types*, as a tuple.

    A string or bytes is refused as a whole (it is never a collection of
    records), as is anything not iterable; the first item of the wrong type is
    named by its index (``plans[2]``).
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidTypeError(name, value, f"a collection of {type_name(types)}")
    items = tuple(value)
    check_arg(tuple_of(types), name, items)
    return items


def check_tzinfo(field: str, tzinfo: dt.tzinfo | None, value: object) -> None:
    """Reject missing and pytz time zones, which break wall-time arithmetic."""
    if tzinfo is None:
        raise InvalidValueError(field, value, "must be timezone-aware")
    if type(tzinfo).__module__.split(".")[0] == "pytz":
        raise InvalidValueError(
            field, value, "pytz time zones are not supported, use zoneinfo.ZoneInfo"
        )


def check_date_range(field: str, day: dt.date, value: object) -> None:
    """Refuse days outside ``[EARLIEST_DATE, LATEST_DATE]``."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidValueError(
            field,
            value,
            f"must be between {EARLIEST_DATE} and {LATEST_DATE} (years "
            f"{EARLIEST_DATE.year} to {LATEST_DATE.year})",
        )


def aware_datetime(_instance: object, attribute: Any, value: Any) -> None:
    """Validate a timezone-aware :class:`datetime.datetime` (not pytz) in range."""
    if not isinstance(value, dt.datetime):
        raise InvalidTypeError(attribute.name, value, "datetime")
    check_tzinfo(attribute.name, value.tzinfo, value)
    try:
        offset = value.utcoffset()
    except (ValueError, TypeError, OverflowError):
        raise InvalidValueError(
            attribute.name, value, "has a time zone that gives no valid UTC offset"
        ) from None
    if offset is None:
        raise InvalidValueError(attribute.name, value, "must be timezone-aware")
    check_date_range(attribute.name, value.date(), value)


def plain_date(_instance: object, attribute: Any, value: Any) -> None:
    """Validate a :class:`datetime.date` that is not a datetime, in range."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidTypeError(attribute.name, value, "date")
    check_date_range(attribute.name, value, value)


def optional_plain_date(instance: object, attribute: Any, value: Any) -> None:
    """Validate ``None`` or a :class:`datetime.date` that is not a datetime."""
    if value is not None:
        plain_date(instance, attribute, value)


def duration_between(
    minimum: dt.timedelta, maximum: dt.timedelta, *, whole_minutes: bool = True
) -> Validator:
    """Validate a timedelta with ``minimum < value <= maximum``."""

    def check(_instance: object, attribute: Any, value: Any) -> None:
        if not isinstance(value, dt.timedelta):
            raise InvalidTypeError(attribute.name, value, "timedelta")
        if value <= minimum:
            raise InvalidValueError(
                attribute.name, value, f"must be longer than {minimum}"
            )
        if value > maximum:
            raise InvalidValueError(attribute.name, value, f"must be at most {maximum}")
        if whole_minutes and value % MINUTE:
            raise InvalidValueError(
                attribute.name, value, "must be a whole number of minutes"
            )

    return check


def positive_int(_instance: object, attribute: Any, value: Any) -> None:
    """Validate an int greater than zero."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(attribute.name, value, "int")
    if value <= 0:
        raise InvalidValueError(attribute.name, value, "must be greater than zero")


def optional_positive_int(instance: object, attribute: Any, value: Any) -> None:
    """Validate ``None`` or an int greater than zero."""
    if value is not None:
        positive_int(instance, attribute, value)


def non_negative_int(_instance: object, attribute: Any, value: Any) -> None:
    """Validate an int of zero or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(attribute.name, value, "int")
    if value < 0:
        raise InvalidValueError(attribute.name, value, "must not be negative")


def check_text(field: str, value: str) -> None:
    """Refuse text that UTF-8 cannot encode, such as a lone surrogate (U+D800).

    Every string a model accepts can then be dumped to JSON or TOML and loaded back.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValueError(
            field, value, "must be text that UTF-8 can encode (no lone surrogates)"
        ) from None


def non_empty_str(_instance: object, attribute: Any, value: Any) -> None:
    """Validate a string with at least one non-space character."""
    if not isinstance(value, str):
        raise InvalidTypeError(attribute.name, value, "str")
    if not value.strip():
        raise InvalidValueError(attribute.name, value, "must not be empty")
    check_text(attribute.name, value)


def optional_non_empty_str(instance: object, attribute: Any, value: Any) -> None:
    """Validate ``None`` or a non-empty string."""
    if value is not None:
        non_empty_str(instance, attribute, value)


def to_zone(value: object) -> object:
    """Convert an IANA name to :class:`zoneinfo.ZoneInfo`; leave others as they are.

    Unknown names raise :class:`~iopmodel.errors.UnknownCodeError`.
    """
    if isinstance(value, str):
        zone = load_zone(value)
        if zone is None:
            raise UnknownCodeError("IANA time zone", value, ())
        return zone
    return value


def load_zone(name: str) -> ZoneInfo | None:
    """The IANA zone called *name*, or ``None`` if there is none.

    Names are checked before the zone database is asked, so a directory
    (``"America"``), a path or a NUL byte is simply an unknown zone.
    """
    if len(name) > 64 or not _ZONE_NAME.fullmatch(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def iana_zone(_instance: object, attribute: Any, value: Any) -> None:
    """Validate a :class:`zoneinfo.ZoneInfo` built from an IANA key."""
    if not isinstance(value, ZoneInfo):
        raise InvalidTypeError(attribute.name, value, "zoneinfo.ZoneInfo or IANA name")
    if value.key is None:
        raise InvalidValueError(
            attribute.name, value, "must be an IANA zone loaded by name"
        )


def to_hours(field: str, value: object) -> Fraction:
    """Convert a number of hours to an exact :class:`~fractions.Fraction`.

    Floats are read as their shortest decimal repr (``8.99`` is 899/100), so
    the value a person typed is the value compared.
    """
    expected = "int, Fraction, Decimal, float or str"
    if isinstance(value, bool):
        raise InvalidTypeError(field, value, expected)
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, int):
        result = Fraction(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # noqa: PLR0124
            raise InvalidValueError(field, value, "must be a finite number")
        result = exact_number(field, repr(value), value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidValueError(field, value, "must be a finite number")
        exponent = value.as_tuple().exponent
        digits = len(value.as_tuple().digits)
        if not isinstance(exponent, int) or abs(exponent) + digits > MAX_NUMBER_TEXT:
            raise InvalidValueError(field, value, _TOO_LONG)
        result = Fraction(value)
    elif isinstance(value, str):
        result = exact_number(field, value, value)
    else:
        raise InvalidTypeError(field, value, expected)
    check_magnitude(field, result, value)
    if result < 0:
        raise InvalidValueError(field, value, "must not be negative")
    return result


#: The largest exact number (hours, thresholds) the library accepts.
MAX_MAGNITUDE: Final = 10**MAX_EXPONENT
_TOO_LONG: Final = (
    f"must be a number of at most {MAX_NUMBER_TEXT} characters "
    f"and exponent at most {MAX_EXPONENT}"
)


def exact_number(field: str, text: str, value: object) -> Fraction:
    """Parse ``"7.5"``, ``"15/2"`` or ``"1e3"`` exactly, with budgets checked first.

    The text's length and exponent are bounded before :class:`~fractions.Fraction`
    sees it, so ``"1e100000000"`` is refused at once instead of computed.
    """
    if len(text) > MAX_NUMBER_TEXT:
        raise InvalidValueError(field, value, _TOO_LONG)
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        raise InvalidValueError(
            field, value, "must be a number such as 7.5, 15/2 or 1e3"
        )
    exponent = match["exp"]
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise InvalidValueError(field, value, _TOO_LONG)
    try:
        return Fraction(match[0])
    except ZeroDivisionError:
        raise InvalidValueError(field, value, "must not divide by zero") from None


def check_magnitude(field: str, number: Fraction, value: object) -> None:
    """Refuse exact numbers too large, or with too large a denominator, to use."""
    if abs(number) > MAX_MAGNITUDE or number.denominator > MAX_MAGNITUDE:
        raise InvalidValueError(
            field, value, f"must be at most 10**{MAX_EXPONENT}, in lowest terms"
        )


K = TypeVar("K")
V = TypeVar("V")


class FrozenMapping(Mapping[K, V]):
    """A read-only, hashable, picklable mapping (``MappingProxyType`` pickles not).

    Used for mapping fields of frozen value objects, so they hash, compare and
    cross process boundaries (``concurrent.futures`` executors).
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"{{{', '.join(f'{k!r}: {v!r}' for k, v in self._data.items())}}}"

    def __reduce__(self) -> tuple[type[FrozenMapping[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._data,))
