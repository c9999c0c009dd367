"""Confidentiality of substance-use records (42 CFR Part 2): consents and disclosures.

Records that identify a patient as having a substance-use disorder, made by a
federally assisted program that holds itself out as treating substance use,
are protected by 42 CFR Part 2. In iopmodel such a program is marked
``Program(part2=True)``; every treatment plan in it (and every plan marked
``TreatmentPlan(part2=True)``, for records received from one) and every episode
with a placement in it is *Part 2 data* (:func:`is_part2`).

Every export that leaves the library refuses Part 2 data unless it is given a
:class:`Disclosure`: a :class:`Consent` the patient signed, used on a day, for
a purpose. The consent must be the patient's, in force that day (signed, not
expired, not revoked), for that purpose, and cover every part of the record
the export holds (:class:`RecordSection`). Otherwise the export raises
:class:`~iopmodel.errors.ConsentRequiredError`. The exports are
:func:`iopmodel.serialization.to_dict` (and so ``to_json``),
:func:`iopmodel.ics.to_ics`, and the tables
(:meth:`TreatmentPlan.to_dataframe() <iopmodel.plans.TreatmentPlan.to_dataframe>`,
:func:`iopmodel.tables.episode_frame`, :func:`iopmodel.tables.measures_frame`).

A covered export carries the notice of 42 CFR 2.32 as revised by the 2024 final
rule (:data:`PART2_NOTICE`, statement 1; :data:`PART2_NOTICE_SHORT` is statement
2) and an explanation of the consent's scope (:attr:`Disclosure.scope`), as
2.32(b) requires: in a document's ``part2_disclosure`` object, in the
calendar's description, and in a table's ``attrs``. The notice is public law
text (:data:`~iopmodel.sources.CFR_PART2_2_32`,
:data:`~iopmodel.sources.PART2_FINAL_RULE_2024`).

iopmodel does not decide whether your program is a Part 2 program, keep an
accounting of disclosures, or give legal advice.

Example:
    >>> import datetime as dt
    >>> from iopmodel.consent import Consent, Disclosure, DisclosurePurpose
    >>> consent = Consent(patient_id="p-0001", recipient="Dr. Lee, primary care",
    ...                   purposes=[DisclosurePurpose.TREATMENT],
    ...                   signed=dt.date(2026, 3, 2), expires=dt.date(2027, 3, 2))
    >>> use = Disclosure(consent=consent, on=dt.date(2026, 4, 1),
    ...                  purpose=DisclosurePurpose.TREATMENT)
    >>> use.notice.startswith("This record which has been disclosed to you is protected")
    True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any, Final, TypeVar

import attrs

from iopmodel._validators import (
    check_arg,
    instance_of,
    non_empty_str,
    optional_plain_date,
    plain_date,
    to_tuple,
)
from iopmodel.episodes import Episode
from iopmodel.errors import ConsentRequiredError, InvalidTypeError, InvalidValueError
from iopmodel.plans import TreatmentPlan

__all__ = [
    "PART2_NOTICE",
    "PART2_NOTICE_SHORT",
    "Consent",
    "Disclosure",
    "DisclosurePurpose",
    "RecordSection",
    "is_part2",
    "require_disclosure",
    "sections_of",
]

#: Statement 1 of 42 CFR 2.32(a)(1) as revised by the 2024 final rule, the
#: notice that accompanies every disclosure made with the patient's consent.
#:
#: :meta hide-value:
PART2_NOTICE: Final = (
    "This record which has been disclosed to you is protected by Federal "
    "confidentiality rules (42 CFR part 2). These rules prohibit you from using or "
    "disclosing this record, or testimony that describes the information contained "
    "in this record, in any civil, criminal, administrative, or legislative "
    "proceedings by any Federal, State, or local authority, against the patient, "
    "unless authorized by the consent of the patient, except as provided at 42 CFR "
    "2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. "
    "In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: "
    "(i) Further use or disclosure is expressly permitted by the written consent of "
    "the individual whose information is being disclosed in this record or as "
    "otherwise permitted by 42 CFR part 2. (ii) You are a covered entity or business "
    "associate and have received the record for treatment, payment, or health care "
    "operations, or (iii) You have received the record from a covered entity or "
    "business associate as permitted by 45 CFR part 164, subparts A and E. A general "
    "authorization for the release of medical or other information is NOT sufficient "
    "to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)

#: Statement 2 of 42 CFR 2.32(a)(2) (2024 final rule), the short alternative.
PART2_NOTICE_SHORT: Final = (
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
)


class DisclosurePurpose(enum.Enum):
    """Why records are disclosed.

    Example:
        >>> from iopmodel.consent import DisclosurePurpose
        >>> DisclosurePurpose("payment")
        <DisclosurePurpose.PAYMENT: 'payment'>
    """

    TREATMENT = "treatment"
    PAYMENT = "payment"
    HEALTH_CARE_OPERATIONS = "health_care_operations"
    RESEARCH = "research"
    OTHER = "other"
    """Any other purpose the consent names in words."""


class RecordSection(enum.Enum):
    """A part of a patient's record a consent may cover.

    Example:
        >>> from iopmodel.consent import RecordSection
        >>> sorted(s.value for s in RecordSection)[:3]
        ['authorizations', 'diagnoses', 'discharge']
    """

    ENROLLMENT = "enrollment"
    """The fact of treatment, with program, level and dates (every export holds it)."""
    SCHEDULE = "schedule"
    """Sessions and attendance."""
    TREATMENT_PLAN = "treatment_plan"
    """Problems, goals, objectives, reviews and revisions."""
    DIAGNOSES = "diagnoses"
    MEASURES = "measures"
    """Outcome measures."""
    SCREENS = "screens"
    """Drug-screen results."""
    AUTHORIZATIONS = "authorizations"
    """Payer authorizations."""
    DISCHARGE = "discharge"
    """Discharge and aftercare."""


E = TypeVar("E", bound=enum.Enum)


def _members(field: str, kind: type[E], value: Iterable[E]) -> frozenset[E]:
    """A non-empty set of *kind* members for *field* (internal)."""
    given = to_tuple(value)
    for item in given:
        if not isinstance(item, kind):
            raise InvalidTypeError(field, item, kind.__name__)
    items = frozenset(given)
    if not items:
        raise InvalidValueError(field, 0, f"must name at least one {field[:-1]}")
    return items


def _purposes(value: Iterable[DisclosurePurpose]) -> frozenset[DisclosurePurpose]:
    return _members("purposes", DisclosurePurpose, value)


def _sections(value: Iterable[RecordSection]) -> frozenset[RecordSection]:
    return _members("sections", RecordSection, value)


@attrs.frozen(kw_only=True)
class Consent:
    """A patient's written consent to disclose Part 2 records.

    Args:
        patient_id: The patient (the opaque id of the plan or episode).
        recipient: Who may receive the records (a name, or a class of
            recipients such as "my treating providers").
        purposes: Why the records may be disclosed. Since the 2024 final rule
            one consent may cover all future treatment, payment and health-care
            operations.
        sections: Which parts of the record may be disclosed (all by default).
        signed: The day the patient signed.
        expires: The day (inclusive) after which the consent no longer applies,
            or ``None`` for a consent without an expiry date.
        revoked: The day the patient revoked it in writing, if they did; the
            consent does not apply from that day.

    Raises:
        InvalidValueError: No purposes or sections, or dates out of order.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.consent import Consent, DisclosurePurpose, RecordSection
        >>> tpo = Consent(patient_id="p-1", recipient="Acme Health (payer)",
        ...               purposes=[DisclosurePurpose.PAYMENT],
        ...               sections=[RecordSection.ENROLLMENT, RecordSection.SCHEDULE],
        ...               signed=dt.date(2026, 3, 2))
        >>> tpo.in_force(dt.date(2026, 3, 1)), tpo.in_force(dt.date(2030, 1, 1))
        (False, True)
        >>> tpo.revoke(dt.date(2026, 5, 1)).in_force(dt.date(2026, 5, 1))
        False
    """

    patient_id: str = attrs.field(validator=non_empty_str)
    recipient: str = attrs.field(validator=non_empty_str)
    purposes: frozenset[DisclosurePurpose] = attrs.field(converter=_purposes)
    sections: frozenset[RecordSection] = attrs.field(
        default=frozenset(RecordSection), converter=_sections
    )
    signed: dt.date = attrs.field(validator=plain_date)
    expires: dt.date | None = attrs.field(default=None, validator=optional_plain_date)
    revoked: dt.date | None = attrs.field(default=None, validator=optional_plain_date)

    def __attrs_post_init__(self) -> None:
        for name in ("expires", "revoked"):
            value = getattr(self, name)
            if value is not None and value < self.signed:
                raise InvalidValueError(
                    name, value, f"is before signing on {self.signed}"
                )

    def in_force(self, on: dt.date) -> bool:
        """Whether the consent applies on *on*: signed, not expired, not revoked."""
        check_arg(plain_date, "on", on)
        return (
            self.signed <= on
            and (self.expires is None or on <= self.expires)
            and (self.revoked is None or on < self.revoked)
        )

    def revoke(self, on: dt.date) -> Consent:
        """The consent, revoked on *on*.

        Raises:
            InvalidValueError: Already revoked, or *on* before signing.
        """
        if self.revoked is not None:
            raise InvalidValueError("revoked", on, f"already revoked on {self.revoked}")
        return attrs.evolve(self, revoked=on)

    def gap(
        self,
        patient_id: str,
        on: dt.date,
        purpose: DisclosurePurpose,
        sections: Iterable[RecordSection],
    ) -> str | None:
        """Why the consent does not cover a disclosure, or ``None`` if it does.

        Messages never name the patient.

        Example:
            >>> import datetime as dt
            >>> from iopmodel.consent import Consent, DisclosurePurpose, RecordSection
            >>> consent = Consent(patient_id="p-1", recipient="Dr. Lee",
            ...                   purposes=[DisclosurePurpose.TREATMENT],
            ...                   sections=[RecordSection.ENROLLMENT],
            ...                   signed=dt.date(2026, 3, 2))
            >>> consent.gap("p-1", dt.date(2026, 4, 1), DisclosurePurpose.TREATMENT,
            ...             [RecordSection.ENROLLMENT, RecordSection.SCREENS])
            'the consent does not cover screens'
        """
        if patient_id != self.patient_id:
            return "the consent is another patient's"
        if on < self.signed:
            return f"the consent was signed after {on}"
        if self.revoked is not None and on >= self.revoked:
            return f"the consent was revoked on {self.revoked}"
        if self.expires is not None and on > self.expires:
            return f"the consent expired on {self.expires}"
        if purpose not in self.purposes:
            return f"the consent does not cover {purpose.value.replace('_', ' ')}"
        missing = sorted(s.value for s in set(sections) - self.sections)
        if missing:
            return f"the consent does not cover {', '.join(missing)}"
        return None


@attrs.frozen(kw_only=True)
class Disclosure:
    """One use of a consent: the day records leave, and why.

    Args:
        consent: The patient's consent.
        on: The day of the disclosure (iopmodel never reads the clock).
        purpose: Why; must be one of the consent's purposes.

    Example:
        >>> import datetime as dt
        >>> from iopmodel.consent import Consent, Disclosure, DisclosurePurpose
        >>> consent = Consent(patient_id="p-1", recipient="Dr. Lee",
        ...                   purposes=[DisclosurePurpose.TREATMENT],
        ...                   signed=dt.date(2026, 3, 2))
        >>> print(Disclosure(consent=consent, on=dt.date(2026, 4, 1),
        ...                  purpose=DisclosurePurpose.TREATMENT).scope)
        Disclosed on 2026-04-01 to Dr. Lee for treatment, under the patient's consent signed
        2026-03-02 (no expiry date), covering: authorizations, diagnoses, discharge, enrollment,
        measures, schedule, screens, treatment_plan.
    """

    consent: Consent = attrs.field(validator=instance_of(Consent))
    on: dt.date = attrs.field(validator=plain_date)
    purpose: DisclosurePurpose = attrs.field(validator=instance_of(DisclosurePurpose))

    @property
    def notice(self) -> str:
        """The 42 CFR 2.32 notice (statement 1) that accompanies the records."""
        return PART2_NOTICE

    @property
    def scope(self) -> str:
        """A clear explanation of the consent's scope, as 42 CFR 2.32(b) asks."""
        consent = self.consent
        expiry = (
            f"until {consent.expires}"
            if consent.expires is not None
            else "no expiry date"
        )
        covered = ", ".join(sorted(s.value for s in consent.sections))
        return (
            f"Disclosed on {self.on} to {consent.recipient} for "
            f"{self.purpose.value.replace('_', ' ')}, under the patient's consent "
            f"signed {consent.signed} ({expiry}), covering: {covered}."
        )

    def envelope(self) -> dict[str, Any]:
        """What exports attach: the notice, the scope and the consent's terms.

        Example:
            >>> import datetime as dt
            >>> from iopmodel.consent import Consent, Disclosure, DisclosurePurpose
            >>> consent = Consent(patient_id="p-1", recipient="Dr. Lee",
            ...                   purposes=[DisclosurePurpose.TREATMENT],
            ...                   signed=dt.date(2026, 3, 2))
            >>> sorted(Disclosure(consent=consent, on=dt.date(2026, 4, 1),
            ...                   purpose=DisclosurePurpose.TREATMENT).envelope())
            ['disclosed_on', 'notice', 'purpose', 'recipient', 'regulation', 'scope']
        """
        return {
            "regulation": "42 CFR part 2",
            "notice": self.notice,
            "scope": self.scope,
            "recipient": self.consent.recipient,
            "purpose": self.purpose.value,
            "disclosed_on": self.on.isoformat(),
        }


def is_part2(record: object) -> bool:
    """Whether *record* is 42 CFR Part 2 data (a plan or episode of a Part 2 program).

    Example:
        >>> import datetime as dt
        >>> import attrs
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.consent import is_part2
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan(patient_id="p-1", program=evening_iop(),
        ...                      start=dt.date(2026, 3, 2))
        >>> is_part2(plan), is_part2(attrs.evolve(plan, part2=True))
        (False, True)
        >>> is_part2(evening_iop())
        False
    """
    if isinstance(record, TreatmentPlan):
        return record.part2 or record.program.part2
    if isinstance(record, Episode):
        return any(p.program is not None and p.program.part2 for p in record.placements)
    return False


def sections_of(record: TreatmentPlan | Episode) -> frozenset[RecordSection]:
    """The parts of the record that *record* holds.

    Example:
        >>> import datetime as dt
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.consent import sections_of
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan.from_program(evening_iop(), patient_id="p-1",
        ...                                   start=dt.date(2026, 3, 2), days=7)
        >>> sorted(s.value for s in sections_of(plan))
        ['enrollment', 'schedule']
    """
    check_arg(instance_of((TreatmentPlan, Episode)), "record", record)
    found = {RecordSection.ENROLLMENT}
    if isinstance(record, Episode):
        if record.discharge_date is not None:
            found.add(RecordSection.DISCHARGE)
        return frozenset(found)
    parts = (
        (RecordSection.SCHEDULE, record.sessions),
        (
            RecordSection.TREATMENT_PLAN,
            (*record.problems, *record.reviews, *record.revisions),
        ),
        (RecordSection.DIAGNOSES, record.diagnoses),
        (RecordSection.MEASURES, record.measures),
        (RecordSection.SCREENS, record.screens),
        (RecordSection.AUTHORIZATIONS, record.authorizations),
    )
    found.update(section for section, items in parts if items)
    if record.discharge_date is not None or record.aftercare is not None:
        found.add(RecordSection.DISCHARGE)
    return frozenset(found)


def require_disclosure(
    record: object,
    disclosure: Disclosure | None,
    *,
    what: str,
    sections: Iterable[RecordSection] | None = None,
) -> Disclosure | None:
    """Check an export of *record*: ``None`` for data that is not Part 2, else the disclosure.

    Every export path calls this before it writes anything.

    Args:
        record: What is being exported.
        disclosure: The disclosure the caller gave, if any.
        what: How the error names the export (``"treatment plan"``).
        sections: The parts of the record the export holds (by default, every
            part the record holds).

    Raises:
        ConsentRequiredError: Part 2 data without a disclosure whose consent
            covers it.
        InvalidTypeError: A *disclosure* that is not a :class:`Disclosure`.

    Example:
        >>> import datetime as dt
        >>> import attrs
        >>> from iopmodel import TreatmentPlan
        >>> from iopmodel.consent import require_disclosure
        >>> from iopmodel.errors import ConsentRequiredError
        >>> from iopmodel.examples import evening_iop
        >>> plan = TreatmentPlan(patient_id="p-1", program=attrs.evolve(evening_iop(), part2=True),
        ...                      start=dt.date(2026, 3, 2))
        >>> try:
        ...     require_disclosure(plan, None, what="treatment plan")
        ... except ConsentRequiredError as error:
        ...     print(error)
        treatment plan holds 42 CFR Part 2 data: no consent was given (pass disclosure=...)
    """
    if disclosure is not None:
        check_arg(instance_of(Disclosure), "disclosure", disclosure)
    if not is_part2(record):
        return None
    if disclosure is None:
        raise ConsentRequiredError(what, "no consent was given (pass disclosure=...)")
    assert isinstance(record, TreatmentPlan | Episode)  # noqa: S101 - is_part2 proves it
    needed = sections_of(record) if sections is None else frozenset(sections)
    gap = disclosure.consent.gap(
        record.patient_id,
        disclosure.on,
        disclosure.purpose,
        needed | {RecordSection.ENROLLMENT},
    )
    if gap is not None:
        raise ConsentRequiredError(what, gap)
    return disclosure
