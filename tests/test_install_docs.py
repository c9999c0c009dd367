"""The install instructions of Getting started work, exactly as written.

Every ``console`` block of ``docs/getting-started.md`` is run, in page order,
by one ``bash`` in a copy of the checkout, with no virtual environment active
(as on a fresh machine). Each command must succeed, and where the page shows
output under a command, the command must print it.

Creating virtual environments and installing takes a minute, so the test runs
in CI (``CI`` set, as ``.ci/run`` does) or when ``IOPMODEL_TEST_INSTALL`` is
set; the parsing is tested always. The home page's install lines must be
commands of Getting started, so they are covered too.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGE = ROOT / "docs" / "getting-started.md"
CONSOLE = re.compile(r"^```console\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
MARK = "@@iopmodel-docs-command@@"


def commands(text: str) -> list[tuple[str, str]]:
    """(command, expected output) for every ``$`` line of every console block."""
    found: list[tuple[str, str]] = []
    for block in CONSOLE.findall(text):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], ""))
            elif found and found[-1][0].endswith("\\"):  # a continued command
                found[-1] = (found[-1][0] + "\n" + line, "")
            elif found:
                found[-1] = (found[-1][0], found[-1][1] + line + "\n")
    return found


def test_commands_are_parsed() -> None:
    """Commands, continuations and output lines are told apart."""
    text = "```console\n$ echo a \\\n  b\na b\n$ true\n```\n"
    assert commands(text) == [("echo a \\\n  b", "a b\n"), ("true", "")]


def test_page_installs_from_a_checkout_and_from_a_wheel() -> None:
    """The page covers both ways in, and never asks PyPI for iopmodel."""
    lines = [command for command, _ in commands(PAGE.read_text())]
    assert "python -m pip install --quiet ." in lines
    assert any("pip wheel" in line for line in lines)
    assert any("install --quiet dist/iopmodel-" in line for line in lines)
    assert not any(re.search(r"pip install\b.*\biopmodel\b(?!-\*)", c) for c in lines)


def test_home_page_lines_are_tested_here() -> None:
    """The home page's install commands are commands of Getting started."""
    home = commands((ROOT / "docs" / "index.md").read_text())
    assert home, "the home page shows how to install"
    tested = {command for command, _ in commands(PAGE.read_text())}
    assert {command for command, _ in home} <= tested


def _fresh_environment() -> dict[str, str]:
    """This process's environment without its virtual environment."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}
    }
    inside = Path(sys.prefix)
    env["PATH"] = os.pathsep.join(
        entry
        for entry in env.get("PATH", os.defpath).split(os.pathsep)
        if entry and not Path(entry).is_relative_to(inside)
    )
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("IOPMODEL_TEST_INSTALL")),
    reason="installs into fresh virtual environments (about a minute); "
    "runs in CI or with IOPMODEL_TEST_INSTALL=1",
)
def test_every_command_runs_as_written(tmp_path: Path) -> None:
    """Run the page's commands in a copy of the checkout and compare the output."""
    checkout = tmp_path / "iopmodel"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git",
            ".ci-venv",
            ".venv",
            "wheel-env",
            "_build",
            "dist",
            "__pycache__",
            ".pytest_cache",
            ".hypothesis",
            ".mypy_cache",
            ".ruff_cache",
            "*.egg-info",
        ),
    )
    steps = commands(PAGE.read_text())
    script = "set -e\n" + "".join(f"echo {MARK}\n{command}\n" for command, _ in steps)
    result = subprocess.run(  # noqa: S603 - our own page's commands
        ["bash", "-c", script],  # noqa: S607 - bash from PATH, as a reader's shell
        cwd=checkout,
        env=_fresh_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    outputs = result.stdout.split(MARK + "\n")[1:]
    ran = len(outputs)
    assert result.returncode == 0, (
        f"command {ran} of {len(steps)} failed: {steps[ran - 1][0]!r}\n"
        f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    )
    assert ran == len(steps)
    checker = doctest.OutputChecker()
    for (command, want), got in zip(steps, outputs, strict=True):
        if want:
            assert checker.check_output(want, got, doctest.ELLIPSIS), (
                f"{command!r}: expected\n{want}got\n{got}"
            )
