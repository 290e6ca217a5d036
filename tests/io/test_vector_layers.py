import sqlite3
import zipfile

import numpy as np
import pyogrio
import pytest
import shapely

from sitrep_desktop.io.mbtiles import MBTiles, tile_row
from sitrep_desktop.io.vector_layers import LayerFileError, read_vector_layer

M5 = shapely.LineString([(37.16, 36.20), (36.76, 35.13), (36.73, 34.72), (36.29, 33.51)])
HOMS = shapely.Point(36.72559, 34.72405)


def _write(path, driver, **kwargs):
    geometry = np.array([shapely.to_wkb(M5), shapely.to_wkb(HOMS)], dtype=object)
    fields = [np.array(["M5", "Homs"], dtype=object)]
    meta = {"geometry_type": "Unknown", "crs": "EPSG:4326"}
    pyogrio.raw.write(
        str(path),
        geometry,
        fields,
        ["name"],
        driver=driver,
        geometry_type="Unknown",
        crs="EPSG:4326",
        **kwargs,
    )
    return meta


@pytest.mark.parametrize(
    ("name", "driver"),
    [
        ("roads.gpkg", "GPKG"),
        ("roads.geojson", "GeoJSON"),
        ("roads.kml", "KML"),
        ("roads.fgb", "FlatGeobuf"),
    ],
)
def test_each_vector_format_loads_lines_and_named_points(tmp_path, name, driver):
    path = tmp_path / name
    _write(path, driver)
    data = read_vector_layer(path)
    assert np.isfinite(data.lines).all() and len(data.lines) == 4
    assert data.point_names == ["Homs"]
    assert data.bounds() == pytest.approx((36.29, 33.51, 37.16, 36.20), abs=1e-6)


def test_a_zipped_shapefile_loads(tmp_path):
    geometry = np.array([shapely.to_wkb(M5)], dtype=object)
    pyogrio.raw.write(
        str(tmp_path / "m5.shp"),
        geometry,
        [np.array(["M5"], dtype=object)],
        ["name"],
        driver="ESRI Shapefile",
        geometry_type="LineString",
        crs="EPSG:4326",
    )
    archive = tmp_path / "m5.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("m5.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    assert len(read_vector_layer(archive).lines) == 4


def test_kmz_loads(tmp_path):
    _write(tmp_path / "doc.kml", "KML")
    kmz = tmp_path / "roads.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(tmp_path / "doc.kml", "doc.kml")
    assert read_vector_layer(kmz).point_names == ["Homs"]


def test_an_osm_extract_loads_its_ways(tmp_path):
    osm = tmp_path / "m5.osm"
    osm.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="34.72" lon="36.73"/><node id="2" lat="35.13" lon="36.76"/>'
        '<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/>'
        '<tag k="ref" v="M5"/></way></osm>'
    )
    data = read_vector_layer(osm)
    assert len(data.lines) == 2


def test_an_unknown_format_is_refused_with_a_reason(tmp_path):
    with pytest.raises(LayerFileError, match="not a layer format"):
        read_vector_layer(tmp_path / "notes.txt")


def test_mbtiles_rows_are_read_flipped(tmp_path):
    path = tmp_path / "t.mbtiles"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
    )
    conn.execute("INSERT INTO metadata VALUES ('format', 'png')")
    conn.execute("INSERT INTO tiles VALUES (3, 4, ?, ?)", (tile_row(3, 1), b"png-bytes"))
    conn.commit()
    conn.close()
    tiles = MBTiles(path)
    assert tiles.tile(3, 4, 1) == b"png-bytes"
    assert tiles.tile(3, 4, 6) is None
    tiles.close()
