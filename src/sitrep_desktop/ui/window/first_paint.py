"""Run something once, right after a widget's first paint has been handled."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaintWatcher(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            # After the paint event returns, so the pixels are out first.
            QTimer.singleShot(0, callback)
        return False


def on_first_paint(widget: QWidget, callback: Callable[[], None]) -> QObject:
    """Call `callback` once, just after `widget` has painted for the first time."""
    return _FirstPaintWatcher(widget, callback)
