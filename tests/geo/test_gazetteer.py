"""Place search finds Syrian places however their names are spelled."""

from __future__ import annotations

import pytest

from sitrep_desktop.geo.gazetteer import Gazetteer, GazetteerEntry, fold, match_score


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ḩamāh", "hama"),
        ("Hama", "hama"),
        ("Ţarţūs", "tartus"),
        ("Tartous", "tartus"),
        ("Tallbīsah", "talbisa"),
        ("Talbiseh", "talbisa"),
        ("Ar Rastan", "rastan"),
        ("al-Rastan", "rastan"),
        ("Deir ez-Zor", "dir zur"),
        ("Dayr az Zawr", "dir zur"),
        ("Idleb", "idlib"),
        ("Dar'a", "dara"),
        ("ʿAyn al ʿArab", "in arab"),
        ("حماة", "حماه"),
        ("أريحا", "اريحا"),
        ("حَلَب", "حلب"),
        ("الرستن", "رستن"),
        ("سورية", "سوريه"),
        ("مـصـر", "مصر"),
        ("", ""),
    ],
)
def test_fold_unifies_spellings(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Tartous", "Ţarţūs"),
        ("Tartus", "Ţarţūs"),
        ("Talbiseh", "Tallbīsah"),
        ("Rastan", "Ar Rastan"),
        ("al-Rastan", "Ar Rastan"),
        ("Hama", "Ḩamāh"),
        ("Hims", "Ḩimş"),
    ],
)
def test_spelling_pairs_fold_to_the_same_key(one: str, other: str) -> None:
    assert fold(one) == fold(other)


@pytest.mark.parametrize(
    ("query", "expected_name"),
    [
        ("Hama", "Ḩamāh"),
        ("Ḩamāh", "Ḩamāh"),
        ("Homs", "Homs"),
        ("Hims", "Homs"),
        ("حمص", "Homs"),
        ("Talbiseh", "Tallbīsah"),
        ("Tartous", "Ţarţūs"),
        ("Tartus", "Ţarţūs"),
        ("Halab", "Aleppo"),
        ("حلب", "Aleppo"),
        ("Aleppo", "Aleppo"),
        ("Rastan", "Ar Rastan"),
        ("al-Rastan", "Ar Rastan"),
        ("Damascus", "Damascus"),
    ],
)
def test_each_spelling_finds_the_syrian_place_first(
    gazetteer: Gazetteer, query: str, expected_name: str
) -> None:
    best, score = gazetteer.search(query)[0]
    assert (best.name, best.country) == (expected_name, "SY")
    assert score == 3.0


def test_hama_ranks_before_yokohama(gazetteer: Gazetteer) -> None:
    names = [entry.name for entry, _ in gazetteer.search("Hama", limit=500)]
    assert names[0] == "Ḩamāh"
    assert "Yokohama" not in names or names.index("Yokohama") > names.index("Ḩamāh")
    assert match_score("Hama", ["Ḩamāh"]) > match_score("Hama", ["Yokohama"])


def test_results_are_ranked_by_match_quality_then_population(gazetteer: Gazetteer) -> None:
    results = gazetteer.search("Hom", limit=40)
    keys = [(-score, -entry.population) for entry, score in results]
    assert keys == sorted(keys)


def test_partial_query_finds_places_as_they_are_typed(gazetteer: Gazetteer) -> None:
    def first_names(query: str) -> list[str]:
        return [entry.name for entry, _ in gazetteer.search(query, limit=5)]

    # Word-ending rules must not spoil an unfinished word: "Ale" is not "Ala".
    assert "Aleppo" in first_names("Ale")
    assert "Aleppo" in first_names("Alep")
    assert "Ţarţūs" in first_names("Tarto")
    assert "Tallbīsah" in first_names("Tallbi")


def test_empty_query_returns_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.search("") == []
    assert gazetteer.search("   ") == []
    assert gazetteer.search("-'") == []


def test_limit_is_respected(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.search("a", limit=7)) == 7
    assert gazetteer.search("Homs", limit=0) == []


def test_entries_carry_coordinates_population_and_arabic_names(gazetteer: Gazetteer) -> None:
    homs, _ = gazetteer.search("Homs")[0]
    assert isinstance(homs, GazetteerEntry)
    assert 34.5 < homs.lat < 35.0 and 36.5 < homs.lon < 37.0
    assert homs.population == 775404
    assert "حمص" in homs.alt_names
    assert homs.geonameid > 0
    assert all("://" not in name and "|" not in name for name in homs.alt_names)


def test_gazetteer_covers_theatre_villages_and_world_cities(gazetteer: Gazetteer) -> None:
    countries = {gazetteer.entry(i).country for i in range(len(gazetteer))}
    assert {"SY", "LB", "TR", "IQ", "JO", "IL", "PS", "CY", "JP", "US"} <= countries
    assert len(gazetteer) > 30000


def test_match_score_tiers_exact_prefix_word_substring() -> None:
    assert match_score("Homs", ["Homs"]) == 3.0
    assert match_score("Hom", ["Homs"]) == 2.0
    assert match_score("Rastan", ["Tal Rastan"]) == 1.5
    assert match_score("ama", ["Hama"]) == 1.0
    assert match_score("Homs", ["Damascus"]) is None
    assert match_score("", ["Homs"]) is None
    assert match_score("Homs", []) is None


def test_match_score_ranks_the_apps_own_places_like_the_gazetteer() -> None:
    # A place the gazetteer lacks, searched with another spelling.
    assert match_score("Hmeimim", ["Hmeimim Air Base", "Ḩumaymīm"]) == 2.0
    assert match_score("Dar al-Kabira", ["Dar al Kabirah"]) == 3.0


def test_a_map_gets_every_town_with_its_position_and_population():
    gazetteer = Gazetteer.load()
    names, lon, lat, population = gazetteer.towns()
    assert len(names) == len(lon) == len(lat) == len(population) == len(gazetteer)
    hama = names.index("Ḩamāh")
    assert (lat[hama], lon[hama]) == pytest.approx((35.13, 36.76), abs=0.02)
    assert population[hama] > 100_000
    lon[hama] = 0.0  # a copy: the gazetteer keeps its own
    assert gazetteer.entry(hama).lon != 0.0
