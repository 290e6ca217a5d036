"""Help > Keyboard shortcuts: every action of the window that has keys, by menu.

Read from the window's own actions when asked, so the list can never drift from
what the keys really do; `shortcut_clashes` is what the tests hold to zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Keys that work while a tool or pane has focus, not as menu actions.
TOOL_KEYS = (
    ("Map", "Finish a line or area", "Enter / double-click"),
    ("Map", "Take the last point back", "Backspace"),
    ("Map", "Cancel the drawing or measuring tool", "Esc"),
    ("Map", "Open a drawing's properties", "double-click on it"),
    ("Map", "Actions on a place or drawing", "right-click on it"),
)


@dataclass(frozen=True)
class Shortcut:
    where: str  # the menu, e.g. "Edit" or "View"
    what: str
    keys: str


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _menu_of(action: QAction, menus: dict[int, str]) -> str:
    for widget in action.associatedObjects():
        if isinstance(widget, QMenu) and id(widget) in menus:
            return menus[id(widget)]
    return "Toolbar"


def window_shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every action of `window` with keys, in menu order, then the map's own keys."""
    menus: dict[int, str] = {}

    def walk(menu: QMenu, path: str) -> None:
        menus[id(menu)] = path
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} > {_plain(action.menu().title())}")

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _plain(top.menu().title()))
    found: list[Shortcut] = []
    seen: set[int] = set()
    for action in window.findChildren(QAction):
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        text = " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        found.append(Shortcut(_menu_of(action, menus), _plain(action.text()), text))
    order = {name: i for i, name in enumerate(dict.fromkeys(menus.values()))}
    found.sort(key=lambda s: (order.get(s.where, len(order)), s.what))
    return found + [Shortcut(*row) for row in TOOL_KEYS]


def shortcut_clashes(window: QMainWindow) -> dict[str, list[str]]:
    """Keys that more than one action of `window` claims: Qt then runs none of them
    ("Ambiguous shortcut overload"), so there should be none."""
    claims: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            if not key.isEmpty():
                claims[key.toString()].append(_plain(action.text()))
    return {key: names for key, names in claims.items() if len(names) > 1}


class KeyboardShortcutsDialog(QDialog):
    """A table: menu, action, keys."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.shortcuts = window_shortcuts(window)
        self.table = QTableWidget(len(self.shortcuts), 3, self)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, shortcut in enumerate(self.shortcuts):
            for column, value in enumerate((shortcut.where, shortcut.what, shortcut.keys)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)
