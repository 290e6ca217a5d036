"""The window's later damage check: a sound file says nothing, a damaged one says so."""

from PySide6.QtWidgets import QMessageBox, QWidget
from tests.scale_data import fill_events
from tests.store.test_scale_damage_check import scribble_over_the_last_pages

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.damage_check import DamageCheck, check_later


def test_a_damaged_file_is_reported_after_the_window_shows(qtbot, new_demo_file):
    path = new_demo_file("big.db")
    with Store.open(path) as store:
        fill_events(store, 800)
    scribble_over_the_last_pages(path)
    parent = QWidget()
    qtbot.addWidget(parent)
    check = DamageCheck(path, parent)
    with qtbot.waitSignal(check.sigChecked, timeout=20_000) as signal:
        check.start()
    assert "is damaged" in signal.args[0]
    qtbot.waitUntil(lambda: isinstance(getattr(check, "box", None), QMessageBox))
    assert "is damaged" in check.box.text()
    check.box.close()


def test_a_store_checked_at_open_starts_no_later_check(qtbot, demo_memory_store):
    parent = QWidget()
    qtbot.addWidget(parent)
    assert check_later(demo_memory_store, parent) is None
