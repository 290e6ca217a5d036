"""Where on a shape its label may go, best spot first (lon/lat; pure shapely).

A label that sits on its shape's one obvious spot is often covered by a town
or another drawing there; a map lays labels out better when each shape offers
a few good spots and the layout picks the first free one
(``label_layout.choose_positions``).
"""

from __future__ import annotations

import shapely
from shapely.ops import polylabel

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
