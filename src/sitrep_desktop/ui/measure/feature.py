"""Tools > Measure (M) and Tools > Range rings…, added to the main window."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from sitrep_desktop.ui.map.tools.measure import MeasureTool
from sitrep_desktop.ui.measure.range_rings import RangeRingsDialog
from sitrep_desktop.ui.window.context import FeatureContext

MEASURE_SHORTCUT = "M"
RANGE_RINGS_SHORTCUT = "Ctrl+Shift+R"


class MeasureFeature:
    """The actions and the one range-rings dialog of a window."""

    def __init__(self, ctx: FeatureContext) -> None:
        self.ctx = ctx
        self.dialog: RangeRingsDialog | None = None
        self.measure_action = QAction("&Measure distance", ctx.parent)
        self.measure_action.setCheckable(True)
        self.measure_action.setShortcut(QKeySequence(MEASURE_SHORTCUT))
        self.measure_action.setStatusTip("Click points or places to measure geodesic distances")
        self.measure_action.toggled.connect(self.set_measuring)
        self.rings_action = QAction("&Range rings…", ctx.parent)
        self.rings_action.setShortcut(QKeySequence(RANGE_RINGS_SHORTCUT))
        self.rings_action.triggered.connect(self.show_range_rings)
        ctx.menus.tools.addAction(self.measure_action)
        ctx.menus.tools.addAction(self.rings_action)
        ctx.canvas.sigToolChanged.connect(self._on_tool_changed)

    def _on_tool_changed(self, tool) -> None:
        self.measure_action.blockSignals(True)
        self.measure_action.setChecked(isinstance(tool, MeasureTool))
        self.measure_action.blockSignals(False)

    @property
    def tool(self) -> MeasureTool | None:
        tool = self.ctx.canvas.tool
        return tool if isinstance(tool, MeasureTool) else None

    def set_measuring(self, on: bool) -> None:
        if on and self.tool is None:
            self.ctx.canvas.set_tool(MeasureTool(self.ctx))
        elif not on and self.tool is not None:
            self.ctx.canvas.set_tool(None)

    def show_range_rings(self) -> RangeRingsDialog:
        if self.dialog is None:
            self.dialog = RangeRingsDialog(self.ctx)
        if self.dialog.isVisible():
            self.dialog.raise_()
        else:
            self.dialog.show()
        return self.dialog


def install_measure(ctx: FeatureContext) -> MeasureFeature:
    return MeasureFeature(ctx)
