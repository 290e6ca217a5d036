"""The grouped basemap is cached on disk and read back identically."""

import numpy as np
import pytest

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.ui.map.layers.basemap import group_lines, layer_groups


def cache_file(folder, layer, level):
    """The one cache file of a layer at a level, as a user would find it."""
    (path,) = folder.rglob(f"{layer}-{level}-*.arrays")
    return path


def test_the_cache_gives_back_what_grouping_builds(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    layer_groups.cache_clear()
    built = layer_groups("borders", "region")  # builds and writes the cache
    files = list((tmp_path).rglob("borders-region-*.arrays"))
    assert len(files) == 1
    layer_groups.cache_clear()
    again = layer_groups("borders", "region")  # read from the cache
    fresh = group_lines(basemap.load_layer("borders", "region"), default_projection())
    for groups in (built, again):
        assert np.array_equal(groups.x, fresh.x) and np.array_equal(groups.starts, fresh.starts)
        assert np.array_equal(groups.connect, fresh.connect)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "mismatched"])
def test_a_damaged_cache_is_rebuilt(qapp, tmp_path, monkeypatch, damage):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    layer_groups.cache_clear()
    fresh = layer_groups("rivers", "world")  # writes a good cache
    layer_groups.cache_clear()
    path = cache_file(tmp_path, "rivers", "world")
    good = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a numpy file")
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    else:  # readable arrays that do not belong together
        with open(path, "wb") as file:
            for array in (fresh.x, fresh.y[:-5], fresh.connect, fresh.starts):
                np.save(file, array)
    groups = layer_groups("rivers", "world")
    assert np.array_equal(groups.x, fresh.x, equal_nan=True)
    assert path.read_bytes() == good  # and the cache is mended
    layer_groups.cache_clear()


def test_a_new_cache_replaces_older_ones_of_its_layer(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    layer_groups.cache_clear()
    layer_groups("rivers", "world")
    layer_groups.cache_clear()
    path = cache_file(tmp_path, "rivers", "world")
    path.unlink()  # so that the next call writes it again
    older = path.with_name("rivers-world-1-512-500000-1-1.npz")
    other_layer = path.with_name("borders-world-1-512-500000-1-1.npz")
    older.write_bytes(b"old")
    other_layer.write_bytes(b"old")
    layer_groups("rivers", "world")
    assert path.exists() and not older.exists() and other_layer.exists()
    layer_groups.cache_clear()


def test_one_path_of_a_whole_layer_matches_its_groups(qapp):
    groups = group_lines(basemap.load_layer("borders", "world"), default_projection())
    whole = groups.whole()
    parts = [groups.path(i) for i in range(len(groups))]
    assert whole.elementCount() == sum(p.elementCount() for p in parts)
    # No line joins the end of one group to the start of the next.
    moves = sum(
        whole.elementAt(i).type == whole.elementAt(i).type.MoveToElement
        for i in range(whole.elementCount())
    )
    assert moves == sum(
        sum(
            p.elementAt(i).type == p.elementAt(i).type.MoveToElement
            for i in range(p.elementCount())
        )
        for p in parts
    )
