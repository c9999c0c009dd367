"""Generate documentation tables from iopmodel's own data.

The level-of-care table (and, as later modules arrive, the rule catalogue and
the transition table) are written to ``docs/generated/`` when the build starts,
so the docs can never disagree with the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iopmodel import DEFAULT_STANDARD, Framework, LevelOfCare, Population


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def levels_table() -> str:
    """Markdown table of every level with its codes, setting and hour bands."""
    header = (
        "| Level (key) | Label | ASAM 3rd | ASAM 4th | LOCUS | Setting | 24 h | WM "
        "| Adult hours | Adolescent hours |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for level in sorted(LevelOfCare):
        bands = [
            DEFAULT_STANDARD.band(level, p)
            for p in (Population.ADULT, Population.ADOLESCENT)
        ]
        rows.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f"`{level.key}`",
                    level.label,
                    level.code(Framework.ASAM_3) or "",
                    level.code(Framework.ASAM_4) or "",
                    level.code(Framework.LOCUS) or "",
                    level.setting.value,
                    "yes" if level.round_the_clock else "",
                    "yes" if level.withdrawal_management else "",
                    *(str(b) if b else "" for b in bands),
                )
            )
            + " |"
        )
    return header + "\n".join(rows) + "\n"


def band_sources() -> str:
    """Markdown list of each band bound and its citation."""
    lines = []
    for level in sorted(LevelOfCare):
        for population in Population:
            band = DEFAULT_STANDARD.band(level, population)
            if band is None:
                continue
            text = (
                f"- **{level.label}, {population.value}**: {band}. "
                f"Minimum: {band.minimum_source}"
            )
            if band.maximum_source is not None:
                text += f"; maximum: {band.maximum_source}"
            lines.append(text + ".")
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
            f"| {targets}; {levels} | {_cell(rule.citation.short)} |"
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
        lines.append(
            f"- Source: {citation} [{citation.key}; {citation.confidence}]"
            + (f". {citation.note}" if citation.note else "")
        )
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
            f"- **`{name}`** ({len(rule_set)} rules: {', '.join(rule_set.ids)}). "
            f"{rule_set.description}"
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
    "band-sources.md": band_sources,
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


def resolve_reexports(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve ``iopmodel.Name`` to the module that defines ``Name``.

    Docstrings and type hints may use the short, re-exported path; autodoc
    documents each object in its defining module.
    """
    import importlib  # noqa: PLC0415
    import sys  # noqa: PLC0415

    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target.startswith("iopmodel."):
        return None
    iopmodel = importlib.import_module("iopmodel")
    name, _, rest = target[len("iopmodel.") :].partition(".")
    if name not in iopmodel.__all__:
        return None
    module = getattr(getattr(iopmodel, name), "__module__", None)
    if not module or module == "iopmodel" or not module.startswith("iopmodel"):
        # Constants have no __module__ of their own: find the module that lists them.
        module = next(
            (
                mod_name
                for mod_name, mod in sorted(sys.modules.items())
                if mod_name.startswith("iopmodel.")
                and name in getattr(mod, "__all__", ())
            ),
            None,
        )
        if module is None:
            return None
    new_target = f"{module}.{name}" + (f".{rest}" if rest else "")
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env,
        node.get("refdoc"),
        app.builder,
        node["reftype"],
        new_target,
        node,
        contnode,
    )


def setup(app: Any) -> dict[str, Any]:
    """Register the generator and the re-export resolver with Sphinx."""
    app.connect("builder-inited", generate)
    app.connect("missing-reference", resolve_reexports)
    return {"parallel_read_safe": True, "version": "1"}
