"""The map's menus, docks and toolbar: search, layers, legend, "as of" time, zoom.

Installed once per window (main_window.FEATURE_INSTALLERS); each action looks up
the window's current canvas, so it keeps working after another file is opened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolBar

from sitrep_desktop.commands.base import AddRecords
from sitrep_desktop.ui.map.layers.user_layers import UserLayers
from sitrep_desktop.ui.map.panels.layer_panel import LayerPanel
from sitrep_desktop.ui.map.panels.legend import LegendPanel
from sitrep_desktop.ui.map.panels.search_box import (
    PICK_SPAN_DEG,
    SearchPanel,
    SearchResult,
    place_from_result,
)
from sitrep_desktop.ui.map.panels.time_control import TimeControl
from sitrep_desktop.ui.window.actions import add_action

DOCK_WIDTH = 320


class MapFeature:
    def __init__(self, window) -> None:
        self.window = window
        w = window
        self.user_layers = UserLayers(w.canvas)
        w.signals.sigChanged.connect(self.user_layers.on_store_changed)
        self.search = SearchPanel(lambda: list(w.canvas._places.values()), w)
        self.search.sigPicked.connect(self.go_to)
        self.search.sigAddRequested.connect(self.add_as_place)
        self.layers = LayerPanel(w.canvas, self.user_layers, w, settings=w.settings)
        w.signals.sigChanged.connect(self._on_store_changed)
        self.legend = LegendPanel(w.store, w)
        w.signals.sigChanged.connect(self.legend.on_store_changed)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        w._dock("search", "Find place", self.search, left)
        w._dock("layers", "Layers", self.layers, left)
        w._dock("legend", "Legend", self.legend, left)
        w.tabifyDockWidget(w.docks["search"], w.docks["layers"])
        w.tabifyDockWidget(w.docks["layers"], w.docks["legend"])
        w.resizeDocks([w.docks["search"]], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        # The map is what a user came for: these open on demand (Ctrl+F, View menu).
        for name in ("search", "layers", "legend"):
            w.docks[name].hide()
        self.time_control = TimeControl(w.time_state, w)
        self._build_actions()

    def _build_actions(self) -> None:
        w = self.window
        menu = w.menu_view
        menu.addSeparator()
        self.action_find = add_action(
            w, menu, "&Find place…", self.find, QKeySequence.StandardKey.Find
        )
        self.action_zoom_in = add_action(
            self.window,
            menu,
            "Zoom &in",
            lambda: w.canvas.zoom_by(1.5),
            QKeySequence.StandardKey.ZoomIn,
        )
        self.action_zoom_out = add_action(
            self.window,
            menu,
            "Zoom &out",
            lambda: w.canvas.zoom_by(1 / 1.5),
            QKeySequence.StandardKey.ZoomOut,
        )
        self.action_zoom_all = add_action(
            w, menu, "Zoom to &all", lambda: w.canvas.zoom_to_all(), "Ctrl+0"
        )
        self.action_zoom_selection = add_action(
            self.window,
            menu,
            "Zoom to &selection",
            lambda: w.canvas.zoom_to_selection(),
            "Ctrl+Shift+S",
        )
        self.action_layers = add_action(w, menu, "&Layers", lambda: self._show_dock("layers"))
        self.action_legend = add_action(w, menu, "Le&gend", lambda: self._show_dock("legend"))
        toolbar = QToolBar("Map", w)
        toolbar.setObjectName("toolbar_map")
        for action in (self.action_zoom_all, self.action_zoom_selection):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addWidget(self.time_control)
        w.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        w.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _show_dock(self, name: str) -> None:
        dock = self.window.docks[name]
        dock.show()
        dock.raise_()

    def find(self) -> None:
        self._show_dock("search")
        self.search.focus()

    def go_to(self, result: SearchResult) -> None:
        self.window.canvas.center_on(result.lat, result.lon, PICK_SPAN_DEG)
        if result.in_database:
            self.window.selection.select("place", result.place_id)

    def add_as_place(self, result: SearchResult) -> None:
        w = self.window
        place = place_from_result(result)
        refusal = w.undo_stack.attempt(AddRecords([place], f"add place {place.name}"))
        if refusal is not None:
            w.statusBar().showMessage(f"Could not add {place.name}: {refusal}", 8000)
            return
        w.selection.select("place", place.id)
        w.statusBar().showMessage(f"Added {place.name} to the database.", 5000)
        self.search.search(self.search.query.text())

    def _on_store_changed(self, change) -> None:
        if change.kind in ("layer", "*"):
            self.layers.rebuild()


def install_map(window) -> MapFeature:
    window.map_feature = MapFeature(window)
    return window.map_feature
