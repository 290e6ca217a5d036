"""The map canvas: basemap, places coloured by who holds them, events, annotations.

A pyqtgraph PlotWidget in projected metres (Web Mercator from geo.projection).
Items hold their own display data; the canvas listens to the store, the shared
selection and the "as of" time, and redraws what they change. The offline
basemap (basemap_layer), the decluttered names (place_labels) and the scale
bar, north arrow and credits (map_overlays) follow the visible range.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QWidget,
)

from sitrep_desktop.domain import Annotation, Moment, Place
from sitrep_desktop.geo.label_priority import other_label_candidates, town_label_candidates
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.services.situation import (
    ALL_LAYERS,
    DRAWINGS,
    EVENTS,
    PLACES,
    Situation,
)
from sitrep_desktop.services.style import (
    PLACE_OUTLINE,
    PLACE_SYMBOLS,
    SEA,
    place_size,
)
from sitrep_desktop.store import Store, StoreChange
from sitrep_desktop.store.event_summaries import max_event_rowid
from sitrep_desktop.ui.map.layers.basemap import Basemap
from sitrep_desktop.ui.map.layers.drawings import make_annotation_item
from sitrep_desktop.ui.map.layers.events import EventLayer
from sitrep_desktop.ui.map.overlays import MapOverlays
from sitrep_desktop.ui.map.place_labels import (
    DOT_RADIUS,
    MIN_PRIORITY,
    PlaceLabels,
    place_priority,
)
from sitrep_desktop.ui.map.texts import arrange_canvas_texts, text_boxes, widened
from sitrep_desktop.ui.map.tools.base import MapTool
from sitrep_desktop.ui.window.first_paint import on_first_paint
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState

BACKGROUND = SEA  # the view's background: the basemap fills the land over it
# Syria and its neighbours' edges: what a theatre view shows at least.
THEATRE_VIEW = (35.2, 32.2, 42.5, 37.4)
THEATRE_BOX = (25.0, 25.0, 50.0, 45.0)
MERCATOR_EDGE = 2.0037e7
KEY_ZOOM = 1.5
DEFER_EVENTS = 150_000  # more events than this: read after the first paint, in steps
SELECTION_RADIUS = 14.5  # pixels: the ring around the selected place, pen included


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
        # No right-click menu of pyqtgraph's own: made without one (the map has its own).
        super().__init__(parent=parent, background=BACKGROUND, viewBox=pg.ViewBox(enableMenu=False))
        self.store = store
        self.selection = selection
        self.time_state = time_state
        self.projection = default_projection()
        # What the map shows at each time: read once, kept current from the store's news.
        self.situation = Situation(store, self.projection)
        self.setObjectName("MapCanvas")
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view = plot.getViewBox()
        self.view.setAspectLocked(True)
        self.view.setBackgroundColor(None)
        self.view.setLimits(
            xMin=-MERCATOR_EDGE * 1.5,
            xMax=MERCATOR_EDGE * 1.5,
            yMin=-MERCATOR_EDGE,
            yMax=MERCATOR_EDGE,
            minXRange=500.0,
            minYRange=500.0,
        )

        self.basemap = Basemap(self)
        self.place_labels = PlaceLabels()
        # Names keep a space from other texts, and clear of the scale bar, north arrow
        # and credits.
        self.place_labels.obstacles = lambda: widened(text_boxes(self)) + self.overlays.boxes()
        self.addItem(self.place_labels)
        self.annotation_items: dict[str, QGraphicsItem] = {}
        self.annotations_shown = True
        # Markers when few events are in view, cells with counts when many (layers.events).
        self.events_layer = EventLayer(self)
        self.event_scatter = self.events_layer.markers
        self.addItem(self.events_layer.cells_item)
        self.place_scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=self._place_tip)
        self.place_scatter.setZValue(30)
        self.highlight = pg.ScatterPlotItem(
            pxMode=True,
            size=2 * SELECTION_RADIUS - 3,
            symbol="o",
            brush=None,
            pen=pg.mkPen("#ffab00", width=3),
        )
        self.highlight.setZValue(40)
        for item in (self.event_scatter, self.place_scatter, self.highlight):
            self.addItem(item)
        self.place_colours: dict[str, str] = {}
        self.tool: MapTool | None = None
        self._place_marks: tuple | None = None
        self._town_labels: tuple | None = None  # gazetteer towns, loaded after the first paint
        self._texts_to_arrange = False  # arrange_texts asked for, not yet done
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.overlays = MapOverlays(self)

        self.place_scatter.sigClicked.connect(self._on_points_clicked)
        self.event_scatter.sigClicked.connect(self._on_event_clicked)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        selection.sigChanged.connect(self._on_selection)
        time_state.sigChanged.connect(lambda _at: self.refresh())
        # At volume the events are read after the first paint, a chunk per idle moment:
        # the window and its map appear as quickly as on the demo.
        self._events_pending = max_event_rowid(store) > DEFER_EVENTS  # count(*) reads them all
        self.reload()
        self.zoom_to_all()
        # Connected only now, so the basemap loads the one level the first view needs.
        self.view.sigRangeChanged.connect(self._on_range_changed)
        self._on_range_changed()
        # Drawing and estimate labels pick their spots for each new view.
        self.view.sigTransformChanged.connect(lambda _view: self.arrange_texts())
        # The gazetteer (39,000 names) is not needed for the first picture: a zero
        # timer would still run before the first paint, so wait for the paint itself.
        on_first_paint(self.viewport(), self.load_town_labels)
        if self._events_pending:
            on_first_paint(self.viewport(), self._read_events_in_steps)

    # -- data --------------------------------------------------------------------
    @property
    def places(self) -> list[Place]:
        """The places the map shows (every place in the database)."""
        return list(self.situation.places.values())

    @property
    def _places(self) -> dict[str, Place]:
        # Kept for callers not yet moved to `places`.
        return self.situation.places

    @property
    def place_marks(self) -> tuple | None:
        """(names, x, y, radii) of the place markers as last drawn (projected metres,
        pixels), in `places` order; None before the first drawing."""
        return self._place_marks

    def reload(self) -> None:
        """Read places, events and annotations again and redraw them."""
        self.situation.reset()
        self._redraw(ALL_LAYERS)

    def refresh(self) -> None:
        """Redraw for the current time (control colours, which events show)."""
        self._redraw(frozenset((PLACES, EVENTS, "drawing_times")))

    def on_store_changed(self, change: StoreChange) -> None:
        """Follow the store's news: only the layers the change touches redraw."""
        self._redraw(self.situation.apply(change))

    def _redraw(self, layers: frozenset[str]) -> None:
        at = self.time_state.at
        if PLACES in layers:
            self._draw_places(at)
        if EVENTS in layers:
            self._draw_events(at)
        if DRAWINGS in layers:
            self._draw_annotations(list(self.situation.drawings.values()))
        if DRAWINGS in layers or "drawing_times" in layers:
            self._update_annotation_visibility(at)
        if layers & {PLACES, EVENTS, DRAWINGS}:
            # Place labels ignore events: a burst of team events need not lay them out
            # again (~50 ms each time), unless the ring is on an event that may have moved.
            if layers & {PLACES, DRAWINGS} or self.selection.kind == "event":
                self._on_selection(self.selection.kind, self.selection.id)
            self.arrange_texts()

    def _draw_places(self, at: Moment | None) -> None:
        views = self.situation.places_at(at)
        places = [v.place for v in views]
        x, y = self.projection.forward(
            np.array([p.lon for p in places]), np.array([p.lat for p in places])
        )
        spots = []
        self.place_colours = {}
        for view, px, py in zip(views, np.atleast_1d(x), np.atleast_1d(y)):
            place = view.place
            self.place_colours[place.id] = view.colour
            spots.append(
                {
                    "pos": (px, py),
                    "data": ("place", place.id),
                    "size": place_size(place.population),
                    "symbol": PLACE_SYMBOLS.get(place.kind, "o"),
                    "brush": pg.mkBrush(view.colour),
                    "pen": pg.mkPen(PLACE_OUTLINE, width=1),
                }
            )
        self.place_scatter.setData(spots)
        self._place_marks = (
            [p.name for p in places],
            np.atleast_1d(x).astype(float),
            np.atleast_1d(y).astype(float),
            np.array([place_size(p.population) / 2 + 1 for p in places], float),
        )
        self._update_labels()

    def _draw_events(self, at: Moment | None) -> None:
        """The events shown at `at`, from the situation's arrays: no record is built."""
        if self._waiting_for_events:
            return  # drawn once read (_read_events_in_steps)
        self._events_pending = False
        self.events_layer.draw(at)

    @property
    def _waiting_for_events(self) -> bool:
        return self._events_pending and not self.situation.events_read

    def _read_events_in_steps(self) -> None:
        steps = self.situation.events_in_steps()

        def step() -> None:
            try:
                more = next(steps, None) is not None
            except Exception:  # sqlite3's "closed database": the window quit meanwhile
                if self.store.is_open:
                    raise
                return
            # Drawn once read (a step more saves the read); if they changed meanwhile, read now.
            if self._events_pending and (self.situation.events_read or not more):
                self._events_pending = False
                self._draw_events(self.time_state.at)
                self._on_selection(self.selection.kind, self.selection.id)
            if more:
                QTimer.singleShot(0, step)

        step()

    def set_event_filter(self, rows: np.ndarray | None) -> None:
        """Draw only these rows of `situation.events` (the list's filters); None: all."""
        self.events_layer.set_filter(rows)
        self._on_selection(self.selection.kind, self.selection.id)

    def _units_per_pixel(self) -> float:
        """View metres per screen pixel now (an estimate before the view has a size)."""
        width = self.view.width() or self.width() or 1
        return float(self.view.viewRect().width()) / float(width)

    def _event_marker(self, event_id: str) -> tuple[float, float] | None:
        """(x, y) of an event's marker as drawn, or None if not shown."""
        if self._waiting_for_events:
            return None
        row = self.situation.events.row_of.get(event_id)
        return None if row is None else self.events_layer.marker_of(row)

    def load_town_labels(self) -> None:
        """Add the gazetteer's towns to the label candidates (deferred: it takes a moment)."""
        self._town_labels = town_label_candidates(self.projection.crs)
        self._update_labels()

    def _update_labels(self) -> None:
        places = list(self._places.values())
        texts, px, py, _radii = self._place_marks  # projected by _draw_places, same order
        selected = self.selection.id if self.selection.kind == "place" else ""
        priority = [place_priority(p.kind, p.population, p.id == selected) for p in places]
        # Names clear their marker, or the selection ring around it.
        radii = [
            SELECTION_RADIUS if p.id == selected else place_size(p.population) / 2 for p in places
        ]
        o_texts, o_x, o_y, o_priority, o_kinds, o_radii = other_label_candidates(
            self.projection.crs, self._town_labels, px, py, DOT_RADIUS
        )
        self.place_labels.set_candidates(
            list(texts) + o_texts,
            np.concatenate((np.asarray(px, float), o_x)),
            np.concatenate((np.asarray(py, float), o_y)),
            np.concatenate((np.array(priority, float), o_priority)),
            ["place"] * len(places) + o_kinds,
            np.concatenate((np.array(radii, float), o_radii)),
        )

    def _draw_annotations(self, annotations: list[Annotation]) -> None:
        for item in self.annotation_items.values():
            self.removeItem(item)
        self.annotation_items = {}
        for annotation in annotations:
            item = make_annotation_item(annotation, self.projection)
            self.addItem(item)
            self.annotation_items[annotation.id] = item

    def _update_annotation_visibility(self, at: Moment | None) -> None:
        for annotation_id, item in self.annotation_items.items():
            valid = self.situation.drawings[annotation_id].valid_at(at)
            item.setVisible(self.annotations_shown and valid)

    def set_annotations_shown(self, shown: bool) -> None:
        """Show or hide every drawing (the layer panel's switch); kept across reloads."""
        self.annotations_shown = shown
        self._update_annotation_visibility(self.time_state.at)
        self.arrange_texts()

    # -- view ----------------------------------------------------------------------
    def zoom_to_all(self, margin: float = 0.25) -> None:
        """Show every place; in the theatre, at least Syria and its borders."""
        if not self._places:
            self.set_lonlat_range(*THEATRE_VIEW)
            return
        lons = [p.lon for p in self._places.values()]
        lats = [p.lat for p in self._places.values()]
        dx = max(max(lons) - min(lons), 0.1) * margin
        dy = max(max(lats) - min(lats), 0.1) * margin
        west, south, east, north = min(lons) - dx, min(lats) - dy, max(lons) + dx, max(lats) + dy
        w, s, e, n = THEATRE_BOX
        if w <= west and east <= e and s <= south and north <= n:
            tw, ts, te, tn = THEATRE_VIEW
            west, south, east, north = min(west, tw), min(south, ts), max(east, te), max(north, tn)
        self.set_lonlat_range(west, south, east, north)

    zoom_to_places = zoom_to_all

    def zoom_to_selection(self, span_deg: float = 0.6) -> bool:
        """Centre on the selected place or event; False if nothing is selected."""
        kind, record_id = self.selection.kind, self.selection.id
        point = None
        if kind == "place" and record_id in self._places:
            place = self._places[record_id]
            point = (place.lon, place.lat)
        elif kind == "event":
            point = self.situation.event_point(record_id)
        elif kind == "annotation" and record_id in self.annotation_items:
            rect = self.annotation_items[record_id].boundingRect()
            self.view.setRange(rect=rect.adjusted(-2e3, -2e3, 2e3, 2e3), padding=0.2)
            return True
        if point is None:
            return False
        self.center_on(point[1], point[0], span_deg)
        return True

    def zoom_by(self, factor: float) -> None:
        """Zoom about the view's centre; factor > 1 zooms in."""
        self.view.scaleBy((1 / factor, 1 / factor))

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

    def _on_range_changed(self, *_args) -> None:
        west, _south, east, _north = self.visible_lonlat()
        self.basemap.set_span(east - west)
        self._follow_zoom()
        self.place_labels.min_priority = MIN_PRIORITY[self.basemap.level]
        self.overlays.scale_bar.recompute()

    def _follow_zoom(self) -> None:
        """Markers or cells for the new view: worked out again only once the view
        leaves the area drawn, or the zoom changes the cells or markers' offsets."""
        if self._waiting_for_events:
            return
        ready = self.events_layer._ready
        self.events_layer.follow_view()
        if self.events_layer._ready is not ready:
            self._on_selection(self.selection.kind, self.selection.id)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if hasattr(self, "overlays"):
            self.overlays.relayout()

    def arrange_texts(self) -> None:
        """Give drawing and estimate labels spots clear of places, events and each
        other, once the event loop turns or before the next paint, whichever comes
        first: one resize or pan changes the view several times in a row (range,
        transform, the docks fitted), and only the last view's layout is seen. Opening
        a window laid the labels out six times."""
        if not self._texts_to_arrange:
            self._texts_to_arrange = True
            QTimer.singleShot(0, self, self._arrange_texts_now)

    def _arrange_texts_now(self) -> None:
        if self._texts_to_arrange:
            self._texts_to_arrange = False
            arrange_canvas_texts(self)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._arrange_texts_now()  # no frame shows labels laid out for an older view
        super().paintEvent(event)

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
        if self._navigation_key(event.key()):
            event.accept()
            return
        super().keyPressEvent(event)

    def _navigation_key(self, key: int) -> bool:
        """+/- zoom, arrows pan by a quarter of the view."""
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(KEY_ZOOM)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(1 / KEY_ZOOM)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            rect = self.view.viewRect()
            step_x, step_y = rect.width() / 4, rect.height() / 4
            dx = {Qt.Key.Key_Left: -step_x, Qt.Key.Key_Right: step_x}.get(key, 0.0)
            dy = {Qt.Key.Key_Down: -step_y, Qt.Key.Key_Up: step_y}.get(key, 0.0)
            self.view.translateBy(x=dx, y=dy)
        else:
            return False
        return True

    # -- interaction ---------------------------------------------------------------
    def _on_points_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            kind, record_id = points[0].data()
            self.selection.select(kind, record_id)

    def _on_event_clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.selection.select("event", self.situation.events.ids[int(points[0].data())])

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.view.sceneBoundingRect().contains(scene_pos):
            return
        point = self.view.mapSceneToView(scene_pos)
        lon, lat = self.projection.inverse(point.x(), point.y())
        self.sigCursorMoved.emit(float(lat), float(lon))

    def _on_selection(self, kind: str, record_id: str) -> None:
        self._update_labels()
        position = None
        if kind == "place" and record_id in self._places:
            place = self._places[record_id]
            x, y = self.projection.forward(place.lon, place.lat)
            position = (float(x), float(y))
        elif kind == "event":
            position = self._event_marker(record_id)
        if position is None:
            self.highlight.setData([])
            return
        self.highlight.setData([{"pos": position}])

    @property
    def highlighted(self) -> tuple[float, float] | None:
        """(x, y) of the selection ring, or None: lets tests see what the map shows."""
        data = self.highlight.getData()
        if len(data[0]) == 0:
            return None
        return float(data[0][0]), float(data[1][0])

    def _place_tip(self, x: float, y: float, data: tuple[str, str]) -> str:
        place = self._places.get(data[1])
        if place is None:
            return ""
        lines = [f"{place.name} ({place.kind.replace('_', ' ')})"]
        if place.alt_names:
            lines.append(", ".join(place.alt_names))
        if place.population:
            lines.append(f"population {place.population:,}")
        faction = self.situation.holder(place.id, self.time_state.at)
        lines.append(f"held by {faction.name}" if faction else "control unknown")
        return "\n".join(lines)

    def _event_tip(self, x: float, y: float, data) -> str:
        # The one event under the mouse is read for its title: the map holds none.
        ids = self.situation.events.ids
        event = self.store.events.find(ids[int(data)]) if 0 <= int(data) < len(ids) else None
        return f"{event.at.text} {event.title}" if event else ""
