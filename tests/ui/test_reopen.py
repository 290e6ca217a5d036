"""Opening another file hands over to a fresh window; a restored file reconnects in place."""

import pytest
from PySide6.QtCore import QSettings

from sitrep_desktop.domain import Place
from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path, new_demo_file):
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert win.open_path(new_demo_file("first.db"))
    win.show()
    return win


def test_opening_a_second_file_hands_over_to_a_new_window(window, qtbot, tmp_path):
    second = tmp_path / "second.db"
    with Store.open(second) as store:
        store.categories.ensure_defaults()
        store.places.add(Place(name="Qusayr", lat=34.51, lon=36.58))
    with qtbot.waitSignal(window.sigHandedOver) as handed:
        assert window.open_path(second)
    successor = handed.args[0]
    qtbot.addWidget(successor)
    assert successor.db_path == second
    assert [p.name for p in successor.store.places.all()] == ["Qusayr"]
    assert successor.event_list.model.rowCount() == 0
    assert window.store is None  # the first file is closed
    assert successor.recent_files()[:2] == [str(second), str(tmp_path / "first.db")]
    # The features of the new window act on the new file.
    successor.time_state.set_at(None)
    assert successor.canvas.store is successor.store


def test_a_file_replaced_underneath_reconnects_in_place(window, qtbot, tmp_path):
    store = window.store
    backup = tmp_path / "copy.db"
    store.backup_to(backup)
    store.places.add(Place(name="After the backup", lat=34.6, lon=36.6))
    assert window.undo_stack is not None
    store.close()
    backup.replace(window.db_path)
    with qtbot.waitSignal(window.event_list.model.modelReset):
        window.reopen(window.db_path)
    assert window.store is store  # same object, new connection
    assert store.places.by_name("After the backup") is None
    assert window.event_list.model.rowCount() == store.events.count()
    assert window.undo_stack.count() == 0


def test_a_window_shows_one_file_for_its_life(window):
    with pytest.raises(RuntimeError, match="already shows a file"):
        window.open_store(Store.memory(), None)
