"""The filter bar above the event list: category, faction, actor, confidence,
time range, "within N km of a place", "only what the map shows", saved filters.

It only edits an EventFilter and says so (`sigChanged`); the list model runs it,
and MapFilterLink applies it to the map's events.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from sitrep_desktop.domain import CONFIDENCE_LEVELS, parse_moment
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.store import BBox, Store, StoreChange
from sitrep_desktop.store.event_queries import EventFilter, EventQueries
from sitrep_desktop.store.saved_filters import SavedFilters

ANY = "Any"
BAD_FIELD = "QLineEdit { border: 1px solid #c62828; }"


class EventFilterBar(QWidget):
    sigChanged = Signal(object)  # EventFilter

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EventFilterBar")
        self.store = store
        self.saved = SavedFilters(store)
        self.bbox_source: Callable[[], BBox] | None = None
        self.search = ""
        self.category = QComboBox(self)
        self.faction = QComboBox(self)
        self.actor = QLineEdit(self)
        self.actor.setPlaceholderText("actor")
        self.confidence = QComboBox(self)
        self.confidence.addItems([ANY, *CONFIDENCE_LEVELS])
        self.since = QLineEdit(self)
        self.since.setPlaceholderText("from (2024-11-27)")
        self.until = QLineEdit(self)
        self.until.setPlaceholderText("to")
        self.near_place = QComboBox(self)
        self.near_km = QDoubleSpinBox(self)
        self.near_km.setRange(0.0, 5000.0)
        self.near_km.setSuffix(" km")
        self.near_km.setValue(25.0)
        self.map_only = QCheckBox("Only what the map shows", self)
        self.saved_box = QComboBox(self)
        self.saved_box.setObjectName("SavedFilters")
        self.save_button = QPushButton("Save…", self)
        self.clear_button = QPushButton("Clear", self)
        self.refresh_choices()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        grid.addWidget(QLabel("Category"), 0, 0)
        grid.addWidget(self.category, 0, 1)
        grid.addWidget(QLabel("Faction"), 0, 2)
        grid.addWidget(self.faction, 0, 3)
        grid.addWidget(self.actor, 0, 4)
        grid.addWidget(QLabel("Confidence"), 1, 0)
        grid.addWidget(self.confidence, 1, 1)
        grid.addWidget(QLabel("Time"), 1, 2)
        grid.addWidget(self.since, 1, 3)
        grid.addWidget(self.until, 1, 4)
        grid.addWidget(QLabel("Within"), 2, 0)
        grid.addWidget(self.near_km, 2, 1)
        grid.addWidget(QLabel("of"), 2, 2)
        grid.addWidget(self.near_place, 2, 3)
        grid.addWidget(self.map_only, 2, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Saved"))
        row.addWidget(self.saved_box, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.clear_button)
        grid.addLayout(row, 3, 0, 1, 5)

        for box in (self.category, self.faction, self.confidence, self.near_place):
            box.currentIndexChanged.connect(self.emit_changed)
        for edit in (self.actor, self.since, self.until):
            edit.editingFinished.connect(self.emit_changed)
        self.near_km.valueChanged.connect(self._near_changed)
        self.map_only.toggled.connect(self.emit_changed)
        self.saved_box.activated.connect(self._recall_chosen)
        self.save_button.clicked.connect(self._ask_and_save)
        self.clear_button.clicked.connect(self.clear)

    def refresh_choices(self) -> None:
        """Fill the combo boxes from the store (categories, factions, places, saved)."""
        keep = self.current_filter() if self.category.count() else None
        with (
            QSignalBlocker(self.category),
            QSignalBlocker(self.faction),
            QSignalBlocker(self.near_place),
            QSignalBlocker(self.saved_box),
        ):
            self.category.clear()
            self.category.addItems([ANY, *self.store.categories.names()])
            self.faction.clear()
            self.faction.addItem(ANY, "")
            for faction in self.store.factions.all():
                self.faction.addItem(f"{faction.short_name} — {faction.name}", faction.short_name)
            self.near_place.clear()
            self.near_place.addItem("(no place)", "")
            for place in self.store.places.all():
                self.near_place.addItem(place.name, place.id)
            self.saved_box.clear()
            self.saved_box.addItem("")
            self.saved_box.addItems(self.saved.names())
        if keep is not None:
            self.apply(keep, announce=False)

    # -- reading and writing the filter ----------------------------------------------------
    def current_filter(self) -> EventFilter:
        category = self.category.currentText()
        confidence = self.confidence.currentText()
        near = self.near_place.currentData() or ""
        bbox = self.bbox_source() if (self.map_only.isChecked() and self.bbox_source) else None
        return EventFilter(
            search=self.search,
            categories=() if category in (ANY, "") else (category,),
            faction=self.faction.currentData() or "",
            actor=self.actor.text().strip(),
            confidences=() if confidence == ANY else (confidence,),
            since=self._time_text(self.since),
            until=self._time_text(self.until),
            near_place_id=near,
            near_km=self.near_km.value() if near else 0.0,
            bbox=bbox,
        )

    def _time_text(self, edit: QLineEdit) -> str:
        text = edit.text().strip()
        if not text:
            edit.setStyleSheet("")
            edit.setToolTip("")
            return ""
        try:
            parse_moment(text)
        except ValidationError as exc:
            # Shown on the field and ignored: a half-typed date must not empty the list.
            edit.setStyleSheet(BAD_FIELD)
            edit.setToolTip(exc.reason)
            return ""
        edit.setStyleSheet("")
        edit.setToolTip("")
        return text

    def apply(self, spec: EventFilter, announce: bool = True) -> None:
        """Show `spec` in the widgets (e.g. a recalled saved filter)."""
        widgets = (self.category, self.faction, self.confidence, self.near_place, self.near_km)
        blockers = [QSignalBlocker(w) for w in (*widgets, self.map_only)]
        self.search = spec.search
        self.category.setCurrentText(spec.categories[0] if spec.categories else ANY)
        self.faction.setCurrentIndex(max(self.faction.findData(spec.faction), 0))
        self.actor.setText(spec.actor)
        self.confidence.setCurrentText(spec.confidences[0] if spec.confidences else ANY)
        self.since.setText(spec.since)
        self.until.setText(spec.until)
        self.near_place.setCurrentIndex(max(self.near_place.findData(spec.near_place_id), 0))
        if spec.near_km:
            self.near_km.setValue(spec.near_km)
        self.map_only.setChecked(spec.bbox is not None)
        del blockers
        if announce:
            self.emit_changed()

    def set_search(self, text: str) -> None:
        self.search = text.strip()
        self.emit_changed()

    def emit_changed(self, *_args: object) -> None:
        self.sigChanged.emit(self.current_filter())

    def _near_changed(self) -> None:
        if self.near_place.currentData():
            self.emit_changed()

    def show_near(self, place_id: str, km: float) -> None:
        """Only the events within `km` of the place (the filters shown, to undo it)."""
        self.near_place.setCurrentIndex(max(self.near_place.findData(place_id), 0))
        self.near_km.setValue(km)
        self.emit_changed()

    def clear(self) -> None:
        self.apply(EventFilter(search=self.search))

    # -- saved filters ---------------------------------------------------------------------
    def save_as(self, name: str) -> None:
        self.saved.save(name, self.current_filter())
        self.refresh_choices()
        self.saved_box.setCurrentText(name.strip())

    def recall(self, name: str) -> bool:
        spec = self.saved.load(name)
        if spec is None:
            return False
        self.apply(spec)
        return True

    def _recall_chosen(self, _index: int) -> None:
        if self.saved_box.currentText():
            self.recall(self.saved_box.currentText())

    def _ask_and_save(self) -> None:
        name, ok = QInputDialog.getText(self, "Save filter", "Name:")
        if ok and name.strip():
            self.save_as(name)


def map_filter(spec: EventFilter) -> EventFilter | None:
    """What of the list's filter the map applies (None: nothing filters the map).
    "Only what the map shows" is the list following the map, not a filter of it."""
    spec = spec.with_(bbox=None)
    return None if spec == EventFilter() else spec


class MapFilterLink(QObject):
    """Applies the list's filters to the map's events, and shows that it does.

    A button on the map says how many events the filters keep; one click clears
    every filter (the quick search too). The map is told rows of its arrays,
    worked out from one SQL query of the filter (EventQueries.matching_ids).
    """

    def __init__(self, filters: EventFilterBar, canvas, clear_all: Callable[[], None]) -> None:
        super().__init__(canvas)
        self.filters, self.canvas = filters, canvas
        self.queries = EventQueries(filters.store)
        self.spec: EventFilter | None = None
        self.badge = QPushButton("", canvas)
        self.badge.setObjectName("MapFilteredBadge")
        self.badge.setStyleSheet(
            "QPushButton { background:#fff3e0; border:1px solid #ef6c00; border-radius:3px;"
            " padding:2px 8px; color:#e65100; font-weight:bold; }"
        )
        self.badge.setToolTip("The event list's filters apply to the map. Click to clear them.")
        self.badge.clicked.connect(clear_all)
        self.badge.move(8, 8)
        self.badge.hide()
        filters.sigChanged.connect(self.apply)

    @property
    def filtered(self) -> bool:
        return self.spec is not None

    def apply(self, spec: EventFilter) -> None:
        self.spec = map_filter(spec)
        if self.spec is None:
            self.canvas.set_event_filter(None)
            self.badge.hide()
            return
        arrays = self.canvas.situation.events
        rows = arrays.row_of.rows_of(self.queries.matching_ids(self.spec))
        rows = rows[rows >= 0]  # looked up together: one search, not one per id
        self.canvas.set_event_filter(rows)
        self.badge.setText(f"Map filtered: {len(rows):,} events  ✕ Clear")
        self.badge.adjustSize()
        self.badge.show()
        self.badge.raise_()

    def on_store_changed(self, change: StoreChange) -> None:
        """Events added or edited may now match, or not: work the rows out again."""
        if self.spec is not None and change.kind in ("event", "place", "*"):
            self.apply(self.spec)
