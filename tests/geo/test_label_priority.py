"""Which names claim their spots first, without Qt."""

from sitrep_desktop.geo.label_priority import (
    MIN_PRIORITY,
    basemap_label_candidates,
    country_priority,
    other_label_candidates,
    place_priority,
    town_label_candidates,
)
from sitrep_desktop.geo.projection import default_projection


def test_country_names_rank_by_area_and_tiny_territories_wait_at_world_zoom():
    assert country_priority(17e6) > country_priority(2.3e6) > country_priority(10e3)
    assert country_priority(6.0) < MIN_PRIORITY["world"] <= country_priority(10e3)


def test_the_selected_place_comes_first_then_cities_before_bases_before_villages():
    homs = place_priority("city", 775_404, selected=False)
    assert place_priority("village", 800, selected=True) > homs
    assert homs > place_priority("air_base", None, False) > place_priority("village", 800, False)
    # Any database place outranks the biggest country name.
    assert place_priority("other", None, False) > country_priority(17e6)


def test_basemap_candidates_hold_syria_and_its_governorates():
    texts, x, y, priority, kinds = basemap_label_candidates(default_projection())
    assert len(texts) == len(x) == len(y) == len(priority) == len(kinds)
    syria = texts.index("Syria")
    assert kinds[syria] == "country" and priority[syria] > MIN_PRIORITY["region"]
    assert "admin1" in kinds


def test_a_town_the_database_holds_is_left_to_the_database_and_the_answer_is_shared():
    towns = town_label_candidates("EPSG:3857")
    names, tx, ty, _population = towns
    homs = names.index("Homs")
    at_homs = ([tx[homs]], [ty[homs]])
    texts, x, y, priority, kinds, radii = other_label_candidates(
        "EPSG:3857", towns, *at_homs, dot_radius=2.5
    )
    assert len(texts) == len(x) == len(y) == len(priority) == len(kinds) == len(radii)
    # Every town but the one within 3 km of the database's Homs, after the basemap's names.
    basemap_names = basemap_label_candidates(default_projection())[0]
    assert texts[: len(basemap_names)] == basemap_names
    assert texts[len(basemap_names) :] == list(names[:homs] + names[homs + 1 :])
    assert {r for r, k in zip(radii, kinds) if k == "town"} == {2.5}
    assert {r for r, k in zip(radii, kinds) if k != "town"} == {0.0}
    # Shared by every map of the session, so read-only.
    again = other_label_candidates("EPSG:3857", towns, *at_homs, dot_radius=2.5)
    assert again[0] is texts and not x.flags.writeable
    # Before the towns load: the basemap's names alone.
    assert other_label_candidates("EPSG:3857", None, *at_homs, dot_radius=2.5)[0] == basemap_names
