"""The map canvas: places coloured by who holds them, events, annotations.

A pyqtgraph PlotWidget in projected metres (Web Mercator from geo.projection).
Items hold their own display data; the canvas listens to the store, the shared
selection and the "as of" time, and redraws what they change.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QGraphicsItem, QWidget

from ..domain import Annotation, Moment
from ..geo.projection import default_projection
from ..store import Store, StoreChange
from .annotation_items import make_annotation_item
from .map_tool import MapTool
from .selection import Selection
from .time_state import TimeState

UNKNOWN_COLOUR = "#9e9e9e"
BACKGROUND = "#e8eef2"
PLACE_SYMBOLS = {
    "city": "o",
    "town": "o",
    "village": "o",
    "air_base": "t1",
    "naval_base": "s",
    "military_base": "s",
    "checkpoint": "d",
    "border_crossing": "d",
    "other": "h",
}
EVENT_COLOURS = {
    "clash": "#e65100",
    "airstrike": "#b71c1c",
    "shelling": "#bf360c",
    "capture": "#1b5e20",
    "withdrawal": "#4e342e",
    "statement": "#1565c0",
    "movement": "#00838f",
    "other": "#424242",
}


def place_size(population: int | None) -> float:
    """Marker size in pixels, growing with the log of the population."""
    if not population:
        return 9.0
    return float(np.clip(4.0 + 2.2 * np.log10(population), 8.0, 20.0))


class MapCanvas(pg.PlotWidget):
    sigCursorMoved = Signal(float, float)  # lat, lon under the mouse
    sigToolChanged = Signal(object)  # the active MapTool or None

    def __init__(
        self,
        store: Store,
        selection: Selection,
        time_state: TimeState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent=parent, background=BACKGROUND)
        self.store = store
        self.selection = selection
        self.time_state = time_state
        self.projection = default_projection()
        self.setObjectName("MapCanvas")
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view = plot.getViewBox()
        self.view.setAspectLocked(True)
        self.view.setBackgroundColor(None)

        self.annotation_items: dict[str, QGraphicsItem] = {}
        self.event_scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=self._event_tip)
        self.event_scatter.setZValue(20)
        self.place_scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=self._place_tip)
        self.place_scatter.setZValue(30)
        self.highlight = pg.ScatterPlotItem(
            pxMode=True, size=26, symbol="o", brush=None, pen=pg.mkPen("#ffab00", width=3)
        )
        self.highlight.setZValue(40)
        for item in (self.event_scatter, self.place_scatter, self.highlight):
            self.addItem(item)
        self.labels: dict[str, pg.TextItem] = {}
        self.place_colours: dict[str, str] = {}
        self.tool: MapTool | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.place_scatter.sigClicked.connect(self._on_points_clicked)
        self.event_scatter.sigClicked.connect(self._on_points_clicked)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        selection.sigChanged.connect(self._on_selection)
        time_state.sigChanged.connect(lambda _at: self.refresh())
        self.reload()
        self.zoom_to_places()

    # -- data --------------------------------------------------------------------
    def reload(self) -> None:
        """Read places, events and annotations again and redraw them."""
        self._places = {p.id: p for p in self.store.places.all()}
        self._factions = {f.id: f for f in self.store.factions.all()}
        self._draw_annotations(self.store.annotations.all())
        self.refresh()

    def refresh(self) -> None:
        """Redraw for the current time (control colours, which events show)."""
        at = self.time_state.at
        self._draw_places(at)
        self._draw_events(at)
        self._update_annotation_visibility(at)
        self._on_selection(self.selection.kind, self.selection.id)

    def on_store_changed(self, change: StoreChange) -> None:
        self.reload()

    def _draw_places(self, at: Moment | None) -> None:
        states = self.store.control.control_map(at)
        places = list(self._places.values())
        x, y = self.projection.forward(
            np.array([p.lon for p in places]), np.array([p.lat for p in places])
        )
        spots = []
        self.place_colours = {}
        for place, px, py in zip(places, np.atleast_1d(x), np.atleast_1d(y)):
            state = states.get(place.id)
            faction = self._factions.get(state.faction_id) if state and state.faction_id else None
            colour = faction.colour if faction else UNKNOWN_COLOUR
            self.place_colours[place.id] = colour
            spots.append(
                {
                    "pos": (px, py),
                    "data": ("place", place.id),
                    "size": place_size(place.population),
                    "symbol": PLACE_SYMBOLS.get(place.kind, "o"),
                    "brush": pg.mkBrush(colour),
                    "pen": pg.mkPen("#212121", width=1),
                }
            )
        self.place_scatter.setData(spots)
        self._draw_labels(places, np.atleast_1d(x), np.atleast_1d(y))

    def _draw_labels(self, places: list, xs: np.ndarray, ys: np.ndarray) -> None:
        for item in self.labels.values():
            self.removeItem(item)
        self.labels = {}
        for place, px, py in zip(places, xs, ys):
            label = pg.TextItem(place.name, color="#212121", anchor=(-0.08, 0.5))
            label.setPos(float(px), float(py))
            label.setZValue(35)
            self.addItem(label)
            self.labels[place.id] = label

    def _draw_events(self, at: Moment | None) -> None:
        bound = at.upper_key if at is not None else None
        events = [e for e in self.store.events.all() if bound is None or e.at.key <= bound]
        spots = []
        for event in events:
            point = self._event_point(event)
            if point is None:
                continue
            x, y = self.projection.forward(point[0], point[1])
            spots.append(
                {
                    "pos": (float(x), float(y)),
                    "data": ("event", event.id),
                    "size": 10,
                    "symbol": "star" if event.category == "capture" else "d",
                    "brush": pg.mkBrush(EVENT_COLOURS.get(event.category, "#424242")),
                    "pen": pg.mkPen("#ffffff", width=1),
                }
            )
        self.event_scatter.setData(spots)
        self._events = {e.id: e for e in events}

    def _event_point(self, event) -> tuple[float, float] | None:
        if event.geometry:
            point = shapely.from_wkt(event.geometry).representative_point()
            return point.x, point.y
        if event.place_id and event.place_id in self._places:
            place = self._places[event.place_id]
            # Offset slightly so the event marker does not hide the place marker.
            return place.lon + 0.02, place.lat + 0.02
        return None

    def _draw_annotations(self, annotations: list[Annotation]) -> None:
        for item in self.annotation_items.values():
            self.removeItem(item)
        self.annotation_items = {}
        self._annotations = {a.id: a for a in annotations}
        for annotation in annotations:
            item = make_annotation_item(annotation, self.projection)
            self.addItem(item)
            self.annotation_items[annotation.id] = item

    def _update_annotation_visibility(self, at: Moment | None) -> None:
        for annotation_id, item in self.annotation_items.items():
            item.setVisible(self._annotations[annotation_id].valid_at(at))

    # -- view ----------------------------------------------------------------------
    def zoom_to_places(self, margin: float = 0.25) -> None:
        if not self._places:
            self.set_lonlat_range(25.0, 25.0, 50.0, 45.0)
            return
        lons = [p.lon for p in self._places.values()]
        lats = [p.lat for p in self._places.values()]
        dx = max(max(lons) - min(lons), 0.1) * margin
        dy = max(max(lats) - min(lats), 0.1) * margin
        self.set_lonlat_range(min(lons) - dx, min(lats) - dy, max(lons) + dx, max(lats) + dy)

    def set_lonlat_range(self, west: float, south: float, east: float, north: float) -> None:
        x, y = self.projection.forward(np.array([west, east]), np.array([south, north]))
        self.view.setRange(xRange=(x[0], x[1]), yRange=(y[0], y[1]), padding=0)

    def center_on(self, lat: float, lon: float, span_deg: float | None = None) -> None:
        if span_deg is not None:
            half = span_deg / 2
            self.set_lonlat_range(lon - half, lat - half, lon + half, lat + half)
            return
        x, y = self.projection.forward(lon, lat)
        rect = self.view.viewRect()
        self.view.setRange(
            xRange=(float(x) - rect.width() / 2, float(x) + rect.width() / 2),
            yRange=(float(y) - rect.height() / 2, float(y) + rect.height() / 2),
            padding=0,
        )

    def visible_lonlat(self) -> tuple[float, float, float, float]:
        rect = self.view.viewRect()
        lon, lat = self.projection.inverse(
            np.array([rect.left(), rect.right()]), np.array([rect.top(), rect.bottom()])
        )
        return float(min(lon)), float(min(lat)), float(max(lon)), float(max(lat))

    # -- coordinates -------------------------------------------------------------------
    def lonlat_to_view(self, lon, lat) -> tuple:
        """Projected (x, y) of lon/lat (scalars or arrays): what items are drawn in."""
        return self.projection.forward(lon, lat)

    def widget_to_latlon(self, pos) -> tuple[float, float]:
        """(lat, lon) of a point in widget pixels."""
        point = self.view.mapSceneToView(self.mapToScene(pos))
        lon, lat = self.projection.inverse(point.x(), point.y())
        return float(lat), float(lon)

    def latlon_to_widget(self, lat: float, lon: float) -> QPointF:
        x, y = self.projection.forward(lon, lat)
        scene = self.view.mapViewToScene(QPointF(float(x), float(y)))
        return QPointF(self.mapFromScene(scene))

    def place_near(self, lat: float, lon: float, pixels: float = 12.0):
        """The place drawn within `pixels` of (lat, lon), nearest first, or None (snapping)."""
        target = self.latlon_to_widget(lat, lon)
        best, best_d = None, pixels
        for place in self._places.values():
            p = self.latlon_to_widget(place.lat, place.lon)
            d = ((p.x() - target.x()) ** 2 + (p.y() - target.y()) ** 2) ** 0.5
            if d <= best_d:
                best, best_d = place, d
        return best

    # -- tools ---------------------------------------------------------------------------
    def set_tool(self, tool: MapTool | None) -> None:
        """Make `tool` the active mode (None: plain pan/zoom/select)."""
        if self.tool is not None:
            self.tool.deactivate()
        self.tool = tool
        if tool is not None:
            tool.activate(self)
            self.setFocus()
        self.setCursor(Qt.CursorShape.CrossCursor if tool else Qt.CursorShape.ArrowCursor)
        self.sigToolChanged.emit(tool)

    def _to_tool(self, handler: str, event: QMouseEvent) -> bool:
        if self.tool is None:
            return False
        lat, lon = self.widget_to_latlon(event.position().toPoint())
        if getattr(self.tool, handler)(lat, lon, event):
            event.accept()
            return True
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if not self._to_tool("mouse_press", event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self._to_tool("mouse_move", event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self._to_tool("mouse_release", event):
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self._to_tool("mouse_double_click", event):
            super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self.tool is not None and self.tool.key_press(event):
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.tool is not None:
            self.set_tool(None)
            return
        super().keyPressEvent(event)

    # -- interaction ---------------------------------------------------------------
    def _on_points_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            kind, record_id = points[0].data()
            self.selection.select(kind, record_id)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.view.sceneBoundingRect().contains(scene_pos):
            return
        point = self.view.mapSceneToView(scene_pos)
        lon, lat = self.projection.inverse(point.x(), point.y())
        self.sigCursorMoved.emit(float(lat), float(lon))

    def _on_selection(self, kind: str, record_id: str) -> None:
        position = None
        if kind == "place" and record_id in self._places:
            place = self._places[record_id]
            position = (place.lon, place.lat)
        elif kind == "event" and record_id in getattr(self, "_events", {}):
            position = self._event_point(self._events[record_id])
        if position is None:
            self.highlight.setData([])
            return
        x, y = self.projection.forward(position[0], position[1])
        self.highlight.setData([{"pos": (float(x), float(y))}])

    @property
    def highlighted(self) -> tuple[float, float] | None:
        """(x, y) of the selection ring, or None: lets tests see what the map shows."""
        data = self.highlight.getData()
        if len(data[0]) == 0:
            return None
        return float(data[0][0]), float(data[1][0])

    def _place_tip(self, x: float, y: float, data: tuple[str, str]) -> str:
        place = self._places.get(data[1])
        return place.name if place else ""

    def _event_tip(self, x: float, y: float, data: tuple[str, str]) -> str:
        event = getattr(self, "_events", {}).get(data[1])
        return f"{event.at.text} {event.title}" if event else ""
