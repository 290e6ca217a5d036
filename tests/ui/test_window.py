"""The window opens on the demo, and selecting in one pane selects in all three."""

from pathlib import Path

import pytest
from shiboken6 import isValid

from sitrep_desktop.ui.window.main_window import format_cursor

OUTPUT = Path(__file__).resolve().parents[1] / "output"


@pytest.fixture
def shown_window(shared_window, qtbot):
    """The module's shared window (tests/ui/conftest.py), for the tests that only
    read; after each, the selection, the list's filters, the docks and dialogs
    opened, the view and the size go back to what a new window shows."""
    # The active window, as a new one is: a dialog or a test's own window took it.
    shared_window.activateWindow()
    qtbot.waitActive(shared_window)
    yield shared_window
    shared_window.selection.clear()
    shared_window.event_list.table.clearSelection()
    filters = shared_window.event_list.filters
    filters.near_km.setValue(25.0)
    filters.clear()
    dialog = getattr(shared_window, "shortcuts_dialog", None)
    if dialog is not None and isValid(dialog):
        dialog.close()
    shared_window.docks["layers"].hide()
    shared_window.resize(1400, 900)
    shared_window.canvas.zoom_to_all()


def test_the_window_lists_the_demo_events(shared_window):
    model = shared_window.event_list.model
    assert model.rowCount() == shared_window.store.events.count() >= 8
    titles = [model.event_at(r).title for r in range(model.rowCount())]
    assert "HTS captures Hama" in titles
    assert shared_window.windowTitle().startswith("demo.db")


def test_selecting_an_event_fills_the_detail_pane_and_highlights_it_on_the_map(shown_window, qtbot):
    model = shown_window.event_list.model
    row = next(r for r in range(model.rowCount()) if model.event_at(r).title == "HTS captures Hama")
    with qtbot.waitSignal(shown_window.selection.sigChanged):
        shown_window.event_list.table.selectRow(row)
    assert shown_window.selection.kind == "event"
    assert "HTS captures Hama" in shown_window.detail.text
    assert "Hama" in shown_window.detail.text
    assert shown_window.canvas.highlighted is not None


def test_clicking_a_place_on_the_map_selects_it_everywhere(shown_window, qtbot):
    hama = shown_window.store.places.by_name("Hama")
    point = shown_window.canvas.latlon_to_widget(hama.lat, hama.lon).toPoint()
    with qtbot.waitSignal(shown_window.selection.sigChanged):
        qtbot.mouseClick(
            shown_window.canvas.viewport(),
            __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton,
            pos=point,
        )
    assert (shown_window.selection.kind, shown_window.selection.id) == ("place", hama.id)
    assert "Hayat Tahrir al-Sham" in shown_window.detail.text
    x, y = shown_window.canvas.lonlat_to_view(hama.lon, hama.lat)
    assert shown_window.canvas.highlighted == pytest.approx((float(x), float(y)))
    assert shown_window.event_list.table.selectionModel().selectedRows() == []


def test_places_are_coloured_by_their_controller(shared_window):
    colours = shared_window.canvas.place_colours
    by_name = {p.name: p.id for p in shared_window.store.places.all()}
    assert colours[by_name["Hama"]] == "#2e7d32"  # HTS
    assert colours[by_name["Homs"]] == "#c62828"  # government
    assert colours[by_name["Hmeimim air base"]] == "#6a1b9a"  # Russian forces


def test_a_new_event_in_the_store_appears_in_the_list(window, qtbot):
    from sitrep_desktop.domain import Event

    before = window.event_list.model.rowCount()
    with qtbot.waitSignal(window.event_list.model.modelReset):
        window.store.events.add(
            Event(at="2024-12-07", title="Rebels enter Homs", category="capture")
        )
    assert window.event_list.model.rowCount() == before + 1


def test_the_status_bar_shows_the_cursor_in_three_formats():
    text = format_cursor(34.72405, 36.72559)
    assert "34.72405" in text and "°" in text and "MGRS 37S" in text


def test_a_screenshot_of_the_window_is_saved(shown_window):
    OUTPUT.mkdir(exist_ok=True)
    image = shown_window.grab().toImage()
    ratio = image.devicePixelRatio()
    assert (image.width(), image.height()) == (round(1400 * ratio), round(900 * ratio))
    # Hama, held by HTS since 5 December, is a green marker on the picture.
    canvas = shown_window.canvas
    hama = canvas.viewport().mapTo(
        shown_window, canvas.latlon_to_widget(35.13179, 36.75783).toPoint()
    )
    assert image.pixelColor(round(hama.x() * ratio), round(hama.y() * ratio)).name() == "#2e7d32"
    assert image.save(str(OUTPUT / "window_demo.png"))


def test_no_two_actions_share_a_shortcut(shared_window):
    from sitrep_desktop.ui.window.shortcuts import shortcut_clashes

    assert shortcut_clashes(shared_window) == {}


def test_ctrl_shift_s_exports_a_snapshot(shown_window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from sitrep_desktop.ui.snapshot import feature

    asked = []
    monkeypatch.setattr(feature.SnapshotDialog, "exec", lambda dialog: asked.append(dialog) or 0)
    shown_window.canvas.setFocus()
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(shown_window.canvas, Qt.Key.Key_S, keys)
    assert asked, "Ctrl+Shift+S did not open the snapshot export"


def test_help_lists_every_keyboard_shortcut(shown_window, qtbot):
    dialog = shown_window.show_shortcuts()
    qtbot.waitExposed(dialog)
    rows = {(s.what, s.keys) for s in dialog.shortcuts}
    assert ("Export snapshot", "Ctrl+Shift+S") in rows
    assert ("Zoom to selection", "Ctrl+J") in rows
    assert ("Log control change", "Ctrl+K") in rows
    assert ("Measure distance", "M") in rows
    assert {s.where for s in dialog.shortcuts} >= {"File", "Edit", "View", "Draw", "Help"}
    assert dialog.table.rowCount() == len(dialog.shortcuts) > 30


def test_jumping_to_a_gazetteer_town_clears_the_previous_place(shown_window):
    from sitrep_desktop.services.demo import demo_id
    from sitrep_desktop.services.place_search import search_places

    shown_window.selection.select("place", demo_id("place", "Homs"))
    result = next(r for r in search_places("Talbiseh", []) if not r.in_database)
    shown_window.features.map.go_to(result)
    assert shown_window.selection.kind == "" and not shown_window.detail.delete_button.isEnabled()
    west, south, east, north = shown_window.canvas.visible_lonlat()
    assert north - south > 1.0  # the town with its neighbours, not a blank close-up


def test_a_selected_place_leads_to_its_events_in_the_list(shown_window):
    from sitrep_desktop.services.demo import demo_id

    shown_window.selection.select("place", demo_id("place", "Talbiseh"))
    before = shown_window.event_list.model.rowCount()
    shown_window.detail.body.linkActivated.emit(f"events-near:{demo_id('place', 'Talbiseh')}")
    assert 0 < shown_window.event_list.model.rowCount() < before


def test_the_keyboard_page_lists_every_action_of_the_window(shared_window):
    from sitrep_desktop.ui.window.shortcuts import window_shortcuts

    page = (Path(__file__).parents[2] / "docs" / "keyboard.md").read_text(encoding="utf-8")
    missing = [
        s.what for s in window_shortcuts(shared_window) if s.where != "Map" and s.what not in page
    ]
    assert missing == []


def test_a_background_map_can_be_added_from_the_view_menu(shown_window, monkeypatch):
    from sitrep_desktop.ui.map.panels import layer_panel

    filters = []
    monkeypatch.setattr(
        layer_panel.QFileDialog,
        "getOpenFileName",
        lambda _parent, _title, _dir, spec: filters.append(spec) or ("", ""),
    )
    shown_window.features.map.action_add_layer.trigger()
    assert "MBTiles" in shown_window.features.map.action_add_layer.text()
    assert filters and "*.mbtiles" in filters[0] and shown_window.docks["layers"].isVisible()
