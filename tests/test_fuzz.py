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
from iopmodel.serialization import from_dict, from_json, from_toml, to_dict, to_json

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


# -- the hostile-input campaign (issue 16) ---------------------------------------------
#
# A structured fuzzer: valid documents of every kind, mutated with the classes of
# hostile input seen in the field (lone surrogates, huge exponents, impossible
# recurrences, deep TOML keys, unknown keys and values carrying prose, calendar
# edges, huge integers, random bytes), loaded as dicts, JSON, TOML and bytes, and
# each loaded model printed, dumped and loaded back. Every document runs under a
# watchdog. Counts of leaks (an exception that is not an IopModelError), hangs
# (over 1 s) and echoes (a marker from the injected prose in an error) are
# reported and must all be zero. ``IOPMODEL_FUZZ=deep`` runs 20,000 documents;
# CI runs a smaller set; ``IOPMODEL_FUZZ_SEED`` picks another fixed seed.

CAMPAIGN_DOCUMENTS = 20_000 if os.environ.get("IOPMODEL_FUZZ") == "deep" else 4_000
MARKER = "QZXMARKER"
PROSE_VALUES = (
    f"patient disclosed {MARKER} relapse after the funeral",
    f"{MARKER} " * 30,
    f"she said: {MARKER}; FREQ=DAILY; call me",
)
HOSTILE_VALUES: tuple[object, ...] = (
    "\ud800",
    "a\udfffb",
    "1e100000000",
    "1e-100000000",
    "9" * 5000,
    10**4000,
    -(10**30),
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00[America/New_York]",
    "2026-03-08T02:30:00-05:00[America/New_York]",
    "America",
    "../../etc/passwd",
    "a\x00b",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;BYMONTH=13",
    "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
    "FREQ=DAILY;COUNT=99999999999",
    "18:00:00.123456",
    "25:61",
    float("nan"),
    float("inf"),
    1e308,
    True,
    None,
    [],
    {},
)


def _base_documents() -> list[dict[str, Any]]:
    import datetime as dt  # noqa: PLC0415

    from iopmodel import (  # noqa: PLC0415
        DischargeReason,
        Episode,
        LevelOfCare,
        Population,
        TreatmentPlan,
        validate,
    )
    from iopmodel.examples import adolescent_iop, day_php, evening_iop  # noqa: PLC0415
    from iopmodel.standards import DEFAULT_STANDARD  # noqa: PLC0415

    start = dt.date(2026, 3, 2)
    plan = TreatmentPlan.from_program(
        evening_iop(), patient_id="p-1", start=start, days=21
    )
    plan = plan.cancel_session(plan.sessions[1]).review(start + dt.timedelta(days=7))
    episode = Episode(patient_id="p-1").admit(
        LevelOfCare.INTENSIVE_OUTPATIENT, on=start
    )
    models: list[object] = [
        evening_iop(),
        adolescent_iop(),
        day_php(),
        plan,
        plan.discharge(start + dt.timedelta(days=14), DischargeReason.GOALS_MET),
        episode,
        plan.sessions[0],
        evening_iop().templates[0],
        DEFAULT_STANDARD.band(LevelOfCare.INTENSIVE_OUTPATIENT, Population.ADULT),
        validate(plan),
    ]
    return [to_dict(model) for model in models]


def _mutate(rng: Any, document: Any) -> Any:
    """Apply one to three hostile mutations to a copy of *document*."""
    document = json.loads(json.dumps(document))
    for _ in range(rng.randint(1, 3)):
        places = locations(document)
        container, key = rng.choice(places)
        move = rng.random()
        if move < 0.45:
            container[key] = rng.choice(HOSTILE_VALUES)
        elif move < 0.7:
            container[key] = rng.choice(PROSE_VALUES)
        elif move < 0.85 and isinstance(container, dict):
            container[rng.choice(PROSE_VALUES)] = rng.choice(HOSTILE_VALUES)
        elif isinstance(container, dict):
            container.pop(key, None)
        else:
            container[key] = {"nested": [container[key]] * 3}
    return document


def _toml_text(rng: Any, document: Any) -> str:
    """TOML-ish text: a program document, or hostile key depth and nesting."""
    shape = rng.random()
    if shape < 0.3:
        depth: int = rng.choice([8, 40, 1000, 24_000])
        return "a" + ".a" * depth + " = 1\n"
    if shape < 0.45:
        depth = int(rng.choice([8, 40, 2000]))
        return "x = " + "[" * depth + "]" * depth + "\n"
    if shape < 0.55:
        return "[" + ".".join(["t"] * int(rng.choice([3, 50, 5000]))) + "]\nk = 1\n"
    lines = []
    for key, value in document.items():
        if isinstance(value, str):
            lines.append(
                f"{key} = {json.dumps(value, ensure_ascii=rng.random() < 0.5)}"
            )
        elif isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
    if rng.random() < 0.5:
        lines.append(f'"{rng.choice(PROSE_VALUES)}" = "{rng.choice(PROSE_VALUES)}"')
    return "\n".join(lines) + "\n"


class _HangError(Exception):
    pass


def _load_and_round_trip(rng: Any, document: Any, form: str) -> None:
    """Load *document* in *form*; a loaded model must print and round-trip."""
    loaded: object
    if form == "dict":
        loaded = from_dict(document)
    elif form == "json":
        loaded = from_json(json.dumps(document, ensure_ascii=rng.random() < 0.5))
    elif form == "json-bytes":
        loaded = from_json(json.dumps(document).encode())
    elif form == "toml":
        loaded = from_toml(_toml_text(rng, document))
    else:
        size = rng.choice([0, 1, 50, 500])
        loaded = from_json(bytes(rng.getrandbits(8) for _ in range(size)))
    repr(loaded)
    again: object = from_json(to_json(loaded))
    assert again == loaded, "round trip changed the model"


def _campaign(count: int, seed: int = 16) -> dict[str, int]:
    import random  # noqa: PLC0415
    import signal  # noqa: PLC0415
    import time  # noqa: PLC0415

    from iopmodel import IopModelError  # noqa: PLC0415

    rng = random.Random(seed)
    bases = _base_documents()
    tally = {"documents": 0, "leaks": 0, "hangs": 0, "echoes": 0, "loaded": 0}
    examples: dict[str, str] = {}

    def alarm(*_: object) -> None:
        raise _HangError

    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        for _ in range(count):
            document = _mutate(rng, rng.choice(bases))
            form = rng.choice(["dict", "json", "json-bytes", "toml", "bytes"])
            began = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, 5)
            try:
                _load_and_round_trip(rng, document, form)
                tally["loaded"] += 1
            except IopModelError as error:
                text = str(error) + repr(getattr(error, "problems", ""))
                if MARKER in text:
                    tally["echoes"] += 1
                    examples.setdefault("echo", text[:300])
            except _HangError:
                tally["hangs"] += 1
                examples.setdefault("hang", json.dumps(document)[:300])
            except Exception as error:  # noqa: BLE001 - counting leaks is the point
                tally["leaks"] += 1
                examples.setdefault(
                    "leak", f"{type(error).__name__}: {str(error)[:200]}"
                )
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if time.perf_counter() - began > 1:
                tally["hangs"] += 1
                examples.setdefault("slow", json.dumps(document)[:300])
            tally["documents"] += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    print(  # noqa: T201 - the campaign's report
        f"\nhostile-input fuzz: {tally['documents']} documents "
        f"({tally['loaded']} loaded), {tally['leaks']} leaks, "
        f"{tally['hangs']} hangs over 1 s, {tally['echoes']} echoes"
    )
    for kind, example in examples.items():
        print(f"  first {kind}: {example}")  # noqa: T201
    return tally


def test_hostile_input_campaign() -> None:
    """Structured hostile documents: no leak, no hang over 1 s, no echo of free text."""
    tally = _campaign(
        CAMPAIGN_DOCUMENTS, seed=int(os.environ.get("IOPMODEL_FUZZ_SEED", "16"))
    )
    assert tally["documents"] == CAMPAIGN_DOCUMENTS
    assert (tally["leaks"], tally["hangs"], tally["echoes"]) == (0, 0, 0)
