""" "What changed between T1 and T2": the dialog. What changed is decided by
services.situation (what_changed); this lists it and lets a line be chosen.
Events come a page at a time (a week can hold 20,000): the last line reads the next."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.domain import Moment, parse_moment
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.services.situation import Changes, Situation
from sitrep_desktop.store import Store
from sitrep_desktop.store.event_counts import count_between, page_between
from sitrep_desktop.ui.window.time_text import short

EVENT_PAGE = 500  # events listed at once; the "more" line lists the next page
MORE = ("more", "")


class ChangesBetweenDialog(QDialog):
    """Two times in, a list out; choosing a line selects that record."""

    sigRecordChosen = Signal(str, str)  # kind, id

    def __init__(self, store: Store, start: str = "", end: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ChangesBetweenDialog")
        self.setWindowTitle("What changed between…")
        self.store = store
        self.start = QLineEdit(start, self)
        self.end = QLineEdit(end, self)
        self.start.setPlaceholderText("from, e.g. 2024-11-27")
        self.end.setPlaceholderText("to, e.g. 2024-12-06")
        self.show_button = QPushButton("Show", self)
        self.message = QLabel("", self)
        self.message.setStyleSheet("color:#c62828")
        self.results = QListWidget(self)
        self.changes: Changes | None = None
        self.event_count = 0
        self._range: tuple[Moment, Moment] | None = None
        self._listed = 0  # events listed so far
        row = QHBoxLayout()
        for widget in (QLabel("From"), self.start, QLabel("to"), self.end, self.show_button):
            row.addWidget(widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        # Said plainly, as "from 27 November" once left out the 27th without a word.
        self.hint = QLabel("Both days included: from the start of From to the end of To.", self)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.results)
        layout.addWidget(buttons)
        self.show_button.clicked.connect(self.refresh)
        self.end.returnPressed.connect(self.refresh)
        self.results.itemActivated.connect(self._chosen)
        self.resize(620, 440)
        if start and end:
            self.refresh()

    def refresh(self) -> None:
        self.results.clear()
        self.message.clear()
        try:
            lo, hi = parse_moment(self.start.text(), "from"), parse_moment(self.end.text(), "to")
        except ValidationError as exc:
            self.message.setText(f"{exc.field}: {exc.reason}")
            return
        if hi.key < lo.key:
            self.message.setText("to: is before from")
            return
        situation = Situation(self.store)
        self.changes = situation.what_changed(lo, hi, events=False)
        self._add_header(f"Changed hands ({len(self.changes.handovers)})")
        for h in self.changes.handovers:
            was = h.before.short_name if h.before else "unknown"
            now = h.after.short_name if h.after else "disputed"
            self._add(f"{h.place.name}: {was} → {now}", "place", h.place.id)
        self._add_header(f"Control changes logged ({len(self.changes.control_changes)})")
        for c in self.changes.control_changes:
            place = situation.places.get(c.place_id)
            faction = situation.factions.get(c.faction_id or "")
            text = (
                f"{short(c.at)}  {place.name if place else '?'} → {faction and faction.short_name}"
            )
            self._add(text, "control_change", c.id)
        self.event_count = count_between(self.store, lo, hi)
        self._range, self._listed = (lo, hi), 0
        self._add_header(f"Events ({self.event_count:,})")
        self.list_more_events()

    def list_more_events(self) -> None:
        """List the next page of events, and a line to list the page after."""
        last = self.results.count() - 1
        if last >= 0 and self.results.item(last).data(256) == MORE:
            self.results.takeItem(last)
        if self._range is None:
            return
        page = page_between(self.store, *self._range, self._listed, EVENT_PAGE)
        for event_id, at, title in page:
            self._add(f"{short(parse_moment(at))}  {title}", "event", event_id)
        self._listed += len(page)
        left = self.event_count - self._listed
        if left > 0:
            self._add(f"… {left:,} more: list the next {min(left, EVENT_PAGE):,}", *MORE)

    @property
    def lines(self) -> list[str]:
        return [self.results.item(i).text() for i in range(self.results.count())]

    def _add_header(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self.results.addItem(item)

    def _add(self, text: str, kind: str, record_id: str) -> None:
        item = QListWidgetItem("    " + text)
        item.setData(256, (kind, record_id))
        self.results.addItem(item)

    def _chosen(self, item: QListWidgetItem) -> None:
        data = item.data(256)
        if data == MORE:
            self.list_more_events()
        elif data:
            self.sigRecordChosen.emit(*data)
