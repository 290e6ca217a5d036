"""The style dialog: colour (a faction's by default), line, fill, symbol, label, presets."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from sitrep_desktop.domain import Faction
from sitrep_desktop.domain.annotation_styles import (
    DASH_STYLES,
    PRESETS,
    SYMBOLS,
    full_style,
    preset_style,
)

NO_PRESET = "(custom)"
NO_FACTION = "(no faction)"


class AnnotationStyleDialog(QDialog):
    """Edit one style (and label). `style()` and `label()` give the result."""

    def __init__(
        self,
        style: dict[str, Any] | None = None,
        label: str = "",
        factions: list[Faction] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Drawing style")
        self.factions = list(factions or [])
        current = full_style(style)
        form = QFormLayout(self)

        self.preset_box = QComboBox()
        self.preset_box.addItems([NO_PRESET, *PRESETS])
        self.faction_box = QComboBox()
        self.faction_box.addItem(NO_FACTION, None)
        for faction in self.factions:
            self.faction_box.addItem(f"{faction.short_name} — {faction.name}", faction.id)
        self.colour_button = QPushButton()
        self.width_box = QDoubleSpinBox(minimum=0.5, maximum=20.0, singleStep=0.5, decimals=1)
        self.dash_box = QComboBox()
        self.dash_box.addItems(list(DASH_STYLES))
        self.opacity_box = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2)
        self.symbol_box = QComboBox()
        self.symbol_box.addItems(list(SYMBOLS))
        self.label_edit = QLineEdit(label)
        self.text_size_box = QSpinBox(minimum=6, maximum=48)
        for name, widget in (
            ("Preset", self.preset_box),
            ("Faction", self.faction_box),
            ("Colour", self.colour_button),
            ("Line width (px)", self.width_box),
            ("Dash", self.dash_box),
            ("Fill opacity", self.opacity_box),
            ("Point symbol", self.symbol_box),
            ("Label", self.label_edit),
            ("Label size (pt)", self.text_size_box),
        ):
            form.addRow(name, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

        self._show(current)
        faction_index = self.faction_box.findData(current.get("faction_id"))
        self.faction_box.setCurrentIndex(max(faction_index, 0))
        self.preset_box.setCurrentText(str(current.get("preset", NO_PRESET)))
        self.preset_box.currentTextChanged.connect(self.apply_preset)
        self.faction_box.currentIndexChanged.connect(self._on_faction)
        self.colour_button.clicked.connect(self._pick_colour)

    # -- public ------------------------------------------------------------------------
    def style(self) -> dict[str, Any]:
        style = {
            "colour": self._colour,
            "width": self.width_box.value(),
            "dash": self.dash_box.currentText(),
            "fill_opacity": round(self.opacity_box.value(), 2),
            "symbol": self.symbol_box.currentText(),
            "text_size": self.text_size_box.value(),
        }
        if self.faction_box.currentData():
            style["faction_id"] = self.faction_box.currentData()
        if self.preset_box.currentText() != NO_PRESET:
            style["preset"] = self.preset_box.currentText()
        return style

    def label(self) -> str:
        return self.label_edit.text().strip()

    def apply_preset(self, name: str) -> None:
        """Take a preset's look, keeping the chosen faction's colour."""
        if name not in PRESETS:
            return
        self._show(preset_style(name, self._faction_colour()))

    def set_colour(self, colour: str) -> None:
        self._colour = QColor(colour).name()
        self.colour_button.setText(self._colour)
        self.colour_button.setStyleSheet(
            f"background: {self._colour}; color: {_readable_on(self._colour)};"
        )

    # -- internals ----------------------------------------------------------------------
    def _show(self, style: dict[str, Any]) -> None:
        self.set_colour(str(style["colour"]))
        self.width_box.setValue(float(style["width"]))
        self.dash_box.setCurrentText(str(style["dash"]))
        self.opacity_box.setValue(float(style["fill_opacity"]))
        self.symbol_box.setCurrentText(str(style["symbol"]))
        self.text_size_box.setValue(int(style["text_size"]))

    def _faction_colour(self) -> str | None:
        faction_id = self.faction_box.currentData()
        return next((f.colour for f in self.factions if f.id == faction_id), None)

    def _on_faction(self) -> None:
        colour = self._faction_colour()
        if colour:
            self.set_colour(colour)

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Drawing colour")
        if colour.isValid():
            self.set_colour(colour.name())


def _readable_on(colour: str) -> str:
    return "#000000" if QColor(colour).lightnessF() > 0.55 else "#ffffff"
