"""The legend: what each colour and symbol on the map means."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from sitrep_desktop.services.style import (
    BASEMAP_LINES,
    EVENT_COLOURS,
    EVENT_OUTLINE,
    PLACE_SYMBOLS,
    UNKNOWN_COLOUR,
    event_symbol,
)
from sitrep_desktop.ui.snapshot.symbols import draw_symbol

SWATCH = 14
ESTIMATE_LEGEND = "hatched: estimated area (nearest known holder)"
MAX_DRAWINGS = 30  # a legend, not a list of every drawing


def _drawing_text(drawing) -> str:
    """The label, with the dates it holds for when it does not hold always."""
    start = drawing.valid_from.text if drawing.valid_from else ""
    end = drawing.valid_to.text if drawing.valid_to else ""
    if not (start or end):
        return drawing.label
    return f"{drawing.label} ({start or '…'} to {end or '…'})"


class LegendPanel(QWidget):
    """Factions (from the database), place symbols, event colours, drawings, basemap lines."""

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        # Compact, as it shows from the first start beside the map: long names wrap
        # rather than widen the dock or hide behind a scroll bar.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setIconSize(QSize(SWATCH, SWATCH))
        self.list.setSpacing(0)
        font = self.list.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.list.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        self.rebuild()

    def rebuild(self) -> None:
        self.list.clear()
        self._heading("Who holds a place")
        for faction in self.store.factions.all():
            self._entry(_swatch("o", faction.colour), f"{faction.name} ({faction.short_name})")
        self._entry(_swatch("o", UNKNOWN_COLOUR), "Control unknown")
        # The hatched areas are labelled on one piece each; the legend names them all.
        self._entry(_hatched_swatch(), ESTIMATE_LEGEND)
        self._heading("Place kinds")
        seen = set()
        for _kind, symbol in PLACE_SYMBOLS.items():
            if symbol not in seen:
                kinds = [k.replace("_", " ") for k, s in PLACE_SYMBOLS.items() if s == symbol]
                self._entry(_swatch(symbol, "#ffffff"), ", ".join(kinds))
                seen.add(symbol)
        self._heading("Events")
        for category, colour in EVENT_COLOURS.items():
            self._entry(_swatch(event_symbol(category), colour), category)
        drawings = [a for a in self.store.annotations.all() if a.label][:MAX_DRAWINGS]
        if drawings:
            self._heading("Drawings")
        for drawing in drawings:
            colour = str(drawing.style.get("colour", "#37474f"))
            area = drawing.kind in ("polygon", "circle")
            self._entry(_swatch("s" if area else "line", colour), _drawing_text(drawing))
        self._heading("Basemap")
        for style in BASEMAP_LINES.values():
            self._entry(_swatch("line", style.colour), style.title)

    def on_store_changed(self, change) -> None:
        if change.kind in ("faction", "annotation", "*"):
            self.rebuild()

    def _heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self.list.addItem(item)

    def _entry(self, pixmap: QPixmap, text: str) -> None:
        item = QListWidgetItem(text)
        item.setIcon(pixmap)
        self.list.addItem(item)


def _hatched_swatch(colour: str = "#616161") -> QPixmap:
    """An estimated area as on the map: hatched in the holder's colour, dotted edge."""
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor(colour), 1, Qt.PenStyle.DotLine))
    painter.setBrush(QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern))
    painter.drawRect(1, 1, SWATCH - 3, SWATCH - 3)
    painter.end()
    return pixmap


def _swatch(symbol: str, colour: str) -> QPixmap:
    """A legend icon: a line, or the map's own symbol in `colour`."""
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(EVENT_OUTLINE), 1))
    painter.setBrush(QColor(colour))
    if symbol == "line":
        painter.setPen(QPen(QColor(colour), 2))
        painter.drawLine(QPointF(1, SWATCH / 2), QPointF(SWATCH - 1, SWATCH / 2))
    else:
        draw_symbol(painter, symbol, QPointF(SWATCH / 2, SWATCH / 2), SWATCH - 3)
    painter.end()
    return pixmap
