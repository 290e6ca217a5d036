"""The map: basemap levels, decluttered labels, control colours over time, search, layers."""

from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from PySide6.QtCore import QSettings, Qt

from sitrep_desktop.domain import Annotation, Event
from sitrep_desktop.domain.times import parse_moment
from sitrep_desktop.geo.basemap import level_for_span
from sitrep_desktop.geo.label_layout import PlacedLabel, any_overlap
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.services.demo import build_demo, demo_id
from sitrep_desktop.store import Store
from sitrep_desktop.ui.map.panels.search_box import search_places
from sitrep_desktop.ui.window.main_window import MainWindow

OUTPUT = Path(__file__).resolve().parents[1] / "output"
GOV, HTS = "#c62828", "#2e7d32"


@pytest.fixture
def window(qtbot, tmp_path, demo_memory_store):
    store = demo_memory_store
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    w.open_store(store, None)
    qtbot.waitExposed(w)
    w.canvas.load_town_labels()
    return w


@pytest.fixture(scope="module")
def viewing_window(shared_window):
    """The module's shared window (tests/ui/conftest.py) with the gazetteer's towns,
    as `window`, for the tests that only read; they take it through map_window."""
    shared_window.canvas.load_town_labels()
    return shared_window


@pytest.fixture
def map_window(viewing_window):
    """The shared window; after the test, put back what these tests change: the
    time, the selection, the search dock, the rivers, the view and the size."""
    yield viewing_window
    viewing_window.time_state.set_at(None)
    viewing_window.selection.clear()
    viewing_window.features.map.search.query.clear()
    viewing_window.docks["search"].hide()
    viewing_window.features.map.layers.set_shown("basemap", "rivers", True)
    viewing_window.resize(1400, 900)
    viewing_window.canvas.zoom_to_all()


def _paint(w):
    w.canvas.grab()


def test_projection_round_trips():
    p = default_projection()
    lon, lat = np.array([36.72, -120.5, 0.0]), np.array([34.72, 60.1, -33.0])
    back = p.inverse(*p.forward(lon, lat))
    assert np.allclose(back[0], lon) and np.allclose(back[1], lat)


def test_level_of_detail_follows_the_zoom(map_window):
    canvas = map_window.canvas
    assert level_for_span(300) == "world" and level_for_span(30) == "region"
    canvas.set_lonlat_range(-170, -60, 170, 75)
    assert canvas.basemap.level == "world"
    canvas.center_on(34.72, 36.72, 0.3)
    assert canvas.basemap.level == "theatre"
    _paint(map_window)
    # Culling: at city zoom only a sliver of the full-resolution coastline is drawn.
    assert canvas.basemap.items["borders"].drawn_vertices < 20_000


@pytest.mark.parametrize("span", [300.0, 40.0, 8.0, 1.0, 0.2])
def test_no_two_drawn_labels_overlap_at_any_zoom(map_window, span):
    map_window.canvas.center_on(34.8, 36.72, span)
    _paint(map_window)
    drawn = map_window.canvas.place_labels.drawn
    assert drawn
    boxes = [
        PlacedLabel(i, r.left(), r.top(), r.width(), r.height()) for i, (_t, r) in enumerate(drawn)
    ]
    assert not any_overlap(boxes)


def test_the_theatre_view_shows_syria_and_the_demo_places(map_window):
    west, south, east, north = map_window.canvas.visible_lonlat()
    assert west <= 35.8 and east >= 42.0 and south <= 32.5 and north >= 37.2
    _paint(map_window)
    names = {text for text, _rect in map_window.canvas.place_labels.drawn}
    assert {"Aleppo", "Hama", "Homs", "Damascus"} <= names


def test_hama_changes_hands_on_5_december(map_window):
    hama = demo_id("place", "Hama")
    map_window.time_state.set_at(parse_moment("2024-12-04T23:00:00Z"))
    assert map_window.canvas.place_colours[hama] == GOV
    map_window.features.map.time_control.set_moment(parse_moment("2024-12-05T12:00:00Z"))
    assert map_window.canvas.place_colours[hama] == HTS


def test_events_after_the_as_of_time_are_hidden(map_window):
    map_window.time_state.set_at(parse_moment("2024-11-30"))
    shown = len(map_window.canvas.event_scatter.data)
    map_window.time_state.set_at(None)
    assert 0 < shown < len(map_window.canvas.event_scatter.data)


def test_the_time_control_sets_the_shared_time(map_window):
    control = map_window.features.map.time_control
    control.latest.setChecked(False)
    assert map_window.time_state.at is not None
    control.latest.setChecked(True)
    assert map_window.time_state.at is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Halab", "Aleppo"),
        ("Hims", "Homs"),
        ("Tartous", "Tartus"),
        ("Talbiseh", "Talbiseh"),
        ("حلب", "Aleppo"),
        ("Hama", "Hama"),
        ("Tallbīsah", "Talbiseh"),
    ],
)
def test_search_finds_every_spelling(map_window, query, expected):
    results = search_places(query, map_window.canvas.places)
    assert results[0].name == expected


def test_gazetteer_search_ranks_hama_before_yokohama():
    names = [r.name for r in search_places("Hama", [])]
    assert names[0] == "Ḩamāh"
    assert "Yokohama" not in names[:3]


def test_picking_a_result_centres_and_selects(map_window):
    panel = map_window.features.map.search
    map_window.features.map.find()
    panel.query.setText("Hims")
    panel.query.returnPressed.emit()
    assert map_window.selection.id == demo_id("place", "Homs")
    west, south, east, north = map_window.canvas.visible_lonlat()
    assert west < 36.72 < east and south < 34.72 < north


def test_add_as_place_makes_a_gazetteer_town_a_place(window):
    panel = window.features.map.search
    panel.query.setText("Palmyra")
    row = next(i for i, r in enumerate(panel.found) if not r.in_database)
    panel.results.setCurrentRow(row)
    panel.add_button.click()
    names = [p.name for p in window.store.places.all()]
    assert panel.found[0].in_database or any("Palmyra" in n or "Tadmur" in n for n in names)
    window.undo_stack.undo()
    assert len(window.store.places.all()) == len(names) - 1


def test_clicking_selection_highlights_and_zoom_to_selection(map_window):
    map_window.selection.select("place", demo_id("place", "Aleppo"))
    assert map_window.canvas.highlighted is not None
    assert map_window.canvas.zoom_to_selection()
    west, _s, east, _n = map_window.canvas.visible_lonlat()
    assert east - west < 2


def test_a_user_layer_loads_is_remembered_and_toggles(window, tmp_path):
    path = tmp_path / "m5.geojson"
    geometry = np.array(
        [shapely.to_wkb(shapely.LineString([(36.7, 34.7), (36.76, 35.1)]))], dtype=object
    )
    pyogrio.raw.write(
        str(path),
        geometry,
        [np.array(["M5"], dtype=object)],
        ["name"],
        driver="GeoJSON",
        geometry_type="LineString",
        crs="EPSG:4326",
    )
    panel = window.features.map.layers
    assert panel.add_file(str(path))
    (layer,) = window.features.map.user_layers.repository.all()
    assert layer.format == "GeoJSON"
    item = window.features.map.user_layers.items[layer.id]
    assert item.isVisible()
    panel.set_shown("user", layer.id, False)
    assert not item.isVisible()


def test_basemap_layers_toggle_from_the_panel(map_window):
    map_window.features.map.layers.set_shown("basemap", "rivers", False)
    assert not map_window.canvas.basemap.items["rivers"].isVisible()


def test_scale_bar_is_a_round_true_length(map_window):
    bar = map_window.canvas.overlays.scale_bar
    bar.recompute()
    assert bar.metres > 0 and str(int(bar.metres)).strip("0") in ("1", "2", "5")
    assert 40 <= bar.pixels <= 160


def test_screenshot_of_the_window_at_syria_zoom(map_window):
    map_window.canvas.zoom_to_all()
    OUTPUT.mkdir(exist_ok=True)
    image = map_window.grab().toImage()
    ratio = image.devicePixelRatio()
    assert (image.width(), image.height()) == (round(1400 * ratio), round(900 * ratio))
    # Every place shows in its holder's colour: Hama green (HTS), Homs red (GOV).
    canvas = map_window.canvas
    for (lat, lon), colour in (((35.13179, 36.75783), HTS), ((34.72405, 36.72559), GOV)):
        point = canvas.viewport().mapTo(map_window, canvas.latlon_to_widget(lat, lon).toPoint())
        assert image.pixelColor(round(point.x() * ratio), round(point.y() * ratio)).name() == colour
    assert image.save(str(OUTPUT / "map_syria.png"))


def test_the_layer_panel_is_remembered_for_the_next_window(qtbot, tmp_path):
    """Hidden rivers, a recoloured coastline, a new order and hidden drawings
    come back in the next window (settings, not the database)."""
    settings_path = str(tmp_path / "s.ini")
    store = Store.memory()
    build_demo(store)
    first = MainWindow(QSettings(settings_path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.open_store(store, None)
    panel = first.features.map.layers
    panel.set_shown("basemap", "rivers", False)
    panel.set_colour("basemap", "coastline", "#ff00ff")
    panel.list.setCurrentItem(panel.row_for("basemap", "coastline"))
    panel.move_current(1)  # coastline one step down
    panel.set_shown("data", "Annotations", False)
    z_coast = first.canvas.basemap.items["coastline"].zValue()
    first.close()

    second = MainWindow(QSettings(settings_path, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    again = Store.memory()
    build_demo(again)
    second.open_store(again, None)
    basemap = second.canvas.basemap
    assert not basemap.items["rivers"].wanted and not basemap.items["rivers"].isVisible()
    assert basemap.items["coastline"].colour == "#ff00ff"
    assert basemap.items["coastline"].zValue() == z_coast
    panel = second.features.map.layers
    assert panel.row_for("data", "Annotations").checkState() == Qt.CheckState.Unchecked
    assert not any(item.isVisible() for item in second.canvas.annotation_items.values())


def test_hidden_drawings_stay_hidden_when_the_data_changes(window):
    panel = window.features.map.layers
    panel.set_shown("data", "Annotations", False)
    window.store.annotations.add(
        Annotation(kind="line", label="New front", geometry="LINESTRING (36.5 34.9, 37.0 34.9)")
    )
    assert window.canvas.annotation_items  # rebuilt after the change...
    assert not any(item.isVisible() for item in window.canvas.annotation_items.values())
    window.canvas.time_state.set_at(parse_moment("2024-12-06"))  # ...and after a time change
    assert not any(item.isVisible() for item in window.canvas.annotation_items.values())
    panel.set_shown("data", "Annotations", True)
    assert any(item.isVisible() for item in window.canvas.annotation_items.values())


def _statements(store, action) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    return seen


def test_a_time_change_redraws_the_map_without_reading_the_database(map_window):
    canvas = map_window.canvas
    for day in ("2024-11-27", "2024-12-05T12:00:00Z", "2024-12-06"):
        map_window.time_state.at = parse_moment(day)  # what set_at stores, without the signal
        assert _statements(map_window.store, canvas.refresh) == []


def test_an_event_edit_reads_that_event_alone_and_keeps_the_places(window, monkeypatch):
    from sitrep_desktop.store import StoreChange

    store, canvas = window.store, window.canvas
    event = store.events.all()[0]
    store.events.update(Event(**{**event.__dict__, "category": "airstrike"}))
    redrawn = []
    monkeypatch.setattr(canvas, "_draw_places", redrawn.append)
    monkeypatch.setattr(canvas, "_draw_annotations", redrawn.append)
    seen = _statements(
        store, lambda: canvas.on_store_changed(StoreChange("event", "update", (event.id,)))
    )
    assert len(seen) == 1 and "FROM events WHERE id IN" in seen[0]
    assert redrawn == []  # neither places nor drawings
    row = canvas.situation.events.row_of[event.id]
    assert canvas.situation.events.categories[canvas.situation.events.code[row]] == "airstrike"


def test_thousands_of_event_markers_are_boxed_by_grid_cell_and_all_covered(qapp):
    from types import SimpleNamespace

    from sitrep_desktop.ui.map import texts

    rng = np.random.default_rng(3)
    ex, ey = rng.uniform(0, 800, 20_000), rng.uniform(0, 600, 20_000)
    canvas = SimpleNamespace(
        place_marks=([], np.zeros(0), np.zeros(0), np.zeros(0)),
        place_labels=SimpleNamespace(text_width=lambda *_: 10.0, text_height=lambda *_: 10.0),
        event_scatter=SimpleNamespace(getData=lambda: (ex, ey)),
    )
    boxes = np.array(texts._marker_boxes(canvas, lambda x, y: (x, y), (0.0, 0.0, 800.0, 600.0)))
    assert len(boxes) <= (800 / texts.EVENT_BOX + 1) * (600 / texts.EVENT_BOX + 1)
    for x, y in zip(ex[:500], ey[:500]):  # each marker's own 12 px box lies in a grid box
        inside = (boxes[:, 0] <= x - 6) & (x + 6 <= boxes[:, 0] + boxes[:, 2])
        inside &= (boxes[:, 1] <= y - 6) & (y + 6 <= boxes[:, 1] + boxes[:, 3])
        assert inside.any()


@pytest.mark.parametrize(
    "view", [(35.2, 32.2, 42.5, 37.4), (35.5, 33.0, 37.5, 34.5), (-170, -60, 170, 75)]
)
def test_no_name_is_drawn_under_the_scale_bar_north_arrow_or_credits(map_window, view):
    canvas = map_window.canvas
    canvas.set_lonlat_range(*view)
    canvas.grab()
    overlays = canvas.overlays.boxes()
    assert len(overlays) == 3
    for text, rect in canvas.place_labels.drawn:
        box = (rect.left(), rect.top(), rect.width(), rect.height())
        assert not any(_overlap(box, o) for o in overlays), text


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
