"""The shipped land polygons: land where the towns are, sea where the ships are,
their edge on the coastline of the same level of detail."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from sitrep_desktop.geo.basemap import LEVELS, land_polygons, load_layer

ON_LAND = {
    "Homs": (36.72, 34.73),
    "Damascus": (36.29, 33.51),
    "Aleppo": (37.16, 36.20),
    "Nicosia, Cyprus": (33.36, 35.17),
    "Chukotka, west of the antimeridian": (-175.0, 66.0),
    "Kamchatka, east of it": (160.0, 56.0),
}
AT_SEA = {
    "off Tartus": (35.3, 35.5),
    "mid-Atlantic": (-30.0, 30.0),
    "the Caspian Sea (a lake in GSHHG: a hole)": (51.0, 42.0),
    "Lake Van (a hole)": (42.9, 38.6),
    "Bering Strait": (-169.0, 65.8),
}


def _land_at(level: str, lon: float, lat: float) -> bool:
    polygons = land_polygons(level)
    hits = shapely.STRtree(polygons).query(shapely.Point(lon, lat), predicate="covered_by")
    return len(hits) > 0


@pytest.mark.parametrize("level", LEVELS)
def test_land_loads_as_valid_polygons_at_every_level(level):
    polygons = land_polygons(level)
    assert len(polygons) > 5000
    assert set(shapely.get_type_id(polygons)) == {shapely.GeometryType.POLYGON}
    assert shapely.is_valid(polygons).all()
    assert land_polygons(level) is polygons  # loaded once


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("place", ON_LAND)
def test_towns_and_islands_are_on_land(level, place):
    assert _land_at(level, *ON_LAND[place])


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("place", AT_SEA)
def test_seas_and_lakes_are_not_land(level, place):
    assert not _land_at(level, *AT_SEA[place])


@pytest.mark.parametrize("level", LEVELS)
def test_the_land_edge_is_the_coastline_of_the_same_level(level):
    # Every coastline vertex on the Latakia-Tartus coast lies on the land's edge.
    box = (35.5, 34.7, 36.2, 36.0)
    coast = load_layer("coastline", level).astype(np.float64)
    lon, lat = coast[:, 0], coast[:, 1]
    inside = (lon > box[0]) & (lon < box[2]) & (lat > box[1]) & (lat < box[3])
    points = shapely.points(coast[inside])
    assert len(points) > 5
    edge = shapely.union_all(shapely.boundary(shapely.clip_by_rect(land_polygons(level), *box)))
    assert shapely.distance(points, edge).max() < 1e-6


@pytest.mark.parametrize("level", LEVELS)
def test_pieces_meet_along_the_theatre_box_without_gap_or_overlap(level):
    # Crete straddles lon 25, the theatre box's west edge: at the theatre level its
    # west is the region's resolution and its east the full one.
    around = (24.8, 35.0, 25.2, 35.4)
    parts = shapely.clip_by_rect(land_polygons(level), *around)
    parts = parts[~shapely.is_empty(parts)]
    union = shapely.union_all(parts)
    assert shapely.area(parts).sum() == pytest.approx(union.area, rel=1e-9)
    assert _land_at(level, 25.0, 35.2)


def test_land_rings_do_not_wrap_across_the_antimeridian():
    # GSHHG cuts Eurasia and Antarctica at 180 deg: no edge jumps across the map.
    # Long edges could only run along the South Pole, closing Antarctica's halves
    # (the land is cut along the grid, so none is left at all).
    for level in LEVELS:
        rings = load_layer("land", level).astype(np.float64)
        with np.errstate(invalid="ignore"):
            long_edge = np.abs(np.diff(rings[:, 0])) > 90.0
        at_pole = (rings[:-1, 1] == -90.0) & (rings[1:, 1] == -90.0)
        assert (at_pole[long_edge]).all()
