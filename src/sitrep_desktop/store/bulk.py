"""Fast bulk writes for imports: many records in one transaction, journalled.

The repositories insert one kind at a time and look up each event's place;
an import of 100,000 rows needs the raw connection's executemany instead. The
rows, the journal and the change notices are the same as the repositories'.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

from ..domain import Record
from ..domain.errors import SitRepError
from ..domain.times import utc_now_text
from . import rows
from .errors import StoreError

if TYPE_CHECKING:
    from .database import Store

CHUNK = 5_000
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

_TABLES = {
    "faction": ("factions", rows.faction_to_row),
    "place": ("places", rows.place_to_row),
    "control_change": ("control_changes", rows.control_to_row),
    "annotation": ("annotations", rows.annotation_to_row),
}
_ORDER = ("faction", "place", "control_change", "event", "annotation")


class ImportCancelled(SitRepError):
    """The user cancelled an import; nothing was written."""


class StoreLookup:
    """Read-only answers an import plan needs (io.pipeline.Lookup)."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        table = {**{k: v[0] for k, v in _TABLES.items()}, "event": "events"}[kind]
        wanted, found = list(ids), set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
            )
        return found

    def place_id_named(self, name: str) -> str | None:
        row = self.conn.execute(
            "SELECT id FROM places WHERE name = ? COLLATE NOCASE ORDER BY rowid LIMIT 1",
            (name.strip(),),
        ).fetchone()
        return None if row is None else row[0]

    def events_by_id(self, ids: Collection[str]) -> dict[str, Any]:
        """The stored events of these ids (to compare an import's revisions with)."""
        wanted, found = list(ids), {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            cursor = self.conn.execute(f"SELECT * FROM events WHERE id IN ({marks})", chunk)
            names = [d[0] for d in cursor.description]
            for row in cursor:
                event = rows.event_from_row(dict(zip(names, row, strict=True)))
                found[event.id] = event
        return found

    def faction_id_named(self, name: str) -> str | None:
        row = self.conn.execute(
            "SELECT id FROM factions WHERE name = ? COLLATE NOCASE "
            "OR short_name = ? COLLATE NOCASE ORDER BY rowid LIMIT 1",
            (name.strip(), name.strip()),
        ).fetchone()
        return None if row is None else row[0]


def insert_records(
    store: Store,
    records: dict[str, Sequence[Record]],
    *,
    categories: Sequence[str] = (),
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    skipped: set[str] | None = None,
) -> dict[str, int]:
    """Insert new records of each kind ({kind: records}) all-or-nothing; counts per kind.

    `cancel()` is asked between chunks; when it says True, everything is rolled
    back and ImportCancelled raised. `progress(done, total)` follows each chunk.
    A record whose id another writer added since the plan was made (the same
    file imported twice at once) is already present: it is not counted, and its
    id goes into `skipped` so that undoing this import leaves it alone.
    """
    total = sum(len(records.get(kind, ())) for kind in _ORDER)
    done = 0
    counts = {}
    conn = store.conn
    with store.transaction():
        if categories:
            store.categories.ensure(list(categories))
        points = _place_points(conn, records.get("place", ()))
        for kind in _ORDER:
            batch = records.get(kind, ())
            counts[kind] = 0
            for start in range(0, len(batch), CHUNK):
                if cancel is not None and cancel():
                    raise ImportCancelled("import cancelled; nothing was imported")
                chunk = list(batch[start : start + CHUNK])
                # Checked inside the write lock: nobody can add them between here and the insert.
                present = StoreLookup(store).existing_ids(kind, [r.id for r in chunk])
                if skipped is not None:
                    skipped.update(present)
                fresh = [r for r in chunk if r.id not in present]
                if fresh:
                    _insert(store, kind, fresh, points)
                counts[kind] += len(fresh)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        if cancel is not None and cancel():
            raise ImportCancelled("import cancelled; nothing was imported")
    return counts


def _insert(store: Store, kind: str, chunk: list[Record], points: dict[str, Any]) -> None:
    conn = store.conn
    if kind == "event":
        table = "events"
        row_list = [rows.event_to_row(e, _point(conn, points, e.place_id)) for e in chunk]  # type: ignore[attr-defined]
    else:
        table, to_row = _TABLES[kind]
        row_list = [to_row(r) for r in chunk]  # type: ignore[operator]
    for row in row_list:  # stamped on the row: re-building each record would re-validate it
        if not row["author"]:
            row["author"] = store.author
    columns = list(row_list[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    try:
        conn.executemany(sql, [tuple(row.values()) for row in row_list])
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"cannot import {kind.replace('_', ' ')}s: {exc}") from None
    at = utc_now_text()
    conn.executemany(
        "INSERT INTO journal (at, author, record_kind, record_id, action, before, after) "
        "VALUES (?, ?, ?, ?, 'insert', NULL, ?)",
        [(at, store.author, kind, row["id"], rows.journal_json(row)) for row in row_list],
    )
    store.notify(kind, "insert", [r.id for r in chunk])


def _place_points(conn: sqlite3.Connection, places: Sequence[Record]) -> dict[str, Any]:
    return {p.id: (p.lon, p.lat) for p in places}  # type: ignore[attr-defined]


def _point(conn: sqlite3.Connection, points: dict[str, Any], place_id: str | None) -> Any:
    if place_id is None:
        return None
    if place_id not in points:
        row = conn.execute("SELECT lon, lat FROM places WHERE id = ?", (place_id,)).fetchone()
        points[place_id] = (row[0], row[1]) if row else None
    return points[place_id]
