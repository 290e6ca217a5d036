"""The damage check of a big file, run beside the window rather than before it.

PRAGMA quick_check reads every page: about 2 s for a file of a million events, all
before the first paint. Store.open(check_later=True) leaves it out for a big file at
the latest schema (a file to back up or migrate is still checked first); this runs it
on its own read-only connection in a worker thread (SQLite lets go of the GIL while
it reads), and the window says so if the file turns out damaged.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from sitrep_desktop.store.opening import damage_of
from sitrep_desktop.ui.window.first_paint import on_first_paint

ADVICE = (
    "Save nothing more to it: close it and open a backup (File ▸ Backups), or make a "
    "copy with the sqlite3 tool's .recover."
)


class DamageCheck(QObject):
    """Checks `path` once in a worker thread; `sigChecked` carries None (sound) or why not."""

    sigChecked = Signal(object)

    def __init__(self, path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.path = path
        self.result: str | None = None
        self.done = threading.Event()
        self.sigChecked.connect(self._tell)  # queued: the thread emits, the window shows

    def start(self) -> None:
        threading.Thread(target=self._run, name="damage-check", daemon=True).start()

    def _run(self) -> None:
        try:
            self.result = damage_of(self.path)
        except Exception as exc:  # a file gone or locked meanwhile: not damage
            self.result = None
            del exc
        self.done.set()
        self.sigChecked.emit(self.result)

    def _tell(self, result: str | None) -> None:
        parent = self.parent()
        if result is not None and isinstance(parent, QWidget):
            box = QMessageBox(QMessageBox.Icon.Critical, parent.windowTitle() or "SitRep",
                              f"{result}.\n\n{ADVICE}", parent=parent)  # fmt: skip
            box.setModal(False)
            box.show()
            self.box = box


def check_later(store, parent: QWidget) -> DamageCheck | None:
    """Start the damage check Store.open left out, if it left it out."""
    if not getattr(store, "check_pending", False) or store.path is None:
        return None
    check = DamageCheck(store.path, parent)
    canvas = getattr(parent, "canvas", None)
    if canvas is not None:  # after the map's first paint: it has the cores to itself until then
        on_first_paint(canvas.viewport(), check.start)
    else:
        check.start()
    return check
