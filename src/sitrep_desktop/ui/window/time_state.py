"""The map's "as of" time, shared by the canvas, the list and the timeline."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from sitrep_desktop.domain import Moment


class TimeState(QObject):
    """None means "latest": every change and every event is shown."""

    sigChanged = Signal(object)  # Moment | None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.at: Moment | None = None

    def set_at(self, moment: Moment | None) -> None:
        if moment == self.at:
            return
        self.at = moment
        self.sigChanged.emit(moment)
