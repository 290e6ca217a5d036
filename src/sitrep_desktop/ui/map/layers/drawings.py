"""Drawing items for annotations: one function picks the item for a record.

Shapes are drawn in projected map units so they stay put as the map zooms;
markers, arrow heads and labels ignore the view's transform so they keep their
size in pixels (and read upright: pyqtgraph's view flips the y axis).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from sitrep_desktop.domain import Annotation
from sitrep_desktop.domain.annotation_styles import full_style
from sitrep_desktop.geo.label_anchors import drawing_anchors, label_placement
from sitrep_desktop.geo.projection import MapProjection
from sitrep_desktop.geo.shapes import rings
from sitrep_desktop.ui.map.texts import MapText

DEFAULT_COLOUR = "#37474f"
DASHES = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine,
}
FILLED_KINDS = ("polygon", "circle")
Z_VALUE = 10


def make_annotation_item(annotation: Annotation, projection: MapProjection) -> QGraphicsItem:
    """A graphics item (in projected map units) that draws `annotation` with its style."""
    style = full_style(annotation.style)
    colour = QColor(str(style["colour"]))
    if not colour.isValid():
        colour = QColor(DEFAULT_COLOUR)
    shape = shapely.from_wkt(annotation.geometry)
    item = QGraphicsPathItem(geometry_path(annotation.geometry, projection))
    item.setPen(_pen(colour, style))
    if annotation.kind in FILLED_KINDS:
        fill = QColor(colour)
        fill.setAlphaF(_clamp(float(style["fill_opacity"]), 0.0, 1.0))
        item.setBrush(QBrush(fill))
    if annotation.kind == "arrow" and shape.geom_type == "LineString":
        _add_arrow_head(item, shape, projection, colour, float(style["width"]))
    if annotation.kind in ("point", "text") or shape.geom_type in ("Point", "MultiPoint"):
        for point in _points(shape):
            if annotation.kind != "text":
                _add_marker(item, point, projection, colour, str(style["symbol"]), style)
    if annotation.label:
        _add_label(item, annotation, shape, projection, colour, style)
    item.setZValue(Z_VALUE)
    item.setToolTip(annotation.label)
    item.setData(0, ("annotation", annotation.id))
    return item


def geometry_path(wkt: str, projection: MapProjection) -> QPainterPath:
    """The outline of a WKT geometry as a painter path in projected coordinates."""
    path = QPainterPath()
    for ring in rings(shapely.from_wkt(wkt)):
        coords = np.asarray(ring)
        x, y = projection.forward(coords[:, 0], coords[:, 1])
        path.moveTo(QPointF(float(x[0]), float(y[0])))
        for px, py in zip(x[1:], y[1:], strict=True):
            path.lineTo(QPointF(float(px), float(py)))
    return path


def symbol_path(symbol: str, size: float) -> QPainterPath:
    """A marker outline `size` pixels across, centred on (0, 0), y pointing down."""
    r = size / 2
    path = QPainterPath()
    if symbol == "square":
        path.addRect(-r, -r, size, size)
    elif symbol == "triangle":
        path.addPolygon(QPolygonF([QPointF(0, -r), QPointF(r, r), QPointF(-r, r), QPointF(0, -r)]))
    elif symbol == "diamond":
        path.addPolygon(
            QPolygonF(
                [QPointF(0, -r), QPointF(r, 0), QPointF(0, r), QPointF(-r, 0), QPointF(0, -r)]
            )
        )
    elif symbol == "star":
        corners = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * 0.45
            angle = math.pi / 5 * i - math.pi / 2
            corners.append(QPointF(radius * math.cos(angle), radius * math.sin(angle)))
        path.addPolygon(QPolygonF([*corners, corners[0]]))
    elif symbol == "cross":
        w = r / 3
        path.addRect(-r, -w, size, 2 * w)
        path.addRect(-w, -r, 2 * w, size)
        path = path.simplified()
    else:
        path.addEllipse(QPointF(0, 0), r, r)
    return path


def _pen(colour: QColor, style: dict) -> QPen:
    pen = QPen(colour, _clamp(float(style["width"]), 0.5, 20.0))
    pen.setCosmetic(True)  # width in screen pixels at every zoom
    pen.setStyle(DASHES.get(str(style["dash"]), Qt.PenStyle.SolidLine))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _add_arrow_head(
    parent: QGraphicsItem, line, projection: MapProjection, colour: QColor, width: float
) -> None:
    coords = np.asarray(line.coords)
    x, y = projection.forward(coords[-2:, 0], coords[-2:, 1])
    # Screen y points down while projected y points up: flip dy for the angle.
    angle = math.degrees(math.atan2(-(y[1] - y[0]), x[1] - x[0]))
    length = 10 + 2.5 * width
    half = length * 0.55
    head = QPainterPath()
    head.addPolygon(
        QPolygonF([QPointF(0, 0), QPointF(-length, -half), QPointF(-length, half), QPointF(0, 0)])
    )
    item = QGraphicsPathItem(head, parent)
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item.setPos(QPointF(float(x[1]), float(y[1])))
    item.setRotation(angle)
    item.setBrush(QBrush(colour))
    outline = QPen(colour, 1.0)
    outline.setCosmetic(True)
    item.setPen(outline)


def _add_marker(parent, point, projection, colour: QColor, symbol: str, style: dict) -> None:
    x, y = projection.forward(point.x, point.y)
    size = 8.0 + 2.0 * _clamp(float(style["width"]), 0.5, 10.0)
    item = QGraphicsPathItem(symbol_path(symbol, size), parent)
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item.setPos(QPointF(float(x), float(y)))
    item.setBrush(QBrush(colour))
    outline = QPen(QColor("#ffffff"), 1.2)
    outline.setCosmetic(True)
    item.setPen(outline)


def _add_label(parent, annotation: Annotation, shape, projection, colour, style: dict) -> None:
    placement, rank = label_placement(annotation.kind, shape)
    anchors = drawing_anchors(annotation.kind, shape)
    if not anchors:
        return
    lon, lat = np.array(anchors).T
    x, y = projection.forward(lon, lat)
    text = MapText(
        annotation.label,
        parent,
        list(zip(np.atleast_1d(x), np.atleast_1d(y))),
        placement,
        rank,
    )
    font = QFont()
    size = _clamp(float(style["text_size"]), 6.0, 48.0)
    font.setPointSizeF(size if annotation.kind == "text" else max(6.0, size - 1))
    font.setBold(True)
    text.setFont(font)
    text.setBrush(QBrush(colour))
    text.setPen(QPen(Qt.PenStyle.NoPen))  # a glyph outline only thins small text
    text.take(0, 0)  # again, now that the font gives the text its size


def _points(shape) -> list:
    if shape.geom_type == "Point":
        return [shape]
    if shape.geom_type == "MultiPoint":
        return list(shape.geoms)
    return []


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
