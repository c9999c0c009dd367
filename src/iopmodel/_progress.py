"""Private progress bars for long work (the ``progress`` extra: tqdm).

Library calls show no bar unless asked (``progress=True``); the command line
asks. ``tqdm.auto`` draws in a terminal and in a notebook alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from iopmodel.errors import MissingExtraError

T = TypeVar("T")


def progress(
    items: Iterable[T], *, enabled: bool, total: int | None = None, desc: str = ""
) -> Iterable[T]:
    """*items*, wrapped in a tqdm bar when *enabled* (needs the ``progress`` extra).

    Example:
        >>> from iopmodel._progress import progress
        >>> list(progress([1, 2], enabled=False))
        [1, 2]
    """
    if not enabled:
        return items
    try:
        from tqdm.auto import tqdm  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("progress", "tqdm") from None
    bar: Iterator[T] = iter(tqdm(items, total=total, desc=desc, leave=False))
    return bar
