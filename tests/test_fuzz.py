"""Fuzzing the loaders: bad input gets a clear error with a path, and nothing else.

Hypothesis mutates valid documents (keys removed, renamed or added, values
replaced with values of the wrong type or out of range) and also feeds
arbitrary JSON and arbitrary text. The loaders must raise only
:class:`~iopmodel.DocumentError`, and every problem must carry a path. CI runs
thousands of examples (``FUZZ_EXAMPLES``); set ``HYPOTHESIS_PROFILE=thorough``
for more by hand.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopmodel import DocumentError
from iopmodel import strategies as ios
from iopmodel.serialization import from_dict, from_json, from_toml, to_dict

FUZZ_EXAMPLES = {"ci": 3000, "thorough": 20000}.get(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"), 300
)
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "2026-03-02",
            "2026-03-02T18:00:00",
            "18:00",
            "FREQ=DAILY",
            "asam-3:2.1",
            "UTC",
            "group_therapy",
            "-5",
            "15/2",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=12,
)
MODELS = st.one_of(
    ios.sessions(),
    ios.session_templates(),
    ios.programs(weekly_only=False),
    ios.treatment_plans(weeks=st.integers(1, 2)),
    ios.episodes(max_moves=2),
)


def locations(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) in a nested document."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found.extend(locations(item))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found.extend(locations(item))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    document = to_dict(draw(MODELS))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = locations(document)
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["remove", "rename", "add", "replace"]))
        if isinstance(container, dict):
            if action == "remove":
                del container[key]
            elif action == "rename":
                container[key + draw(st.sampled_from(["_", "x", "s"]))] = container.pop(
                    key
                )
            elif action == "add":
                container[draw(st.text(min_size=1, max_size=10))] = draw(JSON_VALUES)
            else:
                container[key] = draw(JSON_VALUES)
        elif action == "remove":
            del container[key]
        else:
            container[key] = draw(JSON_VALUES)
    return document


def assert_clear(error: DocumentError) -> None:
    assert error.problems
    for path, message in error.problems:
        assert path.startswith("$"), path
        assert message
        assert "Traceback" not in message
        assert "cattrs" not in message


class TestFuzz:
    @FUZZ
    @given(mutated_documents())
    def test_mutated_documents(self, document: Any) -> None:
        """Mutated valid documents load or raise DocumentError with paths."""
        try:
            from_dict(document)
        except DocumentError as error:
            assert_clear(error)

    @FUZZ
    @given(JSON_VALUES)
    def test_arbitrary_json(self, document: Any) -> None:
        """Any JSON value at all loads or raises DocumentError with paths."""
        try:
            from_json(json.dumps(document))
        except DocumentError as error:
            assert_clear(error)

    @settings(FUZZ, max_examples=max(100, FUZZ_EXAMPLES // 10))
    @given(st.text(max_size=200))
    def test_arbitrary_text(self, text: str) -> None:
        """Arbitrary text as JSON or TOML raises DocumentError, never anything else."""
        for loader in (from_json, from_toml):
            try:
                loader(text)
            except DocumentError as error:
                assert_clear(error)
