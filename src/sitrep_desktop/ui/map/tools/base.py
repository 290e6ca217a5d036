"""Map tools: modes that take over the mouse on the canvas (measure, draw, pick).

The canvas hands each mouse or key event to the active tool first, in lat/lon,
and only pans/zooms/selects itself when the tool did not handle it. A tool owns
the graphics items it adds and removes them on `deactivate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeyEvent, QMouseEvent

if TYPE_CHECKING:
    from sitrep_desktop.ui.map.canvas import MapCanvas


class MapTool:
    """Base class: handles nothing. Return True from a handler to consume the event."""

    name = "tool"
    canvas: MapCanvas | None = None

    def activate(self, canvas: MapCanvas) -> None:
        self.canvas = canvas

    def deactivate(self) -> None:
        self.canvas = None

    def mouse_press(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        return False

    def mouse_move(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        return False

    def mouse_release(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        return False

    def mouse_double_click(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        return False

    def key_press(self, event: QKeyEvent) -> bool:
        return False
