"""Gazetteer search and basemap loading against the cost of doing without an index.

Floors, measured in this run: for search, one plain ``in`` scan over every
folded name (what a search without the sorted index would cost before any
ranking); for loading, reading and decompressing the same .npz members with
no further work.
"""

from __future__ import annotations

import time

import numpy as np
from common import print_peak_memory, report, timeit_median

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.gazetteer import Gazetteer, fold
from sitrep_desktop.paths import resource_path

QUERIES = ("Hama", "Homs", "Hims", "Talbiseh", "Tartous", "Halab", "حلب", "Ale", "ra", "Kobani")


def _read_npz(path: object) -> None:
    with np.load(path, allow_pickle=False) as data:
        for name in data.files:
            data[name]


def main() -> None:
    start = time.perf_counter()
    gazetteer = Gazetteer.from_file(resource_path("gazetteer", "gazetteer.npz"))
    load_ms = (time.perf_counter() - start) * 1e3
    raw_ms = timeit_median(lambda: _read_npz(resource_path("gazetteer", "gazetteer.npz"))) * 1e3
    report(f"gazetteer load ({len(gazetteer):,} places)", load_ms, "ms", raw_ms)

    keys = gazetteer._keys  # the benchmark may look inside: it measures the index itself

    def search_all() -> None:
        for query in QUERIES:
            gazetteer.search(query)

    def scan_all() -> None:
        for query in QUERIES:
            needle = fold(query)
            [key for key in keys if needle in key]

    search_ms = timeit_median(search_all) / len(QUERIES) * 1e3
    scan_ms = timeit_median(scan_all) / len(QUERIES) * 1e3
    report("gazetteer search per query", search_ms, "ms", scan_ms)
    worst = max(timeit_median(lambda q=q: gazetteer.search(q), repeat=3) for q in QUERIES)
    print(f"gazetteer slowest query: {worst * 1e3:.2f} ms (budget 20 ms)", flush=True)

    for layer in basemap.LAYERS:
        path = resource_path("basemap", f"{layer}.npz")

        def load(layer: str = layer) -> None:
            basemap.load_layer.cache_clear()
            basemap.load_layer(layer, "theatre")

        report(
            f"basemap load {layer} theatre",
            timeit_median(load) * 1e3,
            "ms",
            timeit_median(lambda path=path: _read_npz(path)) * 1e3,
        )
    print("basemap vertices:", basemap.vertex_count(), flush=True)
    print_peak_memory("gazetteer")


if __name__ == "__main__":
    main()
