"""Generate documentation tables from iopmodel's own data.

The level-of-care table (and, as later modules arrive, the rule catalogue and
the transition table) are written to ``docs/generated/`` when the build starts,
so the docs can never disagree with the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iopmodel import Framework, LevelOfCare, Population


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _link(citation: Any, text: str | None = None) -> str:
    """A citation's short name (or *text*), linked to its source when it has one."""
    label = _cell(text or citation.short)
    return f"[{label}]({citation.url})" if citation.url else label


def sources_list() -> str:
    """Markdown list of every citation, primary sources first, with links."""
    from iopmodel import sources  # noqa: PLC0415

    citations = [
        getattr(sources, name)
        for name in sources.__all__
        if isinstance(getattr(sources, name), sources.Citation)
    ]
    kinds = {
        "primary": "primary source",
        "secondary": "secondary: a quotation or summary",
        "library": "no source: a value iopmodel chose",
    }
    lines = []
    for citation in sorted(citations, key=lambda c: (c.rank, c.short)):
        title = f"[{citation}]({citation.url})" if citation.url else str(citation)
        alone = (
            " **iopmodel relies on this source alone for some rules: no primary "
            "source is cited for them.**"
            if citation.sole_source
            else ""
        )
        note = f" {citation.note}" if citation.note else ""
        lines.append(
            f"- `{citation.key}`: {title} ({kinds[citation.confidence]}).{alone}{note}"
        )
    return "\n".join(lines) + "\n"


def levels_table() -> str:
    """Two narrow Markdown tables: each level's codes, then its key and flags.

    One wide table hid its right-hand columns behind a horizontal scroll bar.
    """
    codes = [
        "| Level | ASAM 3rd | ASAM 4th | LOCUS | Setting |",
        "|---|---|---|---|---|",
    ]
    keys = [
        "| Level | Key (in code and files) | 24-hour care | Withdrawal management |",
        "|---|---|---|---|",
    ]
    for level in sorted(LevelOfCare):
        cells = (
            level.label,
            level.code(Framework.ASAM_3) or "",
            level.code(Framework.ASAM_4) or "",
            level.code(Framework.LOCUS) or "",
            level.setting.value,
        )
        codes.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        flags = (
            level.label,
            f"`{level.key}`",
            "yes" if level.round_the_clock else "",
            "yes" if level.withdrawal_management else "",
        )
        keys.append("| " + " | ".join(_cell(c) for c in flags) + " |")
    return (
        "\n".join(codes)
        + "\n\nEach level's key, the name used in Python and in JSON or TOML "
        "files, and its flags:\n\n" + "\n".join(keys) + "\n"
    )


def bands_table() -> str:
    """Markdown table of the weekly-hours bands of each shipped standard."""
    from iopmodel.standards import STANDARDS  # noqa: PLC0415

    names = list(STANDARDS)
    header = (
        "| Level | Population | "
        + " | ".join(f"`{n}`" for n in names)
        + " |\n|---|---|"
        + "---|" * len(names)
        + "\n"
    )
    rows = []
    for level in sorted(LevelOfCare):
        for population in Population:
            bands = [s.band(level, population) for s in STANDARDS.values()]
            if all(b is None for b in bands):
                continue
            cells = [level.label, population.value] + [
                "" if b is None else str(b) for b in bands
            ]
            rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return header + "\n".join(rows) + "\n"


def band_sources() -> str:
    """Markdown list of each band bound and its citation, per standard."""
    from iopmodel.standards import STANDARDS  # noqa: PLC0415

    lines = []
    for name, standard in STANDARDS.items():
        lines.append(f"**`{name}`**\n")
        for level in sorted(standard.bands):
            for population, band in standard.bands[level].items():
                text = (
                    f"- {level.label}, {population.value}: {band}. "
                    f"Minimum: {band.minimum_source}"
                )
                if band.maximum_source is not None:
                    text += f"; maximum: {band.maximum_source}"
                lines.append(text + ".")
        lines.append("")
    return "\n".join(lines) + "\n"


def thresholds_table() -> str:
    """Markdown table of every threshold of every shipped standard."""
    from iopmodel.standards import STANDARDS, Standard  # noqa: PLC0415

    names = list(STANDARDS)
    lines = [
        "| Threshold | " + " | ".join(f"`{n}`" for n in names) + " | Source | Note |",
        "|---|" + "---|" * len(names) + "---|---|",
    ]
    for field in Standard.threshold_names():
        values = [getattr(s, field) for s in STANDARDS.values()]
        shown = [v for v in values if v is not None]
        first = shown[0]
        cited = sorted({v.source for v in shown}, key=lambda c: (c.rank, c.short))
        sources = [_link(c) for c in cited]
        marker = " (library default)" if any(v.library_default for v in shown) else ""
        marker += " (article only)" if any(c.sole_source for c in cited) else ""
        lines.append(
            f"| `{field}` | "
            + " | ".join("" if v is None else _cell(v) for v in values)
            + f" | {', '.join(sources)}{marker} | {_cell(first.note)} |"
        )
    return "\n".join(lines) + "\n"


def _param_text(value: object) -> str:
    import enum  # noqa: PLC0415
    from collections.abc import Mapping  # noqa: PLC0415

    if isinstance(value, Mapping):
        return "; ".join(
            f"{_param_text(k)}: {_param_text(v)}" for k, v in value.items()
        )
    if isinstance(value, frozenset | set | tuple | list):
        return ", ".join(sorted(_param_text(v) for v in value)) or "(none)"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _params(rule: Any) -> dict[str, str]:
    import attrs  # noqa: PLC0415

    if rule.params is None or not attrs.has(type(rule.params)):
        return {}
    return {
        field.name: _param_text(getattr(rule.params, field.name))
        for field in attrs.fields(type(rule.params))
    }


def rules_catalogue() -> str:
    """Markdown catalogue of every shipped rule, from the registry."""
    from iopmodel.rules import BUILTIN_RULES, RULE_SETS  # noqa: PLC0415

    lines = [
        "| Id | Title | Severity | Applies to | Source |",
        "|---|---|---|---|---|",
    ]
    for rule in BUILTIN_RULES.values():
        levels = (
            "every level"
            if rule.levels is None
            else ", ".join(sorted(level.key for level in rule.levels))
        )
        targets = " and ".join(sorted(rule.targets))
        lines.append(
            f"| [{rule.id}](#{rule.id.lower()}) | {_cell(rule.title)} | {rule.severity.value} "
            f"| {targets}; {levels} | {_link(rule.citation)}"
            + (" (article only)" if rule.citation.sole_source else "")
            + " |"
        )
    lines.append("")
    for rule in BUILTIN_RULES.values():
        lines += [
            f"### {rule.id}",
            "",
            f"**{rule.title}** ({rule.severity.value}).",
            "",
        ]
        if rule.description:
            lines += [rule.description, ""]
        lines.append(
            f"- Checks: {_cell((rule.check.__doc__ or '').strip().splitlines()[0])}"
        )
        lines.append(f"- Targets: {', '.join(sorted(rule.targets))}")
        lines.append(
            "- Levels: "
            + (
                "every level"
                if rule.levels is None
                else ", ".join(sorted(lv.key for lv in rule.levels))
            )
        )
        lines.append(
            "- Populations: " + ", ".join(sorted(p.value for p in rule.populations))
        )
        citation = rule.citation
        where = (
            "library default: no published source"
            if citation.library_default
            else (f"{citation.key}; {citation.confidence}")
        )
        title = f"[{citation}]({citation.url})" if citation.url else str(citation)
        lines.append(f"- Source: {title} [{where}]")
        if citation.sole_source:
            lines.append(
                "- **iopmodel relies on the source article alone for this rule.** "
                "It is a treatment centre's web page, not a primary source; no "
                "primary source is cited. Check the rule against your own standard."
            )
        if rule.precondition is not None:
            first = (rule.precondition.__doc__ or "").strip().splitlines()[0]
            lines.append(f"- Applies when: {_cell(first)}")
        for set_name, rule_set in RULE_SETS.items():
            if rule.id not in rule_set:
                continue
            params = _params(rule_set.get(rule.id))
            if params:
                shown = "; ".join(f"`{k}` = {v}" for k, v in params.items())
                lines.append(f"- Parameters in `{set_name}`: {shown}")
        lines.append("")
    return "\n".join(lines) + "\n"


def rule_sets_table() -> str:
    """Markdown list of the shipped rule sets."""
    from iopmodel.rules import RULE_SETS  # noqa: PLC0415

    lines = []
    for name, rule_set in RULE_SETS.items():
        lines.append(
            f"- **`{name}`** (standard `{rule_set.standard.name}`; {len(rule_set)} "
            f"rules: {', '.join(rule_set.ids)}). {rule_set.description}"
        )
    return "\n".join(lines) + "\n"


def transitions_table() -> str:
    """Markdown table and Mermaid-free text diagram of the transition table."""
    from iopmodel.episodes import TRANSITIONS  # noqa: PLC0415

    meaning = {
        "any": "any level",
        "lower": "a strictly less intensive level",
        "higher": "a strictly more intensive level",
        "same": "the same level, another program",
        "none": "no new level",
    }
    lines = ["| Move | From status | To status | New level |", "|---|---|---|---|"]
    for move, row in TRANSITIONS.items():
        lines.append(
            f"| `{move.value}` | {row.source.value} | {row.target.value} "
            f"| {meaning[row.level_change.value]} |"
        )
    lines += ["", "```text"]
    statuses: dict[str, list[str]] = {}
    for move, row in TRANSITIONS.items():
        statuses.setdefault(row.source.value, []).append(
            f"{move.value} -> {row.target.value}"
        )
    for source, moves in statuses.items():
        lines.append(f"{source:<10} " + "\n           ".join(moves))
    lines.append("discharged (no moves)")
    lines.append("```")
    return "\n".join(lines) + "\n"


GENERATORS = {
    "transitions.md": transitions_table,
    "rules.md": rules_catalogue,
    "rule-sets.md": rule_sets_table,
    "levels.md": levels_table,
    "bands.md": bands_table,
    "band-sources.md": band_sources,
    "thresholds.md": thresholds_table,
    "sources.md": sources_list,
}


def generate(app: Any) -> None:
    """Write every generated table into ``docs/generated``."""
    out = Path(app.srcdir) / "generated"
    out.mkdir(exist_ok=True)
    for name, make in GENERATORS.items():
        text = make()
        target = out / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)


def _candidates(target: str) -> list[str]:
    """Other documented paths of a re-exported ``iopmodel`` name."""
    import importlib  # noqa: PLC0415
    import sys  # noqa: PLC0415

    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # the longest importable module prefix
        module_name, name, rest = ".".join(parts[:cut]), parts[cut], parts[cut + 1 :]
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if name not in getattr(module, "__all__", ()):
            return []
        suffix = "".join(f".{r}" for r in rest)
        home = getattr(getattr(module, name), "__module__", None)
        found = []
        if home and home.startswith("iopmodel") and home != module_name:
            found.append(f"{home}.{name}{suffix}")
        # constants have no __module__: every other module that lists them
        found += [
            f"{other}.{name}{suffix}"
            for other, mod in sorted(sys.modules.items())
            if other.startswith("iopmodel.")
            and other != module_name
            and name in getattr(mod, "__all__", ())
        ]
        return found
    return []


def resolve_reexports(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a re-exported path (``iopmodel.Name``, ``iopmodel.rules.Rule``).

    Docstrings and type hints may use the short, re-exported path; autodoc
    documents each object once, in its defining module.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target.startswith("iopmodel"):
        return None
    domain = env.get_domain("py")
    for candidate in _candidates(target):
        found = domain.resolve_xref(
            env,
            node.get("refdoc"),
            app.builder,
            node["reftype"],
            candidate,
            node,
            contnode,
        )
        if found is not None:
            return found
    return None


def setup(app: Any) -> dict[str, Any]:
    """Register the generator and the re-export resolver with Sphinx."""
    app.connect("builder-inited", generate)
    app.connect("missing-reference", resolve_reexports)
    return {"parallel_read_safe": True, "version": "1"}
