"""The offline basemap on the canvas: one item per layer, with levels of detail.

Each line layer's polylines (geo.basemap, NaN-separated lon/lat) are projected
once per level, cut into pieces and grouped by a coarse grid into QPainterPaths
built with pyqtgraph's ``arrayToQPath(connect="finite")``. Painting draws only
the groups that intersect the view, with a 1 px cosmetic pen (a wider pen is
about ten times slower), so panning at city zoom costs the few groups in view,
not the whole theatre. The land is filled the same way: its polygons are cut
along the same grid, so each group is the closed rings of one cell, filled
without antialiasing under every line (the view's background is the sea). The
level follows the visible span (``geo.basemap.level_for_span``) and is swapped
only when it changes.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.projection import MapProjection, default_projection
from sitrep_desktop.geo.shapes import cut_into_cells
from sitrep_desktop.paths import resource_path
from sitrep_desktop.services.style import BASEMAP_FILLS, BASEMAP_LINES

# layer: (title, colour, visible by default, z value), from the one style table.
LAYER_STYLES: dict[str, tuple[str, str, bool, float]] = {
    layer: (style.title, style.colour, style.visible, style.z)
    for layer, style in BASEMAP_LINES.items()
}
FILL_STYLES: dict[str, tuple[str, str, bool, float]] = {
    layer: (style.title, style.colour, style.visible, style.z)
    for layer, style in BASEMAP_FILLS.items()
}
# Layers too dense to read at world zoom wait for a closer look.
LAYER_LEVELS = {"rivers": ("region", "theatre"), "admin1": ("region", "theatre")}
PIECE_VERTICES = 512  # long coastlines are cut so that each piece can be culled
CELL_METRES = basemap.GRID_METRES  # grid of the groups
EDGE_SLACK = 100.0  # metres: see group_polygons
WHOLE_SHARE = 0.6  # with more of a layer's groups in view than this, draw it whole


class LineGroups:
    """A layer's vertices sorted into grid groups; paths are built when first seen."""

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        connect: np.ndarray,
        starts: np.ndarray,
        bounds: np.ndarray | None = None,
    ):
        self.x, self.y, self.connect = x, y, connect
        self.starts = starts
        self.ends = np.append(starts[1:], len(x))
        if bounds is not None:
            self.bounds = bounds
        elif len(x):
            # (left, bottom, right, top) of every group, for culling.
            self.bounds = np.column_stack(
                [
                    np.minimum.reduceat(x, starts),
                    np.minimum.reduceat(y, starts),
                    np.maximum.reduceat(x, starts),
                    np.maximum.reduceat(y, starts),
                ]
            )
        else:
            self.bounds = np.empty((0, 4))
        self._paths: list[QPainterPath | None] = [None] * len(starts)
        self._whole: QPainterPath | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def visible(self, left: float, bottom: float, right: float, top: float) -> np.ndarray:
        b = self.bounds
        return np.flatnonzero(
            (b[:, 0] <= right) & (b[:, 2] >= left) & (b[:, 1] <= top) & (b[:, 3] >= bottom)
        )

    def path(self, index: int) -> QPainterPath:
        path = self._paths[index]
        if path is None:
            s, e = self.starts[index], self.ends[index]
            connect = self.connect[s:e].copy()
            connect[-1] = False
            path = pg.functions.arrayToQPath(self.x[s:e], self.y[s:e], connect=connect)
            self._paths[index] = path
        return path

    def whole(self) -> QPainterPath:
        """Every group in one path: when most are in view (world zoom), one call
        draws them all, instead of one call per group (~2,000 at world zoom)."""
        if self._whole is None:
            connect = self.connect.copy()
            connect[self.ends[self.ends > 0] - 1] = False  # no line from one group to the next
            self._whole = pg.functions.arrayToQPath(self.x, self.y, connect=connect)
        return self._whole

    def rect(self) -> QRectF:
        if not len(self.x):
            return QRectF()
        left, bottom = self.bounds[:, :2].min(axis=0)
        right, top = self.bounds[:, 2:].max(axis=0)
        return QRectF(left, bottom, right - left, top - bottom)


_WORLD_HALF = 20_037_508.342789244  # Web Mercator's half-width in metres
WORLD_RECT = QRectF(-_WORLD_HALF, -_WORLD_HALF, 2 * _WORLD_HALF, 2 * _WORLD_HALF)


@cache
def layer_groups(layer: str, level: str) -> LineGroups:
    """A basemap layer at a level, grouped for culling, in projected metres.

    Grouping costs ~25 ms a line layer (the land ~0.3 s: its polygons are cut
    along the grid); the result is kept in the user's cache folder (keyed by the
    resource file and this code's parameters), so it is paid once.
    """
    cache_file = _cache_file(layer, level)
    if cache_file is not None:
        try:
            return LineGroups(*_read_arrays(cache_file))
        except (OSError, EOFError, ValueError):
            pass  # absent or damaged: rebuild it
    if layer in FILL_STYLES:
        groups = group_polygons(basemap.land_polygons(level), default_projection())
    else:
        groups = group_lines(basemap.load_layer(layer, level), default_projection())
    if cache_file is not None:
        _save(cache_file, groups)
    return groups


CACHE_VERSION = 4  # raise when group_lines, group_polygons, the file layout or the data changes
CACHE_ARRAYS = ("x", "y", "connect", "starts", "bounds")  # LineGroups' arguments, in order


def _cache_file(layer: str, level: str) -> Path | None:
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    source = resource_path("basemap", f"{layer}.npz")
    if not folder or not source.exists():
        return None
    stat = source.stat()
    key = f"{CACHE_VERSION}-{PIECE_VERTICES}-{CELL_METRES:.0f}-{stat.st_size}-{stat.st_mtime_ns}"
    return Path(folder) / "basemap" / f"{layer}-{level}-{key}.arrays"


def _save(path: Path, groups: LineGroups) -> None:
    """Write the cache atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as file:
            for name in CACHE_ARRAYS:
                np.save(file, getattr(groups, name), allow_pickle=False)
        os.replace(partial, path)
        # Caches of an older resource or layout are never read again.
        layer_level = path.name.split("-")[:2]
        for stale in path.parent.glob("-".join(layer_level) + "-*"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass


def _read_arrays(path: Path) -> tuple[np.ndarray, ...]:
    """The arrays `_save` wrote (CACHE_ARRAYS), one .npy after another in one file.

    They are memory-mapped, not read: this is on the way to the first picture of
    the map, which touches only the groups in view (and the bounds of all).
    """
    arrays = []
    with open(path, "rb") as file:
        for _ in CACHE_ARRAYS:
            version = np.lib.format.read_magic(file)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
            if fortran or dtype.hasobject:
                raise ValueError(f"{path} holds an unexpected array")
            offset, size = file.tell(), int(np.prod(shape)) * dtype.itemsize
            if size:
                arrays.append(np.memmap(path, dtype, "r", offset, shape))
            else:
                arrays.append(np.empty(shape, dtype))
            file.seek(offset + size)
    x, y, connect, starts, bounds = arrays
    n = len(x)
    starts_fit = not len(starts) or 0 <= starts.min() <= starts.max() < n
    if len(y) != n or len(connect) != n or not starts_fit or bounds.shape != (len(starts), 4):
        raise ValueError(f"{path} does not hold matching arrays")
    return x, y, connect, starts, bounds


def group_lines(lonlat: np.ndarray, projection: MapProjection) -> LineGroups:
    """Cut NaN-separated lon/lat polylines into pieces and group them by grid cell."""
    if not len(lonlat):
        empty = np.empty(0)
        return LineGroups(empty, empty, np.empty(0, bool), np.empty(0, np.int64))
    xy = projection.forward_lines(lonlat.astype(np.float64))
    finite = np.isfinite(xy[:, 0])
    line = np.cumsum(~finite)  # polyline number of every row
    keep = np.flatnonzero(finite)
    line = line[keep]
    first = np.ones(len(keep), bool)
    first[1:] = line[1:] != line[:-1]
    starts = np.flatnonzero(first)
    position = np.arange(len(keep)) - np.repeat(starts, np.diff(np.append(starts, len(keep))))
    # A vertex that starts a piece (not its line) also ends the previous piece,
    # so it is used twice and the line stays unbroken across pieces.
    seam = (position % PIECE_VERTICES == 0) & (position > 0)
    rows = np.concatenate((keep, keep[seam]))
    piece_of = line * 1_000_000 + position // PIECE_VERTICES
    piece = np.concatenate((piece_of, piece_of[seam] - 1))
    order = np.lexsort((rows, piece))
    rows, piece = rows[order], piece[order]
    # The grid cell of each piece's first vertex decides its group.
    piece_start = np.ones(len(piece), bool)
    piece_start[1:] = piece[1:] != piece[:-1]
    cell_xy = np.floor(xy[rows[piece_start]] / CELL_METRES).astype(np.int64)
    piece_cell = cell_xy[:, 0] * 1_000_003 + cell_xy[:, 1]
    cell = np.repeat(piece_cell, np.diff(np.append(np.flatnonzero(piece_start), len(piece))))
    order = np.lexsort((piece, cell))  # stable: rows stay in order within a piece
    rows, piece, cell = rows[order], piece[order], cell[order]
    connect = np.zeros(len(rows), bool)
    connect[:-1] = piece[1:] == piece[:-1]
    group_start = np.flatnonzero(np.concatenate(([True], cell[1:] != cell[:-1])))
    return LineGroups(xy[rows, 0].copy(), xy[rows, 1].copy(), connect, group_start)


def group_polygons(polygons: np.ndarray, projection: MapProjection) -> LineGroups:
    """Project lon/lat polygons and group their closed rings by grid cell.

    A polygon reaching into several cells is cut along the cells' edges, so a
    group holds what fills its cell and culling keeps a continent's fill cheap.
    Groups are meant to be filled with the odd-even rule (pyqtgraph's paths).
    """

    def forward(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(projection.forward(xy[:, 0], xy[:, 1]))

    projected = shapely.transform(polygons, forward)
    bounds = shapely.bounds(projected)
    # The stored land is cut along the grid already; a piece that reaches a little
    # past its cell's edge (float32 lon/lat: metres near the poles) still belongs
    # to that one cell.
    lo = np.floor((bounds[:, :2] + EDGE_SLACK) / CELL_METRES).astype(np.int64)
    hi = np.floor((bounds[:, 2:] - EDGE_SLACK) / CELL_METRES).astype(np.int64)
    one_cell = (lo == hi).all(axis=1)
    parts, cells = [projected[one_cell]], [_cell_key(lo[one_cell, 0], lo[one_cell, 1])]
    spread = np.flatnonzero(~one_cell)
    if len(spread):
        (x0, y0), (x1, y1) = lo[spread].min(axis=0), hi[spread].max(axis=0)

        def emit(pieces: np.ndarray, cx: int, cy: int) -> None:
            parts.append(pieces)
            cells.append(np.full(len(pieces), _cell_key(cx, cy)))

        def edge(index: int) -> float:
            return index * CELL_METRES

        box = (int(x0), int(y0), int(x1), int(y1))
        cut_into_cells(projected[spread], box, edge, edge, emit)
    shapes, cell = _polygon_parts(np.concatenate(parts), np.concatenate(cells))
    rings, ring_shape = shapely.get_rings(shapes, return_index=True)
    xy, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    vertex_cell = cell[ring_shape][vertex_ring]
    order = np.argsort(vertex_cell, kind="stable")  # rings stay whole and in order
    xy, vertex_ring, vertex_cell = xy[order], vertex_ring[order], vertex_cell[order]
    connect = np.zeros(len(xy), bool)
    connect[:-1] = vertex_ring[1:] == vertex_ring[:-1]
    starts = np.flatnonzero(np.concatenate(([True], vertex_cell[1:] != vertex_cell[:-1])))
    if not len(xy):
        starts = np.empty(0, np.int64)
    return LineGroups(xy[:, 0].copy(), xy[:, 1].copy(), connect, starts)


def _cell_key(cx, cy):
    return np.asarray(cx, np.int64) * 1_000_003 + cy


def _polygon_parts(shapes: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-empty Polygons in ``shapes`` (cutting may give multi-polygons,
    collections and slivers of lines) with the cell of each."""
    while True:
        kind = shapely.get_type_id(shapes)
        multi = (kind == shapely.GeometryType.MULTIPOLYGON) | (
            kind == shapely.GeometryType.GEOMETRYCOLLECTION
        )
        if not multi.any():
            break
        inner, index = shapely.get_parts(shapes[multi], return_index=True)
        shapes = np.concatenate((shapes[~multi], inner))
        cell = np.concatenate((cell[~multi], cell[multi][index]))
    keep = (kind == shapely.GeometryType.POLYGON) & ~shapely.is_empty(shapes)
    return shapes[keep], cell[keep]


class BasemapLineItem(pg.GraphicsObject):
    """One basemap layer drawn as thin lines, culled to the view."""

    reorderable = True  # the layer panel may move it among the lines
    whole_share = WHOLE_SHARE

    def __init__(self, layer: str, colour: str | None = None) -> None:
        super().__init__()
        self.layer = layer
        title, default_colour, visible, z = {**FILL_STYLES, **LAYER_STYLES}[layer]
        self.title = title
        self.level = ""  # the level wanted; its lines are built on the first paint
        self._built_level = ""
        self._groups: LineGroups | None = None
        self.setZValue(z)
        self.wanted = visible  # the user's choice; the level of detail may still hide it
        self.setVisible(False)
        self.set_colour(colour or default_colour)
        self.drawn_vertices = 0  # what the last paint drew (tests, benchmark)

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        pen = QPen(QColor(colour))
        pen.setWidth(0)  # cosmetic 1 px: the fast path in QPainter
        pen.setCosmetic(True)
        self._pen = pen
        self.update()

    def set_level(self, level: str) -> None:
        """Ask for a level. Building its lines waits for a paint: while a window
        settles, its view passes through several spans, and only the last is drawn."""
        if level == self.level:
            return
        self.level = level
        self.update()

    @property
    def groups(self) -> LineGroups | None:
        """The lines of the wanted level, built (once per level, cached) on demand."""
        if self.level and self._built_level != self.level:
            self._groups = layer_groups(self.layer, self.level)
            self._built_level = self.level
        return self._groups

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        # The whole projected world: constant, so a level change needs no geometry
        # change; paint() culls to the view itself.
        return WORLD_RECT

    def paint(self, painter, option, widget=None) -> None:
        groups = self.groups
        if groups is None:
            return
        view = self.viewRect()
        if view is None:
            indices = np.arange(len(groups))
        else:
            indices = groups.visible(view.left(), view.top(), view.right(), view.bottom())
        self._style(painter)
        if len(indices) > self.whole_share * len(groups):
            painter.drawPath(groups.whole())  # QPainter culls the rest cheaply
            indices = np.arange(len(groups))
        else:
            for index in indices:
                painter.drawPath(groups.path(int(index)))
        self.drawn_vertices = int((groups.ends[indices] - groups.starts[indices]).sum())

    def _style(self, painter: QPainter) -> None:
        painter.setPen(self._pen)


class BasemapFillItem(BasemapLineItem):
    """One basemap area layer (the land) filled, culled to the view like the lines."""

    reorderable = False  # under every line: above one it would hide it
    # Filled, one path of the whole world costs twice its cells drawn one by one
    # (13 ms against 7 at world zoom): the rasterizer walks every cell's edges on
    # every scanline. So the cells are always drawn one by one.
    whole_share = np.inf

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        self._brush = QBrush(QColor(colour))
        self.update()

    def _style(self, painter: QPainter) -> None:
        # Aliased fill: antialiased, it costs 2.5 times as much (Syria zoom) and the
        # cells' shared edges would show as faint seams; the coastline drawn on top
        # hides the steps.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._brush)


class Basemap:
    """All basemap layers of one canvas, switching level with the visible span."""

    def __init__(self, plot_widget: pg.PlotWidget) -> None:
        self.items: dict[str, BasemapLineItem] = {}
        for layer in (*FILL_STYLES, *LAYER_STYLES):
            item = (BasemapFillItem if layer in FILL_STYLES else BasemapLineItem)(layer)
            plot_widget.addItem(item)
            self.items[layer] = item
        self.level = ""

    def set_span(self, degrees_visible: float) -> None:
        """Pick the level of detail for a view showing this many degrees of longitude."""
        level = basemap.level_for_span(degrees_visible)
        if level != self.level:
            self.level = level
            for layer in self.items:
                self._apply(layer)

    def set_visible(self, layer: str, visible: bool) -> None:
        self.items[layer].wanted = visible
        self._apply(layer)

    def _apply(self, layer: str) -> None:
        item = self.items[layer]
        shown = item.wanted and bool(self.level)
        shown = shown and self.level in LAYER_LEVELS.get(layer, basemap.LEVELS)
        # Hidden layers load their level when shown, so they cost nothing until then.
        if shown:
            item.set_level(self.level)
        item.setVisible(shown)
