"""The timeline's mouse: a click sets the "as of" time where it lands, and a
dragged cursor snaps to whole days (to whole hours when zoomed in to a few
days), so the map never stands at an odd 02:29 UTC no one chose.

Kept apart from timeline.py, which draws the strip: this is only how the
mouse moves the cursor. Times are seconds since 1970 (UTC), as on the axis.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt

HOUR = 3_600.0
DAY = 86_400.0
# A view narrower than this many seconds snaps to hours: a day is then wide
# enough on screen that an analyst can aim at "5 December, 14:00".
HOURS_BELOW_SPAN = 4 * DAY


def snap_seconds(seconds: float, view_span: float) -> float:
    """`seconds` rounded to the nearest midnight UTC, or hour if the view spans
    less than HOURS_BELOW_SPAN."""
    step = HOUR if view_span < HOURS_BELOW_SPAN else DAY
    return round(seconds / step) * step


def view_span_of(item: pg.GraphicsItem) -> float:
    """How many seconds the timeline shows across its width."""
    view = item.getViewBox()
    if view is None:
        return DAY * 30
    lo, hi = view.viewRange()[0]
    return hi - lo


class SnappingCursor(pg.InfiniteLine):
    """The "as of" line: snaps while the user drags it; a value set by code
    (play, the "as of" box) stands as given."""

    def setPos(self, pos: Any) -> None:  # noqa: N802 - pyqtgraph's name
        if getattr(self, "moving", False):
            point = pg.Point(pos)
            pos = pg.Point(snap_seconds(point.x(), view_span_of(self)), point.y())
        super().setPos(pos)


def install_click_to_set_time(plot: pg.PlotWidget, cursor: pg.InfiniteLine) -> None:
    """A left click inside the strip moves `cursor` there (snapped), which sets
    the time as a drag would; a drag on the background still pans."""
    view = plot.getPlotItem().getViewBox()

    def clicked(event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return  # on the axis, not the strip
        x = view.mapSceneToView(event.scenePos()).x()
        cursor.setValue(snap_seconds(x, view_span_of(cursor)))

    plot.scene().sigMouseClicked.connect(clicked)
