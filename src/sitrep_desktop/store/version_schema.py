"""Migration 6: what merging needs, and nothing more.

- `meta.origin`: a random id for this database, named in reports and in the
  journal entries a merge writes (`journal.origin`; NULL means "written here").
- `record_heads`: each record's current version, one row per record id, kept
  after a delete with `deleted = 1`: the tombstone.
- `record_versions`: every version a record has had here or was merged from
  elsewhere: its causal history. "Theirs is older than ours" is "their head is
  in our history"; two heads neither of which knows the other are a conflict.

A version is `<counter>.<random>`: the counter (`meta.clock`, one up per write)
orders versions roughly in time; the random part keeps versions apart when a
database file was copied to two laptops and both go on from the same counter.

Triggers stamp a new version on every insert, edit (any UPDATE that sets
`updated`, as every repository edit does) and delete, whatever code writes;
a merge sets `meta.merging` inside its transaction so that the versions it
copies from the other side are kept instead of stamped anew.
"""

from __future__ import annotations

import hashlib
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

_NEW_VERSION = (
    "(SELECT printf('%012d', value) FROM meta WHERE key = 'clock') "
    "|| '.' || lower(hex(randomblob(6)))"
)


def _triggers() -> str:
    parts = []
    for table, kind in VERSIONED_TABLES.items():
        for action, event, ref, deleted in (
            ("insert", "AFTER INSERT", "new", 0),
            ("update", "AFTER UPDATE OF updated", "new", 0),
            ("delete", "AFTER DELETE", "old", 1),
        ):
            # journal_seq: the last journal entry before this write; the entry
            # that records this write is the next one for the record.
            parts.append(
                f"""
CREATE TRIGGER {table}_version_{action} {event} ON {table}
    WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'merging') BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'clock';
    INSERT OR REPLACE INTO record_heads (record_id, kind, version, updated, deleted)
        VALUES ({ref}.id, '{kind}', {_NEW_VERSION}, {ref}.updated, {deleted});
    INSERT OR IGNORE INTO record_versions (record_id, version, updated, journal_seq)
        SELECT record_id, version, updated, (SELECT coalesce(max(seq), 0) FROM journal)
        FROM record_heads WHERE record_id = {ref}.id;
END;"""
            )
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


def backfill_version(record_id: str, updated: str) -> str:
    # Deterministic: two copies of one old file agree on every record's version.
    digest = hashlib.sha256(f"{record_id}\x1f{updated}".encode()).hexdigest()[:12]
    return f"{0:012d}.{digest}"


def backfill_versions(conn: sqlite3.Connection) -> None:
    """Give this file an origin, and every record (and every delete the journal knows) a head."""
    origin = str(uuid.uuid4())
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('origin', ?)", (origin,))
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('clock', '0')")
    heads = []
    for table, kind in VERSIONED_TABLES.items():
        for record_id, updated in conn.execute(f"SELECT id, updated FROM {table}"):
            heads.append((record_id, kind, backfill_version(record_id, updated), updated, 0))
    # Records whose last journal entry is a delete: the journal knows their tombstone.
    deleted = conn.execute(
        "SELECT record_id, record_kind, json_extract(before, '$.updated') FROM journal AS j "
        "WHERE action = 'delete' "
        "AND seq = (SELECT max(seq) FROM journal WHERE record_id = j.record_id)"
    )
    for record_id, kind, updated in deleted:
        if kind in VERSIONED_TABLES.values():
            stamp = updated or ""
            version = backfill_version(record_id, f"deleted {stamp}")
            heads.append((record_id, kind, version, stamp, 1))
    conn.executemany(
        "INSERT OR IGNORE INTO record_heads (record_id, kind, version, updated, deleted) "
        "VALUES (?, ?, ?, ?, ?)",
        heads,
    )
    conn.execute(
        "INSERT OR IGNORE INTO record_versions (record_id, version, updated) "
        "SELECT record_id, version, updated FROM record_heads"
    )
