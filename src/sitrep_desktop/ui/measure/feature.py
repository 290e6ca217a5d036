"""Tools > Measure (M) and Tools > Range rings…, added to the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from sitrep_desktop.ui.map.tools.measure import MeasureTool
from sitrep_desktop.ui.measure.range_rings import RangeRingsDialog

if TYPE_CHECKING:
    from sitrep_desktop.ui.window.main_window import MainWindow

MEASURE_SHORTCUT = "M"
RANGE_RINGS_SHORTCUT = "Ctrl+Shift+R"


class MeasureFeature:
    """The actions and the one range-rings dialog; follows the window's current canvas."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: RangeRingsDialog | None = None
        self._watched = None
        self.measure_action = QAction("&Measure distance", window)
        self.measure_action.setCheckable(True)
        self.measure_action.setShortcut(QKeySequence(MEASURE_SHORTCUT))
        self.measure_action.setStatusTip("Click points or places to measure geodesic distances")
        self.measure_action.toggled.connect(self.set_measuring)
        self.rings_action = QAction("&Range rings…", window)
        self.rings_action.setShortcut(QKeySequence(RANGE_RINGS_SHORTCUT))
        self.rings_action.triggered.connect(self.show_range_rings)
        window.menu_tools.addAction(self.measure_action)
        window.menu_tools.addAction(self.rings_action)
        self._watch_canvas()

    def _watch_canvas(self) -> None:
        # The window builds a new canvas when another file is opened.
        canvas = self.window.canvas
        if canvas is not self._watched:
            canvas.sigToolChanged.connect(self._on_tool_changed)
            self._watched = canvas

    def _on_tool_changed(self, tool) -> None:
        self.measure_action.blockSignals(True)
        self.measure_action.setChecked(isinstance(tool, MeasureTool))
        self.measure_action.blockSignals(False)

    @property
    def tool(self) -> MeasureTool | None:
        tool = self.window.canvas.tool
        return tool if isinstance(tool, MeasureTool) else None

    def set_measuring(self, on: bool) -> None:
        self._watch_canvas()
        canvas = self.window.canvas
        if on and self.tool is None:
            canvas.set_tool(MeasureTool(self.window))
        elif not on and self.tool is not None:
            canvas.set_tool(None)

    def show_range_rings(self) -> RangeRingsDialog:
        if self.dialog is None or self.dialog.window is not self.window:
            self.dialog = RangeRingsDialog(self.window)
        if self.dialog.isVisible():
            self.dialog.raise_()
        else:
            self.dialog.show()
        return self.dialog


def install_measure(window: MainWindow) -> MeasureFeature:
    window.measure_feature = MeasureFeature(window)
    return window.measure_feature
