"""Places within a geodesic radius, through the R*Tree, and the boxes that feed it."""

import numpy as np
import pytest

from sitrep_desktop.domain import Place
from sitrep_desktop.geo.geodesy import distances_from
from sitrep_desktop.store import Store
from sitrep_desktop.store.spatial import circle_bboxes, places_within, places_within_scan

MILE = 1609.344


@pytest.fixture
def demo(shared_demo_store):
    return shared_demo_store


def test_within_25_miles_of_homs_nearest_first_without_hama(demo):
    homs = demo.places.by_name("Homs")
    found = places_within(demo, homs.lat, homs.lon, 25 * MILE, exclude_ids={homs.id})
    assert [f.place.name for f in found] == ["Dar al-Kabira", "Talbiseh", "al-Rastan"]
    assert found[0].distance_m == pytest.approx(10_705.6, abs=1)
    assert found[0].bearing == pytest.approx(307.9, abs=0.1)  # north-west of Homs


def test_hama_lies_just_beyond_25_miles_and_inside_30(demo):
    homs = demo.places.by_name("Homs")
    names = [f.place.name for f in places_within(demo, homs.lat, homs.lon, 30 * MILE)]
    assert names[0] == "Homs"  # the centre itself, unless excluded
    assert names[-1] == "Hama"


def test_the_index_and_the_full_scan_agree(demo):
    for lat, lon, radius in [(34.7, 36.7, 5_000), (35.0, 36.0, 80_000), (33.5, 36.3, 400_000)]:
        indexed = places_within(demo, lat, lon, radius)
        scanned = places_within_scan(demo, lat, lon, radius)
        assert [f.place.id for f in indexed] == [f.place.id for f in scanned]


def _store_with(points):
    store = Store.memory()
    store.places.add_many(
        [Place(name=f"p{i}", lat=lat, lon=lon) for i, (lat, lon) in enumerate(points)]
    )
    return store


def test_a_ring_across_the_antimeridian_finds_places_on_both_sides():
    store = _store_with([(-17.0, 179.9), (-17.0, -179.9), (-17.0, 178.0), (-17.0, -178.0)])
    found = places_within(store, -17.0, 179.99, 50_000)
    assert sorted(f.place.name for f in found) == ["p0", "p1"]
    assert len(circle_bboxes(-17.0, 179.99, 50_000)) == 2


def test_a_ring_round_the_pole_covers_every_longitude():
    store = _store_with([(89.5, 0.0), (89.5, 180.0), (89.5, -90.0), (88.0, 45.0)])
    found = places_within(store, 89.9, 10.0, 100_000)
    assert sorted(f.place.name for f in found) == ["p0", "p1", "p2"]
    assert circle_bboxes(89.9, 10.0, 100_000) == [
        (-180.0, pytest.approx(89.0047, abs=1e-4), 180.0, 90.0)
    ]


def test_a_random_cloud_matches_a_brute_force_count():
    rng = np.random.default_rng(5)
    lats, lons = rng.uniform(-60, 60, 2000), rng.uniform(-180, 180, 2000)
    store = _store_with(list(zip(lats, lons)))
    for lat, lon, radius in [
        (10.0, 170.0, 2_000_000),
        (-40.0, -175.0, 900_000),
        (0, 0, 12_000_000),
    ]:
        expected = int((distances_from(lat, lon, lats, lons) <= radius).sum())
        assert len(places_within(store, lat, lon, radius)) == expected


def test_the_bounding_box_covers_the_whole_circle():
    for lat, lon, radius in [(34.7, 36.7, 40_000), (60.0, 0.0, 500_000), (-45.0, 100.0, 3_000_000)]:
        ((west, south, east, north),) = circle_bboxes(lat, lon, radius)
        rng = np.random.default_rng(1)
        dlat, dlon = rng.uniform(-40, 40, (2, 50_000))
        plat, plon = np.clip(lat + dlat, -90, 90), ((lon + dlon + 180) % 360) - 180
        inside = distances_from(lat, lon, plat, plon) <= radius
        assert np.all((plat[inside] >= south) & (plat[inside] <= north))
        assert np.all((plon[inside] >= west) & (plon[inside] <= east))
