"""Editing a shape's vertices: pure shapely on lon/lat, no Qt (the edit tool uses it)."""

from __future__ import annotations

import shapely


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


def rebuild(shape, parts: list[list[tuple[float, float]]]):
    kind = shape.geom_type
    if kind == "Point":
        return shapely.Point(parts[0][0])
    if kind == "LineString":
        return shapely.LineString(parts[0])
    if kind == "Polygon":
        return shapely.Polygon(parts[0], [r.coords for r in shape.interiors])
    geoms = list(shape.geoms)
    return type(shape)([rebuild(g, [p]) for g, p in zip(geoms, parts, strict=True)])


def replace_vertex(shape, vertex: tuple[int, int], lonlat: tuple[float, float]):
    parts = editable_parts(shape)
    parts[vertex[0]][vertex[1]] = lonlat
    return rebuild(shape, parts)


def remove_vertex(shape, vertex: tuple[int, int]):
    parts = editable_parts(shape)
    del parts[vertex[0]][vertex[1]]
    return rebuild(shape, parts)


def insert_vertex(shape, edge: tuple[int, int], lonlat: tuple[float, float]):
    parts = editable_parts(shape)
    parts[edge[0]].insert(edge[1] + 1, lonlat)
    return rebuild(shape, parts)
