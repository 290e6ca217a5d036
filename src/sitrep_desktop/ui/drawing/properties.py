"""A drawing's properties in one dialog: name, style, faction, valid from / to, notes.

Opened by double-clicking a drawing, Edit > Edit selected, the map's right-click
menu, and right after a new shape is drawn. The dates are what the timeline and
the "as of" time test: a "front line on 7 December" is drawn from 2024-12-07 and
does not show on the 5th.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from sitrep_desktop.domain import Annotation, Faction, Moment
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.ui.drawing.style_dialog import AnnotationStyleDialog

ERROR_STYLE = "color:#c62828; font-size:11px"


def date_text(moment: Moment | None) -> str:
    return "" if moment is None else moment.text


class DrawingPropertiesDialog(AnnotationStyleDialog):
    """The style dialog with the drawing's name, dates and notes; `annotation()`
    gives the edited drawing (None, with the reason shown, when a field is wrong)."""

    def __init__(
        self,
        annotation: Annotation,
        factions: list[Faction] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(annotation.style, annotation.label, factions, parent)
        self.original = annotation
        self.setWindowTitle(f"Drawing properties — {annotation.kind}")
        form = self.layout()
        self.valid_from_edit = QLineEdit(date_text(annotation.valid_from))
        self.valid_from_edit.setPlaceholderText("always (e.g. 2024-12-07)")
        self.valid_to_edit = QLineEdit(date_text(annotation.valid_to))
        self.valid_to_edit.setPlaceholderText("still valid")
        self.notes_edit = QPlainTextEdit(annotation.notes)
        self.notes_edit.setMaximumHeight(70)
        self.message = QLabel("")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons_row = form.rowCount() - 1  # the rows go above the OK/Cancel buttons
        for offset, (name, widget) in enumerate(
            (
                ("Valid from", self.valid_from_edit),
                ("Valid to", self.valid_to_edit),
                ("Notes", self.notes_edit),
            )
        ):
            form.insertRow(buttons_row + offset, name, widget)
        form.insertRow(form.rowCount() - 1, self.message)
        self.label_edit.setPlaceholderText("e.g. Front line 7 Dec")
        self.label_edit.setFocus()

    def annotation(self) -> Annotation | None:
        """The drawing as the fields describe it; None (reason shown) if one is wrong."""
        extra = {k: v for k, v in self.original.style.items() if k in ("centre", "radius_m")}
        values: dict[str, Any] = {
            "label": self.label(),
            "style": {**self.style(), **extra},
            "valid_from": self.valid_from_edit.text().strip() or None,
            "valid_to": self.valid_to_edit.text().strip() or None,
            "notes": self.notes_edit.toPlainText().strip(),
        }
        try:
            edited = dataclasses.replace(self.original, **values)
        except ValidationError as exc:
            field = exc.field.replace("_", " ")
            self.message.setText(f"{field}: {exc.reason}")
            self.message.show()
            return None
        self.message.hide()
        return edited

    def accept(self) -> None:
        if self.annotation() is not None:
            super().accept()
