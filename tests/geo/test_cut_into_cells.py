"""Cutting polygons along a grid, as the basemap build and the canvas do."""

import numpy as np
import shapely

from sitrep_desktop.geo.shapes import cut_into_cells


def test_a_polygon_is_cut_into_one_piece_per_cell_it_covers():
    square = shapely.box(0.5, 0.5, 2.5, 1.5)  # over columns 0..2, rows 0..1 of a 1-unit grid
    pieces: dict[tuple[int, int], list] = {}
    cut_into_cells(
        np.array([square], dtype=object),
        (0, 0, 2, 1),
        float,
        float,
        lambda shapes, i, j: pieces.setdefault((i, j), []).extend(shapes),
    )
    assert sorted(pieces) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    for (i, j), shapes in pieces.items():
        cell = shapely.box(i, j, i + 1, j + 1)
        assert all(cell.buffer(1e-9).contains(s) for s in shapes)
    total = sum(s.area for shapes in pieces.values() for s in shapes)
    assert abs(total - square.area) < 1e-12
