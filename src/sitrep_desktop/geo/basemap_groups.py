"""The basemap's lines and land grouped by a coarse grid, for drawing only what is in view.

Each line layer's polylines (geo.basemap, NaN-separated lon/lat) are projected,
cut into pieces of at most PIECE_VERTICES and grouped by the grid cell of each
piece's first vertex; the land's polygons are cut along the same grid. A view
then draws the few groups it shows, not the whole theatre. Grouping a layer
costs ~25 ms (the land ~0.3 s), so the result is kept in a cache folder the
caller names, keyed by the resource file and the grouping's parameters.

Pure numpy and shapely: the map's items (ui.map.layers.basemap) turn groups into
painter paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import shapely

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.projection import MapProjection, default_projection
from sitrep_desktop.geo.shapes import cut_into_cells
from sitrep_desktop.paths import resource_path

PIECE_VERTICES = 512  # long coastlines are cut so that each piece can be culled
CELL_METRES = basemap.GRID_METRES  # grid of the groups
EDGE_SLACK = 100.0  # metres: see group_polygons
FILLED_LAYERS = ("land",)  # polygons; every other layer is lines


class GroupedLines:
    """A layer's vertices sorted into grid groups: group i is rows starts[i]:ends[i]."""

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

    def __len__(self) -> int:
        return len(self.starts)

    def visible(self, left: float, bottom: float, right: float, top: float) -> np.ndarray:
        """Indices of the groups whose bounds meet the box."""
        b = self.bounds
        return np.flatnonzero(
            (b[:, 0] <= right) & (b[:, 2] >= left) & (b[:, 1] <= top) & (b[:, 3] >= bottom)
        )


def grouped_layer(layer: str, level: str, cache_folder: Path | None) -> GroupedLines:
    """A basemap layer at a level, grouped, in projected metres; read from
    `cache_folder` when it holds it, else built and written there (None: no cache)."""
    path = cache_file(layer, level, cache_folder)
    if path is not None:
        try:
            return GroupedLines(*read_arrays(path))
        except (OSError, EOFError, ValueError):
            pass  # absent or damaged: rebuild it
    if layer in FILLED_LAYERS:
        groups = group_polygons(basemap.land_polygons(level), default_projection())
    else:
        groups = group_lines(basemap.load_layer(layer, level), default_projection())
    if path is not None:
        save(path, groups)
    return groups


CACHE_VERSION = 4  # raise when group_lines, group_polygons, the file layout or the data changes
CACHE_ARRAYS = ("x", "y", "connect", "starts", "bounds")  # GroupedLines' arguments, in order


def cache_file(layer: str, level: str, folder: Path | None) -> Path | None:
    """Where the grouped layer is cached in `folder` (None if no folder or no resource)."""
    source = resource_path("basemap", f"{layer}.npz")
    if not folder or not source.exists():
        return None
    stat = source.stat()
    key = f"{CACHE_VERSION}-{PIECE_VERTICES}-{CELL_METRES:.0f}-{stat.st_size}-{stat.st_mtime_ns}"
    return Path(folder) / "basemap" / f"{layer}-{level}-{key}.arrays"


def save(path: Path, groups: GroupedLines) -> None:
    """Write the cache atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own: two processes (two windows, or test workers) may build
        # the same level at once, and must not write into one file.
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with open(partial, "wb") as file:
            for name in CACHE_ARRAYS:
                np.save(file, getattr(groups, name), allow_pickle=False)
        os.replace(partial, path)
        # Caches of an older resource or layout are never read again.
        layer_level = path.name.split("-")[:2]
        for stale in path.parent.glob("-".join(layer_level) + "-*"):
            if stale != path and not stale.name.endswith(".partial"):
                stale.unlink(missing_ok=True)
    except OSError:
        pass


def read_arrays(path: Path) -> tuple[np.ndarray, ...]:
    """The arrays `save` wrote (CACHE_ARRAYS), one .npy after another in one file.

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


def group_lines(lonlat: np.ndarray, projection: MapProjection) -> GroupedLines:
    """Cut NaN-separated lon/lat polylines into pieces and group them by grid cell."""
    if not len(lonlat):
        empty = np.empty(0)
        return GroupedLines(empty, empty, np.empty(0, bool), np.empty(0, np.int64))
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
    return GroupedLines(xy[rows, 0].copy(), xy[rows, 1].copy(), connect, group_start)


def group_polygons(polygons: np.ndarray, projection: MapProjection) -> GroupedLines:
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
    return GroupedLines(xy[:, 0].copy(), xy[:, 1].copy(), connect, starts)


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
