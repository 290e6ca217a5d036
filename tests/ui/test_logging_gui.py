"""Logging through the GUI: create, edit, delete and undo; validation; control changes."""

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from sitrep_desktop.domain.templates import template_named
from sitrep_desktop.services.demo import demo_id

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

HAMA = demo_id("place", "Hama")
HOMS = demo_id("place", "Homs")


@pytest.fixture
def looking_window(shared_window):
    """The module's shared window, for the tests whose forms are refused or never
    accepted; after each, its dialogs are closed, the selection cleared and the time
    back to now."""
    yield shared_window
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    shared_window.selection.clear()
    shared_window.time_state.set_at(None)


def test_ctrl_e_on_a_selected_place_logs_an_event_there_and_undo_removes_it(window):
    window.selection.select("place", HAMA)
    window.features.logging.action_new_event.trigger()
    dialog = window.features.logging.last_dialog
    assert dialog.form.data("place") == HAMA
    dialog.form.set_text("title", "Shelling of Hama outskirts")
    dialog.form.set_text("at", "2024-12-05T14:30+02:00")
    dialog.accept()
    assert not dialog.isVisible()
    saved = [e for e in window.store.events.all() if e.title == "Shelling of Hama outskirts"]
    assert len(saved) == 1 and saved[0].at.key == "2024-12-05T12:30:00.000000Z"
    assert saved[0].at.text == "2024-12-05T14:30:00+02:00"
    assert window.event_list.model.rowCount() == 11
    window.action_undo.trigger()
    assert window.store.events.find(saved[0].id) is None
    assert window.event_list.model.rowCount() == 10
    window.action_redo.trigger()
    assert window.store.events.find(saved[0].id) is not None


def test_a_validation_error_keeps_the_form_open_and_the_store_unchanged(window, qtbot):
    journal = window.store.journal.count()
    dialog = window.features.logging.new_place()
    dialog.form.set_text("name", "Kafr Nabudah")
    dialog.form.set_text("lat", "95")
    dialog.form.set_text("lon", "36.5")
    dialog.accept()
    assert dialog.isVisible()
    assert "latitude" in dialog.form.error_text("lat")
    assert window.store.journal.count() == journal
    assert window.store.places.count() == 11
    assert window.undo_stack.count() == 0
    dialog.form.set_text("lat", "35.4")
    dialog.accept()
    assert not dialog.isVisible()
    assert dialog.form.error_text("lat") == ""
    assert window.store.places.count() == 12


def test_a_bad_time_is_shown_inline_not_saved(looking_window):
    window = looking_window
    dialog = window.features.logging.open_dialog("event")
    dialog.form.set_text("title", "Something")
    dialog.form.set_text("at", "5 December")
    dialog.accept()
    assert dialog.isVisible() and "ISO 8601" in dialog.form.error_text("at")
    assert window.store.events.count() == 10


def test_edit_from_the_detail_pane_shows_history_and_undoes(window):
    event = next(e for e in window.store.events.all() if e.title == "HTS captures Hama")
    window.selection.select("event", event.id)
    window.detail.edit_button.click()
    dialog = window.features.logging.last_dialog
    dialog.form.set_text("title", "HTS takes Hama")
    dialog.form.set_text("confidence", "medium")
    dialog.accept()
    assert window.store.events.get(event.id).title == "HTS takes Hama"
    text = window.detail.text
    assert "History" in text and "HTS captures Hama → HTS takes Hama" in text
    assert "high → medium" in text
    window.undo_stack.undo()
    assert window.store.events.get(event.id).title == "HTS captures Hama"


def test_ctrl_k_logs_a_control_change_and_the_map_recolours_at_once(window):
    window.selection.select("place", HOMS)
    assert window.canvas.place_colours[HOMS] == "#c62828"
    window.features.logging.action_log_control.trigger()
    dialog = window.features.logging.last_dialog
    dialog.form.set_data("faction", demo_id("faction", "HTS"))
    dialog.form.set_text("at", "2024-12-08")
    dialog.form.set_text("source", "field report")
    dialog.accept()
    assert window.canvas.place_colours[HOMS] == "#2e7d32"
    window.undo_stack.undo()
    assert window.canvas.place_colours[HOMS] == "#c62828"


def test_a_control_change_without_source_is_refused_inline(looking_window):
    window = looking_window
    dialog = window.features.logging.log_control_change(HOMS)
    dialog.form.set_data("faction", demo_id("faction", "HTS"))
    dialog.form.set_text("source", "")
    dialog.accept()
    assert dialog.isVisible() and dialog.form.error_text("source") == "is required"
    assert window.canvas.place_colours[HOMS] == "#c62828"


def test_deleting_many_asks_first_and_undo_restores_all(window):
    table = window.event_list.table
    table.selectAll()
    asked = []
    assert not window.features.logging.delete_selected(confirm=lambda n: asked.append(n) or False)
    assert asked == [10] and window.store.events.count() == 10
    assert window.features.logging.delete_selected(confirm=lambda n: True)
    assert window.store.events.count() == 0
    assert window.event_list.model.rowCount() == 0
    window.action_undo.trigger()
    assert window.store.events.count() == 10
    assert window.event_list.model.rowCount() == 10


def test_deleting_a_place_still_in_use_is_refused_and_nothing_changes(looking_window, monkeypatch):
    window = looking_window
    from PySide6.QtWidgets import QMessageBox

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    window.selection.select("place", HAMA)
    assert not window.features.logging.delete_selected()
    assert "still has" in warned[0]
    assert window.store.places.find(HAMA) is not None
    assert window.undo_stack.count() == 0


def test_template_x_captured_y_fills_actor_place_and_category(window):
    window.selection.select("place", HOMS)
    dialog = window.features.logging.from_template(template_named("X captured Y"), actor="HTS")
    form = dialog.form
    assert form.text("title") == "HTS captured Homs"
    assert form.text("category") == "capture"
    assert form.text("actors") == "HTS"
    assert form.data("place") == HOMS
    dialog.accept()
    assert any(e.title == "HTS captured Homs" for e in window.store.events.all())


def test_airstrike_template_needs_no_actor(looking_window):
    window = looking_window
    window.selection.select("place", demo_id("place", "Talbiseh"))
    dialog = window.features.logging.from_template(template_named("airstrike on Y"))
    assert dialog.form.text("title") == "Airstrike on Talbiseh"
    assert dialog.form.text("category") == "airstrike"


def test_new_event_at_a_map_click(window):
    window.selection.clear()
    window.canvas.resize(800, 600)
    window.canvas.center_on(35.5, 37.0, span_deg=0.5)  # no place within snapping distance
    window.features.logging.action_new_event.trigger()
    tool = window.canvas.tool
    assert tool is not None and tool.name == "pick point"

    class Click:
        def button(self):
            from PySide6.QtCore import Qt

            return Qt.MouseButton.LeftButton

    tool.mouse_press(35.5, 37.0, Click())
    assert window.canvas.tool is None
    dialog = window.features.logging.last_dialog
    assert dialog.form.text("geometry") == "POINT (37.000000 35.500000)"
    dialog.form.set_text("title", "Convoy seen")
    dialog.accept()
    event = next(e for e in window.store.events.all() if e.title == "Convoy seen")
    assert event.geometry.startswith("POINT (37")


def test_what_changed_between_27_november_and_6_december(looking_window):
    window = looking_window
    dialog = window.features.logging.what_changed("2024-11-27", "2024-12-06")
    handed = {
        h.place.name: (h.before.short_name, h.after.short_name) for h in dialog.changes.handovers
    }
    assert handed["Aleppo"] == ("GOV", "HTS")
    assert handed["Hama"] == ("GOV", "HTS")
    assert "Homs" not in handed and "Damascus" not in handed
    assert "    Aleppo: GOV → HTS" in dialog.lines and "    Hama: GOV → HTS" in dialog.lines
    # From is inclusive: the 27 November event that starts it all is in, and the dialog says so.
    assert dialog.event_count == 10
    assert "    2024-11-27  HTS launches offensive in north-west Syria" in dialog.lines
    assert "Both days included" in dialog.hint.text()


def test_ctrl_k_at_a_past_date_proposes_that_date_and_nobody_as_the_new_holder(looking_window):
    window = looking_window
    from sitrep_desktop.domain import parse_moment

    window.time_state.set_at(parse_moment("2024-12-04"))
    window.selection.select("place", HOMS)
    window.features.logging.action_log_control.trigger()
    form = window.features.logging.last_dialog.form
    assert form.text("at") == "2024-12-04"
    assert form.data("faction") is None  # not the government, which holds Homs then
    assert "Held by" in form.holder.text() and "2024-12-04" in form.holder.text()
    form.set_text("source", "field report")
    window.features.logging.last_dialog.accept()
    assert form.error_text("faction") == "is required"
