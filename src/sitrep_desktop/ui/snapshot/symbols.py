"""Map symbols drawn with a QPainter: on paper and in the legend, the shapes the canvas shows.

Event symbols are pyqtgraph's own paths (the canvas's scatter items draw the
same ones), so a category has one shape everywhere. Place kinds keep the
snapshot's simpler outlines (circle, triangle, square), sized by radius.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPen, QPolygonF

_SYMBOL_PATHS = pg.graphicsItems.ScatterPlotItem.Symbols  # unit size, centred, y down


def draw_symbol(painter: QPainter, symbol: str, centre: QPointF, size: float) -> None:
    """pyqtgraph's `symbol` ("d", "star", "t2"…) `size` wide at `centre`, with the
    painter's pen and brush (the pen keeps its width whatever the size)."""
    path = _SYMBOL_PATHS.get(symbol, _SYMBOL_PATHS["d"])
    painter.save()
    pen = QPen(painter.pen())
    pen.setWidthF(pen.widthF() / size)
    painter.translate(centre)
    painter.scale(size, size)
    painter.setPen(pen)
    painter.drawPath(path)
    painter.restore()


def draw_place_symbol(painter: QPainter, kind: str, centre: QPointF, radius: float) -> None:
    """A place marker by kind: triangle for an air base, square for other bases, else a circle."""
    if kind == "air_base":
        painter.drawPolygon(
            QPolygonF(
                [
                    centre + QPointF(0, -radius * 1.2),
                    centre + QPointF(radius * 1.1, radius * 0.8),
                    centre + QPointF(-radius * 1.1, radius * 0.8),
                ]
            )
        )
    elif kind in ("naval_base", "military_base"):
        painter.drawRect(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius))
    else:
        painter.drawEllipse(centre, radius, radius)
