"""Shared helpers for the benchmark scripts: one timing rule, one report line format.

Every figure is printed next to a floor measured in the same run on the same
machine, so a ratio means something even on a slower laptop.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def report(name: str, value: float, unit: str, floor: float, floor_unit: str | None = None) -> None:
    """Print ``name: value unit (floor: value unit, ratio: r)`` where ratio = value / floor."""
    ratio = value / floor if floor else float("inf")
    floor_text = f"{_number(floor)} {floor_unit or unit}"
    print(f"{name}: {_number(value)} {unit} (floor: {floor_text}, ratio: {ratio:.2f})", flush=True)


def _number(value: float) -> str:
    # Enough digits to compare runs by eye without printing float noise.
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def timeit_median(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeat`` runs, after one warm-up call.

    The warm-up keeps import and first-call caching out of the figure; the
    median keeps one scheduler hiccup out of it.
    """
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_peak_memory(name: str) -> None:
    """Print ``name peak memory: N MB``, the process's resident-set high-water mark.

    On Linux, VmHWM of /proc/self/status: getrusage's ru_maxrss survives exec, so a
    benchmark started by a big process (bench_scale's import, after its window
    figures) would report its parent's peak as its own.
    """
    try:
        status = Path("/proc/self/status").read_text()
        kilobytes = next(int(line.split()[1]) for line in status.splitlines()
                         if line.startswith("VmHWM:"))  # fmt: skip
        megabytes = kilobytes / 1024
    except (OSError, StopIteration, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # Linux reports kilobytes, macOS bytes.
        megabytes = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(f"{name} peak memory: {megabytes:.0f} MB", flush=True)
