"""Hypothesis plugin: registers iopmodel's strategies for ``st.from_type``.

Hypothesis calls :func:`_hypothesis_setup_hook` through the ``hypothesis``
entry point while Hypothesis itself is being imported, possibly from inside
``import iopmodel.strategies``. The strategies are therefore registered lazily
(:func:`hypothesis.strategies.deferred`) and resolved at first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from iopmodel.care import LevelOfCare, Population
from iopmodel.programs import Program
from iopmodel.schedules import SessionTemplate
from iopmodel.sessions import Attendance, Session, SessionKind

_REGISTRY: dict[type, str] = {
    LevelOfCare: "levels",
    Population: "populations",
    SessionKind: "session_kinds",
    Attendance: "attendances",
    Session: "sessions",
    SessionTemplate: "session_templates",
    Program: "programs",
}


def _lazy(name: str) -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - only with hypothesis

    def resolve() -> Any:
        return getattr(importlib.import_module("iopmodel.strategies"), name)()

    return st.deferred(resolve)


def _hypothesis_setup_hook() -> None:
    """Register every public strategy with :func:`hypothesis.strategies.from_type`."""
    from hypothesis import strategies as st  # noqa: PLC0415 - only with hypothesis

    for cls, name in _REGISTRY.items():
        st.register_type_strategy(cls, _lazy(name))
