"""Readers chosen by content: a zipped Shapefile is not a TAK package, every layer
of another program's GeoPackage comes in (reprojected), GPX and FlatGeobuf too."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio import raw
from pyproj import Transformer

from sitrep_desktop.io import pipeline
from sitrep_desktop.services.exchange import ImportRefused, import_file
from sitrep_desktop.store import Store

# Hama and Homs, and the M5 between them, in lon/lat.
HAMA = (36.75783, 35.13179)
HOMS = (36.72339, 34.72682)
# UTM zone 37N: what a Syrian survey layer in QGIS is often drawn in.
UTM_37N = "EPSG:32637"
TO_UTM = Transformer.from_crs("EPSG:4326", UTM_37N, always_xy=True)


def utm(lon: float, lat: float) -> tuple[float, float]:
    return TO_UTM.transform(lon, lat)


def write_layer(path: Path, layer: str, shapes: list, columns: dict, *, driver: str, crs: str):  # type: ignore[no-untyped-def]
    raw.write(
        path,
        np.array([shapely.to_wkb(s) for s in shapes], dtype=object),
        [np.array(v, dtype=object) for v in columns.values()],
        list(columns),
        layer=layer,
        driver=driver,
        geometry_type=shapes[0].geom_type,
        crs=crs,
        append=path.exists(),
    )


def villages_in_utm(path: Path, driver: str) -> Path:
    points = [shapely.Point(utm(*HAMA)), shapely.Point(utm(*HOMS))]
    write_layer(path, "villages", points, {"NAME": ["Hama", "Homs"]}, driver=driver, crs=UTM_37N)
    return path


def test_a_zipped_shapefile_is_gis_data_not_a_tak_package(tmp_path: Path) -> None:
    shapefile = villages_in_utm(tmp_path / "villages.shp", "ESRI Shapefile")
    archive = tmp_path / "villages.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("villages.*"):
            if part != archive:
                zipped.write(part, f"villages/{part.name}")
    shapefile.unlink()
    assert pipeline.guess_format(archive) == "gis"
    store = Store.memory()
    result = import_file(store, archive)
    assert result.format == "gis" and result.added["place"] == 2
    homs = store.places.by_name("Homs")
    assert (homs.lon, homs.lat) == pytest.approx(HOMS, abs=1e-6)  # reprojected from UTM


def test_a_zip_with_cot_entries_is_still_a_tak_package(tmp_path: Path) -> None:
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "a/a.cot",
            '<event version="2.0" uid="u1" type="a-f-G" time="2024-12-06T10:00:00Z" '
            'start="2024-12-06T10:00:00Z" stale="2024-12-07T10:00:00Z" how="h-g">'
            '<point lat="35.1" lon="36.7" hae="0" ce="9" le="9"/></event>',
        )
    assert pipeline.guess_format(archive) == "datapackage"


@pytest.fixture()
def survey_geopackage(tmp_path: Path) -> Path:
    """Another program's GeoPackage in UTM: villages with an upper-case NAME, and
    roads with no attribute column at all."""
    path = villages_in_utm(tmp_path / "survey.gpkg", "GPKG")
    road = shapely.LineString([utm(*HAMA), utm(36.72, 34.9), utm(*HOMS)])
    raw.write(
        path,
        np.array([shapely.to_wkb(road)], dtype=object),
        [],
        [],
        layer="roads",
        driver="GPKG",
        geometry_type="LineString",
        crs=UTM_37N,
        append=True,
    )
    # QGIS keeps its styles in a table without geometry: not data to import.
    raw.write(
        path,
        None,
        [np.array(["<qgis/>"], dtype=object)],
        ["styleQML"],
        layer="layer_styles",
        driver="GPKG",
        append=True,
    )
    return path


def test_every_layer_of_another_programs_geopackage_is_imported(survey_geopackage) -> None:  # type: ignore[no-untyped-def]
    assert pipeline.guess_format(survey_geopackage) == "gis"
    store = Store.memory()
    result = import_file(store, survey_geopackage)
    assert result.added["place"] == 2 and result.added["annotation"] == 1
    assert sorted(p.name for p in store.places.all()) == ["Hama", "Homs"]
    [road] = store.annotations.all()
    start = shapely.from_wkt(road.geometry).coords[0]
    assert start == pytest.approx(HAMA, abs=1e-6)


def test_one_chosen_layer_of_a_geopackage(survey_geopackage) -> None:  # type: ignore[no-untyped-def]
    store = Store.memory()
    result = import_file(store, survey_geopackage, layer="roads")
    assert result.added["annotation"] == 1 and result.added["place"] == 0


def test_a_flatgeobuf_imports_as_data(tmp_path: Path) -> None:
    path = villages_in_utm(tmp_path / "villages.fgb", "FlatGeobuf")
    store = Store.memory()
    assert import_file(store, path).added["place"] == 2
    hama = store.places.by_name("Hama")
    assert (hama.lon, hama.lat) == pytest.approx(HAMA, abs=1e-6)


GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="35.13179" lon="36.75783"><name>Hama bridge</name></wpt>
  <wpt lat="34.72682" lon="36.72339"><name>Homs gate</name></wpt>
  <trk><name>Patrol on the M5</name><trkseg>
    <trkpt lat="35.13" lon="36.75"><time>2024-12-06T08:00:00Z</time></trkpt>
    <trkpt lat="34.95" lon="36.73"><time>2024-12-06T09:00:00Z</time></trkpt>
    <trkpt lat="34.73" lon="36.72"><time>2024-12-06T10:00:00Z</time></trkpt>
  </trkseg></trk>
</gpx>
"""


def test_gpx_waypoints_become_places_and_tracks_drawings(tmp_path: Path) -> None:
    path = tmp_path / "patrol.gpx"
    path.write_text(GPX, encoding="utf-8")
    store = Store.memory()
    result = import_file(store, path)
    assert sorted(p.name for p in store.places.all()) == ["Hama bridge", "Homs gate"]
    [track] = store.annotations.all()
    assert track.label == "Patrol on the M5"
    assert len(shapely.get_coordinates(shapely.from_wkt(track.geometry))) == 3
    # The track's vertices are not imported a second time as points.
    assert result.added["place"] == 2 and result.added["event"] == 0


GDAL_GPX = Path(__file__).parents[1] / "data" / "third_party" / "gdal" / "test.gpx"


def test_gdals_own_gpx_sample_imports_with_its_empty_tracks_listed() -> None:
    """GDAL's test.gpx: two waypoints (one with a time, one without a name), a
    route, a two-segment track, and an empty route and two empty tracks."""
    store = Store.memory()
    with pytest.raises(ImportRefused) as caught:
        import_file(store, GDAL_GPX)
    skipped = [(p.where, p.feature) for p in caught.value.result.plan.skipped]
    assert skipped == [
        ("layer 'routes' feature 2", '"empty route"'),
        ("layer 'tracks' feature 2", '"empty track"'),
        ("layer 'tracks' feature 3", '"empty track 2"'),
    ]
    result = import_file(store, GDAL_GPX, skip_bad=True)
    assert result.added["event"] == 1 and result.added["place"] == 1
    [event] = store.events.all()
    assert (event.title, event.at.text) == ("waypoint name", "2007-11-25T17:58:00+01:00")
    [place] = store.places.all()
    assert (place.name, place.lon, place.lat) == ("Unnamed point 2", 4.0, 3.0)
    drawings = {a.label: a for a in store.annotations.all()}
    assert set(drawings) == {"route name", "track name"}
    track = shapely.from_wkt(drawings["track name"].geometry)
    assert track.geom_type == "MultiLineString" and len(track.geoms) == 2


def test_a_zipped_geopackage_is_read_inside_its_zip(survey_geopackage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "survey.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(survey_geopackage, "data/survey.gpkg")
    assert pipeline.guess_format(archive) == "gis"
    store = Store.memory()
    assert import_file(store, archive).added["place"] == 2


def test_a_geojson_declaring_a_projected_crs_is_reprojected(tmp_path: Path) -> None:
    """Older QGIS and GDAL write a "crs" member; ours (RFC 7946) never does."""
    path = tmp_path / "villages_utm.geojson"
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}
    point = {"type": "Point", "coordinates": list(utm(*HOMS))}
    homs = {"type": "Feature", "properties": {"NAME": "Homs"}, "geometry": point}
    collection = {"type": "FeatureCollection", "crs": crs, "features": [homs]}
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert pipeline.guess_format(path) == "gis"
    store = Store.memory()
    import_file(store, path)
    homs = store.places.by_name("Homs")
    assert (homs.lon, homs.lat) == pytest.approx(HOMS, abs=1e-6)


def test_a_geojson_declaring_lon_lat_stays_geojson(tmp_path: Path) -> None:
    path = tmp_path / "lonlat.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
        '{"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": []}',
        encoding="utf-8",
    )
    assert pipeline.guess_format(path) == "geojson"


FIONA_ZIP = Path(__file__).parents[1] / "data" / "third_party" / "fiona" / "coutwildrnp.zip"


def test_fionas_zipped_wilderness_shapefile_imports_its_67_areas() -> None:
    """It was read as a TAK data package: "ok", 0 records."""
    assert pipeline.guess_format(FIONA_ZIP) == "gis"
    store = Store.memory()
    result = import_file(store, FIONA_ZIP)
    assert result.added["annotation"] == 67 and not result.plan.skipped
    areas = {a.label: a for a in store.annotations.all()}
    gunnison = areas["Black Canyon of the Gunnison Wilderness"]  # from the NAME column
    assert gunnison.kind == "polygon"
    west, south, east, north = shapely.from_wkt(gunnison.geometry).bounds
    assert -108.0 < west < east < -107.5 and 38.4 < south < north < 38.7  # Colorado


def test_a_geopackage_with_a_layer_called_places_is_not_taken_for_ours(tmp_path: Path) -> None:
    """Another program's "places" layer in UTM: read through GDAL and reprojected."""
    path = tmp_path / "places.gpkg"
    write_layer(
        path,
        "places",
        [shapely.Point(utm(*HAMA))],
        {"name": ["Hama"]},
        driver="GPKG",
        crs=UTM_37N,
    )
    assert pipeline.guess_format(path) == "gis"
    store = Store.memory()
    import_file(store, path)
    hama = store.places.by_name("Hama")
    assert (hama.lon, hama.lat) == pytest.approx(HAMA, abs=1e-6)
