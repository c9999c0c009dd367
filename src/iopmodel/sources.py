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
    "HCPCS_H0015",
    "LIBRARY_DEFAULT",
    "LOCUS_2016",
    "MEDICARE_IOP_2024",
    "MEDICARE_IOP_RECERTIFICATION",
    "MEDICARE_PHP",
    "NIDA_PRINCIPLES",
    "PAYER_STEP_DOWN_ALLOWANCE",
    "SAMHSA_ADVISORY_2021",
    "SAMHSA_TIP_47",
    "SOURCE_ARTICLE",
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

_SOLE_SOURCES: Final = frozenset({SOURCE_ARTICLE.key})
