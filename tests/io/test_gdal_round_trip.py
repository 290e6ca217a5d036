"""Files we write, re-saved by GDAL (as QGIS or ogr2ogr would), come back in whole.

GDAL moves things about when it re-saves: a KML's ExtendedData becomes
SchemaData, a placemark's name and description leave the data for their own
elements, a GeoJSON feature's `id` property becomes the feature id. Needs
`ogr2ogr` (Debian's gdal-bin); skipped with the reason when it is missing,
except in CI (CI=true), where a missing ogr2ogr is a failure.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sitrep_desktop.io import pipeline
from sitrep_desktop.services.exchange import gather, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import StoreLookup, insert_records

OGR2OGR = shutil.which("ogr2ogr")
if OGR2OGR is None and os.environ.get("CI") != "true":
    pytest.skip(
        "ogr2ogr is not installed (Debian: apt-get install gdal-bin)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def demo(shared_demo_store: Store) -> Store:
    return shared_demo_store


def resaved(demo: Store, folder: Path, fmt: str, driver: str) -> tuple[Path, str]:
    ours = write_export(gather(demo), folder / f"ours.{fmt}", fmt).path
    theirs = folder / f"gdal-{driver}.{fmt}"
    done = subprocess.run(
        [OGR2OGR or "ogr2ogr", "-f", driver, str(theirs), str(ours)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return theirs, done.stderr


@pytest.mark.parametrize(
    ("fmt", "driver"),
    [("kml", "KML"), ("kml", "LIBKML"), ("geojson", "GeoJSON"), ("gpkg", "GPKG")],
)
def test_a_file_resaved_by_gdal_gives_back_every_record(demo, tmp_path, fmt, driver):
    path, _ = resaved(demo, tmp_path, fmt, driver)
    fresh = Store.memory()
    plan = pipeline.plan_import(pipeline.read_file(path), StoreLookup(fresh), str(path))
    insert_records(fresh, plan.new.lists(), categories=plan.categories)
    for kind in ("factions", "places", "control", "events", "annotations"):
        back, original = getattr(fresh, kind).all(), getattr(demo, kind).all()
        if driver == "GeoJSON":
            # GDAL takes our audit stamps for DateTime fields and keeps them to
            # the millisecond, rounding through a float: a stamp may move by 1 ms.
            back = [within_a_millisecond(b, o) for b, o in zip(back, original, strict=True)]
        assert back == original


def within_a_millisecond(back, original):  # type: ignore[no-untyped-def]
    """`back` with the audit stamps of `original`, once each is shown within 1 ms of it."""
    for field in ("created", "updated"):
        moved = abs(stamp(getattr(back, field)) - stamp(getattr(original, field)))
        assert moved <= timedelta(milliseconds=1), (back.id, field, moved)
    return dataclasses.replace(back, created=original.created, updated=original.updated)


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_gdal_reads_our_geopackage_without_a_warning(demo, tmp_path):
    ours = write_export(gather(demo), tmp_path / "ours.gpkg", "gpkg").path
    done = subprocess.run(
        [str(Path(OGR2OGR or "ogr2ogr").with_name("ogrinfo")), "-ro", "-so", "-al", str(ours)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "Warning" not in done.stderr + done.stdout, done.stderr


@pytest.mark.parametrize(
    ("fmt", "driver"), [("kml", "LIBKML"), ("geojson", "GeoJSON"), ("gpkg", "GPKG")]
)
def test_attributes_survive_a_resave_by_gdal(tmp_path, fmt, driver):
    from sitrep_desktop.domain import Event, Place

    store = Store.memory()
    store.categories.ensure(["other"])
    store.places.add(Place(name="Homs", lat=34.7, lon=36.7, attributes={"pop": 775404}))
    store.events.add(
        Event(at="2016-12-12", title="Strike", attributes={"date_precision": "week", "n": 4})
    )
    path, _ = resaved(store, tmp_path, fmt, driver)
    batch = pipeline.read_file(path)
    assert [p.attributes for p in batch.places] == [{"pop": 775404}]
    assert [e.attributes for e in batch.events] == [{"date_precision": "week", "n": 4}]
