"""File > Restore from backup…, and backups on open and while editing, in a window."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox

from sitrep_desktop.demo_situation import write_demo
from sitrep_desktop.domain import Place
from sitrep_desktop.store import Store
from sitrep_desktop.store.backups import BackupPolicy, list_backups
from sitrep_desktop.ui.window.backups import RestoreBackupDialog, human_size, install_backups


class StandInWindow(QMainWindow):
    """What install_backups needs of the main window, and nothing more."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.menu_file = self.menuBar().addMenu("&File")
        self.store: Store | None = None
        self.db_path = db_path
        self.reopen(db_path)

    def reopen(self, path: Path) -> None:
        if self.store is not None:
            self.store.close()
        self.store = Store.open(path)
        self.db_path = path
        self.setWindowTitle(path.name)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)


class FakeClock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def window(qtbot, new_demo_file) -> StandInWindow:
    win = StandInWindow(new_demo_file("aleppo.db"))
    qtbot.addWidget(win)
    return win


def add_village(store: Store, name: str = "Kafr Nabudah") -> Place:
    return store.places.add(Place(name=name, lat=35.44, lon=36.50, kind="village"))


def test_opening_a_file_backs_it_up_and_adds_the_menu_entry(window: StandInWindow) -> None:
    controller = install_backups(window)
    [backup] = list_backups(window.db_path)
    assert backup.reason == "open"
    texts = [a.text() for a in window.menu_file.actions()]
    assert "Restore from backup…" in texts and controller.action.isEnabled()
    assert controller.timer is None  # SITREP_NO_BACKUP_TIMER=1 in tests


def test_the_timer_runs_when_not_switched_off(window: StandInWindow, monkeypatch) -> None:
    monkeypatch.delenv("SITREP_NO_BACKUP_TIMER", raising=False)
    controller = install_backups(window)
    assert controller.timer is not None and controller.timer.isActive()
    controller.timer.stop()


def test_a_periodic_backup_follows_edits_not_the_clock_alone(window: StandInWindow) -> None:
    clock = FakeClock()
    controller = install_backups(window, BackupPolicy(interval_minutes=5, clock=clock))
    clock.now += 600
    controller.tick()
    assert len(list_backups(window.db_path)) == 1  # nothing written: no backup
    assert window.store is not None
    add_village(window.store)
    controller.tick()
    assert len(list_backups(window.db_path)) == 2  # written, and ten minutes since the last
    add_village(window.store, "Kafr Zita")
    controller.tick()
    assert len(list_backups(window.db_path)) == 2  # written, but the interval has not passed
    clock.now += 300
    controller.tick()
    newest = list_backups(window.db_path)[0]
    assert newest.reason == "periodic" and newest.record_counts()["places"] == 13


def test_the_dialog_lists_backups_newest_first_with_counts(qtbot, window: StandInWindow) -> None:
    controller = install_backups(window)
    assert window.store is not None
    add_village(window.store)
    controller.backup_now("periodic")
    dialog = RestoreBackupDialog(window.db_path, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[1] == "periodic" and cells[3] == "12" and "KB" in cells[2]
    assert dialog.table.item(1, 3).text() == "11"
    assert dialog.chosen() == list_backups(window.db_path)[0].path
    dialog.table.selectRow(1)
    assert dialog.chosen() == list_backups(window.db_path)[1].path


def test_an_empty_list_says_so_and_cannot_restore(qtbot, tmp_path: Path) -> None:
    dialog = RestoreBackupDialog(tmp_path / "none.db")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and dialog.chosen() is None
    assert not dialog.restore_button.isEnabled()


def test_restoring_from_the_menu_brings_the_old_file_back(
    window: StandInWindow, monkeypatch
) -> None:
    controller = install_backups(window)
    on_open = list_backups(window.db_path)[0].path
    assert window.store is not None
    village = add_village(window.store)
    monkeypatch.setattr(RestoreBackupDialog, "choose", classmethod(lambda cls, db, parent: on_open))
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    controller.action.trigger()
    assert window.store is not None and window.store.places.find(village.id) is None
    reasons = [b.reason for b in list_backups(window.db_path)]
    assert reasons == ["before-restore", "open"]  # no second "open" backup of the restored file
    before = list_backups(window.db_path)[0]
    assert before.record_counts()["places"] == 12
    add_village(window.store, "After the restore")  # the reopened store is writable


def test_cancelling_the_dialog_changes_nothing(window: StandInWindow, monkeypatch) -> None:
    controller = install_backups(window)
    monkeypatch.setattr(RestoreBackupDialog, "choose", classmethod(lambda cls, db, parent: None))
    store = window.store
    controller.action.trigger()
    assert window.store is store and len(list_backups(window.db_path)) == 1


def test_a_failed_restore_says_why_and_reopens_the_current_file(
    window: StandInWindow, tmp_path: Path, monkeypatch
) -> None:
    controller = install_backups(window)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _w, _t, text: shown.append(text))
    )
    assert window.store is not None
    village = add_village(window.store)
    assert not controller.restore(damaged)
    assert shown and "damaged.db" in shown[0]
    assert window.store is not None and window.store.places.find(village.id) is not None


def test_sizes_read_like_a_file_manager() -> None:
    assert human_size(512) == "512 bytes"
    assert human_size(250_000) == "244.1 KB"
    assert human_size(3 * 1024**3) == "3.0 GB"


@pytest.mark.skipif(
    importlib.util.find_spec("sitrep_desktop.ui.window.main_window") is None,
    reason="the main window is not written yet",
)
def test_the_real_main_window_gets_backups(qtbot, tmp_path: Path) -> None:
    from sitrep_desktop.ui.window.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    path = write_demo(tmp_path / "homs.db")
    assert window.open_path(path)
    controller = getattr(window, "backups", None) or install_backups(window)
    assert [b.reason for b in list_backups(path)] == ["open"]
    assert window.store is not None
    add_village(window.store)
    assert controller.restore(list_backups(path)[0].path)
    assert window.store is not None and window.store.places.by_name("Kafr Nabudah") is None
    window.close()
