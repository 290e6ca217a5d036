"""Measure mode on the map: click places, read legs and total, save, copy, undo a point."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from sitrep_desktop.ui.map.tools.measure import MeasureTool


def click_place(qtbot, window, name):
    place = window.store.places.by_name(name)
    pos = window.canvas.latlon_to_widget(place.lat, place.lon).toPoint()
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def start_measuring(window) -> MeasureTool:
    window.features.measure.measure_action.trigger()
    tool = window.canvas.tool
    assert isinstance(tool, MeasureTool)
    return tool


@pytest.fixture(scope="module")
def measuring_window(shared_window):
    """The module's shared window and the view it opened on, for the tests that
    measure without saving."""
    return shared_window, shared_window.canvas.view.viewRect()


@pytest.fixture
def looking_window(measuring_window, qtbot):
    """The shared window, active as a new one is (a window another test opened and
    closed may have had the focus); after the test, measuring stops and the view is
    put back."""
    window, view = measuring_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    yield window
    window.canvas.set_tool(None)
    window.selection.clear()
    window.canvas.view.setRange(view, padding=0)


def test_tools_menu_has_measure_on_the_m_key(shared_window):
    action = shared_window.features.measure.measure_action
    assert action in shared_window.menu_tools.actions()
    assert action.shortcut().toString() == "M"


def test_pressing_m_starts_measuring(looking_window, qtbot):
    window = looking_window
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_M)
    assert isinstance(window.canvas.tool, MeasureTool)


def test_clicking_hama_then_homs_snaps_and_labels_the_leg(looking_window, qtbot):
    window = looking_window
    tool = start_measuring(window)
    click_place(qtbot, window, "Hama")
    click_place(qtbot, window, "Homs")
    assert [p.name for p in tool.points] == ["Hama", "Homs"]
    assert "45.3 km, 184° S" in tool.labels
    assert "Total 45.3 km" in tool.labels
    assert "Homs is 45 km (28 mi) S of Hama" in tool.panel.figures.text()


def test_a_click_away_from_places_measures_from_the_map_point(looking_window, qtbot):
    window = looking_window
    tool = start_measuring(window)
    click_place(qtbot, window, "Homs")
    canvas = window.canvas
    pos = canvas.latlon_to_widget(34.3, 37.4).toPoint()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert tool.points[1].place_id is None
    assert tool.points[1].lat == pytest.approx(34.3, abs=0.02)
    assert tool.points[1].lon == pytest.approx(37.4, abs=0.02)


def test_backspace_removes_the_last_point_and_escape_ends(looking_window, qtbot):
    window = looking_window
    tool = start_measuring(window)
    for name in ("Hama", "al-Rastan", "Homs"):
        click_place(qtbot, window, name)
    assert len(tool.route().legs) == 2
    qtbot.keyClick(window.canvas, Qt.Key.Key_Backspace)
    assert [p.name for p in tool.points] == ["Hama", "al-Rastan"]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.canvas.tool is None
    assert not window.features.measure.measure_action.isChecked()
    assert tool.panel is None  # its items and panel are gone with it


def test_copy_as_sentence_puts_the_report_line_on_the_clipboard(looking_window, qtbot):
    window = looking_window
    tool = start_measuring(window)
    click_place(qtbot, window, "Hama")
    click_place(qtbot, window, "Homs")
    tool.panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Homs is 45 km (28 mi) S of Hama"


def test_save_as_annotation_stores_the_line_with_its_figures_and_undoes(window, qtbot):
    tool = start_measuring(window)
    for name in ("Hama", "al-Rastan", "Homs"):
        click_place(qtbot, window, name)
    tool.panel.units.setCurrentText("mi")
    before = window.store.annotations.count()
    tool.panel.save_button.click()
    saved = [a for a in window.store.annotations.all() if a.label.startswith("Hama → Homs")]
    assert len(saved) == 1 and window.store.annotations.count() == before + 1
    annotation = saved[0]
    assert annotation.kind == "line"
    assert annotation.label == "Hama → Homs: 28.2 mi"
    assert "Hama → al-Rastan: 14.2 mi, 186° S" in annotation.notes
    assert "Total: 28.2 mi" in annotation.notes
    assert annotation.geometry.startswith("LINESTRING (36.75783 35.13179")
    window.undo_stack.undo()
    assert window.store.annotations.count() == before


def test_buttons_wait_for_a_second_point(looking_window, qtbot):
    window = looking_window
    tool = start_measuring(window)
    assert not tool.panel.save_button.isEnabled()
    click_place(qtbot, window, "Hama")
    assert not tool.panel.save_button.isEnabled()
    assert tool.annotation() is None


def test_dragging_pans_instead_of_adding_a_point(looking_window, qtbot):
    window = looking_window
    tool = start_measuring(window)
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=viewport.rect().center())
    qtbot.mouseMove(viewport, viewport.rect().center() + viewport.rect().topLeft() / 2)
    end = viewport.rect().center()
    end.setX(end.x() + 60)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert tool.points == []
    QApplication.processEvents()
