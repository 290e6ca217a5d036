"""The map's right-click menu on a place or a drawing: edit, delete, copy forward,
zoom to, show events here…

The entries come from the features (FeatureContext.object_actions), so the map
knows nothing of logging or drawing; this module only finds what is under the
cursor and shows the entries that apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtWidgets import QMenu

from sitrep_desktop.ui.map.tools.edit import drawing_at
from sitrep_desktop.ui.window.context import FeatureContext


@dataclass(frozen=True)
class MapObject:
    kind: str  # "place" or "annotation"
    id: str
    name: str


def object_at(ctx: FeatureContext, pos: QPoint) -> MapObject | None:
    """The place marker or the drawing under widget position `pos`; places first."""
    lat, lon = ctx.canvas.widget_to_latlon(pos)
    place = ctx.canvas.place_near(lat, lon)
    if place is not None:
        return MapObject("place", place.id, place.name)
    drawing = drawing_at(ctx.store, ctx.canvas, ctx.time_state.at, lat, lon)
    if drawing is not None:
        return MapObject("annotation", drawing.id, drawing.label or f"{drawing.kind} (unnamed)")
    return None


class MapContextMenu(QObject):
    """Watches the map for right-clicks and offers the actions for what is there."""

    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.last_menu: QMenu | None = None
        ctx.canvas.viewport().installEventFilter(self)

    def menu_for(self, target: MapObject) -> QMenu:
        menu = QMenu(self.ctx.canvas)
        title = menu.addAction(target.name)
        title.setEnabled(False)
        menu.addSeparator()
        for entry in self.ctx.object_actions:
            if target.kind in entry.kinds:
                action = menu.addAction(entry.text)
                action.triggered.connect(
                    lambda _checked=False, e=entry: e.run(target.kind, target.id)
                )
        return menu

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.Type.ContextMenu or self.ctx.canvas.tool is not None:
            return False
        target = object_at(self.ctx, event.pos())
        if target is None:
            return False
        self.ctx.selection.select(target.kind, target.id)
        self.last_menu = self.menu_for(target)
        self.last_menu.popup(event.globalPos())
        return True
