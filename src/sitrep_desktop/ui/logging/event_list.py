"""The event list: a lazy Qt table model over the store's events, and its pane.

The model holds a count and a few pages of rows, never the whole table: with
1,000,000 events the first paint reads one count and one page. Pages are read
when a row is first drawn, and the oldest pages are dropped as the user scrolls.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.domain import Event, Moment, parse_moment
from sitrep_desktop.store import Store, StoreChange
from sitrep_desktop.store.event_queries import EventFilter, EventQueries, RowPage
from sitrep_desktop.ui.logging.event_filters import EventFilterBar
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState
from sitrep_desktop.ui.window.time_text import local_and_utc, short

COLUMNS = ("Time", "Category", "Title", "Place", "Confidence")
# The width of each column but the title, as a typical value: the title stretches.
COLUMN_SAMPLES = {0: "2024-12-06 14:30", 1: "movement", 3: "Dar al-Kabira", 4: "Confidence"}
# A time column whose rows in view are all days needs only a day's width: in a
# narrow pane the 30 px an hour takes would come off the title.
DAY_SAMPLE = "2024-12-06"
# Which column gives way when the title would get less than this share of the width.
TITLE_SHARE_BEFORE_HIDING = ((4, 0.35), (1, 0.35), (3, 0.35))
SORT_KEYS = ("time", "category", "title", "place", "confidence")
PAGE_SIZE = 200
MAX_PAGES = 40  # ~8,000 rows kept in memory
Index = QModelIndex | QPersistentModelIndex


class EventListModel(QAbstractTableModel):
    """Events matching the filter and the map's "as of" time, in the chosen order."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.queries = EventQueries(store)
        self.filter = EventFilter()
        self.until: Moment | None = None
        self.sort_key = "time"
        self.descending = False
        self._count = 0
        self._pages: OrderedDict[int, RowPage] = OrderedDict()
        self._place_names: dict[str, str] | None = None  # read when first shown
        self.reload()

    # -- what to show ----------------------------------------------------------------------
    @property
    def search(self) -> str:
        return self.filter.search

    def effective_filter(self) -> EventFilter:
        """The filter, narrowed to events at or before the map's time."""
        if self.until is None:
            return self.filter
        if self.filter.until:
            own = parse_moment(self.filter.until)
            if own.upper_key <= self.until.upper_key:
                return self.filter
        return self.filter.with_(until=self.until.text)

    def reload(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = self.queries.count(self.effective_filter())
        self.endResetModel()

    def set_filter(self, spec: EventFilter) -> None:
        self.filter = spec
        self.reload()

    def set_search(self, text: str) -> None:
        self.set_filter(self.filter.with_(search=text.strip()))

    def set_until(self, moment: Moment | None) -> None:
        self.until = moment
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = SORT_KEYS[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- rows --------------------------------------------------------------------------------
    def event_at(self, row: int) -> Event:
        return self._row(row)[1]

    def _row(self, row: int) -> tuple[int, Event]:
        number, within = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self._load_page(number)
        else:
            self._pages.move_to_end(number)
        return page[within]

    def _load_page(self, number: int) -> Sequence[tuple[int, Event]]:
        spec = self.effective_filter()
        previous = self._pages.get(number - 1)
        cursor = previous.cursor if previous else None
        if cursor is not None:
            # Scrolling down: continue from the last row seen instead of counting an
            # OFFSET (every sort has a keyset: its sort value and the rowid).
            page = self.queries.page_after(
                spec, cursor, sort=self.sort_key, descending=self.descending, limit=PAGE_SIZE
            )
        else:
            page = self.queries.page(
                spec,
                sort=self.sort_key,
                descending=self.descending,
                offset=number * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def row_of(self, event_id: str) -> int | None:
        return self.queries.position_of(
            self.effective_filter(), event_id, sort=self.sort_key, descending=self.descending
        )

    @property
    def loaded_rows(self) -> int:
        """How many rows are held in memory (the rest stay in the database)."""
        return sum(len(page) for page in self._pages.values())

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
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
        if index.row() >= self._count:
            return None
        event = self.event_at(index.row())
        tip = role == Qt.ItemDataRole.ToolTipRole
        column = index.column()
        if column == 0:
            return local_and_utc(event.at) if tip else short(event.at)
        if column == 1:
            return event.category
        if column == 2:
            return event.description if tip else event.title
        if column == 3:
            if self._place_names is None:
                self._place_names = {p.id: p.name for p in self.store.places.all()}
            return self._place_names.get(event.place_id or "", "")
        return event.confidence

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind in ("place", "*"):
            self._place_names = None  # names changed: read them again when shown
        if change.kind in ("event", "place", "category", "*"):
            self.reload()


class EventListPane(QWidget):
    """Quick filter, filter bar and table; selecting a row selects the event everywhere."""

    def __init__(
        self,
        store: Store,
        selection: Selection,
        time_state: TimeState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EventListPane")
        self.store = store
        self.selection = selection
        self.model = EventListModel(store, self)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter events (full text)…")
        self.filter_box.setClearButtonEnabled(True)
        self.filters = EventFilterBar(store, self)
        self.filters.hide()
        self.more = QToolButton(self)
        self.more.setText("Filters ▸")
        self.more.setCheckable(True)
        self.more.toggled.connect(self._toggle_filters)
        self.count_label = QLabel("", self)
        self.count_label.setStyleSheet("color:#616161")
        self.filter_box.textChanged.connect(self.filters.set_search)
        self.filters.sigChanged.connect(self.model.set_filter)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Fixed row height: the view never asks every row for its size.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        metrics = self.table.fontMetrics()
        self._column_widths = {
            column: metrics.horizontalAdvance(sample) + 16
            for column, sample in COLUMN_SAMPLES.items()
        }
        self._time_widths = (metrics.horizontalAdvance(DAY_SAMPLE) + 16, self._column_widths[0])
        self.fit_columns()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filter_box)
        line = QWidget(self)
        across = QHBoxLayout(line)
        across.setContentsMargins(0, 0, 0, 0)
        across.addWidget(self.more)
        across.addStretch(1)
        across.addWidget(self.count_label)
        layout.addWidget(line)
        layout.addWidget(self.filters)
        layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.model.modelReset.connect(self._after_reset)
        self.table.verticalScrollBar().valueChanged.connect(lambda _v: self.fit_columns())
        selection.sigChanged.connect(self._on_selection)
        time_state.sigChanged.connect(self.model.set_until)
        self._after_reset()

    def fit_columns(self) -> None:
        """The title is what a reader scans: the other columns get just the room
        their usual values need and the title the rest; in a narrow pane the
        confidence, the category, then the place give way (the detail pane has all)."""
        available = self.table.viewport().width() or self.table.width()
        self._column_widths[0] = self._time_widths[self._hours_in_view()]
        shown = dict(self._column_widths)
        for column, title_share in TITLE_SHARE_BEFORE_HIDING:
            if available - sum(shown.values()) < title_share * available:
                del shown[column]
        for column, width in self._column_widths.items():
            self.table.setColumnHidden(column, column not in shown)
            self.table.setColumnWidth(column, width)

    def _hours_in_view(self) -> bool:
        """Whether a row in view (or the first screenful) shows a time of day; the
        rows in view are read for painting anyway (their page is cached)."""
        count = self.model.rowCount()
        if count == 0:
            return False
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        last = min(count - 1, last if last >= 0 else first + 40)
        return any(not self.model.event_at(r).at.date_only for r in range(first, last + 1))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.fit_columns()

    def clear_all_filters(self) -> None:
        """Clear the quick search and every filter: the list and the map show everything."""
        with QSignalBlocker(self.filter_box):
            self.filter_box.clear()
        self.filters.apply(EventFilter())

    def _toggle_filters(self, shown: bool) -> None:
        self.filters.setVisible(shown)
        self.more.setText("Filters ▾" if shown else "Filters ▸")

    def selected_events(self) -> list[Event]:
        """Every event selected in the table (for delete), in list order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.event_at(row) for row in rows]

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind in ("place", "faction", "category", "saved_filter", "*"):
            self.filters.refresh_choices()

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

    def _after_reset(self) -> None:
        self.fit_columns()  # the rows in view may have times of day now, or none
        self.count_label.setText(f"{self.model.rowCount():,} events")
        self._on_selection(self.selection.kind, self.selection.id)
