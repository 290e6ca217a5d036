"""The event form. An event that implies a control change ("HTS captures Homs")
offers to log it too, in the same command (see domain/implied_control.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
)

from sitrep_desktop.domain import (
    CONFIDENCE_LEVELS,
    Event,
    Record,
    parse_moment,
)
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.domain.implied_control import ControlOffer, implied_by_event, implied_control
from sitrep_desktop.ui.logging.forms.base import RecordForm, list_field
from sitrep_desktop.ui.logging.forms.control_offer import ControlOfferBox
from sitrep_desktop.ui.window.time_text import local_and_utc, local_now_text


class EventForm(RecordForm):
    kind = "event"

    def build_fields(self) -> None:
        self.line("at", "When", "2024-12-05 or 2024-12-05T14:30+02:00").setText(local_now_text())
        self.at_hint = QLabel("", self)
        self.at_hint.setStyleSheet("color:#616161; font-size:11px")
        self.layout_.addRow("", self.at_hint)
        self.fields["at"].textChanged.connect(self._show_time_hint)  # type: ignore[attr-defined]
        self.line("title", "Title")
        categories = self.store.categories.names()
        self.combo("category", "Category", [(c, c) for c in categories], editable=True)
        places = [("—", None)] + [(p.name, p.id) for p in self.store.places.all()]
        self.combo("place", "Place", places)
        self.line("geometry", "Geometry (WKT)", "POINT (36.75 35.13), optional")
        self.line("actors", "Actors", "comma-separated, e.g. HTS, Russian forces")
        self.line("source", "Source")
        self.combo("confidence", "Confidence", [(c, c) for c in CONFIDENCE_LEVELS])
        self.set_text("confidence", "medium")
        # Above the description: Tab from Confidence reaches it (a description takes Tab).
        self.factions = self.store.factions.all()
        saved = self._offer(self.record) if isinstance(self.record, Event) else None
        self.control_offer = ControlOfferBox(self.factions, self, saved=saved)
        self.layout_.addRow("Control", self.control_offer)
        self.add("description", "Description", QPlainTextEdit(self))
        self.fields["description"].setMaximumHeight(90)
        self._show_time_hint()
        for name in ("at", "actors", "source"):
            self.fields[name].textChanged.connect(self._show_control_offer)  # type: ignore[attr-defined]
        for name in ("category", "place", "confidence"):
            self.fields[name].currentTextChanged.connect(self._show_control_offer)  # type: ignore[attr-defined]
        self._show_control_offer()

    def _offer(self, event: Event | None = None) -> ControlOffer | None:
        """What the event (or the fields, while they are being typed) implies for control."""
        place_id = event.place_id if event is not None else self.data("place")
        history = self.store.control.history(place_id) if place_id else []
        if event is not None:
            return implied_by_event(event, self.factions, history)
        try:
            at = parse_moment(self.text("at"))
        except ValidationError:
            return None
        return implied_control(
            category=self.text("category"),
            place_id=place_id,
            actors=list_field(self.text("actors")),
            at=at,
            factions=self.factions,
            history=history,
        )

    def _show_control_offer(self) -> None:
        offer = self._offer()
        self.control_offer.show_offer(
            offer,
            category=self.text("category"),
            place_name=self.text("place"),
            source=self.text("source"),
            confidence=self.text("confidence"),
        )
        self.layout_.setRowVisible(self.control_offer, offer is not None)

    def companions(self, record: Record) -> list[Record]:
        """The control change the user ticked, decided again from the store as it is now."""
        assert isinstance(record, Event)
        offer = self._offer(record)
        if offer is None:
            return []
        faction_id = self.control_offer.chosen_faction(offer)
        if faction_id is None:
            return []
        if not record.source:
            raise ValidationError(
                "source",
                "",
                "the control change logged with this event needs a source; "
                "fill it in or untick “Also log”",
            )
        return [offer.change_for(record, faction_id)]

    def _show_time_hint(self) -> None:
        try:
            self.at_hint.setText(local_and_utc(parse_moment(self.text("at"))))
        except ValidationError:
            self.at_hint.setText("")

    def make_record(self) -> Record:
        category = self.text("category")
        if category and category not in self.store.categories.names():
            raise ValidationError("category", category, "is not a known category")
        geometry = self.text("geometry") or None
        return Event(
            **self.keep_identity(
                at=self.text("at"),
                title=self.text("title"),
                category=category,
                place_id=self.data("place"),
                geometry=geometry,
                actors=list_field(self.text("actors")),
                source=self.text("source"),
                confidence=self.text("confidence"),
                description=self.text("description"),
            )
        )

    def load(self, record: Record) -> None:
        assert isinstance(record, Event)
        self.set_text("at", record.at.text)
        self.set_text("title", record.title)
        self.set_text("category", record.category)
        self.set_data("place", record.place_id)
        self.set_text("geometry", record.geometry or "")
        self.set_text("actors", ", ".join(record.actors))
        self.set_text("source", record.source)
        self.set_text("confidence", record.confidence)
        self.set_text("description", record.description)
