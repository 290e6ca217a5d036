"""Starting the window: find or create the user's database, show the window fast.

The window frame needs only QtWidgets; the store, pyqtgraph, shapely and the
basemap are imported when the database is opened, after the frame's first
paint, so the user sees the window at once. For the start-up benchmark,
SITREP_EXIT_AFTER_SHOWN=1 quits after that first paint and SITREP_EXIT_AFTER_MAP=1
after the map's first paint, each printing "shown after N ms" / "map painted
after N ms" (from this module's import).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from sitrep_desktop.paths import APPLICATION, ORGANISATION, default_database_path
from sitrep_desktop.ui.window.first_paint import on_first_paint
from sitrep_desktop.ui.window.main_window import APP_NAME, MainWindow

_STARTED = time.perf_counter()


def _exit_with(app, what: str) -> None:
    print(f"{what} after {(time.perf_counter() - _STARTED) * 1000:.0f} ms", flush=True)
    app.quit()


def run_gui(argv: Sequence[str]) -> int:
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv[1:]])
    window = MainWindow()
    path = Path(argv[0]) if argv else default_database_path()
    if os.environ.get("SITREP_EXIT_AFTER_SHOWN"):
        on_first_paint(window, lambda: _exit_with(app, "shown"))
    else:
        # Open after the first paint, so the window is on screen before heavy imports.
        on_first_paint(window, lambda: _open_and_watch(app, window, path, first_run=not argv))
    window.show()
    return app.exec()


def _open_and_watch(app, window: MainWindow, path: Path, first_run: bool) -> None:
    open_initial(window, path, first_run)
    canvas = getattr(window, "canvas", None)
    if os.environ.get("SITREP_EXIT_AFTER_MAP") and canvas is not None:
        on_first_paint(canvas.viewport(), lambda: _exit_with(app, "map painted"))


def open_initial(window: MainWindow, path: Path, first_run: bool) -> None:
    created = False
    if first_run and not path.exists():
        from sitrep_desktop.services.demo import (
            write_demo,  # only on a first run: it is a big module
        )

        write_demo(path)
        created = True
    if not window.open_path(path, create=not path.exists(), defer_features=True):
        return
    if created:
        message = (
            f"Welcome. Your database was created at {path} with the demo situation "
            "(the offensive on Aleppo, Hama and Homs, December 2024)."
        )
        window.statusBar().showMessage(message, 15000)
        # Shown without blocking: the map appears behind it at once.
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, message, parent=window)
        box.setModal(False)
        box.show()
        window.welcome_box = box
