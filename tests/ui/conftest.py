"""Shared fixtures for the window tests: the demo database in a real, shown window.

    shared_window  one window per module on the module's shared demo file, for tests
                   that only look or set their own view; building a window costs more
                   than most tests, so they share it. The shared file's fixture fails
                   the module if one of them writes.

`window` (a window of its own on a fresh demo file), demo_path and the other stores
come from tests/conftest.py."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MainWindow


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory, shared_demo_path) -> Iterator[MainWindow]:
    """As `window`, but one for the module, on shared_demo_path."""
    settings = tmp_path_factory.mktemp("shared-window") / "s.ini"
    win = MainWindow(QSettings(str(settings), QSettings.Format.IniFormat))
    win.open_store(Store.open(shared_demo_path), shared_demo_path)
    win.resize(1400, 900)
    win.show()
    assert QTest.qWaitForWindowExposed(win)
    yield win
    win.close()  # and with it the store
    win.deleteLater()
    qapp.processEvents()
