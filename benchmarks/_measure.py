"""What the benchmarks share: peak memory of a call, and the growth report."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable


def peak_bytes(function: Callable[[], object]) -> int:
    """Peak memory Python allocated during one call (tracemalloc; slower, so untimed)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def print_growth(
    growth: dict[str, list[tuple[float, int]]], sizes: list[int], unit: str
) -> None:
    """Print each route's growth of time and peak memory, smallest size to largest.

    *growth* holds each route's (seconds, peak bytes) at each of *sizes*.
    """
    if len(sizes) < 2:
        return
    ratio = sizes[-1] / sizes[0]
    print(f"growth from {sizes[0]:,} to {sizes[-1]:,} {unit} ({ratio:g}x):")
    for name, ((first_s, first_b), *_, (last_s, last_b)) in growth.items():
        print(
            f"  {name:<40} {last_s / first_s:5.1f}x time, "
            f"{last_b / first_b:5.1f}x peak memory ({last_b / 2**20:,.0f} MiB)"
        )
