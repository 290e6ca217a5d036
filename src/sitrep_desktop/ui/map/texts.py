"""Texts that drawings and estimated areas carry on the map, and where they sit.

Each MapText offers a few spots (anchors in projected metres, from
``geo.label_anchors``) and a way to sit at each: beside a point, centred on an
area, or fixed where the user clicked (a text drawing). Whenever the view or
what is drawn changes, the canvas calls ``arrange``: each text, most important
first, takes the first spot that covers neither another such text nor a
place's marker or name (``geo.label_layout.choose_positions``). One that finds
no free spot waits for a closer look (its drawing stays, with the label as a
tooltip), except a text drawing, which is the drawing itself. Place names then
keep clear of these texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
)

from sitrep_desktop.geo.label_anchors import (
    BESIDE,
    FIXED,
    clear_of_lines_first,
    label_offsets,
    lines_geometry,
)
from sitrep_desktop.geo.label_layout import Box, choose_positions
from sitrep_desktop.ui.map.place_labels import LABEL_GAP

EVENT_BOX = 12.0  # pixels: an event marker's box
MANY_EVENTS = 500  # beyond this many markers in view, they are boxed by grid cell
MIN_SHAPE = 40.0  # pixels a line or area must span on screen to carry its label
NAME_MARGIN = 10.0  # pixels kept free left and right of a place's name


class MapText(QGraphicsSimpleTextItem):
    """A label in screen pixels at one of its anchors; ``arrange`` picks which."""

    def __init__(
        self,
        text: str,
        parent: QGraphicsItem,
        anchors: Sequence[tuple[float, float]],
        placement: str,
        rank: int,
    ) -> None:
        super().__init__(text, parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.anchors = [(float(x), float(y)) for x, y in anchors]
        self.placement = placement
        self.rank = rank
        # The labelled shape's larger side in projected metres: 0 for a point, and
        # for a text drawing, which is shown whatever the zoom.
        self.extent = 0.0
        if placement != FIXED and isinstance(parent, QGraphicsPathItem):
            rect = parent.path().boundingRect()
            self.extent = max(rect.width(), rect.height())
        self.spot = (0, 0)  # (anchor index, offset index) now taken
        if self.anchors:
            self.take(0, 0)

    def offsets(self) -> list[tuple[float, float]]:
        """Pixel offsets of the text's top-left corner from an anchor, best first."""
        rect = self.boundingRect()
        return label_offsets(self.placement, rect.width(), rect.height())

    def take(self, anchor: int, offset: int) -> None:
        x, y = self.anchors[anchor]
        dx, dy = self.offsets()[offset]
        self.setPos(QPointF(x, y))
        self.setTransform(QTransform.fromTranslate(dx, dy))
        self.spot = (anchor, offset)


def arrange(
    texts: Iterable[MapText],
    to_pixels: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    pixels_per_metre: float,
    obstacles: Sequence[Box],
    bounds: tuple[float, float, float, float],
) -> None:
    """Give each shown text the first free spot, most important first.

    The label of a line or an area that is smaller on screen than MIN_SHAPE
    pixels waits for a closer look: at world zoom the demo's five labels would
    otherwise pile up on one spot over the names of whole countries.
    """
    shown = []
    for text in texts:
        parent = text.parentItem()
        if parent is not None and not parent.isVisible() or not text.anchors:
            continue
        big_enough = text.extent == 0 or text.extent * pixels_per_metre >= MIN_SHAPE
        text.setVisible(big_enough)
        if big_enough:
            shown.append(text)
    ordered = sorted(shown, key=lambda t: (t.rank, t.text()))
    # Spots across a line drawing come last, for every label: a front line must
    # not strike out its own name, nor the M5 an estimate's.
    lines = lines_geometry([line for text in ordered for line in _own_lines(text, to_pixels)])
    candidates: list[list[Box]] = []
    spots: list[list[tuple[int, int]]] = []
    for text in ordered:
        x, y = to_pixels(*(np.array(column) for column in zip(*text.anchors)))
        rect = text.boundingRect()
        offsets = text.offsets()
        boxes, choices = [], []
        for a, (px, py) in enumerate(zip(np.atleast_1d(x), np.atleast_1d(y))):
            for o, (dx, dy) in enumerate(offsets):
                boxes.append((float(px) + dx, float(py) + dy, rect.width(), rect.height()))
                choices.append((a, o))
        order = clear_of_lines_first(boxes, lines, 3.0)
        candidates.append([boxes[i] for i in order])
        spots.append([choices[i] for i in order])
    required = [text.placement == FIXED for text in ordered]
    chosen = choose_positions(candidates, obstacles=obstacles, bounds=bounds, required=required)
    for text, choices, k in zip(ordered, spots, chosen):
        text.setVisible(k >= 0)
        if k >= 0 and choices[k] != text.spot:
            text.take(*choices[k])


def _own_lines(text: MapText, to_pixels) -> list[np.ndarray]:
    """The pixel lines of the line a text labels (none for a point or an area):
    spots across them come last, so the stroke never strikes the text out."""
    parent = text.parentItem()
    # Only a line's label sits beside a shape with an extent (a point has none;
    # an area's name is centred inside, where no outline runs).
    if text.placement != BESIDE or text.extent == 0 or not isinstance(parent, QGraphicsPathItem):
        return []
    lines = []
    for polygon in parent.path().toSubpathPolygons():
        xy = np.array([(p.x(), p.y()) for p in polygon])
        if len(xy) >= 2:
            lines.append(np.column_stack(to_pixels(xy[:, 0], xy[:, 1])))
    return lines


def text_boxes(canvas, *, map_texts: bool = True) -> list[Box]:
    """Pixel boxes of text other items draw on the map (drawing and estimate
    labels, measurements), kept free of place names. Without ``map_texts``:
    only the texts that do not move (measurements, tool hints)."""
    transform = canvas.viewportTransform()
    boxes = []
    for item in canvas.scene().items():
        if not isinstance(item, QGraphicsSimpleTextItem | QGraphicsTextItem):
            continue
        if not item.isVisible() or (not map_texts and isinstance(item, MapText)):
            continue
        rect = item.deviceTransform(transform).mapRect(item.boundingRect())
        if rect.intersects(canvas.viewport().rect()):
            boxes.append((rect.left(), rect.top(), rect.width(), rect.height()))
    return boxes


def widened(boxes: list[Box], margin: float = NAME_MARGIN) -> list[Box]:
    """The boxes with a word's space left and right, kept between a name and any
    other text: flush, "HTS — ESTIMATE" read as the end of "Latakia", and "Habboûch"
    as one with the coastal region's label."""
    return [(x - margin, y, w + 2 * margin, h) for x, y, w, h in boxes]


def arrange_canvas_texts(canvas) -> None:
    """Give the canvas's drawing and estimate labels spots clear of places, events
    and each other."""
    texts = [item for item in canvas.scene().items() if isinstance(item, MapText)]
    if not texts or canvas.place_marks is None:
        return
    # View metres -> widget pixels, as the items are painted.
    transform = canvas.view.childGroup.deviceTransform(canvas.viewportTransform())

    def to_pixels(x, y):
        return (
            transform.m11() * x + transform.m21() * y + transform.dx(),
            transform.m12() * x + transform.m22() * y + transform.dy(),
        )

    size = canvas.viewport().rect()
    bounds = (0.0, 0.0, float(size.width()), float(size.height()))
    obstacles = _marker_boxes(canvas, to_pixels, bounds) + text_boxes(canvas, map_texts=False)
    obstacles += canvas.overlays.boxes()
    pixels_per_metre = float(np.hypot(transform.m11(), transform.m12()))
    arrange(texts, to_pixels, pixels_per_metre, obstacles, bounds)


def _marker_boxes(canvas, to_pixels, bounds) -> list[Box]:
    """Pixel boxes of place and event markers in view, and of the spot right
    of each place where its name goes first."""
    names, x, y, radii = canvas.place_marks
    boxes: list[Box] = []
    right, bottom = bounds[2], bounds[3]
    px, py = to_pixels(x, y)
    height = canvas.place_labels.text_height("place")
    for name, a, b, r in zip(names, px, py, radii):
        if -200 <= a <= right + 20 and -20 <= b <= bottom + 20:  # names reach in from the left
            boxes.append((a - r, b - r, 2 * r, 2 * r))
            width = canvas.place_labels.text_width("place", name)
            # A word's space on either side: flush against a name, "HTS — ESTIMATE"
            # read as the end of "Latakia".
            boxes += widened([(a + r + LABEL_GAP, b - height / 2, width, height)])
    ex, ey = canvas.event_scatter.getData()
    if ex is not None and len(ex):
        ex, ey = to_pixels(np.asarray(ex), np.asarray(ey))
        inside = (ex >= 0) & (ex <= right) & (ey >= 0) & (ey <= bottom)
        ex, ey = ex[inside], ey[inside]
        if len(ex) > MANY_EVENTS:
            # Thousands of markers: one box per occupied grid cell, wide enough to
            # cover any marker in it, keeps the layout's work bounded by the screen.
            i = np.floor(ex / EVENT_BOX).astype(np.int64)
            j = np.floor(ey / EVENT_BOX).astype(np.int64)
            cells = np.unique(i * 1_000_003 + j)  # one integer per cell: a fast unique
            i, j = np.divmod(cells, 1_000_003)
            boxes += [(a * EVENT_BOX - 6, b * EVENT_BOX - 6, 24.0, 24.0) for a, b in zip(i, j)]
        else:
            boxes += [(a - 6, b - 6, 12.0, 12.0) for a, b in zip(ex, ey)]
    return boxes
