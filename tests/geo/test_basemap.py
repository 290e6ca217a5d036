"""The shipped basemap layers load at every level of detail and look right."""

from __future__ import annotations

import numpy as np
import pytest

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.basemap import LAYERS, LEVELS, labels, level_for_span, load_layer

SYRIA_BOX = (35.5, 32.3, 42.4, 37.4)  # lon_min, lat_min, lon_max, lat_max


def _vertices_in(array: np.ndarray, box: tuple[float, float, float, float]) -> int:
    lon, lat = array[:, 0], array[:, 1]
    return int(((lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])).sum())


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_loads_at_every_level_as_nan_separated_lon_lat(layer: str, level: str) -> None:
    array = load_layer(layer, level)
    assert array.ndim == 2 and array.shape[1] == 2
    assert np.issubdtype(array.dtype, np.floating)
    finite = np.isfinite(array[:, 0])
    assert finite.sum() > 1000
    gaps = ~finite
    assert gaps.any(), "polylines must be separated by NaN rows"
    assert np.array_equal(gaps, np.isnan(array[:, 1])), "a separator row is NaN in both columns"
    assert finite[0] and finite[-1], "no leading or trailing separator"
    assert not (gaps[1:] & gaps[:-1]).any(), "no empty polylines"
    lon, lat = array[finite, 0], array[finite, 1]
    assert lon.min() >= -180.0 and lon.max() <= 180.0
    assert lat.min() >= -90.0 and lat.max() <= 90.0


@pytest.mark.parametrize("layer", ["coastline", "borders", "rivers", "countries", "admin1"])
def test_theatre_level_has_more_detail_near_syria_than_world_level(layer: str) -> None:
    world = _vertices_in(load_layer(layer, "world"), SYRIA_BOX)
    region = _vertices_in(load_layer(layer, "region"), SYRIA_BOX)
    theatre = _vertices_in(load_layer(layer, "theatre"), SYRIA_BOX)
    assert world < region < theatre


def test_detail_outside_the_region_is_shared_by_all_levels() -> None:
    far_away = (-80.0, 30.0, -60.0, 45.0)  # US east coast
    counts = {level: _vertices_in(load_layer("coastline", level), far_away) for level in LEVELS}
    assert counts["world"] == counts["region"] == counts["theatre"] > 0


def test_theatre_box_edge_cuts_lines_instead_of_bridging_it() -> None:
    # A segment jumping across the box would be much longer than the data's spacing.
    array = load_layer("coastline", "theatre").astype(np.float64)
    steps = np.linalg.norm(np.diff(array, axis=0), axis=1)
    assert np.nanmax(steps) < 20.0


def test_load_layer_is_cached_and_read_only() -> None:
    first = load_layer("borders", "theatre")
    assert load_layer("borders", "theatre") is first
    with pytest.raises(ValueError):
        first[0, 0] = 0.0


def test_unknown_layer_or_level_is_refused() -> None:
    with pytest.raises(ValueError):
        load_layer("roads", "world")
    with pytest.raises(ValueError):
        load_layer("coastline", "street")


def test_level_for_span_goes_finer_as_the_view_narrows() -> None:
    spans = [360, 180, 90, 71, 70, 40, 25, 13, 12, 5, 1, 0.01]
    ranks = [LEVELS.index(level_for_span(span)) for span in spans]
    assert ranks == sorted(ranks)
    assert level_for_span(360) == "world"
    assert level_for_span(30) == "region"
    assert level_for_span(2) == "theatre"


def test_syria_governorate_labels_include_homs_hama_and_aleppo() -> None:
    syria = [label for label in labels("admin1") if label.country == "SY"]
    names = " ".join(label.name for label in syria)
    for governorate in ("Homs", "Hamah", "Aleppo", "Idlib", "Damascus"):
        assert governorate in names
    for label in syria:
        assert SYRIA_BOX[0] - 1 < label.lon < SYRIA_BOX[2] + 1
        assert SYRIA_BOX[1] - 1 < label.lat < SYRIA_BOX[3] + 1
        assert label.kind == "admin1"


def test_neighbours_admin1_regions_are_labelled_too() -> None:
    countries = {label.country for label in labels("admin1")}
    assert {"SY", "LB", "TR", "IQ", "JO", "IL"} <= countries


def test_country_labels_sit_inside_their_country() -> None:
    by_name = {label.name: label for label in labels("country")}
    syria = by_name["Syria"]
    assert 35.5 < syria.lon < 42.4 and 32.3 < syria.lat < 37.4
    assert {"Lebanon", "Turkey", "Iraq", "Jordan", "Israel", "Cyprus"} <= by_name.keys()
    assert len(by_name) > 200


def test_unknown_label_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        labels("city")


def test_vertex_count_reports_every_layer_and_level() -> None:
    counts = basemap.vertex_count()
    assert set(counts) == set(LAYERS)
    for per_level in counts.values():
        assert set(per_level) == set(LEVELS)
        assert per_level["world"] <= per_level["theatre"]


def test_country_labels_carry_their_area_for_ranking():
    countries = {label.name: label for label in basemap.labels("country")}
    # Specks such as the Vatican round to 0 km²; every real country has an area.
    assert sum(label.area_km2 > 0 for label in countries.values()) >= len(countries) - 5
    # Areas on the ellipsoid, from the Natural Earth outlines: within a few per cent.
    assert 180_000 < countries["Syria"].area_km2 < 190_000
    assert max(countries.values(), key=lambda label: label.area_km2).name in (
        "Russia",
        "Antarctica",
    )


def test_no_basemap_line_steps_across_the_antimeridian():
    """A step of more than 180° of longitude would be drawn across the whole world."""
    for layer in LAYERS:
        if layer == "land":
            continue
        for level in LEVELS:
            lonlat = load_layer(layer, level).astype(float)
            steps = np.abs(np.diff(lonlat[:, 0]))
            assert not (steps[np.isfinite(steps)] > 180).any(), (layer, level)


def test_splitting_at_the_antimeridian_keeps_every_vertex():
    line = np.array([[179.0, 65.0], [-179.5, 65.5], [-178.0, 66.0]], np.float32)
    split = basemap.split_at_antimeridian(line)
    assert np.isnan(split[1]).all() and len(split) == 4
    assert np.array_equal(split[~np.isnan(split[:, 0])], line)
