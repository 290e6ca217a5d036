"""Which names claim their spots first, without Qt."""

from sitrep_desktop.geo.label_priority import (
    MIN_PRIORITY,
    basemap_label_candidates,
    country_priority,
    place_priority,
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
