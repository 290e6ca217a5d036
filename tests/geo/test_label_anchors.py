"""Spots a drawing offers its label: along a line, inside an area."""

import shapely

from sitrep_desktop.geo.label_anchors import (
    BESIDE,
    CENTRED,
    FIXED,
    RANK_AREA,
    RANK_FIXED,
    RANK_LINE,
    RANK_POINT,
    area_anchors,
    drawing_anchors,
    label_anchors,
    label_offsets,
    label_placement,
    line_anchors,
)


def test_a_line_offers_its_middle_first_then_spots_outwards():
    line = shapely.LineString([(36.0, 33.0), (36.0, 37.0)])
    anchors = line_anchors(line)
    assert anchors[0] == (36.0, 35.0)
    assert len(anchors) == 9
    assert all(line.distance(shapely.Point(p)) < 1e-9 for p in anchors)
    # Outwards: each next pair is farther from the middle.
    distances = [abs(lat - 35.0) for _lon, lat in anchors]
    assert distances == sorted(distances)


def test_a_multiline_labels_its_longest_part():
    short = [(0.0, 0.0), (0.1, 0.0)]
    long = [(10.0, 0.0), (14.0, 0.0)]
    anchors = line_anchors(shapely.MultiLineString([short, long]))
    assert anchors[0] == (12.0, 0.0)


def test_an_area_offers_inside_points_best_first():
    # An L-shaped area: its centroid lies outside it; every anchor must lie inside.
    shape = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)])
    anchors = area_anchors(shape)
    assert not shape.contains(shape.centroid)
    assert len(anchors) > 3
    assert all(shape.contains(shapely.Point(p)) for p in anchors)
    assert len(set(anchors)) == len(anchors)


def test_an_area_made_of_parts_labels_its_largest():
    small = shapely.box(0, 0, 0.1, 0.1)
    big = shapely.box(5, 5, 7, 7)
    anchors = area_anchors(shapely.MultiPolygon([small, big]))
    assert all(big.contains(shapely.Point(p)) for p in anchors)


def test_points_and_empty_shapes():
    assert label_anchors(shapely.Point(36.7, 34.7)) == [(36.7, 34.7)]
    assert label_anchors(shapely.LineString()) == []
    assert len(label_anchors(shapely.box(0, 0, 1, 1))) > 1


def test_how_each_kind_of_drawing_places_its_label():
    area = shapely.box(0, 0, 1, 1)
    line = shapely.LineString([(0, 0), (1, 1)])
    point = shapely.Point(3, 4)
    assert label_placement("polygon", area) == (CENTRED, RANK_AREA)
    assert label_placement("arrow", line) == (BESIDE, RANK_LINE)
    assert label_placement("point", point) == (BESIDE, RANK_POINT)
    assert label_placement("text", point) == (FIXED, RANK_FIXED)
    # A text drawing stays exactly where it was put.
    assert drawing_anchors("text", point) == [(3.0, 4.0)]
    assert len(drawing_anchors("line", line)) == 9


def test_label_offsets_put_the_box_beside_or_on_its_anchor():
    right_above, right_below, left_above, _ = label_offsets(BESIDE, 40, 10, gap=6)
    assert right_above == (6, -12) and right_below == (6, 2) and left_above == (-46, -12)
    assert label_offsets(CENTRED, 40, 10)[0] == (-20, -5)
    assert label_offsets(FIXED, 40, 10) == [(-20, -5)]
