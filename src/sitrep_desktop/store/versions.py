"""Record versions, histories and tombstones (migration 6), read and written for merges.

The rules of a merge live in services/merge.py; this module only answers what
a database knows (heads, histories, rows, what the journal says a version
held) and writes a merge's outcome in one transaction, journalled with the
origin it came from.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..domain.times import utc_now_text
from .errors import NotADatabaseError, StoreError
from .id_chunks import in_chunks
from .opening import inspect_file
from .rows import journal_json
from .version_schema import IMPLICIT_PREFIX, VERSIONED_TABLES, implicit_version

if TYPE_CHECKING:
    from .database import Store

TABLE_OF = {kind: table for table, kind in VERSIONED_TABLES.items()}
# Parents before children when adding; children before parents when deleting.
KIND_ORDER = ("faction", "place", "control_change", "event", "annotation")
Row = dict[str, Any]


class Head(NamedTuple):
    """A record's current version here; `deleted` makes it a tombstone.

    A tuple, not a dataclass: a merge reads one per record on both sides.
    """

    record_id: str
    kind: str
    version: str
    updated: str
    deleted: int = 0


@dataclass
class RecordWrite:
    """One record's change by a merge: rows, head and history, before and after.

    A row of None means the record is absent (never here, or deleted); a head
    of None means the database knew nothing of the record. `learned` are the
    history entries (version, updated) the merge adds.
    """

    kind: str
    record_id: str
    before: Row | None
    after: Row | None
    head_before: Head | None
    head_after: Head | None
    learned: list[tuple[str, str]] = field(default_factory=list)
    # An undo's write: the versions the merge had taught are forgotten again.
    forget: bool = False

    def reversed(self) -> RecordWrite:
        return RecordWrite(
            self.kind, self.record_id, self.after, self.before, self.head_after, self.head_before,
            self.learned, forget=not self.forget,
        )  # fmt: skip


class VersionReader:
    """What one connection's database knows about versions: ours, or another file's."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @property
    def has_versions(self) -> bool:
        return bool(
            self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'record_heads'").fetchone()
        )

    def origin(self) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()
        return row[0] if row else ""

    def clock(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        return int(row[0]) if row else 0

    def head_versions(self) -> dict[str, str]:
        """Every record's head version (tombstones included): the cheap first look."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: dict() reads them in C
        versions: dict[str, str] = {}
        for table in VERSIONED_TABLES:
            sql = f"SELECT id, '{IMPLICIT_PREFIX}' || updated FROM {table}"
            versions.update(cursor.execute(sql))
        if self.has_versions:  # stamped heads (and tombstones) override
            versions.update(cursor.execute("SELECT record_id, version FROM record_heads"))
        return versions

    def heads(self, ids: Sequence[str]) -> dict[str, Head]:
        """The heads of these records (those this database knows)."""
        found: dict[str, Head] = {}
        if self.has_versions:
            for chunk, marks in in_chunks(ids):
                sql = (
                    "SELECT record_id, kind, version, updated, deleted FROM record_heads "
                    f"WHERE record_id IN ({marks})"
                )
                found.update((row[0], Head(*row)) for row in self.conn.execute(sql, chunk))
        rest = [rid for rid in ids if rid not in found]
        for table, kind in VERSIONED_TABLES.items():
            for chunk, marks in in_chunks(rest):
                sql = f"SELECT id, updated FROM {table} WHERE id IN ({marks})"
                for rid, updated in self.conn.execute(sql, chunk):
                    found[rid] = Head(rid, kind, implicit_version(updated), updated)
        return found

    def histories(self, ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
        """Each record's known versions: {record id: {version: updated stamp}}."""
        found: dict[str, dict[str, str | None]] = {rid: {} for rid in ids}
        if self.has_versions:
            for chunk, marks in in_chunks(ids):
                sql = (
                    "SELECT record_id, version, updated FROM record_versions "
                    f"WHERE record_id IN ({marks})"
                )
                for rid, version, updated in self.conn.execute(sql, chunk):
                    found[rid][version] = updated
        # The head is in the history by definition; an implicit one has no row.
        for rid, head in self.heads(ids).items():
            found[rid].setdefault(head.version, head.updated)
        return found

    def rows(self, kind: str, ids: Sequence[str]) -> dict[str, Row]:
        """The rows of records of one kind, as {id: {column: value}}."""
        table, found = TABLE_OF[kind], {}
        for chunk, marks in in_chunks(ids):
            cursor = self.conn.execute(f"SELECT * FROM {table} WHERE id IN ({marks})", chunk)
            names = [d[0] for d in cursor.description]
            for values in cursor:
                row = dict(zip(names, values))
                found[row["id"]] = row
        return found

    def version_row(self, record_id: str, version: str) -> Row | None:
        """What the record held at `version`, when the journal knows it."""
        if version.startswith(IMPLICIT_PREFIX):  # as first written: found by its stamp
            entry = self.conn.execute(
                "SELECT after FROM journal WHERE record_id = ? "
                "AND json_extract(after, '$.updated') = ? ORDER BY seq LIMIT 1",
                (record_id, version.removeprefix(IMPLICIT_PREFIX)),
            ).fetchone()
            return json.loads(entry[0]) if entry and entry[0] else None
        if not self.has_versions:
            return None
        seq = self.conn.execute(
            "SELECT journal_seq FROM record_versions WHERE record_id = ? AND version = ?",
            (record_id, version),
        ).fetchone()
        if seq is None or seq[0] is None:
            return None
        entry = self.conn.execute(
            "SELECT after FROM journal WHERE record_id = ? AND seq > ? ORDER BY seq LIMIT 1",
            (record_id, seq[0]),
        ).fetchone()
        return json.loads(entry[0]) if entry and entry[0] else None

    def referrers(self, kind: str, ids: Sequence[str]) -> dict[str, set[str]]:
        """For places and factions: the control changes and events here that name each."""
        checks = {
            "place": (("control_changes", "place_id"), ("events", "place_id")),
            "faction": (("control_changes", "faction_id"),),
        }.get(kind, ())
        found: dict[str, set[str]] = {}
        for table, column in checks:
            for chunk, marks in in_chunks(ids):
                sql = f"SELECT {column}, id FROM {table} WHERE {column} IN ({marks})"
                for target, rid in self.conn.execute(sql, chunk):
                    found.setdefault(target, set()).add(rid)
        return found

    def came_from_merge(self, ids: Sequence[str]) -> set[str]:
        """Records whose last write here was a merge's (not changed here since)."""
        found = set()
        for chunk, marks in in_chunks(ids):
            sql = (
                "SELECT j.record_id, o.origin FROM journal AS j "
                "LEFT JOIN journal_origins AS o ON o.seq = j.seq WHERE j.seq IN "
                f"(SELECT max(seq) FROM journal WHERE record_id IN ({marks}) GROUP BY record_id)"
            )
            found.update(rid for rid, origin in self.conn.execute(sql, chunk) if origin)
        return found

    def columns(self, kind: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({TABLE_OF[kind]})")]

    def place_points(self, ids: Iterable[str]) -> dict[str, tuple[float, float]]:
        return {rid: (row["lon"], row["lat"]) for rid, row in self.rows("place", list(ids)).items()}


class OtherDatabase(VersionReader):
    """Another SitRep file, opened read-only: a merge never changes what it reads."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.is_file():
            raise NotADatabaseError(f"{path} does not exist")
        if inspect_file(path) == 0:
            raise NotADatabaseError(f"{path} is empty: not a SitRep database")
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=10)
        super().__init__(conn)
        self.path = path

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> OtherDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def next_version(store: Store) -> str:
    """A new version stamped here (inside a transaction: the clock moves on)."""
    conn = store.conn
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'clock'")
    return conn.execute(
        "SELECT printf('%012d', value) || '.' || lower(hex(randomblob(6))) "
        "FROM meta WHERE key = 'clock'"
    ).fetchone()[0]


def catch_up_clock(store: Store, other_clock: int) -> None:
    """Lamport's rule: after a merge our counter is past every counter we have seen."""
    store.conn.execute(
        "UPDATE meta SET value = max(CAST(value AS INTEGER), ?) WHERE key = 'clock'",
        (other_clock,),
    )


def apply_writes(store: Store, writes: Sequence[RecordWrite], origin: str) -> None:
    """Write a merge's outcome (or its undo) in one transaction, journalled with `origin`."""
    if not writes:
        return
    conn = store.conn
    with store.transaction():
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('merging', '1')")
        try:
            seqs = _write_rows(store, writes, origin)
            _write_heads(conn, writes, seqs)
        finally:
            conn.execute("DELETE FROM meta WHERE key = 'merging'")


def _write_rows(store: Store, writes: Sequence[RecordWrite], origin: str) -> dict[str, int]:
    """Rows, journal and news; returns the journal entry (seq) each record got."""
    conn = store.conn
    changed = [w for w in writes if w.before != w.after]
    deletes = [w for w in changed if w.after is None and w.before is not None]
    others = [w for w in changed if w.after is not None]
    categories = sorted({w.after["category"] for w in others if w.kind == "event"})  # type: ignore[index]
    if categories:
        store.categories.ensure(categories)
    at = utc_now_text()
    # AUTOINCREMENT numbers on from the larger of the two; the entries below
    # then get consecutive numbers (one connection, one transaction).
    first_seq = (
        1
        + conn.execute(
            "SELECT max(coalesce((SELECT max(seq) FROM journal), 0), "
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0))"
        ).fetchone()[0]
    )
    journal: list[tuple[Any, ...]] = []
    seq_of: dict[str, int] = {}

    def log(write: RecordWrite, action: str) -> None:
        seq_of[write.record_id] = first_seq + len(journal)
        journal.append((at, store.author, write.kind, write.record_id, action,
                        journal_json(write.before), journal_json(write.after)))  # fmt: skip

    for kind in reversed(KIND_ORDER):
        batch = [w for w in deletes if w.kind == kind]
        if batch:
            if VersionReader(conn).referrers(kind, [w.record_id for w in batch]):
                raise StoreError(f"cannot merge: a deleted {kind} is still used here")
            conn.executemany(
                f"DELETE FROM {TABLE_OF[kind]} WHERE id = ?", [(w.record_id,) for w in batch]
            )
            for w in batch:
                log(w, "delete")
            store.notify(kind, "delete", [w.record_id for w in batch])
    for kind in KIND_ORDER:
        batch = [w for w in others if w.kind == kind]
        if not batch:
            continue
        columns = VersionReader(conn).columns(kind)
        inserts = [w for w in batch if w.before is None]
        updates = [w for w in batch if w.before is not None]
        table = TABLE_OF[kind]
        try:
            # The columns each row has: a row from an older file (no `attributes`
            # before v5) leaves the newer columns to their defaults.
            by_present: dict[tuple[str, ...], list[RecordWrite]] = {}
            for w in inserts:
                present = tuple(c for c in columns if c in w.after)  # type: ignore[operator]
                by_present.setdefault(present, []).append(w)
            for names, group in by_present.items():
                marks = ", ".join("?" * len(names))
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                    [tuple(w.after.get(c) for c in names) for w in group],  # type: ignore[union-attr]
                )
            # Only the columns that changed: each one set fires its index and
            # full-text triggers (a title edit need not rewrite the R*Tree).
            by_columns: dict[tuple[str, ...], list[RecordWrite]] = {}
            for w in updates:
                changed_columns = tuple(
                    c
                    for c in columns
                    if c != "id"
                    and c in w.after  # type: ignore[operator]
                    and w.before.get(c) != w.after.get(c)  # type: ignore[union-attr]
                )
                by_columns.setdefault(changed_columns or ("updated",), []).append(w)
            for names, group in by_columns.items():
                conn.executemany(
                    f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in names)} WHERE id = ?",
                    [(*(w.after.get(c) for c in names), w.record_id) for w in group],  # type: ignore[union-attr]
                )
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"cannot merge {kind.replace('_', ' ')}s: {exc}") from None
        if kind == "place" and updates:
            # Events located only by a place move with it (as PlaceRepository does).
            conn.executemany(
                "UPDATE events SET min_lon = ?, max_lon = ?, min_lat = ?, max_lat = ? "
                "WHERE place_id = ? AND geometry IS NULL",
                [(w.after["lon"], w.after["lon"], w.after["lat"], w.after["lat"], w.record_id)
                 for w in updates],  # type: ignore[index]
            )  # fmt: skip
        for w in inserts:
            log(w, "insert")
        for w in updates:
            log(w, "update")
        if inserts:
            store.notify(kind, "insert", [w.record_id for w in inserts])
        if updates:
            store.notify(kind, "update", [w.record_id for w in updates])
    conn.executemany(
        "INSERT INTO journal (at, author, record_kind, record_id, action, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        journal,
    )
    conn.executemany(
        "INSERT INTO journal_origins (seq, origin) VALUES (?, ?)",
        [(seq, origin) for seq in seq_of.values()],
    )
    return seq_of


def _write_heads(
    conn: sqlite3.Connection, writes: Sequence[RecordWrite], seqs: Mapping[str, int]
) -> None:
    forget = [(w.record_id,) for w in writes if w.head_after is None]
    if forget:
        conn.executemany("DELETE FROM record_heads WHERE record_id = ?", forget)
    # The version being replaced stays history, an implicit one (no row) included.
    conn.executemany(
        "INSERT OR IGNORE INTO record_versions (record_id, version, updated) VALUES (?, ?, ?)",
        [
            (w.record_id, h.version, h.updated)
            for w in writes
            if not w.forget and (h := w.head_before) is not None and h != w.head_after
        ],
    )
    # An implicit version is the record's own stamp: no row, as for a record just added.
    implicit = [
        (w.record_id,)
        for w in writes
        if w.head_after is not None
        and w.head_after.version == implicit_version(w.head_after.updated)
    ]
    conn.executemany("DELETE FROM record_heads WHERE record_id = ?", implicit)
    conn.executemany(
        "INSERT OR REPLACE INTO record_heads (record_id, kind, version, updated, deleted) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (h.record_id, h.kind, h.version, h.updated, int(h.deleted))
            for w in writes
            if (h := w.head_after) is not None
            and h != w.head_before
            and h.version != implicit_version(h.updated)
        ],
    )
    learned, unlearned = [], []
    for w in writes:
        for version, updated in w.learned:
            if w.forget:
                unlearned.append((w.record_id, version))
                continue
            at_head = w.head_after is not None and version == w.head_after.version
            if at_head and version == implicit_version(updated):
                continue  # the head's implicit version needs no row (a record just added)
            seq = seqs.get(w.record_id)
            learned.append((w.record_id, version, updated, seq - 1 if seq and at_head else None))
    conn.executemany(
        "INSERT OR IGNORE INTO record_versions (record_id, version, updated, journal_seq) "
        "VALUES (?, ?, ?, ?)",
        learned,
    )
    conn.executemany("DELETE FROM record_versions WHERE record_id = ? AND version = ?", unlearned)


def our_reader(store: Store) -> VersionReader:
    return VersionReader(store.conn)
