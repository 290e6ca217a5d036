"""The "as of" control: a date (or date and time, UTC) or "latest", setting the shared TimeState.

The map recolours places from control_map(as of) and hides later events; the
list and the timeline follow the same TimeState, and this control follows them.
The date is typed as text ("2024-12-07", "2024-12-07 14:30"), read by the same
parser as everything else, so what is typed is what is shown. Unticking
"Latest" goes to the last day the data knows, not to today.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from sitrep_desktop.domain import Moment, now_moment
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.domain.times import parse_moment
from sitrep_desktop.ui.window.time_state import TimeState

BAD_STYLE = "QLineEdit { background: #ffebee; }"


def moment_text(moment: Moment) -> str:
    """ "2024-12-07" for a date, "2024-12-07 14:30 UTC" for a time."""
    if moment.date_only:
        return moment.key
    return f"{moment.as_utc():%Y-%m-%d %H:%M} UTC"


class TimeControl(QWidget):
    """ "As of [2024-12-06]  [x] Latest"."""

    sigEdited = Signal(object)  # Moment | None, after the user changed it

    def __init__(
        self,
        time_state: TimeState,
        parent: QWidget | None = None,
        data_end: Callable[[], Moment | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self.time_state = time_state
        self.data_end = data_end  # the last time the data knows; None: no data
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("2024-12-06")
        self.edit.setToolTip(
            "Show the map as it was at this date, or date and time in UTC "
            "(2024-12-06, 2024-12-06 14:30); Enter applies"
        )
        self.edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("2024-12-06 14:30 UTC") + 24)
        self.latest = QCheckBox("Latest")
        self.latest.setToolTip("Show every change and every event")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("As of"))
        layout.addWidget(self.edit)
        layout.addWidget(self.latest)
        layout.addStretch(1)  # the toolbar's spare room goes after, not between
        self._following = False
        self._follow(time_state.at)
        self.edit.editingFinished.connect(self._on_typed)
        self.latest.toggled.connect(self._on_latest)
        time_state.sigChanged.connect(self._follow)

    def set_moment(self, moment: Moment | None) -> None:
        """Set the control and the shared time (None: latest)."""
        self.time_state.set_at(moment)

    def _apply(self, moment: Moment | None) -> None:
        self.time_state.set_at(moment)
        self._follow(moment)
        self.sigEdited.emit(moment)

    def _on_latest(self, checked: bool) -> None:
        if self._following:
            return
        if checked:
            self._apply(None)
            return
        typed = self._typed()
        self._apply(typed or self.data_end() or now_moment())

    def _on_typed(self) -> None:
        if self._following or not self.edit.isModified():
            return
        self.edit.setModified(False)
        moment = self._typed()
        if moment is not None:
            self._apply(moment)

    def _typed(self) -> Moment | None:
        """What the box says, or None (marked red, with the reason) when unreadable."""
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            moment = parse_moment(text.removesuffix("UTC").strip(), "as of")
        except (ValidationError, ValueError) as exc:
            self.edit.setStyleSheet(BAD_STYLE)
            self.edit.setToolTip(f"Not a date: {exc}")
            return None
        self.edit.setStyleSheet("")
        return moment

    def _follow(self, moment: Moment | None) -> None:
        self._following = True
        try:
            self.latest.setChecked(moment is None)
            shown = moment if moment is not None else self.data_end()
            self.edit.setText(moment_text(shown) if shown is not None else "")
            self.edit.setModified(False)
            self.edit.setStyleSheet("")
        finally:
            self._following = False


def last_known_time(store) -> Moment | None:
    """The latest control change or event of `store`: where "as of" starts when
    Latest is unticked."""
    from sitrep_desktop.store.event_counts import latest_event_key

    keys = [change.at.key for change in store.control.all()]
    latest = latest_event_key(store)  # the index's last entry: no scan of a million rows
    keys += [latest] if latest else []
    return parse_moment(max(keys)[:10]) if keys else None
