"""Map tools that draw and edit annotations.

DrawTool: click to add vertices (snapped to a place when one is near), double-
click or Enter to finish, Backspace takes the last vertex back, Esc cancels.
A point or a text label is one click; a circle is a click on the centre and one
on the rim (a geodesic circle, as on the ground).

EditTool: click a drawing to pick it; drag a vertex to move it, Shift-click on
an edge to insert a vertex, Ctrl-click a vertex to delete it, drag the shape
itself to move all of it, Delete removes the drawing. Each finished change is
one command on the undo stack; the drag in between only moves a preview.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget
from shapely import affinity

from ..commands import AddRecords, DeleteRecords
from ..commands.annotation_commands import MoveAnnotation
from ..domain import Annotation, ValidationError
from ..geo.geodesy import geodesic_circle, inverse
from .map_tool import MapTool

if TYPE_CHECKING:
    from .map_canvas import MapCanvas

SNAP_PIXELS = 12.0
HANDLE_PIXELS = 8.0
HIT_PIXELS = 6.0
PREVIEW_Z = 60
DRAWING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Backspace)
EDITING_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape)
MIN_VERTICES = {"point": 1, "text": 1, "line": 2, "arrow": 2, "polygon": 3, "circle": 2}


class Prompts:
    """The questions a tool asks; tests swap in answers instead of dialogs."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def text(self, title: str, label: str, default: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, text=default)
        return value if ok else None

    def repair(self, reason: str) -> bool:
        answer = QMessageBox.question(
            self.parent,
            "Shape crosses itself",
            f"This polygon is not a valid area ({reason}).\n\n"
            "Repair it (split it into valid parts) and save?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def refuse(self, message: str) -> None:
        QMessageBox.warning(self.parent, "Not saved", message)


class KeyClaim(QObject):
    """Lets the active tool keep keys (Delete, Enter...) that window shortcuts also use.

    Qt offers a key to shortcuts before the focused widget; accepting the
    ShortcutOverride tells it the canvas wants this one, while the tool needs it.
    """

    def __init__(self, tool) -> None:
        super().__init__()
        self.tool = tool

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ShortcutOverride and self.tool.claims_key(event.key()):
            event.accept()
            return True
        return False


class ToolBase(MapTool):
    """A map tool that can keep its keys from window shortcuts while active."""

    def activate(self, canvas: MapCanvas) -> None:
        super().activate(canvas)
        self._key_claim = KeyClaim(self)
        canvas.installEventFilter(self._key_claim)

    def deactivate(self) -> None:
        if self.canvas is not None:
            self.canvas.removeEventFilter(self._key_claim)
        super().deactivate()

    def claims_key(self, key: int) -> bool:
        return False


class DrawingHost:
    """What the tools need from the window: kept narrow so tools test easily."""

    def __init__(self, window, style: Callable[[str], dict[str, Any]], prompts: Prompts) -> None:
        self.window = window
        self.style_for = style
        self.prompts = prompts

    def run(self, command) -> bool:
        return self.window.undo_stack.run(command, self.window)

    def status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 5000)


def checked_polygon(shape, prompts: Prompts):
    """`shape` if valid; a repaired version if the user agrees; None when refused."""
    if shape.is_valid:
        return shape
    reason = shapely.is_valid_reason(shape)
    if not prompts.repair(reason):
        prompts.refuse(f"A polygon that crosses itself cannot be saved ({reason}).")
        return None
    repaired = shapely.make_valid(shape)
    parts = [g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type == "Polygon"]
    parts += [
        p for g in getattr(repaired, "geoms", []) if g.geom_type == "MultiPolygon" for p in g.geoms
    ]
    if not parts:
        prompts.refuse("Nothing of the polygon is left after repair.")
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


class DrawTool(ToolBase):
    """Draws one kind of annotation: point, line, arrow, polygon, circle or text."""

    def __init__(self, kind: str, host: DrawingHost) -> None:
        self.kind = kind
        self.name = f"draw {kind}"
        self.host = host
        self.vertices: list[tuple[float, float]] = []  # (lat, lon)
        self.hover: tuple[float, float] | None = None
        self.preview: pg.PlotDataItem | None = None

    # -- MapTool ---------------------------------------------------------------------
    def activate(self, canvas: MapCanvas) -> None:
        super().activate(canvas)
        self.preview = pg.PlotDataItem(
            pen=pg.mkPen("#ff6f00", width=2, style=Qt.PenStyle.DashLine),
            symbol="s",
            symbolSize=7,
            symbolBrush="#ffffff",
            symbolPen="#ff6f00",
        )
        self.preview.setZValue(PREVIEW_Z)
        canvas.addItem(self.preview)
        self.host.status(HINTS[self.kind])

    def deactivate(self) -> None:
        if self.canvas is not None and self.preview is not None:
            self.canvas.removeItem(self.preview)
        self.preview = None
        self.vertices = []
        super().deactivate()

    def mouse_press(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if event.button() == Qt.MouseButton.RightButton and self.vertices:
            self.finish()
            return True
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self._add_vertex(lat, lon)
        if self.kind in ("point", "text") or (self.kind == "circle" and len(self.vertices) == 2):
            self.finish()
        return True

    def mouse_move(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if not self.vertices:
            return False  # let the canvas pan while nothing is being drawn
        self.hover = self._snap(lat, lon)
        self._update_preview()
        return event.buttons() == Qt.MouseButton.NoButton

    def mouse_release(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        return bool(self.vertices) or event.button() == Qt.MouseButton.LeftButton

    def mouse_double_click(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self._add_vertex(lat, lon)  # no-op when it repeats the click just made
        self.finish()
        return True

    def key_press(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.vertices:
            self.finish()
            return True
        if key == Qt.Key.Key_Escape and self.vertices:
            self.cancel()
            return True
        if key == Qt.Key.Key_Backspace and self.vertices:
            self.vertices.pop()
            self._update_preview()
            return True
        return False

    def claims_key(self, key: int) -> bool:
        return bool(self.vertices) and key in DRAWING_KEYS

    # -- drawing -------------------------------------------------------------------------
    def cancel(self) -> None:
        self.vertices = []
        self.hover = None
        self._update_preview()
        self.host.status(f"{self.kind} cancelled")

    def finish(self) -> Annotation | None:
        """Save what was drawn as an annotation (one undo step); None if nothing saved."""
        vertices, self.vertices, self.hover = self.vertices, [], None
        self._update_preview()
        if len(vertices) < MIN_VERTICES[self.kind]:
            self.host.status(f"a {self.kind} needs at least {MIN_VERTICES[self.kind]} points")
            return None
        style = dict(self.host.style_for(self.kind))
        label = str(style.pop("label", ""))
        if self.kind == "text":
            label = self.host.prompts.text("Text label", "Text:", label) or ""
            if not label.strip():
                return None
        shape = self._shape(vertices, style)
        if shape is None:
            return None
        time_state = getattr(self.host.window, "time_state", None)
        at = time_state.at if time_state is not None and style.pop("tie_to_time", True) else None
        try:
            annotation = Annotation(
                kind=self.kind,
                geometry=shapely.to_wkt(shape, rounding_precision=7),
                label=label,
                style=style,
                valid_from=at,
            )
        except ValidationError as exc:
            self.host.prompts.refuse(str(exc))
            return None
        if not self.host.run(AddRecords([annotation], text=f"draw {self.kind}")):
            return None
        self.host.status(f"{self.kind} saved")
        return annotation

    def _shape(self, vertices: list[tuple[float, float]], style: dict):
        lonlat = [(lon, lat) for lat, lon in vertices]
        if self.kind in ("point", "text"):
            return shapely.Point(lonlat[0])
        if self.kind in ("line", "arrow"):
            return shapely.LineString(lonlat)
        if self.kind == "circle":
            (clat, clon), (rlat, rlon) = vertices[0], vertices[-1]
            radius = inverse(clat, clon, rlat, rlon).distance_m
            if radius <= 0:
                return None
            style["centre"] = [clat, clon]
            style["radius_m"] = round(radius, 1)
            return circle_polygon(clat, clon, radius)
        return checked_polygon(shapely.Polygon(lonlat), self.host.prompts)

    def _add_vertex(self, lat: float, lon: float) -> None:
        lat, lon = self._snap(lat, lon)
        if self.vertices and self._pixels_apart(self.vertices[-1], (lat, lon)) < 3:
            return  # the second click of a double-click, or a jitter
        self.vertices.append((lat, lon))
        self._update_preview()

    def _snap(self, lat: float, lon: float) -> tuple[float, float]:
        place = self.canvas.place_near(lat, lon, SNAP_PIXELS) if self.canvas else None
        return (place.lat, place.lon) if place is not None else (lat, lon)

    def _pixels_apart(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        pa, pb = self.canvas.latlon_to_widget(*a), self.canvas.latlon_to_widget(*b)
        return float(np.hypot(pa.x() - pb.x(), pa.y() - pb.y()))

    def _update_preview(self) -> None:
        if self.preview is None or self.canvas is None:
            return
        points = list(self.vertices)
        if points and self.hover is not None:
            points.append(self.hover)
        if self.kind == "circle" and len(points) == 2:
            (clat, clon), (rlat, rlon) = points
            radius = inverse(clat, clon, rlat, rlon).distance_m
            points = geodesic_circle(clat, clon, radius, 90) if radius > 0 else points
        elif self.kind == "polygon" and len(points) > 2:
            points = [*points, points[0]]
        if not points:
            self.preview.setData([], [])
            return
        lats = np.array([p[0] for p in points])
        lons = np.array([p[1] for p in points])
        x, y = self.canvas.lonlat_to_view(lons, lats)
        self.preview.setData(np.atleast_1d(x), np.atleast_1d(y))


def circle_polygon(lat: float, lon: float, radius_m: float) -> shapely.Polygon:
    ring = geodesic_circle(lat, lon, radius_m, 72)
    return shapely.Polygon([(o, a) for a, o in ring])


HINTS = {
    "point": "Click to place a point symbol.",
    "text": "Click where the label goes.",
    "line": "Click to add points; double-click or Enter to finish, Esc to cancel.",
    "arrow": "Click from the start of the advance to its head; double-click or Enter to finish.",
    "polygon": "Click the corners; double-click or Enter to close the area, Esc to cancel.",
    "circle": "Click the centre, then a point on the rim.",
}


@dataclasses.dataclass
class _Drag:
    annotation: Annotation
    mode: str  # "vertex" or "move"
    start: tuple[float, float]  # lat, lon where the drag began
    vertex: tuple[int, int] | None = None  # (part, index)
    shape: Any = None  # the shape as it is being dragged
    moved: bool = False


class EditTool(ToolBase):
    """Pick a drawing and change its shape; see the module docstring for the gestures."""

    name = "edit drawings"

    def __init__(self, host: DrawingHost) -> None:
        self.host = host
        self.target_id: str | None = None
        self.drag: _Drag | None = None
        self.handles: pg.ScatterPlotItem | None = None
        self.outline: pg.PlotDataItem | None = None

    def activate(self, canvas: MapCanvas) -> None:
        super().activate(canvas)
        self.handles = pg.ScatterPlotItem(
            pxMode=True, size=9, symbol="s", brush="#ffffff", pen=pg.mkPen("#0d47a1", width=2)
        )
        self.outline = pg.PlotDataItem(pen=pg.mkPen("#0d47a1", width=1, style=Qt.PenStyle.DotLine))
        for item in (self.outline, self.handles):
            item.setZValue(PREVIEW_Z)
            canvas.addItem(item)
        self.host.status(
            "Click a drawing; drag a vertex or the shape; Shift-click an edge to add a vertex, "
            "Ctrl-click a vertex to delete it, Delete removes the drawing."
        )
        self.refresh()

    def deactivate(self) -> None:
        if self.canvas is not None:
            for item in (self.handles, self.outline):
                if item is not None:
                    self.canvas.removeItem(item)
        self.handles = self.outline = None
        self.drag = None
        super().deactivate()

    @property
    def target(self) -> Annotation | None:
        if self.target_id is None or self.host.window.store is None:
            return None
        try:
            return self.host.window.store.annotations.get(self.target_id)
        except Exception:  # deleted (or undone) since it was picked
            return None

    def select(self, annotation_id: str | None) -> None:
        self.target_id = annotation_id
        self.refresh()

    def refresh(self) -> None:
        """Show the handles of the picked drawing (after any change to it)."""
        if self.handles is None or self.outline is None or self.canvas is None:
            return
        target = self.target
        shape = self.drag.shape if self.drag and self.drag.shape is not None else None
        if shape is None and target is not None:
            shape = shapely.from_wkt(target.geometry)
        if shape is None:
            self.handles.setData([])
            self.outline.setData([], [])
            return
        lonlat = np.array([v for part in editable_parts(shape) for v in part])
        x, y = self.canvas.lonlat_to_view(lonlat[:, 0], lonlat[:, 1])
        self.handles.setData(np.atleast_1d(x), np.atleast_1d(y))
        bx, by = _outline_xy(shape, self.canvas)
        self.outline.setData(bx, by, connect="finite")

    # -- gestures ------------------------------------------------------------------------
    def mouse_press(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        modifiers = event.modifiers()
        target = self.target
        if target is not None:
            shape = shapely.from_wkt(target.geometry)
            vertex = self._vertex_near(shape, lat, lon)
            if vertex is not None and modifiers & Qt.KeyboardModifier.ControlModifier:
                self._delete_vertex(target, shape, vertex)
                return True
            if vertex is not None:
                self.drag = _Drag(target, "vertex", (lat, lon), vertex, shape)
                return True
            if modifiers & Qt.KeyboardModifier.ShiftModifier and target.kind != "circle":
                if self._insert_vertex(target, shape, lat, lon):
                    return True
        hit = self._annotation_at(lat, lon)
        if hit is None:
            self.select(None)
            return False  # empty map: pan as usual
        if hit.id != self.target_id:
            self.select(hit.id)
        self.drag = _Drag(hit, "move", (lat, lon), None, shapely.from_wkt(hit.geometry))
        return True

    def mouse_move(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        drag = self.drag
        if drag is None:
            return False
        original = shapely.from_wkt(drag.annotation.geometry)
        if drag.mode == "move":
            drag.shape = affinity.translate(original, lon - drag.start[1], lat - drag.start[0])
        elif drag.annotation.kind == "circle":
            clat, clon = _circle_centre(drag.annotation, original)
            radius = inverse(clat, clon, lat, lon).distance_m
            drag.shape = circle_polygon(clat, clon, radius) if radius > 0 else original
        else:
            lat, lon = self._snap(lat, lon)
            drag.shape = replace_vertex(original, drag.vertex, (lon, lat))
        drag.moved = True
        self.refresh()
        return True

    def mouse_release(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        drag, self.drag = self.drag, None
        if drag is None:
            return False
        if drag.moved and drag.shape is not None:
            self._save(drag.annotation, drag.shape, "move drawing" if drag.mode == "move" else None)
        self.refresh()
        return True

    def key_press(self, event: QKeyEvent) -> bool:
        target = self.target
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and target is not None:
            if self.host.run(DeleteRecords([target], text=f"delete {target.kind}")):
                self.select(None)
            return True
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.drag = None
            self.refresh()
            return True
        return False

    def claims_key(self, key: int) -> bool:
        return self.target_id is not None and key in EDITING_KEYS

    # -- edits -----------------------------------------------------------------------------
    def _save(self, annotation: Annotation, shape, text: str | None = None) -> bool:
        if shape.geom_type in ("Polygon", "MultiPolygon"):
            shape = checked_polygon(shape, self.host.prompts)
            if shape is None:
                return False
        style = dict(annotation.style)
        if annotation.kind == "circle":
            centre = shape.centroid
            style["centre"] = [round(centre.y, 7), round(centre.x, 7)]
            ring = shape.exterior.coords[0]
            style["radius_m"] = round(inverse(centre.y, centre.x, ring[1], ring[0]).distance_m, 1)
        wkt = shapely.to_wkt(shape, rounding_precision=7)
        command = MoveAnnotation(annotation, wkt, text or "edit drawing")
        command.after = dataclasses.replace(command.after, style=style)
        return self.host.run(command)

    def _delete_vertex(self, target: Annotation, shape, vertex: tuple[int, int]) -> None:
        parts = editable_parts(shape)
        minimum = 3 if shape.geom_type in ("Polygon", "MultiPolygon") else 2
        if target.kind == "circle" or len(parts[vertex[0]]) <= minimum:
            self.host.status("that vertex cannot be removed: the shape would collapse")
            return
        self._save(target, remove_vertex(shape, vertex), "delete vertex")

    def _insert_vertex(self, target: Annotation, shape, lat: float, lon: float) -> bool:
        edge = self._edge_near(shape, lat, lon)
        if edge is None:
            return False
        self._save(target, insert_vertex(shape, edge, (lon, lat)), "insert vertex")
        return True

    # -- hit testing (in projected units, tolerance in pixels) ---------------------------
    def _pixel(self) -> float:
        w, h = self.canvas.view.viewPixelSize()
        return float(max(w, h))

    def _projected(self, shape):
        canvas = self.canvas
        return shapely.transform(
            shape, lambda xy: np.column_stack(canvas.lonlat_to_view(xy[:, 0], xy[:, 1]))
        )

    def _at(self, lat: float, lon: float) -> shapely.Point:
        x, y = self.canvas.lonlat_to_view(lon, lat)
        return shapely.Point(float(x), float(y))

    def _vertex_near(self, shape, lat: float, lon: float) -> tuple[int, int] | None:
        click = self._at(lat, lon)
        best, best_d = None, HANDLE_PIXELS * self._pixel()
        for p, part in enumerate(editable_parts(shape)):
            for i, (vlon, vlat) in enumerate(part):
                d = click.distance(self._at(vlat, vlon))
                if d <= best_d:
                    best, best_d = (p, i), d
        return best

    def _edge_near(self, shape, lat: float, lon: float) -> tuple[int, int] | None:
        """(part, index of the edge's first vertex) of the edge under the click."""
        click = self._at(lat, lon)
        closed = shape.geom_type in ("Polygon", "MultiPolygon")
        best, best_d = None, HIT_PIXELS * self._pixel()
        for p, part in enumerate(editable_parts(shape)):
            ring = [*part, part[0]] if closed else part
            for i in range(len(ring) - 1):
                (alon, alat), (blon, blat) = ring[i], ring[i + 1]
                segment = shapely.LineString([self._at(alat, alon), self._at(blat, blon)])
                d = click.distance(segment)
                if d <= best_d:
                    best, best_d = (p, i), d
        return best

    def _annotation_at(self, lat: float, lon: float) -> Annotation | None:
        canvas = self.canvas
        click = self._at(lat, lon)
        tolerance = HIT_PIXELS * self._pixel()
        at = getattr(self.host.window.time_state, "at", None)
        best, best_d = None, tolerance
        for annotation in self.host.window.store.annotations.valid_at(at):
            item = canvas.annotation_items.get(annotation.id)
            if item is not None and not item.isVisible():
                continue
            shape = self._projected(shapely.from_wkt(annotation.geometry))
            if shape.geom_type.endswith("Polygon"):
                d = shape.boundary.distance(click)
                # Inside an area counts as a hit, but an outline under the cursor wins.
                if shape.covers(click):
                    d = min(d, tolerance * 0.99)
            else:
                d = shape.distance(click)
            if d <= best_d:
                best, best_d = annotation, d
        return best

    def _snap(self, lat: float, lon: float) -> tuple[float, float]:
        place = self.canvas.place_near(lat, lon, SNAP_PIXELS)
        return (place.lat, place.lon) if place is not None else (lat, lon)


# -- geometry helpers (lon/lat, shapely) -------------------------------------------------
def editable_parts(shape) -> list[list[tuple[float, float]]]:
    """The vertices a user can drag, per part (a polygon's ring without its closing point)."""
    kind = shape.geom_type
    if kind == "Point":
        return [[(shape.x, shape.y)]]
    if kind == "LineString":
        return [list(shape.coords)]
    if kind == "Polygon":
        return [list(shape.exterior.coords)[:-1]]
    if kind.startswith("Multi"):
        return [part for geom in shape.geoms for part in editable_parts(geom)]
    return []


def _rebuild(shape, parts: list[list[tuple[float, float]]]):
    kind = shape.geom_type
    if kind == "Point":
        return shapely.Point(parts[0][0])
    if kind == "LineString":
        return shapely.LineString(parts[0])
    if kind == "Polygon":
        return shapely.Polygon(parts[0], [r.coords for r in shape.interiors])
    geoms = list(shape.geoms)
    return type(shape)([_rebuild(g, [p]) for g, p in zip(geoms, parts, strict=True)])


def replace_vertex(shape, vertex: tuple[int, int], lonlat: tuple[float, float]):
    parts = editable_parts(shape)
    parts[vertex[0]][vertex[1]] = lonlat
    return _rebuild(shape, parts)


def remove_vertex(shape, vertex: tuple[int, int]):
    parts = editable_parts(shape)
    del parts[vertex[0]][vertex[1]]
    return _rebuild(shape, parts)


def insert_vertex(shape, edge: tuple[int, int], lonlat: tuple[float, float]):
    parts = editable_parts(shape)
    parts[edge[0]].insert(edge[1] + 1, lonlat)
    return _rebuild(shape, parts)


def _circle_centre(annotation: Annotation, shape) -> tuple[float, float]:
    centre = annotation.style.get("centre")
    if isinstance(centre, (list, tuple)) and len(centre) == 2:
        return float(centre[0]), float(centre[1])
    c = shape.centroid
    return c.y, c.x


def _outline_xy(shape, canvas) -> tuple[np.ndarray, np.ndarray]:
    xs: list[float] = []
    ys: list[float] = []
    for part in editable_parts(shape):
        ring = np.array(part + ([part[0]] if shape.geom_type.endswith("Polygon") else []))
        x, y = canvas.lonlat_to_view(ring[:, 0], ring[:, 1])
        xs.extend([*np.atleast_1d(x), np.nan])
        ys.extend([*np.atleast_1d(y), np.nan])
    return np.array(xs), np.array(ys)
