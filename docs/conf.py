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
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "myst_nb",  # MyST Markdown pages and the example notebook, executed
    "sphinx_copybutton",
    "matplotlib.sphinxext.plot_directive",
    "iopmodel_tables",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "generated/*.md", "_inv", "jupyter_execute"]
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
html_css_files = ["iopmodel.css"]  # wrap long code lines; tables fit the page

# The example notebook (docs/examples/compare_designs.ipynb links to the one in
# examples/, stored without outputs) is executed at build time, so readers see
# its tables, HTML displays and plots. A failing cell fails the build.
nb_execution_mode = "cache"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

autosummary_generate = False  # the API index lists modules with one-line summaries

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Large constants (rule sets, tables) carry ":meta hide-value:" in their comment.
autodoc_default_options = {"members": True}
autodoc_preserve_defaults = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# No network here: intersphinx reads inventories stored in docs/_inv, written
# by docs/_inv/make_inventories.py (see its docstring). Every name they list is
# linked; nitpicky mode reports every other reference that does not resolve.
intersphinx_mapping = {
    name: (base, str(HERE / "_inv" / f"{name}.inv"))
    for name, base in {
        "python": "https://docs.python.org/3/",
        "attrs": "https://www.attrs.org/en/stable/",
        "pandas": "https://pandas.pydata.org/docs/",
        "matplotlib": "https://matplotlib.org/stable/",
        "hypothesis": "https://hypothesis.readthedocs.io/en/latest/",
    }.items()
}
nitpicky = True
nitpick_ignore_regex = [
    # Libraries without a stored inventory, and type variables.
    (r"py:.*", r"(dateutil|cattrs|icalendar|simpy|numpy|st|hypothesis)(\..*)?"),
    (r"py:.*", r"(Final|Any|Self|SearchStrategy|Literal|TypeVar|Callable)(\..*)?"),
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
