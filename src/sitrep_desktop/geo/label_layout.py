"""Label decluttering: which names to draw, and where, so that none overlap.

Pure numpy, no Qt: the map's label item measures each text and asks this module
which candidates survive. Greedy by priority, the usual cartographic rule: the
most important name is placed first, each next one takes the first of its
candidate positions (right of the point, left, above, below) that hits no label
already placed, and is dropped if none is free. A coarse grid of buckets keeps
the collision check close to linear in the number of labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Offsets of the label box's top-left corner from its point, as fractions of
# (width, height), plus a fixed gap in pixels: right, left, above, below.
_CANDIDATES = (
    (0.0, -0.5, 1.0, 0.0),
    (-1.0, -0.5, -1.0, 0.0),
    (-0.5, -1.0, 0.0, -1.0),
    (-0.5, 0.0, 0.0, 1.0),
)
CELL = 64.0  # bucket size in pixels


@dataclass(frozen=True)
class PlacedLabel:
    """A label that survived: its index in the input and its box in pixels."""

    index: int
    left: float
    top: float
    width: float
    height: float

    def overlaps(self, other: PlacedLabel) -> bool:
        return (
            self.left < other.left + other.width
            and other.left < self.left + self.width
            and self.top < other.top + other.height
            and other.top < self.top + self.height
        )


def layout_labels(
    x: np.ndarray,
    y: np.ndarray,
    widths: np.ndarray,
    heights: np.ndarray,
    priority: np.ndarray,
    *,
    gap: float = 5.0,
    padding: float = 2.0,
    centred: np.ndarray | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
) -> list[PlacedLabel]:
    """Labels to draw, highest priority first, no two boxes overlapping.

    ``x, y`` are the labelled points in pixels (y down), ``widths, heights``
    the text sizes. ``centred[i]`` puts label i on its point instead of beside
    it (area names such as countries). ``padding`` keeps that much space
    between boxes. ``bounds`` (left, top, right, bottom) drops labels that
    would stick out of the view. ``obstacles`` (left, top, width, height) are
    boxes already taken by text drawn elsewhere (drawing labels): no label goes there.
    """
    n = len(x)
    centred = np.zeros(n, bool) if centred is None else np.asarray(centred, bool)
    order = np.argsort(-np.asarray(priority, float), kind="stable")
    buckets: dict[tuple[int, int], list[PlacedLabel]] = {}
    for left, top, width, height in obstacles:
        taken = PlacedLabel(-1, left, top, width, height)
        for c in _cells(taken):
            buckets.setdefault(c, []).append(taken)
    placed: list[PlacedLabel] = []
    for i in order:
        w, h = float(widths[i]), float(heights[i])
        candidates = ((-0.5, -0.5, 0.0, 0.0),) if centred[i] else _CANDIDATES
        for fx, fy, gx, gy in candidates:
            box = PlacedLabel(
                int(i),
                float(x[i]) + fx * w + gx * gap - padding,
                float(y[i]) + fy * h + gy * gap - padding,
                w + 2 * padding,
                h + 2 * padding,
            )
            if bounds is not None and not _inside(box, bounds):
                continue
            cells = _cells(box)
            if any(box.overlaps(other) for c in cells for other in buckets.get(c, ())):
                continue
            for c in cells:
                buckets.setdefault(c, []).append(box)
            placed.append(box)
            break
    return [
        PlacedLabel(
            p.index,
            p.left + padding,
            p.top + padding,
            p.width - 2 * padding,
            p.height - 2 * padding,
        )
        for p in placed
    ]


def _inside(box: PlacedLabel, bounds: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = bounds
    return (
        box.left >= left
        and box.top >= top
        and box.left + box.width <= right
        and box.top + box.height <= bottom
    )


def _cells(box: PlacedLabel) -> list[tuple[int, int]]:
    x0, x1 = int(box.left // CELL), int((box.left + box.width) // CELL)
    y0, y1 = int(box.top // CELL), int((box.top + box.height) // CELL)
    return [(cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1)]


def any_overlap(boxes: list[PlacedLabel]) -> bool:
    """True if two of ``boxes`` overlap (for tests and assertions)."""
    return any(a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1 :])
