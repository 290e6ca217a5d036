"""The file under the window: deleted or replaced, read-only, or refusing an edit.

`FileGuard(window)` checks that the window's file is still the one it opened
whenever the window regains focus (the store also checks before every write),
and when it is not, stops the editing and offers "Save as…" so that no edit is
lost. It also warns once when a file opens read-only, and shows every undo or
redo the store refused. Installed by `install_backups` (ui/window/backups.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.store.errors import FileReplacedError

log = logging.getLogger(__name__)

ChoosePath = Callable[[Any, Path], Path | None]


def ask_save_path(window: Any, lost: Path) -> Path | None:
    suggestion = lost.with_name(f"{lost.stem} (saved){lost.suffix or '.db'}")
    path, _ = QFileDialog.getSaveFileName(
        window, "Save your work as", str(suggestion), "SitRep database (*.db)"
    )
    return Path(path) if path else None


class FileGuard(QObject):
    """Watches the window's store file; `choose_path` is replaceable in tests."""

    def __init__(self, window: Any, choose_path: ChoosePath = ask_save_path) -> None:
        super().__init__(window)
        self.window = window
        self.choose_path = choose_path
        self.box: QMessageBox | None = None
        self._stack: Any = None
        self._warned_read_only: Any = None
        window.installEventFilter(self)
        window.windowTitleChanged.connect(self.follow)
        self.follow()

    def follow(self, *_: object) -> None:
        """Listen to the window's current undo stack; warn if its file is read-only."""
        stack = getattr(self.window, "undo_stack", None)
        if stack is not None and stack is not self._stack and hasattr(stack, "sigFileLost"):
            stack.sigFileLost.connect(self.file_lost)
            stack.sigRefused.connect(self.refused)
            self._stack = stack
        store = getattr(self.window, "store", None)
        if store is not None and store is not self._warned_read_only and store.read_only:
            self._warned_read_only = store
            self._show(
                QMessageBox.Icon.Warning,
                f"{Path(store.path).name} is read-only (the file, its folder or its disk): "
                "you can look, but edits will not be saved. Copy it somewhere writable "
                "to edit it.",
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            self.check()
        return False

    def check(self) -> bool:
        """True if the file is still the one opened; else offer to save the work elsewhere."""
        store = getattr(self.window, "store", None)
        if store is None:
            return True
        try:
            store.check_file()
        except FileReplacedError as exc:
            self.file_lost(str(exc))
            return False
        return True

    def file_lost(self, message: str) -> None:
        """Say what happened and offer Save as…; once per lost file."""
        if self.box is not None and self.box.isVisible():
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "File replaced", message, parent=self.window)
        save = box.addButton("Save as…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.buttonClicked.connect(lambda button: button is save and self.save_as())
        box.setModal(False)
        box.show()
        self.box = box

    def save_as(self) -> Path | None:
        """Copy every committed edit to a new file and continue there."""
        store = getattr(self.window, "store", None)
        if store is None or store.path is None:
            return None
        target = self.choose_path(self.window, Path(store.path))
        if target is None:
            return None
        try:
            store.save_as(target)
        except SitRepError as exc:
            self._show(QMessageBox.Icon.Critical, f"Not saved: {exc}")
            return None
        if self.box is not None:
            self.box.close()
        # Opening the copy closes this window's store, whose journal no longer
        # belongs to the file now at the old path: SQLite removes it on close.
        self.window.open_path(target)
        return target

    def refused(self, message: str) -> None:
        self._show(QMessageBox.Icon.Warning, f"Not saved: {message}")

    def _show(self, icon: QMessageBox.Icon, text: str) -> None:
        log.warning("%s", text)
        box = QMessageBox(icon, "SitRep Desktop", text, parent=self.window)
        box.setModal(False)
        box.show()
        self.last_message = box
