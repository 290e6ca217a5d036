"""Things drawn over the map in screen space: scale bar, north arrow, credits.

They are small transparent child widgets of the canvas, so they stay put while
the map pans and appear in every grab (screenshots, snapshots). The scale bar
is true at the centre of the view whatever the latitude: it measures a
horizontal screen segment there geodesically (geo.geodesy), never reading
lengths off Web Mercator's stretched x/y.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from sitrep_desktop.geo.geodesy import inverse
from sitrep_desktop.geo.units import nice_length
from sitrep_desktop.services.style import ATTRIBUTION

if TYPE_CHECKING:
    from sitrep_desktop.ui.map.canvas import MapCanvas

CREDITS = ATTRIBUTION
MAX_BAR_PIXELS = 160


def length_text(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


class _Overlay(QWidget):
    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)


class ScaleBar(_Overlay):
    """A bar of a round length, true at the view's centre."""

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.resize(MAX_BAR_PIXELS + 24, 38)
        self.metres = 0.0
        self.pixels = 0.0
        self._measured_for: tuple | None = None

    def recompute(self) -> None:
        """Measure the view again (called when the range or the size changes)."""
        canvas = self.canvas
        # The bar's length depends on the scale and the latitude only: a sideways
        # pan (most drag frames at wide zooms) keeps both, so nothing to measure.
        rect = canvas.view.viewRect()
        key = (rect.top(), rect.height(), rect.width(), canvas.width(), canvas.height())
        if key == self._measured_for:
            return
        self._measured_for = key
        centre = canvas.rect().center()
        half = MAX_BAR_PIXELS / 2
        lat1, lon1 = canvas.widget_to_latlon(QPoint(int(centre.x() - half), centre.y()))
        lat2, lon2 = canvas.widget_to_latlon(QPoint(int(centre.x() + half), centre.y()))
        span = inverse(lat1, lon1, lat2, lon2).distance_m
        if not math.isfinite(span) or span <= 0:
            self.metres = self.pixels = 0.0
        else:
            metres_per_pixel = span / (2 * int(half))
            self.metres = nice_length(MAX_BAR_PIXELS * metres_per_pixel)
            self.pixels = self.metres / metres_per_pixel
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.pixels <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, self.pixels + 20, 34), QColor(255, 255, 255, 190))
        left, base = 10.0, 26.0
        painter.setPen(QPen(QColor("#212121"), 2))
        painter.drawLine(QPointF(left, base), QPointF(left + self.pixels, base))
        for x in (left, left + self.pixels):
            painter.drawLine(QPointF(x, base - 6), QPointF(x, base))
        painter.setFont(_small_font())
        painter.drawText(
            QRectF(left, 2, self.pixels, 18), Qt.AlignmentFlag.AlignCenter, length_text(self.metres)
        )
        painter.end()


class NorthArrow(_Overlay):
    """North is straight up in this projection: a fixed arrow with an N."""

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.resize(30, 46)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#212121"), 1))
        painter.setFont(_small_font(bold=True))
        painter.drawText(QRectF(0, 0, 30, 14), Qt.AlignmentFlag.AlignCenter, "N")
        left = QPolygonF([QPointF(15, 16), QPointF(6, 44), QPointF(15, 37)])
        right = QPolygonF([QPointF(15, 16), QPointF(24, 44), QPointF(15, 37)])
        path = QPainterPath()
        path.addPolygon(left)
        painter.fillPath(path, QColor("#212121"))
        painter.setBrush(QColor("#ffffff"))
        painter.drawPolygon(right)
        painter.end()


class Credits(_Overlay):
    """The data sources, as their licences ask, on screen and on every snapshot.

    On one line when the map is wide enough, else broken between sources: a map
    616 px wide (a 1024 px window) cut the line at "GeoNam"."""

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.setFont(_small_font(size=7.5))
        self.lines: list[str] = [CREDITS]
        self.fit(10_000)

    def fit(self, width: int) -> None:
        """Break the credits between sources so that each line fits `width` pixels."""
        metrics = self.fontMetrics()
        self.lines = []
        for source in CREDITS.split(" · "):
            joined = f"{self.lines[-1]} · {source}" if self.lines else source
            if self.lines and metrics.horizontalAdvance(joined) + 12 <= width:
                self.lines[-1] = joined
            else:
                self.lines.append(source)
        widest = max(metrics.horizontalAdvance(line) for line in self.lines)
        self.resize(widest + 12, metrics.lineSpacing() * len(self.lines) + 4)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255, 170))
        painter.setPen(QColor("#424242"))
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.rect().adjusted(6, 0, -6, 0), align, "\n".join(self.lines))
        painter.end()


class MapOverlays:
    """Places the overlays in the canvas' corners and keeps the scale bar true."""

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas
        self.scale_bar = ScaleBar(canvas)
        self.north_arrow = NorthArrow(canvas)
        self.credits = Credits(canvas)

    def boxes(self) -> list[tuple[float, float, float, float]]:
        """Viewport pixel boxes (left, top, width, height) of the overlays shown:
        no name goes under the scale bar, the north arrow or the credits."""
        viewport = self.canvas.viewport()
        boxes = []
        for widget in (self.scale_bar, self.north_arrow, self.credits):
            if widget.isVisible():
                corner = viewport.mapFrom(self.canvas, widget.pos())
                boxes.append(
                    (float(corner.x()), float(corner.y()), widget.width(), widget.height())
                )
        return boxes

    def relayout(self) -> None:
        width, height = self.canvas.width(), self.canvas.height()
        self.credits.fit(width)
        self.credits.move(max(0, width - self.credits.width()), height - self.credits.height())
        bottom = height - 22
        if self.credits.x() < 10 + self.scale_bar.width():  # credits on two lines reach left
            bottom = min(bottom, self.credits.y() - 4)
        self.scale_bar.move(10, bottom - self.scale_bar.height())
        self.north_arrow.move(width - self.north_arrow.width() - 12, 12)
        self.scale_bar.recompute()


def _small_font(size: float = 8.5, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font
