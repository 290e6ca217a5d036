"""Migration 6: what merging needs, and nothing more.

- `meta.origin`: a random id for this database, named in reports and beside
  the journal entries a merge writes (`journal_origins`; none: written here).
- A record's **version**. A record as first written has the implicit version
  `0.<updated>`: nothing is stored for it, so adding 100,000 records costs no
  more than before. Every later write (an edit: any UPDATE that sets `updated`,
  as every repository edit does; a delete; adding a deleted record back)
  stamps `<counter>.<random>` (`meta.clock` one up per write): the counter
  orders versions roughly in time (Lamport: a merge moves it past the other
  side's), the random part keeps two copies of one file apart.
- `record_heads`: the stamped current version of each record that has one,
  kept after a delete with `deleted = 1`: the tombstone.
- `record_versions`: every version a record had here or was merged from
  elsewhere, its causal history. "Theirs is older than ours" is "their head
  is in our history"; two heads neither of which knows the other: a conflict.

Triggers stamp versions whatever code writes; a merge sets `meta.merging`
inside its transaction so the versions it copies are kept, not stamped anew.
"""

from __future__ import annotations

import sqlite3
import uuid

# Record tables and the kind each holds (as the journal names them).
VERSIONED_TABLES = {
    "factions": "faction",
    "places": "place",
    "control_changes": "control_change",
    "events": "event",
    "annotations": "annotation",
}
IMPLICIT_PREFIX = "0."  # sorts before every stamped version ("000000000001.…")

_NEW_VERSION = (
    "(SELECT printf('%012d', value) FROM meta WHERE key = 'clock') "
    "|| '.' || lower(hex(randomblob(6)))"
)
_NOT_MERGING = "NOT EXISTS (SELECT 1 FROM meta WHERE key = 'merging')"


def implicit_version(updated: str) -> str:
    """The version of a record as first written (no head stored for it)."""
    return f"{IMPLICIT_PREFIX}{updated}"


def _stamp(ref: str, kind: str, deleted: int) -> str:
    # journal_seq: the last journal entry before this write; the entry that
    # records this write is the next one for the record.
    return f"""
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'clock';
    INSERT OR REPLACE INTO record_heads (record_id, kind, version, updated, deleted)
        VALUES ({ref}.id, '{kind}', {_NEW_VERSION}, {ref}.updated, {deleted});
    INSERT OR IGNORE INTO record_versions (record_id, version, updated, journal_seq)
        SELECT record_id, version, updated, (SELECT coalesce(max(seq), 0) FROM journal)
        FROM record_heads WHERE record_id = {ref}.id;"""


def _keep_implicit(kind: str) -> str:
    # The first version was implicit: it becomes history before the new head.
    return f"""
    INSERT OR IGNORE INTO record_versions (record_id, version, updated)
        SELECT old.id, '{IMPLICIT_PREFIX}' || old.updated, old.updated
        WHERE NOT EXISTS (SELECT 1 FROM record_heads WHERE record_id = old.id);"""


def _triggers() -> str:
    parts = []
    for table, kind in VERSIONED_TABLES.items():
        parts.append(f"""
CREATE TRIGGER {table}_version_insert AFTER INSERT ON {table}
    WHEN {_NOT_MERGING} AND EXISTS (SELECT 1 FROM record_heads WHERE record_id = new.id) BEGIN
    {_stamp("new", kind, 0)}
END;
CREATE TRIGGER {table}_version_update AFTER UPDATE OF updated ON {table}
    WHEN {_NOT_MERGING} BEGIN
    {_keep_implicit(kind)}
    {_stamp("new", kind, 0)}
END;
CREATE TRIGGER {table}_version_delete AFTER DELETE ON {table}
    WHEN {_NOT_MERGING} BEGIN
    {_keep_implicit(kind)}
    {_stamp("old", kind, 1)}
END;""")  # fmt: skip
    return "\n".join(parts)


V6_SQL = f"""
CREATE TABLE record_heads (
    record_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    updated TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE TABLE record_versions (
    record_id TEXT NOT NULL,
    version TEXT NOT NULL,
    updated TEXT,
    journal_seq INTEGER,
    PRIMARY KEY (record_id, version)
) WITHOUT ROWID;
-- Which journal entries a merge wrote, and from which origin; the journal
-- itself keeps its columns (old readers and its append-only rule stay as they were).
CREATE TABLE journal_origins (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL);
{_triggers()}
"""


def backfill_versions(conn: sqlite3.Connection) -> None:
    """Give this file an origin, and every delete the journal knows a tombstone.

    Live records keep their implicit versions: two copies of one old file agree.
    """
    origin = str(uuid.uuid4())
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('origin', ?)", (origin,))
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('clock', '0')")
    deleted = conn.execute(
        "SELECT record_id, record_kind, json_extract(before, '$.updated') FROM journal AS j "
        "WHERE action = 'delete' "
        "AND seq = (SELECT max(seq) FROM journal WHERE record_id = j.record_id)"
    ).fetchall()
    heads, versions = [], []
    for record_id, kind, updated in deleted:
        if kind in VERSIONED_TABLES.values():
            stamp = updated or ""
            # Deterministic too, and after the version it deleted.
            tombstone = f"{implicit_version(stamp)}~deleted"
            heads.append((record_id, kind, tombstone, stamp, 1))
            versions += [(record_id, implicit_version(stamp), stamp), (record_id, tombstone, stamp)]
    conn.executemany(
        "INSERT OR IGNORE INTO record_heads (record_id, kind, version, updated, deleted) "
        "VALUES (?, ?, ?, ?, ?)",
        heads,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO record_versions (record_id, version, updated) VALUES (?, ?, ?)",
        versions,
    )
