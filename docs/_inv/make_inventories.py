"""Write the intersphinx inventories stored in this folder.

The docs build has no network, so intersphinx reads inventories stored in the
repository instead of downloading ``objects.inv`` from each project's site.
They are written by this script (``python docs/_inv/make_inventories.py``),
not copied from the projects, and list only what iopmodel's docs link to:

- ``python.inv``: every public class, function and method of the standard
  library modules iopmodel's API uses (found by introspecting them, so their
  anchors are the names Python's own docs use), the builtins and exceptions,
  and the short aliases iopmodel's annotations use (``dt.date``, ``Fraction``,
  ``ZoneInfo``), each pointing at the page of the real name;
- ``attrs.inv``, ``pandas.inv``, ``matplotlib.inv``, ``hypothesis.inv``: the
  few names linked from iopmodel's docstrings, with their documented URLs.

Re-run it after linking a new outside name; ``sphinx -n`` reports any name
that no inventory resolves.
"""

from __future__ import annotations

import importlib
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).parent

STDLIB_PAGES = {
    "datetime": "library/datetime.html",
    "fractions": "library/fractions.html",
    "zoneinfo": "library/zoneinfo.html",
    "pathlib": "library/pathlib.html",
    "decimal": "library/decimal.html",
    "random": "library/random.html",
    "enum": "library/enum.html",
    "collections.abc": "library/collections.abc.html",
    "typing": "library/typing.html",
    "code": "library/code.html",
    "json": "library/json.html",
    "concurrent.futures": "library/concurrent.futures.html",
}
BUILTIN_CLASSES = {
    "bool": "library/functions.html#bool",
    "int": "library/functions.html#int",
    "float": "library/functions.html#float",
    "object": "library/functions.html#object",
    "str": "library/stdtypes.html#str",
    "bytes": "library/stdtypes.html#bytes",
    "tuple": "library/stdtypes.html#tuple",
    "list": "library/stdtypes.html#list",
    "dict": "library/stdtypes.html#dict",
    "set": "library/stdtypes.html#set",
    "frozenset": "library/stdtypes.html#frozenset",
}
EXCEPTIONS = [
    "Exception",
    "ExceptionGroup",
    "ValueError",
    "TypeError",
    "LookupError",
    "KeyError",
    "OSError",
]
ALIASES = {  # annotation spelling -> documented name
    "dt": "datetime",
    "Fraction": "fractions.Fraction",
    "ZoneInfo": "zoneinfo.ZoneInfo",
    "concurrent.futures._base": "concurrent.futures",  # where Executor is defined
}


def _members(module_name: str, page: str) -> list[tuple[str, str, str]]:
    module = importlib.import_module(module_name)
    rows = [(module_name, "py:module", f"{page}#module-{module_name}")]
    for name in getattr(module, "__all__", None) or dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name, None)
        full = f"{module_name}.{name}"
        if inspect.isclass(value):
            rows.append((full, "py:class", f"{page}#{full}"))
            for attr, member in vars(value).items():
                if attr.startswith("_"):
                    continue
                role = "py:method" if callable(member) else "py:attribute"
                rows.append((f"{full}.{attr}", role, f"{page}#{full}.{attr}"))
        elif inspect.isfunction(value) or inspect.isbuiltin(value):
            rows.append((full, "py:function", f"{page}#{full}"))
        elif module_name == "typing" and not inspect.ismodule(value):
            rows.append((full, "py:data", f"{page}#{full}"))
    return rows


def python_rows() -> list[tuple[str, str, str]]:
    """Rows of the Python inventory."""
    rows: list[tuple[str, str, str]] = []
    for module_name, page in STDLIB_PAGES.items():
        rows += _members(module_name, page)
    rows += [(name, "py:class", uri) for name, uri in BUILTIN_CLASSES.items()]
    rows += [
        (name, "py:exception", f"library/exceptions.html#{name}") for name in EXCEPTIONS
    ]
    rows.append(("None", "py:data", "library/constants.html#None"))
    aliased = []
    for alias, real in ALIASES.items():
        for name, role, uri in rows:
            if name == real or name.startswith(real + "."):
                aliased.append((alias + name[len(real) :], role, uri))
    return rows + aliased


OTHERS = {
    "attrs": (
        "attrs",
        "https://www.attrs.org/en/stable/",
        [
            ("attrs.evolve", "py:function", "api.html#attrs.evolve"),
            ("attrs.frozen", "py:function", "api.html#attrs.frozen"),
            ("attrs.define", "py:function", "api.html#attrs.define"),
            ("attrs.fields", "py:function", "api.html#attrs.fields"),
            ("attrs.asdict", "py:function", "api.html#attrs.asdict"),
        ],
    ),
    "pandas": (
        "pandas",
        "https://pandas.pydata.org/docs/",
        [
            ("pandas.DataFrame", "py:class", "reference/api/pandas.DataFrame.html"),
            ("pandas.Categorical", "py:class", "reference/api/pandas.Categorical.html"),
            ("pandas.Timestamp", "py:class", "reference/api/pandas.Timestamp.html"),
        ],
    ),
    "matplotlib": (
        "Matplotlib",
        "https://matplotlib.org/stable/",
        [
            (
                "matplotlib.axes.Axes",
                "py:class",
                "api/_as_gen/matplotlib.axes.Axes.html",
            ),
            (
                "matplotlib.figure.Figure",
                "py:class",
                "api/_as_gen/matplotlib.figure.Figure.html",
            ),
            (
                "matplotlib.testing.compare.compare_images",
                "py:function",
                "api/testing_api.html#matplotlib.testing.compare.compare_images",
            ),
        ],
    ),
    "hypothesis": (
        "Hypothesis",
        "https://hypothesis.readthedocs.io/en/latest/",
        [
            (
                "hypothesis.strategies.from_type",
                "py:function",
                "reference/strategies.html#hypothesis.strategies.from_type",
            ),
            (
                "hypothesis.strategies.SearchStrategy",
                "py:class",
                "reference/strategies.html#hypothesis.strategies.SearchStrategy",
            ),
            (
                "hypothesis.stateful.RuleBasedStateMachine",
                "py:class",
                "reference/api.html#hypothesis.stateful.RuleBasedStateMachine",
            ),
        ],
    ),
}
BASES = {"python": ("Python", "https://docs.python.org/3/")} | {
    key: (project, base) for key, (project, base, _) in OTHERS.items()
}


def write(path: Path, project: str, rows: list[tuple[str, str, str]]) -> None:
    """Write *rows* (name, domain:role, uri) as a Sphinx version 2 inventory."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        "# Version: \n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    unique = sorted(set(rows))
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in unique)
    path.write_bytes(header.encode() + zlib.compress(body.encode()))


def main() -> None:
    """Write every inventory next to this script."""
    write(HERE / "python.inv", "Python", python_rows())
    for key, (project, _, rows) in OTHERS.items():
        write(HERE / f"{key}.inv", project, rows)


if __name__ == "__main__":
    main()
