"""The detail pane: the selected event, place or control change, and its history.

The card is read-only; "Edit…" asks for the form (the logging feature opens
it and saves through the undo stack). The history comes from the change
journal: who changed what, when, before and after.
"""

from __future__ import annotations

import html
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from sitrep_desktop.domain import Annotation, ControlChange, Event, Place
from sitrep_desktop.domain.uncertain_dates import uncertain_date_text
from sitrep_desktop.store import JournalEntry, Store, StoreChange
from sitrep_desktop.store.attachments import Attachments
from sitrep_desktop.store.event_counts import place_event_count, place_event_page
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState
from sitrep_desktop.ui.window.time_text import local_and_utc

HISTORY_LIMIT = 30
EVENTS_PAGE = 20  # a place's events listed at once, latest first; links page on


class DetailPane(QWidget):
    """Shows the selected record as a readable card, with buttons to edit it."""

    sigEditRequested = Signal(str, str)  # kind, id
    sigLogControlRequested = Signal(str)  # place id
    sigDeleteRequested = Signal(str, str)  # kind, id
    sigEventsNearRequested = Signal(str)  # place id: show its events in the list

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
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.body.linkActivated.connect(self._on_link)
        self.edit_button = QPushButton("Edit…", self)
        self.control_button = QPushButton("Log control change…", self)
        self.delete_button = QPushButton("Delete", self)
        self.edit_button.clicked.connect(
            lambda: self.sigEditRequested.emit(self.selection.kind, self.selection.id)
        )
        self.control_button.clicked.connect(
            lambda: self.sigLogControlRequested.emit(self._place_id())
        )
        self.delete_button.clicked.connect(
            lambda: self.sigDeleteRequested.emit(self.selection.kind, self.selection.id)
        )
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.buttons = QGridLayout()
        self._buttons_in_rows(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(self.buttons)
        layout.addWidget(scroll)
        selection.sigChanged.connect(self.show_record)
        time_state.sigChanged.connect(lambda _at: self.show_record(selection.kind, selection.id))
        self.show_record("", "")

    @property
    def text(self) -> str:
        return self.body.text()

    def _buttons_in_rows(self, rows: int) -> None:
        """One row of buttons; or, when the pane is narrower than that row (the
        dock gives way to the map down to 180 px), Log control change under
        Edit and Delete, so no button is cut."""
        for button in (self.edit_button, self.control_button, self.delete_button):
            self.buttons.removeWidget(button)
        if rows == 1:
            places = ((self.edit_button, 0, 0, 1), (self.control_button, 0, 1, 1))
            places += ((self.delete_button, 0, 2, 1),)
        else:
            places = ((self.edit_button, 0, 0, 1), (self.delete_button, 0, 1, 1))
            places += ((self.control_button, 1, 0, 2),)
        for button, row, column, span in places:
            self.buttons.addWidget(button, row, column, 1, span)
        self.buttons.setColumnStretch(3, 1)
        self._button_rows = rows

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        buttons = (self.edit_button, self.control_button, self.delete_button)
        one_row = sum(b.sizeHint().width() for b in buttons) + 2 * self.buttons.spacing() + 4
        rows = 1 if self.width() >= one_row else 2
        if rows != self._button_rows:
            self._buttons_in_rows(rows)

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind == "*" or self.selection.id in change.ids or change.kind == "control_change":
            self.show_record(self.selection.kind, self.selection.id)

    def _place_id(self) -> str:
        if self.selection.kind == "place":
            return self.selection.id
        if self.selection.kind == "control_change":
            change = self.store.control.find(self.selection.id)
            return change.place_id if change else ""
        return ""

    def _on_link(self, link: str) -> None:
        kind, _, record_id = link.partition(":")
        if kind == "events-near":
            self.sigEventsNearRequested.emit(record_id)
            return
        if kind == "events-page":  # "events-page:<place id>@<offset>"
            place_id, _, offset = record_id.rpartition("@")
            self.events_offset = max(int(offset), 0)
            self.show_record("place", place_id)
            return
        self.selection.select(kind, record_id)

    def show_record(self, kind: str, record_id: str) -> None:
        if (kind, record_id) != getattr(self, "_shown", None):
            self.events_offset = 0  # another record: its events from the latest
            self._shown = (kind, record_id)
        record = None
        if kind == "event":
            record = self.store.events.find(record_id)
        elif kind == "place":
            record = self.store.places.find(record_id)
        elif kind == "control_change":
            record = self.store.control.find(record_id)
        elif kind == "annotation":
            record = self.store.annotations.find(record_id)
        self.edit_button.setEnabled(record is not None)
        self.delete_button.setEnabled(record is not None)
        self.control_button.setEnabled(isinstance(record, (Place, ControlChange)))
        if isinstance(record, Event):
            self.body.setText(self._event_html(record) + self._history_html(record.id))
        elif isinstance(record, Place):
            self.body.setText(self._place_html(record) + self._history_html(record.id))
        elif isinstance(record, ControlChange):
            self.body.setText(self._control_html(record) + self._history_html(record.id))
        elif isinstance(record, Annotation):
            self.body.setText(_drawing_html(record) + self._history_html(record.id))
        else:
            self.body.setText(
                "<p style='color:#757575'>Select an event or a place on the map or in the list.</p>"
            )

    def _event_html(self, event: Event) -> str:
        place = self.store.places.find(event.place_id) if event.place_id else None
        uncertain = uncertain_date_text(event.at, event.attributes)
        rows = [
            (
                "When",
                f"{local_and_utc(event.at)}: {uncertain}" if uncertain else local_and_utc(event.at),
            ),
            ("As logged", event.at.text),
            ("Category", event.category),
            ("Place", place.name if place else "—"),
            ("Geometry", event.geometry or "—"),
            ("Actors", ", ".join(event.actors) or "—"),
            ("Confidence", event.confidence),
            ("Source", event.source or "—"),
            ("Logged by", f"{event.author} at {event.created[:19]}Z"),
            *attribute_rows(event.attributes),
            *self._attachment_rows(event.id),
        ]
        return _card(event.title, event.description, rows)

    def _attachment_rows(self, record_id: str) -> list[tuple[str, str]]:
        """The files that came with the record (a photo from a TAK package)."""
        files = Attachments(self.store).for_record(record_id)
        names = [f"{a.name} ({a.media_type}, {len(a.data) / 1024:.0f} kB)" for a in files]
        return [("Attachments", "; ".join(names))] if names else []

    def _control_html(self, change: ControlChange) -> str:
        place = self.store.places.find(change.place_id)
        faction = self.store.factions.find(change.faction_id)
        rows = [
            ("Place", place.name if place else "?"),
            ("New controller", f"{faction.name} ({faction.short_name})" if faction else "?"),
            ("Effective", local_and_utc(change.at)),
            ("Source", change.source),
            ("Confidence", change.confidence),
            ("Logged by", f"{change.author} at {change.created[:19]}Z"),
        ]
        return _card("Control change", change.notes, rows)

    def _place_html(self, place: Place) -> str:
        state = self.store.control.control_at(place.id, self.time_state.at)
        holder = "unknown"
        if state is not None and state.faction_id:
            faction = self.store.factions.find(state.faction_id)
            holder = f"{faction.name} since {state.since.text}" if faction else holder
        elif state is not None:
            holder = "CONFLICT: two reports at the same time"
        history = [
            f"<a href='control_change:{c.id}'>{html.escape(c.at.text)}</a>: "
            + html.escape(
                f"{getattr(self.store.factions.find(c.faction_id), 'short_name', '?')}"
                f" ({c.confidence})"
            )
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
        # History lines are escaped piece by piece so the links and <br> stay markup.
        rows.append(("Control history", "<br>".join(history) or "—"))
        rows.append(("Events here", self._place_events_html(place.id)))
        rows.append(
            ("Events", f"<a href='events-near:{place.id}'>show those nearby in the list</a>")
        )
        rows += [(k, html.escape(v)) for k, v in attribute_rows(place.attributes)]
        rows += [(k, html.escape(v)) for k, v in self._attachment_rows(place.id)]
        return _card(place.name, place.notes, rows, escape_values=False)

    def _place_events_html(self, place_id: str) -> str:
        """A page of the place's events, latest first, with links to the pages beside it:
        a place with 10,000 events reads 20 of them."""
        total = place_event_count(self.store, place_id)
        if not total:
            return "—"
        offset = min(self.events_offset, max(total - 1, 0)) // EVENTS_PAGE * EVENTS_PAGE
        lines = [
            f"<a href='event:{html.escape(i)}'>{html.escape(at)}</a> {html.escape(title)}"
            for i, at, title in place_event_page(self.store, place_id, offset, EVENTS_PAGE)
        ]
        end = offset + len(lines)
        links = [f"{offset + 1:,}–{end:,} of {total:,}"]
        if offset > 0:
            back = max(offset - EVENTS_PAGE, 0)
            links.append(f"<a href='events-page:{html.escape(place_id)}@{back}'>newer</a>")
        if end < total:
            links.append(f"<a href='events-page:{html.escape(place_id)}@{end}'>older</a>")
        return "<br>".join(lines) + "<br>" + " · ".join(links)

    def _history_html(self, record_id: str) -> str:
        entries = self.store.journal.for_record(record_id)
        if not entries:
            return ""
        lines = [_entry_html(e) for e in reversed(entries[-HISTORY_LIMIT:])]
        return (
            "<h4 style='margin:8px 0 2px 0'>History</h4>"
            "<table cellspacing='0' cellpadding='2'>" + "".join(lines) + "</table>"
        )


def _entry_html(entry: JournalEntry) -> str:
    when = html.escape(entry.at[:19].replace("T", " ") + " UTC")
    who = html.escape(entry.author or "?")
    if entry.action == "update":
        changes = [
            f"<b>{html.escape(name)}</b>: "
            f"{_value(entry.before, name)} → {_value(entry.after, name)}"
            for name in entry.changed_fields()
        ]
        what = "<br>".join(changes) or "saved without changes"
    else:
        what = {"insert": "created", "delete": "deleted"}.get(entry.action, entry.action)
    return (
        f"<tr><td style='color:#616161;vertical-align:top;padding-right:6px'>{when}<br>{who}</td>"
        f"<td style='vertical-align:top'>{what}</td></tr>"
    )


def attribute_rows(attributes: dict) -> list[tuple[str, str]]:
    """The columns an imported file had beyond our fields, one row each; a "·"
    before each name keeps them apart from our own fields."""
    rows = []
    for name, value in attributes.items():
        if name == "date_precision":
            continue  # said with the time
        if isinstance(value, list):
            value = ", ".join("—" if v is None else str(v) for v in value)
        text = "—" if value in (None, "") else str(value)
        rows.append((f"· {name}", text if len(text) <= 120 else text[:117] + "…"))
    return rows


def _value(row: dict | None, name: str) -> str:
    value = (row or {}).get(name)
    if isinstance(value, str) and value.startswith("["):
        try:
            value = ", ".join(json.loads(value))
        except (ValueError, TypeError):
            pass
    text = "—" if value in (None, "") else str(value)
    if len(text) > 80:
        text = text[:77] + "…"
    return html.escape(text)


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


def _drawing_html(drawing: Annotation) -> str:
    rows = [
        ("Kind", drawing.kind),
        ("Valid from", drawing.valid_from.text if drawing.valid_from else "always"),
        ("Valid to", drawing.valid_to.text if drawing.valid_to else "still valid"),
        ("Style", str(drawing.style.get("preset", "custom"))),
    ]
    return _card(drawing.label or f"Unnamed {drawing.kind}", drawing.notes, rows)
