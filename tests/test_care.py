"""Levels of care: vocabulary, code mappings, ordering and hour bands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import Framework, LevelOfCare, UnknownCodeError
from iopmodel.care import Setting
from iopmodel.strategies import levels

ASAM_3_CODES = ["0.5", "1", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4",
                "1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM"]  # fmt: skip
ASAM_4_CODES = ["1.0", "1.5", "1.7", "2.1", "2.5", "2.7", "3.1", "3.5", "3.7", "4.0"]
LOCUS_CODES = ["0", "1", "2", "3", "4", "5", "6"]


class TestCodeLookups:
    """Every code the issue lists resolves, and look-ups round-trip."""

    @pytest.mark.parametrize(
        ("framework", "codes"),
        [
            (Framework.ASAM_3, ASAM_3_CODES),
            (Framework.ASAM_4, ASAM_4_CODES),
            (Framework.LOCUS, LOCUS_CODES),
        ],
    )
    def test_every_code_is_known(self, framework: Framework, codes: list[str]) -> None:
        """The known codes of each framework are exactly the listed ones."""
        assert sorted(LevelOfCare.known_codes(framework)) == sorted(codes)

    @given(st.data())
    def test_code_to_level_round_trips(self, data: st.DataObject) -> None:
        """from_code(code).code(framework) gives the code back, for every framework."""
        framework = data.draw(st.sampled_from(list(Framework)))
        code = data.draw(st.sampled_from(LevelOfCare.known_codes(framework)))
        assert LevelOfCare.from_code(framework, code).code(framework) == code

    @given(levels(), st.sampled_from(list(Framework)))
    def test_level_to_code_round_trips(
        self, level: LevelOfCare, framework: Framework
    ) -> None:
        """A level with a code in a framework is found again by that code."""
        code = level.code(framework)
        if code is None:
            assert level.name_in(framework) is None
        else:
            assert LevelOfCare.from_code(framework, code) is level

    def test_same_number_means_different_levels(self) -> None:
        """'4' is ASAM 3rd-ed. inpatient but LOCUS partial hospitalization."""
        assert LevelOfCare.from_code(Framework.ASAM_3, "4") is (
            LevelOfCare.MEDICALLY_MANAGED_INPATIENT
        )
        assert LevelOfCare.from_code(Framework.LOCUS, "4") is (
            LevelOfCare.PARTIAL_HOSPITALIZATION
        )

    def test_editions_name_the_same_code_differently(self) -> None:
        """ASAM 3.7 is 'intensive inpatient' in the 3rd ed., 'residential' in the 4th."""
        level = LevelOfCare.MEDICALLY_MONITORED_INPATIENT
        assert "Inpatient" in (level.name_in(Framework.ASAM_3) or "")
        assert "Residential" in (level.name_in(Framework.ASAM_4) or "")

    def test_3rd_edition_1_is_not_4th_edition_1(self) -> None:
        """ASAM 4th edition has no code '1': the framework is always explicit."""
        with pytest.raises(UnknownCodeError):
            LevelOfCare.from_code(Framework.ASAM_4, "1")

    def test_lenient_spelling(self) -> None:
        """Whitespace, lower-case WM suffixes, int LOCUS levels and ASAM-4 '4' work."""
        assert LevelOfCare.from_code(Framework.ASAM_3, " 3.2-wm ") is (
            LevelOfCare.RESIDENTIAL_WITHDRAWAL_MANAGEMENT
        )
        assert LevelOfCare.from_code(Framework.LOCUS, 3) is (
            LevelOfCare.INTENSIVE_OUTPATIENT
        )
        assert LevelOfCare.from_code(Framework.ASAM_4, "4") is (
            LevelOfCare.MEDICALLY_MANAGED_INPATIENT
        )

    def test_unknown_code_lists_known_codes(self) -> None:
        """An unknown code raises a LookupError naming the code and the known ones."""
        with pytest.raises(UnknownCodeError) as info:
            LevelOfCare.from_code(Framework.ASAM_3, "2.7")
        assert isinstance(info.value, LookupError)
        message = str(info.value)
        assert "'2.7'" in message
        assert "asam-3" in message
        assert "'3.2-WM'" in message
        assert info.value.known == LevelOfCare.known_codes(Framework.ASAM_3)

    def test_unknown_framework(self) -> None:
        """A framework given as text is refused with the known frameworks."""
        with pytest.raises(UnknownCodeError, match="asam-4"):
            LevelOfCare.from_code("asam-3", "1")  # type: ignore[arg-type]

    def test_from_key(self) -> None:
        """Stable keys look up levels; unknown keys list the known keys."""
        assert LevelOfCare.from_key("partial_hospitalization").code(
            Framework.ASAM_3
        ) == ("2.5")
        with pytest.raises(UnknownCodeError, match="intensive_outpatient"):
            LevelOfCare.from_key("iop")


class TestOrdering:
    """Levels are totally ordered by intensity."""

    @given(levels(), levels())
    def test_trichotomy(self, a: LevelOfCare, b: LevelOfCare) -> None:
        """Exactly one of a < b, a == b, a > b holds."""
        assert [a < b, a == b, a > b].count(True) == 1
        assert (a <= b) == (a < b or a == b)
        assert (a >= b) == (a > b or a == b)

    @given(levels(), levels(), levels())
    def test_transitive(self, a: LevelOfCare, b: LevelOfCare, c: LevelOfCare) -> None:
        """A <= b and b <= c imply a <= c."""
        if a <= b <= c:
            assert a <= c

    def test_sorting_is_by_intensity(self) -> None:
        """sorted() orders levels from least to most intensive."""
        ordered = sorted(LevelOfCare)
        assert [lv.intensity for lv in ordered] == sorted(
            lv.intensity for lv in LevelOfCare
        )
        assert len({lv.intensity for lv in LevelOfCare}) == len(LevelOfCare)

    def test_tiers(self) -> None:
        """Outpatient < IOP < PHP < every residential level < every inpatient level."""
        assert (
            LevelOfCare.OUTPATIENT
            < LevelOfCare.INTENSIVE_OUTPATIENT
            < LevelOfCare.PARTIAL_HOSPITALIZATION
        )
        residential = [lv for lv in LevelOfCare if lv.setting is Setting.RESIDENTIAL]
        inpatient = [lv for lv in LevelOfCare if lv.setting is Setting.INPATIENT]
        outpatient = [lv for lv in LevelOfCare if lv.setting is Setting.OUTPATIENT]
        assert max(outpatient) < min(residential)
        assert max(residential) < min(inpatient)

    def test_not_comparable_with_other_types(self) -> None:
        """Comparing a level with a number is a TypeError, not a silent answer."""
        with pytest.raises(TypeError):
            _ = LevelOfCare.OUTPATIENT < 3


class TestAttributes:
    def test_round_the_clock_matches_setting(self) -> None:
        """Residential and inpatient levels are round the clock; outpatient never."""
        for level in LevelOfCare:
            assert level.round_the_clock == (level.setting is not Setting.OUTPATIENT)

    def test_withdrawal_management_levels(self) -> None:
        """Every ASAM 3rd-ed. -WM code is a withdrawal-management level."""
        for code in ASAM_3_CODES:
            level = LevelOfCare.from_code(Framework.ASAM_3, code)
            assert level.withdrawal_management == code.endswith("-WM")

    def test_key_and_label(self) -> None:
        """Keys are the enum values; labels are readable."""
        assert LevelOfCare.INTENSIVE_OUTPATIENT.key == "intensive_outpatient"
        assert all(level.label[0].isupper() for level in LevelOfCare)
