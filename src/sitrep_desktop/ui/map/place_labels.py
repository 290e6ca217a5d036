"""Place, region and country names on the map, decluttered at every zoom.

One item paints every label in screen pixels. At each paint it takes the
candidates inside the view, keeps the most important few hundred, and lets
``geo.label_layout`` choose which to draw so that no two overlap. Importance:
the selected place, then the database's places (by kind and population), then
country names, then gazetteer towns by population, then governorates.

The layout and the painted names are kept (an image the size of the view) and
drawn again as they are while nothing they depend on moved: the view, the
candidates, the obstacles, the widget's size. A burst of team events repaints
the map many times a second; the names need no new layout for that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from sitrep_desktop.geo.label_layout import PlacedLabel, layout_labels
from sitrep_desktop.geo.label_priority import (  # noqa: F401 (the canvas' names for them)
    MIN_PRIORITY,
    basemap_label_candidates,
    country_priority,
    place_priority,
)

MAX_CANDIDATES = 300
LABEL_GAP = 3.0  # pixels between a marker's edge and its name
DOT_RADIUS = 2.5  # gazetteer towns' dots


@dataclass(frozen=True)
class LabelStyle:
    colour: str
    point_size: float
    bold: bool = False
    italic: bool = False
    centred: bool = False  # on the point (areas) rather than beside it
    dot: bool = False  # draw a small dot at the point (gazetteer towns)


STYLES = {
    "place": LabelStyle("#1a1a1a", 9.5, bold=True),
    "country": LabelStyle("#5d4e63", 10.0, centred=True),
    "admin1": LabelStyle("#8a7f90", 8.0, italic=True, centred=True),
    "town": LabelStyle("#3c3c3c", 8.0, dot=True),
}


class PlaceLabels(pg.GraphicsObject):
    """All map labels; ``drawn`` holds the (text, pixel box) of the last paint."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(35)
        self._fonts = {kind: _font(style) for kind, style in STYLES.items()}
        self._metrics = {kind: QFontMetricsF(font) for kind, font in self._fonts.items()}
        self._widths: dict[tuple[str, str], float] = {}
        self._generation = 0  # moves on with every new set of candidates
        self._cached: tuple[tuple, QImage, list[tuple[str, QRectF]]] | None = None
        self.layouts = 0  # how many times the names were laid out (tests count them)
        self.set_candidates([], np.empty(0), np.empty(0), np.empty(0), [])
        self.drawn: list[tuple[str, QRectF]] = []
        self.min_priority = 0.0  # raised at wide zooms so small towns wait for a closer look
        # Pixel boxes of text drawn by other items (drawing labels), asked at each paint.
        self.obstacles: Callable[[], list[tuple[float, float, float, float]]] = list

    def set_candidates(
        self,
        texts: list[str],
        x: np.ndarray,
        y: np.ndarray,
        priority: np.ndarray,
        kinds: list[str],
        radii: np.ndarray | None = None,
    ) -> None:
        """Every label that could be drawn: projected position, importance, style
        kind, and the pixel radius of the marker the name must clear."""
        dots = np.array([DOT_RADIUS if k == "town" else 0.0 for k in kinds])
        new = (
            list(texts),
            np.asarray(x, float),
            np.asarray(y, float),
            np.asarray(priority, float),
            dots if radii is None else np.asarray(radii, float),
            list(kinds),
        )
        if self._generation and self._same_candidates(new):
            return  # the places redrawn as they were (events arrived): the names stand
        self.texts, self.x, self.y, self.priority, self.radii, self.kinds = new
        self._kind_codes = np.array([list(STYLES).index(k) for k in kinds], np.int64)
        self._generation += 1
        self.update()

    def _same_candidates(self, new: tuple) -> bool:
        texts, x, y, priority, radii, kinds = new
        return (
            texts == self.texts
            and kinds == self.kinds
            and all(
                np.array_equal(a, b)
                for a, b in (
                    (x, self.x),
                    (y, self.y),
                    (priority, self.priority),
                    (radii, self.radii),
                )
            )
        )

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        # Labels can sit anywhere on the map; a world-sized box in projected metres.
        return QRectF(-2.1e7, -2.1e7, 4.2e7, 4.2e7)

    def text_width(self, kind: str, text: str) -> float:
        """Width in pixels of `text` in the style of `kind` (measured once)."""
        key = (kind, text)
        width = self._widths.get(key)
        if width is None:
            width = self._metrics[kind].horizontalAdvance(text)
            self._widths[key] = width
        return width

    def text_height(self, kind: str) -> float:
        return self._metrics[kind].height()

    def paint(self, painter, option, widget=None) -> None:
        view = self.viewRect()
        if view is None or not len(self.x):
            self.drawn = []
            return
        device = painter.device()
        obstacles = self.obstacles()
        if not isinstance(device, QWidget):
            # Not the window's map (an export, a grab): drawn as vectors, not cached.
            bounds = None if device is None else (0.0, 0.0, device.width(), device.height())
            self._paint_names(painter, view, bounds, obstacles)
            return
        t = painter.worldTransform()
        ratio = device.devicePixelRatioF()
        key = (
            (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy()),
            (device.width(), device.height(), ratio),
            self._generation,
            self.min_priority,
            tuple(obstacles),
        )
        if self._cached is None or self._cached[0] != key:
            image = QImage(
                round(device.width() * ratio),
                round(device.height() * ratio),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(ratio)
            image.fill(Qt.GlobalColor.transparent)
            into = QPainter(image)
            into.setWorldTransform(t)
            try:
                bounds = (0.0, 0.0, float(device.width()), float(device.height()))
                self._paint_names(into, view, bounds, obstacles)
            finally:
                into.end()
            self._cached = (key, image, self.drawn)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(0.0, 0.0), self._cached[1])
        painter.restore()
        self.drawn = list(self._cached[2])

    def _paint_names(self, painter, view: QRectF, bounds, obstacles) -> None:
        """Lay the names out and paint them with `painter` (its transform: the map's)."""
        self.layouts += 1
        inside = np.flatnonzero(
            (self.x >= view.left())
            & (self.x <= view.right())
            & (self.y >= view.top())
            & (self.y <= view.bottom())
            & (self.priority >= self.min_priority)
        )
        if len(inside) > MAX_CANDIDATES:
            top = np.argpartition(-self.priority[inside], MAX_CANDIDATES)[:MAX_CANDIDATES]
            inside = inside[top]
        transform = painter.worldTransform()
        px = transform.m11() * self.x[inside] + transform.m21() * self.y[inside] + transform.dx()
        py = transform.m12() * self.x[inside] + transform.m22() * self.y[inside] + transform.dy()
        kinds = [self.kinds[i] for i in inside]
        widths = np.array([self.text_width(k, self.texts[i]) for k, i in zip(kinds, inside)])
        heights = np.array([self._metrics[k].height() for k in kinds])
        centred = np.array([STYLES[k].centred for k in kinds], bool)
        placed = layout_labels(
            px,
            py,
            widths,
            heights,
            self.priority[inside],
            gap=LABEL_GAP + self.radii[inside],
            centred=centred,
            bounds=bounds,
            obstacles=obstacles,
        )
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        self.drawn = []
        for box in placed:
            self._draw(painter, box, inside, kinds, px, py)
        painter.restore()

    def _draw(self, painter, box: PlacedLabel, inside, kinds, px, py) -> None:
        kind = kinds[box.index]
        style = STYLES[kind]
        text = self.texts[inside[box.index]]
        if style.dot:
            painter.setPen(QPen(QColor("#ffffff"), 1.0))
            painter.setBrush(QBrush(QColor(style.colour)))
            painter.drawEllipse(QPointF(px[box.index], py[box.index]), DOT_RADIUS, DOT_RADIUS)
        rect = QRectF(box.left, box.top, box.width, box.height)
        painter.setFont(self._fonts[kind])
        # A white halo keeps names legible over lines and markers.
        painter.setPen(QPen(QColor(255, 255, 255, 210), 1.0))
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            painter.drawText(rect.translated(dx, dy), Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QPen(QColor(style.colour)))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        self.drawn.append((text, rect))


def _font(style: LabelStyle) -> QFont:
    font = QFont()
    font.setPointSizeF(style.point_size)
    font.setBold(style.bold)
    font.setItalic(style.italic)
    return font
