"""Standards: one cited home for every clinical number, read by everything."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopmodel import (
    LevelOfCare,
    Population,
    Program,
    SessionKind,
    SessionTemplate,
    level_for_weekly_hours,
    validate,
)
from iopmodel.errors import InvalidTypeError, InvalidValueError, UnknownCodeError
from iopmodel.rules import RULE_SETS, SCHEDULED_HOURS, Subject, rules_for
from iopmodel.sources import LIBRARY_DEFAULT, MEDICARE_IOP_2024, NIDA_PRINCIPLES
from iopmodel.standards import (
    DEFAULT_STANDARD,
    HOURS_LADDER,
    MEDICARE_2024_STANDARD,
    STANDARDS,
    HoursBand,
    Standard,
    Threshold,
)
from iopmodel.strategies import iop_programs, populations
from iopmodel.weeks import WeekSummary

IOP = LevelOfCare.INTENSIVE_OUTPATIENT
MONDAY = dt.date(2026, 3, 2)


def week_of_minutes(minutes: int) -> WeekSummary:
    return WeekSummary(start=MONDAY, days_in_window=7, scheduled_minutes=minutes)


def iop_design(population: Population) -> Program:
    return Program(
        name="Design",
        level=IOP,
        population=population,
        timezone="America/New_York",
    )


class TestClassifier:
    """Classifier boundaries, each from its source.

    SAMHSA Advisory 2021 (IOP >= 9 h adults, >= 6 h adolescents), the source
    article (9-20 h inclusive) and Medicare 2024 (9 to under 20; PHP from 20).
    """

    @pytest.mark.parametrize(
        ("hours", "population", "default", "medicare"),
        [
            (0, Population.ADULT, "outpatient", "outpatient"),
            (dt.timedelta(hours=8, minutes=59), Population.ADULT, "outpatient",
             "outpatient"),
            (9, Population.ADULT, "intensive_outpatient", "intensive_outpatient"),
            (9.0, Population.ADULT, "intensive_outpatient", "intensive_outpatient"),
            (Fraction(1199, 60), Population.ADULT, "intensive_outpatient",
             "intensive_outpatient"),
            (20, Population.ADULT, "intensive_outpatient", "partial_hospitalization"),
            (Fraction(1201, 60), Population.ADULT, "partial_hospitalization",
             "partial_hospitalization"),
            (40, Population.ADULT, "partial_hospitalization", "partial_hospitalization"),
            (5.99, Population.ADOLESCENT, "outpatient", "outpatient"),
            (6, Population.ADOLESCENT, "intensive_outpatient", "intensive_outpatient"),
            (6, Population.ADULT, "outpatient", "outpatient"),
            ("7.5", Population.ADULT, "outpatient", "outpatient"),
        ],
    )  # fmt: skip
    def test_boundaries(
        self, hours: object, population: Population, default: str, medicare: str
    ) -> None:
        """Boundaries fall exactly on 6, 9 and 20 hours; 20 h is where sources part."""
        assert level_for_weekly_hours(hours, population).key == default
        assert (
            level_for_weekly_hours(
                hours, population, standard=MEDICARE_2024_STANDARD
            ).key
            == medicare
        )

    @given(
        st.integers(min_value=0, max_value=60 * 80),
        st.integers(min_value=0, max_value=60 * 80),
        populations(),
        st.sampled_from(list(STANDARDS.values())),
    )
    def test_monotone(
        self, a: int, b: int, population: Population, standard: Standard
    ) -> None:
        """More weekly hours never give a less intensive level."""
        low, high = sorted((a, b))
        assert standard.level_for_weekly_hours(
            Fraction(low, 60), population
        ) <= standard.level_for_weekly_hours(Fraction(high, 60), population)

    @pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
    def test_rejects_meaningless_hours(self, bad: float) -> None:
        """Negative or non-finite hours raise InvalidValueError."""
        with pytest.raises(InvalidValueError):
            level_for_weekly_hours(bad)

    def test_rejects_wrong_types(self) -> None:
        """Booleans, arbitrary objects and non-standards are type errors."""
        with pytest.raises(InvalidTypeError):
            level_for_weekly_hours(True)
        with pytest.raises(InvalidTypeError):
            level_for_weekly_hours([9])
        with pytest.raises(InvalidTypeError):
            level_for_weekly_hours(9, standard="medicare")  # type: ignore[arg-type]
        with pytest.raises(UnknownCodeError):
            DEFAULT_STANDARD.level_for_weekly_hours(9, "adult")  # type: ignore[arg-type]


class TestAgreement:
    """The classifier and the hours rule read one band: they cannot disagree."""

    @given(
        st.integers(min_value=0, max_value=60 * 80),
        populations(),
        st.sampled_from(sorted(RULE_SETS)),
    )
    def test_classifier_says_iop_exactly_when_hrs001_passes(
        self, minutes: int, population: Population, name: str
    ) -> None:
        """For any hours, IOP by the classifier <=> no HRS001 error, per shipped set."""
        rules = RULE_SETS[name]
        subject = Subject(
            target="plan",
            name="week",
            standard=rules.standard,
            program=iop_design(population),
            weeks=(week_of_minutes(minutes),),
        )
        passes = not SCHEDULED_HOURS.run(subject)
        classified = rules.standard.level_for_weekly_hours(
            Fraction(minutes, 60), population
        )
        assert passes == (classified is IOP)

    @given(iop_programs(standard=MEDICARE_2024_STANDARD))
    def test_strategies_read_the_standard(self, program: Program) -> None:
        """Designs the strategy makes for a standard pass that standard's rules."""
        assert validate(program, rules_for(MEDICARE_2024_STANDARD)).ok
        for hours in program.cycle().hours:
            assert (
                MEDICARE_2024_STANDARD.level_for_weekly_hours(hours, program.population)
                is IOP
            )

    def test_twenty_hours_end_to_end(self) -> None:
        """A 20 h/week IOP passes the default set and fails Medicare's, as classified."""
        group = SessionTemplate(
            kind=SessionKind.GROUP_THERAPY,
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
            start_time=dt.time(9),
            duration=dt.timedelta(hours=4, minutes=45),
        )
        individual = SessionTemplate(
            kind=SessionKind.INDIVIDUAL_THERAPY,
            rrule="FREQ=WEEKLY;BYDAY=FR",
            start_time=dt.time(9),
            duration=dt.timedelta(hours=1),
        )
        program = attrs.evolve(
            iop_design(Population.ADULT), templates=[group, individual]
        )
        assert program.weekly_hours == 20
        assert validate(program).ok
        assert level_for_weekly_hours(20) is IOP
        report = validate(program, RULE_SETS["medicare-2024"])
        assert [f.rule_id for f in report.errors] == ["HRS001"]


class TestLadder:
    def test_every_shipped_ladder_partitions_the_hours(self) -> None:
        """Outpatient, IOP and PHP bands meet with no gap and no overlap."""
        for standard in STANDARDS.values():
            for population in Population:
                bands = [standard.band(lv, population) for lv in HOURS_LADDER]
                assert all(b is not None for b in bands)

    def test_a_gap_is_refused(self) -> None:
        """A standard whose IOP band starts above the outpatient band's end is refused."""
        gap = HoursBand(minimum=10, maximum=20, minimum_source=MEDICARE_IOP_2024,
                        maximum_source=MEDICARE_IOP_2024)  # fmt: skip
        with pytest.raises(InvalidValueError, match="no gap and no overlap"):
            DEFAULT_STANDARD.with_band(IOP, Population.ADULT, gap)

    def test_an_overlap_is_refused(self) -> None:
        """An IOP band including 20 next to a PHP band including 20 is refused."""
        php = HoursBand(minimum=20, minimum_source=MEDICARE_IOP_2024)
        with pytest.raises(InvalidValueError, match="no gap and no overlap"):
            DEFAULT_STANDARD.with_band(
                LevelOfCare.PARTIAL_HOSPITALIZATION, Population.ADULT, php
            )

    def test_missing_ladder_band_is_refused(self) -> None:
        """The classifier needs all three ladder bands."""
        bands = {lv: dict(b) for lv, b in DEFAULT_STANDARD.bands.items()}
        del bands[IOP][Population.ADOLESCENT]
        with pytest.raises(InvalidValueError, match="is required"):
            attrs.evolve(DEFAULT_STANDARD, bands=bands)


class TestHoursBand:
    def test_inclusive_maximum(self) -> None:
        """include_maximum decides whether the upper bound itself is inside."""
        band = HoursBand(minimum=9, maximum=20, include_maximum=True,
                         minimum_source=MEDICARE_IOP_2024,
                         maximum_source=MEDICARE_IOP_2024)  # fmt: skip
        assert band.contains(20)
        assert not band.contains(Fraction(1201, 60))
        assert str(band) == "9 to 20 h/week"

    def test_exclusive_minimum(self) -> None:
        """include_minimum=False leaves the minimum out (PHP over 20 h)."""
        band = HoursBand(minimum=20, include_minimum=False,
                         minimum_source=MEDICARE_IOP_2024)  # fmt: skip
        assert not band.contains(20)
        assert band.contains(Fraction(1201, 60))
        assert band.is_below(20)
        assert str(band) == "over 20 h/week"

    def test_float_input_is_read_as_typed(self) -> None:
        """8.99 is 899/100, not the binary float near it."""
        band = HoursBand(minimum=8.99, minimum_source=MEDICARE_IOP_2024)
        assert band.minimum == Fraction(899, 100)
        assert str(band) == "8.99 h/week or more"

    def test_empty_band_is_refused(self) -> None:
        """A maximum below the minimum leaves nothing inside."""
        with pytest.raises(InvalidValueError, match="empty"):
            HoursBand(minimum=9, maximum=8, minimum_source=MEDICARE_IOP_2024)

    @given(
        st.integers(min_value=0, max_value=40 * 60),
        st.integers(min_value=1, max_value=40 * 60),
        st.booleans(),
        st.booleans(),
        st.integers(min_value=0, max_value=80 * 60),
    )
    def test_minutes_and_fractions_agree(
        self, low: int, width: int, with_low: bool, with_high: bool, minutes: int
    ) -> None:
        """The fast integer check agrees with the exact Fraction check."""
        band = HoursBand(minimum=Fraction(low, 60), maximum=Fraction(low + width, 60),
                         include_minimum=with_low, include_maximum=with_high,
                         minimum_source=MEDICARE_IOP_2024,
                         maximum_source=MEDICARE_IOP_2024)  # fmt: skip
        assert band.contains_minutes(minutes) == band.contains(Fraction(minutes, 60))


class TestThresholds:
    @pytest.mark.parametrize("standard", list(STANDARDS.values()), ids=list(STANDARDS))
    def test_every_number_is_cited_and_library_defaults_say_why(
        self, standard: Standard
    ) -> None:
        """Each threshold has a source; a library default carries its reason."""
        for name, threshold in standard.thresholds().items():
            assert threshold.source.title, name
            if threshold.library_default:
                assert len(threshold.note) > 20, name
        for per_population in standard.bands.values():
            for band in per_population.values():
                assert band.minimum_source.title
                assert (band.maximum is None) == (band.maximum_source is None)

    def test_shipped_values(self) -> None:
        """NIDA's 90 days; a 60-day library-default review cadence; Medicare recert."""
        assert DEFAULT_STANDARD.minimum_total_days.value == 90
        assert DEFAULT_STANDARD.minimum_total_days.source is NIDA_PRINCIPLES
        assert DEFAULT_STANDARD.plan_review_every_days.source is LIBRARY_DEFAULT
        assert DEFAULT_STANDARD.recertification_every_days is None
        recert = MEDICARE_2024_STANDARD.recertification_every_days
        assert recert is not None
        assert recert.value == 60

    def test_with_thresholds(self) -> None:
        """A plain number becomes a library default; a Threshold keeps its source."""
        changed = DEFAULT_STANDARD.with_thresholds(minimum_total_days=120)
        assert changed.minimum_total_days.value == 120
        assert changed.minimum_total_days.library_default
        own = Threshold(value=28, unit="days", source=MEDICARE_IOP_2024)
        assert (
            DEFAULT_STANDARD.with_thresholds(
                plan_review_every_days=own
            ).plan_review_every_days
            is own
        )
        with pytest.raises(UnknownCodeError, match="minimum_total_days"):
            DEFAULT_STANDARD.with_thresholds(minimum_days=120)
        with pytest.raises(InvalidValueError, match="pass a Threshold"):
            DEFAULT_STANDARD.with_thresholds(recertification_every_days=30)

    def test_inconsistent_windows_are_refused(self) -> None:
        """A step-down window that ends before it starts is meaningless."""
        with pytest.raises(InvalidValueError, match="step_down_review_until_days"):
            DEFAULT_STANDARD.with_thresholds(step_down_review_until_days=10)

    def test_negative_thresholds_are_refused(self) -> None:
        """Thresholds are non-negative numbers."""
        with pytest.raises(InvalidValueError, match="value"):
            Threshold(value=-1, unit="days", source=LIBRARY_DEFAULT)
        with pytest.raises(InvalidTypeError, match="value"):
            Threshold(value=True, unit="days", source=LIBRARY_DEFAULT)

    def test_rules_follow_a_changed_standard(self) -> None:
        """rules_for(standard) judges with the standard's numbers."""
        plan_rules = rules_for(
            DEFAULT_STANDARD.with_thresholds(plan_review_every_days=7)
        )
        assert plan_rules.standard.plan_review_every_days.value == 7
        assert "REV002" not in plan_rules
        assert "REV002" in rules_for(MEDICARE_2024_STANDARD)

    def test_pickles(self) -> None:
        """Standards cross process boundaries (simulation sweeps on executors)."""
        import pickle  # noqa: PLC0415

        assert (
            pickle.loads(pickle.dumps(MEDICARE_2024_STANDARD))  # noqa: S301 - our own bytes
            == MEDICARE_2024_STANDARD
        )
