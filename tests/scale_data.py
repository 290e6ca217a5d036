"""Many ACLED-like events over Syria, written with one executemany (not the importer),
so tests at volume build their data in a fraction of a second."""

from __future__ import annotations

import json
import uuid

import numpy as np

from sitrep_desktop.services.demo import build_demo
from sitrep_desktop.store import Store

CATEGORIES = ("clash", "airstrike", "shelling", "capture", "movement")
START = np.datetime64("2017-01-01T00:00:00", "s")
SPAN_S = 8 * 365 * 86_400


SYRIA = (35.8, 32.4, 42.3, 37.2)


def fill_events(
    store: Store,
    n: int,
    seed: int = 13,
    days_only_every: int = 7,
    box=SYRIA,
    start=START,
    span_s: int = SPAN_S,
) -> None:
    """Add `n` events at random in `box` (W, S, E, N) across 8 years (every
    `days_only_every`th a date alone, as ACLED gives); each on its own point."""
    rng = np.random.default_rng(seed)
    lon = np.round(rng.uniform(box[0], box[2], n), 5)
    lat = np.round(rng.uniform(box[1], box[3], n), 5)
    seconds = rng.integers(0, span_s, n)
    when = (np.datetime64(start, "s") + seconds).astype(str)
    codes = rng.integers(0, len(CATEGORIES), n)
    stamp = "2026-01-01T00:00:00Z"
    rows = []
    for i in range(n):
        day_only = i % days_only_every == 0
        at = when[i][:10] if day_only else when[i] + "Z"
        key = at if day_only else when[i] + ".000000Z"
        x, y = float(lon[i]), float(lat[i])
        rows.append(
            (
                str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i)),
                at,
                key,
                CATEGORIES[codes[i]],
                f"Event {i}",
                f"POINT ({x} {y})",
                x,
                y,
                x,
                y,
                json.dumps(["Actor A"] if i % 2 else ["Actor B"]),
                "synthetic",
                "medium",
                stamp,
                stamp,
            )
        )
    with store.conn:
        store.conn.executemany(
            "INSERT INTO events (id, at, at_key, category, title, geometry, min_lon, min_lat, "
            "max_lon, max_lat, actors, source, confidence, created, updated) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )


def volume_store(n: int, seed: int = 13) -> Store:
    """The demo (places, factions, categories) plus `n` synthetic events."""
    store = Store.memory()
    build_demo(store)
    fill_events(store, n, seed)
    return store
