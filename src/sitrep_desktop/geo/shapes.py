"""Small shapely helpers shared by every drawing of a geometry (canvas, snapshot)
and by the basemap build."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


def rings(shape: BaseGeometry) -> list[Sequence[tuple[float, float]]]:
    """Every line and polygon ring of a geometry, as (lon, lat) coordinate sequences.

    Points have none; multi-part shapes give the rings of all their parts.
    """
    kind = shape.geom_type
    if kind == "LineString":
        return [shape.coords]
    if kind == "Polygon":
        return [shape.exterior.coords, *(ring.coords for ring in shape.interiors)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [ring for part in shape.geoms for ring in rings(part)]
    return []


def cut_into_cells(
    shapes: np.ndarray,
    cells: tuple[int, int, int, int],
    edge_x: Callable[[int], float],
    edge_y: Callable[[int], float],
    emit: Callable[[np.ndarray, int, int], None],
) -> None:
    """Cut polygons along a grid and hand each cell its pieces: ``emit(pieces, i, j)``.

    ``cells`` is the first and last column and row (i0, j0, i1, j1); column i
    spans edge_x(i)..edge_x(i + 1), row j edge_y(j)..edge_y(j + 1). The box is
    halved again and again, so each vertex is clipped about log2(cells) times
    rather than once per cell: Eurasia spans hundreds of cells.
    """
    i0, j0, i1, j1 = cells
    if i0 == i1 and j0 == j1:
        emit(shapes, i0, j0)
        return
    if i1 - i0 >= j1 - j0:
        mid = (i0 + i1) // 2
        halves = ((i0, j0, mid, j1), (mid + 1, j0, i1, j1))
    else:
        mid = (j0 + j1) // 2
        halves = ((i0, j0, i1, mid), (i0, mid + 1, i1, j1))
    for a0, b0, a1, b1 in halves:
        part = shapely.clip_by_rect(shapes, edge_x(a0), edge_y(b0), edge_x(a1 + 1), edge_y(b1 + 1))
        part = part[~shapely.is_empty(part)]
        if len(part):
            cut_into_cells(part, (a0, b0, a1, b1), edge_x, edge_y, emit)
