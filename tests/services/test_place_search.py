"""Place search without a window: the database's places and the gazetteer together."""

import pytest

from sitrep_desktop.geo.gazetteer import EXACT
from sitrep_desktop.services.place_search import place_from_result, search_places


@pytest.fixture(scope="module")
def demo_places(shared_demo_store):
    return shared_demo_store.places.all()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Halab", "Aleppo"), ("Hims", "Homs"), ("حلب", "Aleppo"), ("Tallbīsah", "Talbiseh")],
)
def test_every_spelling_finds_the_databases_own_place_first(demo_places, query, expected):
    results = search_places(query, demo_places)
    assert results[0].name == expected and results[0].in_database


def test_gazetteer_search_ranks_hama_before_yokohama():
    names = [r.name for r in search_places("Hama", [])]
    assert names[0] == "Ḩamāh"
    assert "Yokohama" not in names[:3]


def test_a_gazetteer_result_becomes_a_place_sized_by_its_population():
    result = next(r for r in search_places("Talbiseh", []) if not r.in_database)
    place = place_from_result(result)
    assert place.name == result.name and (place.lat, place.lon) == (result.lat, result.lon)
    assert place.kind in ("town", "village", "city")


def test_hims_finds_homs_and_nothing_on_other_continents(demo_places):
    results = search_places("Hims", demo_places)
    assert results[0].name == "Homs"
    names = {r.name for r in results}
    assert not names & {"Hempstead", "Tsim Sha Tsui"}
    assert all(not r.far for r in results)


def test_a_far_town_is_offered_only_by_its_exact_name_and_says_so(demo_places):
    results = search_places("Paris", demo_places)
    assert results and all(r.far and "far from this map" in r.detail for r in results)
    assert all(r.score == EXACT for r in search_places("Pari", demo_places) if r.far)
