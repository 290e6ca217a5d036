"""Place search (Ctrl+F): the database's places and the offline gazetteer together.

The search itself is services/place_search.py (no Qt). Picking a result centres
the map on it; "Add as place" makes a gazetteer result a place of the database
(one undoable command).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.services.place_search import SearchResult, search_places

# About 150 km across: the town with its neighbours' names, not a blank close-up.
PICK_SPAN_DEG = 1.4


class SearchPanel(QWidget):
    """A query box over a result list; emits the picked result."""

    sigPicked = Signal(object)  # SearchResult
    sigAddRequested = Signal(object)  # SearchResult

    def __init__(self, places_source, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._places_source = places_source  # () -> list[Place], read at each search
        self.query = QLineEdit()
        self.query.setPlaceholderText("Find a place: Homs, Hims, حمص, Talbiseh…")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.add_button = QPushButton("Add as place")
        self.add_button.setEnabled(False)
        self.add_button.setToolTip("Make the chosen gazetteer place a place of this database")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        self.found: list[SearchResult] = []
        self.query.textChanged.connect(self.search)
        self.query.returnPressed.connect(self._pick_first)
        self.results.itemActivated.connect(lambda item: self._pick(self.results.row(item)))
        self.results.currentRowChanged.connect(self._on_row)
        self.add_button.clicked.connect(self._add)

    def search(self, text: str) -> None:
        self.found = search_places(text, self._places_source()) if text.strip() else []
        self.results.clear()
        for result in self.found:
            item = QListWidgetItem(f"{result.name}  —  {result.detail}")
            if result.alt_names:
                item.setToolTip(", ".join(result.alt_names[:12]))
            self.results.addItem(item)
        self._on_row(self.results.currentRow())

    def focus(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def _on_row(self, row: int) -> None:
        result = self.found[row] if 0 <= row < len(self.found) else None
        self.add_button.setEnabled(result is not None and not result.in_database)
        if result is not None:
            self.sigPicked.emit(result)

    def _pick_first(self) -> None:
        if self.found:
            self.results.setCurrentRow(0)
            self._pick(0)

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.found):
            self.sigPicked.emit(self.found[row])

    def _add(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.found) and not self.found[row].in_database:
            self.sigAddRequested.emit(self.found[row])
