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


def _svg_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def transitions_diagram() -> str:
    """An SVG state diagram of :data:`iopmodel.episodes.TRANSITIONS`, drawn offline.

    Statuses are boxes in a row; a move between two statuses is an arrow
    labelled with the move; moves that keep the status are listed under it.
    """
    from iopmodel.episodes import TRANSITIONS, EpisodeStatus  # noqa: PLC0415

    order = list(EpisodeStatus)
    width, gap, box_w, box_h = 150, 60, 130, 40
    x_of = {status: 20 + i * (width + gap) for i, status in enumerate(order)}
    loops: dict[EpisodeStatus, list[str]] = {status: [] for status in order}
    arrows: list[tuple[EpisodeStatus, EpisodeStatus, str]] = []
    for move, row in TRANSITIONS.items():
        for source in sorted(row.sources, key=order.index):
            target = source if row.target is None else row.target
            if target is source:
                loops[source].append(move.value)
            else:
                arrows.append((source, target, move.value))
    top = 40 + 22 * len(arrows) + 10
    total_w = 40 + len(order) * (width + gap)
    total_h = top + box_h + 30 + 18 * max(len(v) for v in loops.values()) + 20
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" '
            f'height="{total_h}" viewBox="0 0 {total_w} {total_h}" role="img" '
            'aria-label="Episode status transitions" font-family="sans-serif" '
            'font-size="13">'
        ),
        (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>'
        ),
    ]
    for index, (source, target, label) in enumerate(arrows):
        forward = order.index(target) > order.index(source)
        x1 = x_of[source] + box_w / 2 + (10 if forward else -10)
        x2 = x_of[target] + box_w / 2 + (-10 if forward else 10)
        lift = 40 + 44 * index
        y = top
        bend = y - lift
        mid = (x1 + x2) / 2
        parts.append(
            f'<path d="M {x1} {y} Q {mid} {bend} {x2} {y}" fill="none" '
            'stroke="#444" marker-end="url(#arrow)"/>'
        )
        text_y = (y + bend) / 2 - 4
        parts.append(
            f'<text x="{mid}" y="{text_y}" text-anchor="middle">{_svg_text(label)}</text>'
        )
    for status in order:
        x = x_of[status]
        parts.append(
            f'<rect x="{x}" y="{top}" width="{box_w}" height="{box_h}" rx="8" '
            'fill="#eef3fb" stroke="#335"/>'
        )
        parts.append(
            f'<text x="{x + box_w / 2}" y="{top + 25}" text-anchor="middle" '
            f'font-weight="bold">{_svg_text(status.value)}</text>'
        )
        for line, move in enumerate(loops[status]):
            parts.append(
                f'<text x="{x + box_w / 2}" y="{top + box_h + 22 + 18 * line}" '
                f'text-anchor="middle" fill="#335">&#8635; {_svg_text(move)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def transitions_table() -> str:
    """Markdown table and an SVG diagram of the transition table."""
    from iopmodel.episodes import TRANSITIONS  # noqa: PLC0415

    meaning = {
        "any": "any level",
        "lower": "a strictly less intensive level",
        "higher": "a strictly more intensive level",
        "none": "no new level",
    }
    lines = ["| Move | From status | To status | New level |", "|---|---|---|---|"]
    for move, row in TRANSITIONS.items():
        sources = ", ".join(sorted(s.value for s in row.sources))
        target = "(unchanged)" if row.target is None else row.target.value
        lines.append(
            f"| `{move.value}` | {sources} | {target} "
            f"| {meaning[row.level_change.value]} |"
        )
    lines += [
        "",
        "```{raw} html",
        transitions_diagram(),
        "```",
        "",
        (
            "Moves that keep the status are listed under it (&#8635;). A readmission "
            "starts a new episode from a discharged one (`Episode.readmit()`), linked "
            "by `readmission_of`."
        ),
    ]
    return "\n".join(lines) + "\n"


def decision_table_md() -> str:
    """The recommendation policy's decision table, from the code."""
    from iopmodel.recommendations import (  # noqa: PLC0415
        LEVELS_CALLED_FOR,
        decision_table,
    )

    lines = ["| # | When | Then | Source |", "|---|---|---|---|"]
    lines.extend(
        f"| {row.order} | {_cell(row.when)} | {_cell(row.then)} "
        f"| {_cell(', '.join(row.sources))} |"
        for row in decision_table()
    )
    lines += [
        "",
        (
            "The facts that call for each level at admission "
            "({data}`~iopmodel.recommendations.LEVELS_CALLED_FOR`):"
        ),
        "",
        "| Level | ASAM 3rd | Called for by |",
        "|---|---|---|",
    ]
    for level, facts in LEVELS_CALLED_FOR.items():
        lines.append(
            f"| {level.label} | {level.code(Framework.ASAM_3) or ''} | {_cell(facts)} |"
        )
    return "\n".join(lines) + "\n"


GENERATORS = {
    "transitions.md": transitions_table,
    "decision-table.md": decision_table_md,
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
