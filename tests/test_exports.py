"""The public API: complete, documented, sorted, and light to import."""

from __future__ import annotations

import ast
import importlib
import inspect
import pathlib
import pkgutil
import subprocess
import sys
import types

import pytest

import iopmodel


def _public_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(iopmodel.__path__, "iopmodel.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    return sorted(["iopmodel", *names])


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


def _run(code: str) -> str:
    """What *code* prints in a fresh interpreter."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


#: Optional extras that neither ``import iopmodel`` nor its top-level names import.
EXTRAS = (
    "hypothesis",
    "pandas",
    "matplotlib",
    "icalendar",
    "simpy",
    "fhir.resources",
    "jsonschema",
    "tomli_w",
    "recurring_ical_events",
    "numpy",
    "pyarrow",
    "dask",
    "tqdm",
)


@pytest.mark.parametrize("statement", ["import iopmodel", "from iopmodel import *"])
def test_import_is_light(statement: str) -> None:
    """Neither ``import iopmodel`` nor all its top-level names import an optional extra."""
    code = f"import sys; {statement}; print(sorted(m for m in {EXTRAS!r} if m in sys.modules))"
    assert _run(code) == "[]"


def test_top_level_names_leave_the_formats_alone() -> None:
    """The top-level names load no document format, export or cattrs: those load when used."""
    code = (
        "import sys; from iopmodel import *; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cattrs' or m in "
        "('iopmodel.serialization', 'iopmodel.schema', 'iopmodel.fhir', 'iopmodel.ics', "
        "'iopmodel.tables', 'iopmodel.plotting', 'iopmodel.simulation', 'iopmodel.cohort', "
        "'iopmodel.strategies', 'iopmodel.examples', 'iopmodel.cli', 'json', 'tomllib')))"
    )
    assert _run(code) == "[]"


class TestLazyNamespace:
    """Top-level names load on first use (PEP 562), and are the real objects."""

    def test_import_loads_no_submodule(self) -> None:
        """``import iopmodel`` imports none of its modules: the names wait for first use."""
        code = "import sys, iopmodel; print(sorted(m for m in sys.modules if 'iopmodel' in m))"
        assert _run(code) == "['iopmodel']"

    def test_first_use_loads_only_what_it_needs(self) -> None:
        """``iopmodel.Citation`` imports its own module, not the whole package."""
        code = (
            "import sys, iopmodel; iopmodel.Citation; "
            "print(sorted(m for m in sys.modules if 'iopmodel' in m))"
        )
        assert _run(code) == "['iopmodel', 'iopmodel.sources']"

    def test_names_match_the_type_checking_imports(self) -> None:
        """The lazy table and the imports type checkers see name the same homes."""
        tree = ast.parse(pathlib.Path(iopmodel.__file__).read_text(encoding="utf-8"))
        block = next(
            node
            for node in tree.body
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        )
        seen = {
            alias.name: node.module
            for node in block.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert seen == iopmodel._HOMES
        assert sorted(seen) == sorted(iopmodel.__all__)

    def test_every_name_is_its_home_object_after_every_import(self) -> None:
        """No submodule shadows a top-level name, whatever has been imported.

        Importing ``iopmodel.x`` sets the package attribute ``x`` to the module,
        so a function or class named like a module of the package would be
        replaced by the module.
        """
        for info in pkgutil.walk_packages(iopmodel.__path__, "iopmodel."):
            if info.name != "iopmodel.__main__":  # running it runs the CLI
                importlib.import_module(info.name)
        for name in iopmodel.__all__:
            obj = getattr(iopmodel, name)
            assert not isinstance(obj, types.ModuleType), name
            home = importlib.import_module(iopmodel._HOMES[name])
            assert obj is getattr(home, name), name

    def test_every_name_resolves_fresh(self) -> None:
        """Each name resolves on its own in a fresh interpreter (no import cycle)."""
        code = (
            "import iopmodel, types\n"
            "for name in iopmodel.__all__:\n"
            "    assert not isinstance(getattr(iopmodel, name), types.ModuleType), name\n"
            "print('ok')"
        )
        assert _run(code) == "ok"

    def test_star_import(self) -> None:
        """``from iopmodel import *`` binds exactly ``__all__``."""
        code = (
            "before = set(globals())\n"
            "from iopmodel import *\n"
            "print(sorted(set(globals()) - before - {'before'}))"
        )
        assert _run(code) == repr(sorted(iopmodel.__all__))

    def test_dir_lists_the_names(self) -> None:
        """``dir(iopmodel)`` lists the public names before any is used."""
        code = "import iopmodel; print(dir(iopmodel))"
        assert _run(code) == repr(sorted([*iopmodel.__all__, "__version__"]))

    def test_unknown_attribute(self) -> None:
        """An unknown name raises the usual AttributeError and ImportError."""
        with pytest.raises(
            AttributeError, match=r"^module 'iopmodel' has no attribute 'nope'$"
        ):
            iopmodel.nope  # type: ignore[attr-defined]  # noqa: B018
        with pytest.raises(
            ImportError, match=r"cannot import name 'nope' from 'iopmodel'"
        ):
            from iopmodel import nope  # type: ignore[attr-defined]  # noqa: F401, PLC0415

    def test_cached_after_first_use(self) -> None:
        """A resolved name is an ordinary module attribute afterwards."""
        obj = iopmodel.Program
        assert vars(iopmodel)["Program"] is obj


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


def test_import_hypothesis_imports_no_iopmodel() -> None:
    """Installing iopmodel adds nothing to ``import hypothesis`` (no plugin entry point)."""
    code = (
        "import sys, hypothesis; "
        "print(sorted(m for m in sys.modules if m.startswith('iopmodel')))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _registered() -> list[type]:
    from iopmodel.strategies import REGISTERED  # noqa: PLC0415

    return list(REGISTERED)


@pytest.mark.parametrize("model", _registered(), ids=lambda t: t.__name__)
def test_from_type_builds_every_registered_model(model: type) -> None:
    """``st.from_type`` gives valid instances of every registered model."""
    from hypothesis import HealthCheck, given, settings  # noqa: PLC0415
    from hypothesis import strategies as st  # noqa: PLC0415

    seen: list[object] = []

    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_type(model))
    def draw(value: object) -> None:
        assert isinstance(value, model)
        seen.append(value)

    draw()
    assert seen


def test_every_public_model_is_registered() -> None:
    """Every attrs model and enum of the core modules has a from_type strategy."""
    import enum  # noqa: PLC0415

    import attrs  # noqa: PLC0415

    core = ("care", "sessions", "schedules", "programs", "plans", "episodes")
    registered = set(_registered())
    for module_name in core:
        module = importlib.import_module(f"iopmodel.{module_name}")
        for name in module.__all__:
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and obj.__module__ == module.__name__
                and (attrs.has(obj) or issubclass(obj, enum.Enum))
            ):
                assert obj in registered, f"{module_name}.{name}"
