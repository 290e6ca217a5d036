"""The grouped basemap is cached on disk and read back identically."""

import numpy as np

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.ui import basemap_layer
from sitrep_desktop.ui.basemap_layer import group_lines, layer_groups


def test_the_cache_gives_back_what_grouping_builds(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    layer_groups.cache_clear()
    built = layer_groups("borders", "region")  # builds and writes the cache
    files = list((tmp_path).rglob("borders-region-*.npz"))
    assert len(files) == 1
    layer_groups.cache_clear()
    again = layer_groups("borders", "region")  # read from the cache
    fresh = group_lines(basemap.load_layer("borders", "region"), default_projection())
    for groups in (built, again):
        assert np.array_equal(groups.x, fresh.x) and np.array_equal(groups.starts, fresh.starts)
        assert np.array_equal(groups.connect, fresh.connect)


def test_a_damaged_cache_is_rebuilt(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    layer_groups.cache_clear()
    path = basemap_layer._cache_file("rivers", "world")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a numpy file")
    groups = layer_groups("rivers", "world")
    assert len(groups.x) > 0
    layer_groups.cache_clear()
