""" "What changed between T1 and T2": places that changed hands, control changes, events."""

from __future__ import annotations

from dataclasses import dataclass

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

from sitrep_desktop.domain import ControlChange, Event, Faction, Place, parse_moment
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.time_text import short


@dataclass(frozen=True)
class Handover:
    place: Place
    before: Faction | None
    after: Faction | None


@dataclass(frozen=True)
class Changes:
    handovers: list[Handover]  # places held by someone else at T2 than at T1
    control_changes: list[ControlChange]  # every change logged in (T1, T2]
    events: list[Event]  # every event in (T1, T2]


def what_changed(store: Store, start: str, end: str) -> Changes:
    """Compare control at `start` with control at `end`; list what was logged between."""
    before = store.control.control_map(start)
    after = store.control.control_map(end)
    places = {p.id: p for p in store.places.all()}
    factions = {f.id: f for f in store.factions.all()}
    handovers = []
    for place_id, state in after.items():
        old = before.get(place_id)
        old_faction = old.faction_id if old else None
        if state.faction_id != old_faction and place_id in places:
            handovers.append(
                Handover(
                    places[place_id],
                    factions.get(old_faction or ""),
                    factions.get(state.faction_id or ""),
                )
            )
    handovers.sort(key=lambda h: (after[h.place.id].since.key, h.place.name))
    return Changes(handovers, store.control.between(start, end), store.events.between(start, end))


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
        row = QHBoxLayout()
        for widget in (QLabel("From"), self.start, QLabel("to"), self.end, self.show_button):
            row.addWidget(widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
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
        self.changes = what_changed(self.store, lo.text, hi.text)
        self._add_header(f"Changed hands ({len(self.changes.handovers)})")
        for h in self.changes.handovers:
            was = h.before.short_name if h.before else "unknown"
            now = h.after.short_name if h.after else "disputed"
            self._add(f"{h.place.name}: {was} → {now}", "place", h.place.id)
        self._add_header(f"Control changes logged ({len(self.changes.control_changes)})")
        places = {p.id: p.name for p in self.store.places.all()}
        factions = {f.id: f.short_name for f in self.store.factions.all()}
        for c in self.changes.control_changes:
            text = f"{short(c.at)}  {places.get(c.place_id, '?')} → {factions.get(c.faction_id)}"
            self._add(text, "control_change", c.id)
        self._add_header(f"Events ({len(self.changes.events)})")
        for e in self.changes.events:
            self._add(f"{short(e.at)}  {e.title}", "event", e.id)

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
        if data:
            self.sigRecordChosen.emit(*data)
