"""Label decluttering: which names to draw, and where, so that none overlap.

Pure numpy, no Qt: the map's label item measures each text and asks this module
which candidates survive. Greedy by priority, the usual cartographic rule: the
most important name is placed first, each next one takes the first of its
candidate positions (right of the point, left, above, below) that hits no label
already placed, and is dropped if none is free. A coarse grid of buckets keeps
the collision check close to linear in the number of labels.

Labels of drawings and estimates come first and offer several spots each:
``choose_positions`` gives each the first of its candidate boxes that is free;
one with no free spot waits for a closer look, except text the user placed,
which takes the spot that covers least of what is already there.
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
    gap: float | np.ndarray = 5.0,
    padding: float = 2.0,
    centred: np.ndarray | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
) -> list[PlacedLabel]:
    """Labels to draw, highest priority first, no two boxes overlapping.

    ``x, y`` are the labelled points in pixels (y down), ``widths, heights``
    the text sizes. ``centred[i]`` puts label i on its point instead of beside
    it (area names such as countries). ``gap`` is the space between a point and
    a label beside it: one for all, or one per label (a big marker needs more).
    ``padding`` keeps that much space
    between boxes. ``bounds`` (left, top, right, bottom) drops labels that
    would stick out of the view. ``obstacles`` (left, top, width, height) are
    boxes already taken by text drawn elsewhere (drawing labels): no label goes there.
    """
    n = len(x)
    centred = np.zeros(n, bool) if centred is None else np.asarray(centred, bool).tolist()
    gaps = np.broadcast_to(np.asarray(gap, float), (n,)).tolist()
    order = np.argsort(-np.asarray(priority, float), kind="stable").tolist()
    xs, ys = np.asarray(x, float).tolist(), np.asarray(y, float).tolist()
    ws, hs = np.asarray(widths, float).tolist(), np.asarray(heights, float).tolist()
    # Boxes are plain (left, top, right, bottom) tuples while placing: this loop
    # runs at every pan frame, and a dataclass per tried spot cost more than the test.
    buckets: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for left, top, width, height in obstacles:
        taken = (left, top, left + width, top + height)
        for c in _edge_cells(*taken):
            buckets.setdefault(c, []).append(taken)
    if bounds is not None:
        b_left, b_top, b_right, b_bottom = bounds
    placed: list[PlacedLabel] = []
    for i in order:
        w, h, g = ws[i], hs[i], gaps[i]
        for fx, fy, gx, gy in _CENTRED if centred[i] else _CANDIDATES:
            left = xs[i] + fx * w + gx * g
            top = ys[i] + fy * h + gy * g
            box = (left - padding, top - padding, left + w + padding, top + h + padding)
            if bounds is not None and not (
                box[0] >= b_left and box[1] >= b_top and box[2] <= b_right and box[3] <= b_bottom
            ):
                continue
            cells = _edge_cells(*box)
            if any(
                box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
                for c in cells
                for o in buckets.get(c, ())
            ):
                continue
            for c in cells:
                buckets.setdefault(c, []).append(box)
            placed.append(PlacedLabel(int(i), left, top, w, h))
            break
    return placed


_CENTRED = ((-0.5, -0.5, 0.0, 0.0),)


def _edge_cells(left: float, top: float, right: float, bottom: float) -> list[tuple[int, int]]:
    x0, x1 = int(left // CELL), int(right // CELL)
    y0, y1 = int(top // CELL), int(bottom // CELL)
    return [(cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1)]


Box = tuple[float, float, float, float]  # left, top, width, height in pixels


def choose_positions(
    candidates: Sequence[Sequence[Box]],
    *,
    obstacles: Sequence[Box] = (),
    bounds: tuple[float, float, float, float] | None = None,
    padding: float = 2.0,
    required: Sequence[bool] | None = None,
) -> list[int]:
    """For drawn labels, most important first: which candidate box each one
    takes (an index into its own list), or -1 for none.

    A label takes its first candidate that lies inside ``bounds`` (left, top,
    right, bottom) and overlaps neither an obstacle nor a label placed before
    it. When none is free, a ``required`` label (text that is itself the
    drawing) still takes one: inside the bounds if it can be, then the one
    overlapping least; any other label gets -1 and waits for a closer look.
    By default every label is required.
    """
    taken: dict[tuple[int, int], list[PlacedLabel]] = {}
    for left, top, width, height in obstacles:
        _take(taken, PlacedLabel(-1, left, top, width, height))
    chosen: list[int] = []
    for label, boxes in enumerate(candidates):
        best, best_cost = -1, (True, float("inf"))
        for k, (left, top, width, height) in enumerate(boxes):
            raw = PlacedLabel(label, left, top, width, height)
            box = PlacedLabel(label, left - padding, top - padding, width + 2 * padding,
                              height + 2 * padding)  # fmt: skip
            outside = bounds is not None and not _inside(raw, bounds)
            others = {id(o): o for c in _cells(box) for o in taken.get(c, ())}.values()
            cost = (outside, sum(_overlap_area(box, o) for o in others))
            if cost < best_cost:
                best, best_cost = k, cost
            if cost == (False, 0.0):
                break
        if best_cost != (False, 0.0) and required is not None and not required[label]:
            best = -1
        chosen.append(best)
        if best >= 0:
            _take(taken, PlacedLabel(label, *boxes[best]))
    return chosen


def _take(buckets: dict[tuple[int, int], list[PlacedLabel]], box: PlacedLabel) -> None:
    for c in _cells(box):
        buckets.setdefault(c, []).append(box)


def _overlap_area(a: PlacedLabel, b: PlacedLabel) -> float:
    width = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
    height = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    return max(width, 0.0) * max(height, 0.0)


def _inside(box: PlacedLabel, bounds: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = bounds
    return (
        box.left >= left
        and box.top >= top
        and box.left + box.width <= right
        and box.top + box.height <= bottom
    )


def _cells(box: PlacedLabel) -> list[tuple[int, int]]:
    return _edge_cells(box.left, box.top, box.left + box.width, box.top + box.height)


def any_overlap(boxes: list[PlacedLabel]) -> bool:
    """True if two of ``boxes`` overlap (for tests and assertions)."""
    return any(a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1 :])
