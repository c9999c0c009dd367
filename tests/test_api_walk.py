"""Walk the public API with hostile values: only IopModelError escapes, nothing hangs.

Every public class and function of every public module (but the command
line, the strategies and the simulation runners) is called with each hostile value for all of its
parameters at once. The call must succeed or raise an
:class:`~iopmodel.IopModelError` (which may also be a builtin error), within
two seconds. Enums are left out: looking an enum member up by value is Python's
own protocol (``SessionKind("x")`` raises ``ValueError``). Typing aliases
(``iopmodel.rules.Target``, a ``Literal``) are left out too: they are types,
not functions. The walk runs in a temporary directory, so a hostile value that
is also a valid path (``"1e100000000"``) writes nothing into the work tree.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import inspect
import pathlib
import signal
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction

import pytest

from iopmodel import IopModelError

HOSTILE: tuple[object, ...] = (
    None,
    "",
    "\ud800",
    "Patient disclosed a relapse after the funeral. " * 40,
    -1,
    0,
    10**100,
    float("nan"),
    object(),
    [],
    {},
    ("x",),
    dt.date(1, 1, 1),
    dt.date.max,
    dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.datetime(2026, 3, 2),  # naive
    "1e100000000",
    Decimal("1e100000000"),
    Fraction(10**5000, 3),
    b"\xff",
    True,
    dt.timedelta(days=-1),
)

#: Modules whose callables are not walked: the command line (its own fault
#: tests drive it), strategies (they build Hypothesis strategies, lazily) and
#: the simulation (a hostile scenario is refused by Scenario, walked here, but
#: its runners would simulate whatever they are given).
NOT_WALKED = {"iopmodel.cli", "iopmodel.strategies", "iopmodel.simulation"}


def public_modules() -> list[str]:
    import pkgutil  # noqa: PLC0415

    import iopmodel  # noqa: PLC0415

    names = [
        info.name
        for info in pkgutil.walk_packages(iopmodel.__path__, "iopmodel.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    return [n for n in sorted(["iopmodel", *names]) if n not in NOT_WALKED]


def _is_typing_alias(obj: object) -> bool:
    """Whether *obj* is a typing alias (``Literal[...]``): callable, but not an API.

    ``typing.Literal`` aliases such as :data:`iopmodel.rules.Target` are
    callable objects that only raise "Cannot instantiate"; they are types for
    annotations, neither a class nor a function, so the walk leaves them out.
    """
    return typing.get_origin(obj) is not None and not (
        inspect.isclass(obj) or inspect.isroutine(obj)
    )


def public_callables() -> Iterator[tuple[str, Callable[..., object]]]:
    seen: set[int] = set()
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) in seen or not callable(obj) or _is_typing_alias(obj):
                continue
            seen.add(id(obj))
            if inspect.isclass(obj) and issubclass(obj, enum.Enum | BaseException):
                continue
            yield f"{module_name}.{name}", obj


class _HangError(Exception):
    pass


def _alarm(*_: object) -> None:
    raise _HangError


def escapes(function: Callable[..., object]) -> list[str]:
    """The foreign exceptions (or hangs) *function* lets out, one per hostile value."""
    parameters = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    found = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for value in HOSTILE:
            positional = [value for p in parameters if p.kind is p.POSITIONAL_ONLY]
            keywords = {
                p.name: value for p in parameters if p.kind is not p.POSITIONAL_ONLY
            }
            signal.setitimer(signal.ITIMER_REAL, 2)
            try:
                function(*positional, **keywords)
            except IopModelError:
                pass
            except _HangError:
                found.append(f"hang with {type(value).__name__}")
            except Exception as error:  # noqa: BLE001 - finding leaks is the point
                found.append(f"{type(error).__name__} with {type(value).__name__}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return found


CASES = [pytest.param(function, id=name) for name, function in public_callables()]


@pytest.mark.parametrize("function", CASES)
def test_only_iopmodel_errors_escape(
    function: Callable[..., object],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hostile values for every parameter: success or an IopModelError, within 2 s."""
    monkeypatch.chdir(tmp_path)
    assert escapes(function) == []


def test_the_walk_covers_the_api() -> None:
    """The walk reaches the models, loaders and exporters (not only a few names)."""
    names = {name for name, _ in public_callables()}
    assert {
        "iopmodel.Program",
        "iopmodel.Session",
        "iopmodel.SessionTemplate",
        "iopmodel.TreatmentPlan",
        "iopmodel.Episode",
        "iopmodel.validate",
        "iopmodel.serialization.from_json",
        "iopmodel.serialization.load",
        "iopmodel.ics.to_ics",
    } <= names
    assert len(names) > 40
    assert "iopmodel.rules.Target" not in names  # a typing alias, not an API
