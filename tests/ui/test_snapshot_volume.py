"""A snapshot at 100,000 events draws cells, as the screen does: not blank, counts
that add up, and the legend says what a cell means."""

import numpy as np
from PySide6.QtGui import QImage

from sitrep_desktop.services.event_arrays import EventArrays
from sitrep_desktop.services.situation import Situation
from sitrep_desktop.services.snapshot import SnapshotRequest
from sitrep_desktop.ui.snapshot.event_cells import LEGEND_TEXT
from sitrep_desktop.ui.snapshot.render import Snapshot

N = 100_000


def situation_with_events(store, n):
    """The demo's situation with `n` events over Syria held as its columns (the store
    itself keeps its ten: writing 100,000 rows would take the test's whole budget)."""
    situation = Situation(store)
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(35.8, 42.3, n), rng.uniform(32.4, 37.2, n)
    categories = ("clash", "airstrike", "shelling")
    rows = [
        (f"e{i}", "2020-01-01", categories[i % 3], None, True, lon[i], lat[i], None)
        for i in range(n)
    ]
    arrays = EventArrays(situation.projection)
    arrays.append_new(rows, {})
    situation._events = arrays
    return situation


def test_a_snapshot_at_100000_events_draws_cells_with_their_legend(
    qapp, tmp_path, demo_memory_store
):
    store = demo_memory_store
    situation = situation_with_events(store, N)
    request = SnapshotRequest(bbox=(35.2, 32.2, 42.5, 37.4), size=(1400, 1000))
    snapshot = Snapshot(store, request, situation)
    info = snapshot.render(tmp_path / "syria.png")
    assert info["drawn"]["events"] == N
    assert 20 < info["drawn"]["event_cells"] < 2000
    assert LEGEND_TEXT in info["legend"]
    assert snapshot.event_cells.by_category.sum() == N
    image = QImage(str(tmp_path / "syria.png"))
    colours = {image.pixel(x, y) for x in range(0, 1400, 9) for y in range(0, 1000, 9)}
    assert len(colours) > 50


def test_a_snapshot_with_few_events_keeps_its_markers(qapp, tmp_path, demo_memory_store):
    store = demo_memory_store
    request = SnapshotRequest(bbox=(35.2, 32.2, 42.5, 37.4), size=(800, 600))
    snapshot = Snapshot(store, request)
    info = snapshot.render(tmp_path / "demo.png")
    assert snapshot.event_cells is None and info["drawn"]["event_cells"] == 0
    assert LEGEND_TEXT not in info["legend"]
