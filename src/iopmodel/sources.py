"""Citations for every clinical number the library uses.

Sources disagree on some numbers (is the top of the IOP band 19 or 20 hours a
week?). iopmodel never hides a threshold in code: each one is data that carries
a :class:`Citation`, and rules and level definitions point at these objects.

Each citation has a stable ``key`` (used in the docs and in serialized
reports), a human ``title``, an optional ``effective`` date for regulations,
and a ``confidence`` marker: ``"primary"`` for an official text, ``"secondary"``
where the figure comes from a quotation or summary of it, and ``"library"`` for
a number iopmodel chose itself because no source gives one
(:data:`LIBRARY_DEFAULT`; the reason for each value is given where it is used,
in :mod:`iopmodel.standards`).
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import attrs

__all__ = [
    "ASAM_3RD_EDITION",
    "ASAM_4TH_EDITION",
    "AUDIT_C_BRADLEY_2007",
    "AUDIT_C_BUSH_1998",
    "BAM_CACCIOLA_2013",
    "BAM_VA_SCORING",
    "CFR_PART2_2_32",
    "GAD7_SPITZER_2006",
    "HCPCS_H0015",
    "HCPCS_H0035",
    "HCPCS_S9480",
    "ICD10CM",
    "LIBRARY_DEFAULT",
    "LIBRARY_POLICY",
    "LOCUS_2016",
    "LOWE_2004",
    "MEDICARE_IOP_2024",
    "MEDICARE_IOP_CLAIMS",
    "MEDICARE_IOP_RECERTIFICATION",
    "MEDICARE_PHP",
    "NIDA_PRINCIPLES",
    "PART2_FINAL_RULE_2024",
    "PAYER_STEP_DOWN_ALLOWANCE",
    "PHQ9_KROENKE_2001",
    "SAMHSA_ADVISORY_2021",
    "SAMHSA_TIP_47",
    "SOURCE_ARTICLE",
    "TOUSSAINT_2020",
    "Citation",
]

Confidence = Literal["primary", "secondary", "library"]


@attrs.frozen(kw_only=True)
class Citation:
    """Where a rule, threshold or level definition comes from.

    Args:
        key: Stable identifier, such as ``"SAMHSA-TIP-47"``.
        title: The source's title as a reader would look it up.
        short: A short label used inside finding messages.
        effective: The date a regulation took effect, if it has one.
        confidence: ``"primary"`` (official text), ``"secondary"`` (a
            quotation or summary of it) or ``"library"`` (no source: a value
            iopmodel chose, see :data:`LIBRARY_DEFAULT`).
        note: Anything a reader must know, such as where sources disagree.
        url: Where a reader can find the source, if it is online.

    Where iopmodel relies on one secondary source alone (the article it grew
    from), :attr:`sole_source` says so; docs and reports list primary sources
    first (:attr:`rank`).

    Example:
        >>> from iopmodel.sources import MEDICARE_IOP_2024
        >>> MEDICARE_IOP_2024.short, MEDICARE_IOP_2024.effective
        ('Medicare IOP 2024', datetime.date(2024, 1, 1))
        >>> str(MEDICARE_IOP_2024)
        'Medicare IOP benefit, CY 2024 OPPS final rule (effective 2024-01-01)'
    """

    key: str
    title: str
    short: str
    effective: dt.date | None = None
    confidence: Confidence = "primary"
    note: str = ""
    url: str | None = None

    def __repr__(self) -> str:
        return f"Citation(key={self.key!r}, short={self.short!r})"

    @property
    def library_default(self) -> bool:
        """Whether this marks a value iopmodel chose without a published source.

        Example:
            >>> from iopmodel.sources import LIBRARY_DEFAULT, NIDA_PRINCIPLES
            >>> LIBRARY_DEFAULT.library_default, NIDA_PRINCIPLES.library_default
            (True, False)
        """
        return self.confidence == "library"

    @property
    def sole_source(self) -> bool:
        """Whether iopmodel relies on this source alone for some rules or numbers.

        True for :data:`SOURCE_ARTICLE`, a treatment centre's web page: for the
        rules and thresholds that cite it (weekly individual therapy, the visit
        pattern, aftercare at discharge, the 30-60 day step-down window) no
        primary source is cited. The docs flag each of them.

        Example:
            >>> from iopmodel.sources import NIDA_PRINCIPLES, SOURCE_ARTICLE
            >>> SOURCE_ARTICLE.sole_source, NIDA_PRINCIPLES.sole_source
            (True, False)
        """
        return self.key in _SOLE_SOURCES

    @property
    def rank(self) -> int:
        """Sort key putting primary sources first, then secondary, then defaults.

        Example:
            >>> from iopmodel.sources import LIBRARY_DEFAULT, MEDICARE_PHP, SOURCE_ARTICLE
            >>> [c.short for c in sorted([LIBRARY_DEFAULT, SOURCE_ARTICLE, MEDICARE_PHP],
            ...                          key=lambda c: c.rank)]
            ['42 CFR 410.43', 'source article', 'library default']
        """
        return {"primary": 0, "secondary": 1, "library": 2}[self.confidence]

    def __str__(self) -> str:
        if self.effective is None:
            return self.title
        return f"{self.title} (effective {self.effective.isoformat()})"


SOURCE_ARTICLE: Final = Citation(
    key="SOURCE-ARTICLE",
    title="TruHealing Centers, 'Intensive Outpatient Programs' (the article iopmodel "
    "grew from), quoting SAMHSA and NIDA",
    short="source article",
    confidence="secondary",
    note="A treatment centre's web page, not a primary source, and no stable "
    "address of it is recorded. iopmodel relies on it alone for individual "
    "therapy at least weekly (IND001), the visit pattern of 3-4 days of about 3 "
    "hours (PAT001), an aftercare plan at discharge (AFT001) and the 30-60 day "
    "step-down window: no primary source is cited for these, so check them "
    "against your own standard. Its 9-20 hours a week is SAMHSA's figure as the "
    "article states it; the rules cite SAMHSA for that.",
)
"""The plain-language article the project models, quoting SAMHSA and NIDA.

iopmodel relies on it alone for some rules (see its ``note`` and
:attr:`Citation.sole_source`).
"""

SAMHSA_TIP_47: Final = Citation(
    key="SAMHSA-TIP-47",
    title="SAMHSA, TIP 47: Substance Abuse: Clinical Issues in Intensive Outpatient "
    "Treatment (2006)",
    short="SAMHSA TIP 47",
    note="The 9-20 h/week range is how the source article states SAMHSA's figure; "
    "TIP 47's own upper bound is not confirmed.",
    url="https://www.ncbi.nlm.nih.gov/books/NBK64093/",
)
"""SAMHSA's treatment improvement protocol for intensive outpatient treatment."""

SAMHSA_ADVISORY_2021: Final = Citation(
    key="SAMHSA-ADV-2021",
    title="SAMHSA Advisory, Clinical Issues in Intensive Outpatient Treatment for "
    "Substance Use Disorders (2021)",
    short="SAMHSA Advisory 2021",
    note="IOP: at least 9 h/week for adults, at least 6 h/week for adolescents.",
    url="https://store.samhsa.gov/product/advisory-clinical-issues-intensive-"
    "outpatient-treatment-substance-use-disorders/pep20-02-01-021",
)
"""The SAMHSA 2021 advisory, source of the adult (9 h) and adolescent (6 h) IOP floors."""

MEDICARE_IOP_2024: Final = Citation(
    key="MEDICARE-IOP-2024",
    title="Medicare IOP benefit, CY 2024 OPPS final rule",
    short="Medicare IOP 2024",
    effective=dt.date(2024, 1, 1),
    note="IOP needs at least 9 h/week; plans show a need for 9-19 h/week; "
    "partial hospitalization starts at 20 h/week.",
    url="https://www.federalregister.gov/d/2023-24293",
)
"""Medicare's intensive outpatient benefit, in force from 1 January 2024."""

MEDICARE_IOP_RECERTIFICATION: Final = Citation(
    key="MEDICARE-IOP-RECERT",
    title="Medicare IOP physician recertification, at least every 60 days "
    "(CY 2024 OPPS final rule, as summarised by practitioners)",
    short="Medicare IOP recertification",
    effective=dt.date(2024, 1, 1),
    confidence="secondary",
    note="'Every 60 days' and 'every other month' are both quoted; exact CFR "
    "wording not confirmed.",
)
"""Medicare's physician recertification of the need for IOP, at least every 60 days.

Recertification is not a treatment-plan review; the ``medicare-2024`` standard
uses it for recertification only (rule ``REV002``).
"""

MEDICARE_PHP: Final = Citation(
    key="MEDICARE-PHP",
    title="42 CFR 410.43: partial hospitalization services, at least 20 hours a week",
    short="42 CFR 410.43",
    url="https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-410/"
    "subpart-B/section-410.43",
)
"""Medicare partial hospitalization, 20 or more hours a week."""

NIDA_PRINCIPLES: Final = Citation(
    key="NIDA-PODAT",
    title="NIDA, Principles of Drug Addiction Treatment: A Research-Based Guide",
    short="NIDA",
    confidence="secondary",
    note="Most people need at least 3 months in treatment in total; the wording "
    "differs by edition. '90 days' is providers' paraphrase of 'three months'.",
    url="https://nida.nih.gov/publications/principles-drug-addiction-treatment-"
    "research-based-guide-third-edition",
)
"""NIDA's principle that most patients need at least three months of treatment."""

ASAM_3RD_EDITION: Final = Citation(
    key="ASAM-3",
    title="The ASAM Criteria, 3rd edition (2013): level codes and names",
    short="ASAM 3rd ed.",
    confidence="secondary",
    note="Level codes and names only; criteria text is copyrighted and not used.",
    url="https://www.asam.org/asam-criteria",
)
"""The ASAM Criteria (3rd edition), for level-of-care codes and names."""

ASAM_4TH_EDITION: Final = Citation(
    key="ASAM-4",
    title="The ASAM Criteria, 4th edition (2023): level codes and names",
    short="ASAM 4th ed.",
    confidence="secondary",
    note="Level codes and names only; criteria text is copyrighted and not used.",
    url="https://www.asam.org/asam-criteria",
)
"""The ASAM Criteria (4th edition), for level-of-care codes and names."""

LOCUS_2016: Final = Citation(
    key="LOCUS-2016",
    title="AACP, Level of Care Utilization System (LOCUS), adult version 20 (2016)",
    short="LOCUS",
    confidence="secondary",
    note="Level numbers and names only; the LOCUS-to-ASAM correspondences used "
    "here are approximate equivalents, not part of LOCUS.",
    url="https://assets.documentcloud.org/documents/6165436/2-LOCUS-20-2016.txt",
)
"""LOCUS (AACP), for level numbers 0-6 and their names."""

HCPCS_H0015: Final = Citation(
    key="HCPCS-H0015",
    title="HCPCS H0015, alcohol and/or drug services, intensive outpatient "
    "(at least 3 hours a day and at least 3 days a week)",
    short="HCPCS H0015",
    confidence="secondary",
)
"""The H0015 code descriptor, a program of at least 3 h a day and 3 days a week."""

PAYER_STEP_DOWN_ALLOWANCE: Final = Citation(
    key="PAYER-STEP-DOWN",
    title="Commercial payer step-down allowances: fewer IOP hours for one or two "
    "weeks while stepping down",
    short="payer step-down allowance",
    confidence="secondary",
    note="Policy of some payers, not a regulation: check your payer's own policy.",
)
"""Some commercial payers still count one or two reduced weeks at step-down as IOP."""

LIBRARY_DEFAULT: Final = Citation(
    key="IOPMODEL-DEFAULT",
    title="iopmodel library default: no published source gives this number",
    short="library default",
    confidence="library",
    note="The value was chosen by iopmodel; the reason is recorded with the "
    "threshold in iopmodel.standards. Configure your own.",
)
"""Marks a number iopmodel chose itself; each use records its reason."""

# -- the clinical record: instruments, codes, billing and confidentiality -----------

PHQ9_KROENKE_2001: Final = Citation(
    key="PHQ9-KROENKE-2001",
    title="Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief "
    "depression severity measure. J Gen Intern Med 2001;16(9):606-613",
    short="Kroenke 2001",
    note="Nine items scored 0-3, total 0-27; severity 5, 10, 15 and 20 mark mild, "
    "moderate, moderately severe and severe depression. The PHQ-9 is free to use; "
    "iopmodel stores item numbers, never item text.",
    url="https://doi.org/10.1046/j.1525-1497.2001.016009606.x",
)
"""The PHQ-9's scoring and severity bands (Kroenke, Spitzer and Williams 2001)."""

LOWE_2004: Final = Citation(
    key="LOWE-2004",
    title="Lowe B, Unutzer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring "
    "depression treatment outcomes with the Patient Health Questionnaire-9. "
    "Med Care 2004;42(12):1194-1201",
    short="Lowe 2004",
    note="A change of 5 points is the minimal clinically significant difference.",
    url="https://doi.org/10.1097/00005650-200412000-00006",
)
"""The PHQ-9's minimal clinically important difference of 5 points."""

GAD7_SPITZER_2006: Final = Citation(
    key="GAD7-SPITZER-2006",
    title="Spitzer RL, Kroenke K, Williams JBW, Lowe B. A brief measure for "
    "assessing generalized anxiety disorder: the GAD-7. Arch Intern Med "
    "2006;166(10):1092-1097",
    short="Spitzer 2006",
    note="Seven items scored 0-3, total 0-21; 5, 10 and 15 mark mild, moderate "
    "and severe anxiety.",
    url="https://doi.org/10.1001/archinte.166.10.1092",
)
"""The GAD-7's scoring and severity bands (Spitzer et al. 2006)."""

TOUSSAINT_2020: Final = Citation(
    key="TOUSSAINT-2020",
    title="Toussaint A, Husing P, Gumz A, et al. Sensitivity to change and minimal "
    "clinically important difference of the 7-item Generalized Anxiety Disorder "
    "Questionnaire (GAD-7). J Affect Disord 2020;265:395-401",
    short="Toussaint 2020",
    note="The GAD-7's minimal clinically important difference is 4 points.",
    url="https://doi.org/10.1016/j.jad.2020.01.032",
)
"""The GAD-7's minimal clinically important difference of 4 points."""

AUDIT_C_BUSH_1998: Final = Citation(
    key="AUDITC-BUSH-1998",
    title="Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT "
    "alcohol consumption questions (AUDIT-C): an effective brief screening test "
    "for problem drinking. Arch Intern Med 1998;158(16):1789-1795",
    short="Bush 1998",
    note="The first three AUDIT items, each scored 0-4, total 0-12.",
    url="https://doi.org/10.1001/archinte.158.16.1789",
)
"""The AUDIT-C's items and scoring (Bush et al. 1998)."""

AUDIT_C_BRADLEY_2007: Final = Citation(
    key="AUDITC-BRADLEY-2007",
    title="Bradley KA, DeBenedetti AF, Volk RJ, Williams EC, Frank D, Kivlahan DR. "
    "AUDIT-C as a brief screen for alcohol misuse in primary care. Alcohol Clin "
    "Exp Res 2007;31(7):1208-1217",
    short="Bradley 2007",
    note="A positive screen is 4 or more for men and 3 or more for women.",
    url="https://doi.org/10.1111/j.1530-0277.2007.00403.x",
)
"""The AUDIT-C's cut-offs, 4 or more for men and 3 or more for women."""

BAM_CACCIOLA_2013: Final = Citation(
    key="BAM-CACCIOLA-2013",
    title="Cacciola JS, Alterman AI, DePhilippis D, et al. Development and initial "
    "evaluation of the Brief Addiction Monitor (BAM). J Subst Abuse Treat "
    "2013;44(3):256-263",
    short="Cacciola 2013",
    note="17 items about the past 30 days; Use, Risk and Protective composites; "
    "no validated total score.",
    url="https://doi.org/10.1016/j.jsat.2012.07.013",
)
"""The Brief Addiction Monitor (VA), its items and composites."""

BAM_VA_SCORING: Final = Citation(
    key="BAM-VA-SCORING",
    title="VA VISN 4 MIRECC / CESATE, Brief Addiction Monitor (BAM) scoring and "
    "clinical guidelines",
    short="VA BAM scoring",
    confidence="secondary",
    note="Use = items 4, 5 and 6; Risk = items 1, 2, 3, 8, 11 and 15; Protective = "
    "items 9, 10, 12, 13, 14 and 16; items 7A-7G and 17 are not in a composite. "
    "Items are coded 0-4. Any Use (1 or more) is clinically significant. Checked "
    "against secondary copies of the VA guide, not the guide itself.",
)
"""The VA's scoring of the BAM's Use, Risk and Protective composites."""

ICD10CM: Final = Citation(
    key="ICD-10-CM",
    title="ICD-10-CM, International Classification of Diseases, 10th Revision, "
    "Clinical Modification (CDC National Center for Health Statistics and CMS)",
    short="ICD-10-CM",
    note="Codes and short titles are facts; the shipped table is a small excerpt.",
    url="https://www.cdc.gov/nchs/icd/icd-10-cm/",
)
"""The ICD-10-CM code set (US diagnosis codes)."""

HCPCS_S9480: Final = Citation(
    key="HCPCS-S9480",
    title="HCPCS S9480, intensive outpatient psychiatric services, per diem",
    short="HCPCS S9480",
    confidence="secondary",
    note="A temporary national code for commercial payers and Medicaid; not "
    "payable by Medicare.",
)
"""The S9480 code descriptor, psychiatric IOP per diem."""

HCPCS_H0035: Final = Citation(
    key="HCPCS-H0035",
    title="HCPCS H0035, mental health partial hospitalization, treatment, less "
    "than 24 hours",
    short="HCPCS H0035",
    confidence="secondary",
    note="Used by Medicaid payers for partial hospitalization.",
)
"""The H0035 code descriptor, mental-health partial hospitalization."""

MEDICARE_IOP_CLAIMS: Final = Citation(
    key="MEDICARE-IOP-CLAIMS",
    title="CMS MLN MM13222, billing requirements for IOP services: condition code "
    "92 (partial hospitalization: condition code 41)",
    short="Medicare IOP claims",
    effective=dt.date(2024, 1, 1),
    note="Types of bill 13X (hospital), 76X (CMHC), 85X (CAH); condition code 92 "
    "marks an IOP claim, 41 a partial-hospitalization claim.",
)
"""Medicare's 2024 IOP claim conventions, such as condition code 92."""

CFR_PART2_2_32: Final = Citation(
    key="42-CFR-2.32",
    title="42 CFR 2.32, Notice and copy of consent to accompany disclosure",
    short="42 CFR 2.32",
    note="Each disclosure made with the patient's written consent must carry a "
    "notice that the record is protected (statement 1 in full, or statement 2) "
    "and a copy of the consent or a clear explanation of its scope.",
    url="https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/"
    "subpart-C/section-2.32",
)
"""The regulation requiring the redisclosure notice on consented disclosures."""

PART2_FINAL_RULE_2024: Final = Citation(
    key="PART2-FINAL-RULE-2024",
    title="HHS, Confidentiality of Substance Use Disorder (SUD) Patient Records, "
    "final rule, 89 FR 12472 (16 February 2024)",
    short="Part 2 final rule 2024",
    effective=dt.date(2024, 4, 16),
    note="Compliance by 16 February 2026. Aligns Part 2 with HIPAA: one consent "
    "may cover all future treatment, payment and health-care operations.",
    url="https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2",
)
"""The 2024 final rule that revised 42 CFR Part 2, including section 2.32."""
LIBRARY_POLICY: Final = Citation(
    key="IOPMODEL-POLICY",
    title="iopmodel library policy: a choice the library makes where its sources are "
    "silent or where it departs from them",
    short="library policy",
    confidence="library",
    note="Each policy choice is documented in iopmodel.recommendations and can be changed "
    "with RecommendationPolicy.",
)
"""Marks a recommendation reason that is iopmodel's policy choice, not a cited fact."""
_SOLE_SOURCES: Final = frozenset({SOURCE_ARTICLE.key})
