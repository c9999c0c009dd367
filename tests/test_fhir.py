"""FHIR R4 export and import, checked with fhir.resources' R4B models and beyond."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopmodel import (
    AftercarePlan,
    Attendance,
    DischargeReason,
    DocumentError,
    Episode,
    Framework,
    InvalidValueError,
    LevelOfCare,
    Population,
    Program,
    SessionKind,
    SessionTemplate,
    TreatmentPlan,
)
from iopmodel import strategies as ios
from iopmodel.errors import MissingExtraError
from iopmodel.examples import day_php, evening_iop
from iopmodel.fhir import (
    EXTENSION,
    LEVEL_SYSTEM,
    TZ_CODE,
    from_fhir,
    terminology,
    to_fhir,
)
from iopmodel.plans import Goal, Intervention, Objective, Problem

# Required bindings in FHIR R4 (the codes fhir.resources does not check).
BOUND = {
    ("Appointment", "status"): {
        "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled",
        "noshow", "entered-in-error", "checked-in", "waitlist",
    },
    ("CarePlan", "status"): {
        "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("EpisodeOfCare", "status"): {
        "planned", "waitlist", "active", "onhold", "finished", "cancelled",
        "entered-in-error",
    },
    ("Encounter", "status"): {
        "planned", "arrived", "triaged", "in-progress", "onleave", "finished",
        "cancelled", "entered-in-error", "unknown",
    },
    ("Goal", "lifecycleStatus"): {
        "proposed", "planned", "accepted", "active", "on-hold", "completed",
        "cancelled", "entered-in-error", "rejected",
    },
    ("PlanDefinition", "status"): {"draft", "active", "retired", "unknown"},
    ("ActivityDefinition", "status"): {"draft", "active", "retired", "unknown"},
    ("CodeSystem", "status"): {"draft", "active", "retired", "unknown"},
    ("ConceptMap", "status"): {"draft", "active", "retired", "unknown"},
}  # fmt: skip
UNITS = {"s", "min", "h", "d", "wk", "mo", "a"}
DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
DETAIL_STATUS = {
    "not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled",
    "stopped", "unknown", "entered-in-error",
}  # fmt: skip
DEPARTMENT = dt.date(2026, 3, 2)


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any, Any]]:
    """Every (path, key, value) in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def containers(value: Any) -> Iterator[tuple[str, Any, Any]]:
    """Every (kind, container, key-or-index) in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield "dict", value, key
            yield from containers(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield "list", value, index
            yield from containers(item)


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def check_bundle(bundle: dict[str, Any]) -> None:
    """The invariants fhir.resources does not check."""
    # Round trip through fhir.resources' R4B models: nothing dropped or changed.
    from fhir.resources.R4B.bundle import Bundle  # noqa: PLC0415

    assert json.loads(Bundle.model_validate(bundle).model_dump_json()) == bundle
    assert bundle["type"] == "collection"
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    canonicals = {r["url"] for r in resources(bundle) if "url" in r}
    for resource in resources(bundle):
        kind = resource["resourceType"]
        for (bound_kind, field), codes in BOUND.items():
            if kind == bound_kind:
                assert resource[field] in codes, (kind, field)
        for path, key, value in walk(resource):
            if key == "reference" and isinstance(value, str):
                if value.startswith("Patient/"):
                    continue  # the patient is the receiving system's: opaque id only
                assert value in full_urls, (kind, path)
            if key == "instantiatesCanonical":
                assert set(value) <= canonicals
            if key in {"definitionCanonical", "valueCanonical"}:
                assert value in canonicals, (kind, path)
            if key in {"subject", "patient"}:
                assert set(value) <= {"reference", "identifier", "type"}
                assert "display" not in value
            if key == "repeat":
                assert "duration" in value
                assert value["durationUnit"] in UNITS
                assert value["periodUnit"] in UNITS
                assert set(value.get("dayOfWeek", [])) <= DAYS
            if (
                key in {"period", "boundsPeriod"}
                and isinstance(value, dict)
                and "end" in value
            ):
                assert _instant(value["start"]) <= _instant(value["end"]), path
        if kind == "CarePlan":  # US Core CarePlan: required elements
            assert resource["text"]["status"] in {"generated", "additional"}
            assert resource["text"]["div"].startswith("<div xmlns=")
            categories = {
                c["code"] for cat in resource["category"] for c in cat["coding"]
            }
            assert "assess-plan" in categories
            for activity in resource.get("activity", []):
                if "detail" in activity:
                    assert activity["detail"]["status"] in DETAIL_STATUS
        if kind == "Appointment" and resource["status"] != "proposed":
            assert "start" in resource
            assert "end" in resource


def _instant(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@st.composite
def rich_plans(draw: st.DrawFn) -> TreatmentPlan:
    """Plans with problems, goals, objectives, attendance, reviews, discharge."""
    plan = draw(ios.treatment_plans(weeks=st.integers(1, 3)))
    text = st.sampled_from(["Alcohol use disorder", "Sleep <&> mood", "Daily walk"])
    day = st.integers(0, 20).map(lambda n: plan.start + dt.timedelta(days=n))
    objectives = st.lists(
        st.builds(
            Objective,
            description=text,
            target_date=day,
            interventions=st.lists(
                st.builds(
                    Intervention,
                    description=text,
                    kind=st.none() | ios.session_kinds(),
                    frequency=st.none() | st.just("3 x weekly"),
                ),
                max_size=2,
            ),
            achieved_on=st.none() | day,
        ),
        max_size=2,
    )
    goals = st.lists(
        st.builds(Goal, description=text, objectives=objectives), max_size=2
    )
    problems = draw(
        st.lists(st.builds(Problem, description=text, goals=goals), max_size=2)
    )
    plan = TreatmentPlan(
        patient_id=plan.patient_id,
        program=plan.program,
        start=plan.start,
        planned_discharge=plan.planned_discharge,
        sessions=plan.sessions,
        therapist=draw(st.none() | st.just("c-001")),
        problems=problems,
    )
    for session in draw(
        st.lists(st.sampled_from(plan.sessions), max_size=4, unique=True)
    ):
        plan = plan.record_attendance(session, draw(ios.attendances()))
    for _ in range(draw(st.integers(0, 2))):
        plan = plan.review(draw(day), by=draw(st.none() | st.just("c-002")), note=draw(
            st.sampled_from(["", "Doing well"])))  # fmt: skip
        plan = plan.revise(draw(day), "Added family therapy")
    if draw(st.booleans()):
        plan = plan.with_aftercare(
            AftercarePlan(
                level=LevelOfCare.OUTPATIENT,
                mutual_support=draw(
                    st.lists(st.sampled_from(["AA", "NA"]), max_size=2)
                ),
                follow_ups=draw(st.lists(day, max_size=2)),
            )
        )
    if draw(st.booleans()):
        last = max(
            s.start.astimezone(plan.program.timezone).date() for s in plan.sessions
        )
        plan = plan.discharge(last, draw(st.sampled_from(list(DischargeReason))))
    return plan


class TestRoundTrip:
    @given(
        ios.programs(weekly_only=True),
        st.dates(dt.date(2020, 1, 1), dt.date(2034, 1, 1)),
    )
    def test_programs(self, program: Program, start: dt.date) -> None:
        """from_fhir(to_fhir(program)) == program, and the bundle is sound."""
        bundle = to_fhir(program, start=start)
        check_bundle(bundle)
        assert from_fhir(bundle) == program
        assert from_fhir(json.dumps(bundle)) == program

    @given(
        ios.programs(weekly_only=False),
        st.dates(dt.date(2020, 1, 1), dt.date(2034, 1, 1)),
    )
    def test_programs_refused_never_approximated(
        self, program: Program, start: dt.date
    ) -> None:
        """A recurrence Timing cannot express is refused, naming it; the rest round-trips."""
        inexpressible = [
            i for i, t in enumerate(program.templates)
            if "BYDAY" in t.rrule and "INTERVAL=1" not in t.rrule and "INTERVAL" in t.rrule
        ]  # fmt: skip
        if inexpressible:
            with pytest.raises(InvalidValueError) as caught:
                to_fhir(program, start=start)
            assert caught.value.field == f"templates[{inexpressible[0]}].rrule"
            assert "with BYDAY (every" in caught.value.problem
        else:
            assert from_fhir(to_fhir(program, start=start)) == program

    @given(rich_plans())
    def test_plans(self, plan: TreatmentPlan) -> None:
        """from_fhir(to_fhir(plan)) == plan, with goals, attendance, reviews, discharge."""
        bundle = to_fhir(plan)
        check_bundle(bundle)
        again = from_fhir(bundle)
        assert again == plan
        assert isinstance(again, TreatmentPlan)
        assert [s.start.tzinfo for s in again.sessions] == [
            plan.program.timezone for _ in plan.sessions
        ]

    @given(ios.episodes())
    def test_episodes(self, episode: Episode) -> None:
        """from_fhir(to_fhir(episode)) == episode: one Encounter per placement.

        Concurrent services are Encounters ``partOf`` the placement they began
        in; holds are ``onhold`` entries of the status history.
        """
        bundle = to_fhir(episode)
        check_bundle(bundle)
        assert from_fhir(bundle) == episode
        encounters = [r for r in resources(bundle) if r["resourceType"] == "Encounter"]
        assert len(encounters) == len(episode.placements) + len(episode.services)
        assert sum("partOf" in e for e in encounters) == len(episode.services)

    def test_episode_with_programs(self) -> None:
        """Placements keep their programs (PlanDefinitions in the bundle)."""
        episode = (
            Episode(patient_id="p-1")
            .admit(LevelOfCare.PARTIAL_HOSPITALIZATION, on=DEPARTMENT, program=day_php())
            .step_down(LevelOfCare.INTENSIVE_OUTPATIENT, on=dt.date(2026, 4, 1),
                       program=evening_iop(), reason="goals met at PHP")
        )  # fmt: skip
        bundle = to_fhir(episode)
        check_bundle(bundle)
        assert from_fhir(bundle) == episode
        kinds = [r["resourceType"] for r in resources(bundle)]
        assert kinds.count("PlanDefinition") == 2
        history = resources(bundle)[0]["statusHistory"]
        assert [h["period"] for h in history] == [
            {"start": "2026-03-02", "end": "2026-04-01"},
            {"start": "2026-04-01"},
        ]

    def test_pending_episode(self) -> None:
        """A pending episode is a planned EpisodeOfCare with no encounters."""
        bundle = to_fhir(Episode(patient_id="p-2"))
        assert resources(bundle)[0]["status"] == "planned"
        assert from_fhir(bundle) == Episode(patient_id="p-2")


class TestMapping:
    def test_appointment_status_from_attendance(self) -> None:
        """Booked / fulfilled / noshow / cancelled, and an Encounter once attended."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p-3", start=DEPARTMENT, days=7
        )
        outcomes = [Attendance.ATTENDED, Attendance.ABSENT, Attendance.EXCUSED,
                    Attendance.CANCELLED]  # fmt: skip
        for session, outcome in zip(plan.sessions, outcomes, strict=True):
            plan = plan.record_attendance(session, outcome)
        bundle = to_fhir(plan)
        appointments = [
            r for r in resources(bundle) if r["resourceType"] == "Appointment"
        ]
        assert [a["status"] for a in appointments] == [
            "fulfilled", "noshow", "cancelled", "cancelled"
        ]  # fmt: skip
        reasons = [a.get("cancelationReason", {}).get("coding", [{}])[0].get("code")
                   for a in appointments]  # fmt: skip
        assert reasons == [None, None, "pat", "prov"]
        encounters = [r for r in resources(bundle) if r["resourceType"] == "Encounter"]
        assert len(encounters) == 1
        assert encounters[0]["appointment"] == [
            {"reference": bundle["entry"][1]["fullUrl"]}
        ]
        assert encounters[0]["period"]["start"] == "2026-03-02T18:00:00-05:00"

    def test_care_plan_us_core_elements(self) -> None:
        """CarePlan: narrative, assess-plan, addresses Conditions, goals with targets."""
        plan = TreatmentPlan(
            patient_id="p-4",
            program=evening_iop(),
            start=DEPARTMENT,
            problems=[Problem(description="Alcohol use disorder", goals=[
                Goal(description="Abstinence", objectives=[Objective(
                    description="No use for 30 days", target_date=dt.date(2026, 4, 1),
                    achieved_on=dt.date(2026, 4, 1))])])],
        )  # fmt: skip
        found = resources(to_fhir(plan))
        care_plan = found[0]
        assert care_plan["text"]["status"] == "generated"
        assert "Evening IOP" in care_plan["text"]["div"]
        assert care_plan["category"][0]["coding"][0]["code"] == "assess-plan"
        goal = next(r for r in found if r["resourceType"] == "Goal")
        assert goal["achievementStatus"]["coding"][0]["code"] == "achieved"
        assert goal["target"][0]["dueDate"] == "2026-04-01"
        condition = next(r for r in found if r["resourceType"] == "Condition")
        assert condition["code"] == {"text": "Alcohol use disorder"}

    def test_patient_is_an_opaque_reference(self) -> None:
        """The patient is Patient/<id> plus an identifier; never a name or display."""
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p-5", start=DEPARTMENT, days=7
        )
        for resource in resources(to_fhir(plan)):
            assert resource["resourceType"] != "Patient"
            for _, key, value in walk(resource):
                assert key != "name"
                if key in {"subject", "patient", "actor"}:
                    assert "display" not in value
        subject = resources(to_fhir(plan))[0]["subject"]
        assert subject["reference"] == "Patient/p-5"
        assert subject["identifier"]["value"] == "p-5"

    def test_patient_id_that_is_not_a_fhir_id(self) -> None:
        """An id FHIR cannot use as a resource id is carried as an identifier only."""
        plan = TreatmentPlan(
            patient_id="p 6/7", program=evening_iop(), start=DEPARTMENT
        )
        bundle = to_fhir(plan)
        assert "reference" not in resources(bundle)[0]["subject"]
        assert from_fhir(bundle) == plan

    def test_timing_zone_on_bounds_start(self) -> None:
        """TimeOfDay has no zone: boundsPeriod.start carries it (tz-code extension)."""
        bundle = to_fhir(evening_iop(), start=DEPARTMENT)
        repeat = resources(bundle)[1]["timingTiming"]["repeat"]
        assert repeat["boundsPeriod"]["start"] == "2026-03-02T18:00:00-05:00"
        assert repeat["boundsPeriod"]["_start"]["extension"] == [
            {"url": TZ_CODE, "valueCode": "America/New_York"}
        ]
        assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (
            3,
            1,
            "wk",
        )

    @pytest.mark.parametrize(
        ("rrule", "named"),
        [
            ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", "INTERVAL=2 with BYDAY"),
            ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", "BYSETPOS"),
            ("FREQ=MONTHLY;BYMONTHDAY=1", "BYMONTHDAY"),
            ("FREQ=MONTHLY", "FREQ=MONTHLY"),
        ],
    )
    def test_inexpressible_recurrences_are_refused(
        self, rrule: str, named: str
    ) -> None:
        """What R4 Timing cannot express is refused with an error naming it."""
        template = SessionTemplate(
            kind=SessionKind.GROUP_THERAPY,
            rrule=rrule,
            start_time=dt.time(9),
            duration=dt.timedelta(hours=3),
        )
        program = Program(
            name="X",
            level=LevelOfCare.INTENSIVE_OUTPATIENT,
            population=Population.ADULT,
            timezone="UTC",
            templates=[template],
        )
        with pytest.raises(
            InvalidValueError, match="FHIR R4 Timing cannot express"
        ) as caught:
            to_fhir(program, start=DEPARTMENT)
        assert named in caught.value.problem

    def test_program_needs_a_start(self) -> None:
        """A program's timings need a first day."""
        with pytest.raises(InvalidValueError, match="start"):
            to_fhir(evening_iop())


def expand_timing(repeat: dict[str, Any], until: dt.date) -> list[dt.datetime]:
    """An independent reading of an R4 Timing: the starts it describes before *until*."""
    bounds = repeat["boundsPeriod"]
    zone = ZoneInfo(bounds["_start"]["extension"][0]["valueCode"])
    first = dt.datetime.fromisoformat(bounds["start"]).astimezone(zone).date()
    wall = dt.time.fromisoformat(repeat["timeOfDay"][0])
    step = {"d": 1, "wk": 7}[repeat["periodUnit"]] * repeat["period"]
    days = repeat.get("dayOfWeek")
    starts: list[dt.datetime] = []
    day = first
    while day < until and len(starts) < repeat.get("count", 10**6):
        if (days and day.strftime("%a").lower() in days) or (
            not days and (day - first).days % step == 0
        ):
            moment = dt.datetime.combine(day, wall, zone)
            moment = moment.astimezone(dt.UTC).astimezone(zone)  # DST gap: RFC 5545
            if "end" in bounds and moment > dt.datetime.fromisoformat(bounds["end"]):
                break
            starts.append(moment)
        day += dt.timedelta(days=1)
    return starts


class TestTimingMeansTheSchedule:
    @given(
        ios.programs(weekly_only=False).filter(
            lambda p: (
                not any(
                    "INTERVAL=2" in t.rrule or "INTERVAL=3" in t.rrule
                    for t in p.templates
                    if "BYDAY" in t.rrule
                )
            )
        )
    )
    def test_across_dst(self, program: Program) -> None:
        """Reading each Timing independently gives exactly Program.schedule's starts."""
        start, end = dt.date(2026, 2, 23), dt.date(2026, 4, 6)  # US and EU DST changes
        bundle = to_fhir(program, start=start)
        expected = sorted(s.start for s in program.schedule(start, end))
        activities = [
            r for r in resources(bundle) if r["resourceType"] == "ActivityDefinition"
        ]
        got = sorted(
            m
            for a in activities
            for m in expand_timing(a["timingTiming"]["repeat"], end)
        )
        assert got == expected


class TestHandWrittenRules:
    @pytest.mark.parametrize(
        "rrule",
        [
            "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20260316",
            "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260317T090000",
            "FREQ=DAILY;INTERVAL=3;COUNT=9",
            "FREQ=WEEKLY;INTERVAL=2",
            "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=7",
        ],
    )
    def test_round_trip_and_meaning(self, rrule: str) -> None:
        """UNTIL, COUNT and INTERVAL without BYDAY are expressed exactly."""
        template = SessionTemplate(
            kind=SessionKind.PSYCHOEDUCATION,
            rrule=rrule,
            start_time=dt.time(9),
            duration=dt.timedelta(minutes=90),
            title="Skills",
            clinician="c-1",
            telehealth=True,
        )
        program = Program(
            name="Hand written",
            level=LevelOfCare.OUTPATIENT,
            population=Population.ADOLESCENT,
            timezone="Europe/Berlin",
            templates=[template],
            capacity=8,
        )
        start, end = dt.date(2026, 3, 2), dt.date(2026, 5, 4)
        bundle = to_fhir(program, start=start)
        check_bundle(bundle)
        assert from_fhir(bundle) == program
        repeat = resources(bundle)[1]["timingTiming"]["repeat"]
        expected = [s.start for s in program.schedule(start, end)]
        assert expand_timing(repeat, end) == expected


class TestTerminology:
    def test_concept_maps_follow_the_level_table(self) -> None:
        """Each ConceptMap element is the level table's code, or unmatched."""
        bundle = terminology()
        check_bundle(bundle)
        maps = [r for r in resources(bundle) if r["resourceType"] == "ConceptMap"]
        assert len(maps) == len(Framework)
        for framework, concept_map in zip(Framework, maps, strict=True):
            for element in concept_map["group"][0]["element"]:
                level = LevelOfCare.from_key(element["code"])
                target = element["target"][0]
                assert target.get("code") == level.code(framework)
                assert target["equivalence"] == (
                    "equivalent" if level.code(framework) else "unmatched"
                )
        levels = next(r for r in resources(bundle) if r["url"] == LEVEL_SYSTEM)
        assert [c["code"] for c in levels["concept"]] == [
            lv.key for lv in sorted(LevelOfCare)
        ]


class TestHostileInput:
    def plan_bundle(self) -> dict[str, Any]:
        plan = TreatmentPlan.from_program(
            evening_iop(), patient_id="p-9", start=DEPARTMENT, days=7
        )
        return to_fhir(plan)

    def test_tampered_timing_is_refused(self) -> None:
        """A Timing that disagrees with the rrule extension is an error, with its path."""
        bundle = self.plan_bundle()
        activity = next(
            e
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "ActivityDefinition"
        )
        index = bundle["entry"].index(activity)
        activity["resource"]["timingTiming"]["repeat"]["dayOfWeek"] = ["mon"]
        with pytest.raises(DocumentError) as caught:
            from_fhir(bundle)
        assert caught.value.problems == (
            (
                f"$.entry[{index}].resource.timingTiming",
                "does not match the recurrence rule",
            ),
        )

    def test_free_text_is_never_echoed(self) -> None:
        """Errors name paths and kinds of problem, never text from the bundle."""
        private = "Patient Jane Roe said something private"
        bundle = self.plan_bundle()
        appointment = bundle["entry"][1]["resource"]
        appointment["status"] = private
        with pytest.raises(DocumentError) as caught:
            from_fhir(bundle)
        assert private not in str(caught.value)
        assert caught.value.problems[0][0] == "$.entry[1].resource.status"
        bundle = self.plan_bundle()
        bundle["entry"][1]["resource"]["minutesDuration"] = private
        with pytest.raises(DocumentError) as caught:
            from_fhir(bundle)
        assert private not in str(caught.value)
        assert caught.value.problems[0][0] == "$.entry[1].resource.minutesDuration"

    @settings(max_examples=150, deadline=None)
    @given(st.data())
    def test_mutated_bundles(self, data: st.DataObject) -> None:
        """Any value anywhere in a bundle: a result or a DocumentError, nothing else."""
        bundle = self.plan_bundle()
        places = [(container, key) for _, container, key in containers(bundle)]
        container, key = data.draw(st.sampled_from(places))
        container[key] = data.draw(
            st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=5)
            | st.sampled_from(["", "2026-03-02", "urn:uuid:x", [], {}, [{}]])
        )  # fmt: skip
        problems: tuple[tuple[str, str], ...] = ()
        try:
            from_fhir(bundle)
        except DocumentError as error:
            problems = error.problems
        assert all(path.startswith("$") and message for path, message in problems)

    def test_not_a_bundle(self) -> None:
        """Anything but a Bundle is a DocumentError."""
        for value in ("[]", "{", {"resourceType": "Patient"}, b"\xff"):
            with pytest.raises(DocumentError):
                from_fhir(value)

    def test_without_rrule_extension_the_timing_is_read(self) -> None:
        """A Timing alone (as another system writes it) is read back as the RRULE."""
        bundle = to_fhir(evening_iop(), start=DEPARTMENT)
        for resource in resources(bundle)[1:]:
            resource["extension"] = [
                e for e in resource["extension"] if e["url"] != EXTENSION["rrule"]
            ]
        assert from_fhir(bundle) == evening_iop()


class TestPackaging:
    def test_pinned_version(self) -> None:
        """The fhir extra pins the fhir.resources release these tests run against."""
        assert importlib.metadata.version("fhir.resources").startswith("8.3.")

    def test_import_is_light(self) -> None:
        """Import iopmodel (and iopmodel.fhir) does not import fhir.resources."""
        code = "import sys, iopmodel, iopmodel.fhir; print('fhir.resources' in sys.modules)"
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "False"

    def test_missing_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without fhir.resources, the error names the extra."""
        monkeypatch.setitem(sys.modules, "fhir.resources.R4B", None)
        with pytest.raises(MissingExtraError) as caught:
            to_fhir(evening_iop(), start=DEPARTMENT)
        assert caught.value.extra == "fhir"
