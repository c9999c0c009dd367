"""TOML out: ``from_toml(to_toml(x)) == x`` for every model."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    ClinicalFacts,
    DocumentError,
    LevelOfCare,
    TreatmentPlan,
    recommend,
    validate,
)
from iopmodel import strategies as ios
from iopmodel.errors import MissingExtraError
from iopmodel.examples import evening_iop
from iopmodel.serialization import from_toml, to_dict, to_toml

MODELS = st.one_of(
    ios.sessions(),
    ios.session_templates(),
    ios.programs(weekly_only=False),
    ios.treatment_plans(weeks=st.integers(1, 4)),
    ios.episodes(),
)


class TestToToml:
    @given(MODELS)
    def test_round_trip(self, obj: Any) -> None:
        """from_toml(to_toml(x)) == x, with the class taken from the document."""
        text = to_toml(obj)
        again: object = from_toml(text)
        assert again == obj
        assert to_toml(again) == text

    @given(ios.treatment_plans(weeks=st.integers(1, 2)))
    def test_reports_facts_and_recommendations(self, plan: TreatmentPlan) -> None:
        """Reports, facts and recommendations (whose null target is required) round-trip."""
        report = validate(plan)
        assert from_toml(to_toml(report)) == report
        facts = ClinicalFacts(as_of=plan.start, goals_met=True)
        assert from_toml(to_toml(facts)) == facts
        advice = recommend(facts)
        assert from_toml(to_toml(advice)) == advice

    def test_discharge_recommendation_has_no_target(self) -> None:
        """A null required field is left out of the TOML and read back as None."""
        facts = ClinicalFacts(
            as_of=dt.date(2026, 6, 1),
            current_level=LevelOfCare.OUTPATIENT,
            days_at_current_level=60,
            goals_met=True,
            total_days_in_treatment=120,
        )
        advice = recommend(facts)
        assert to_dict(advice)["target_level"] is None
        text = to_toml(advice)
        assert "target_level" not in tomllib.loads(text)
        assert from_toml(text).target_level is None

    def test_missing_required_field_is_still_an_error(self) -> None:
        """Only nullable fields are restored: a missing required field is reported."""
        data = tomllib.loads(to_toml(evening_iop()))
        text = to_toml(evening_iop()).replace('name = "Evening IOP"\n', "")
        assert "name" in data
        with pytest.raises(DocumentError) as caught:
            from_toml(text)
        assert ("$.name", "required field missing") in caught.value.problems

    def test_missing_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without tomli-w, to_toml says which extra to install."""
        import sys  # noqa: PLC0415

        monkeypatch.setitem(sys.modules, "tomli_w", None)
        with pytest.raises(MissingExtraError) as caught:
            to_toml(evening_iop())
        assert caught.value.extra == "toml"
