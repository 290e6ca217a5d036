"""Place, region and country names on the map, decluttered at every zoom.

One item paints every label in screen pixels. At each paint it takes the
candidates inside the view, keeps the most important few hundred, and lets
``geo.label_layout`` choose which to draw so that no two overlap. Importance:
the selected place, then the database's places (by kind and population), then
country names, then gazetteer towns by population, then governorates.

The layout is kept and used again while nothing it depends on moved (the
view, the candidates, the obstacles, the device's size): a burst of team
events repaints the map many times a second, and the names need no new layout
for that. Each name is drawn once, with its halo, into a small image that every
later paint on a raster device blits; vector devices get the text itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintDevice,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from sitrep_desktop.geo.label_layout import PlacedLabel, layout_labels
from sitrep_desktop.geo.label_priority import (  # noqa: F401 (the canvas' names for them)
    MIN_PRIORITY,
    country_priority,
    place_priority,
)

MAX_CANDIDATES = 300
MAX_CACHED_IMAGES = 4000  # rendered names kept; a few MB at most
HALO = 1  # pixels of white halo around each name
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
        # A name with its halo is five text draws; each is drawn once into an
        # image and then blitted, which is what keeps pans with hundreds of names
        # near the bare basemap's frame time.
        self._images: dict[tuple[str, str, float], QImage] = {}
        # The last layout, reused while nothing it depends on has changed
        # (a repaint of the same view: a marker selected, an event added).
        self._layout_key: tuple | None = None
        self._layout: tuple | None = None
        self._generation = 0  # moves on with every new set of candidates
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
        # Vectorised: with the gazetteer's towns there are ~40,000 candidates.
        if radii is None:
            radii = np.where(np.array(kinds, dtype=str) == "town", DOT_RADIUS, 0.0)
        new = (
            list(texts),
            np.asarray(x, float),
            np.asarray(y, float),
            np.asarray(priority, float),
            np.asarray(radii, float),
            list(kinds),
        )
        if self._generation and self._same_candidates(new):
            return  # the places redrawn as they were (events arrived): the names stand
        self.texts, self.x, self.y, self.priority, self.radii, self.kinds = new
        self._generation += 1
        self._layout_key = None
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
        transform = painter.worldTransform()
        device = painter.device()
        bounds = (0.0, 0.0, float(device.width()), float(device.height())) if device else None
        obstacles = tuple(self.obstacles())
        key = (
            transform.m11(),
            transform.m12(),
            transform.m21(),
            transform.m22(),
            transform.dx(),
            transform.dy(),
            bounds,
            obstacles,
            self.min_priority,
        )
        if key != self._layout_key:
            self._layout = self._arrange(view, transform, bounds, list(obstacles))
            self._layout_key = key
        placed, inside, kinds, px, py = self._layout  # type: ignore[misc]
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        # Raster devices (the window, a grab, an image) blit each name's image;
        # an SVG or PDF gets real text.
        raster = isinstance(device, (QWidget, QImage, QPixmap))
        ratio = device.devicePixelRatioF() if isinstance(device, QPaintDevice) else 1.0
        self.drawn = []
        for box in placed:
            self._draw(painter, box, inside, kinds, px, py, ratio if raster else None)
        painter.restore()

    def _arrange(self, view, transform, bounds, obstacles) -> tuple:
        """Which names to draw and where, in device pixels, for this view."""
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
        return placed, inside, kinds, px, py

    def _draw(self, painter, box: PlacedLabel, inside, kinds, px, py, ratio: float | None) -> None:
        kind = kinds[box.index]
        style = STYLES[kind]
        text = self.texts[inside[box.index]]
        if style.dot:
            painter.setPen(QPen(QColor("#ffffff"), 1.0))
            painter.setBrush(QBrush(QColor(style.colour)))
            painter.drawEllipse(QPointF(px[box.index], py[box.index]), DOT_RADIUS, DOT_RADIUS)
        rect = QRectF(box.left, box.top, box.width, box.height)
        if ratio is None:
            _draw_name(painter, rect, self._fonts[kind], style.colour, text)
        else:
            image = self._image(kind, text, rect.size(), ratio)
            painter.drawImage(QPointF(rect.left() - HALO, rect.top() - HALO), image)
        self.drawn.append((text, rect))

    def _image(self, kind: str, text: str, size, ratio: float) -> QImage:
        """The name drawn once, with its white halo, on a transparent image."""
        key = (kind, text, ratio)
        image = self._images.get(key)
        if image is not None:
            return image
        if len(self._images) >= MAX_CACHED_IMAGES:
            self._images.clear()
        width, height = size.width() + 2 * HALO, size.height() + 2 * HALO
        image = QImage(
            max(1, int(np.ceil(width * ratio))),
            max(1, int(np.ceil(height * ratio))),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        rect = QRectF(HALO, HALO, size.width(), size.height())
        _draw_name(painter, rect, self._fonts[kind], STYLES[kind].colour, text)
        painter.end()
        self._images[key] = image
        return image


def _draw_name(painter, rect: QRectF, font: QFont, colour: str, text: str) -> None:
    painter.setFont(font)
    # A white halo keeps names legible over lines and markers.
    painter.setPen(QPen(QColor(255, 255, 255, 210), 1.0))
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        painter.drawText(rect.translated(dx, dy), Qt.AlignmentFlag.AlignCenter, text)
    painter.setPen(QPen(QColor(colour)))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _font(style: LabelStyle) -> QFont:
    font = QFont()
    font.setPointSizeF(style.point_size)
    font.setBold(style.bold)
    font.setItalic(style.italic)
    return font
