"""What users type where a point is asked: coordinates, MGRS, or a place name."""

import pytest

from sitrep_desktop.domain import Place
from sitrep_desktop.geo.point_input import PointInputError, closest_names, resolve_point

HAMA = Place(name="Hama", lat=35.13179, lon=36.75783, alt_names=("Hamah", "حماة"))
HOMS = Place(name="Homs", lat=34.72405, lon=36.72559, alt_names=("Hims", "حمص"))
RASTAN = Place(name="al-Rastan", lat=34.92667, lon=36.73241, alt_names=("Ar Rastan",))
PLACES = [HAMA, HOMS, RASTAN]


def test_decimal_degrees_are_read_latitude_first():
    point = resolve_point("34.72405, 36.72559", PLACES)
    assert (point.lat, point.lon) == (34.72405, 36.72559)
    assert point.source == "coordinate"
    assert point.name == "34.72405, 36.72559"


def test_dms_and_mgrs_are_coordinates_too():
    dms = resolve_point("34°43'26.6\"N 36°43'32.1\"E", PLACES)
    assert dms.lat == pytest.approx(34.72405, abs=1e-4)
    assert dms.lon == pytest.approx(36.72559, abs=1e-4)
    grid = resolve_point("37S BU 12345 67890")
    assert grid.source == "coordinate"
    assert 34 < grid.lat < 36 and 35 < grid.lon < 37


def test_a_store_place_is_found_by_any_of_its_names_and_spellings():
    for text in ("Homs", "homs", "  Hims ", "حمص"):
        point = resolve_point(text, PLACES, use_gazetteer=False)
        assert point.place_id == HOMS.id
        assert point.name == "Homs"
        assert point.source == "place"


def test_store_places_win_over_the_gazetteer():
    moved = Place(name="Homs", lat=34.0, lon=36.0)
    assert resolve_point("Homs", [moved]).lat == 34.0


def test_a_name_only_the_gazetteer_knows_comes_from_the_gazetteer():
    palmyra = resolve_point("Palmyra", PLACES)
    assert palmyra.source == "gazetteer"
    assert palmyra.name == "Tadmur"
    assert palmyra.country == "SY"
    assert palmyra.lat == pytest.approx(34.56, abs=0.05)


def test_a_partial_name_is_not_taken_as_a_place():
    with pytest.raises(PointInputError):
        resolve_point("Hom", PLACES, use_gazetteer=False)


def test_an_unknown_name_suggests_the_closest_known_names():
    with pytest.raises(PointInputError) as caught:
        resolve_point("Homz", PLACES)
    assert caught.value.suggestions[0] == "Homs"
    assert "closest names: Homs" in str(caught.value)


def test_a_typo_in_a_store_name_suggests_that_place():
    assert closest_names("al-Rastn", PLACES)[0] == "al-Rastan"


def test_a_malformed_coordinate_says_what_is_wrong():
    with pytest.raises(PointInputError, match="latitude 95 is outside"):
        resolve_point("95, 36.7", PLACES)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_input_is_refused(text):
    with pytest.raises(PointInputError, match="empty"):
        resolve_point(text, PLACES)
