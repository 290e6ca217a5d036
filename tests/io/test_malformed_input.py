"""Malformed input of each format: a clear ImportFileError naming where and which field."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep_desktop.io import acled, cot, csv, geojson, gpkg, kml, pipeline
from sitrep_desktop.io.records import ImportFileError
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import StoreLookup, insert_records
from sitrep_desktop.store.content_hash import content_hash

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&lol3;</name></Placemark></kml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE event [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<event version="2.0" uid="x" type="a-f-G" time="2024-12-06T00:00:00Z">
<point lat="1" lon="2"/><detail><remarks>&secret;</remarks></detail></event>"""


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (kml.parse, BILLION_LAUGHS),
        (cot.parse, EXTERNAL_ENTITY),
        (kml.parse, EXTERNAL_ENTITY),
        (cot.parse, BILLION_LAUGHS),
    ],
)
def test_entity_tricks_are_refused(parse, data: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileError, match="unsafe XML"):
        parse(data, "evil.xml")


@pytest.mark.parametrize(
    ("parse", "data", "where", "field"),
    [
        (
            geojson.parse,
            b'{"type": "FeatureCollection", "features": [',
            "line 1, column 44",
            "json",
        ),
        (
            geojson.parse,
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
            b'"geometry": null, "properties": {"record": "place", "id": '
            b'"6f1b7a52-3c7e-4f0e-9a57-0d5c9f1e2b10", "name": "Hama", "lat": 95, '
            b'"lon": 36}}]}',
            "feature 1",
            "lat",
        ),
        (geojson.parse, b'{"type": "Topology"}', "document", "type"),
        (
            kml.parse,
            b"<kml><Placemark><Point><coordinates>36.7,north</coordinates></Point>"
            b"</Placemark></kml>",
            "placemark 1",
            "coordinates",
        ),
        (kml.parse, b"<kml><Placemark>", "line 1, column 17", "xml"),
        (csv.parse, b"at,title\n2024-13-45,Bad date\n", "line 2", "at"),
        (csv.parse, b"when,title\n2024-12-06,No time column\n", "line 1", "at"),
        (csv.parse, b"at,title,geometry\n2024-12-06,Bad shape,POINT (1)\n", "line 2", "geometry"),
        (
            acled.parse,
            b"event_date,event_type\n2024-12-06,Battles\n",
            "line 1",
            "actor1",
        ),  # older exports have no sub_event_type
        (
            cot.parse,
            b'<event uid="a" time="2024-12-06T00:00:00Z"><point lat="x" lon="1"/></event>',
            "event 1",
            "lat",
        ),
        (cot.parse, b"<html/>", "document", "event"),
    ],
)
def test_bad_input_names_where_and_which_field(
    parse,
    data: bytes,
    where: str,  # type: ignore[no-untyped-def]
    field: str,
) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse(data, "input")
    problem = caught.value.problems[0]
    assert (problem.where, problem.field) == (where, field)
    assert str(caught.value).startswith(f"input: {where}, field {field!r}")


def test_every_problem_is_reported_not_only_the_first() -> None:
    data = b"at,title\nnot-a-time,One\n2024-12-06,\n2024-12-06,Fine\n"
    with pytest.raises(ImportFileError) as caught:
        csv.parse(data, "log.csv")
    assert [(p.where, p.field) for p in caught.value.problems] == [
        ("line 2", "at"),
        ("line 3", "title"),
    ]
    assert "and 1 more problem" in str(caught.value)


def test_a_file_that_is_not_a_geopackage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.gpkg"
    path.write_bytes(b"this is not sqlite")
    with pytest.raises(ImportFileError, match="not a readable GeoPackage"):
        gpkg.read(path)


def test_a_broken_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ImportFileError, match="not a readable data package"):
        cot.read_datapackage(path)
    kmz = tmp_path / "doc.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("readme.txt", "no kml here")
    with pytest.raises(ImportFileError, match="no KML"):
        kml.read(kmz)


TEXT_PARSERS = [geojson.parse, kml.parse, csv.parse, acled.parse, cot.parse]
FILE_FORMATS = [
    ("gpkg", ".gpkg"),
    ("datapackage", ".zip"),
    ("kml", ".kmz"),
    ("geojson", ".json"),
    ("acled", ".csv"),
    ("csv", ".csv"),
    ("cot", ".cot"),
    ("kml", ".kml"),
]


@pytest.mark.parametrize("parse", TEXT_PARSERS)
# The profile's count (tests/conftest.py) scaled: 150 and 40 examples in CI.
@settings(max_examples=settings.default.max_examples * 3 // 2, deadline=None)
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_random_input_never_crashes_a_reader(parse, data: bytes) -> None:  # type: ignore[no-untyped-def]
    try:
        parse(data, "random")
    except ImportFileError:
        pass


@pytest.mark.parametrize(("fmt", "suffix"), FILE_FORMATS)
@settings(
    max_examples=settings.default.max_examples * 2 // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.binary(max_size=300))
def test_random_files_never_crash_an_import_nor_write(fmt: str, suffix: str, data: bytes) -> None:
    store = Store.memory()
    store.categories.ensure_defaults()
    before = content_hash(store)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        path.write_bytes(data)
        try:
            batch = pipeline.read_file(path, fmt)
            plan = pipeline.plan_import(batch, StoreLookup(store), str(path))
        except ImportFileError:
            assert content_hash(store) == before
            return
    insert_records(store, plan.new.lists(), categories=plan.categories)
