"""Screenshot the built docs in headless Chromium, to look at them as a reader would.

Usage (after building the HTML docs)::

    python -m sphinx -b html docs docs/_build/html
    python docs/screenshot.py            # writes docs/_build/screenshots/*.png

Needs Chromium (on Debian: ``apt-get install chromium``). The pages are served
from a local HTTP server on 127.0.0.1 only, and Chromium runs with background
networking disabled.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).parent
PAGES = {
    "home": "index.html",
    "getting-started": "getting-started.html",
    "tutorial": "tutorial.html",
    "levels": "concepts/levels.html",
    "api-index": "reference/index.html",
    "api-rules": "reference/rules.html",
    "rule-catalogue": "rules.html",
    "notebooks": "guides/notebooks.html",
    "notebook": "examples/compare_designs.html",
    "simulation": "guides/simulation.html",
}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Do not log each request."""


def main() -> None:
    """Serve the built HTML and screenshot each page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HERE / "_build" / "html")
    parser.add_argument("--out", type=Path, default=HERE / "_build" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("pages", nargs="*", help="names to take (default: all)")
    args = parser.parse_args()
    pages = {k: v for k, v in PAGES.items() if not args.pages or k in args.pages}
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    handler = functools.partial(_QuietHandler, directory=str(args.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        for name, page in pages.items():
            target = args.out / f"{name}.png"
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    [
                        browser,
                        *FLAGS,
                        f"--user-data-dir={profile}",
                        f"--window-size={args.width},{args.height}",
                        f"--screenshot={target}",
                        f"http://127.0.0.1:{port}/{page}",
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
            print(f"{target}")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
