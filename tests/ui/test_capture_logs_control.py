"""Logging "HTS captures Homs" offers to log that HTS holds Homs, in the same undo step."""

import pytest
from PySide6.QtCore import Qt

from sitrep_desktop.domain import Event, parse_moment
from sitrep_desktop.services.demo import demo_id

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

HOMS = demo_id("place", "Homs")
HAMA = demo_id("place", "Hama")
HTS = demo_id("faction", "HTS")
GOV_RED, HTS_GREEN = "#c62828", "#2e7d32"


def capture_form(window, qtbot, actors="HTS", at="2024-12-07"):
    """Ctrl+E with Homs selected, filled in as a capture."""
    window.selection.select("place", HOMS)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.features.logging.last_dialog
    qtbot.waitExposed(dialog)
    form = dialog.form
    form.set_text("title", "HTS captures Homs")
    form.set_text("category", "capture")
    form.set_text("actors", actors)
    form.set_text("at", at)
    form.set_text("source", "field report")
    form.set_text("confidence", "high")
    return dialog


def homs_changes(window):
    return window.store.control.history(HOMS)


def test_a_capture_of_homs_logs_hts_holds_homs_too_and_one_undo_removes_both(window, qtbot):
    dialog = capture_form(window, qtbot)
    box = dialog.form.control_offer
    assert box.isVisible() and box.check.isChecked()
    assert box.check.text() == "Also &log: HTS holds Homs from 2024-12-07"
    assert "field report, high" in box.note.text()
    before, steps = len(homs_changes(window)), window.undo_stack.count()
    dialog.accept()
    assert not dialog.isVisible()
    event = next(e for e in window.store.events.all() if e.title == "HTS captures Homs")
    change = homs_changes(window)[-1]
    assert len(homs_changes(window)) == before + 1
    assert (change.faction_id, change.at.text, change.at.date_only) == (HTS, "2024-12-07", True)
    assert (change.source, change.confidence) == ("field report", "high")
    assert window.undo_stack.count() == steps + 1
    window.time_state.set_at(parse_moment("2024-12-07"))
    assert window.canvas.place_colours[HOMS] == HTS_GREEN
    window.time_state.set_at(parse_moment("2024-12-06"))
    assert window.canvas.place_colours[HOMS] == GOV_RED
    window.time_state.set_at(parse_moment("2024-12-07"))
    window.action_undo.trigger()
    assert window.store.events.find(event.id) is None
    assert window.store.control.find(change.id) is None
    assert window.canvas.place_colours[HOMS] == GOV_RED
    window.action_redo.trigger()
    assert window.store.events.find(event.id) and window.store.control.find(change.id)
    assert window.canvas.place_colours[HOMS] == HTS_GREEN


def test_unticking_the_box_saves_only_the_event(window, qtbot):
    dialog = capture_form(window, qtbot)
    before = len(homs_changes(window))
    dialog.form.control_offer.check.setChecked(False)
    dialog.accept()
    assert any(e.title == "HTS captures Homs" for e in window.store.events.all())
    assert len(homs_changes(window)) == before
    assert window.canvas.place_colours[HOMS] == GOV_RED


def test_the_box_is_reached_by_tab_toggled_by_space_and_enter_still_saves(window, qtbot):
    dialog = capture_form(window, qtbot)
    dialog.activateWindow()
    confidence = dialog.form.fields["confidence"]
    confidence.setFocus()
    qtbot.waitUntil(confidence.hasFocus)
    qtbot.keyClick(confidence, Qt.Key.Key_Tab)
    check = dialog.form.control_offer.check
    assert check.hasFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    assert not check.isChecked()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    assert check.isChecked()
    before = len(homs_changes(window))
    qtbot.keyClick(check, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert len(homs_changes(window)) == before + 1


def test_two_factions_in_the_actors_offer_a_choice_unticked(window, qtbot):
    dialog = capture_form(window, qtbot, actors="Syrian government forces, HTS")
    box = dialog.form.control_offer
    assert box.isVisible() and not box.check.isChecked()
    assert box.picker.isVisible() and box.picker.currentData() == HTS  # not the holder: first
    assert [box.picker.itemText(i) for i in range(box.picker.count())] == ["HTS", "GOV"]
    assert "pick who took Homs" in box.note.text()
    before = len(homs_changes(window))
    box.check.setChecked(True)
    dialog.accept()
    assert homs_changes(window)[-1].faction_id == HTS
    assert len(homs_changes(window)) == before + 1


def test_without_a_source_the_box_waits_unticked_and_the_event_saves_alone(window, qtbot):
    dialog = capture_form(window, qtbot)
    box = dialog.form.control_offer
    dialog.form.set_text("source", "")
    assert not box.check.isEnabled() and not box.check.isChecked()
    assert "fill in Source above" in box.note.text()
    dialog.form.set_text("source", "field report")
    assert box.check.isEnabled() and box.check.isChecked()
    dialog.form.set_text("source", "")
    events, changes = window.store.events.count(), len(homs_changes(window))
    dialog.accept()
    assert not dialog.isVisible()
    assert window.store.events.count() == events + 1 and len(homs_changes(window)) == changes


def test_editing_hama_captured_on_5_december_offers_no_duplicate(window, qtbot):
    event = next(e for e in window.store.events.all() if e.title == "HTS captures Hama")
    dialog = window.features.logging.edit("event", event.id)
    box = dialog.form.control_offer
    assert box.isVisible() and not box.check.isVisible()
    assert box.note.text() == "Already logged: HTS holds Hama from 2024-12-05."
    changes = window.store.control.count()
    dialog.form.set_text("title", "HTS takes Hama")
    dialog.accept()
    assert window.store.events.get(event.id).title == "HTS takes Hama"
    assert window.store.control.count() == changes


def test_editing_an_event_into_a_capture_logs_both_in_one_step(window, qtbot):
    event = next(e for e in window.store.events.all() if e.title.startswith("HTS urges"))
    dialog = window.features.logging.edit("event", event.id)
    assert not dialog.form.control_offer.isVisible()  # a statement implies nothing
    dialog.form.set_text("category", "capture")
    dialog.form.set_text("source", "field report")
    assert dialog.form.control_offer.check.isChecked()
    steps, changes = window.undo_stack.count(), window.store.control.count()
    dialog.accept()
    assert window.store.events.get(event.id).category == "capture"
    assert window.store.control.count() == changes + 1
    assert window.undo_stack.count() == steps + 1
    window.undo_stack.undo()
    assert window.store.events.get(event.id).category == "statement"
    assert window.store.control.count() == changes


def test_a_withdrawal_by_the_holder_alone_says_the_next_holder_is_unknown(window, qtbot):
    dialog = capture_form(window, qtbot, actors="GOV")
    dialog.form.set_text("category", "withdrawal")
    box = dialog.form.control_offer
    assert box.isVisible() and not box.check.isVisible()
    assert "does not say who holds it now" in box.note.text()
    changes = window.store.control.count()
    dialog.accept()
    assert window.store.control.count() == changes


def test_events_that_imply_nothing_show_no_control_row(window, qtbot):
    dialog = capture_form(window, qtbot, actors="HTS")
    dialog.form.set_text("category", "airstrike")
    assert not dialog.form.control_offer.isVisible()
    dialog.form.set_text("category", "capture")
    dialog.form.set_text("actors", "local fighters")
    assert not dialog.form.control_offer.isVisible()


def test_a_capture_contradicting_a_change_at_that_very_time_adds_nothing_and_says_so(window, qtbot):
    dialog = capture_form(window, qtbot, actors="GOV", at="2024-12-05")
    dialog.form.set_data("place", HAMA)
    box = dialog.form.control_offer
    assert not box.check.isVisible()
    assert box.note.text().startswith("Hama already has a control change at 2024-12-05 (HTS)")
    changes = window.store.control.count()
    dialog.accept()
    assert not dialog.isVisible() and window.store.control.count() == changes


def test_saving_an_old_capture_unchanged_logs_nothing_new(window):
    """An event logged before this shortcut existed: its offer starts unticked, so
    opening and saving it never logs a change the analyst did not ask for."""
    old = window.store.events.add(
        Event(
            at="2024-12-07",
            title="HTS captures Homs",
            category="capture",
            place_id=HOMS,
            actors=("HTS",),
            source="field report",
            confidence="high",
        )
    )
    dialog = window.features.logging.edit("event", old.id)
    box = dialog.form.control_offer
    assert box.isVisible() and box.check.isVisible() and not box.check.isChecked()
    changes = window.store.control.count()
    dialog.accept()
    assert window.store.control.count() == changes
