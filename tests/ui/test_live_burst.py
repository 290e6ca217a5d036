"""Thousands of team events arriving while the map is open: the views refresh a few
times, not once per slice, the timeline counts only what arrived, and the window's
event loop keeps turning while the team link applies them (no server: the burst
is put on the link's queue as its worker would)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team.apply import apply_incoming
from sitrep_desktop.services.team.client import ReceivedCot
from sitrep_desktop.services.team.cot_out import Sender
from sitrep_desktop.services.team.link import TeamLink
from sitrep_desktop.services.team.settings import TeamSettings
from sitrep_desktop.store import StoreChange
from sitrep_desktop.store.event_counts import day_counts
from sitrep_desktop.ui.team.feature import TeamFeature
from sitrep_desktop.ui.window.store_signals import merge_changes
from team_cot import team_events

OTHER = Sender("SITREP-burst-other", "Burst other")


@pytest.fixture
def events_read(window, qtbot):
    """The window once the map has read its events (it reads them in idle steps)."""
    qtbot.waitUntil(lambda: window.canvas.situation.events_read, timeout=10_000)
    return window


def test_a_burst_in_slices_redraws_the_events_once_and_counts_only_the_new_days(
    events_read, qtbot, monkeypatch
):
    window = events_read
    store = window.store
    layer = window.canvas.events_layer
    draws = []
    original_draw = layer.draw
    monkeypatch.setattr(layer, "draw", lambda at: (draws.append(at), original_draw(at)))
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    items = team_events(600)
    signals = window.context.signals
    for start in range(0, len(items), 100):  # six slices, as the pump would apply them
        with signals.held():
            apply_incoming(store, items[start : start + 100], "tak test")
    assert draws == []  # nothing refreshed while the slices went in
    qtbot.waitUntil(lambda: len(draws) == 1, timeout=5000)
    qtbot.wait(200)  # no second refresh follows
    store.conn.set_trace_callback(None)
    assert len(draws) == 1
    whole_table = [s for s in statements if "GROUP BY day" in s and "WHERE id IN" not in s]
    assert whole_table == []
    timeline = window.features.logging.timeline
    starts, counts = timeline.strip.days
    sql_starts, sql_counts = day_counts(store)
    assert np.array_equal(starts, sql_starts) and np.array_equal(counts, sql_counts)
    assert len(window.canvas.situation.events) == store.events.count()


def test_news_outside_a_burst_still_arrives_at_once(events_read):
    window = events_read
    seen: list[StoreChange] = []
    window.context.signals.sigChanged.connect(seen.append)
    event = window.store.events.add(Event(at="2024-12-09", title="Logged by hand"))
    assert [c.ids for c in seen if c.kind == "event"] == [(event.id,)]


def test_merged_news_keeps_the_order_and_lets_a_reload_swallow_what_came_before():
    news = [
        StoreChange("event", "insert", ("a",)),
        StoreChange("event", "insert", ("b", "c")),
        StoreChange("place", "update", ("p",)),
        StoreChange("event", "insert", ("d",)),
    ]
    assert merge_changes(news) == [
        StoreChange("event", "insert", ("a", "b", "c")),
        StoreChange("place", "update", ("p",)),
        StoreChange("event", "insert", ("d",)),
    ]
    reload = StoreChange("*", "external")
    assert merge_changes([*news, reload, news[0]]) == [reload, news[0]]


def test_the_window_keeps_ticking_while_2000_team_events_are_applied(events_read, qtbot):
    window = events_read
    store = window.store
    settings = TeamSettings(port=9, callsign="Burst test", client_id="SITREP-burst")
    feature = TeamFeature(window.context, settings)
    # A link that is never started: its worker's queue is fed as the worker would.
    link = TeamLink(store, settings.endpoint(), settings.sender())
    link.wake = feature._wake.sigWake.emit
    feature.link = link
    items = team_events(2000)
    before = store.events.count()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    start = time.perf_counter()
    link.worker._post(ReceivedCot(items))
    qtbot.waitUntil(lambda: store.events.count() - before >= 2000, timeout=120_000)
    elapsed = time.perf_counter() - start
    timer.stop()
    feature.link = None
    gaps = np.diff([start, *ticks])
    # The timer turns several times a second all through and never stalls for the
    # backlog (the slices used to take it whole): a slice fits a frame, and a views'
    # refresh takes a fraction of a second even on a loaded machine.
    assert len(ticks) >= max(10, elapsed / 0.1), (len(ticks), elapsed)
    assert gaps.max() < max(0.6, elapsed / 4), (gaps.max(), elapsed)
    qtbot.waitUntil(lambda: len(window.canvas.situation.events) == store.events.count())
