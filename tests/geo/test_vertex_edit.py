"""Vertex edits on lon/lat shapes, without Qt."""

import shapely

from sitrep_desktop.geo.vertex_edit import (
    editable_parts,
    insert_vertex,
    remove_vertex,
    replace_vertex,
)

FRONT = shapely.LineString([(36.6, 34.9), (36.7, 34.95), (36.8, 34.9)])
AREA = shapely.Polygon([(36, 34), (37, 34), (37, 35), (36, 35)])


def test_a_polygon_offers_its_ring_without_the_closing_point():
    assert editable_parts(AREA) == [[(36, 34), (37, 34), (37, 35), (36, 35)]]


def test_moving_inserting_and_removing_vertices():
    moved = replace_vertex(FRONT, (0, 1), (36.7, 35.0))
    assert list(moved.coords)[1] == (36.7, 35.0)
    inserted = insert_vertex(FRONT, (0, 0), (36.65, 34.92))
    assert len(inserted.coords) == 4 and list(inserted.coords)[1] == (36.65, 34.92)
    removed = remove_vertex(AREA, (0, 3))
    assert removed.geom_type == "Polygon" and len(removed.exterior.coords) == 4
