"""The one selection the map, the event list and the detail pane share."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """What the user has selected: (kind, id) such as ("event", uuid), or nothing."""

    sigChanged = Signal(str, str)  # kind, id ("" and "" when cleared)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.id = ""

    def select(self, kind: str, record_id: str) -> None:
        if (kind, record_id) == (self.kind, self.id):
            return
        self.kind, self.id = kind, record_id
        self.sigChanged.emit(kind, record_id)

    def clear(self) -> None:
        self.select("", "")
