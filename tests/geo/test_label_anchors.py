"""Spots a drawing offers its label: along a line, inside an area."""

import shapely

from sitrep_desktop.geo.label_anchors import area_anchors, label_anchors, line_anchors


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
