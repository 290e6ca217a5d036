"""Texts on a snapshot page: drawings' labels and place names, laid out as on the map.

A drawing's label offers the canvas's spots (``geo.label_anchors``) and takes
the first one clear of markers, of the spot right of each place where its name
goes first, of the page's furniture and of the labels placed before it
(``geo.label_layout.choose_positions``, as the canvas's ``MapText`` does). A
picture cannot be zoomed for a closer look, so no drawing label is ever
dropped. Place names then take, biggest place first, the first of right, left,
above or below that is free (``layout_labels``); a name with none is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from sitrep_desktop.domain import Annotation
from sitrep_desktop.geo.label_anchors import (
    FIXED,
    clear_of_lines_first,
    drawing_anchors,
    label_offsets,
    label_placement,
    lines_geometry,
)
from sitrep_desktop.geo.label_layout import Box, choose_positions, layout_labels
from sitrep_desktop.ui.snapshot.drawings import (
    ToPage,
    annotation_style,
    clamp,
    marker_boxes,
    marker_size,
)

# Place names are 13 units on a snapshot and 9.5 pt on the canvas: a drawing's
# text_size (points) scales by the same ratio, so the two keep their proportion.
PLACE_TEXT = 13.0
UNITS_PER_POINT = PLACE_TEXT / 9.5
LABEL_GAP = 6.0  # units between a line or point and a label beside it
PLACE_GAP = 3.0  # units between a place marker's edge and its name
MIN_SHAPE = 40.0  # units a line or area must span to carry its label (canvas: 40 px)


@dataclass
class DrawingLabel:
    """A drawing's text, its candidate boxes (page units, best first) and the one taken."""

    text: str
    colour: QColor
    font: QFont
    rank: int
    candidates: list[Box]
    box: Box | None = None


@dataclass(frozen=True)
class PlaceMark:
    """A place as the page shows it: marker centre and radius in page units."""

    name: str
    kind: str
    population: int
    x: float
    y: float
    radius: float
    colour: str


@dataclass
class PageLabels:
    """What was laid out: the drawings' labels, then the place names, each with its box."""

    drawings: list[DrawingLabel]
    places: list[tuple[str, Box]]
    place_font: QFont

    def boxes(self) -> list[tuple[str, Box]]:
        return [(label.text, label.box) for label in self.drawings] + self.places  # type: ignore[misc]


def lay_out_labels(
    annotations: Sequence[Annotation],
    places: Sequence[PlaceMark],
    events: Sequence[Box],
    furniture: Sequence[Box],
    bounds: tuple[float, float, float, float],
    extent: tuple[float, float, float, float],
    to_page: ToPage,
    u: float,
) -> PageLabels:
    """Drawing labels first, clear of every marker (places, ``events``, point
    drawings), of each place's first name spot, of ``furniture`` (legend, scale
    bar, north arrow) and of each other, inside ``bounds`` (left, top, right,
    bottom); then the place names, clear of those labels, of place and
    point-drawing markers, of the furniture and of each other.

    An event's diamond may sit under a place's name, as on the canvas: were it
    an obstacle, the names of small towns with events would be lost."""
    font = page_font(PLACE_TEXT, u)
    metrics = QFontMetricsF(font)
    height = metrics.height()
    widths = np.array([metrics.horizontalAdvance(p.name) for p in places])
    gaps = np.array([p.radius + PLACE_GAP * u for p in places])
    first_spots = [(p.x + g, p.y - height / 2, w, height) for p, g, w in zip(places, gaps, widths)]
    markers = [(p.x - p.radius, p.y - p.radius, 2 * p.radius, 2 * p.radius) for p in places]
    markers += marker_boxes(annotations, to_page, u)
    lines = lines_geometry([line for a in annotations for line in _page_lines(a, extent, to_page)])
    candidates = [drawing_label(a, extent, to_page, u, lines) for a in annotations]
    drawings = lay_out(
        [label for label in candidates if label is not None],
        [*markers, *events, *first_spots, *furniture],
        bounds,
        u,
    )
    placed = layout_labels(
        np.array([p.x for p in places]),
        np.array([p.y for p in places]),
        widths,
        np.full(len(places), height),
        np.array([p.population for p in places], float),
        gap=gaps,
        padding=2 * u,
        bounds=bounds,
        obstacles=[
            *(label.box for label in drawings),  # type: ignore[misc]
            *markers,
            *furniture,
        ],
    )
    names = [(places[b.index].name, (b.left, b.top, b.width, b.height)) for b in placed]
    return PageLabels(drawings, names, font)


def draw_labels(painter: QPainter, labels: PageLabels, u: float) -> None:
    for label in labels.drawings:
        left, top, _width, _height = label.box  # type: ignore[misc]
        painter.setFont(label.font)
        baseline = QPointF(left, top + QFontMetricsF(label.font).ascent())
        halo_text(painter, baseline, label.text, u, label.colour)
    painter.setFont(labels.place_font)
    ascent = QFontMetricsF(labels.place_font).ascent()
    for name, (left, top, _width, _height) in labels.places:
        halo_text(painter, QPointF(left, top + ascent), name, u)


def drawing_label(
    annotation: Annotation,
    extent: tuple[float, float, float, float],
    to_page: ToPage,
    u: float,
    lines: shapely.Geometry | None,
) -> DrawingLabel | None:
    """The label of a drawing that shows on the page, with its candidate boxes.

    Anchors come from the part of the shape inside the drawn extent, so a long
    line's label sits on the stretch the picture shows, not off the page.
    Spots clear of `lines` (the page's line drawings, from lines_geometry) come
    first: a front line must not strike out its name, nor the M5 an estimate's."""
    if not annotation.label:
        return None
    shape = shapely.from_wkt(annotation.geometry)
    visible = shapely.clip_by_rect(shape, *extent)  # unlike intersection, never raises
    if visible.is_empty:
        return None
    placement, rank = label_placement(annotation.kind, shape)
    if placement != FIXED and _page_extent(visible, to_page) < MIN_SHAPE * u:
        # As on the canvas: a line or area this small on the page would carry a
        # label bigger than itself, piled on others (a whole-world picture); the
        # legend still names it. A text drawing is the text itself: always shown.
        return None
    anchors = drawing_anchors(annotation.kind, visible)
    if not anchors:
        return None
    style, colour = annotation_style(annotation)
    size = clamp(float(style["text_size"]), 6.0, 48.0)
    if annotation.kind != "text":
        size = max(6.0, size - 1)  # as the canvas: a drawing's name a little under a note
    font = page_font(size * UNITS_PER_POINT, u, bold=True)
    metrics = QFontMetricsF(font)
    width, height = metrics.horizontalAdvance(annotation.label), metrics.height()
    gap = LABEL_GAP * u
    if shape.geom_type in ("Point", "MultiPoint") and placement != FIXED:
        gap = max(gap, (marker_size(style) / 2 + 3) * u)  # clear of a big symbol
    lon, lat = np.array(anchors, float).T
    px, py = to_page(lon, lat)
    offsets = label_offsets(placement, width, height, gap)
    candidates = [
        (float(x) + dx, float(y) + dy, width, height)
        for x, y in zip(np.atleast_1d(px), np.atleast_1d(py))
        for dx, dy in offsets
    ]
    if lines is not None:
        half = (float(style["width"]) / 2 + 1) * u
        candidates = [candidates[i] for i in clear_of_lines_first(candidates, lines, half)]
    return DrawingLabel(annotation.label, colour, font, rank, candidates)


def _page_lines(annotation: Annotation, extent, to_page: ToPage) -> list[np.ndarray]:
    """A line drawing's stretches on the page (none for a point or an area)."""
    visible = shapely.clip_by_rect(shapely.from_wkt(annotation.geometry), *extent)
    if visible.geom_type not in ("LineString", "MultiLineString"):
        return []
    parts = visible.geoms if visible.geom_type == "MultiLineString" else [visible]
    return [np.column_stack(to_page(*np.asarray(p.coords).T)) for p in parts]


def lay_out(
    labels: list[DrawingLabel],
    obstacles: Sequence[Box],
    bounds: tuple[float, float, float, float],
    u: float,
) -> list[DrawingLabel]:
    """Give every label a box, most important first (by rank, then text); the
    labels in that order."""
    ordered = sorted(labels, key=lambda label: (label.rank, label.text))
    chosen = choose_positions(
        [label.candidates for label in ordered], obstacles=obstacles, bounds=bounds, padding=2 * u
    )
    for label, k in zip(ordered, chosen):
        label.box = label.candidates[k] if k >= 0 else None
    return [label for label in ordered if label.box is not None]


def halo_text(
    painter: QPainter, at: QPointF, text: str, u: float, colour: QColor | str = "#212121"
) -> None:
    """Text at baseline `at` with a white halo, readable over lines and fills.

    The halo is a stroked outline; the glyphs are drawn as text, so an SVG or
    PDF keeps the words as words (searchable, selectable)."""
    path = QPainterPath()
    path.addText(at, painter.font(), text)
    painter.save()
    painter.setPen(
        QPen(
            QColor(255, 255, 255, 220),
            3 * u,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
    )
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setPen(QColor(colour))
    painter.drawText(at, text)
    painter.restore()


def page_font(size: float, u: float, bold: bool = False) -> QFont:
    """The snapshot's font, `size` layout units high."""
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, round(size * u)))
    font.setBold(bold)
    return font


def _page_extent(shape, to_page: ToPage) -> float:
    """The larger side of a shape's box on the page (unbounded for a point)."""
    if shape.geom_type in ("Point", "MultiPoint"):
        return float("inf")  # a point's label is always room-sized
    west, south, east, north = shape.bounds
    px, py = to_page(np.array([west, east]), np.array([south, north]))
    return float(max(abs(px[1] - px[0]), abs(py[1] - py[0])))
