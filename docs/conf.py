"""Sphinx configuration for the iopmodel documentation."""

from __future__ import annotations

import doctest
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
    "matplotlib.sphinxext.plot_directive",
    "iopmodel_tables",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

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

# Long expected outputs in docstrings are wrapped at spaces (the same flag as
# pytest's doctest_optionflags in pyproject.toml).
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.NORMALIZE_WHITESPACE
)
