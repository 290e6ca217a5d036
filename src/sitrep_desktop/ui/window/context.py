"""What a feature of the window gets: the shared parts, and ways to add docks and actions.

A feature (drawing, logging, measure, the map's panels…) is handed a FeatureContext
when the window has opened a file, instead of the window itself: it sees the store,
the selection, the "as of" time, the undo stack and the canvas, and it can add a
dock, a menu, an action or a toolbar; it cannot reach other features or the
window's private parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from sitrep_desktop.ui.window.actions import add_action

if TYPE_CHECKING:
    from sitrep_desktop.store import Store
    from sitrep_desktop.ui.logging.detail_pane import DetailPane
    from sitrep_desktop.ui.logging.event_list import EventListPane
    from sitrep_desktop.ui.map.canvas import MapCanvas
    from sitrep_desktop.ui.window.selection import Selection
    from sitrep_desktop.ui.window.store_signals import StoreSignals
    from sitrep_desktop.ui.window.time_state import TimeState
    from sitrep_desktop.ui.window.undo import UndoStack


@dataclass(frozen=True)
class Menus:
    """The window's standing menus; `add` puts a new one before Help."""

    bar: object  # the QMenuBar
    file: QMenu
    edit: QMenu
    view: QMenu
    tools: QMenu
    help: QMenu

    def add(self, title: str) -> QMenu:
        menu = QMenu(title, self.help.parentWidget())
        self.bar.insertMenu(self.help.menuAction(), menu)  # type: ignore[attr-defined]
        return menu

    def insert_in_file(self, actions: list[QAction]) -> None:
        """Put `actions` in the File menu above its last separator and Quit."""
        items = self.file.actions()
        before = items[-2] if len(items) >= 2 else None
        self.file.insertActions(before, list(actions))


@dataclass(frozen=True)
class ObjectAction:
    """An entry of the map's right-click menu, for the record kinds it names."""

    text: str
    kinds: tuple[str, ...]  # "place", "annotation", "event"
    run: Callable[[str, str], object]  # (kind, record id)


@dataclass(frozen=True)
class FeatureContext:
    """The parts of one window (over one open file) that features work with."""

    store: Store
    db_path: Path | None
    settings: QSettings
    selection: Selection
    time_state: TimeState
    undo_stack: UndoStack
    signals: StoreSignals  # the store's news of committed changes
    canvas: MapCanvas
    event_list: EventListPane
    detail: DetailPane
    menus: Menus
    parent: QMainWindow  # the Qt parent for dialogs, docks and toolbars; nothing more
    docks: dict[str, QDockWidget]  # by name: "events", "detail", "timeline", "search"…
    add_dock: Callable[[str, str, QWidget, Qt.DockWidgetArea], QDockWidget]
    # Extension points features fill for each other without knowing each other:
    # an editor per record kind ("annotation" -> open its properties), and the
    # entries of the map's right-click menu.
    editors: dict[str, Callable[[str], object]] = field(default_factory=dict)
    object_actions: list[ObjectAction] = field(default_factory=list)

    def action(
        self,
        menu: QMenu | None,
        text: str,
        slot: Callable,
        shortcut: str | QKeySequence.StandardKey | None = None,
        *,
        checked: bool = False,
    ) -> QAction:
        """An action of this window, in `menu` (or none)."""
        return add_action(self.parent, menu, text, slot, shortcut, checked=checked)

    def dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """Add `widget` as a dock named `name`, listed in the View menu."""
        return self.add_dock(name, title, widget, area)

    def toolbar(self, title: str, name: str, *, new_row: bool = False) -> QToolBar:
        toolbar = QToolBar(title, self.parent)
        toolbar.setObjectName(name)
        if new_row:
            self.parent.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.parent.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        return toolbar

    def status(self, message: str, ms: int = 5000) -> None:
        self.parent.statusBar().showMessage(message, ms)

    def clear_status(self) -> None:
        self.parent.statusBar().clearMessage()
