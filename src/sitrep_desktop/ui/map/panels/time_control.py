"""The "as of" control: a date-time (UTC) or "latest", setting the shared TimeState.

The map recolours places from control_map(as of) and hides later events; the
list and the timeline follow the same TimeState, and this control follows them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtWidgets import QCheckBox, QDateTimeEdit, QHBoxLayout, QLabel, QWidget

from sitrep_desktop.domain import Moment
from sitrep_desktop.domain.times import parse_moment
from sitrep_desktop.ui.window.time_state import TimeState


class TimeControl(QWidget):
    """ "As of [date-time] UTC  [x] latest"."""

    sigEdited = Signal(object)  # Moment | None, after the user changed it

    def __init__(self, time_state: TimeState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time_state = time_state
        self.edit = QDateTimeEdit()
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.edit.setCalendarPopup(True)
        self.edit.setToolTip("Show the map as it was at this time (UTC)")
        self.latest = QCheckBox("Latest")
        self.latest.setToolTip("Show every change and every event")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("As of"))
        layout.addWidget(self.edit)
        layout.addWidget(self.latest)
        self._follow(time_state.at)
        self.edit.dateTimeChanged.connect(self._on_edited)
        self.latest.toggled.connect(self._on_edited)
        time_state.sigChanged.connect(self._follow)

    def set_moment(self, moment: Moment | None) -> None:
        """Set the control and the shared time (None: latest)."""
        self.time_state.set_at(moment)

    def _on_edited(self, *_args) -> None:
        if self._following:
            return
        moment = None if self.latest.isChecked() else moment_from_qdatetime(self.edit.dateTime())
        self.edit.setEnabled(moment is not None)
        self.time_state.set_at(moment)
        self.sigEdited.emit(moment)

    _following = False

    def _follow(self, moment: Moment | None) -> None:
        self._following = True
        try:
            self.latest.setChecked(moment is None)
            self.edit.setEnabled(moment is not None)
            when = moment.as_utc() if moment is not None else datetime.now(UTC)
            self.edit.setDateTime(
                QDateTime.fromSecsSinceEpoch(int(when.timestamp()), QTimeZone.utc())
            )
        finally:
            self._following = False


def moment_from_qdatetime(value: QDateTime) -> Moment:
    utc = datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)
    return parse_moment(utc.strftime("%Y-%m-%dT%H:%M:%SZ"), "as of")
