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
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from ..geo.label_anchors import FIXED, label_offsets
from ..geo.label_layout import Box, choose_positions

MIN_SHAPE = 40.0  # pixels a line or area must span on screen to carry its label


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
        candidates.append(boxes)
        spots.append(choices)
    required = [text.placement == FIXED for text in ordered]
    chosen = choose_positions(candidates, obstacles=obstacles, bounds=bounds, required=required)
    for text, choices, k in zip(ordered, spots, chosen):
        text.setVisible(k >= 0)
        if k >= 0 and choices[k] != text.spot:
            text.take(*choices[k])
