"""The timeline after an edit or delete: the days as the triggers keep them, read from
their small table; never a GROUP BY over the events."""

from dataclasses import replace

import numpy as np

from sitrep_desktop.domain import Event, parse_moment
from sitrep_desktop.ui.map.panels.timeline import TimelinePane, seconds_of
from sitrep_desktop.ui.window.time_state import TimeState


def day_count(pane: TimelinePane, day: str) -> int:
    starts, counts = pane.strip.days
    hit = np.flatnonzero(starts == seconds_of(parse_moment(day)))
    return int(counts[hit[0]]) if len(hit) else 0


def test_an_edit_moves_one_count_and_reads_no_events(qtbot, demo_memory_store):
    store = demo_memory_store
    pane = TimelinePane(store, TimeState())
    qtbot.addWidget(pane)
    store.subscribe(pane.on_store_changed)
    event = store.events.add(Event(title="Shelling of Talbiseh", at=parse_moment("2031-03-02"),
                                   category="shelling", confidence="medium"))  # fmt: skip
    assert day_count(pane, "2031-03-02") == 1
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        event = store.events.update(replace(event, at=parse_moment("2031-03-04T08:00Z")))
    finally:
        store.conn.set_trace_callback(None)
    assert day_count(pane, "2031-03-02") == 0 and day_count(pane, "2031-03-04") == 1
    # Hours in view are counted over the days shown (an index range); the days are kept.
    assert not [s for s in statements if "GROUP BY" in s and "WHERE at_key" not in s]
    store.events.delete(event.id)
    assert day_count(pane, "2031-03-04") == 0
