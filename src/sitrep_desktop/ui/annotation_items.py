"""Drawing items for annotations: one function picks the item for a record."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ..domain import Annotation
from ..geo.projection import MapProjection

DEFAULT_COLOUR = "#37474f"
DASHES = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}


def make_annotation_item(annotation: Annotation, projection: MapProjection) -> QGraphicsItem:
    """A graphics item (in projected map units) that draws `annotation` with its style."""
    style = annotation.style
    item = QGraphicsPathItem(geometry_path(annotation.geometry, projection))
    colour = QColor(style.get("colour", DEFAULT_COLOUR))
    pen = QPen(colour, float(style.get("width", 2)))
    pen.setCosmetic(True)  # width in screen pixels at every zoom
    pen.setStyle(DASHES.get(str(style.get("dash", "solid")), Qt.PenStyle.SolidLine))
    item.setPen(pen)
    if annotation.kind in ("polygon", "circle"):
        fill = QColor(colour)
        fill.setAlphaF(float(style.get("fill_opacity", 0.15)))
        item.setBrush(QBrush(fill))
    item.setZValue(10)
    item.setToolTip(annotation.label)
    item.setData(0, ("annotation", annotation.id))
    return item


def geometry_path(wkt: str, projection: MapProjection) -> QPainterPath:
    """The outline of a WKT geometry as a painter path in projected coordinates."""
    path = QPainterPath()
    for ring in _rings(shapely.from_wkt(wkt)):
        coords = np.asarray(ring)
        x, y = projection.forward(coords[:, 0], coords[:, 1])
        path.moveTo(QPointF(float(x[0]), float(y[0])))
        for px, py in zip(x[1:], y[1:]):
            path.lineTo(QPointF(float(px), float(py)))
    return path


def _rings(shape) -> list:
    """Every line or ring of a geometry as coordinate sequences."""
    kind = shape.geom_type
    if kind == "LineString":
        return [shape.coords]
    if kind == "Polygon":
        return [shape.exterior.coords, *(r.coords for r in shape.interiors)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [ring for part in shape.geoms for ring in _rings(part)]
    return []
