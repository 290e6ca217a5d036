"""Two summaries of the events table kept in the file, so a window opening on a
million events reads neither the million rows nor a GROUP BY over them:

- `event_days`: events per day (the timeline's histogram), kept by triggers on
  every insert, delete and change of time;
- `event_map_saved`: the map's numpy columns of every event as one blob
  (services.event_arrays packs and unpacks it), written after a full read and
  good for every row up to its `max_rowid`. Rows added since are read on top of
  it; a delete or a change of a drawn column (time, category, place, position)
  drops it, and the next open reads every row and saves it again.

Migration 9 (store.schema) creates both and counts the days already there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import StoreError

if TYPE_CHECKING:
    from .database import Store

Buffer = Any  # bytes, or a numpy array of bytes: anything with the buffer protocol

_DAY = "substr({row}.at_key, 1, 10)"
_ADD_DAY = (
    "INSERT INTO event_days (day, events) VALUES ({day}, 1) "
    "ON CONFLICT (day) DO UPDATE SET events = events + 1;"
)
_DROP_DAY = (
    "UPDATE event_days SET events = events - 1 WHERE day = {day};\n"
    "    DELETE FROM event_days WHERE day = {day} AND events <= 0;"
)
_OLD, _NEW = _DAY.format(row="old"), _DAY.format(row="new")
# The columns services.event_arrays draws from (map_column_chunks reads them).
_DRAWN = "id, at_key, category, place_id, geometry, min_lon, min_lat, max_lon, max_lat"
# An edit writes every column: only a changed value of a drawn one drops the save.
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _DRAWN.split(", "))

V9_SQL = f"""
CREATE TABLE event_days (day TEXT PRIMARY KEY, events INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE event_map_saved (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    max_rowid INTEGER NOT NULL,
    columns BLOB NOT NULL
);
CREATE TRIGGER event_days_insert AFTER INSERT ON events BEGIN
    {_ADD_DAY.format(day=_NEW)}
END;
CREATE TRIGGER event_days_delete AFTER DELETE ON events BEGIN
    {_DROP_DAY.format(day=_OLD)}
    DELETE FROM event_map_saved;
END;
CREATE TRIGGER event_days_update AFTER UPDATE OF at_key ON events WHEN {_OLD} <> {_NEW} BEGIN
    {_DROP_DAY.format(day=_OLD)}
    {_ADD_DAY.format(day=_NEW)}
END;
CREATE TRIGGER event_map_saved_update AFTER UPDATE OF {_DRAWN} ON events
    WHEN {_CHANGED} BEGIN
    DELETE FROM event_map_saved;
END;
INSERT INTO event_days (day, events)
    SELECT substr(at_key, 1, 10), count(*) FROM events GROUP BY 1;
"""


class SavedColumns:
    """The saved blob, read a range at a time (SQLite's incremental blob I/O): a caller
    reads one column at a time, never the whole blob and a copy of it at once."""

    def __init__(self, store: Store, size: int) -> None:
        self.store, self.size = store, size

    def read(self, offset: int, size: int) -> bytes:
        with self.store.conn.blobopen("event_map_saved", "columns", 1, readonly=True) as blob:
            blob.seek(offset)
            return blob.read(size)


def saved_map_columns(store: Store) -> tuple[int, SavedColumns] | None:
    """(max_rowid, reader) of the saved map columns, or None if there are none (or they
    were dropped by a change since)."""
    row = store.conn.execute(
        "SELECT max_rowid, length(columns) FROM event_map_saved WHERE id = 1"
    ).fetchone()
    return None if row is None else (int(row[0]), SavedColumns(store, int(row[1])))


def save_map_columns(
    store: Store, max_rowid: int, size: int, parts: Iterable[tuple[int, Buffer]]
) -> bool:
    """Keep the map columns of every event up to `max_rowid`: a blob of `size` bytes, each
    part written at its offset (no copy of the whole blob is made). False if the file
    cannot take it now (read-only, busy, full): it is only a cache, the next open reads rows."""
    try:
        with store.transaction() as conn:
            conn.execute("DELETE FROM event_map_saved")
            conn.execute(
                "INSERT INTO event_map_saved (id, max_rowid, columns) VALUES (1, ?, zeroblob(?))",
                (max_rowid, size),
            )
            with conn.blobopen("event_map_saved", "columns", 1) as blob:
                for offset, part in parts:
                    blob.seek(offset)
                    blob.write(part)
    except (sqlite3.Error, StoreError):
        return False
    return True


def max_event_rowid(store: Store) -> int:
    """The highest rowid of events (0 if none): the end of a full read."""
    return int(store.conn.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0])
