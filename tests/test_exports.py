"""The public API: complete, documented, sorted, and light to import."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import iopmodel

PUBLIC_MODULES = [
    "iopmodel.care",
    "iopmodel.cli",
    "iopmodel.episodes",
    "iopmodel.errors",
    "iopmodel.examples",
    "iopmodel.fhir",
    "iopmodel.ics",
    "iopmodel.plans",
    "iopmodel.plotting",
    "iopmodel.programs",
    "iopmodel.recommend",
    "iopmodel.reports",
    "iopmodel.rules",
    "iopmodel.schedules",
    "iopmodel.schema",
    "iopmodel.serialization",
    "iopmodel.sessions",
    "iopmodel.simulation",
    "iopmodel.sources",
    "iopmodel.strategies",
    "iopmodel.tables",
    "iopmodel.validation",
    "iopmodel.weeks",
]


#: Modules used as modules (``from iopmodel import serialization``), not re-exported.
STANDALONE_MODULES = {
    "iopmodel.cli",
    "iopmodel.examples",
    "iopmodel.fhir",
    "iopmodel.ics",
    "iopmodel.plotting",
    "iopmodel.schema",
    "iopmodel.serialization",
    "iopmodel.simulation",
    "iopmodel.sources",
    "iopmodel.strategies",
    "iopmodel.tables",
}


class TestAll:
    def test_sorted(self) -> None:
        """``__all__`` is sorted (constants, classes, then functions, as ruff sorts)."""
        assert iopmodel.__all__ == sorted(
            iopmodel.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n)
        )

    @pytest.mark.parametrize("name", iopmodel.__all__)
    def test_resolves_and_documented(self, name: str) -> None:
        """Every exported name resolves and has a docstring of its own."""
        obj = getattr(iopmodel, name)
        doc = getattr(obj, "__doc__", None)
        if isinstance(
            obj, dict | frozenset | int | type(iopmodel.MAX_SESSION_DURATION)
        ):
            return  # constants are documented with #: comments in their module
        if type(obj).__name__ == "mappingproxy":
            return
        assert doc
        assert doc.strip()

    @pytest.mark.parametrize("module_name", PUBLIC_MODULES)
    def test_module_exports_are_reexported(self, module_name: str) -> None:
        """Each public module's ``__all__`` resolves; core modules are re-exported."""
        module = importlib.import_module(module_name)
        for name in module.__all__:
            assert hasattr(module, name), name
            if module_name not in STANDALONE_MODULES:
                assert name in iopmodel.__all__, name

    def test_no_private_names(self) -> None:
        """Nothing private is exported."""
        assert not [n for n in iopmodel.__all__ if n.startswith("_")]

    def test_version(self) -> None:
        """The package knows its version."""
        assert iopmodel.__version__


def test_import_is_light() -> None:
    """``import iopmodel`` imports no optional extra (hypothesis, pandas, matplotlib...)."""
    code = (
        "import sys, iopmodel; "
        "print(sorted(m for m in ('hypothesis', 'pandas', 'matplotlib', 'icalendar', 'simpy', "
        "'fhir.resources', 'jsonschema', 'tomli_w', 'recurring_ical_events') "
        "if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _public_callables() -> list[tuple[str, object]]:
    import inspect  # noqa: PLC0415

    found: list[tuple[str, object]] = []
    for module_name in ("iopmodel", *sorted(STANDALONE_MODULES - {"iopmodel.sources"})):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                found.append((f"{module_name}.{name}", obj))
    return found


@pytest.mark.parametrize(("name", "obj"), _public_callables())
def test_every_public_class_and_function_has_an_example(name: str, obj: object) -> None:
    """Every exported class and function documents a runnable (doctested) example."""
    assert ">>>" in (obj.__doc__ or ""), name
