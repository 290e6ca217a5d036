"""File > Restore from backup…, and backups on open and while editing, in a window."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox

from damaged_db import stale_after_a_good_backup
from sitrep_desktop.domain import Place
from sitrep_desktop.services.demo import write_demo
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
    controller = window.features.backups
    assert [b.reason for b in list_backups(path)] == ["open"]
    assert window.store is not None
    add_village(window.store)
    assert controller.restore(list_backups(path)[0].path)
    assert window.store is not None and window.store.places.by_name("Kafr Nabudah") is None
    window.close()


# -- the file under the window ---------------------------------------------------------


def _real_window(qtbot, tmp_path: Path, path: Path):
    from sitrep_desktop.ui.window.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.open_path(path)
    return window


def test_plain_files_named_like_backup_folders_do_not_stop_the_tools(qtbot, tmp_path) -> None:
    path = write_demo(tmp_path / "demo.db")
    (tmp_path / "demo.backups").write_text("someone's notes")
    (tmp_path / "demo.db.backups").write_text("someone's notes")
    window = _real_window(qtbot, tmp_path, path)
    # Every feature installed after the backups (measure, logging, drawing, map).
    assert window.features.backups is not None
    assert getattr(window, "file_guard", None) is not None
    for feature in ("measure", "logging", "drawing", "map"):
        assert getattr(window.features, feature, None) is not None, feature
    assert "Backup failed" in window.statusBar().currentMessage()
    assert "is a file, not a folder" in window.statusBar().currentMessage()
    window.close()


def test_a_file_failing_the_integrity_check_is_not_backed_up_and_the_user_is_told(
    qtbot, tmp_path: Path
) -> None:
    path = write_demo(tmp_path / "stale.db")
    good = stale_after_a_good_backup(path)
    window = StandInWindow(path)
    qtbot.addWidget(window)
    controller = install_backups(window)
    assert controller.damaged_box is not None and controller.damaged_box.isVisible()
    assert "integrity check" in controller.damaged_box.text()
    assert [b.path for b in list_backups(path)] == [good]


def test_a_replaced_file_is_noticed_on_focus_and_saved_as_a_new_file(qtbot, tmp_path) -> None:
    import os

    path = write_demo(tmp_path / "ops.db")
    window = _real_window(qtbot, tmp_path, path)
    assert window.store is not None
    add_village(window.store, "Logged in the window")
    colleague = write_demo(tmp_path / "colleague.db")
    os.replace(colleague, path)
    saved = tmp_path / "mine.db"
    window.file_guard.choose_path = lambda _window, _lost: saved
    assert not window.file_guard.check()  # what regaining focus runs
    assert window.file_guard.box is not None and window.file_guard.box.isVisible()
    assert "replaced" in window.file_guard.box.text()
    # An edit meanwhile is refused, not "saved" into the old file.
    refusal = window.undo_stack.attempt(_add_command("Lost otherwise"))
    assert refusal is not None and "replaced" in refusal
    assert window.file_guard.save_as() == saved
    successor = window.successor
    qtbot.addWidget(successor)
    assert successor.store.path == saved
    assert successor.store.places.by_name("Logged in the window") is not None
    successor.close()
    with Store.open(path) as theirs:
        assert theirs.places.by_name("Logged in the window") is None


def _add_command(name: str):
    from sitrep_desktop.commands import AddRecords

    return AddRecords([Place(name=name, lat=35.0, lon=36.0)], f"add {name}")


def test_a_refused_undo_is_shown_not_swallowed(window: StandInWindow, monkeypatch) -> None:
    from sitrep_desktop.store.errors import DiskFullError
    from sitrep_desktop.ui.window.undo import UndoStack

    assert window.store is not None
    stack = UndoStack(window.store, window)
    window.undo_stack = stack
    install_backups(window)
    assert stack.attempt(_add_command("Kafr Nabudah")) is None

    def full(*_args, **_kwargs):
        raise DiskFullError("aleppo.db: the disk is full; nothing was saved")

    monkeypatch.setattr(type(window.store.places), "delete_many", full, raising=False)
    monkeypatch.setattr(window.store, "transaction", full)
    stack.undo()
    box = window.file_guard.last_message
    assert box.isVisible() and "the disk is full" in box.text()


def test_a_file_on_a_read_only_disk_opens_with_a_warning(qtbot, tmp_path: Path) -> None:
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = write_demo(folder / "demo.db")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        window = _real_window(qtbot, tmp_path, path)
        warning = window.file_guard.last_message
        assert warning.isVisible() and "read-only" in warning.text()
        refusal = window.undo_stack.attempt(_add_command("Not saved"))
        assert refusal is not None and "read-only" in refusal
        window.close()
    finally:
        subprocess.run(["umount", str(folder)], check=True)
