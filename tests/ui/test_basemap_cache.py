"""The map's basemap items use the disk cache in the user's cache folder, and a
layer's one whole path matches its groups (the cache itself: tests/geo/test_basemap_groups)."""

import numpy as np

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
