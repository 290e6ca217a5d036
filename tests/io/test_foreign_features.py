"""Features of other programs' files: every geometry kind, Z and M, attributes,
names found in any case, unnamed and invalid features taken with a repair."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio import raw

from sitrep_desktop.domain import Annotation
from sitrep_desktop.io import geojson, gpkg, pipeline
from sitrep_desktop.services.exchange import gather, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import StoreLookup, insert_records


def feature(geometry, **properties):  # type: ignore[no-untyped-def]
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def write_geojson(path: Path, *features) -> Path:  # type: ignore[no-untyped-def]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def test_multi_and_collection_geometries_come_in(tmp_path):
    batch = geojson.read(
        write_geojson(
            tmp_path / "multi.geojson",
            feature({"type": "MultiPoint", "coordinates": [[36.7, 34.7], [36.8, 35.1]]}, name="A"),
            feature(
                {
                    "type": "GeometryCollection",
                    "geometries": [
                        {"type": "LineString", "coordinates": [[36, 34], [37, 35]]},
                        {"type": "LineString", "coordinates": [[36, 35], [37, 34]]},
                    ],
                },
                name="Crossing roads",
            ),
        )
    )
    points, roads = batch.annotations
    assert points.kind == "point" and points.geometry.startswith("MULTIPOINT")
    assert roads.kind == "line" and roads.geometry.startswith("MULTILINESTRING")
    assert batch.repaired == []


def test_z_and_m_leave_the_geometry_and_stay_as_attributes(tmp_path):
    batch = geojson.read(
        write_geojson(
            tmp_path / "z.geojson",
            feature({"type": "Point", "coordinates": [36.72, 34.73, 501.5]}, NAME="Homs"),
        )
    )
    (homs,) = batch.places
    assert (homs.name, homs.lon, homs.lat) == ("Homs", 36.72, 34.73)
    assert homs.attributes == {"z": 501.5}


def test_names_and_times_are_found_in_any_case_and_the_rest_kept(tmp_path):
    batch = geojson.read(
        write_geojson(
            tmp_path / "case.geojson",
            feature(
                {"type": "Point", "coordinates": [36.7, 34.7]},
                Title="Shelling near Homs",
                DATE="2024-12-05",
                Description="Reported by locals.",
                casualties=3,
                source_url="http://example.org/1",
            ),
        )
    )
    (event,) = batch.events
    assert (event.title, event.at.text) == ("Shelling near Homs", "2024-12-05")
    assert event.description == "Reported by locals."
    assert event.attributes == {"casualties": 3, "source_url": "http://example.org/1"}


def test_an_unnamed_point_is_named_and_a_bowtie_area_made_valid_each_said(tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[36, 34], [37, 35], [37, 34], [36, 35], [36, 34]]],
    }
    batch = geojson.read(
        write_geojson(
            tmp_path / "odd.geojson",
            feature({"type": "Point", "coordinates": [36.7, 34.7]}),
            feature({"type": "Point", "coordinates": [36.8, 34.8]}, fid=17),
            feature(bowtie, name="Bowtie"),
        )
    )
    assert [p.name for p in batch.places] == ["Unnamed point 1", "Unnamed point 17"]
    (area,) = batch.annotations
    assert area.geometry.startswith("MULTIPOLYGON") and shapely.from_wkt(area.geometry).is_valid
    assert sorted((p.where, p.field, p.reason) for p in batch.repaired) == [
        ("feature 1", "name", "no name: named 'Unnamed point 1'"),
        ("feature 2", "name", "no name: named 'Unnamed point 17'"),
        ("feature 3", "geometry", "invalid area (Self-intersection) made valid"),
    ]


def test_our_geojson_writes_exterior_rings_counter_clockwise_and_holes_clockwise(tmp_path):
    clockwise = (
        "POLYGON ((36 34, 36 35, 37 35, 37 34, 36 34), "
        "(36.2 34.2, 36.8 34.2, 36.8 34.8, 36.2 34.2))"
    )
    store = Store.memory()

    store.annotations.add(Annotation(kind="polygon", geometry=clockwise))
    path = write_export(gather(store), tmp_path / "out.geojson", "geojson").path
    (ring, hole) = json.loads(path.read_text())["features"][0]["geometry"]["coordinates"]
    assert shapely.LinearRing(ring).is_ccw and not shapely.LinearRing(hole).is_ccw


def test_a_geopackage_in_british_national_grid_is_reprojected(tmp_path):
    path = tmp_path / "osgb.gpkg"
    # Two points in EPSG:27700 (metres): Trafalgar Square and Edinburgh Castle.
    points = [shapely.Point(530034, 180381), shapely.Point(325163, 673477)]
    raw.write(
        path,
        np.array([shapely.to_wkb(p) for p in points], dtype=object),
        [np.array(["Trafalgar Square", "Edinburgh Castle"], dtype=object)],
        ["Name"],
        layer="sites",
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:27700",
    )
    assert "27700" in pyogrio.read_info(path)["crs"]
    trafalgar, edinburgh = gpkg.read(path).places
    assert trafalgar.name == "Trafalgar Square"
    assert abs(trafalgar.lat - 51.508) < 0.001 and abs(trafalgar.lon - -0.128) < 0.001
    assert abs(edinburgh.lat - 55.949) < 0.002 and abs(edinburgh.lon - -3.2) < 0.005


def test_attributes_go_out_and_come_back_in_every_full_format(tmp_path):
    source = write_geojson(
        tmp_path / "theirs.geojson",
        feature({"type": "Point", "coordinates": [36.72, 34.73]}, name="Homs", pop=775404),
        feature(
            {"type": "LineString", "coordinates": [[36, 34], [37, 35]]},
            name="M5",
            lanes=4,
            surface="asphalt",
        ),
    )
    store = Store.memory()
    plan = pipeline.plan_import(pipeline.read_file(source), StoreLookup(store), str(source))
    insert_records(store, plan.new.lists(), categories=plan.categories)
    assert store.places.all()[0].attributes == {"pop": 775404}
    for fmt in ("geojson", "kml", "gpkg"):
        path = write_export(gather(store), tmp_path / f"ours.{fmt}", fmt).path
        fresh = Store.memory()
        again = pipeline.plan_import(pipeline.read_file(path), StoreLookup(fresh), str(path))
        insert_records(fresh, again.new.lists(), categories=again.categories)
        assert fresh.places.all() == store.places.all(), fmt
        assert fresh.annotations.all()[0].attributes == {"lanes": 4, "surface": "asphalt"}, fmt


def test_our_geojson_puts_attributes_where_qgis_shows_them(tmp_path):
    from sitrep_desktop.domain import Place

    store = Store.memory()
    store.places.add(Place(name="Homs", lat=34.7, lon=36.7, attributes={"pop": 1, "name": "x"}))
    path = write_export(gather(store), tmp_path / "out.geojson", "geojson").path
    properties = json.loads(path.read_text())["features"][0]["properties"]
    assert properties["pop"] == 1 and properties["name"] == "Homs"  # ours stays ours
    assert geojson.read(path).places == store.places.all()
