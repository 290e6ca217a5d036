"""Small shapely helpers shared by every drawing of a geometry (canvas, snapshot)."""

from __future__ import annotations

from collections.abc import Sequence

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
