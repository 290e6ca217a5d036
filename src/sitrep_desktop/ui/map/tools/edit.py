"""The edit tool: pick a drawing and change its shape on the map.

Click a drawing to pick it; drag a vertex to move it, Shift-click on an edge to
insert a vertex, Ctrl-click a vertex to delete it, drag the shape itself to move
all of it, Delete removes the drawing. Each finished change is one command on
the undo stack; the drag in between only moves a preview.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from shapely import affinity

from sitrep_desktop.commands import DeleteRecords
from sitrep_desktop.commands.annotation_commands import MoveAnnotation
from sitrep_desktop.domain import Annotation
from sitrep_desktop.geo.geodesy import inverse
from sitrep_desktop.geo.vertex_edit import (
    editable_parts,
    insert_vertex,
    remove_vertex,
    replace_vertex,
)
from sitrep_desktop.ui.map.tools.draw import (
    EDITING_KEYS,
    HANDLE_PIXELS,
    HIT_PIXELS,
    PREVIEW_Z,
    SNAP_PIXELS,
    DrawingHost,
    ToolBase,
    checked_polygon,
    circle_polygon,
)

if TYPE_CHECKING:
    from sitrep_desktop.ui.map.canvas import MapCanvas


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
        if self.target_id is None or self.host.ctx.store is None:
            return None
        try:
            return self.host.ctx.store.annotations.get(self.target_id)
        except Exception:  # deleted (or undone) since it was picked
            return None

    def select(self, annotation_id: str | None) -> None:
        self.target_id = annotation_id
        if annotation_id is not None:
            # One selection everywhere: Edit selected and Delete then mean this drawing.
            self.host.ctx.selection.select("annotation", annotation_id)
        self.refresh()

    def mouse_double_click(self, lat: float, lon: float, event: QMouseEvent) -> bool:
        target = self.target
        if target is None or self._annotation_at(lat, lon) is None:
            return False
        self.host.open_properties(target)
        return True

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
        return drawing_at(self.host.ctx.store, self.canvas, self.host.ctx.time_state.at, lat, lon)

    def _snap(self, lat: float, lon: float) -> tuple[float, float]:
        place = self.canvas.place_near(lat, lon, SNAP_PIXELS)
        return (place.lat, place.lon) if place is not None else (lat, lon)


def drawing_at(store, canvas: MapCanvas, at, lat: float, lon: float) -> Annotation | None:
    """The drawing shown at `at` under (lat, lon) on `canvas`: the nearest line or
    outline within a few pixels, or the area the point lies in."""

    def projected(shape):
        return shapely.transform(
            shape, lambda xy: np.column_stack(canvas.lonlat_to_view(xy[:, 0], xy[:, 1]))
        )

    x, y = canvas.lonlat_to_view(lon, lat)
    click = shapely.Point(float(x), float(y))
    tolerance = HIT_PIXELS * float(max(canvas.view.viewPixelSize()))
    best, best_d = None, tolerance
    for annotation in store.annotations.valid_at(at):
        item = canvas.annotation_items.get(annotation.id)
        if item is not None and not item.isVisible():
            continue
        shape = projected(shapely.from_wkt(annotation.geometry))
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
