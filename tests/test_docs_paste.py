"""Every code block of the prose docs works when a reader pastes it.

A reader copies a block with the copy button (which strips the ``>>>`` and
``...`` prompts and drops the output lines) and pastes it into a plain
``python`` session. This test does the same: it strips each block the way the
copy button is configured to in ``docs/conf.py``, feeds the lines one by one to
a real :class:`code.InteractiveConsole` (one session per page, blocks in page
order), and compares what the session prints with the output the page shows.

A compound statement (``for``, ``class``, a decorated ``def``) must end with an
empty ``...`` line, as it must in a real session; otherwise the next line is a
``SyntaxError`` and the whole statement is lost, which this test reports.
"""

from __future__ import annotations

import code
import contextlib
import doctest
import io
import re
from pathlib import Path

import matplotlib as mpl
import pytest

mpl.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
# The prose pages: the home page, Getting started, the tutorial, the concepts
# and the how-to guides (the reference pages are autodoc, doctested elsewhere).
PAGES = sorted(
    path
    for path in DOCS.rglob("*.md")
    if not {"_build", "generated", "reference"} & set(path.relative_to(DOCS).parts)
    and path.name != "changelog.md"
)
FENCE = re.compile(r"^```\{doctest\}[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
PLOT = re.compile(
    r"^```\{eval-rst\}\n\.\. plot::\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL
)
# The same flags as Sphinx's doctest builder, except that exception messages
# are compared too: a reader sees the message.
FLAGS = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1


def copybutton_regex() -> re.Pattern[str]:
    """The prompt pattern the copy button strips, read from docs/conf.py."""
    namespace: dict[str, object] = {}
    source = (DOCS / "conf.py").read_text()
    match = re.search(r"^copybutton_prompt_text = (r?\".*\")$", source, re.MULTILINE)
    assert match, "docs/conf.py sets copybutton_prompt_text"
    exec(f"prompt = {match.group(1)}", namespace)  # noqa: S102 - our own config file
    assert re.search(r"^copybutton_prompt_is_regexp = True$", source, re.MULTILINE)
    return re.compile(f"^({namespace['prompt']})(.*)")


def copied_lines(block: str) -> list[str]:
    """What the copy button puts on the clipboard: prompt lines, prompts removed."""
    prompt = copybutton_regex()
    return [m.group(2) for line in block.splitlines() if (m := prompt.match(line))]


def pasted_statements(block: str) -> list[list[str]]:
    """The copied lines of a block, grouped by ``>>>`` statement."""
    prompt = copybutton_regex()
    groups: list[list[str]] = []
    for line in block.splitlines():
        match = prompt.match(line)
        if match is None:
            continue
        if match.group(1).startswith(">>>") or not groups:
            groups.append([])
        groups[-1].append(match.group(2))
    return groups


class Session(code.InteractiveConsole):
    """An interactive session whose output (stdout and tracebacks) is captured."""

    def __init__(self) -> None:
        super().__init__(locals={"__name__": "__console__"})
        self.out = io.StringIO()

    def write(self, data: str) -> None:
        self.out.write(data)

    def paste(self, lines: list[str]) -> tuple[str, bool]:
        """Feed *lines* as a paste; return the output and whether input is open."""
        self.out = io.StringIO()
        more = False
        with contextlib.redirect_stdout(self.out):
            for line in lines:
                more = self.push(line)
        return self.out.getvalue(), more


def exception_message(got: str) -> str | None:
    """The exception lines of a traceback the session printed, if any."""
    lines = got.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            rest = lines[index + 1 :]
            while rest and rest[0][:1].isspace():
                rest = rest[1:]
            return "".join(rest)
    return None


Paste = tuple[list[str], doctest.Example | None]


def examples_of(page: Path) -> list[tuple[int, Paste]]:
    """Each statement of the page as pasted, with its doctest example, in order.

    A plot script is one paste with no example (it must run without output).
    """
    text = page.read_text()
    parser = doctest.DocTestParser()
    found: list[tuple[int, Paste]] = []
    for match in FENCE.finditer(text):
        block = match.group(1)
        first_line = text.count("\n", 0, match.start(1)) + 1
        examples = parser.get_examples(block)
        statements = pasted_statements(block)
        assert len(statements) == len(examples), f"{page.name}:{first_line}"
        for lines, example in zip(statements, examples, strict=True):
            assert "\n".join(lines).rstrip("\n") == example.source.rstrip("\n"), (
                f"{page.name}:{first_line + example.lineno}: the copy button would "
                "copy other lines than the doctest runs (a prompt without its space?)"
            )
            found.append((first_line + example.lineno, (lines, example)))
    for match in PLOT.finditer(text):
        body = match.group(1).splitlines()
        first_line = text.count("\n", 0, match.start(1)) + 1
        script = [line[3:] for line in body if not line.strip().startswith(":")]
        found.append((first_line, ([*script, ""], None)))
    return sorted(found, key=lambda item: item[0])


def test_pages_are_found() -> None:
    """The test sees the tutorial, the guides and their blocks."""
    names = {page.relative_to(DOCS).as_posix() for page in PAGES}
    assert {"tutorial.md", "getting-started.md", "guides/testing.md"} <= names
    assert sum(len(examples_of(page)) for page in PAGES) > 100


def test_copy_button_strips_prompts_and_output() -> None:
    """Prompts go, output goes, an empty continuation line stays empty."""
    block = ">>> for i in range(2):\n...     print(i)\n...\n0\n1\n>>> i\n1\n"
    assert copied_lines(block) == ["for i in range(2):", "    print(i)", "", "i"]
    assert pasted_statements(block) == [
        ["for i in range(2):", "    print(i)", ""],
        ["i"],
    ]


def test_session_reports_a_loop_without_its_closing_line() -> None:
    """The failure this test exists for: a statement right after a loop."""
    session = Session()
    got, more = session.paste(["for i in range(2):", "    x = i", "y = 1"])
    assert "SyntaxError" in got
    assert not more
    got, more = session.paste(["for i in range(2):", "    x = i", "", "x"])
    assert (got, more) == ("1\n", False)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_block_pastes(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pasted in page order into one session, each block prints what the page shows."""
    monkeypatch.chdir(ROOT)  # a reader works in a checkout, as the doctests do
    checker = doctest.OutputChecker()
    session = Session()
    try:
        for line, (lines, example) in examples_of(page):
            where = f"{page.relative_to(ROOT)}:{line}"
            got, more = session.paste(lines)
            assert not more, (
                f"{where}: the paste ends inside a compound statement; end it with "
                "an empty '...' line"
            )
            if example is None:  # a plot script: no output, no error
                assert "Traceback" not in got, f"{where}:\n{got}"
                assert "Error" not in got, f"{where}:\n{got}"
                continue
            flags = FLAGS
            for option, on in example.options.items():
                flags = flags | option if on else flags & ~option
            if example.exc_msg is not None:
                message = exception_message(got)
                assert message is not None, (
                    f"{where}: expected an exception, got\n{got}"
                )
                assert checker.check_output(example.exc_msg, message, flags), (
                    f"{where}: expected\n{example.exc_msg}got\n{message}"
                )
            else:
                assert checker.check_output(example.want, got, flags), (
                    f"{where}: pasted\n{example.source}expected\n{example.want}got\n{got}"
                )
    finally:
        plt.close("all")
