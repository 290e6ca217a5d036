"""Forms for places and control changes, and the dialog that saves any form.

`RecordDialog` saves through a command on the undo stack (one transaction): the
record, and for an event the control change it implies when the user keeps
that offer (event_form.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.commands import AddRecords, Command, CompositeCommand, UpdateRecord
from sitrep_desktop.domain import (
    CONFIDENCE_LEVELS,
    PLACE_KINDS,
    ControlChange,
    Moment,
    Place,
    Record,
)
from sitrep_desktop.store import Store
from sitrep_desktop.ui.logging.forms.base import ERROR_STYLE, RecordForm, list_field, number_field
from sitrep_desktop.ui.logging.forms.event_form import EventForm
from sitrep_desktop.ui.window.time_text import local_now_text
from sitrep_desktop.ui.window.undo import UndoStack


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
        population = number_field(self.text("population"), "population", whole=True)
        lat = number_field(self.text("lat"), "lat")
        lon = number_field(self.text("lon"), "lon")
        return Place(
            **self.keep_identity(
                name=self.text("name"),
                kind=self.data("kind"),
                lat=lat,
                lon=lon,
                alt_names=list_field(self.text("alt_names")),
                population=population,
                tags=list_field(self.text("tags")),
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
        self._factions = {f.id: f for f in self.store.factions.all()}
        factions = [(f"{f.short_name} — {f.name}", f.id) for f in self._factions.values()]
        self.combo("faction", "New controller", factions)
        self.line("at", "Effective", "2024-12-05 or 2024-12-05T14:30+02:00").setText(
            local_now_text()
        )
        self.holder = QLabel("", self)
        self.holder.setObjectName("CurrentHolder")
        self.layout_.insertRow(2, "", self.holder)
        self.fields["place"].currentIndexChanged.connect(lambda _i: self.propose_new_controller())
        self.line("source", "Source")
        self.combo("confidence", "Confidence", [(c, c) for c in CONFIDENCE_LEVELS])
        self.set_text("confidence", "medium")
        self.add("notes", "Notes", QPlainTextEdit(self))
        self.fields["notes"].setMaximumHeight(80)

    def propose_new_controller(self, at: Moment | None = None) -> None:
        """Say who holds the place at `at` (the map's time) and propose no one: a
        change of control is to someone else, and the user must say whom."""
        if at is not None:
            self.set_text("at", at.text)
            self._as_of = at
        if self.record is not None:
            return
        as_of = getattr(self, "_as_of", None)
        state = self.store.control.control_map(as_of).get(self.data("place") or "")
        holder = self._factions.get(state.faction_id) if state and state.faction_id else None
        when = f" on {as_of.text}" if as_of is not None else ""
        self.holder.setText(
            f"Held by {holder.short_name}{when}" if holder else f"No known holder{when}"
        )
        box = self.fields["faction"]
        box.setCurrentIndex(-1)  # type: ignore[attr-defined]
        box.setPlaceholderText("choose the new controller")  # type: ignore[attr-defined]

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
