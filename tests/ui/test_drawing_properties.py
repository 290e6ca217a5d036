"""A drawing's properties: dated on purpose, edited from the map, the menu or Edit selected."""

import pytest
from draw_helpers import click, double_click, new_annotations, open_demo_window

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.services.demo import demo_id

A, B, C = (35.05, 36.35), (35.00, 36.50), (34.90, 36.40)


@pytest.fixture
def window(qtbot, demo_path):
    window = open_demo_window(qtbot, demo_path)
    yield window
    window.canvas.set_tool(None)
    window.close()


def draw_line(qtbot, window):
    before = {a.id for a in window.store.annotations.all()}
    window.features.drawing.tool_actions["line"].trigger()
    click(qtbot, window, *A)
    click(qtbot, window, *B)
    double_click(qtbot, window, *C)
    (line,) = new_annotations(window, before)
    return line


def test_a_new_line_stops_the_tool_and_opens_its_properties_to_date_it(qtbot, window):
    window.time_state.set_at(parse_moment("2024-12-06"))
    line = draw_line(qtbot, window)
    assert window.canvas.tool is None  # the next click is not a new line
    assert (window.selection.kind, window.selection.id) == ("annotation", line.id)
    assert line.style["preset"] == "front line" and line.style["width"] >= 3
    dialog = window.features.drawing.properties_dialog
    assert dialog.isVisible() and dialog.valid_from_edit.text() == "2024-12-06"
    dialog.label_edit.setText("Front line 7 Dec")
    dialog.valid_from_edit.setText("2024-12-07")
    dialog.accept()
    saved = window.store.annotations.get(line.id)
    assert saved.label == "Front line 7 Dec" and saved.valid_from == parse_moment("2024-12-07")
    window.time_state.set_at(parse_moment("2024-12-05"))
    item = window.canvas.annotation_items.get(line.id)
    assert item is None or not item.isVisible()  # not drawn before its date
    window.undo_stack.undo()
    assert window.store.annotations.get(line.id).valid_from == parse_moment("2024-12-06")


def test_edit_selected_with_a_drawing_picked_opens_the_drawing_not_a_place(qtbot, window):
    window.selection.select("place", demo_id("place", "Homs"))
    line = draw_line(qtbot, window)
    window.features.drawing.properties_dialog.close()
    window.features.drawing.tool_actions["edit"].trigger()
    click(qtbot, window, *B)
    assert window.features.drawing.edit_tool.target_id == line.id
    opened = window.features.logging.edit_selected()
    assert opened is window.features.drawing.properties_dialog
    assert opened.original.id == line.id


def test_a_drawing_that_ends_before_it_starts_is_refused_in_the_dialog(qtbot, window):
    line = draw_line(qtbot, window)
    dialog = window.features.drawing.properties_dialog
    dialog.valid_from_edit.setText("2024-12-07")
    dialog.valid_to_edit.setText("2024-12-01")
    dialog.accept()
    assert dialog.isVisible() and "before" in dialog.message.text()
    assert window.store.annotations.get(line.id).valid_to is None


def test_double_clicking_a_drawing_with_the_edit_tool_opens_its_properties(qtbot, window):
    line = draw_line(qtbot, window)
    window.features.drawing.properties_dialog.close()
    window.features.drawing.tool_actions["edit"].trigger()
    click(qtbot, window, *B)
    double_click(qtbot, window, *B)
    dialog = window.features.drawing.properties_dialog
    assert dialog.isVisible() and dialog.original.id == line.id


def test_delete_with_a_drawing_selected_deletes_the_drawing(qtbot, window):
    line = draw_line(qtbot, window)
    window.features.drawing.properties_dialog.close()
    assert window.features.logging.delete_selected()
    assert window.store.annotations.find(line.id) is None


def test_a_selected_drawing_shows_its_dates_in_the_detail_pane(qtbot, window):
    line = draw_line(qtbot, window)
    dialog = window.features.drawing.properties_dialog
    dialog.label_edit.setText("Front line 7 Dec")
    dialog.valid_from_edit.setText("2024-12-07")
    dialog.accept()
    window.selection.clear()
    window.selection.select("annotation", line.id)
    text = window.detail.text
    assert "Front line 7 Dec" in text and "2024-12-07" in text
    assert window.detail.edit_button.isEnabled()
