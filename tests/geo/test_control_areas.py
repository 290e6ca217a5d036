"""Estimated control areas: Voronoi cells of places, clipped to Syria, merged by faction."""

import pytest
import shapely

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.geo.control_areas import (
    DEFAULT_REACH_KM,
    area_holding,
    country_outline,
    estimate_control_areas,
)
from sitrep_desktop.services.demo import demo_id

HAMA = (35.13179, 36.75783)
# A village between Hama and al-Rastan, nearer Hama: inside Hama's cell, not on the place.
NEAR_HAMA = (35.10, 36.76)


@pytest.fixture
def demo_store(shared_demo_store):
    return shared_demo_store


def areas_at(store, when, reach_km=None):
    places = [(p.id, p.lat, p.lon) for p in store.places.all()]
    states = store.control.control_map(parse_moment(when))
    controllers = {pid: state.faction_id for pid, state in states.items()}
    return estimate_control_areas(places, controllers, country_outline(), reach_km=reach_km)


def test_syria_outline_is_one_polygon_of_about_185000_km2():
    outline = country_outline()
    assert outline.geom_type == "Polygon" and outline.is_valid
    # ~18.4 square degrees at 35 N is about 185,000 km2 (Syria: 185,180 km2).
    assert 17.5 < outline.area < 19.5
    assert outline.contains(shapely.Point(36.29128, 33.51020))  # Damascus
    assert not outline.contains(shapely.Point(35.5018, 33.8938))  # Beirut


def test_unknown_country_is_refused():
    with pytest.raises(LookupError):
        country_outline("Atlantis")


def test_area_around_hama_is_the_governments_before_5_december(demo_store):
    areas = areas_at(demo_store, "2024-12-04")
    assert area_holding(areas, *NEAR_HAMA) == demo_id("faction", "GOV")


def test_area_around_hama_is_hts_after_5_december(demo_store):
    areas = areas_at(demo_store, "2024-12-06")
    assert area_holding(areas, *NEAR_HAMA) == demo_id("faction", "HTS")
    assert area_holding(areas, *HAMA) == demo_id("faction", "HTS")


def test_areas_are_merged_by_faction_and_stay_inside_the_border(demo_store):
    areas = areas_at(demo_store, "2024-12-06")
    factions = [area.faction_id for area in areas]
    assert len(factions) == len(set(factions))
    outline = country_outline()
    total = sum(area.geometry.area for area in areas)
    assert total == pytest.approx(outline.area, rel=1e-6)
    for area in areas:
        assert area.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert outline.buffer(1e-9).covers(area.geometry)


def test_a_place_with_no_known_holder_keeps_its_cell_empty():
    border = shapely.box(0, 0, 2, 1)
    places = [("a", 0.5, 0.5), ("b", 0.5, 1.5)]
    areas = estimate_control_areas(places, {"a": "red", "b": None}, border)
    assert [area.faction_id for area in areas] == ["red"]
    assert area_holding(areas, 0.5, 1.5) is None
    assert area_holding(areas, 0.5, 0.5) == "red"


def test_cells_use_distance_on_the_ground_not_raw_degrees():
    # At 60 N a degree of longitude is half a degree of latitude on the ground:
    # a point 0.8 deg east (~44 km) is nearer than one 0.5 deg north (~56 km).
    border = shapely.box(9, 59, 11, 61)
    places = [("east", 60.0, 10.8), ("north", 60.5, 10.0)]
    areas = estimate_control_areas(places, {"east": "E", "north": "N"}, border)
    assert area_holding(areas, 60.0, 10.0) == "E"


def test_one_place_holds_the_whole_country():
    border = shapely.box(0, 0, 1, 1)
    areas = estimate_control_areas([("a", 0.5, 0.5)], {"a": "red"}, border, reach_km=None)
    assert areas[0].geometry.equals(border)


def test_no_places_no_areas():
    assert estimate_control_areas([], {}, shapely.box(0, 0, 1, 1)) == []


def test_the_estimate_reaches_only_so_far_from_known_places(demo_store):
    # Without a bound the demo's 11 places would claim the whole country; with
    # the default 60 km, Raqqa and Deir ez-Zor (far from every demo place) stay blank.
    areas = areas_at(demo_store, "2024-12-06", reach_km=DEFAULT_REACH_KM)
    assert area_holding(areas, 35.95, 39.01) is None  # Raqqa
    assert area_holding(areas, 35.33, 40.14) is None  # Deir ez-Zor
    hts = next(a.faction_id for a in areas if a.contains(35.13, 36.76))  # Hama
    assert area_holding(areas, 35.25, 36.80) == hts  # 15 km north of Hama
    total = sum(area.geometry.area for area in areas)
    assert total < 0.5 * country_outline().area
