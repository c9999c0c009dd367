"""``python -m iopmodel``: the command line (see :mod:`iopmodel.cli`)."""

from iopmodel.cli import main

raise SystemExit(main())
