"""The drawing tool: new annotations on the map (editing them is ui/map/tools/edit.py).

DrawTool: click to add vertices (snapped to a place when one is near), double-
click or Enter to finish, Backspace takes the last vertex back, Esc cancels.
A point or a text label is one click; a circle is a click on the centre and one
on the rim (a geodesic circle, as on the ground).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from sitrep_desktop.commands import AddRecords
from sitrep_desktop.domain import Annotation, ValidationError
from sitrep_desktop.geo.geodesy import geodesic_circle, inverse
from sitrep_desktop.ui.map.tools.base import MapTool

if TYPE_CHECKING:
    from sitrep_desktop.ui.map.canvas import MapCanvas
    from sitrep_desktop.ui.window.context import FeatureContext

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

    def __init__(
        self, ctx: FeatureContext, style: Callable[[str], dict[str, Any]], prompts: Prompts
    ) -> None:
        self.ctx = ctx
        self.style_for = style
        self.prompts = prompts
        self.on_drawn: Callable[[Annotation], None] | None = None
        self.on_properties: Callable[[Annotation], None] | None = None

    def run(self, command) -> bool:
        return self.ctx.undo_stack.run(command, self.ctx.parent)

    def status(self, message: str) -> None:
        self.ctx.status(message)

    def drawn(self, annotation: Annotation) -> None:
        """A new drawing was saved: the feature decides what follows (see DrawingFeature)."""
        if self.on_drawn is not None:
            self.on_drawn(annotation)

    def open_properties(self, annotation: Annotation) -> None:
        if self.on_properties is not None:
            self.on_properties(annotation)


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
        at = self.host.ctx.time_state.at if style.pop("tie_to_time", True) else None
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
        self.host.drawn(annotation)
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
