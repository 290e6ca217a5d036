"""The map shows land and sea: the canvas and snapshots fill the land over a sea
background, and the layer panel hides and recolours the land like any layer."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.services.snapshot import SnapshotRequest
from sitrep_desktop.store import Store
from sitrep_desktop.ui.map.canvas import BACKGROUND, MapCanvas
from sitrep_desktop.ui.map.layers import basemap as basemap_layer
from sitrep_desktop.ui.map.layers.basemap import (
    CELL_METRES,
    FILL_STYLES,
    group_polygons,
    layer_groups,
)
from sitrep_desktop.ui.map.layers.user_layers import TILE_Z
from sitrep_desktop.ui.snapshot.render import Snapshot
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState

LAND, SEA = FILL_STYLES["land"][1], BACKGROUND
SYRIA = (35.2, 32.2, 42.5, 37.4)
HOMS = (36.72, 34.73)
OFF_TARTUS = (35.3, 35.5)
DESERT = (40.0, 33.6)  # east of Palmyra, away from towns and lines


def _commonest(colours: list[str]) -> str:
    values, counts = np.unique(colours, return_counts=True)
    return str(values[np.argmax(counts)])


def _canvas_colour(canvas, image: QImage, lon: float, lat: float) -> str:
    """The commonest colour of a 9 px patch around lon/lat: a line may cross it."""
    x, y = canvas.lonlat_to_view(lon, lat)
    pixel = canvas.view.mapViewToDevice(QPointF(float(x), float(y)))
    ratio = image.devicePixelRatio()
    cx, cy = int(pixel.x() * ratio), int(pixel.y() * ratio)
    patch = [
        image.pixelColor(cx + dx, cy + dy).name() for dx in range(-4, 5) for dy in range(-4, 5)
    ]
    return _commonest(patch)


@pytest.fixture
def canvas(qtbot):
    """A canvas on an empty database (no markers over the basemap) at Syria zoom."""
    widget = MapCanvas(Store.memory(), Selection(), TimeState())
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.place_labels.setVisible(False)  # town names are not what is tested
    widget.set_lonlat_range(*SYRIA)
    return widget


def test_the_canvas_fills_land_at_homs_and_leaves_the_sea_off_tartus(canvas):
    assert canvas.basemap.level == "theatre"
    image = canvas.grab().toImage()
    assert _canvas_colour(canvas, image, *HOMS) == LAND
    assert _canvas_colour(canvas, image, *DESERT) == LAND
    assert _canvas_colour(canvas, image, *OFF_TARTUS) == SEA
    assert canvas.basemap.items["land"].drawn_vertices > 0


@pytest.mark.parametrize("view", [(-170.0, -60.0, 170.0, 75.0), (10.0, 20.0, 65.0, 50.0)])
def test_land_and_sea_at_world_and_region_zoom(canvas, view):
    canvas.set_lonlat_range(*view)
    image = canvas.grab().toImage()
    assert _canvas_colour(canvas, image, *DESERT) == LAND
    assert _canvas_colour(canvas, image, 18.0, 34.0) == SEA  # the Ionian Sea
    assert _canvas_colour(canvas, image, 51.0, 41.5) == SEA  # the Caspian, a lake
    if view[0] < -100:
        assert _canvas_colour(canvas, image, -100.0, 40.0) == LAND  # Kansas
        assert _canvas_colour(canvas, image, -150.0, 20.0) == SEA  # the Pacific


def test_the_land_is_under_every_line_and_under_raster_tiles(canvas):
    land = canvas.basemap.items["land"]
    lines = [item for layer, item in canvas.basemap.items.items() if layer != "land"]
    assert land.zValue() < TILE_Z < min(item.zValue() for item in lines)


def test_the_layer_panel_hides_and_recolours_the_land(window):
    panel = window.features.map.layers
    canvas = window.canvas
    canvas.set_lonlat_range(*SYRIA)
    row = panel.row_for("basemap", "land")
    assert row is not None and row.text() == "Basemap: Land"
    assert row.checkState() == Qt.CheckState.Checked
    assert _canvas_colour(canvas, canvas.grab().toImage(), *DESERT) == LAND

    panel.set_shown("basemap", "land", False)
    assert not canvas.basemap.items["land"].isVisible()
    assert _canvas_colour(canvas, canvas.grab().toImage(), *DESERT) == SEA

    panel.set_shown("basemap", "land", True)
    panel.set_colour("basemap", "land", "#d9c9a3")
    assert _canvas_colour(canvas, canvas.grab().toImage(), *DESERT) == "#d9c9a3"


def test_the_land_cannot_be_moved_above_the_lines(window):
    panel = window.features.map.layers
    land = window.canvas.basemap.items["land"]
    panel.list.setCurrentItem(panel.row_for("basemap", "land"))
    assert not panel.buttons["up"].isEnabled() and not panel.buttons["down"].isEnabled()
    panel.move_current(-1)
    # Moving a line to the bottom of the lines leaves the land under it.
    panel.list.setCurrentItem(panel.row_for("basemap", "coastline"))
    assert panel.buttons["down"].isEnabled()
    for _ in range(6):
        panel.move_current(1)
    others = [i.zValue() for layer, i in window.canvas.basemap.items.items() if layer != "land"]
    assert land.zValue() < TILE_Z < min(others)
    assert panel.list.item(panel.list.count() - 1).text() == "Basemap: Land"


def test_a_snapshot_fills_land_at_homs_and_sea_off_the_coast(qapp, tmp_path):
    out = tmp_path / "syria.png"
    snapshot = Snapshot(Store.memory(), SnapshotRequest(bbox=SYRIA, size=(1200, 800)))
    snapshot.render(out)
    image = QImage(str(out))

    def colour_at(lon: float, lat: float) -> str:
        px, py = snapshot.to_page(lon, lat)
        cx, cy = int(px), int(py)
        patch = [image.pixelColor(cx + dx, cy + dy).name() for dx in range(-3, 4) for dy in (-3, 3)]
        return _commonest(patch)

    assert colour_at(*HOMS) == QColor(LAND).name()
    assert colour_at(*DESERT) == QColor(LAND).name()
    assert colour_at(*OFF_TARTUS) == QColor(SEA).name()


def test_an_svg_snapshot_fills_the_land_as_one_vector_path(qapp, tmp_path):
    out = tmp_path / "syria.svg"
    Snapshot(Store.memory(), SnapshotRequest(bbox=SYRIA, fmt="svg")).render(out)
    svg = out.read_text()
    assert f'fill="{LAND}"' in svg and "<image" not in svg


def test_land_groups_each_fill_one_grid_cell_and_come_back_from_the_cache(qapp):
    polygons = basemap.land_polygons("world")
    fresh = group_polygons(polygons, default_projection())
    left, bottom, right, top = fresh.bounds.T
    # A continent is cut along the grid: no group reaches beyond its cell (but for
    # the float32 slack of the stored lon/lat).
    slack = basemap_layer.EDGE_SLACK
    cell_left = np.floor((left + slack) / CELL_METRES) * CELL_METRES
    cell_bottom = np.floor((bottom + slack) / CELL_METRES) * CELL_METRES
    assert (right <= cell_left + CELL_METRES + slack).all()
    assert (top <= cell_bottom + CELL_METRES + slack).all()
    assert len(fresh) > 2000  # Eurasia alone covers hundreds of cells
    layer_groups.cache_clear()
    layer_groups("land", "world")  # built, or read from the cache
    layer_groups.cache_clear()
    cached = layer_groups("land", "world")
    assert list(Path(os.environ["XDG_CACHE_HOME"]).rglob("land-world-*.arrays"))
    assert np.array_equal(cached.x, fresh.x) and np.array_equal(cached.starts, fresh.starts)
    assert np.array_equal(cached.bounds, fresh.bounds)
    layer_groups.cache_clear()
