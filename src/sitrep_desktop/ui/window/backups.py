"""File > Restore from backup…, and the backups made on open and while editing.

`install_backups(window)` wires it into a main window that has `store`,
`db_path`, `menu_file` and `reopen(path)`. The rolling backups themselves are
plain Python in `store/backups.py`; this module only decides when and asks the user.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.store.backups import (
    BackupInfo,
    BackupPolicy,
    DamagedSourceError,
    backup_file,
    list_backups,
    make_backup,
    restore_backup,
)
from sitrep_desktop.store.opening import CHECK_AT_OPEN_BYTES
from sitrep_desktop.ui.window.file_guard import FileGuard

log = logging.getLogger(__name__)

TICK_MS = 60_000  # how often the timer asks the policy; the policy decides
NO_TIMER_VARIABLE = "SITREP_NO_BACKUP_TIMER"
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
COLUMNS = ("Taken", "Why", "Size", "Places", "Events", "Control changes")


class RestoreBackupDialog(QDialog):
    """Lists the backups of a database, newest first; `chosen()` is the one picked."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.backups = list_backups(db_path)
        layout = QVBoxLayout(self)
        if self.backups:
            text = (
                f"Backups of {db_path.name}, newest first. Restoring replaces the file; "
                "its current state is backed up first, so a restore can be undone."
            )
        else:
            text = f"There are no backups of {db_path.name} yet."
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.backups), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for row, backup in enumerate(self.backups):
            for column, value in enumerate(backup_row(backup)):
                item = QTableWidgetItem(value)
                if column >= 2:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(row, column, item)
        self.table.itemDoubleClicked.connect(self.accept)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self.chosen() is not None)
        )
        if self.backups:
            self.table.selectRow(0)
        self.resize(720, 360)

    def chosen(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()].path if rows else None

    @classmethod
    def choose(cls, db_path: Path, parent: QWidget | None = None) -> Path | None:
        """Show the dialog; the chosen backup, or None if cancelled."""
        dialog = cls(db_path, parent)
        try:
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def backup_row(backup: BackupInfo) -> tuple[str, ...]:
    counts = backup.record_counts()
    local = backup.taken.astimezone()
    return (
        f"{local:%Y-%m-%d %H:%M:%S} ({_ago(backup.taken)})",
        backup.reason.replace("-", " "),
        human_size(backup.size),
        *(str(counts[k]) if k in counts else "?" for k in ("places", "events", "control changes")),
    )


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def _ago(taken: datetime) -> str:
    seconds = max(0, int((datetime.now(taken.tzinfo) - taken).total_seconds()))
    if seconds < 90:
        return "just now"
    if seconds < 90 * 60:
        return f"{seconds // 60} min ago"
    if seconds < 36 * 3600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


class BackupController(QObject):
    """Backs up the window's file on open and periodically; restores on request."""

    sigBackedUp = Signal(object)  # a background backup's Path, or the SitRepError it met

    def __init__(self, window: Any, policy: BackupPolicy | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.policy = policy or BackupPolicy()
        self._store: Any = None
        self._skip_open_backup = False
        self.action = window.menu_file.addAction("Restore from backup…")
        self.action.triggered.connect(self.restore_dialog)
        self.timer: QTimer | None = None
        self.damaged_box: QMessageBox | None = None
        self.running: threading.Thread | None = None  # a big file's backup under way
        self.sigBackedUp.connect(self._on_backed_up)
        if os.environ.get(NO_TIMER_VARIABLE) != "1":
            self.timer = QTimer(self)
            self.timer.setInterval(TICK_MS)
            self.timer.timeout.connect(self.tick)
            self.timer.start()
        # The window retitles itself whenever it opens a file: the one signal that
        # tells us a new store is in place, without the window having to call us.
        window.windowTitleChanged.connect(self.sync_store)
        self.sync_store()

    def sync_store(self, *_: object) -> None:
        """Follow the window's current store: subscribe to its writes, back it up on open."""
        store = getattr(self.window, "store", None)
        if store is self._store:
            return
        self._store = store
        self.action.setEnabled(store is not None and self.window.db_path is not None)
        if store is None or store.path is None:
            return
        store.subscribe(self.policy.note_write)
        self.policy.done()
        if self._skip_open_backup:
            self._skip_open_backup = False  # just restored: that state is already backed up
            return
        self.backup_now("open")

    def tick(self) -> None:
        self.sync_store()
        if self._store is not None and self.policy.is_due():
            self.backup_now("periodic")

    def backup_now(self, reason: str) -> Path | None:
        store = self._store
        if store is None or store.path is None:
            return None
        if _is_big(store.path):  # seconds to copy, a minute to check: not on the window's time
            self._backup_in_background(store.path, reason)
            return None
        try:
            made = make_backup(store, reason)
        except SitRepError as exc:
            self._backup_failed(exc)
            return None
        self.policy.done()
        return made

    def _backup_in_background(self, path: Path, reason: str) -> None:
        if self.running is not None and self.running.is_alive():
            return  # one at a time; the next tick sees the edits since
        self.policy.done()

        def run() -> None:
            try:
                result: object = backup_file(path, reason)
            except SitRepError as exc:
                result = exc
            self.sigBackedUp.emit(result)  # queued: the window hears it on its own thread

        self.running = threading.Thread(target=run, name="backup", daemon=True)
        self.running.start()

    def _on_backed_up(self, result: object) -> None:
        if isinstance(result, SitRepError):
            self._backup_failed(result)

    def _backup_failed(self, exc: SitRepError) -> None:
        if isinstance(exc, DamagedSourceError):  # the user must hear this one, not glimpse it
            log.warning("backup refused: %s", exc)
            self._status(f"Backup refused: {exc}")
            self.damaged_box = QMessageBox(
                QMessageBox.Icon.Warning, "Backup refused", str(exc), parent=self.window
            )
            self.damaged_box.setModal(False)
            self.damaged_box.show()
            return
        log.warning("backup failed: %s", exc)  # a full disk must not stop the editing
        self._status(f"Backup failed: {exc}")

    def restore_dialog(self) -> None:
        db_path = self.window.db_path
        if db_path is None:
            return
        chosen = RestoreBackupDialog.choose(Path(db_path), self.window)
        if chosen is None:
            return
        answer = QMessageBox.question(
            self.window,
            "Restore from backup",
            f"Replace {Path(db_path).name} with the backup {chosen.name}?\n\n"
            "The current state is backed up first.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(chosen)

    def restore(self, backup: Path) -> bool:
        """Close the store, put `backup` in place, reopen; say what happened."""
        db_path = Path(self.window.db_path)
        if self.window.store is not None:
            self.window.store.close()
        ok, safety = True, None
        try:
            safety = restore_backup(backup, db_path)
            self._skip_open_backup = True
        except SitRepError as exc:
            ok = False
            QMessageBox.critical(self.window, "Restore from backup", str(exc))
        try:
            self.window.reopen(db_path)
        except SitRepError as exc:
            QMessageBox.critical(self.window, "Restore from backup", str(exc))
            return False
        self.sync_store()
        if ok:
            kept = f"; the state before is in {safety.name}" if safety else ""
            self._status(f"Restored {backup.name}{kept}")
        return ok

    def _status(self, text: str) -> None:
        status = getattr(self.window, "statusBar", None)
        if callable(status):
            status().showMessage(text, 10_000)


def _is_big(path: Path) -> bool:
    try:
        return path.stat().st_size > CHECK_AT_OPEN_BYTES
    except OSError:
        return False


def install_backups(window: Any, policy: BackupPolicy | None = None) -> BackupController:
    """Add File > Restore from backup…, back up now (on open) and every few minutes of edits."""
    controller = BackupController(window, policy)
    # The file under the window (replaced, read-only, refused edits) has its own guard.
    window.file_guard = FileGuard(window)
    return controller
