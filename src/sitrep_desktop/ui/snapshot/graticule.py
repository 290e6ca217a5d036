"""The snapshot's graticule: faint lines every nice step of degrees, and their
labels along the bottom and left edges of the map frame."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from sitrep_desktop.services.snapshot import graticule_step

Extent = tuple[float, float, float, float]  # W, S, E, N degrees
ToPage = Callable[..., tuple[np.ndarray, np.ndarray]]


def draw_graticule(
    painter: QPainter, extent: Extent, to_page: ToPage, frame: QRectF, u: float
) -> float:
    """Draw the lines across the frame; returns the step in degrees."""
    west, south, east, north = extent
    step = graticule_step(max(east - west, north - south))
    painter.setPen(QPen(QColor(0, 0, 0, 40), 0.6 * u))
    for lon in np.arange(np.ceil(west / step) * step, east, step):
        px, _ = to_page(lon, south)
        painter.drawLine(QPointF(float(px), frame.top()), QPointF(float(px), frame.bottom()))
    for lat in np.arange(np.ceil(south / step) * step, north, step):
        _, py = to_page(west, lat)
        painter.drawLine(QPointF(frame.left(), float(py)), QPointF(frame.right(), float(py)))
    return step


def draw_graticule_labels(
    painter: QPainter,
    extent: Extent,
    step: float,
    to_page: ToPage,
    frame: QRectF,
    u: float,
    font: QFont,
    legend: tuple[float, float, float, float],
) -> None:
    """Degrees along the bottom and left edges; a label that would run past
    the frame's corner or under the legend is left out."""
    west, south, east, north = extent
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(QColor("#616161"))
    digits = 0 if step >= 1 else 2
    for lon in np.arange(np.ceil(west / step) * step, east, step):
        px, _ = to_page(lon, south)
        text = degrees_label(lon, digits, "E", "W")
        x = float(px) + 3 * u
        if x + metrics.horizontalAdvance(text) <= frame.right():
            painter.drawText(QPointF(x, frame.bottom() + 14 * u), text)
    for lat in np.arange(np.ceil(south / step) * step, north, step):
        _, py = to_page(west, lat)
        text = degrees_label(lat, digits, "N", "S")
        at = QPointF(frame.left() + 4 * u, float(py) - 3 * u)
        box = metrics.boundingRect(text).translated(at)
        if not box.intersects(QRectF(*legend)):
            painter.drawText(at, text)


def degrees_label(value: float, digits: int, positive: str, negative: str) -> str:
    """A graticule label: 35°N, 120°W; the equator and the prime meridian plain 0°."""
    text = f"{abs(value):.{digits}f}°"
    if round(value, digits) == 0:
        return text
    return text + (positive if value > 0 else negative)
