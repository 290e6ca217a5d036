"""Menu actions, made one way by the window and every feature that adds some."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget


def add_action(
    parent: QWidget,
    menu: QMenu | None,
    text: str,
    slot: Callable,
    shortcut: str | QKeySequence.StandardKey | None = None,
    *,
    checked: bool = False,
) -> QAction:
    """An action in `menu` that runs `slot()` when triggered, or `slot(checked)`
    with ``checked`` (a checkable action's state)."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if checked:
        action.triggered.connect(slot)
    else:
        # Qt passes the checked flag; slots that take no argument must not get it.
        action.triggered.connect(lambda _checked=False: slot())
    if menu is not None:
        menu.addAction(action)
    return action
