"""Steps GUI tests share: a first start at a screen size, a right-click on the map."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MainWindow


def window_at(qtbot, tmp_path, demo_path, width: int, height: int) -> MainWindow:
    """A window first shown at this size, as on a first start on that screen (fresh settings)."""
    win = MainWindow(QSettings(str(tmp_path / f"s{width}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.sigFeaturesInstalled):
        win.open_store(Store.open(demo_path), demo_path, defer_features=True)
    settle(qtbot)
    return win


def settle(qtbot) -> None:
    qtbot.wait(60)  # the docks are fitted once the layout has settled


def right_click(window, lat: float, lon: float) -> dict:
    """Right-click the map at (lat, lon); the menu's actions by their text ({} if none)."""
    pos = window.canvas.latlon_to_widget(lat, lon).toPoint()
    viewport = window.canvas.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, viewport.mapToGlobal(pos))
    QApplication.sendEvent(viewport, event)
    menu = window.features.map.context_menu.last_menu
    return {a.text(): a for a in menu.actions()} if menu is not None else {}
