"""Measure mode (M): click points or places, read each leg and the total on the map.

Every line is the geodesic, densified so that a long leg curves on the
projected map as the real track does. Figures come from ``geo.route``, the
same as ``sitrep measure`` prints. A click is taken on release without a
drag, so the map still pans in measure mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from sitrep_desktop.commands import AddRecords
from sitrep_desktop.domain import Annotation
from sitrep_desktop.geo.coords import format_dd
from sitrep_desktop.geo.geodesy import densify
from sitrep_desktop.geo.route import Route, distance_text, geodesic_track, leg_text, measure_route
from sitrep_desktop.ui.map.tools.base import MapTool

if TYPE_CHECKING:
    from sitrep_desktop.ui.map.canvas import MapCanvas
    from sitrep_desktop.ui.window.context import FeatureContext

LINE_COLOUR = "#d81b60"
SNAP_PIXELS = 12.0
CLICK_SLOP_PIXELS = 5.0  # a press and release further apart than this is a pan


@dataclass(frozen=True)
class MeasurePoint:
    name: str
    lat: float
    lon: float
    place_id: str | None = None


class MeasurePanel(QFrame):
    """The figures and the actions, floating in the map's top-left corner."""

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.setObjectName("MeasurePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.figures = QLabel("Click points or places to measure. Backspace: undo point, Esc: end.")
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.units = QComboBox()
        self.units.addItems(["km", "mi", "nmi"])
        self.save_button = QPushButton("Save as annotation")
        self.copy_button = QPushButton("Copy as sentence")
        buttons = QHBoxLayout()
        for widget in (self.units, self.save_button, self.copy_button):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures)
        layout.addLayout(buttons)
        self.move(10, 10)


class MeasureTool(MapTool):
    name = "measure"

    def __init__(self, ctx: FeatureContext) -> None:
        self.ctx = ctx
        self.points: list[MeasurePoint] = []
        self.panel: MeasurePanel | None = None
        self._items: list = []
        self._press: QPointF | None = None

    # -- MapTool --------------------------------------------------------------------
    def activate(self, canvas: MapCanvas) -> None:
        super().activate(canvas)
        self.points = []
        self.panel = MeasurePanel(canvas)
        self.panel.save_button.clicked.connect(self.save_annotation)
        self.panel.copy_button.clicked.connect(self.copy_sentence)
        self.panel.units.currentTextChanged.connect(lambda _unit: self._redraw())
        self.panel.show()
        self._redraw()

    def deactivate(self) -> None:
        self._clear_items()
        if self.panel is not None:
            self.panel.hide()
            self.panel.deleteLater()
            self.panel = None
        super().deactivate()

    def mouse_press(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
        return False

    def mouse_release(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return False
        moved = event.position() - press
        if abs(moved.x()) + abs(moved.y()) > CLICK_SLOP_PIXELS:
            return False  # that was a pan
        self.add_point(lat, lon)
        return False

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Backspace:
            self.remove_last_point()
            return True
        return False  # Esc falls through: the canvas ends the tool

    # -- points ---------------------------------------------------------------------
    def add_point(self, lat: float, lon: float) -> MeasurePoint:
        """Add a point, snapped to a place drawn within a few pixels."""
        assert self.canvas is not None
        place = self.canvas.place_near(lat, lon, SNAP_PIXELS)
        if place is not None:
            point = MeasurePoint(place.name, place.lat, place.lon, place.id)
        else:
            point = MeasurePoint(format_dd(lat, lon, 4), lat, lon)
        if not self.points or (self.points[-1].lat, self.points[-1].lon) != (point.lat, point.lon):
            self.points.append(point)
            self._redraw()
        return point

    def remove_last_point(self) -> None:
        if self.points:
            self.points.pop()
            self._redraw()

    @property
    def unit(self) -> str:
        return self.panel.units.currentText() if self.panel is not None else "km"

    def route(self) -> Route:
        return measure_route(self.points)

    # -- results --------------------------------------------------------------------
    def sentence(self) -> str:
        """ "Homs is 45 km (28 mi) S of Hama", plus the path length when it has turns."""
        route = self.route()
        text = route.sentence(self.unit)
        if len(route.legs) > 1:
            names = " – ".join(p.name for p in self.points)
            text += f"; the path {names} is {leg_total(route, self.unit)}"
        return text

    def copy_sentence(self) -> str:
        text = self.sentence()
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def annotation(self) -> Annotation | None:
        """The measured line as an annotation, its figures in the label and notes."""
        if len(self.points) < 2:
            return None
        route = self.route()
        lats, lons = geodesic_track(self.points)
        if lons.min() < -180.0 or lons.max() > 180.0:
            lons = (lons + 180.0) % 360.0 - 180.0  # stored WGS84 stays in range
        wkt = "LINESTRING (" + ", ".join(f"{o:.7f} {a:.7f}" for a, o in zip(lats, lons)) + ")"
        label = f"{self.points[0].name} → {self.points[-1].name}: {leg_total(route, self.unit)}"
        notes = "\n".join([*route.figures(self.unit), route.sentence(self.unit)])
        style = {"colour": LINE_COLOUR, "width": 2, "dash": "dash"}
        return Annotation(geometry=wkt, kind="line", label=label, notes=notes, style=style)

    def save_annotation(self) -> bool:
        annotation = self.annotation()
        if annotation is None:
            return False
        return self.ctx.undo_stack.run(
            AddRecords([annotation], text="save measurement"), self.ctx.parent
        )

    # -- drawing ---------------------------------------------------------------------
    def _clear_items(self) -> None:
        if self.canvas is not None:
            for item in self._items:
                self.canvas.removeItem(item)
        self._items = []

    def _redraw(self) -> None:
        canvas = self.canvas
        if canvas is None:
            return
        self._clear_items()
        route = self.route()
        if self.points:
            x, y = canvas.lonlat_to_view(
                np.array([p.lon for p in self.points]), np.array([p.lat for p in self.points])
            )
            vertices = pg.ScatterPlotItem(
                x=np.atleast_1d(x), y=np.atleast_1d(y), size=8, brush=pg.mkBrush(LINE_COLOUR)
            )
            self._add(vertices, 46)
        if route.legs:
            lats, lons = geodesic_track(self.points)
            x, y = canvas.lonlat_to_view(lons, lats)
            self._add(pg.PlotDataItem(x=x, y=y, pen=pg.mkPen(LINE_COLOUR, width=2)), 45)
            for r in route.legs:
                mid = densify(r.start.lat, r.start.lon, r.end.lat, r.end.lon, r.leg.distance_m / 2)
                lat, lon = mid[len(mid) // 2]
                self._label(leg_text(r.leg.distance_m, r.leg.initial_bearing, self.unit), lat, lon)
            last = self.points[-1]
            self._label(f"Total {leg_total(route, self.unit)}", last.lat, last.lon, (0.0, -0.3))
        if self.panel is not None:
            lines = route.figures(self.unit)
            if route.legs:
                lines.append(route.sentence(self.unit))
            self.panel.figures.setText(
                "\n".join(lines)
                or "Click points or places to measure. Backspace: undo point, Esc: end."
            )
            self.panel.save_button.setEnabled(bool(route.legs))
            self.panel.copy_button.setEnabled(bool(route.legs))
            self.panel.adjustSize()

    def _label(self, text: str, lat: float, lon: float, anchor=(0.5, 1.2)) -> None:
        assert self.canvas is not None
        x, y = self.canvas.lonlat_to_view(lon, lat)
        item = pg.TextItem(
            text, color="#880e4f", anchor=anchor, fill=pg.mkBrush(255, 255, 255, 210)
        )
        item.setPos(float(x), float(y))
        self._add(item, 50)

    def _add(self, item, z: float) -> None:
        assert self.canvas is not None
        item.setZValue(z)
        self.canvas.addItem(item)
        self._items.append(item)

    @property
    def labels(self) -> list[str]:
        """The texts drawn on the map (for tests and accessibility)."""
        return [item.toPlainText() for item in self._items if isinstance(item, pg.TextItem)]


def leg_total(route: Route, unit: str) -> str:
    return distance_text(route.total_m, unit)
