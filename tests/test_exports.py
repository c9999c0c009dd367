"""The public API: complete, documented, sorted, and light to import."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import iopmodel


def _public_modules() -> list[str]:
    names = ["iopmodel"]
    names.extend(
        info.name
        for info in pkgutil.walk_packages(iopmodel.__path__, "iopmodel.")
        if not any(part.startswith("_") for part in info.name.split("."))
    )
    return sorted(names)


PUBLIC_MODULES = _public_modules()
#: Modules that need an optional extra to import.
EXTRA_MODULES = {"iopmodel.ics", "iopmodel.plotting", "iopmodel.simulation"}


class TestAll:
    def test_sorted(self) -> None:
        """``__all__`` is sorted (constants, classes, then functions, as ruff sorts)."""
        assert iopmodel.__all__ == sorted(
            iopmodel.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n)
        )

    def test_curated(self) -> None:
        """The top-level namespace is what a new user needs (about 35 names)."""
        assert 25 <= len(iopmodel.__all__) <= 40

    @pytest.mark.parametrize("module_name", PUBLIC_MODULES)
    def test_module_exports_resolve(self, module_name: str) -> None:
        """Each public module's ``__all__`` resolves, and its names are documented."""
        module = importlib.import_module(module_name)
        assert module.__doc__
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                assert (obj.__doc__ or "").strip(), name

    def test_top_level_names_live_in_a_module(self) -> None:
        """Every top-level name is also importable from the module that defines it."""
        for name in iopmodel.__all__:
            obj = getattr(iopmodel, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # constants are documented where they are defined
            home = obj.__module__
            if home.startswith("iopmodel."):
                assert name in importlib.import_module(home).__all__, name

    def test_no_private_names(self) -> None:
        """Nothing private is exported."""
        assert not [n for n in iopmodel.__all__ if n.startswith("_")]

    def test_version(self) -> None:
        """The package knows its version without reading installed metadata."""
        assert iopmodel.__version__
        assert "importlib.metadata" not in iopmodel.__dict__


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_imports_on_its_own(module_name: str) -> None:
    """Each module imports first in a fresh interpreter: no circular imports."""
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import {module_name}"], check=True, capture_output=True
    )


def test_import_is_light() -> None:
    """``import iopmodel`` imports no optional extra (hypothesis, pandas, matplotlib...)."""
    code = (
        "import sys, iopmodel; "
        "print(sorted(m for m in ('hypothesis', 'pandas', 'matplotlib', 'icalendar', 'simpy') "
        "if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _public_callables() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and getattr(
                obj, "__module__", ""
            ).startswith("iopmodel"):
                found.append((f"{module_name}.{name}", obj))
    return found


@pytest.mark.parametrize(("name", "obj"), _public_callables())
def test_every_public_class_and_function_has_an_example(name: str, obj: object) -> None:
    """Every exported class and function documents a runnable (doctested) example."""
    assert ">>>" in (obj.__doc__ or ""), name
