"""A box drawn on the map as a snapshot's extent: press, drag, release.

The snapshot dialog steps aside while the user drags (a modal dialog would
hold the mouse); `draw_box_on_map` waits in a local event loop until the box
is drawn or Esc is pressed, and hands back (W, S, E, N) in degrees.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEventLoop, QRectF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent

from sitrep_desktop.ui.map.tools.base import MapTool

BBox = tuple[float, float, float, float]
BOX_COLOUR = "#212121"  # a measuring aid's colour: no faction wears it


class ExtentBoxTool(MapTool):
    """Drag a box; `done(bbox)` on release, `done(None)` on Esc or a click without drag."""

    name = "snapshot extent"

    def __init__(self, done: Callable[[BBox | None], None]) -> None:
        self.done = done
        self.start: tuple[float, float] | None = None  # lat, lon where the drag began
        self.item: pg.QtWidgets.QGraphicsRectItem | None = None

    def deactivate(self) -> None:
        if self.item is not None and self.canvas is not None:
            self.canvas.removeItem(self.item)
        self.item = None
        super().deactivate()

    def mouse_press(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self.start = (lat, lon)
        self.item = pg.QtWidgets.QGraphicsRectItem()
        pen = pg.mkPen(BOX_COLOUR, width=2, style=Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.item.setPen(pen)
        self.item.setZValue(60)
        assert self.canvas is not None
        self.canvas.addItem(self.item)
        return True

    def mouse_move(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if self.start is None or self.item is None or self.canvas is None:
            return False
        (x0, x1), (y0, y1) = self._view_corners(lat, lon)
        self.item.setRect(QRectF(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))
        return True

    def mouse_release(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if self.start is None:
            return False
        (lat0, lon0), self.start = self.start, None
        west, east = sorted((lon0, lon))
        south, north = sorted((lat0, lat))
        self.done((west, south, east, north) if east > west and north > south else None)
        return True

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            self.done(None)
            return True
        return False

    def _view_corners(self, lat: float, lon: float):
        assert self.start is not None and self.canvas is not None
        x, y = self.canvas.lonlat_to_view(
            np.array([self.start[1], lon]), np.array([self.start[0], lat])
        )
        return (float(x[0]), float(x[1])), (float(y[0]), float(y[1]))


def draw_box_on_map(canvas) -> BBox | None:
    """Let the user drag a box on `canvas`; its extent, or None if cancelled."""
    loop = QEventLoop()
    result: list[BBox | None] = [None]

    def done(bbox: BBox | None) -> None:
        result[0] = bbox
        loop.quit()

    tool = ExtentBoxTool(done)
    canvas.set_tool(tool)

    def replaced(new_tool) -> None:  # another tool chosen meanwhile (M, Draw): a cancel
        if new_tool is not tool:
            loop.quit()

    canvas.sigToolChanged.connect(replaced)
    try:
        loop.exec()
    finally:
        canvas.sigToolChanged.disconnect(replaced)
        if canvas.tool is tool:
            canvas.set_tool(None)
    return result[0]
