"""The window opens on the demo, and selecting in one pane selects in all three."""

from pathlib import Path

import pytest

from sitrep_desktop.ui.window.main_window import format_cursor

OUTPUT = Path(__file__).resolve().parents[1] / "output"


def test_the_window_lists_the_demo_events(window):
    model = window.event_list.model
    assert model.rowCount() == window.store.events.count() >= 8
    titles = [model.event_at(r).title for r in range(model.rowCount())]
    assert "HTS captures Hama" in titles
    assert window.windowTitle().startswith("demo.db")


def test_selecting_an_event_fills_the_detail_pane_and_highlights_it_on_the_map(window, qtbot):
    model = window.event_list.model
    row = next(r for r in range(model.rowCount()) if model.event_at(r).title == "HTS captures Hama")
    with qtbot.waitSignal(window.selection.sigChanged):
        window.event_list.table.selectRow(row)
    assert window.selection.kind == "event"
    assert "HTS captures Hama" in window.detail.text
    assert "Hama" in window.detail.text
    assert window.canvas.highlighted is not None


def test_clicking_a_place_on_the_map_selects_it_everywhere(window, qtbot):
    hama = window.store.places.by_name("Hama")
    point = window.canvas.latlon_to_widget(hama.lat, hama.lon).toPoint()
    with qtbot.waitSignal(window.selection.sigChanged):
        qtbot.mouseClick(
            window.canvas.viewport(),
            __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton,
            pos=point,
        )
    assert (window.selection.kind, window.selection.id) == ("place", hama.id)
    assert "Hayat Tahrir al-Sham" in window.detail.text
    x, y = window.canvas.lonlat_to_view(hama.lon, hama.lat)
    assert window.canvas.highlighted == pytest.approx((float(x), float(y)))
    assert window.event_list.table.selectionModel().selectedRows() == []


def test_places_are_coloured_by_their_controller(window):
    colours = window.canvas.place_colours
    by_name = {p.name: p.id for p in window.store.places.all()}
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


def test_a_screenshot_of_the_window_is_saved(window):
    OUTPUT.mkdir(exist_ok=True)
    image = window.grab().toImage()
    ratio = image.devicePixelRatio()
    assert (image.width(), image.height()) == (round(1400 * ratio), round(900 * ratio))
    # Hama, held by HTS since 5 December, is a green marker on the picture.
    canvas = window.canvas
    hama = canvas.viewport().mapTo(window, canvas.latlon_to_widget(35.13179, 36.75783).toPoint())
    assert image.pixelColor(round(hama.x() * ratio), round(hama.y() * ratio)).name() == "#2e7d32"
    assert image.save(str(OUTPUT / "window_demo.png"))
