"""Sphinx configuration for the iopmodel documentation."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import iopmodel  # noqa: E402

project = "iopmodel"
author = "The iopmodel developers"
copyright = "2026, The iopmodel developers"
release = iopmodel.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "myst_parser",
    "sphinx_copybutton",
    "matplotlib.sphinxext.plot_directive",
    "iopmodel_tables",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The copy button copies what a reader pastes into ``python``: prompt lines only,
# prompts removed, output and blank output lines dropped; an empty "..." line
# (which ends a compound statement) stays, as an empty line. tests/test_docs_paste.py
# reads this pattern and pastes every block the same way.
copybutton_prompt_text = r">>>(?: |$)|\.\.\.(?: |$)|\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True
copybutton_copy_empty_lines = False

plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

html_theme = "furo"
html_title = f"iopmodel {release}"
html_static_path = ["_static"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Large constants (rule sets, tables) carry ":meta hide-value:" in their comment.
autodoc_default_options = {"members": True}
autodoc_preserve_defaults = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# No network here: no intersphinx. Targets outside iopmodel are not linked, and
# nitpicky mode ignores them explicitly, so every *iopmodel* reference is checked.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        (
            r"(datetime|fractions|zoneinfo|collections\.abc|typing|types|enum|hypothesis"
            r"|dateutil|attrs|attr|cattrs|pathlib|decimal|random|concurrent|pandas|matplotlib"
            r"|icalendar|simpy|numpy)(\..*)?"
        ),
    ),
    (r"py:.*", r"(dt|st|Fraction|ZoneInfo|Final|Any|Self|SearchStrategy)(\..*)?"),
    (r"py:.*", r"(bool|int|str|float|object|None|tuple|list|dict|Exception)"),
    (r"py:.*", r"(ValueError|TypeError|LookupError|KeyError|ExceptionGroup)"),
    (r"py:.*", r"iopmodel\..*\.(T|P|Confidence)"),
]

# Doctests run from the repository root, so paths such as examples/... work
# wherever sphinx-build is started.
doctest_global_setup = f"""
import os
os.chdir({str(HERE.parent)!r})
"""
