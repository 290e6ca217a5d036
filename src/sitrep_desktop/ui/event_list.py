"""The event list: a Qt table model over the store's events, and its pane."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import Event
from ..store import Store, StoreChange
from .selection import Selection
from .time_state import TimeState

COLUMNS = ("Time", "Category", "Title", "Place", "Confidence")
Index = QModelIndex | QPersistentModelIndex


class EventListModel(QAbstractTableModel):
    """Events matching the current text filter and "as of" time, oldest first."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.search = ""
        self.until = None
        self._events: list[Event] = []
        self._place_names: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._place_names = {p.id: p.name for p in self.store.places.all()}
        self._events = self.store.events.query(search=self.search or None, until=self.until)
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self.search = text.strip()
        self.reload()

    def set_until(self, moment) -> None:
        self.until = moment
        self.reload()

    def event_at(self, row: int) -> Event:
        return self._events[row]

    def row_of(self, event_id: str) -> int | None:
        for row, event in enumerate(self._events):
            if event.id == event_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        event = self._events[index.row()]
        column = index.column()
        if column == 0:
            return event.at.text
        if column == 1:
            return event.category
        if column == 2:
            return event.title if role == Qt.ItemDataRole.DisplayRole else event.description
        if column == 3:
            return self._place_names.get(event.place_id or "", "")
        return event.confidence

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind in ("event", "place", "*"):
            self.reload()


class EventListPane(QWidget):
    """Filter box over a table; selecting a row selects the event everywhere."""

    def __init__(
        self,
        store: Store,
        selection: Selection,
        time_state: TimeState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EventListPane")
        self.selection = selection
        self.model = EventListModel(store, self)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter events (full text)…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.model.set_search)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.model.modelReset.connect(self._restore_selection)
        selection.sigChanged.connect(self._on_selection)
        time_state.sigChanged.connect(self.model.set_until)

    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.selection.select("event", self.model.event_at(current.row()).id)

    def _on_selection(self, kind: str, record_id: str) -> None:
        if kind != "event":
            self.table.clearSelection()
            return
        row = self.model.row_of(record_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() != row:
            self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def _restore_selection(self) -> None:
        self._on_selection(self.selection.kind, self.selection.id)
