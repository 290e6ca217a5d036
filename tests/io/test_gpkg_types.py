"""The GeoPackage export has typed columns: GDAL (and so QGIS) filters, sorts and styles by them."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from pyogrio import raw

from sitrep_desktop.domain import Annotation, Event, Place
from sitrep_desktop.io import gpkg
from sitrep_desktop.io.records import RecordBatch, record_fields, text_fields
from sitrep_desktop.services.exchange import gather
from sitrep_desktop.store import Store

# The GeoPackage spec's DATETIME: YYYY-MM-DDTHH:MM[:SS.SSS]Z.
SPEC_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$")


@pytest.fixture()
def demo_gpkg(tmp_path: Path, demo_memory_store: Store) -> Path:
    path = tmp_path / "demo.gpkg"
    gpkg.write(gather(demo_memory_store), path)
    return path


def field_types(path: Path, layer: str) -> dict[str, str]:
    info = pyogrio.read_info(path, layer=layer)
    return dict(zip(info["fields"], info["ogr_types"], strict=True))


def column(path: Path, layer: str, name: str, **options) -> list:
    meta, _, _, fields = raw.read(path, layer=layer, read_geometry=False, **options)
    return list(fields[list(meta["fields"]).index(name)])


def test_gdal_sees_numbers_times_and_dates(demo_gpkg: Path) -> None:
    places = field_types(demo_gpkg, "places")
    assert places["population"] in ("OFTInteger", "OFTInteger64")
    assert places["lat"] == places["lon"] == "OFTReal"
    assert places["name"] == places["alt_names"] == "OFTString"
    events = field_types(demo_gpkg, "events")
    assert (events["at"], events["at_utc"], events["at_date"]) == (
        "OFTString",
        "OFTDateTime",
        "OFTDate",
    )
    assert events["confidence_rank"] in ("OFTInteger", "OFTInteger64")
    control = field_types(demo_gpkg, "control_changes")
    assert (control["at_utc"], control["at_date"]) == ("OFTDateTime", "OFTDate")
    annotations = field_types(demo_gpkg, "annotations")
    assert annotations["valid_from_utc"] == annotations["valid_to_utc"] == "OFTDateTime"
    assert annotations["valid_from_date"] == annotations["valid_to_date"] == "OFTDate"
    assert set(field_types(demo_gpkg, "factions").values()) == {"OFTString"}


def test_the_columns_are_declared_with_geopackage_types(demo_gpkg: Path) -> None:
    with sqlite3.connect(demo_gpkg) as db:
        declared = {row[1]: row[2] for row in db.execute("PRAGMA table_info(events)")}
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert declared["at"] == "TEXT"
    assert declared["at_utc"] == "DATETIME"
    assert declared["at_date"] == "DATE"
    assert declared["confidence_rank"] == "INTEGER"


def test_cities_over_100000_are_found_by_a_gdal_filter(demo_gpkg: Path) -> None:
    names = column(demo_gpkg, "places", "name", where="population > 100000")
    assert sorted(names) == ["Aleppo", "Damascus", "Hama", "Homs", "Latakia", "Tartus"]
    unknown = column(demo_gpkg, "places", "name", where="population IS NULL")
    assert sorted(unknown) == ["Dar al-Kabira", "Hmeimim air base", "Tartus naval base"]


def test_places_sort_by_population_not_by_its_digits(demo_gpkg: Path) -> None:
    sql = "SELECT name FROM places WHERE population IS NOT NULL ORDER BY population DESC"
    _, _, _, fields = raw.read(demo_gpkg, sql=sql, read_geometry=False)
    # As text, "460602" would sort above "2098210".
    assert list(fields[0][:3]) == ["Aleppo", "Damascus", "Homs"]


def test_events_from_6_december_on_are_found_by_their_utc_time(demo_gpkg: Path) -> None:
    # GeoPackage 1.3 writes DATETIME with milliseconds, as its spec shows them.
    titles = column(demo_gpkg, "events", "title", where="at_utc >= '2024-12-06T00:00:00.000Z'")
    assert len(titles) == 6  # as `sitrep export --since 2024-12-06` counts them
    assert len(column(demo_gpkg, "events", "title", where="at_date < '2024-12-06'")) == 4


def test_high_confidence_changes_are_rank_3(demo_gpkg: Path) -> None:
    confidence = column(demo_gpkg, "control_changes", "confidence", where="confidence_rank = 3")
    assert confidence and set(confidence) == {"high"}
    ranks = column(demo_gpkg, "control_changes", "confidence_rank", where="confidence = 'low'")
    assert ranks == [1]


def test_a_time_with_an_offset_is_utc_in_the_datetime_column(tmp_path: Path) -> None:
    hama = Place(name="Hama", lat=35.13179, lon=36.75783)
    timed = Event(at="2024-12-05T01:30:00.250+03:00", title="Night assault", place_id=hama.id)
    dated = Event(at="2024-12-05", title="Hama falls", place_id=hama.id)
    batch = RecordBatch()
    for record in (hama, timed, dated):
        batch.add(record)
    path = tmp_path / "times.gpkg"
    gpkg.write(batch, path)

    assert column(path, "events", "at") == [timed.at.text, "2024-12-05"]
    utc = column(path, "events", "at_utc")
    assert utc == [np.datetime64("2024-12-04T22:30:00.250"), np.datetime64("2024-12-05T00:00")]
    # A date alone has a DATE; a time has none (its day depends on the offset).
    days = column(path, "events", "at_date", datetime_as_string=True)
    assert days == [None, "2024-12-05"]
    with sqlite3.connect(path) as db:
        stored = [row[0] for row in db.execute("SELECT at_utc FROM events")]
    assert stored == ["2024-12-04T22:30:00.250Z", "2024-12-05T00:00:00.000Z"]
    assert all(SPEC_DATETIME.match(text) for text in stored)

    back = {e.title: e for e in gpkg.read(path).events}
    assert back["Night assault"].at == timed.at  # offset and fraction as written
    assert back["Hama falls"].at.date_only


def test_open_ended_drawings_leave_their_times_null(tmp_path: Path) -> None:
    front = Annotation(geometry="LINESTRING (36 35, 37 35)", label="front", valid_from="2024-12-05")
    batch = RecordBatch()
    batch.add(front)
    path = tmp_path / "front.gpkg"
    gpkg.write(batch, path)
    assert column(path, "annotations", "valid_from_date", datetime_as_string=True) == ["2024-12-05"]
    assert column(path, "annotations", "valid_to", where="valid_to_utc IS NULL") == [None]
    assert gpkg.read(path).annotations == [front]


def test_an_empty_export_still_has_typed_layers(tmp_path: Path) -> None:
    path = tmp_path / "empty.gpkg"
    gpkg.write(RecordBatch(), path)
    assert field_types(path, "places")["population"] in ("OFTInteger", "OFTInteger64")
    assert field_types(path, "events")["at_utc"] == "OFTDateTime"
    assert sum(gpkg.read(path).counts().values()) == 0


def test_an_all_text_geopackage_of_earlier_versions_still_imports(
    tmp_path: Path, demo_memory_store
) -> None:
    store = demo_memory_store
    batch = gather(store)
    path = tmp_path / "old.gpkg"
    for layer, records in (("places", batch.places), ("events", batch.events)):
        names = list(record_fields(records[0]))
        columns = [np.array([text_fields(r)[n] for r in records], dtype=object) for n in names]
        geometry = np.array([None] * len(records), dtype=object)
        raw.write(
            path,
            geometry,
            columns,
            names,
            layer=layer,
            driver="GPKG",
            crs="EPSG:4326",
            geometry_type="Unknown",
            append=path.exists(),
        )
    back = gpkg.read(path)
    assert back.places == batch.places
    assert back.events == batch.events


def test_the_geopackage_is_version_1_3_which_gdal_3_6_reads_without_a_warning(
    demo_gpkg: Path,
) -> None:
    with sqlite3.connect(demo_gpkg) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10300


def test_imported_attributes_are_columns_of_their_own_for_qgis(tmp_path: Path) -> None:
    homs = Place(name="Homs", lat=34.7, lon=36.7, attributes={"pop": 775404, "ISO": "SY"})
    aleppo = Place(name="Aleppo", lat=36.2, lon=37.1, attributes={"pop": 2098210, "area": 190.5})
    batch = RecordBatch()
    batch.add(homs)
    batch.add(aleppo)
    path = tmp_path / "attributes.gpkg"
    gpkg.write(batch, path)
    assert column(path, "places", "pop") == [775404, 2098210]
    assert column(path, "places", "ISO") == ["SY", None]
    area = column(path, "places", "area")
    assert np.isnan(area[0]) and area[1] == 190.5
    assert [p.attributes for p in gpkg.read(path).places] == [homs.attributes, aleppo.attributes]
