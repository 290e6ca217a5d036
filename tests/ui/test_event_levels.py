"""The map's events at volume: cells where dense, markers when zoomed in, a switch
exactly at the threshold, one row read for an edit, nothing read for a time change,
and the list's filters applied to the map with a badge that clears them."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from scale_data import fill_events, volume_store
from sitrep_desktop.domain import parse_moment
from sitrep_desktop.services.event_aggregates import AGGREGATE_THRESHOLD
from sitrep_desktop.store import StoreChange
from sitrep_desktop.store.event_queries import EventFilter
from sitrep_desktop.ui.map.canvas import MapCanvas
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState
from sql_trace import QueryCounter

SYRIA = (35.2, 32.2, 42.5, 37.4)
HOMS = (36.62, 34.68, 36.78, 34.78)


@pytest.fixture(scope="module")
def big_store():
    store = volume_store(30_000)
    yield store
    store.close()


def make_canvas(qtbot, store):
    canvas = MapCanvas(store, Selection(), TimeState())
    qtbot.addWidget(canvas)
    canvas.resize(1000, 700)
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas


def test_syria_at_volume_shows_cells_that_add_up_and_homs_shows_markers(qtbot, big_store):
    canvas = make_canvas(qtbot, big_store)
    canvas.set_lonlat_range(*SYRIA)
    layer = canvas.events_layer
    assert layer.aggregated and len(layer.markers.data) == 0
    sql = big_store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert layer.cells.total == sql  # every event lies in the padded view
    canvas.set_lonlat_range(*HOMS)
    assert not layer.aggregated and layer.cells is None
    assert 0 < len(layer.markers.data) <= AGGREGATE_THRESHOLD * 3


def test_cells_switch_to_markers_exactly_at_the_threshold(qtbot, demo_memory_store):
    store = demo_memory_store
    palmyra = (38.2, 34.5, 38.3, 34.6)
    fill_events(store, AGGREGATE_THRESHOLD + 1, seed=3, days_only_every=10**9, box=palmyra)
    keys = [k for (k,) in store.conn.execute(
        "SELECT at_key FROM events WHERE source = 'synthetic' ORDER BY at_key")]  # fmt: skip
    canvas = make_canvas(qtbot, store)
    canvas.set_lonlat_range(38.0, 34.3, 38.5, 34.7)
    layer = canvas.events_layer
    assert layer.aggregated and layer.cells.total == AGGREGATE_THRESHOLD + 1
    # The last event's own instant hides only it: exactly the threshold, so markers.
    canvas.time_state.set_at(parse_moment(keys[-2]))
    assert not layer.aggregated
    assert len(layer.markers.data) == AGGREGATE_THRESHOLD
    canvas.time_state.set_at(parse_moment(keys[-1]))
    assert layer.aggregated and layer.cells.total == AGGREGATE_THRESHOLD + 1


def test_a_time_change_at_volume_reads_nothing_from_disk(qtbot, big_store):
    canvas = make_canvas(qtbot, big_store)
    canvas.set_lonlat_range(*SYRIA)
    with QueryCounter(big_store) as counter:
        for day in ("2018-01-01", "2020-06-15T10:00:00Z", "2024-02-02"):
            canvas.time_state.set_at(parse_moment(day))
    assert counter.statements == []
    sql = big_store.conn.execute(
        "SELECT count(*) FROM events WHERE at_key <= ?", (parse_moment("2024-02-02").upper_key,)
    ).fetchone()[0]
    assert canvas.events_layer.cells.total == sql


def test_an_event_edit_reads_one_row_not_every_event(qtbot):
    store = volume_store(5_000)
    canvas = make_canvas(qtbot, store)
    store.subscribe(canvas.on_store_changed)
    canvas.set_lonlat_range(*SYRIA)
    event = store.events.find(store.conn.execute("SELECT id FROM events LIMIT 1").fetchone()[0])
    with QueryCounter(store) as counter:
        store.events.update(event.__class__(**{**event.__dict__, "category": "airstrike"}))
    reads = [s for s in counter.statements if "FROM events" in s and s.startswith("SELECT")]
    # The edit itself reads its row; the map reads that one row again, and nothing more.
    assert reads and all(f"'{event.id}'" in s for s in reads)
    assert any(s.startswith("SELECT id, at_key, category") for s in reads)
    row = canvas.situation.events.row_of[event.id]
    assert canvas.situation.events.categories[canvas.situation.events.code[row]] == "airstrike"
    store.close()


def test_clicking_a_cell_zooms_to_it_and_its_tip_counts_by_category(qtbot, big_store):
    canvas = make_canvas(qtbot, big_store)
    canvas.set_lonlat_range(*SYRIA)
    cells = canvas.events_layer.cells
    biggest = int(np.argmax(cells.counts))
    tip = cells.tip(biggest, canvas.situation.events.categories)
    assert tip.startswith(f"{int(cells.counts[biggest]):,} events")
    width_before = canvas.view.viewRect().width()
    canvas.events_layer.cells_item.sigCellClicked.emit(cells.bounds(biggest))
    assert canvas.view.viewRect().width() < width_before / 5


def test_the_lists_filter_filters_the_map_and_the_badge_clears_it(qtbot, window):
    canvas, events = window.canvas, window.event_list
    link = window.features.logging.map_filter
    every = len(canvas.events_layer.shown_rows)
    events.filters.apply(EventFilter(categories=("airstrike",)))
    shown = canvas.events_layer.shown_rows
    arrays = canvas.situation.events
    assert 0 < len(shown) < every
    assert {arrays.categories[c] for c in arrays.code[shown]} == {"airstrike"}
    assert link.badge.isVisible() and f"{len(shown):,} events" in link.badge.text()
    qtbot.mouseClick(link.badge, Qt.MouseButton.LeftButton)
    assert not link.badge.isVisible() and not link.filtered
    assert len(canvas.events_layer.shown_rows) == every
    assert events.model.rowCount() == every


def test_the_quick_search_filters_the_map_too(qtbot, window):
    window.event_list.filter_box.setText("launches offensive")
    shown = window.canvas.events_layer.shown_rows
    assert 0 < len(shown) < len(window.canvas.situation.events)
    assert len(shown) == window.event_list.model.rowCount()
    assert window.features.logging.map_filter.badge.isVisible()


def test_at_volume_the_map_paints_first_and_reads_its_events_after(qtbot, big_store, monkeypatch):
    monkeypatch.setattr("sitrep_desktop.ui.map.canvas.DEFER_EVENTS", 10_000)
    monkeypatch.setattr("sitrep_desktop.store.event_counts.map_column_chunks.__defaults__", (4000,))
    canvas = MapCanvas(big_store, Selection(), TimeState())
    qtbot.addWidget(canvas)
    assert not canvas.situation.events_read  # nothing read before the first paint
    canvas.resize(1000, 700)
    canvas.show()
    canvas.set_lonlat_range(*SYRIA)
    qtbot.waitUntil(lambda: canvas.situation.events_read and canvas.events_layer.cells is not None)
    assert canvas.events_layer.cells.total == big_store.events.count()


def test_an_event_added_while_reading_in_steps_is_not_lost(qtbot, monkeypatch):
    store = volume_store(12_000)
    monkeypatch.setattr("sitrep_desktop.ui.map.canvas.DEFER_EVENTS", 10_000)
    canvas = MapCanvas(store, Selection(), TimeState())
    qtbot.addWidget(canvas)
    store.subscribe(canvas.on_store_changed)
    steps = canvas.situation.events_in_steps()
    next(steps)
    fill_events(store, 1, seed=99)  # raw SQL: announce it as the store would
    last = store.conn.execute("SELECT id FROM events ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    canvas.on_store_changed(StoreChange("event", "insert", (last,)))
    list(steps)
    assert not canvas.situation.events_read  # dropped: the events changed meanwhile
    assert last in canvas.situation.events.row_of
    store.close()


def test_a_paint_draws_the_cells_on_screen_and_skips_those_kept_ready_around_it(qtbot, big_store):
    canvas = make_canvas(qtbot, big_store)
    canvas.set_lonlat_range(36.0, 34.0, 37.5, 35.5)  # central Syria: cells all around
    layer = canvas.events_layer
    assert layer.aggregated
    canvas.grab()
    item, cells = layer.cells_item, layer.cells
    # Cells whose disc centre is in the view: each must be drawn; those far off it not.
    rect = canvas.view.viewRect()
    centres_in_view = int(
        ((cells.x >= rect.left()) & (cells.x <= rect.right())
         & (cells.y >= rect.top()) & (cells.y <= rect.bottom())).sum()
    )  # fmt: skip
    assert centres_in_view > 0
    assert centres_in_view <= item.drawn_cells < len(cells)
