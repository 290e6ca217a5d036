"""Every format round-trips: export the demo, import into a fresh store, same records."""

from __future__ import annotations

from pathlib import Path

import pyogrio
import pytest
from pyogrio import raw

from sitrep_desktop.io.safe_xml import descendants, parse_xml
from sitrep_desktop.services.exchange import gather, import_file, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash

EXTENSIONS = {
    "geojson": "geojson",
    "kml": "kml",
    "csv": "csv",
    "gpkg": "gpkg",
    "cot": "cot",
    "datapackage": "zip",
}


@pytest.fixture()
def demo(demo_memory_store: Store) -> Store:
    return demo_memory_store


def export(store: Store, tmp_path: Path, fmt: str, **window: str) -> Path:
    path = tmp_path / f"out.{EXTENSIONS[fmt]}"
    # A .cot of several records comes out as a data package (.zip).
    return write_export(gather(store, **window), path, fmt, at=window.get("at")).path


def import_into(store: Store, path: Path) -> dict[str, int]:
    return import_file(store, path).plan.new.counts()


@pytest.mark.parametrize("fmt", ["geojson", "kml", "gpkg"])
def test_full_formats_give_back_every_record(demo: Store, tmp_path: Path, fmt: str) -> None:
    fresh = Store.memory()
    import_into(fresh, export(demo, tmp_path, fmt))
    assert fresh.factions.all() == demo.factions.all()
    assert fresh.places.all() == demo.places.all()
    assert fresh.control.all() == demo.control.all()
    assert fresh.events.all() == demo.events.all()
    assert fresh.annotations.all() == demo.annotations.all()
    assert content_hash(fresh) == content_hash(demo)


@pytest.mark.parametrize("fmt", ["csv", "cot", "datapackage"])
def test_event_formats_give_back_every_event(demo: Store, tmp_path: Path, fmt: str) -> None:
    fresh = Store.memory()
    import_into(fresh, export(demo, tmp_path, fmt))
    assert fresh.events.all() == demo.events.all()
    if fmt != "csv":  # CSV carries only the places events happen at
        assert fresh.places.all() == demo.places.all()
        assert fresh.annotations.all() == demo.annotations.all()
    names = {p.name for p in fresh.places.all()}
    assert {"Hama", "Homs", "Talbiseh"} <= names


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_importing_the_same_file_twice_adds_nothing(demo: Store, tmp_path: Path, fmt: str) -> None:
    path = export(demo, tmp_path, fmt)
    fresh = Store.memory()
    import_into(fresh, path)
    before = content_hash(fresh)
    assert sum(import_into(fresh, path).values()) == 0
    assert content_hash(fresh) == before


def test_exporting_into_its_own_database_adds_nothing(demo: Store, tmp_path: Path) -> None:
    before = content_hash(demo)
    assert sum(import_into(demo, export(demo, tmp_path, "geojson")).values()) == 0
    assert content_hash(demo) == before


def test_geopackage_opens_in_gdal_with_one_layer_per_record_type(
    demo: Store, tmp_path: Path
) -> None:
    path = export(demo, tmp_path, "gpkg")
    layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    assert {"places", "events", "control_changes", "annotations", "factions"} <= layers
    info = pyogrio.read_info(path, layer="places")
    assert info["features"] == 11
    assert "4326" in info["crs"]
    meta, _, geometry, fields = raw.read(path, layer="events")
    assert len(geometry) == 10 and all(g is not None for g in geometry)
    assert "title" in list(meta["fields"])


def test_geojson_opens_in_gdal(demo: Store, tmp_path: Path) -> None:
    path = export(demo, tmp_path, "geojson")
    meta, _, geometry, fields = raw.read(path)
    titles = fields[list(meta["fields"]).index("record")]
    assert sorted(set(titles)) == ["annotation", "control_change", "event", "faction", "place"]
    assert len(geometry) == 3 + 11 + 16 + 10 + 2


def test_kml_is_kml_2_2_with_timespans_that_replay_control(demo: Store, tmp_path: Path) -> None:
    path = export(demo, tmp_path, "kml")
    root = parse_xml(path.read_bytes(), str(path))
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    marks = descendants(root, "Placemark")
    assert len(marks) == 3 + 11 + 16 + 10 + 2
    ns = "{http://www.opengis.net/kml/2.2}"
    spans = {}
    for mark in marks:
        span = mark.find(f"{ns}TimeSpan")
        name = mark.findtext(f"{ns}name")
        if span is not None and name.startswith("Hama from"):
            spans[span.findtext(f"{ns}begin")] = span.findtext(f"{ns}end")
    # Government from 26 November until HTS takes Hama on 5 December, which still holds.
    assert spans == {"2024-11-26": "2024-12-05", "2024-12-05": None}
    stamps = [m.find(f"{ns}TimeStamp") for m in marks]
    assert sum(s is not None for s in stamps) == 10


def test_kml_colours_places_by_who_holds_them_at_the_time(demo: Store, tmp_path: Path) -> None:
    ns = "{http://www.opengis.net/kml/2.2}"
    gov = "#faction-" + demo.factions.by_name("GOV").id
    hts = "#faction-" + demo.factions.by_name("HTS").id
    for at, expected in (("2024-12-01", gov), ("2024-12-06", hts)):
        path = export(demo, tmp_path, "kml", at=at)
        root = parse_xml(path.read_bytes(), str(path))
        hama = next(m for m in descendants(root, "Placemark") if m.findtext(f"{ns}name") == "Hama")
        assert hama.findtext(f"{ns}styleUrl") == expected


def test_export_at_a_time_leaves_out_what_came_later(demo: Store) -> None:
    batch = gather(demo, at="2024-11-30")
    assert all(e.at.key <= "2024-11-30~" for e in batch.events)
    assert len(batch.events) == 2
    assert len(gather(demo, since="2024-12-06").events) == 6


def test_datapackage_has_a_tak_manifest(demo: Store, tmp_path: Path) -> None:
    import zipfile

    path = export(demo, tmp_path, "datapackage")
    with zipfile.ZipFile(path) as archive:
        manifest = parse_xml(archive.read("MANIFEST/manifest.xml"), "manifest")
        entries = [c.get("zipEntry") for c in descendants(manifest, "Content")]
        assert len(entries) == 11 + 10 + 2  # places, events, drawings
        assert all(e in archive.namelist() for e in entries)
