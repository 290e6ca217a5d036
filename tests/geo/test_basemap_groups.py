"""The grouped basemap is cached on disk and read back identically (no Qt needed)."""

import numpy as np
import pytest

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.basemap_groups import (
    cache_file,
    group_lines,
    grouped_layer,
)
from sitrep_desktop.geo.projection import default_projection


def test_the_cache_gives_back_what_grouping_builds(tmp_path):
    built = grouped_layer("borders", "region", tmp_path)  # builds and writes the cache
    assert len(list(tmp_path.rglob("borders-region-*.arrays"))) == 1
    again = grouped_layer("borders", "region", tmp_path)  # read from the cache
    fresh = group_lines(basemap.load_layer("borders", "region"), default_projection())
    for groups in (built, again):
        assert np.array_equal(groups.x, fresh.x) and np.array_equal(groups.starts, fresh.starts)
        assert np.array_equal(groups.connect, fresh.connect)
        assert np.array_equal(groups.bounds, fresh.bounds)


def test_without_a_cache_folder_the_layer_is_built_each_time():
    assert cache_file("borders", "world", None) is None
    assert len(grouped_layer("borders", "world", None)) > 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "mismatched"])
def test_a_damaged_cache_is_rebuilt(tmp_path, damage):
    fresh = grouped_layer("rivers", "world", tmp_path)  # writes a good cache
    path = cache_file("rivers", "world", tmp_path)
    good = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a numpy file")
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    else:  # readable arrays that do not belong together
        with open(path, "wb") as file:
            for array in (fresh.x, fresh.y[:-5], fresh.connect, fresh.starts):
                np.save(file, array)
    groups = grouped_layer("rivers", "world", tmp_path)
    assert np.array_equal(groups.x, fresh.x, equal_nan=True)
    assert path.read_bytes() == good  # and the cache is mended


def test_a_new_cache_replaces_older_ones_of_its_layer(tmp_path):
    path = cache_file("rivers", "world", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    older = path.with_name("rivers-world-1-512-500000-1-1.npz")
    other_layer = path.with_name("borders-world-1-512-500000-1-1.npz")
    older.write_bytes(b"old")
    other_layer.write_bytes(b"old")
    grouped_layer("rivers", "world", tmp_path)
    assert path.exists() and not older.exists() and other_layer.exists()


def test_each_group_lies_in_the_view_it_is_culled_by():
    groups = group_lines(basemap.load_layer("coastline", "region"), default_projection())
    x, y = default_projection().forward(36.0, 35.0)  # off Tartus
    shown = groups.visible(x - 1e5, y - 1e5, x + 1e5, y + 1e5)
    assert 0 < len(shown) < len(groups)
    for index in shown:
        s, e = groups.starts[index], groups.ends[index]
        # The bounds hold all the group's vertices.
        assert groups.bounds[index, 0] <= groups.x[s:e].min()
        assert groups.bounds[index, 2] >= groups.x[s:e].max()
        assert groups.bounds[index, 1] <= groups.y[s:e].min()
        assert groups.bounds[index, 3] >= groups.y[s:e].max()
