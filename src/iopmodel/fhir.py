r"""FHIR R4 export and import: programs, treatment plans, episodes and levels of care.

Needs the ``fhir`` extra (``pip install "iopmodel[fhir]"``), which pins
`fhir.resources <https://github.com/nazrulworld/fhir.resources>`_; every
resource is built as FHIR JSON and checked against that package's R4B models
(its ``fhir.resources.R4B`` subpackage: the package's default modules are R5).
The resources used here are the same in R4 (4.0.1) and R4B (4.3.0).

What becomes what (:func:`to_fhir`):

- :class:`~iopmodel.Program` → a ``collection`` Bundle with a ``PlanDefinition``
  (level of care and population in ``useContext``) and one
  ``ActivityDefinition`` per session template, each with a ``Timing``
  (``dayOfWeek``, ``timeOfDay``, ``duration`` + ``durationUnit``,
  ``frequency``/``period``/``periodUnit``, ``count``, ``boundsPeriod``).
  ``timeOfDay`` cannot carry a zone, so ``boundsPeriod.start`` carries the
  program's IANA zone with the standard ``tz-code`` extension. Recurrences
  that R4 ``Timing`` cannot express (every other week on given days, monthly
  rules, ``BYSETPOS``, ``BYMONTHDAY``...) are refused with an error naming
  what cannot be expressed; they are never approximated.
- :class:`~iopmodel.TreatmentPlan` → a Bundle for the patient: a ``CarePlan``
  (US Core's required elements: narrative ``text``, ``category``
  ``assess-plan``, status, intent, subject), a ``Condition`` per problem, a
  ``Goal`` per goal (objectives as targets), an ``Appointment`` per session
  (``booked``, ``fulfilled``, ``noshow``, ``cancelled``), an ``Encounter`` per
  attended session, and the program's definitions.
- :class:`~iopmodel.Episode` → a Bundle for the patient: an ``EpisodeOfCare``
  (status, period, ``statusHistory``) and one ``Encounter`` per placement
  carrying the level of care, plus the placements' programs. Placement
  encounters have no ``partOf``; services delivered alongside a placement can
  be added later as encounters that are ``partOf`` it, without changing this
  mapping.
- Levels of care → :func:`terminology`: a ``CodeSystem`` for iopmodel's levels
  and ``ConceptMap`` resources to ASAM 3rd edition, ASAM 4th edition and LOCUS
  codes, generated from the level table.

The patient is an opaque id: resources refer to ``Patient/<id>`` with the id
as an identifier too, and never carry a name. References between resources
in a bundle are ``urn:uuid:`` full URLs, stable for the same input.

:func:`from_fhir` rebuilds the objects; ``from_fhir(to_fhir(x)) == x``. What
FHIR R4 cannot carry in its own elements travels in iopmodel extensions (see
the guide "Send a plan to an EHR" for the table); a session's own time zone,
when it differs from the program's, is not carried (``Appointment.start`` is
an instant; sessions come back in the program's zone, at the same instant).

Importing this module does not import fhir.resources; the functions do.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import html
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iopmodel.care import Framework, LevelOfCare, Population
from iopmodel.diagnoses import CoOccurringCapability, ProgramFocus
from iopmodel.episodes import ConcurrentService, Episode, Hold, Move, Placement
from iopmodel.errors import (
    DocumentError,
    InvalidTypeError,
    InvalidValueError,
    IopModelError,
    MissingExtraError,
    UnknownCodeError,
)
from iopmodel.plans import (
    AftercarePlan,
    DischargeReason,
    Goal,
    Intervention,
    Objective,
    PlanReview,
    PlanRevision,
    Problem,
    TreatmentPlan,
)
from iopmodel.programs import Program
from iopmodel.schedules import SessionTemplate, localize
from iopmodel.services import Service
from iopmodel.sessions import Attendance, DeliveryMode, Session, SessionKind
from iopmodel.standards import DEFAULT_STANDARD

__all__ = [
    "BASE_URL",
    "EXTENSION",
    "LEVEL_SYSTEM",
    "TZ_CODE",
    "from_fhir",
    "terminology",
    "to_fhir",
]

#: The base of iopmodel's FHIR canonical URLs (code systems, extensions).
BASE_URL: Final = "https://iopmodel.readthedocs.io/fhir"
#: The code system of iopmodel's levels of care (codes are the level keys).
LEVEL_SYSTEM: Final = f"{BASE_URL}/CodeSystem/level-of-care"
#: The standard extension that carries an IANA time zone on a dateTime.
TZ_CODE: Final = "http://hl7.org/fhir/StructureDefinition/tz-code"
#: The URL of each iopmodel extension, by name.
#:
#: :meta hide-value:
EXTENSION: Final[Mapping[str, str]] = {
    name: f"{BASE_URL}/StructureDefinition/{name}"
    for name in (
        "rrule",
        "clinician",
        "telehealth",
        "delivery",
        "part2-notice",
        "episode-id",
        "readmission-of",
        "service",
        "service-level",
        "hold-reason",
        "capacity",
        "recommended-minimum-days",
        "program-focus",
        "co-occurring",
        "part2",
        "measure",
        "discharge-reason",
        "planned-discharge",
        "move",
        "program",
        "note-kind",
        "objective",
        "achieved-on",
        "aftercare",
    )
}

_SYSTEMS: Final = {
    "session-kind": f"{BASE_URL}/CodeSystem/session-kind",
    "population": f"{BASE_URL}/CodeSystem/population",
    "discharge-reason": f"{BASE_URL}/CodeSystem/discharge-reason",
    "move": f"{BASE_URL}/CodeSystem/move",
    "service": f"{BASE_URL}/CodeSystem/concurrent-service",
}
_FRAMEWORK_SYSTEMS: Final = {
    Framework.ASAM_3: f"{BASE_URL}/CodeSystem/asam-3rd-edition",
    Framework.ASAM_4: f"{BASE_URL}/CodeSystem/asam-4th-edition",
    Framework.LOCUS: f"{BASE_URL}/CodeSystem/locus",
}
_FRAMEWORK_TITLES: Final = {
    Framework.ASAM_3: "ASAM Criteria, 3rd edition",
    Framework.ASAM_4: "ASAM Criteria, 4th edition",
    Framework.LOCUS: "LOCUS",
}
_PATIENT_SYSTEM: Final = f"{BASE_URL}/NamingSystem/patient-id"
_CLINICIAN_SYSTEM: Final = f"{BASE_URL}/NamingSystem/clinician-id"
_USAGE: Final = "http://terminology.hl7.org/CodeSystem/usage-context-type"
_ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_CANCEL_REASON: Final = (
    "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
)
_CAREPLAN_CATEGORY: Final = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
_CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
_CONDITION_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_GOAL_ACHIEVEMENT: Final = "http://terminology.hl7.org/CodeSystem/goal-achievement"
_XHTML: Final = "http://www.w3.org/1999/xhtml"
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, BASE_URL)
_FHIR_ID: Final = re.compile(r"[A-Za-z0-9\-.]{1,64}")

#: Appointment status for each attendance (FHIR ``appointmentstatus``), and
#: the cancellation reason that tells an excused absence from a cancellation.
_APPOINTMENT: Final = {
    Attendance.SCHEDULED: ("booked", None),
    Attendance.ATTENDED: ("fulfilled", None),
    Attendance.ABSENT: ("noshow", None),
    Attendance.EXCUSED: ("cancelled", "pat"),
    Attendance.CANCELLED: ("cancelled", "prov"),
}
_ATTENDANCE: Final = {value: key for key, value in _APPOINTMENT.items()}
#: Encounter class (v3 ActCode) for each setting of a level of care.
_ENCOUNTER_CLASS: Final = {
    "outpatient": "AMB",
    "residential": "NONAC",
    "inpatient": "IMP",
}
_DAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FHIR_DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
if TYPE_CHECKING:
    from iopmodel.consent import Disclosure

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
_TIMING_PARTS: Final = frozenset(
    {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
)


# -- small builders -----------------------------------------------------------------


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(str(p) for p in parts)))


def _url(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def _ref(resource_id: str) -> dict[str, Any]:
    return {"reference": _url(resource_id)}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display is not None:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _kind_concept(kind: SessionKind) -> dict[str, Any]:
    return _concept(_SYSTEMS["session-kind"], kind.value, _label(kind.value))


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _level_concept(level: LevelOfCare) -> dict[str, Any]:
    codings = [_coding(LEVEL_SYSTEM, level.key, level.label)]
    for framework, system in _FRAMEWORK_SYSTEMS.items():
        code = level.code(framework)
        if code is not None:
            codings.append(_coding(system, code, level.name_in(framework)))
    return {"coding": codings}


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": EXTENSION[name], **value}


def _patient(patient_id: str) -> dict[str, Any]:
    reference: dict[str, Any] = {
        "type": "Patient",
        "identifier": {"system": _PATIENT_SYSTEM, "value": patient_id},
    }
    if _FHIR_ID.fullmatch(patient_id):
        reference["reference"] = f"Patient/{patient_id}"
    return reference


def _clinician(clinician: str) -> dict[str, Any]:
    return {
        "type": "Practitioner",
        "identifier": {"system": _CLINICIAN_SYSTEM, "value": clinician},
    }


def _instant(moment: dt.datetime) -> str:
    """ISO 8601 with the offset, ``Z`` for UTC (as FHIR servers write it)."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _program_key(program: Program) -> str:
    from iopmodel.serialization import to_json  # noqa: PLC0415 - cattrs when needed

    return hashlib.sha256(to_json(program).encode()).hexdigest()[:16]


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": _url(resource["id"]), "resource": resource}


def _bundle(key: str, resources: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "id": _id("bundle", key),
        "type": "collection",
        "entry": [_entry(r) for r in resources],
    }


def _narrative(text: str) -> dict[str, Any]:
    return {
        "status": "generated",
        "div": f'<div xmlns="{_XHTML}"><p>{html.escape(text)}</p></div>',
    }


# -- timing -------------------------------------------------------------------------


def _rrule_parts(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rrule.split(";"))


def _timing(
    template: SessionTemplate, zone: ZoneInfo, first_day: dt.date, field: str
) -> dict[str, Any]:
    """The R4 Timing of a template anchored on *first_day*, or a refusal."""
    parts = _rrule_parts(template.rrule)

    def refuse(what: str) -> NoReturn:
        raise InvalidValueError(
            field, template.rrule, f"FHIR R4 Timing cannot express {what}"
        )

    others = sorted(set(parts) - _TIMING_PARTS)
    if others:
        refuse(", ".join(others) + " (only FREQ, INTERVAL, BYDAY, COUNT and UNTIL)")
    freq = parts["FREQ"]
    if freq not in {"DAILY", "WEEKLY"}:
        refuse(f"FREQ={freq} (only daily and weekly recurrences)")
    interval = int(parts.get("INTERVAL", "1"))
    repeat: dict[str, Any] = {}
    if "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
        if any(day not in _DAYS for day in days):
            refuse("BYDAY with an ordinal such as 1MO (the n-th weekday)")
        if interval != 1:
            refuse(
                f"INTERVAL={interval} with BYDAY (every {interval} weeks on given days)"
            )
        repeat |= {
            "frequency": len(days),
            "period": 1,
            "periodUnit": "wk",
            "dayOfWeek": [_FHIR_DAYS[_DAYS.index(day)] for day in days],
        }
    else:
        unit = "d" if freq == "DAILY" else "wk"
        repeat |= {"frequency": 1, "period": interval, "periodUnit": unit}
    if "COUNT" in parts:
        repeat["count"] = int(parts["COUNT"])
    start = localize(dt.datetime.combine(first_day, template.start_time), zone)
    bounds: dict[str, Any] = {
        "start": _instant(start),
        "_start": {"extension": [{"url": TZ_CODE, "valueCode": zone.key}]},
    }
    if (
        "UNTIL" in parts
    ):  # local wall time; a bare date is its midnight (as dateutil reads it)
        text = parts["UNTIL"]
        until = dt.datetime.strptime(text, "%Y%m%dT%H%M%S" if "T" in text else "%Y%m%d")  # noqa: DTZ007
        bounds["end"] = _instant(localize(until, zone))
    repeat |= {
        "boundsPeriod": bounds,
        "timeOfDay": [template.start_time.isoformat()],
        "duration": template.duration // dt.timedelta(minutes=1),
        "durationUnit": "min",
    }
    return {"repeat": repeat}


def _rrule_from_timing(timing: Mapping[str, Any], zone: ZoneInfo) -> str:
    """The RRULE a Timing made by :func:`_timing` stands for (the inverse)."""
    repeat = timing["repeat"]
    period, unit = repeat.get("period", 1), repeat.get("periodUnit")
    days = repeat.get("dayOfWeek")
    if days:
        if (period, unit, repeat.get("frequency")) != (1, "wk", len(days)):
            msg = "dayOfWeek needs frequency = number of days per 1 wk"
            raise ValueError(msg)
        rule = "FREQ=WEEKLY;BYDAY=" + ",".join(_DAYS[_FHIR_DAYS.index(d)] for d in days)
    elif unit in {"d", "wk"} and repeat.get("frequency", 1) == 1:
        rule = "FREQ=DAILY" if unit == "d" else "FREQ=WEEKLY"
        if period != 1:
            rule += f";INTERVAL={period}"
    else:
        msg = "only daily or weekly repetition, once per period, can be read"
        raise ValueError(msg)
    if "count" in repeat:
        rule += f";COUNT={repeat['count']}"
    end = repeat.get("boundsPeriod", {}).get("end")
    if end is not None:
        local = dt.datetime.fromisoformat(end).astimezone(zone)
        rule += f";UNTIL={local:%Y%m%dT%H%M%S}"
    return rule


# -- export -------------------------------------------------------------------------


def _program_resources(program: Program, first_day: dt.date) -> list[dict[str, Any]]:
    key = _program_key(program)
    plan_id = _id("PlanDefinition", key, first_day)
    activities = []
    actions = []
    for index, template in enumerate(program.templates):
        activity_id = _id("ActivityDefinition", key, first_day, index)
        extensions = [
            _ext("rrule", valueString=template.rrule),
            _ext("telehealth", valueBoolean=template.telehealth),
            _ext("delivery", valueCode=template.delivery.value),
        ]
        if template.clinician is not None:
            extensions.append(
                _ext(
                    "clinician",
                    valueIdentifier=_clinician(template.clinician)["identifier"],
                )
            )
        activity: dict[str, Any] = {
            "resourceType": "ActivityDefinition",
            "id": activity_id,
            "url": _url(activity_id),
            "extension": extensions,
            "status": "active",
            "kind": "Appointment",
            "code": _kind_concept(template.kind),
            "timingTiming": _timing(
                template, program.timezone, first_day, f"templates[{index}].rrule"
            ),
            "participant": [{"type": "patient"}, {"type": "practitioner"}],
        }
        if template.title is not None:
            activity["title"] = template.title
        activities.append(activity)
        action: dict[str, Any] = {
            "title": template.title or _label(template.kind.value),
            "definitionCanonical": _url(activity_id),
        }
        actions.append(action)
    extensions = [
        _ext("recommended-minimum-days", valueInteger=program.recommended_minimum_days)
    ]
    if program.capacity is not None:
        extensions.append(_ext("capacity", valueInteger=program.capacity))
    if program.focus is not None:
        extensions.append(_ext("program-focus", valueCode=program.focus.value))
    if program.co_occurring is not None:
        extensions.append(_ext("co-occurring", valueCode=program.co_occurring.value))
    if program.part2:
        extensions.append(_ext("part2", valueBoolean=True))
    extensions += [_ext("measure", valueCode=m) for m in program.measures]
    definition: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": plan_id,
        "url": _url(plan_id),
        "extension": extensions,
        "title": program.name,
        "status": "active",
        "useContext": [
            {
                "code": _coding(_USAGE, "venue"),
                "valueCodeableConcept": _level_concept(program.level),
            },
            {
                "code": _coding(_USAGE, "age"),
                "valueCodeableConcept": _concept(
                    _SYSTEMS["population"], program.population.value
                ),
            },
        ],
    }
    if actions:
        definition["action"] = actions
    return [definition, *activities]


def _aftercare_extension(aftercare: AftercarePlan) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "level", "valueCoding": _coding(LEVEL_SYSTEM, aftercare.level.key)}
    ]
    parts += [
        {"url": "mutual-support", "valueString": s} for s in aftercare.mutual_support
    ]
    parts += [
        {"url": "support-contact", "valueString": s} for s in aftercare.support_contacts
    ]
    parts += [
        {"url": "follow-up", "valueDate": d.isoformat()} for d in aftercare.follow_ups
    ]
    return _ext("aftercare", extension=parts)


def _discharge_extensions(
    reason: DischargeReason | None, aftercare: AftercarePlan | None
) -> list[dict[str, Any]]:
    """Why treatment ended and the aftercare plan, which R4 has no elements for."""
    extensions = []
    if reason is not None:
        coding = _coding(_SYSTEMS["discharge-reason"], reason.value)
        extensions.append(_ext("discharge-reason", valueCoding=coding))
    if aftercare is not None:
        extensions.append(_aftercare_extension(aftercare))
    return extensions


def _session_resources(
    session: Session, key: str, patient: dict[str, Any]
) -> list[dict[str, Any]]:
    appointment_id = _id("Appointment", key)
    status, reason = _APPOINTMENT[session.attendance]
    participants: list[dict[str, Any]] = [
        {"actor": patient, "required": "required", "status": "accepted"}
    ]
    if session.clinician is not None:
        participants.append(
            {"actor": _clinician(session.clinician), "status": "accepted"}
        )
    appointment: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": appointment_id,
        "status": status,
        "serviceType": [_kind_concept(session.kind)],
        "start": _instant(session.start),
        "end": _instant(session.end),
        "minutesDuration": session.minutes,
        "participant": participants,
    }
    if session.telehealth:
        appointment["extension"] = [
            _ext("telehealth", valueBoolean=True),
            _ext("delivery", valueCode=session.delivery.value),
        ]
    if reason is not None:
        appointment["cancelationReason"] = _concept(_CANCEL_REASON, reason)
    resources = [appointment]
    if session.attendance is Attendance.ATTENDED:
        resources.append(
            {
                "resourceType": "Encounter",
                "id": _id("Encounter", key),
                "status": "finished",
                "class": _coding(_ACT_CODE, "VR" if session.telehealth else "AMB"),
                "type": [_kind_concept(session.kind)],
                "subject": patient,
                "period": {
                    "start": _instant(session.start),
                    "end": _instant(session.end),
                },
                "appointment": [_ref(appointment_id)],
            }
        )
    return resources


def _plan_resources(plan: TreatmentPlan) -> list[dict[str, Any]]:
    program = _program_resources(plan.program, plan.start)
    key = f"{plan.patient_id}|{plan.start}|{_program_key(plan.program)}"
    patient = _patient(plan.patient_id)
    conditions: list[dict[str, Any]] = []
    goals: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    for p_index, problem in enumerate(plan.problems):
        condition_id = _id("Condition", key, p_index)
        conditions.append(
            {
                "resourceType": "Condition",
                "id": condition_id,
                "clinicalStatus": _concept(_CONDITION_CLINICAL, "active"),
                "category": [_concept(_CONDITION_CATEGORY, "problem-list-item")],
                "code": {"text": problem.description},
                "subject": patient,
            }
        )
        for g_index, goal in enumerate(problem.goals):
            goal_id = _id("Goal", key, p_index, g_index)
            goals.append(_goal(goal, goal_id, condition_id, patient))
            for o_index, objective in enumerate(goal.objectives):
                activities.extend(
                    _intervention_activity(item, goal_id, o_index, plan)
                    for item in objective.interventions
                )
    sessions: list[dict[str, Any]] = []
    for index, session in enumerate(plan.sessions):
        made = _session_resources(session, f"{key}|{index}", patient)
        sessions.extend(made)
        activities.append({"reference": _ref(made[0]["id"])})
    end = plan.discharge_date or plan.planned_discharge
    extensions = []
    if plan.planned_discharge is not None:
        extensions.append(
            _ext("planned-discharge", valueDate=plan.planned_discharge.isoformat())
        )
    extensions += _discharge_extensions(plan.discharge_reason, plan.aftercare)
    status = "completed" if plan.discharged else "active"
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": _id("CarePlan", key),
        "text": _narrative(
            f"Treatment plan in {plan.program.name}, from {plan.start}"
            + (f" to {end}" if end is not None else "")
            + f" ({status}): {len(plan.sessions)} sessions, "
            f"{len(plan.problems)} problems."
        ),
        "status": status,
        "intent": "plan",
        "category": [_concept(_CAREPLAN_CATEGORY, "assess-plan")],
        "instantiatesCanonical": [program[0]["url"]],
        "subject": patient,
        "period": {"start": plan.start.isoformat()}
        | ({"end": end.isoformat()} if end is not None else {}),
    }
    if extensions:
        care_plan["extension"] = extensions
    if plan.therapist is not None:
        care_plan["author"] = _clinician(plan.therapist)
    if conditions:
        care_plan["addresses"] = [_ref(c["id"]) for c in conditions]
    if goals:
        care_plan["goal"] = [_ref(g["id"]) for g in goals]
    if activities:
        care_plan["activity"] = activities
    notes = [_review_note(r) for r in plan.reviews] + [
        _revision_note(r) for r in plan.revisions
    ]
    if notes:
        care_plan["note"] = notes
    return [care_plan, *conditions, *goals, *sessions, *program]


def _goal(
    goal: Goal, goal_id: str, condition_id: str, patient: dict[str, Any]
) -> dict[str, Any]:
    achieved = bool(goal.objectives) and all(o.achieved for o in goal.objectives)
    targets = []
    for objective in goal.objectives:
        target: dict[str, Any] = {
            "measure": {"text": objective.description},
            "dueDate": objective.target_date.isoformat(),
        }
        if objective.achieved_on is not None:
            target["extension"] = [
                _ext("achieved-on", valueDate=objective.achieved_on.isoformat())
            ]
        targets.append(target)
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": goal_id,
        "lifecycleStatus": "completed" if achieved else "active",
        "achievementStatus": _concept(
            _GOAL_ACHIEVEMENT, "achieved" if achieved else "in-progress"
        ),
        "description": {"text": goal.description},
        "subject": patient,
        "addresses": [_ref(condition_id)],
    }
    if targets:
        resource["target"] = targets
    return resource


def _intervention_activity(
    intervention: Intervention, goal_id: str, objective: int, plan: TreatmentPlan
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "status": "completed" if plan.discharged else "in-progress",
        "description": intervention.description,
        "goal": [_ref(goal_id)],
    }
    if intervention.kind is not None:
        detail["code"] = _kind_concept(intervention.kind)
    if intervention.frequency is not None:
        detail["scheduledString"] = intervention.frequency
    return {"extension": [_ext("objective", valueInteger=objective)], "detail": detail}


def _review_note(review: PlanReview) -> dict[str, Any]:
    note: dict[str, Any] = {
        "extension": [
            _ext(
                "note-kind",
                valueCode="review" if review.note else "review-without-note",
            )
        ],
        "time": review.on.isoformat(),
        "text": review.note or "Plan reviewed.",
    }
    if review.by is not None:
        note["authorReference"] = _clinician(review.by)
    return note


def _revision_note(revision: PlanRevision) -> dict[str, Any]:
    return {
        "extension": [_ext("note-kind", valueCode="revision")],
        "time": revision.on.isoformat(),
        "text": revision.change,
    }


def _episode_resources(episode: Episode) -> list[dict[str, Any]]:
    key = f"{episode.patient_id}|" + "|".join(
        f"{p.level.key}:{p.start}" for p in episode.placements
    )
    episode_id = _id("EpisodeOfCare", key)
    patient = _patient(episode.patient_id)
    status = {
        "pending": "planned",
        "active": "active",
        "on_hold": "onhold",
        "discharged": "finished",
    }[episode.status.value]
    encounters: list[dict[str, Any]] = []
    programs: dict[str, dict[str, Any]] = {}
    for index, placement in enumerate(episode.placements):
        encounters.append(
            _placement_encounter(
                placement, _id("Encounter", key, index), episode_id, patient, programs
            )
        )
    encounters += [
        _service_encounter(episode, index, key, episode_id, patient, encounters)
        for index in range(len(episode.services))
    ]
    extensions = _discharge_extensions(episode.discharge_reason, episode.aftercare)
    if episode.episode_id is not None:
        extensions.append(_ext("episode-id", valueString=episode.episode_id))
    if episode.readmission_of is not None:
        extensions.append(_ext("readmission-of", valueString=episode.readmission_of))
    resource: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "id": episode_id,
        "status": status,
        "patient": patient,
    }
    if extensions:
        resource["extension"] = extensions
    if episode.placements:
        period = {"start": episode.placements[0].start.isoformat()}
        if episode.discharge_date is not None:
            period["end"] = episode.discharge_date.isoformat()
        resource["period"] = period
        resource["statusHistory"] = [
            {"status": "active", "period": _date_period(p.start, p.end)}
            for p in episode.placements
        ] + [_hold_history(hold) for hold in episode.holds]
    definitions = [r for rs in programs.values() for r in _flatten(rs)]
    return [resource, *encounters, *definitions]


def _service_encounter(  # noqa: PLR0917 - one call site, positional by design
    episode: Episode,
    index: int,
    key: str,
    episode_id: str,
    patient: dict[str, Any],
    placements: list[dict[str, Any]],
) -> dict[str, Any]:
    """A concurrent service: an Encounter ``partOf`` the placement it began in."""
    item = episode.services[index]
    host = max(
        (i for i, p in enumerate(episode.placements) if p.start <= item.start),
        default=0,
    )
    extensions = [
        _ext("service", valueCoding=_coding(_SYSTEMS["service"], item.service.value))
    ]
    if item.level is not None:
        extensions.append(_ext("service-level", valueCode=item.level.key))
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": _id("Encounter", key, "service", index),
        "extension": extensions,
        "status": "in-progress" if item.end is None else "finished",
        "class": _coding(_ACT_CODE, _ENCOUNTER_CLASS["outpatient"]),
        "subject": patient,
        "episodeOfCare": [_ref(episode_id)],
        "partOf": _ref(placements[host]["id"]),
        "period": _date_period(item.start, item.end),
    }
    if item.reason:
        encounter["reasonCode"] = [{"text": item.reason}]
    return encounter


def _hold_history(hold: Hold) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "status": "onhold",
        "period": _date_period(hold.start, hold.end),
    }
    if hold.reason:
        entry["extension"] = [_ext("hold-reason", valueString=hold.reason)]
    return entry


def _flatten(value: dict[str, Any]) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = value["resources"]
    return resources


def _date_period(start: dt.date, end: dt.date | None) -> dict[str, str]:
    period = {"start": start.isoformat()}
    if end is not None:
        period["end"] = end.isoformat()
    return period


def _placement_encounter(
    placement: Placement,
    encounter_id: str,
    episode_id: str,
    patient: dict[str, Any],
    programs: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    extensions = [
        _ext("move", valueCoding=_coding(_SYSTEMS["move"], placement.move.value))
    ]
    if placement.program is not None:
        resources = _program_resources(placement.program, placement.start)
        url = resources[0]["url"]
        programs.setdefault(url, {"resources": resources})
        extensions.append(_ext("program", valueCanonical=url))
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": encounter_id,
        "extension": extensions,
        "status": "in-progress" if placement.open else "finished",
        "class": _coding(_ACT_CODE, _ENCOUNTER_CLASS[placement.level.setting.value]),
        "type": [_level_concept(placement.level)],
        "subject": patient,
        "episodeOfCare": [_ref(episode_id)],
        "period": _date_period(placement.start, placement.end),
    }
    if placement.reason:
        encounter["reasonCode"] = [{"text": placement.reason}]
    return encounter


def _fhir_models() -> Any:
    try:
        from fhir.resources.R4B import bundle  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("fhir", "fhir.resources") from None
    return bundle.Bundle


def _checked(bundle: dict[str, Any]) -> dict[str, Any]:
    """Validate *bundle* with fhir.resources' R4B models; problems name paths only."""
    model = _fhir_models()
    try:
        model.model_validate(bundle)
    except ValueError as error:
        raise DocumentError(_pydantic_problems(error)) from None
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        # fhir.resources fails this way on some malformed input (an empty resourceType)
        raise DocumentError(
            [("$", f"not a valid FHIR R4 Bundle ({type(error).__name__})")]
        ) from None
    return bundle


def _pydantic_problems(error: ValueError) -> list[tuple[str, str]]:
    errors = getattr(error, "errors", None)
    if errors is None:  # pragma: no cover - pydantic always has errors()
        return [("$", "not a valid FHIR R4 Bundle")]
    problems = []
    for item in errors(include_input=False, include_url=False):
        path = "$" + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]
        )
        kind = str(item["type"]).rsplit(".", 1)[-1]
        message = (
            "required field missing"
            if kind == "missing"
            else f"not valid FHIR R4 ({kind.replace('_', ' ')})"
        )
        problems.append((path, message))
    return problems


def to_fhir(
    obj: Program | TreatmentPlan | Episode,
    *,
    start: dt.date | None = None,
    disclosure: Disclosure | None = None,
) -> dict[str, Any]:
    """A FHIR R4 ``collection`` Bundle (JSON-ready dict) for a program, plan or episode.

    A treatment plan or an episode gives one bundle for its patient; a
    program gives the bundle of its definitions. Every bundle is validated
    against fhir.resources' R4B models before it is returned.

    Args:
        obj: What to export.
        start: For a program: the first day its timings apply (the anchor of
            its recurrences, ``boundsPeriod.start``). Plans use their start,
            placements theirs.
        disclosure: For a plan or episode that is 42 CFR Part 2 data, the
            disclosure whose consent covers it (see :mod:`iopmodel.consent`).
            The bundle then carries the ``42CFRPart2`` and ``NORDSCLCD``
            security labels, and the first resource the 42 CFR 2.32 notice.

    Raises:
        MissingExtraError: If fhir.resources is not installed.
        ConsentRequiredError: Part 2 data without a covering disclosure.
        InvalidValueError: A recurrence R4 ``Timing`` cannot express (the
            message says what), or a program without *start*.
        InvalidTypeError: Anything else than a program, plan or episode.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.fhir import from_fhir, to_fhir
        >>> bundle = to_fhir(evening_iop(), start=dt.date(2026, 3, 2))
        >>> [e["resource"]["resourceType"] for e in bundle["entry"]]
        ['PlanDefinition', 'ActivityDefinition', 'ActivityDefinition']
        >>> repeat = bundle["entry"][1]["resource"]["timingTiming"]["repeat"]
        >>> repeat["dayOfWeek"], repeat["timeOfDay"], repeat["duration"], repeat["durationUnit"]
        (['mon', 'wed', 'thu'], ['18:00:00'], 180, 'min')
        >>> repeat["boundsPeriod"]["_start"]["extension"][0]["valueCode"]
        'America/New_York'
        >>> from_fhir(bundle) == evening_iop()
        True
    """
    if isinstance(obj, Program):
        if start is None:
            raise InvalidValueError(
                "start", start, "is needed for a program (the first day of its timings)"
            )
        resources = _program_resources(obj, start)
        key = f"program|{_program_key(obj)}|{start}"
        return _checked(_bundle(key, resources))
    from iopmodel.consent import require_disclosure  # noqa: PLC0415 - consent imports plans

    if isinstance(obj, TreatmentPlan):
        used = require_disclosure(obj, disclosure, what="treatment plan")
        resources = _plan_resources(obj)
        key = f"plan|{resources[0]['id']}"
    elif isinstance(obj, Episode):
        used = require_disclosure(obj, disclosure, what="episode")
        resources = _episode_resources(obj)
        key = f"episode|{resources[0]['id']}"
    else:
        raise InvalidTypeError("obj", obj, "Program, TreatmentPlan or Episode")
    bundle = _bundle(key, resources)
    if used is not None:
        bundle["meta"] = {"security": _PART2_LABELS}
        resources[0].setdefault("extension", []).append(
            _ext("part2-notice", valueString=f"{used.notice}\n\n{used.scope}")
        )
    return _checked(bundle)


#: Security labels of a 42 CFR Part 2 disclosure (HL7 v3 ActCode).
_PART2_LABELS: Final = [
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "42CFRPart2",
        "display": "42 CFR Part2",
    },
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "NORDSCLCD",
        "display": "no redisclosure without consent directive",
    },
]


def terminology() -> dict[str, Any]:
    """The code systems of iopmodel and its level-of-care ConceptMaps, as one Bundle.

    The ``CodeSystem`` of levels of care (codes are the level keys) and one
    ``ConceptMap`` each to ASAM 3rd edition, ASAM 4th edition and LOCUS,
    generated from the level table; levels a framework has no code for are
    mapped as ``unmatched``. Also the code systems of session kinds,
    populations, discharge reasons and moves.

    Example:
        >>> from iopmodel.fhir import terminology
        >>> bundle = terminology()
        >>> maps = [e["resource"] for e in bundle["entry"]
        ...         if e["resource"]["resourceType"] == "ConceptMap"]
        >>> for concept_map in maps:
        ...     print(concept_map["title"])
        iopmodel levels to ASAM Criteria, 3rd edition
        iopmodel levels to ASAM Criteria, 4th edition
        iopmodel levels to LOCUS
        >>> iop = next(e for e in maps[0]["group"][0]["element"]
        ...            if e["code"] == "intensive_outpatient")
        >>> iop["target"][0]["code"], iop["target"][0]["equivalence"]
        ('2.1', 'equivalent')
    """
    levels = sorted(LevelOfCare)
    systems = [
        _code_system(
            LEVEL_SYSTEM,
            "level-of-care",
            "iopmodel levels of care",
            [(lv.key, lv.label) for lv in levels],
        ),
        _code_system(
            _SYSTEMS["session-kind"],
            "session-kind",
            "iopmodel session kinds",
            [(k.value, _label(k.value)) for k in SessionKind],
        ),
        _code_system(
            _SYSTEMS["population"],
            "population",
            "iopmodel populations",
            [(p.value, _label(p.value)) for p in Population],
        ),
        _code_system(
            _SYSTEMS["discharge-reason"],
            "discharge-reason",
            "iopmodel discharge reasons",
            [(r.value, _label(r.value)) for r in DischargeReason],
        ),
        _code_system(
            _SYSTEMS["move"],
            "move",
            "iopmodel moves between levels of care",
            [(m.value, _label(m.value)) for m in Move],
        ),
    ]
    maps = []
    for framework, system in _FRAMEWORK_SYSTEMS.items():
        elements = []
        for level in levels:
            code = level.code(framework)
            target = (
                {
                    "code": code,
                    "display": level.name_in(framework),
                    "equivalence": "equivalent",
                }
                if code is not None
                else {"equivalence": "unmatched"}
            )
            elements.append(
                {"code": level.key, "display": level.label, "target": [target]}
            )
        map_id = _id("ConceptMap", framework.value)
        maps.append(
            {
                "resourceType": "ConceptMap",
                "id": map_id,
                "url": f"{BASE_URL}/ConceptMap/level-of-care-to-{framework.value}",
                "name": f"LevelOfCareTo{framework.name.title().replace('_', '')}",
                "title": f"iopmodel levels to {_FRAMEWORK_TITLES[framework]}",
                "status": "active",
                "sourceUri": LEVEL_SYSTEM,
                "targetUri": system,
                "group": [
                    {"source": LEVEL_SYSTEM, "target": system, "element": elements}
                ],
            }
        )
    return _checked(_bundle("terminology", [*systems, *maps]))


def _code_system(
    url: str, name: str, title: str, concepts: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": _id("CodeSystem", name),
        "url": url,
        "name": "".join(part.title() for part in name.split("-")),
        "title": title,
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "count": len(concepts),
        "concept": [{"code": code, "display": display} for code, display in concepts],
    }


# -- import -------------------------------------------------------------------------


class _ProblemError(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


class _Reader:
    """Reads the resources of a bundle exported by :func:`to_fhir`."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.paths: dict[int, str] = {}
        self.by_url: dict[str, dict[str, Any]] = {}
        self.by_type: dict[str, list[dict[str, Any]]] = {}
        for index, entry in enumerate(bundle.get("entry", [])):
            resource = entry.get("resource")
            if not isinstance(resource, dict):
                continue
            path = f"$.entry[{index}].resource"
            self.paths[id(resource)] = path
            self.by_type.setdefault(resource["resourceType"], []).append(resource)
            for url in (entry.get("fullUrl"), resource.get("url")):
                if isinstance(url, str):
                    self.by_url[url] = resource

    def path(self, resource: Mapping[str, Any], tail: str = "") -> str:
        return self.paths.get(id(resource), "$") + tail

    def one(self, resource_type: str) -> dict[str, Any]:
        found = self.by_type.get(resource_type, [])
        if len(found) != 1:
            raise _ProblemError(
                "$.entry", f"expected one {resource_type}, found {len(found)}"
            )
        return found[0]

    def resolve(self, reference: Any, where: str, resource_type: str) -> dict[str, Any]:
        url = reference.get("reference") if isinstance(reference, dict) else reference
        target = self.by_url.get(url) if isinstance(url, str) else None
        if target is None or target["resourceType"] != resource_type:
            raise _ProblemError(
                where, f"does not resolve to a {resource_type} in the bundle"
            )
        return target


def _extension(resource: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    for item in resource.get("extension", []):
        if item.get("url") == EXTENSION[name]:
            found: dict[str, Any] = item
            return found
    return None


def _ext_value(
    resource: Mapping[str, Any], name: str, key: str, default: Any = None
) -> Any:
    item = _extension(resource, name)
    return default if item is None else item.get(key, default)


def _code(concept: Any, system: str, where: str) -> str:
    codings = concept.get("coding", []) if isinstance(concept, dict) else []
    if "system" in (concept or {}):  # a Coding rather than a CodeableConcept
        codings = [concept]
    for coding in codings:
        if coding.get("system") == system and isinstance(coding.get("code"), str):
            code: str = coding["code"]
            return code
    raise _ProblemError(where, f"no code from {system}")


def _enum(kind: Callable[[str], Any], code: str, where: str) -> Any:
    try:
        return kind(code)
    except (ValueError, UnknownCodeError):
        raise _ProblemError(where, "unknown code") from None


def _date(text: Any, where: str) -> dt.date:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _ProblemError(where, "expected a date (YYYY-MM-DD)")
    return dt.date.fromisoformat(text)


def _moment(text: Any, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise _ProblemError(
            where, "expected a date and time with a UTC offset"
        ) from None
    if moment.utcoffset() is None:
        raise _ProblemError(where, "expected a date and time with a UTC offset")
    return moment


def _zone_of(activity: Mapping[str, Any], where: str) -> ZoneInfo:
    bounds = activity.get("timingTiming", {}).get("repeat", {}).get("boundsPeriod", {})
    for item in bounds.get("_start", {}).get("extension", []):
        if item.get("url") == TZ_CODE:
            try:
                return ZoneInfo(item.get("valueCode", ""))
            except (ZoneInfoNotFoundError, ValueError):
                raise _ProblemError(where, "unknown IANA time zone") from None
    raise _ProblemError(where, "boundsPeriod.start has no tz-code extension")


def _read_program(reader: _Reader, definition: Mapping[str, Any]) -> Program:
    where = reader.path(definition)
    contexts = {
        c.get("code", {}).get("code"): c.get("valueCodeableConcept")
        for c in definition.get("useContext", [])
    }
    level = _enum(
        LevelOfCare.from_key,
        _code(contexts.get("venue"), LEVEL_SYSTEM, f"{where}.useContext"),
        f"{where}.useContext",
    )
    population = _enum(
        Population,
        _code(contexts.get("age"), _SYSTEMS["population"], f"{where}.useContext"),
        f"{where}.useContext",
    )
    templates = []
    zone: ZoneInfo | None = None
    for index, action in enumerate(definition.get("action", [])):
        activity = reader.resolve(
            action.get("definitionCanonical"),
            f"{where}.action[{index}].definitionCanonical",
            "ActivityDefinition",
        )
        template, template_zone = _read_template(reader, activity)
        if zone is not None and template_zone != zone:
            raise _ProblemError(
                reader.path(activity), "time zone differs from the program's"
            )
        zone = template_zone
        templates.append(template)
    if zone is None:
        raise _ProblemError(
            where, "a program needs at least one activity to carry its zone"
        )
    return _build(
        where,
        Program,
        name=definition.get("title"),
        level=level,
        population=population,
        timezone=zone,
        templates=templates,
        capacity=_ext_value(definition, "capacity", "valueInteger"),
        recommended_minimum_days=_ext_value(
            definition,
            "recommended-minimum-days",
            "valueInteger",
            int(DEFAULT_STANDARD.minimum_total_days.value),
        ),
        focus=_enum_ext(definition, "program-focus", ProgramFocus, where),
        co_occurring=_enum_ext(
            definition, "co-occurring", CoOccurringCapability, where
        ),
        part2=_ext_value(definition, "part2", "valueBoolean", default=False),
        measures=[
            item.get("valueCode")
            for item in definition.get("extension", [])
            if isinstance(item, dict) and item.get("url") == EXTENSION["measure"]
        ],
    )


def _enum_ext(
    resource: Mapping[str, Any], name: str, kind: type[E], where: str
) -> E | None:
    code = _ext_value(resource, name, "valueCode")
    if code is None:
        return None
    for member in kind:
        if member.value == code:
            return member
    raise _ProblemError(where, f"extension {name} has an unknown code")


def _read_template(
    reader: _Reader, activity: Mapping[str, Any]
) -> tuple[SessionTemplate, ZoneInfo]:
    where = reader.path(activity)
    zone = _zone_of(activity, f"{where}.timingTiming.repeat.boundsPeriod")
    timing = activity.get("timingTiming", {})
    repeat = timing.get("repeat", {})
    times = repeat.get("timeOfDay", [])
    if len(times) != 1:
        raise _ProblemError(
            f"{where}.timingTiming.repeat.timeOfDay", "expected one time"
        )
    units = {"min": 1, "h": 60}
    if repeat.get("durationUnit") not in units or not isinstance(
        repeat.get("duration"), int | float
    ):
        raise _ProblemError(
            f"{where}.timingTiming.repeat", "duration needs a unit (min or h)"
        )
    minutes = repeat["duration"] * units[repeat["durationUnit"]]
    rule = _ext_value(activity, "rrule", "valueString")
    if rule is None:
        try:
            rule = _rrule_from_timing(timing, zone)
        except (ValueError, KeyError, TypeError) as error:
            raise _ProblemError(f"{where}.timingTiming", str(error)) from None
    clinician = _ext_value(activity, "clinician", "valueIdentifier")
    template = _build(
        where,
        SessionTemplate,
        kind=_enum(
            SessionKind,
            _code(activity.get("code"), _SYSTEMS["session-kind"], f"{where}.code"),
            f"{where}.code",
        ),
        rrule=rule,
        start_time=_time(times[0], f"{where}.timingTiming.repeat.timeOfDay"),
        duration=dt.timedelta(minutes=minutes),
        title=activity.get("title"),
        clinician=None if clinician is None else clinician.get("value"),
        telehealth=_ext_value(activity, "telehealth", "valueBoolean", default=False),
        delivery=_enum_ext(activity, "delivery", DeliveryMode, where)
        or DeliveryMode.IN_PERSON,
    )
    start = _moment(
        repeat.get("boundsPeriod", {}).get("start"),
        f"{where}.timingTiming.repeat.boundsPeriod.start",
    ).astimezone(zone)
    first_day = start.date()
    if start.replace(tzinfo=None) != dt.datetime.combine(
        first_day, template.start_time
    ):
        first_day = (start - dt.timedelta(hours=3)).date()  # a wall time in a DST gap
    expected = _timing(template, zone, first_day, f"{where}.timingTiming")
    if expected != _same_instants(timing, expected):
        raise _ProblemError(
            f"{where}.timingTiming", "does not match the recurrence rule"
        )
    return template, zone


def _same_instants(timing: Any, expected: Mapping[str, Any]) -> Any:
    """*timing* with its bounds written as *expected* writes them, if they are equal."""
    try:
        given = timing["repeat"]["boundsPeriod"]
        wanted = expected["repeat"]["boundsPeriod"]
        same = {
            key: wanted[key]
            for key in ("start", "end")
            if key in given
            and key in wanted
            and dt.datetime.fromisoformat(given[key])
            == dt.datetime.fromisoformat(wanted[key])
        }
    except (KeyError, TypeError, ValueError):
        return timing
    repeat = {**timing["repeat"], "boundsPeriod": {**given, **same}}
    return {**timing, "repeat": repeat}


def _time(text: Any, where: str) -> dt.time:
    if not isinstance(text, str) or not re.fullmatch(r"\d{2}:\d{2}:\d{2}", text):
        raise _ProblemError(where, "expected a time (HH:MM:SS)")
    return dt.time.fromisoformat(text)


def _build(where: str, cls: Callable[..., T], **fields: Any) -> T:
    try:
        return cls(**fields)
    except (InvalidValueError, InvalidTypeError) as error:
        detail = (
            error.problem
            if isinstance(error, InvalidValueError)
            else f"expected {error.expected}"
        )
        raise _ProblemError(where, f"{error.field}: {detail}") from None
    except IopModelError as error:
        raise _ProblemError(where, f"invalid {type(error).__name__}") from None


def _patient_id(reference: Any, where: str) -> str:
    identifier = reference.get("identifier", {}) if isinstance(reference, dict) else {}
    if identifier.get("system") != _PATIENT_SYSTEM or not isinstance(
        identifier.get("value"), str
    ):
        raise _ProblemError(where, "no iopmodel patient identifier")
    value: str = identifier["value"]
    return value


def _clinician_id(reference: Any) -> str | None:
    if not isinstance(reference, dict):
        return None
    identifier = reference.get("identifier", reference)
    if identifier.get("system") == _CLINICIAN_SYSTEM:
        value = identifier.get("value")
        return value if isinstance(value, str) else None
    return None


def _read_aftercare(resource: Mapping[str, Any], where: str) -> AftercarePlan | None:
    item = _extension(resource, "aftercare")
    if item is None:
        return None
    parts = item.get("extension", [])

    def values(name: str, key: str) -> list[Any]:
        return [p.get(key) for p in parts if p.get("url") == name]

    levels = values("level", "valueCoding")
    if len(levels) != 1:
        raise _ProblemError(f"{where}.extension", "aftercare needs one level")
    return _build(
        f"{where}.extension",
        AftercarePlan,
        level=_enum(LevelOfCare.from_key, _code(levels[0], LEVEL_SYSTEM, where), where),
        mutual_support=values("mutual-support", "valueString"),
        support_contacts=values("support-contact", "valueString"),
        follow_ups=[_date(d, where) for d in values("follow-up", "valueDate")],
    )


def _discharge_reason(
    resource: Mapping[str, Any], where: str
) -> DischargeReason | None:
    coding = _ext_value(resource, "discharge-reason", "valueCoding")
    if coding is None:
        return None
    reason: DischargeReason = _enum(
        DischargeReason, _code(coding, _SYSTEMS["discharge-reason"], where), where
    )
    return reason


def _read_plan(reader: _Reader, care_plan: Mapping[str, Any]) -> TreatmentPlan:
    where = reader.path(care_plan)
    canonicals = care_plan.get("instantiatesCanonical", [])
    if len(canonicals) != 1:
        raise _ProblemError(
            f"{where}.instantiatesCanonical", "expected one PlanDefinition"
        )
    program = _read_program(
        reader,
        reader.resolve(
            canonicals[0], f"{where}.instantiatesCanonical[0]", "PlanDefinition"
        ),
    )
    patient_id = _patient_id(care_plan.get("subject"), f"{where}.subject")
    goals: dict[str, tuple[Goal, str]] = {}
    interventions: dict[tuple[str, int], list[Intervention]] = {}
    sessions = []
    for index, activity in enumerate(care_plan.get("activity", [])):
        at = f"{where}.activity[{index}]"
        if "reference" in activity:
            appointment = reader.resolve(
                activity["reference"], f"{at}.reference", "Appointment"
            )
            sessions.append(_read_session(reader, appointment, program.timezone))
            continue
        detail = activity.get("detail", {})
        goal_refs = detail.get("goal", [])
        objective = _ext_value(activity, "objective", "valueInteger")
        if len(goal_refs) != 1 or not isinstance(objective, int):
            raise _ProblemError(
                at, "an intervention needs one goal and an objective index"
            )
        goal_url = goal_refs[0].get("reference")
        kind = detail.get("code")
        interventions.setdefault((goal_url, objective), []).append(
            _build(
                at,
                Intervention,
                description=detail.get("description"),
                kind=None
                if kind is None
                else _enum(SessionKind, _code(kind, _SYSTEMS["session-kind"], at), at),
                frequency=detail.get("scheduledString"),
            )
        )
    problems = []
    by_condition: dict[str, list[Goal]] = {}
    for index, goal_ref in enumerate(care_plan.get("goal", [])):
        resource = reader.resolve(goal_ref, f"{where}.goal[{index}]", "Goal")
        goal_url = goal_ref.get("reference")
        goal, condition_url = _read_goal(reader, resource, goal_url, interventions)
        goals[goal_url] = (goal, condition_url)
        by_condition.setdefault(condition_url, []).append(goal)
    for index, condition_ref in enumerate(care_plan.get("addresses", [])):
        condition = reader.resolve(
            condition_ref, f"{where}.addresses[{index}]", "Condition"
        )
        problems.append(
            _build(
                reader.path(condition),
                Problem,
                description=condition.get("code", {}).get("text"),
                goals=by_condition.get(condition_ref.get("reference"), []),
            )
        )
    reviews, revisions = _read_notes(care_plan.get("note", []), f"{where}.note")
    period = care_plan.get("period", {})
    reason = _discharge_reason(care_plan, f"{where}.extension")
    planned = _ext_value(care_plan, "planned-discharge", "valueDate")
    return _build(
        where,
        TreatmentPlan,
        patient_id=patient_id,
        program=program,
        start=_date(period.get("start"), f"{where}.period.start"),
        planned_discharge=None
        if planned is None
        else _date(planned, f"{where}.extension"),
        sessions=sessions,
        therapist=_clinician_id(care_plan.get("author")),
        problems=problems,
        reviews=reviews,
        revisions=revisions,
        aftercare=_read_aftercare(care_plan, where),
        discharge_date=None
        if reason is None
        else _date(period.get("end"), f"{where}.period.end"),
        discharge_reason=reason,
    )


def _read_goal(
    reader: _Reader,
    resource: Mapping[str, Any],
    goal_url: str,
    interventions: Mapping[tuple[str, int], list[Intervention]],
) -> tuple[Goal, str]:
    where = reader.path(resource)
    objectives = []
    for index, target in enumerate(resource.get("target", [])):
        achieved = _ext_value(target, "achieved-on", "valueDate")
        objectives.append(
            _build(
                f"{where}.target[{index}]",
                Objective,
                description=target.get("measure", {}).get("text"),
                target_date=_date(
                    target.get("dueDate"), f"{where}.target[{index}].dueDate"
                ),
                interventions=interventions.get((goal_url, index), []),
                achieved_on=None if achieved is None else _date(achieved, where),
            )
        )
    addresses = resource.get("addresses", [])
    if len(addresses) != 1:
        raise _ProblemError(f"{where}.addresses", "a goal addresses one condition")
    goal = _build(
        where,
        Goal,
        description=resource.get("description", {}).get("text"),
        objectives=objectives,
    )
    condition_url: str = addresses[0].get("reference")
    return goal, condition_url


def _read_notes(
    notes: Sequence[Mapping[str, Any]], where: str
) -> tuple[list[PlanReview], list[PlanRevision]]:
    reviews: list[PlanReview] = []
    revisions: list[PlanRevision] = []
    for index, note in enumerate(notes):
        at = f"{where}[{index}]"
        kind = _ext_value(note, "note-kind", "valueCode")
        on = _date(note.get("time"), f"{at}.time")
        if kind == "revision":
            revisions.append(_build(at, PlanRevision, on=on, change=note.get("text")))
        elif kind in {"review", "review-without-note"}:
            reviews.append(
                _build(
                    at,
                    PlanReview,
                    on=on,
                    by=_clinician_id(note.get("authorReference")),
                    note=note.get("text") if kind == "review" else "",
                )
            )
        else:
            raise _ProblemError(f"{at}.extension", "no iopmodel note kind")
    return reviews, revisions


def _read_session(
    reader: _Reader, appointment: Mapping[str, Any], zone: ZoneInfo
) -> Session:
    where = reader.path(appointment)
    reason = appointment.get("cancelationReason")
    reason_code = (
        None
        if reason is None
        else _code(reason, _CANCEL_REASON, f"{where}.cancelationReason")
    )
    attendance = _ATTENDANCE.get((str(appointment.get("status")), reason_code))
    if attendance is None:
        raise _ProblemError(
            f"{where}.status", "status and cancelation reason do not match"
        )
    start = _moment(appointment.get("start"), f"{where}.start").astimezone(zone)
    end = _moment(appointment.get("end"), f"{where}.end")
    clinicians = [
        c
        for p in appointment.get("participant", [])
        if (c := _clinician_id(p.get("actor"))) is not None
    ]
    kinds = appointment.get("serviceType", [])
    if len(kinds) != 1:
        raise _ProblemError(f"{where}.serviceType", "expected one session kind")
    return _build(
        where,
        Session,
        kind=_enum(
            SessionKind,
            _code(kinds[0], _SYSTEMS["session-kind"], f"{where}.serviceType"),
            f"{where}.serviceType",
        ),
        start=start,
        duration=end - start,
        attendance=attendance,
        clinician=clinicians[0] if clinicians else None,
        telehealth=_ext_value(appointment, "telehealth", "valueBoolean", default=False),
        delivery=_enum_ext(appointment, "delivery", DeliveryMode, where)
        or DeliveryMode.IN_PERSON,
    )


def _read_episode(reader: _Reader, resource: Mapping[str, Any]) -> Episode:
    where = reader.path(resource)
    url = next(u for u, r in reader.by_url.items() if r is resource)
    encounters = [
        e
        for e in reader.by_type.get("Encounter", [])
        if "partOf" not in e
        and any(ref.get("reference") == url for ref in e.get("episodeOfCare", []))
    ]
    encounters.sort(key=lambda e: str(e.get("period", {}).get("start")))
    placements = [_read_placement(reader, e) for e in encounters]
    reason = _discharge_reason(resource, f"{where}.extension")
    return _build(
        where,
        Episode,
        patient_id=_patient_id(resource.get("patient"), f"{where}.patient"),
        placements=placements,
        discharge_date=None
        if reason is None
        else _date(resource.get("period", {}).get("end"), f"{where}.period.end"),
        discharge_reason=reason,
        aftercare=_read_aftercare(resource, where),
        episode_id=_ext_value(resource, "episode-id", "valueString"),
        readmission_of=_ext_value(resource, "readmission-of", "valueString"),
        services=[
            _read_service(reader, e)
            for e in reader.by_type.get("Encounter", [])
            if "partOf" in e
            and any(ref.get("reference") == url for ref in e.get("episodeOfCare", []))
        ],
        holds=[
            _read_hold(entry, f"{where}.statusHistory[{i}]")
            for i, entry in enumerate(resource.get("statusHistory", []))
            if isinstance(entry, dict) and entry.get("status") == "onhold"
        ],
    )


def _read_service(reader: _Reader, encounter: Mapping[str, Any]) -> ConcurrentService:
    where = reader.path(encounter)
    coding = _ext_value(encounter, "service", "valueCoding") or {}
    code = coding.get("code") if isinstance(coding, dict) else None
    service = next((s for s in Service if s.value == code), None)
    if service is None:
        raise _ProblemError(f"{where}.extension", "unknown concurrent service code")
    level_key = _ext_value(encounter, "service-level", "valueCode")
    level = next((lv for lv in LevelOfCare if lv.key == level_key), None)
    if level_key is not None and level is None:
        raise _ProblemError(f"{where}.extension", "unknown level-of-care code")
    period = encounter.get("period", {})
    end = period.get("end")
    reasons = encounter.get("reasonCode") or [{}]
    return _build(
        where,
        ConcurrentService,
        service=service,
        start=_date(period.get("start"), f"{where}.period.start"),
        end=None if end is None else _date(end, f"{where}.period.end"),
        level=level,
        reason=reasons[0].get("text", "") if isinstance(reasons[0], dict) else "",
    )


def _read_hold(entry: Mapping[str, Any], where: str) -> Hold:
    period = entry.get("period", {})
    end = period.get("end")
    return _build(
        where,
        Hold,
        start=_date(period.get("start"), f"{where}.period.start"),
        end=None if end is None else _date(end, f"{where}.period.end"),
        reason=_ext_value(entry, "hold-reason", "valueString", ""),
    )


def _read_placement(reader: _Reader, encounter: Mapping[str, Any]) -> Placement:
    where = reader.path(encounter)
    types = encounter.get("type", [])
    if not types:
        raise _ProblemError(f"{where}.type", "no level of care")
    level = _enum(
        LevelOfCare.from_key,
        _code(types[0], LEVEL_SYSTEM, f"{where}.type"),
        f"{where}.type",
    )
    move_coding = _ext_value(encounter, "move", "valueCoding")
    program_url = _ext_value(encounter, "program", "valueCanonical")
    program = (
        None
        if program_url is None
        else _read_program(
            reader, reader.resolve(program_url, f"{where}.extension", "PlanDefinition")
        )
    )
    period = encounter.get("period", {})
    reasons = encounter.get("reasonCode", [])
    return _build(
        where,
        Placement,
        level=level,
        start=_date(period.get("start"), f"{where}.period.start"),
        end=None
        if "end" not in period
        else _date(period["end"], f"{where}.period.end"),
        move=Move.ADMIT
        if move_coding is None
        else _enum(Move, _code(move_coding, _SYSTEMS["move"], where), where),
        reason=reasons[0].get("text", "") if reasons else "",
        program=program,
    )


def _load(bundle: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    from iopmodel.serialization import DEFAULT_LIMITS  # noqa: PLC0415

    if isinstance(bundle, str | bytes):
        try:
            size = len(bundle.encode("utf-8") if isinstance(bundle, str) else bundle)
        except UnicodeEncodeError:  # a lone surrogate: no JSON text holds one raw
            raise DocumentError(
                [("$", "the document is not UTF-8 text (a lone surrogate)")]
            ) from None
        if size > DEFAULT_LIMITS.max_bytes:
            raise DocumentError(
                [
                    (
                        "$",
                        f"document is {size} bytes, over the limit of {DEFAULT_LIMITS.max_bytes}",
                    )
                ]
            )
        try:
            data = json.loads(bundle)
        except (ValueError, RecursionError):
            raise DocumentError([("$", "not valid JSON")]) from None
    else:
        data = bundle
    if isinstance(data, Mapping) and not isinstance(data, dict):
        data = dict(data)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise DocumentError([("$.resourceType", "expected a FHIR Bundle")])
    try:
        _checked(data)
    except RecursionError:
        raise DocumentError([("$", "nested too deeply")]) from None
    return dict(data)


def from_fhir(
    bundle: Mapping[str, Any] | str | bytes,
) -> Program | TreatmentPlan | Episode:
    """Rebuild a program, treatment plan or episode from a bundle made by :func:`to_fhir`.

    A bundle with a ``CarePlan`` gives a :class:`~iopmodel.TreatmentPlan`, one
    with an ``EpisodeOfCare`` an :class:`~iopmodel.Episode`, otherwise its
    ``PlanDefinition`` gives a :class:`~iopmodel.Program`.

    Raises:
        MissingExtraError: If fhir.resources is not installed.
        DocumentError: Not a valid R4 Bundle, or missing what iopmodel needs;
            each problem names its path (``$.entry[3].resource.status``) and
            never echoes text from the bundle.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.examples import evening_iop
        >>> from iopmodel.fhir import from_fhir, to_fhir
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-0001",
        ...                                   start=dt.date(2026, 3, 2), days=14)
        >>> bundle = to_fhir(plan)
        >>> care_plan = bundle["entry"][0]["resource"]
        >>> care_plan["resourceType"], care_plan["status"], care_plan["subject"]["reference"]
        ('CarePlan', 'active', 'Patient/p-0001')
        >>> from_fhir(bundle) == plan
        True
    """
    data = _load(bundle)
    try:
        reader = _Reader(data)
        if "CarePlan" in reader.by_type:
            return _read_plan(reader, reader.one("CarePlan"))
        if "EpisodeOfCare" in reader.by_type:
            return _read_episode(reader, reader.one("EpisodeOfCare"))
        return _read_program(reader, reader.one("PlanDefinition"))
    except _ProblemError as problem:
        raise DocumentError([(problem.path, problem.message)]) from None
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise DocumentError(
            [("$", f"not a bundle iopmodel can read ({type(error).__name__})")]
        ) from None
