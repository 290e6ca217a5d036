"""The user's drawings on a snapshot page, styled as on the canvas.

Sizes on the canvas are screen pixels; on a snapshot page they are layout units
(``u``, a thousandth of the page's short side), so a drawing keeps its
proportions on any page. Shapes use the canvas's own pieces (``DASHES``,
``symbol_path``, ``full_style``): dashes, fills, arrow heads, point symbols.
Their labels are laid out in ``snapshot_labels``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from sitrep_desktop.domain import Annotation
from sitrep_desktop.domain.annotation_styles import full_style
from sitrep_desktop.geo.label_layout import Box
from sitrep_desktop.geo.shapes import rings
from sitrep_desktop.ui.map.layers.drawings import DASHES, DEFAULT_COLOUR, FILLED_KINDS, symbol_path

ToPage = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def annotation_style(annotation: Annotation) -> tuple[dict, QColor]:
    """The full style (defaults filled in) and a valid colour, as the canvas reads them."""
    style = full_style(annotation.style)
    colour = QColor(str(style["colour"]))
    return style, colour if colour.isValid() else QColor(DEFAULT_COLOUR)


def annotation_pen(colour: QColor, style: dict, u: float) -> QPen:
    pen = QPen(colour, clamp(float(style["width"]), 0.5, 20.0) * u)
    pen.setStyle(DASHES.get(str(style["dash"]), Qt.PenStyle.SolidLine))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def draw_drawing(
    painter: QPainter, annotation: Annotation, to_page: ToPage, u: float
) -> QPolygonF | None:
    """Draw one annotation's shape, arrow head and point symbols; return the
    arrow head drawn, if any (page units)."""
    shape = shapely.from_wkt(annotation.geometry)
    style, colour = annotation_style(annotation)
    head = None
    if annotation.kind == "arrow" and shape.geom_type == "LineString":
        head = arrow_head(np.asarray(shape.coords)[-2:], to_page, float(style["width"]), u)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)  # a polygon's holes stay empty
    for ring in rings(shape):
        coords = np.asarray(ring)
        px, py = to_page(coords[:, 0], coords[:, 1])
        points = [QPointF(float(a), float(b)) for a, b in zip(px, py)]
        if head is not None:  # stop in the head: a round cap would poke out past its tip
            points[-1] = (head.at(1) + head.at(2)) / 2
        path.addPolygon(QPolygonF(points))
    painter.setPen(annotation_pen(colour, style, u))
    if annotation.kind in FILLED_KINDS:
        fill = QColor(colour)
        fill.setAlphaF(clamp(float(style["fill_opacity"]), 0.0, 1.0))
        painter.setBrush(QBrush(fill))
    else:
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    if style.get("hatch") and annotation.kind in FILLED_KINDS:
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(hatch_brush(colour))
        painter.drawPath(path)
        painter.restore()
    if head is not None:
        painter.setPen(QPen(colour, 1.0 * u))
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(head)
    if annotation.kind != "text":
        for x, y in marker_points(shape, to_page):
            painter.setPen(QPen(QColor("#ffffff"), 1.2 * u))
            painter.setBrush(QBrush(colour))
            size = marker_size(style) * u
            painter.drawPath(symbol_path(str(style["symbol"]), size).translated(x, y))
    return head


def hatch_brush(colour: QColor) -> QBrush:
    """Diagonal hatching in `colour`: how an estimate, not a known area, is filled."""
    return QBrush(colour, Qt.BrushStyle.BDiagPattern)


def draw_swatch(painter: QPainter, annotation: Annotation, centre: QPointF, u: float) -> None:
    """A drawing's legend sample, about 18 units wide: its line, area, symbol or text."""
    style, colour = annotation_style(annotation)
    pen = annotation_pen(colour, style, u)
    pen.setWidthF(2 * u)  # the sample shows colour and dash, not width
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y = centre.x(), centre.y()
    if annotation.kind in FILLED_KINDS:
        fill = QColor(colour)
        fill.setAlphaF(clamp(float(style["fill_opacity"]), 0.0, 1.0))
        painter.setBrush(QBrush(fill))
        painter.drawRect(QRectF(x - 8 * u, y - 6 * u, 16 * u, 12 * u))
        if style.get("hatch"):
            painter.setBrush(hatch_brush(colour))
            painter.drawRect(QRectF(x - 8 * u, y - 6 * u, 16 * u, 12 * u))
    elif annotation.kind == "point":
        painter.setPen(QPen(QColor("#ffffff"), 1.0 * u))
        painter.setBrush(QBrush(colour))
        painter.drawPath(symbol_path(str(style["symbol"]), 11 * u).translated(x, y))
    elif annotation.kind == "text":
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(
            QRectF(x - 9 * u, y - 8 * u, 18 * u, 16 * u), Qt.AlignmentFlag.AlignCenter, "T"
        )
    else:
        end = 9 * u if annotation.kind != "arrow" else 3 * u
        painter.drawLine(QPointF(x - 9 * u, y), QPointF(x + end, y))
        if annotation.kind == "arrow":
            flat = np.array([[x - 9 * u, y], [x + 9 * u, y]])
            painter.setPen(QPen(colour, 0.5 * u))
            painter.setBrush(QBrush(colour))
            painter.drawPolygon(arrow_head(flat, lambda a, b: (a, b), 0.0, u * 0.8))


def arrow_head(last_two: np.ndarray, to_page: ToPage, width: float, u: float) -> QPolygonF:
    """The canvas's arrow head at the line's end, pointing along its last segment."""
    px, py = to_page(last_two[:, 0], last_two[:, 1])
    angle = math.atan2(float(py[1] - py[0]), float(px[1] - px[0]))  # page y points down
    length = (10 + 2.5 * width) * u
    half = length * 0.55
    tip = QPointF(float(px[1]), float(py[1]))
    along = QPointF(math.cos(angle), math.sin(angle))
    across = QPointF(-along.y(), along.x())
    back = tip - along * length
    return QPolygonF([tip, back + across * half, back - across * half, tip])


def marker_size(style: dict) -> float:
    """A point drawing's symbol size (canvas pixels, i.e. units here)."""
    return 8.0 + 2.0 * clamp(float(style["width"]), 0.5, 10.0)


def marker_points(shape, to_page: ToPage) -> list[tuple[float, float]]:
    if shape.geom_type == "Point":
        points = [shape]
    elif shape.geom_type == "MultiPoint":
        points = list(shape.geoms)
    else:
        return []
    px, py = to_page(np.array([p.x for p in points]), np.array([p.y for p in points]))
    return [(float(a), float(b)) for a, b in zip(px, py)]


def marker_boxes(annotations: Sequence[Annotation], to_page: ToPage, u: float) -> list[Box]:
    """Page boxes of the point drawings' symbols: no label covers them."""
    boxes = []
    for annotation in annotations:
        if annotation.kind == "text":
            continue
        style, _ = annotation_style(annotation)
        half = marker_size(style) * u / 2
        for x, y in marker_points(shapely.from_wkt(annotation.geometry), to_page):
            boxes.append((x - half, y - half, 2 * half, 2 * half))
    return boxes


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


# A piece of an estimated area at least this share of its faction's largest
# piece takes a label of its own; smaller ones (a coastal sliver) stay unnamed.
LABELLED_PIECE_SHARE = 1 / 3


def labelled_pieces(estimates: Sequence[Annotation]) -> list[Annotation]:
    """Each estimated area's sizeable pieces as drawings of their own, so each is
    labelled as an estimate on paper (one drawing takes one label: Aleppo's piece
    went unnamed while HTS's label sat by Hama); the small pieces together, unlabelled."""
    pieces: list[Annotation] = []
    for estimate in estimates:
        parts = list(getattr(shapely.from_wkt(estimate.geometry), "geoms", []))
        if len(parts) < 2:
            pieces.append(estimate)
            continue
        largest = max(part.area for part in parts)
        big = [p for p in parts if p.area >= LABELLED_PIECE_SHARE * largest]
        small = [p for p in parts if p.area < LABELLED_PIECE_SHARE * largest]
        pieces += [dataclasses.replace(estimate, geometry=part.wkt) for part in big]
        if small:
            rest = shapely.MultiPolygon(small).wkt
            pieces.append(dataclasses.replace(estimate, geometry=rest, label=""))
    return pieces
