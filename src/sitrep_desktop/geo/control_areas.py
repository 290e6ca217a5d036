"""Estimated areas of control: who holds the ground between the places we know.

Each place gets the land nearer to it than to any other place (its Voronoi
cell), the cells take the colour of the place's controller at time T, are
clipped to the country border and merged by faction. This is an *estimate*:
it says nothing about where a front really runs, only "nearest known holder".

Pure shapely and numpy: the map layer draws the result, the tests check it.

Cells are computed in a local equirectangular plane (longitude scaled by the
cosine of the mean latitude), so "nearest" means nearest on the ground, not in
raw degrees, where a degree of longitude is ~18 % shorter than one of latitude
at Syria's latitude. The result is turned back into lon/lat.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .basemap import labels, load_layer

# The country whose outline clips the areas, as the basemap's country label names it.
DEFAULT_COUNTRY = "Syria"
# How far from a known place the estimate reaches. Without a bound, a handful of
# places would claim whole deserts between them; ground further than this from
# every known place stays blank ("unknown"), which is the honest answer.
DEFAULT_REACH_KM = 60.0
_KM_PER_DEGREE = 111.32  # the plane below is in degrees of latitude


@dataclass(frozen=True)
class ControlArea:
    """The land estimated to be held by one faction: a (Multi)Polygon in lon/lat."""

    faction_id: str
    geometry: BaseGeometry
    place_ids: tuple[str, ...]

    def contains(self, lat: float, lon: float) -> bool:
        return bool(self.geometry.covers(shapely.Point(lon, lat)))


def estimate_control_areas(
    places: Iterable[tuple[str, float, float]],
    controllers: Mapping[str, str | None],
    border: BaseGeometry,
    reach_km: float | None = DEFAULT_REACH_KM,
) -> list[ControlArea]:
    """Areas per faction from `places` as (place_id, lat, lon) and their controllers.

    Each cell is also cut to `reach_km` around its place (None: no limit).

    `controllers` maps place ids to faction ids; places with no (or a disputed,
    None) controller still take their cell, which then belongs to nobody, so an
    unknown place does not let a neighbour's colour spread over it.
    """
    points: dict[tuple[float, float], str] = {}
    for place_id, lat, lon in places:
        # Two places at one spot (a base inside its town) share a cell: first wins.
        points.setdefault((round(lon, 6), round(lat, 6)), place_id)
    if not points or border.is_empty:
        return []
    lon0 = float(np.mean([lon for lon, _ in points]))
    scale = math.cos(math.radians(float(np.mean([lat for _, lat in points]))))

    def to_plane(shape: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            shape, lambda xy: np.column_stack(((xy[:, 0] - lon0) * scale, xy[:, 1]))
        )

    def to_lonlat(shape: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            shape, lambda xy: np.column_stack((xy[:, 0] / scale + lon0, xy[:, 1]))
        )

    plane_border = to_plane(border)
    sites = [shapely.Point((lon - lon0) * scale, lat) for lon, lat in points]
    place_of_site = list(points.values())
    if len(sites) == 1:
        cells = [plane_border]
    else:
        diagram = shapely.voronoi_polygons(
            shapely.MultiPoint(sites), extend_to=plane_border.envelope.buffer(1.0)
        )
        cells = _cells_in_site_order(list(diagram.geoms), sites)
    by_faction: dict[str, list[BaseGeometry]] = {}
    held_places: dict[str, list[str]] = {}
    for place_id, site, cell in zip(place_of_site, sites, cells, strict=True):
        faction_id = controllers.get(place_id)
        if not faction_id:
            continue
        clipped = shapely.intersection(cell, plane_border)
        if reach_km is not None:
            clipped = shapely.intersection(clipped, site.buffer(reach_km / _KM_PER_DEGREE, 64))
        if clipped.is_empty:
            continue
        by_faction.setdefault(faction_id, []).append(clipped)
        held_places.setdefault(faction_id, []).append(place_id)
    areas = []
    for faction_id, parts in by_faction.items():
        # Neighbouring cells share an edge whose vertices GEOS computes apart to the
        # last bits: unsnapped, HTS's Hama and al-Rastan cells stayed two polygons
        # and the estimate showed a line across itself. A 1e-9 degree grid joins them.
        if len(parts) > 1:
            parts = list(shapely.set_precision(parts, 1e-9))
        merged = _polygonal(to_lonlat(shapely.unary_union(parts)))
        if merged.is_empty:
            continue
        areas.append(ControlArea(faction_id, merged, tuple(sorted(held_places[faction_id]))))
    return sorted(areas, key=lambda area: -area.geometry.area)


def area_holding(areas: Iterable[ControlArea], lat: float, lon: float) -> str | None:
    """The faction whose estimated area covers (lat, lon), or None."""
    for area in areas:
        if area.contains(lat, lon):
            return area.faction_id
    return None


def _cells_in_site_order(cells: list[BaseGeometry], sites: list) -> list[BaseGeometry]:
    """GEOS returns Voronoi cells in its own order; match each site to its cell."""
    tree = shapely.STRtree(cells)
    ordered = []
    for site in sites:
        hits = tree.query(site, predicate="intersects")
        ordered.append(cells[int(hits[0])] if len(hits) else shapely.Polygon())
    return ordered


def _polygonal(shape: BaseGeometry) -> BaseGeometry:
    """Only the areas of a geometry (clipping can leave stray lines or points)."""
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        return shape
    parts = [g for g in getattr(shape, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.unary_union(parts) if parts else shapely.Polygon()


@cache
def country_outline(name: str = DEFAULT_COUNTRY, level: str = "region") -> BaseGeometry:
    """The outline polygon of a country, rebuilt from the basemap's country lines.

    We polygonise the Natural Earth country lines around the country's label
    point rather than ship a new resource: the lines are already in the bundle,
    and at the "region" level (0.01 deg simplification, ~180 vertices for
    Syria) clipping is instant. Raises LookupError for an unknown country.
    """
    label = next((lab for lab in labels("country") if lab.name == name), None)
    if label is None:
        raise LookupError(f"no country called {name!r} in the basemap labels")
    centre = shapely.Point(label.lon, label.lat)
    lines = _lines(load_layer("countries", level))
    # Only lines near the country: polygonising the whole world is needlessly slow.
    nearby = shapely.MultiLineString(lines).intersection(centre.buffer(12.0).envelope)
    for polygon in shapely.polygonize(shapely.node(nearby).geoms).geoms:
        if polygon.contains(centre):
            return polygon
    raise LookupError(f"could not close the outline of {name!r}")


def _lines(rows: np.ndarray) -> list[shapely.LineString]:
    coords = np.asarray(rows, dtype=np.float64)
    breaks = np.where(np.isnan(coords[:, 0]))[0]
    lines = []
    for part in np.split(coords, breaks):
        part = part[np.isfinite(part[:, 0])]
        if len(part) >= 2:
            lines.append(shapely.LineString(part))
    return lines
