"""A raster MBTiles package is drawn under the map, right way up, at the view's zoom."""

import sqlite3

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF
from PySide6.QtGui import QColor, QImage, QPainter

from sitrep_desktop.io.mbtiles import tile_bounds, tile_row, tiles_for

NORTH, SOUTH = QColor("#ff0000"), QColor("#0000ff")
SYRIA = (35.0, 32.0, 42.5, 37.5)


def _tile_png() -> bytes:
    """A 256 px tile: its northern half red, its southern half blue."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.fillRect(0, 0, 256, 128, NORTH)
    painter.fillRect(0, 128, 256, 128, SOUTH)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _write_package(path, zooms=(4, 5, 6, 7)) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
    )
    conn.execute("INSERT INTO metadata VALUES ('format', 'png'), ('name', 'test')")
    png = _tile_png()
    for z in zooms:
        for x, y in tiles_for(*SYRIA, z):
            conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, tile_row(z, y), png))
    conn.commit()
    conn.close()


def _colour_at(canvas, image: QImage, lon: float, lat: float) -> QColor:
    x, y = canvas.lonlat_to_view(lon, lat)
    pixel = canvas.view.mapViewToDevice(QPointF(float(x), float(y)))
    ratio = image.devicePixelRatio()
    # The commonest colour of a small patch: basemap lines may cross the point.
    colours = [
        image.pixelColor(int(pixel.x() * ratio) + dx, int(pixel.y() * ratio) + dy).name()
        for dx in range(-3, 4)
        for dy in range(-3, 4)
    ]
    values, counts = np.unique(colours, return_counts=True)
    return QColor(str(values[np.argmax(counts)]))


def test_an_mbtiles_background_is_drawn_right_way_up(window, tmp_path):
    path = tmp_path / "syria.mbtiles"
    _write_package(path)
    assert window.features.map.layers.add_file(str(path))
    (layer,) = window.features.map.user_layers.repository.all()
    item = window.features.map.user_layers.items[layer.id]
    canvas = window.canvas
    canvas.set_lonlat_range(38.5, 33.5, 41.5, 36.5)  # desert east of Homs: few other marks
    image = canvas.grab().toImage()
    lon = 40.0
    z = item.tiles.zoom_for((41.5 - 38.5) / canvas.viewport().width())
    ((x, y),) = [t for t in tiles_for(lon, 35.0, lon, 35.0, z)]
    west, south, east, north = tile_bounds(z, x, y)
    quarter = (north - south) / 4
    assert _colour_at(canvas, image, lon, north - quarter) == NORTH
    assert _colour_at(canvas, image, lon, south + quarter) == SOUTH
    # Hidden from the layer panel: the map shows its own background again.
    window.features.map.layers.set_shown("user", layer.id, False)
    image = canvas.grab().toImage()
    assert _colour_at(canvas, image, lon, north - quarter) not in (NORTH, SOUTH)


def test_a_damaged_mbtiles_file_is_refused_with_its_reason(window, tmp_path):
    path = tmp_path / "broken.mbtiles"
    path.write_bytes(b"this is not sqlite")
    layers = window.features.map.user_layers
    try:
        layers.add_file(path)
    except ValueError as exc:
        assert "broken.mbtiles" in str(exc)
    else:
        raise AssertionError("a damaged package was accepted")
    assert layers.repository.all() == []
