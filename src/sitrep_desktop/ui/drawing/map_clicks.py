"""Drawings answer the mouse with no tool chosen: a click on one selects it, a
double-click opens its properties.

A new user double-clicks the front line they see; with only the Edit drawings
tool listening, nothing happened. Places keep their own clicks: a drawing is
found only where no place marker is (as the map's right-click menu does).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt

from sitrep_desktop.domain import Annotation
from sitrep_desktop.ui.map.tools.edit import drawing_at
from sitrep_desktop.ui.window.context import FeatureContext

CLICK_SLOP = 4  # pixels a click may move and still be a click, not a pan


class DrawingClicks(QObject):
    """Watches the map's viewport while no tool is on."""

    def __init__(self, ctx: FeatureContext, open_properties: Callable[[Annotation], object]):
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.open_properties = open_properties
        self._pressed: QPointF | None = None
        ctx.canvas.viewport().installEventFilter(self)

    def drawing_under(self, pos: QPointF) -> Annotation | None:
        """The drawing at viewport position `pos`, unless a place marker is there."""
        canvas = self.ctx.canvas
        lat, lon = canvas.widget_to_latlon(pos.toPoint())
        if canvas.place_near(lat, lon) is not None:
            return None
        return drawing_at(self.ctx.store, canvas, self.ctx.time_state.at, lat, lon)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
        ):
            return False
        if self.ctx.canvas.tool is not None or event.button() != Qt.MouseButton.LeftButton:
            return False
        pos = event.position()
        if kind == QEvent.Type.MouseButtonPress:
            self._pressed = pos
            return False
        if kind == QEvent.Type.MouseButtonRelease:
            pressed, self._pressed = self._pressed, None
            moved = pressed is None or (pos - pressed).manhattanLength() > CLICK_SLOP
            drawing = None if moved else self.drawing_under(pos)
            if drawing is not None:
                self.ctx.selection.select("annotation", drawing.id)
            return False  # the map still hears the click (an event marker wins)
        drawing = self.drawing_under(pos)
        if drawing is None:
            return False
        self.ctx.selection.select("annotation", drawing.id)
        self.open_properties(drawing)
        return True
