"""Forms for events, places and control changes, with inline validation.

A form turns its fields into a domain record; the record's own constructor is
the validator, so the form never disagrees with the store. A field that is
wrong gets a red message under it and nothing is saved until it is fixed.
`RecordDialog` saves through a command on the undo stack (one transaction).
An event that implies a control change ("HTS captures Homs") offers to log it
too, in the same command (see domain/implied_control.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..commands import AddRecords, Command, CompositeCommand, UpdateRecord
from ..domain import (
    CONFIDENCE_LEVELS,
    PLACE_KINDS,
    ControlChange,
    Event,
    Place,
    Record,
    parse_moment,
)
from ..domain.errors import ValidationError
from ..domain.implied_control import ControlOffer, implied_by_event, implied_control
from ..store import Store
from .control_offer import ControlOfferBox
from .time_text import local_and_utc, local_now_text
from .undo import UndoStack

ERROR_STYLE = "color:#c62828; font-size:11px"


class RecordForm(QWidget):
    """Fields in a QFormLayout, each with a hidden error line beneath it."""

    kind = "record"

    def __init__(self, store: Store, record: Record | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.record = record
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.layout_ = QFormLayout(self)
        self.build_fields()
        if record is not None:
            self.load(record)

    # -- building ------------------------------------------------------------------------
    def build_fields(self) -> None:
        raise NotImplementedError

    def add(self, name: str, label: str, widget: QWidget) -> QWidget:
        widget.setObjectName(f"field_{name}")
        error = QLabel("", self)
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        column.addWidget(error)
        self.layout_.addRow(label, box)
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def line(self, name: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        return self.add(name, label, edit)  # type: ignore[return-value]

    def combo(
        self, name: str, label: str, items: list[tuple[str, Any]], editable=False
    ) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(editable)
        for text, data in items:
            box.addItem(text, data)
        return self.add(name, label, box)  # type: ignore[return-value]

    # -- values --------------------------------------------------------------------------
    def text(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentText().strip()
        raise TypeError(name)

    def set_text(self, name: str, value: str) -> None:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            widget.setText(value)
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, QComboBox):
            found = widget.findText(value)
            if found >= 0:
                widget.setCurrentIndex(found)
            elif widget.isEditable():
                widget.setEditText(value)

    def data(self, name: str) -> Any:
        return self.fields[name].currentData()  # type: ignore[attr-defined]

    def set_data(self, name: str, value: Any) -> None:
        box: QComboBox = self.fields[name]  # type: ignore[assignment]
        found = box.findData(value)
        if found >= 0:
            box.setCurrentIndex(found)

    def prefill(self, **values: Any) -> None:
        """Set fields by name: combo boxes of records take ids, the rest take text."""
        for name, value in values.items():
            if name in ("place", "faction", "kind") and value is not None:
                self.set_data(name, value)
            elif name in self.fields:
                self.set_text(name, "" if value is None else str(value))

    # -- validation ----------------------------------------------------------------------
    def show_error(self, name: str, message: str) -> None:
        label = self.errors.get(name) or next(iter(self.errors.values()))
        label.setText(message)
        label.show()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""

    @property
    def has_errors(self) -> bool:
        return any(not label.isHidden() for label in self.errors.values())

    def build(self) -> Record | None:
        """The record the fields describe, or None after showing what is wrong."""
        self.clear_errors()
        try:
            record = self.make_record()
        except ValidationError as exc:
            self.show_error(_FIELD_ALIASES.get(exc.field, exc.field), exc.reason)
            return None
        return record

    def make_record(self) -> Record:
        raise NotImplementedError

    def build_companions(self, record: Record) -> list[Record] | None:
        """Records to add with `record` in the same step, or None after showing what is wrong."""
        try:
            return self.companions(record)
        except ValidationError as exc:
            self.show_error(_FIELD_ALIASES.get(exc.field, exc.field), exc.reason)
            return None

    def companions(self, record: Record) -> list[Record]:
        return []

    def load(self, record: Record) -> None:
        raise NotImplementedError

    def keep_identity(self, **values: Any) -> dict[str, Any]:
        """Identity and stamps of the record being edited, so the save is an update."""
        if self.record is None:
            return values
        kept = {k: getattr(self.record, k) for k in ("id", "created", "updated", "author")}
        return {**kept, **values}


_FIELD_ALIASES = {"place_id": "place", "faction_id": "faction", "short_name": "name"}


def _number(text: str, name: str, whole: bool = False) -> float | int | None:
    if not text:
        return None
    try:
        return int(text.replace(",", "")) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValidationError(name, text, f"must be {kind}") from None


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


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
            actors=_list(self.text("actors")),
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
                actors=_list(self.text("actors")),
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


class PlaceForm(RecordForm):
    kind = "place"

    def build_fields(self) -> None:
        self.line("name", "Name")
        self.combo("kind", "Kind", [(k.replace("_", " "), k) for k in PLACE_KINDS])
        self.set_data("kind", "town")
        self.line("lat", "Latitude", "35.13179")
        self.line("lon", "Longitude", "36.75783")
        self.line("alt_names", "Also called", "comma-separated")
        self.line("population", "Population")
        self.line("tags", "Tags", "comma-separated")
        self.add("notes", "Notes", QPlainTextEdit(self))
        self.fields["notes"].setMaximumHeight(80)

    def make_record(self) -> Record:
        population = _number(self.text("population"), "population", whole=True)
        lat = _number(self.text("lat"), "lat")
        lon = _number(self.text("lon"), "lon")
        return Place(
            **self.keep_identity(
                name=self.text("name"),
                kind=self.data("kind"),
                lat=lat,
                lon=lon,
                alt_names=_list(self.text("alt_names")),
                population=population,
                tags=_list(self.text("tags")),
                notes=self.text("notes"),
            )
        )

    def load(self, record: Record) -> None:
        assert isinstance(record, Place)
        self.set_text("name", record.name)
        self.set_data("kind", record.kind)
        self.set_text("lat", f"{record.lat:.6f}")
        self.set_text("lon", f"{record.lon:.6f}")
        self.set_text("alt_names", ", ".join(record.alt_names))
        self.set_text("population", "" if record.population is None else str(record.population))
        self.set_text("tags", ", ".join(record.tags))
        self.set_text("notes", record.notes)


class ControlChangeForm(RecordForm):
    kind = "control_change"

    def build_fields(self) -> None:
        places = [(p.name, p.id) for p in self.store.places.all()]
        self.combo("place", "Place", places)
        factions = [(f"{f.short_name} — {f.name}", f.id) for f in self.store.factions.all()]
        self.combo("faction", "New controller", factions)
        self.line("at", "Effective", "2024-12-05 or 2024-12-05T14:30+02:00").setText(
            local_now_text()
        )
        self.line("source", "Source")
        self.combo("confidence", "Confidence", [(c, c) for c in CONFIDENCE_LEVELS])
        self.set_text("confidence", "medium")
        self.add("notes", "Notes", QPlainTextEdit(self))
        self.fields["notes"].setMaximumHeight(80)

    def make_record(self) -> Record:
        return ControlChange(
            **self.keep_identity(
                place_id=self.data("place") or "",
                faction_id=self.data("faction") or "",
                at=self.text("at"),
                source=self.text("source"),
                confidence=self.text("confidence"),
                notes=self.text("notes"),
            )
        )

    def load(self, record: Record) -> None:
        assert isinstance(record, ControlChange)
        self.set_data("place", record.place_id)
        self.set_data("faction", record.faction_id)
        self.set_text("at", record.at.text)
        self.set_text("source", record.source)
        self.set_text("confidence", record.confidence)
        self.set_text("notes", record.notes)


FORMS: dict[str, type[RecordForm]] = {
    "event": EventForm,
    "place": PlaceForm,
    "control_change": ControlChangeForm,
}
TITLES = {"event": "event", "place": "place", "control_change": "control change"}


class RecordDialog(QDialog):
    """A form in a dialog: OK validates, saves through the undo stack, then closes."""

    def __init__(
        self,
        kind: str,
        store: Store,
        undo_stack: UndoStack,
        record: Record | None = None,
        parent: QWidget | None = None,
        on_saved: Callable[[Record], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"RecordDialog_{kind}")
        verb = "Edit" if record is not None else "New"
        self.setWindowTitle(f"{verb} {TITLES[kind]}")
        self.undo_stack = undo_stack
        self.original = record
        self.on_saved = on_saved
        self.saved: Record | None = None
        self.form = FORMS[kind](store, record, self)
        self.message = QLabel("", self)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        record = self.form.build()
        extra = self.form.build_companions(record) if record is not None else None
        if record is None or extra is None:
            return  # the form shows what is wrong; stay open
        command = self._command(record, extra)
        if command is None:
            super().accept()
            return
        refusal = self.undo_stack.attempt(command)
        if refusal is not None:
            self.message.setText(refusal)
            self.message.show()
            return
        self.saved = record
        if self.on_saved is not None:
            self.on_saved(record)
        super().accept()

    def _command(self, record: Record, extra: list[Record]) -> Command | None:
        """One command (one undo step, one transaction) for the record and its companions."""
        title = TITLES[record.KIND]  # type: ignore[attr-defined]
        also = " and control change" if extra else ""
        if self.original is None:
            return AddRecords([record, *extra], text=f"new {title}{also}")
        if _same(self.original, record):
            return AddRecords(extra, text="log control change") if extra else None
        update = UpdateRecord(self.original, record)
        if not extra:
            return update
        return CompositeCommand([update, AddRecords(extra)], text=f"edit {title}{also}")


def _same(a: Record, b: Record) -> bool:
    return dataclasses.asdict(a) == dataclasses.asdict(b)
