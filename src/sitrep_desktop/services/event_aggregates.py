"""Levels of detail for events: where many events are in view, cells with counts.

The map, the snapshot and the benchmark ask the same question: given the rows
of events shown (services.event_arrays) and the size of a screen pixel, draw
each event as a marker, or group them into square cells of about CELL_PX
pixels with a count, the dominant category and the counts by category.

The grid is fixed to the map, not to the screen: a cell is
[k·size, (k+1)·size) in projected metres, with `size` a power of two, so a
pan does not reshuffle events between cells and a small zoom keeps the same
cells. An event exactly on a cell's lower edge belongs to that cell, one on
its upper edge to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# More events than this in view: cells, not markers. A few thousand markers
# still paint in a frame and stay readable; past that they are a smear.
AGGREGATE_THRESHOLD = 3_000
CELL_PX = 48.0  # about this many pixels a side
# Cells with at most this many distinct keys are counted with bincount (O(n));
# past it, the keys are sorted (np.unique), which works for any extent.
_DENSE_KEYS = 4_000_000


def cell_size_for(units_per_pixel: float, cell_px: float = CELL_PX) -> float:
    """The side of a cell in map units: the power of two nearest `cell_px` pixels."""
    wanted = max(abs(units_per_pixel) * cell_px, 1e-9)
    return float(2.0 ** round(math.log2(wanted)))


@dataclass(frozen=True)
class EventCells:
    """Cells holding at least one event, in the units of the x/y given (map metres)."""

    size: float
    ix: np.ndarray  # int64 column of each cell
    iy: np.ndarray  # int64 row of each cell
    counts: np.ndarray  # int64 events in each cell
    by_category: np.ndarray  # int64 (cells, categories): counts by category code
    x: np.ndarray  # mean x of the cell's events: where its disc is drawn
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def dominant(self) -> np.ndarray:
        """Category code with the most events in each cell (the lowest code on a tie)."""
        if not len(self):
            return np.zeros(0, np.int64)
        return np.argmax(self.by_category, axis=1)

    def bounds(self, index: int) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of a cell."""
        x0, y0 = self.ix[index] * self.size, self.iy[index] * self.size
        return float(x0), float(y0), float(x0 + self.size), float(y0 + self.size)

    def at(self, x: float, y: float) -> int | None:
        """The cell holding the point (x, y), or None."""
        ix, iy = math.floor(x / self.size), math.floor(y / self.size)
        found = np.flatnonzero((self.ix == ix) & (self.iy == iy))
        return int(found[0]) if len(found) else None

    def tip(self, index: int, categories: list[str]) -> str:
        """ "N events" and the counts by category, most first: an aggregate's tooltip."""
        row = self.by_category[index]
        order = np.argsort(-row, kind="stable")
        lines = [f"{int(self.counts[index]):,} events"]
        lines += [f"{categories[c]}: {int(row[c]):,}" for c in order if row[c]]
        return "\n".join(lines)


def aggregate(
    x: np.ndarray, y: np.ndarray, codes: np.ndarray, n_categories: int, size: float
) -> EventCells:
    """Group the points (x, y) with category `codes` into square cells of side `size`."""
    n_categories = max(int(n_categories), int(codes.max()) + 1 if len(codes) else 0, 1)
    if not len(x):
        empty = np.zeros(0, np.int64)
        return EventCells(size, empty, empty, empty, np.zeros((0, n_categories), np.int64),
                          np.zeros(0), np.zeros(0))  # fmt: skip
    ix = np.floor(x / size).astype(np.int64)
    iy = np.floor(y / size).astype(np.int64)
    x0, y0 = ix.min(), iy.min()
    width, height = int(ix.max() - x0) + 1, int(iy.max() - y0) + 1
    if width * height <= _DENSE_KEYS:
        key = (ix - x0) * height + (iy - y0)
        counts_all = np.bincount(key, minlength=width * height)
        occupied = np.flatnonzero(counts_all)
        # Each event's cell number among the occupied ones.
        slot = np.full(width * height, -1, np.int64)
        slot[occupied] = np.arange(len(occupied))
        inverse = slot[key]
        cell_ix, cell_iy = occupied // height + x0, occupied % height + y0
        counts = counts_all[occupied]
    else:
        key = np.stack((ix, iy), axis=1)
        unique, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        cell_ix, cell_iy = unique[:, 0], unique[:, 1]
    cells = len(counts)
    by_category = np.bincount(
        inverse * n_categories + codes.astype(np.int64), minlength=cells * n_categories
    ).reshape(cells, n_categories)
    mean_x = np.bincount(inverse, weights=x, minlength=cells) / counts
    mean_y = np.bincount(inverse, weights=y, minlength=cells) / counts
    return EventCells(
        size,
        cell_ix.astype(np.int64),
        cell_iy.astype(np.int64),
        counts.astype(np.int64),
        by_category.astype(np.int64),
        mean_x,
        mean_y,
    )


def disc_sizes(counts: np.ndarray, smallest: float = 14.0, largest: float = 46.0) -> np.ndarray:
    """Disc diameter in pixels for each count: area grows with the log of the count,
    so a cell of 10 and one of 100,000 both read."""
    if not len(counts):
        return np.zeros(0)
    scale = np.log10(np.maximum(counts, 1)) / 6.0  # a million events: the largest disc
    return smallest + (largest - smallest) * np.sqrt(np.clip(scale, 0.0, 1.0))


def count_text(count: int) -> str:
    """A cell's count as it fits a disc: 950, 9.5k, 95k, 1.2M."""
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k"
    if count < 1_000_000:
        return f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"
