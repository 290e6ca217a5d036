"""The detail pane: everything about the selected event or place."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ..domain import Event, Place
from ..store import Store, StoreChange
from .selection import Selection
from .time_state import TimeState


class DetailPane(QWidget):
    """Shows the selected record as a readable card (editing lives in the form view)."""

    def __init__(
        self,
        store: Store,
        selection: Selection,
        time_state: TimeState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPane")
        self.store = store
        self.selection = selection
        self.time_state = time_state
        self.body = QLabel(self)
        self.body.setObjectName("DetailBody")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(scroll)
        selection.sigChanged.connect(self.show_record)
        time_state.sigChanged.connect(lambda _at: self.show_record(selection.kind, selection.id))
        self.show_record("", "")

    @property
    def text(self) -> str:
        return self.body.text()

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind == "*" or self.selection.id in change.ids or change.kind == "control_change":
            self.show_record(self.selection.kind, self.selection.id)

    def show_record(self, kind: str, record_id: str) -> None:
        record = None
        if kind == "event":
            record = self.store.events.find(record_id)
        elif kind == "place":
            record = self.store.places.find(record_id)
        if isinstance(record, Event):
            self.body.setText(self._event_html(record))
        elif isinstance(record, Place):
            self.body.setText(self._place_html(record))
        else:
            self.body.setText(
                "<p style='color:#757575'>Select an event or a place on the map or in the list.</p>"
            )

    def _event_html(self, event: Event) -> str:
        place = self.store.places.find(event.place_id) if event.place_id else None
        rows = [
            ("When", event.at.text + ("" if event.at.date_only else f" (UTC {event.at.key[:16]})")),
            ("Category", event.category),
            ("Place", place.name if place else "—"),
            ("Geometry", event.geometry or "—"),
            ("Actors", ", ".join(event.actors) or "—"),
            ("Confidence", event.confidence),
            ("Source", event.source or "—"),
            ("Logged by", f"{event.author} at {event.created[:19]}Z"),
        ]
        return _card(event.title, event.description, rows)

    def _place_html(self, place: Place) -> str:
        state = self.store.control.control_at(place.id, self.time_state.at)
        holder = "unknown"
        if state is not None and state.faction_id:
            faction = self.store.factions.find(state.faction_id)
            holder = f"{faction.name} since {state.since.text}" if faction else holder
        elif state is not None:
            holder = "CONFLICT: two reports at the same time"
        history = [
            f"{c.at.text}: {getattr(self.store.factions.find(c.faction_id), 'short_name', '?')}"
            f" ({c.confidence})"
            for c in self.store.control.history(place.id)
        ]
        rows = [
            (k, html.escape(v))
            for k, v in (
                ("Kind", place.kind.replace("_", " ")),
                ("Also", ", ".join(place.alt_names) or "—"),
                ("Position", f"{place.lat:.5f}, {place.lon:.5f}"),
                ("Population", f"{place.population:,}" if place.population else "—"),
                ("Held by", holder),
            )
        ]
        # History lines are escaped one by one so the <br> between them stays markup.
        rows.append(("Control history", "<br>".join(html.escape(h) for h in history) or "—"))
        return _card(place.name, place.notes, rows, escape_values=False)


def _card(title: str, text: str, rows: list[tuple[str, str]], escape_values: bool = True) -> str:
    cells = "".join(
        f"<tr><td style='color:#616161;padding-right:8px;vertical-align:top'>{html.escape(k)}</td>"
        f"<td>{html.escape(v) if escape_values else v}</td></tr>"
        for k, v in rows
    )
    return (
        f"<h3 style='margin:2px 0'>{html.escape(title)}</h3>"
        f"<p>{html.escape(text)}</p><table>{cells}</table>"
    )
