"""Shared fixtures for the window tests: the demo database in a real, shown window.

demo_path and the other stores come from tests/conftest.py."""

import pytest
from PySide6.QtCore import QSettings

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path, demo_path):
    """A window on a fresh demo database, shown at 1400x900, with its own settings."""
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.open_store(Store.open(demo_path), demo_path)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win
