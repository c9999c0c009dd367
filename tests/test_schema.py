"""JSON Schema for iopmodel's documents, checked with an independent validator."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopmodel import ClinicalFacts, DocumentError, TreatmentPlan, recommend, validate
from iopmodel import strategies as ios
from iopmodel.schema import DIALECT, generate_schema, json_schema
from iopmodel.serialization import KINDS, from_dict, to_dict

MODELS = st.one_of(
    ios.sessions(),
    ios.session_templates(),
    ios.programs(weekly_only=False),
    ios.treatment_plans(weeks=st.integers(1, 2)),
    ios.episodes(max_moves=3),
)
#: Replacement values for the fuzz mutants: JSON scalars, and near misses of
#: the formats (a naive datetime, a framework code, an exact fraction...).
VALUES = st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=8) | (
    st.sampled_from(
        ["", " ", "2026-03-02", "2026-03-02T18:00:00", "18:00", "FREQ=DAILY",
         "asam-3:2.1", "locus:3", "UTC", "group_therapy", "15/2", "-1", [], {}]
    )
)  # fmt: skip
MUTANTS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def validator(model: str) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(json_schema(model))


def schema_errors(document: dict[str, Any], model: str | None = None) -> list[str]:
    errors = validator(model or document["model"]).iter_errors(document)
    return [error.json_path for error in errors]


def loader_accepts(document: dict[str, Any]) -> bool:
    try:
        from_dict(copy.deepcopy(document))
    except DocumentError:
        return False
    return True


def places(value: Any, path: str = "$") -> list[tuple[dict[str, Any], str, str]]:
    """Every (object, key, path) in a document."""
    found: list[tuple[dict[str, Any], str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key, f"{path}.{key}"))
            found.extend(places(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(places(item, f"{path}[{index}]"))
    return found


class TestShipped:
    @pytest.mark.parametrize("model", sorted(KINDS))
    def test_shipped_equals_generated(self, model: str) -> None:
        """The shipped files are what the classes generate (run write_schemas())."""
        assert json_schema(model) == generate_schema(model)

    @pytest.mark.parametrize("model", sorted(KINDS))
    def test_is_a_draft_2020_12_schema(self, model: str) -> None:
        """Each schema is itself valid Draft 2020-12, with the discriminator and version."""
        schema = json_schema(model)
        assert schema["$schema"] == DIALECT
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["properties"]["model"] == {"const": model}
        assert schema["properties"]["schema_version"] == {"const": 1}
        assert schema["additionalProperties"] is False

    def test_unknown_model(self) -> None:
        """An unknown model is an UnknownCodeError listing the known ones."""
        with pytest.raises(LookupError, match="program"):
            json_schema("programme")

    def test_import_is_light(self) -> None:
        """Reading a schema needs no JSON Schema library."""
        code = "import sys, iopmodel.schema; print('jsonschema' in sys.modules)"
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "False"


class TestDocuments:
    @given(MODELS)
    def test_valid_documents_pass(self, obj: object) -> None:
        """Every document iopmodel writes is valid against its schema."""
        document = json.loads(json.dumps(to_dict(obj)))
        assert schema_errors(document) == []

    @given(ios.treatment_plans(weeks=st.integers(1, 2)))
    def test_reports_facts_recommendations_pass(self, plan: TreatmentPlan) -> None:
        """Reports, facts and recommendations (with citations) pass too."""
        report = validate(plan)
        facts = ClinicalFacts(as_of=plan.start, needs_intensive_treatment=True)
        for obj in (report, facts, recommend(facts), plan.program):
            assert schema_errors(to_dict(obj)) == []

    def test_zone_suffixed_datetime_pattern(self) -> None:
        """Datetimes need a UTC offset; the IANA zone suffix is optional."""
        schema = json_schema("session")
        check = jsonschema.Draft202012Validator(schema["properties"]["start"]).is_valid
        assert check("2026-03-02T18:00:00-05:00[America/New_York]")
        assert check("2026-03-02T23:00:00+00:00")
        assert not check("2026-03-02T18:00:00")  # naive
        assert not check("2026-03-02T18:00:00[America/New_York]")  # zone, no offset

    @MUTANTS
    @given(MODELS, st.data())
    def test_structural_mutants_fail(self, obj: object, data: st.DataObject) -> None:
        """Unknown, renamed, missing required keys and wrong JSON types fail both checks."""
        document = json.loads(json.dumps(to_dict(obj)))
        model = document["model"]
        container, key, path = data.draw(st.sampled_from(places(document)))
        action = data.draw(st.sampled_from(["add", "rename", "remove", "retype"]))
        if action == "add":
            container["x_unknown"] = 1
        elif action == "rename":
            container[key + "_x"] = container.pop(key)
        elif action == "remove":
            del container[key]
        else:
            original = container[key]
            if original is None:
                return  # a null may stand for any type; not a structural mutant
            container[key] = {} if isinstance(original, list) else []
        accepted = loader_accepts(document)
        if action == "remove":
            try:
                from_dict(copy.deepcopy(document))
            except DocumentError as error:
                if (path, "required field missing") not in error.problems:
                    return  # an optional key: removing it changes a value, not the shape
            else:
                return
        assert not accepted
        assert schema_errors(document, model), (action, path)

    @MUTANTS
    @given(MODELS, st.data())
    def test_loader_accepts_implies_schema_accepts(
        self, obj: object, data: st.DataObject
    ) -> None:
        """The schema is never stricter than the loader, on mutated documents."""
        document = json.loads(json.dumps(to_dict(obj)))
        container, key, _ = data.draw(st.sampled_from(places(document)))
        container[key] = data.draw(VALUES)
        if loader_accepts(document):
            assert schema_errors(document) == []
