"""Where on a shape its label may go, best spot first (lon/lat; pure shapely).

A label that sits on its shape's one obvious spot is often covered by a town
or another drawing there; a map lays labels out better when each shape offers
a few good spots and the layout picks the first free one
(``label_layout.choose_positions``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.ops import polylabel

BESIDE, CENTRED, FIXED = "beside", "centred", "fixed"
# Which labels choose first: a text the user placed never moves, then drawing
# labels (points, lines, areas), then the estimate warnings.
RANK_FIXED, RANK_POINT, RANK_LINE, RANK_AREA, RANK_ESTIMATE = range(5)

# Along a line: the middle first, then outwards in both directions.
LINE_FRACTIONS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9)
GRID = 3  # an area also offers a spot in each of GRID x GRID parts of its box


def label_anchors(shape) -> list[tuple[float, float]]:
    """Spots for the label of any geometry, best first."""
    if shape.is_empty:
        return []
    if shape.geom_type in ("LineString", "MultiLineString", "LinearRing"):
        return line_anchors(shape)
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        return area_anchors(shape)
    if shape.geom_type == "Point":
        return [(shape.x, shape.y)]
    point = shape.representative_point()
    return [(point.x, point.y)]


def line_anchors(shape) -> list[tuple[float, float]]:
    """Points along the (longest part of the) line: its middle, then outwards."""
    if shape.geom_type == "MultiLineString":
        shape = max(shape.geoms, key=lambda part: part.length)
    if shape.length == 0:
        return [(shape.coords[0][0], shape.coords[0][1])]
    points = [shape.interpolate(f, normalized=True) for f in LINE_FRACTIONS]
    return [(p.x, p.y) for p in points]


def area_anchors(shape) -> list[tuple[float, float]]:
    """Inside the (largest part of the) area: the point farthest from its edge
    first, then a spot in each part of a grid over it, biggest part first."""
    if shape.geom_type == "MultiPolygon":
        shape = max(shape.geoms, key=lambda part: part.area)
    if shape.area == 0:
        point = shape.representative_point()
        return [(point.x, point.y)]
    west, south, east, north = shape.bounds
    centre = polylabel(shape, tolerance=max(east - west, north - south) / 100)
    anchors = [(centre.x, centre.y)]
    cells = []
    dx, dy = (east - west) / GRID, (north - south) / GRID
    for i in range(GRID):
        for j in range(GRID):
            box = shapely.box(
                west + i * dx, south + j * dy, west + (i + 1) * dx, south + (j + 1) * dy
            )
            piece = shape.intersection(box)
            if not piece.is_empty and piece.area > 0:
                cells.append(piece)
    cells.sort(key=lambda piece: -piece.area)
    anchors += [(p.x, p.y) for p in (piece.representative_point() for piece in cells)]
    return anchors


def label_placement(kind: str, shape) -> tuple[str, int]:
    """How a drawing's label sits at its anchors, and its rank: a text drawing
    stays where it was put, an area's name is centred in it, a point's or a
    line's goes beside."""
    if kind == "text":
        return FIXED, RANK_FIXED
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        return CENTRED, RANK_AREA
    if shape.geom_type in ("LineString", "MultiLineString"):
        return BESIDE, RANK_LINE
    return BESIDE, RANK_POINT


def drawing_anchors(kind: str, shape) -> list[tuple[float, float]]:
    """The anchors of a drawing's label: a text drawing has just its own point."""
    if kind == "text":
        points = list(shape.geoms) if shape.geom_type == "MultiPoint" else [shape]
        if all(p.geom_type == "Point" for p in points):
            return [(p.x, p.y) for p in points[:1]]
        return label_anchors(shape)[:1]
    return label_anchors(shape)


def label_offsets(
    placement: str, width: float, height: float, gap: float = 6.0
) -> list[tuple[float, float]]:
    """Offsets of a label box's top-left corner from its anchor (y down), best
    first: beside (right, then left; above, then below), centred (on it, above,
    below) or fixed (centred on it only)."""
    if placement == BESIDE:
        return [(gap, -height - 2), (gap, 2), (-width - gap, -height - 2), (-width - gap, 2)]
    if placement == CENTRED:
        return [(-width / 2, -height / 2), (-width / 2, -height - 4), (-width / 2, 4)]
    return [(-width / 2, -height / 2)]


def lines_geometry(lines: Sequence[Sequence[tuple[float, float]]]) -> shapely.Geometry | None:
    """The lines as one prepared geometry (None if there are none), made once for
    every label's clear_of_lines_first: the canvas asks it at every pan frame."""
    parts = [shapely.LineString(line) for line in lines if len(line) >= 2]
    if not parts:
        return None
    geometry = shapely.MultiLineString(parts)
    shapely.prepare(geometry)
    return geometry


def clear_of_lines_first(
    boxes: Sequence[tuple[float, float, float, float]],
    lines: shapely.Geometry | None,
    half_width: float = 2.0,
) -> list[int]:
    """Indices of `boxes` (left, top, width, height), those that `lines` (from
    lines_geometry, in the same units) do not cross first, each group in its own order.

    A label beside a line may lie where the line goes on: its stroke then strikes
    the text through. Such spots stay as a last resort only.
    """
    if lines is None or not boxes:
        return list(range(len(boxes)))
    left, top, width, height = (np.array(column, float) for column in zip(*boxes))
    # Within half the stroke's width of a line: the stroke crosses the box.
    crossed = shapely.dwithin(shapely.box(left, top, left + width, top + height), lines, half_width)
    return [i for i in range(len(boxes)) if not crossed[i]] + [
        i for i in range(len(boxes)) if crossed[i]
    ]
