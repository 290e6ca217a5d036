"""Fast bulk writes for imports: many records in one transaction, journalled.

The repositories insert one kind at a time and look up each event's place;
an import of 100,000 rows needs the raw connection's executemany instead. The
rows, the journal and the change notices are the same as the repositories'.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..domain import Record
from ..domain.errors import SitRepError
from ..domain.times import utc_now_text
from . import rows
from .errors import StoreError
from .id_chunks import in_chunks

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


_TABLE_OF = {**{k: v[0] for k, v in _TABLES.items()}, "event": "events"}


class StoreLookup:
    """Read-only answers an import plan needs (io.pipeline.Lookup).

    With `ends` (table_ends() taken before a streamed import began) it answers
    as the store stood then: the rows an import's earlier chunks added are not
    "already present", so every chunk is planned as if the file were one batch.
    """

    def __init__(self, store: Store, ends: dict[str, int] | None = None) -> None:
        self.conn = store.conn
        self.ends = ends

    def _before(self, kind: str) -> tuple[str, tuple[int, ...]]:
        if self.ends is None:
            return "", ()
        return " AND rowid <= ?", (self.ends[kind],)

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        table = _TABLE_OF[kind]
        before, bound = self._before(kind)
        wanted, found = list(ids), set()
        for chunk, marks in in_chunks(wanted):
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM {table} WHERE id IN ({marks}){before}", (*chunk, *bound)
                )
            )
        return found

    def place_id_named(self, name: str) -> str | None:
        before, bound = self._before("place")
        row = self.conn.execute(
            f"SELECT id FROM places WHERE name = ? COLLATE NOCASE{before} ORDER BY rowid LIMIT 1",
            (name.strip(), *bound),
        ).fetchone()
        return None if row is None else row[0]

    def events_by_id(self, ids: Collection[str]) -> dict[str, Any]:
        """The stored events of these ids (to compare an import's revisions with)."""
        wanted, found = list(ids), {}
        for chunk, marks in in_chunks(wanted):
            before, bound = self._before("event")
            cursor = self.conn.execute(
                f"SELECT * FROM events WHERE id IN ({marks}){before}", (*chunk, *bound)
            )
            names = [d[0] for d in cursor.description]
            for row in cursor:
                event = rows.event_from_row(dict(zip(names, row, strict=True)))
                found[event.id] = event
        return found

    def faction_id_named(self, name: str) -> str | None:
        before, bound = self._before("faction")
        row = self.conn.execute(
            "SELECT id FROM factions WHERE (name = ? COLLATE NOCASE "
            f"OR short_name = ? COLLATE NOCASE){before} ORDER BY rowid LIMIT 1",
            (name.strip(), name.strip(), *bound),
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
    announce: bool = True,
) -> dict[str, int]:
    """Insert new records of each kind ({kind: records}) all-or-nothing; counts per kind.

    `cancel()` is asked between chunks; when it says True, everything is rolled
    back and ImportCancelled raised. `progress(done, total)` follows each chunk.
    A record whose id another writer added since the plan was made (the same
    file imported twice at once) is already present: it is not counted, and its
    id goes into `skipped` so that undoing this import leaves it alone.
    Without `announce` no change news is queued: a streamed import announces
    once for the whole file (its ids would not fit in memory).
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
                    _insert(store, kind, fresh, points, announce)
                counts[kind] += len(fresh)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        if cancel is not None and cancel():
            raise ImportCancelled("import cancelled; nothing was imported")
    return counts


def _insert(
    store: Store, kind: str, chunk: list[Record], points: dict[str, Any], announce: bool = True
) -> None:
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
    if announce:
        store.notify(kind, "insert", [r.id for r in chunk])


# -- a streamed import's own rows --------------------------------------------------
def table_ends(store: Store) -> dict[str, int]:
    """The last rowid of each record table: a streamed import's rows come after
    these (it holds the write lock), so a (before, after) pair names them all."""
    return {
        kind: store.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        for kind, table in _TABLE_OF.items()
    }


def ids_between(
    store: Store, kind: str, after: int, upto: int, size: int = CHUNK
) -> Iterator[list[str]]:
    """The ids of `kind` with rowid in (after, upto], `size` at a time, newest first."""
    table = _TABLE_OF[kind]
    while upto > after:
        found = store.conn.execute(
            f"SELECT rowid, id FROM {table} WHERE rowid > ? AND rowid <= ? "
            "ORDER BY rowid DESC LIMIT ?",
            (after, upto, size),
        ).fetchall()
        if not found:
            return
        yield [row[1] for row in found]
        upto = found[-1][0] - 1


class SeenIds:
    """The record ids a streamed import has met so far, in a temporary table
    (on disk, like SQLite's other temporary data): a record repeated in a later
    chunk is dropped as one batch drops it, and memory stays the same for a
    million rows. Temporary tables are the connection's own; the database file
    never holds them."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        self.table = f"temp.import_seen_{id(self)}"
        self.conn.execute(f"CREATE TABLE {self.table} (id TEXT PRIMARY KEY) WITHOUT ROWID")

    def first_seen(self, kind: str, ids: Collection[str]) -> set[str]:
        """Those of `ids` not met before (and remember them)."""
        keys = {f"{kind}:{i}": i for i in ids}
        wanted, met = list(keys), set()
        for chunk, marks in in_chunks(wanted):
            met.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM {self.table} WHERE id IN ({marks})", chunk
                )
            )
        fresh = [k for k in wanted if k not in met]
        self.conn.executemany(f"INSERT INTO {self.table} VALUES (?)", [(k,) for k in fresh])
        return {keys[k] for k in fresh}

    def close(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {self.table}")


def _place_points(conn: sqlite3.Connection, places: Sequence[Record]) -> dict[str, Any]:
    return {p.id: (p.lon, p.lat) for p in places}  # type: ignore[attr-defined]


def _point(conn: sqlite3.Connection, points: dict[str, Any], place_id: str | None) -> Any:
    if place_id is None:
        return None
    if place_id not in points:
        row = conn.execute("SELECT lon, lat FROM places WHERE id = ?", (place_id,)).fetchone()
        points[place_id] = (row[0], row[1]) if row else None
    return points[place_id]
