"""Files written by Google Earth's authors, GDAL, QGIS (via pyogrio) and ATAK import
with their content: for each, what each feature became, a name, a point, a time.

Outcomes are per feature (taken, taken with a repair, refused with a reason), so
one odd feature never decides the fate of the rest. The files and their
licences: tests/data/third_party/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep_desktop.io import gpkg, kml
from sitrep_desktop.io.kml_features import placemark_record
from sitrep_desktop.io.records import ProblemError
from sitrep_desktop.io.safe_xml import descendants, parse_xml

DATA = Path(__file__).parents[1] / "data" / "third_party"
KML_SAMPLES = DATA / "google_kml_samples"


def kml_outcomes(path: Path) -> tuple[list, list[str], list[str]]:
    """(records taken, repairs, refusals) of every placemark of a KML file."""
    root = parse_xml(path.read_bytes(), str(path))
    taken, repairs, refusals = [], [], []
    for number, mark in enumerate(descendants(root, "Placemark"), start=1):
        try:
            record, _by_name, repair = placemark_record(mark, f"placemark {number}", number)
        except ProblemError as exc:
            refusals.append(str(exc))
            continue
        taken.append(record)
        if repair:
            repairs.append(repair)
    return taken, repairs, refusals


def test_googles_kml_samples_all_come_in_but_the_one_placemark_without_a_shape():
    taken, repairs, refusals = kml_outcomes(KML_SAMPLES / "KML_Samples.kml")
    assert len(taken) == 19 and repairs == []
    # "Descriptive HTML" has a description and no geometry: refused, and said why.
    assert refusals == [
        "placemark 5, field 'geometry': the placemark has no geometry (\"Descriptive HTML\")"
    ]
    by_name = {getattr(r, "name", None) or getattr(r, "label", ""): r for r in taken}
    simple = by_name["Simple placemark"]
    assert (simple.lon, simple.lat) == (-122.0822035425683, 37.42228990140251)
    assert "Attached to the ground" in simple.notes
    pentagon = by_name["The Pentagon"]  # a polygon with a hole
    assert pentagon.kind == "polygon" and pentagon.geometry.count("(") == 3
    assert by_name["Extruded placemark"].attributes["z"] == 50.0


def test_a_google_earth_gx_track_is_a_line_that_keeps_its_times():
    taken, repairs, refusals = kml_outcomes(KML_SAMPLES / "catalina-track.kml")
    (track,) = taken
    assert refusals == [] and repairs == []
    assert track.KIND == "event" and track.geometry.startswith("LINESTRING (-118.311748 33.336534")
    times = track.attributes["track_times"]
    assert (times[0], times[-1], len(times)) == (
        "2009-08-17T23:22:32Z",
        "2009-08-17T23:40:29Z",
        213,
    )
    assert track.at.text == "2009-08-17T23:22:32Z"
    assert len(track.attributes["z"]) == 213 and track.attributes["z"][0] == 6.385864000000001


def test_extended_data_becomes_attributes_of_each_place():
    places = kml.read(KML_SAMPLES / "lincoln-park-gc.kml").places
    assert len(places) == 18
    hole = next(p for p in places if p.name == "1")
    assert (hole.lat, hole.lon) == (37.782353, -122.494783)
    assert hole.attributes["menspar"] == "4" and hole.attributes["blueyardage"] == "316"
    assert "z" not in hole.attributes  # altitudes of 0 say nothing


def test_schemadata_fields_become_attributes():
    easy, _hard = kml.read(KML_SAMPLES / "schemadata-trailhead.kml").places
    assert easy.name == "Easy trail"
    assert easy.attributes == {
        "TrailHeadName": "Pi in the sky",
        "TrailLength": "3.14159",
        "ElevationGain": "10",
    }


def test_multigeometry_of_lines_is_one_multiline_drawing():
    (drawing,) = kml.read(KML_SAMPLES / "multi-linestrings.kml").annotations
    assert drawing.label == "MultiGeometry" and drawing.geometry.startswith("MULTILINESTRING")
    assert drawing.geometry.count("(") == 11  # ten streets


def test_a_multigeometry_of_a_polygon_and_a_point_keeps_the_area_and_says_so():
    taken, repairs, _ = kml_outcomes(KML_SAMPLES / "polygon-point.kml")
    (area,) = taken
    assert area.label == "Adelaide" and area.kind == "polygon"
    # Its polygon also crosses itself: made valid, and said.
    assert repairs == [
        "1 part(s) of a lower dimension dropped from a mixed collection; "
        "invalid area (Ring Self-intersection) made valid"
    ]


def test_a_polygon_keeps_its_inner_boundaries():
    (area,) = kml.read(KML_SAMPLES / "polyInnerBoundaries.kml").annotations
    assert area.geometry.startswith("POLYGON") and area.geometry.count("(") == 6  # 4 holes


def test_gdals_non_conformant_multi_elements_are_read():
    batch = kml.read(DATA / "gdal_autotest" / "non_conformant_multi.kml")
    assert [a.geometry for a in batch.annotations] == [
        "POLYGON ((0 0, 0 1, 1 1, 1 0, 0 0))",
        "LINESTRING (0 0, 1 1)",
    ]
    assert [(p.name, p.lon, p.lat) for p in batch.places] == [("Unnamed point 3", 0.0, 0.0)]
    assert len(batch.repaired) == 3  # each named, and each naming counted


@pytest.mark.parametrize(
    ("name", "kind", "start"),
    [
        ("curve.gpkg", "line", "LINESTRING (-123.12356779947976 49.01476383135495"),
        ("curvepolygon.gpkg", "polygon", "POLYGON ((-128.96802194067385 51.4143492970437"),
        ("line_zm.gpkg", "line", "LINESTRING (-123.21079845830354 48.98614986424009"),
    ],
)
def test_qgis_curves_and_zm_lines_in_a_layer_without_columns_come_in(name, kind, start):
    batch = gpkg.read(DATA / "pyogrio" / name)
    (drawing,) = batch.annotations
    assert drawing.kind == kind and drawing.geometry.startswith(start)
    assert drawing.label == "Unnamed line 1" if kind == "line" else "Unnamed area 1"


def test_a_geopackage_with_null_values_keeps_every_column_typed():
    places = gpkg.read(DATA / "pyogrio" / "test_gpkg_nulls.gpkg").places
    assert [(p.lon, p.lat) for p in places] == [(0, 0), (1, 1), (2, 2), (4, 4)]
    first, *_, nulls = places
    assert first.attributes["col_int64"] == 1 and first.attributes["col_float64"] == 1.5
    assert nulls.attributes == {"col_bool": None, "col_float32": None, "col_float64": None}
