"""The map's menus, docks and toolbar: search, layers, legend, "as of" time, zoom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from sitrep_desktop.commands.base import AddRecords
from sitrep_desktop.services.place_search import SearchResult, place_from_result
from sitrep_desktop.ui.map.context_menu import MapContextMenu
from sitrep_desktop.ui.map.layers.user_layers import UserLayers
from sitrep_desktop.ui.map.panels.layer_panel import LayerPanel
from sitrep_desktop.ui.map.panels.legend import LegendPanel
from sitrep_desktop.ui.map.panels.search_box import PICK_SPAN_DEG, SearchPanel
from sitrep_desktop.ui.map.panels.time_control import TimeControl, last_known_time
from sitrep_desktop.ui.window.context import FeatureContext, ObjectAction

DOCK_WIDTH = 320
LEGEND_WIDTH = 200  # the compact legend of a first start
LEGEND_MIN_WIDTH = 130


class MapFeature:
    def __init__(self, ctx: FeatureContext) -> None:
        self.ctx = ctx
        canvas = ctx.canvas
        self.user_layers = UserLayers(canvas)
        ctx.signals.sigChanged.connect(self.user_layers.on_store_changed)
        self.search = SearchPanel(lambda: canvas.places, ctx.parent)
        self.search.sigPicked.connect(self.go_to)
        self.search.sigAddRequested.connect(self.add_as_place)
        self.layers = LayerPanel(canvas, self.user_layers, ctx.parent, settings=ctx.settings)
        ctx.signals.sigChanged.connect(self._on_store_changed)
        self.legend = LegendPanel(ctx.store, ctx.parent)
        ctx.signals.sigChanged.connect(self.legend.on_store_changed)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        search = ctx.dock("search", "Find place", self.search, left)
        layers = ctx.dock("layers", "Layers", self.layers, left)
        legend = ctx.dock("legend", "Legend", self.legend, left)
        ctx.parent.tabifyDockWidget(search, layers)
        ctx.parent.tabifyDockWidget(layers, legend)
        # The map is what a user came for: these open on demand (Ctrl+F, View menu).
        for dock in (search, layers):
            dock.hide()
        # A first start shows the legend, narrow: a new user reads the colours before
        # asking. A saved layout (restoreState) brings back the user's own choice.
        ctx.parent.resizeDocks([legend], [LEGEND_WIDTH], Qt.Orientation.Horizontal)
        self.legend.setMinimumWidth(LEGEND_MIN_WIDTH)  # its names wrap: it gives way further
        ctx.object_actions.append(ObjectAction("Zoom to", ("place", "annotation"), self.zoom_to))
        self.context_menu = MapContextMenu(ctx)
        self.time_control = TimeControl(
            ctx.time_state, ctx.parent, data_end=lambda: last_known_time(ctx.store)
        )
        self._build_actions()

    def _build_actions(self) -> None:
        ctx, canvas = self.ctx, self.ctx.canvas
        menu = ctx.menus.view
        menu.addSeparator()
        self.action_find = ctx.action(
            menu, "&Find place…", self.find, QKeySequence.StandardKey.Find
        )
        self.action_zoom_in = ctx.action(
            menu, "Zoom &in", lambda: canvas.zoom_by(1.5), QKeySequence.StandardKey.ZoomIn
        )
        self.action_zoom_out = ctx.action(
            menu, "Zoom &out", lambda: canvas.zoom_by(1 / 1.5), QKeySequence.StandardKey.ZoomOut
        )
        self.action_zoom_all = ctx.action(menu, "Zoom to &all", canvas.zoom_to_all, "Ctrl+0")
        # Not Ctrl+Shift+S: that is Export snapshot (two owners and Qt runs neither).
        self.action_zoom_selection = ctx.action(
            menu, "Zoom to &selection", canvas.zoom_to_selection, "Ctrl+J"
        )
        self.action_layers = ctx.action(menu, "&Layers", lambda: self._show_dock("layers"))
        self.action_legend = ctx.action(menu, "Le&gend", lambda: self._show_dock("legend"))
        self.action_add_layer = ctx.action(
            menu, "Add map layer or &background (MBTiles)…", self.add_layer
        )
        toolbar = ctx.toolbar("Map", "toolbar_map", new_row=True)
        for action in (self.action_zoom_all, self.action_zoom_selection):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addWidget(self.time_control)
        self.toolbar = toolbar

    def zoom_to(self, kind: str, record_id: str) -> None:
        self.ctx.selection.select(kind, record_id)
        self.ctx.canvas.zoom_to_selection()

    def add_layer(self) -> None:
        self._show_dock("layers")
        self.layers.add_dialog()

    def _show_dock(self, name: str) -> None:
        dock = self.ctx.docks[name]
        dock.show()
        dock.raise_()
        if name != "legend":  # search results and layer names want more room
            width = max(dock.width(), DOCK_WIDTH)
            self.ctx.parent.resizeDocks([dock], [width], Qt.Orientation.Horizontal)

    def find(self) -> None:
        self._show_dock("search")
        self.search.focus()

    def go_to(self, result: SearchResult) -> None:
        self.ctx.canvas.center_on(result.lat, result.lon, PICK_SPAN_DEG)
        if result.in_database:
            self.ctx.selection.select("place", result.place_id)
        else:  # a gazetteer town: the previous place is no longer what is shown
            self.ctx.selection.clear()

    def add_as_place(self, result: SearchResult) -> None:
        ctx = self.ctx
        place = place_from_result(result)
        refusal = ctx.undo_stack.attempt(AddRecords([place], f"add place {place.name}"))
        if refusal is not None:
            ctx.status(f"Could not add {place.name}: {refusal}", 8000)
            return
        ctx.selection.select("place", place.id)
        ctx.status(f"Added {place.name} to the database.", 5000)
        self.search.search(self.search.query.text())

    def _on_store_changed(self, change) -> None:
        if change.kind in ("layer", "*"):
            self.layers.rebuild()


def install_map(ctx: FeatureContext) -> MapFeature:
    return MapFeature(ctx)
