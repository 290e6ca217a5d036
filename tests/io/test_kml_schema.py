"""What we write opens cleanly: our KML is valid against the OGC KML 2.2 schema.

The schema is OGC's published ogckml22.xsd, as pykml ships it with local copies
of the Atom and xAL schemas it imports (no network while validating).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from sitrep_desktop.domain import Annotation, Event, Place
from sitrep_desktop.io import kml
from sitrep_desktop.io.records import RecordBatch
from sitrep_desktop.io.safe_xml import descendants, local_name, parse_xml
from sitrep_desktop.services.exchange import gather

etree = pytest.importorskip("lxml.etree")


def kml_schema():
    spec = importlib.util.find_spec("pykml")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("pykml (which ships OGC's ogckml22.xsd) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "schemas"
    return etree.XMLSchema(etree.parse(str(folder / "ogckml22.xsd")))


def test_the_demo_exported_as_kml_is_valid_against_the_ogc_kml_2_2_schema(
    tmp_path, demo_memory_store
):
    store = demo_memory_store
    path = tmp_path / "demo.kml"
    kml.write(gather(store), path)
    schema = kml_schema()
    document = etree.parse(str(path))
    valid = schema.validate(document)
    assert valid, "\n".join(str(e) for e in list(schema.error_log)[:10])


def test_time_comes_before_the_geometry_and_every_icon_style_has_an_icon(tmp_path):
    batch = RecordBatch()
    batch.add(Event(at="2024-12-05T10:00Z", title="Strike", geometry="POINT (36.7 34.7)"))
    batch.add(
        Annotation(
            geometry="POLYGON ((36 34, 37 34, 37 35, 36 34))",
            valid_from="2024-12-01",
            valid_to="2024-12-08",
        )
    )
    path = tmp_path / "t.kml"
    kml.write(batch, path)
    root = parse_xml(path.read_bytes(), str(path))
    for mark in descendants(root, "Placemark"):
        order = [local_name(e) for e in mark]
        time = next(i for i, n in enumerate(order) if n in ("TimeStamp", "TimeSpan"))
        shape = next(i for i, n in enumerate(order) if n in ("Point", "Polygon"))
        assert time < shape
    styles = descendants(root, "IconStyle")
    assert styles and all(descendants(s, "Icon") for s in styles)
    assert kml_schema().validate(etree.parse(str(path)))


def test_text_xml_cannot_hold_is_dropped_and_the_summary_says_so(tmp_path):
    batch = RecordBatch()
    batch.add(Place(name="Homs\x00 \x07city\ufffe", lat=34.7, lon=36.7, notes="a\x1bb"))
    path = tmp_path / "bad.kml"
    notes = kml.write(batch, path)
    assert notes and "dropped 7 character(s)" in notes[0]  # in <name> and in its Data
    places = kml.read(path).places
    assert [p.name for p in places] == ["Homs city"] and places[0].notes == "ab"


def test_attributes_show_by_name_in_google_earth_and_read_back_typed(tmp_path):
    place = Place(name="Homs", lat=34.7, lon=36.7, attributes={"pop": 775404, "kind": "city"})
    batch = RecordBatch()
    batch.add(place)
    path = tmp_path / "a.kml"
    kml.write(batch, path)
    root = parse_xml(path.read_bytes(), str(path))
    data = {d.get("name"): d for d in descendants(root, "Data")}
    assert "pop" in data and data["kind"].find("{*}value").text == "town"  # ours, not theirs
    assert kml.read(path).places == [place]
    assert kml_schema().validate(etree.parse(str(path)))
