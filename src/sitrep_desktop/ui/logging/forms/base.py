"""The base of the record forms: fields, inline validation, building a record.

A form turns its fields into a domain record; the record's own constructor is
the validator, so the form never disagrees with the store. A field that is
wrong gets a red message under it and nothing is saved until it is fixed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.domain import (
    Record,
)
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.store import Store

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


def number_field(text: str, name: str, whole: bool = False) -> float | int | None:
    """A number typed in a field ("1,400,000" too), None when empty."""
    if not text:
        return None
    try:
        return int(text.replace(",", "")) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValidationError(name, text, f"must be {kind}") from None


def list_field(text: str) -> tuple[str, ...]:
    """A comma-separated field as a tuple of its non-empty parts."""
    return tuple(part.strip() for part in text.split(",") if part.strip())
