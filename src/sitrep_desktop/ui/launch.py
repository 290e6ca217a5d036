"""Starting the window: find or create the user's database, show the window fast."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .main_window import APP_NAME, MainWindow


def default_database_path() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / "sitrep.db"


def run_gui(argv: Sequence[str]) -> int:
    QCoreApplication.setOrganizationName("SitRep")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv[1:]])
    window = MainWindow()
    window.show()
    path = Path(argv[0]) if argv else default_database_path()
    # Open after the first paint, so the window is on screen before heavy imports.
    QTimer.singleShot(0, lambda: open_initial(window, path, first_run=not argv))
    return app.exec()


def open_initial(window: MainWindow, path: Path, first_run: bool) -> None:
    from ..demo_situation import write_demo

    created = False
    if first_run and not path.exists():
        write_demo(path)
        created = True
    if not window.open_path(path, create=not path.exists()):
        return
    if created:
        message = (
            f"Welcome. Your database was created at {path} with the demo situation "
            "(the offensive on Aleppo, Hama and Homs, December 2024)."
        )
        window.statusBar().showMessage(message, 15000)
        QMessageBox.information(window, APP_NAME, message)
