"""The schema, as an ordered list of migrations.

`PRAGMA user_version` holds the number of migrations applied. Each migration
runs in the same transaction as the version bump, so a crash leaves the file
at the old version or the new one, never between.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from .event_summaries import V9_SQL
from .version_schema import V6_SQL, backfill_versions


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str
    # Runs after the SQL, in the same transaction, for what SQL alone cannot decide.
    after: Callable[[sqlite3.Connection], None] | None = None


_STAMPS = "created TEXT NOT NULL, updated TEXT NOT NULL, author TEXT NOT NULL DEFAULT ''"

_V1 = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE factions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL,
    colour TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    {_STAMPS}
);

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    alt_names TEXT NOT NULL DEFAULT '[]',
    population INTEGER CHECK (population IS NULL OR population >= 0),
    notes TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    {_STAMPS}
);
CREATE INDEX places_name ON places(name);

CREATE VIRTUAL TABLE places_rtree USING rtree(rid, min_lon, max_lon, min_lat, max_lat);
CREATE TRIGGER places_rtree_insert AFTER INSERT ON places BEGIN
    INSERT INTO places_rtree VALUES (new.rowid, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER places_rtree_update AFTER UPDATE OF lat, lon ON places BEGIN
    UPDATE places_rtree SET min_lon = new.lon, max_lon = new.lon,
        min_lat = new.lat, max_lat = new.lat WHERE rid = new.rowid;
END;
CREATE TRIGGER places_rtree_delete AFTER DELETE ON places BEGIN
    DELETE FROM places_rtree WHERE rid = old.rowid;
END;

CREATE VIRTUAL TABLE places_fts USING fts5(
    name, alt_names, notes, content='places', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER places_fts_insert AFTER INSERT ON places BEGIN
    INSERT INTO places_fts(rowid, name, alt_names, notes)
    VALUES (new.rowid, new.name, new.alt_names, new.notes);
END;
CREATE TRIGGER places_fts_delete AFTER DELETE ON places BEGIN
    INSERT INTO places_fts(places_fts, rowid, name, alt_names, notes)
    VALUES ('delete', old.rowid, old.name, old.alt_names, old.notes);
END;
CREATE TRIGGER places_fts_update AFTER UPDATE OF name, alt_names, notes ON places BEGIN
    INSERT INTO places_fts(places_fts, rowid, name, alt_names, notes)
    VALUES ('delete', old.rowid, old.name, old.alt_names, old.notes);
    INSERT INTO places_fts(rowid, name, alt_names, notes)
    VALUES (new.rowid, new.name, new.alt_names, new.notes);
END;

CREATE TABLE control_changes (
    id TEXT PRIMARY KEY,
    place_id TEXT NOT NULL REFERENCES places(id),
    faction_id TEXT NOT NULL REFERENCES factions(id),
    at TEXT NOT NULL,
    at_key TEXT NOT NULL,
    source TEXT NOT NULL,
    confidence TEXT NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
    notes TEXT NOT NULL DEFAULT '',
    {_STAMPS}
);
CREATE INDEX control_changes_place_at ON control_changes(place_id, at_key);
CREATE INDEX control_changes_at ON control_changes(at_key);

CREATE TABLE categories (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    at_key TEXT NOT NULL,
    category TEXT NOT NULL REFERENCES categories(name) ON UPDATE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    place_id TEXT REFERENCES places(id),
    geometry TEXT,
    min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL,
    actors TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
    {_STAMPS}
);
CREATE INDEX events_at ON events(at_key);
CREATE INDEX events_place ON events(place_id);
CREATE INDEX events_category ON events(category, at_key);

CREATE VIRTUAL TABLE events_rtree USING rtree(rid, min_lon, max_lon, min_lat, max_lat);
CREATE TRIGGER events_rtree_insert AFTER INSERT ON events WHEN new.min_lon IS NOT NULL BEGIN
    INSERT INTO events_rtree
        VALUES (new.rowid, new.min_lon, new.max_lon, new.min_lat, new.max_lat);
END;
CREATE TRIGGER events_rtree_update
    AFTER UPDATE OF min_lon, min_lat, max_lon, max_lat ON events BEGIN
    DELETE FROM events_rtree WHERE rid = old.rowid;
    INSERT INTO events_rtree
        SELECT new.rowid, new.min_lon, new.max_lon, new.min_lat, new.max_lat
        WHERE new.min_lon IS NOT NULL;
END;
CREATE TRIGGER events_rtree_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_rtree WHERE rid = old.rowid;
END;

CREATE VIRTUAL TABLE events_fts USING fts5(
    title, description, actors, source, content='events', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts(rowid, title, description, actors, source)
    VALUES (new.rowid, new.title, new.description, new.actors, new.source);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, title, description, actors, source)
    VALUES ('delete', old.rowid, old.title, old.description, old.actors, old.source);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, description, actors, source ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, title, description, actors, source)
    VALUES ('delete', old.rowid, old.title, old.description, old.actors, old.source);
    INSERT INTO events_fts(rowid, title, description, actors, source)
    VALUES (new.rowid, new.title, new.description, new.actors, new.source);
END;

CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    geometry TEXT NOT NULL,
    style TEXT NOT NULL DEFAULT '{{}}',
    valid_from TEXT, valid_from_key TEXT,
    valid_to TEXT, valid_to_key TEXT,
    notes TEXT NOT NULL DEFAULT '',
    {_STAMPS}
);

-- Append-only: what changed, before and after, who and when.
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before TEXT,
    after TEXT
);
CREATE INDEX journal_record ON journal(record_id, seq);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN
    SELECT RAISE(ABORT, 'the change journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN
    SELECT RAISE(ABORT, 'the change journal is append-only');
END;
"""

# v2: what a user keeps beside the records: their own map layers and named filters.
_V2 = f"""
CREATE TABLE user_layers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    layer TEXT,
    style TEXT NOT NULL DEFAULT '{{}}',
    visible INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    {_STAMPS}
);
CREATE TABLE saved_filters (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    {_STAMPS}
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# v3: the event list sorts by any column by walking an index instead of sorting
# every matching event for each page. Each index holds (sort key, rowid), the
# list's exact ORDER BY, so a first page reads ~200 entries (event_queries.py).
# A place's name lives in another table, and an index cannot look it up; the
# names are copied beside each event's rowid in their own table, which triggers
# keep right when events or places change. Not a column of events: the journal
# stores whole event rows, and a copied name there would read as an edit.
_V3 = """
CREATE INDEX events_by_category ON events(category);
CREATE INDEX events_by_title ON events(title COLLATE NOCASE);
-- The same expression as the list's ORDER BY: low, medium, high.
CREATE INDEX events_by_confidence
    ON events(CASE confidence WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END);

-- One row per event; name is NULL when the event has no place.
CREATE TABLE event_place_names (event_rowid INTEGER PRIMARY KEY, name TEXT);
INSERT INTO event_place_names (event_rowid, name)
    SELECT events.rowid, places.name FROM events LEFT JOIN places ON places.id = events.place_id;
CREATE INDEX event_place_names_order ON event_place_names(name COLLATE NOCASE);

CREATE TRIGGER event_place_names_insert AFTER INSERT ON events BEGIN
    INSERT OR REPLACE INTO event_place_names (event_rowid, name)
    VALUES (new.rowid, (SELECT name FROM places WHERE id = new.place_id));
END;
CREATE TRIGGER event_place_names_update AFTER UPDATE OF place_id ON events
    WHEN old.place_id IS NOT new.place_id BEGIN
    UPDATE event_place_names SET name = (SELECT name FROM places WHERE id = new.place_id)
    WHERE event_rowid = new.rowid;
END;
CREATE TRIGGER event_place_names_delete AFTER DELETE ON events BEGIN
    DELETE FROM event_place_names WHERE event_rowid = old.rowid;
END;
CREATE TRIGGER event_place_names_place_insert AFTER INSERT ON places BEGIN
    UPDATE event_place_names SET name = new.name
    WHERE event_rowid IN (SELECT rowid FROM events WHERE place_id = new.id);
END;
CREATE TRIGGER event_place_names_place_rename AFTER UPDATE OF name ON places
    WHEN old.name IS NOT new.name BEGIN
    UPDATE event_place_names SET name = new.name
    WHERE event_rowid IN (SELECT rowid FROM events WHERE place_id = new.id);
END;
CREATE TRIGGER event_place_names_place_delete AFTER DELETE ON places BEGIN
    UPDATE event_place_names SET name = NULL
    WHERE event_rowid IN (SELECT rowid FROM events WHERE place_id = old.id);
END;
"""


# v5: what other programs' files carry beyond our fields, TAK chat and attachments.
# `attributes` holds a file's other columns (a KML's ExtendedData, a CSV's or
# GeoPackage's other columns, a Z value, a track's times) as a JSON object, so
# they are shown and exported back. GeoChat messages are not events: they have
# a sender and a room, no place or category.
_V5 = """
ALTER TABLE places ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE events ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE annotations ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    at_key TEXT NOT NULL,
    sender TEXT NOT NULL,
    sender_uid TEXT NOT NULL DEFAULT '',
    room TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
);
CREATE INDEX messages_at ON messages(at_key);

-- Files that came with a record (a photo in an ATAK data package).
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    data BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX attachments_record ON attachments(record_id);
"""


def _measure_new_indexes(conn: sqlite3.Connection) -> None:
    """ANALYZE the v3 indexes, in files SQLite has measured before.

    An index without figures looks far more selective than the measured ones,
    and SQLite would pick events_by_category over events_category for a
    category filter in time order and sort. A file never measured is left so
    (figures taken on the empty tables of a new file would mislead it more).
    """
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        for name in (
            "events_by_category",
            "events_by_title",
            "events_by_confidence",
            "event_place_names_order",
        ):
            conn.execute(f"ANALYZE {name}")


# v4: sort keys with the year padded to four digits. Keys were written with
# strftime("%Y"), which gives "999-01-01T…" for year 999: that sorted after every
# 2024 key, so a typo of 0999 became the latest control change. Date-only keys
# (date.isoformat) were always padded; only keys whose first "-" comes early change.
_PAD_KEYS = [
    f"""UPDATE {table} SET {column} =
        printf('%04d', CAST(substr({column}, 1, instr({column}, '-') - 1) AS INTEGER))
        || substr({column}, instr({column}, '-'))
    WHERE {column} IS NOT NULL AND instr({column}, '-') BETWEEN 2 AND 4;"""
    for table, column in (
        ("events", "at_key"),
        ("control_changes", "at_key"),
        ("annotations", "valid_from_key"),
        ("annotations", "valid_to_key"),
    )
]
_V4 = "\n".join(_PAD_KEYS)

# v7: sharing live through a TAK server (services/team). The outbox holds what
# changed here, in commit order, until the server took it. Triggers fill it in
# the same transaction as the change itself, so a crash can never keep a change
# and lose its place in the outbox; they run only while sharing is on for this
# file (team_state.enabled) and not for changes that came from the team
# (team_state.applying, set inside the transaction that applies them). A row
# names a record, not its content: the CoT is built when it is sent, from the
# record as it is then (or a TAK delete if it is gone), so an old row can never
# send an old version. team_sync keeps, per record, the last version that went
# over the wire either way (the base of the next change); team_received says who
# sent what, and when; team_conflicts keeps the remote changes not applied.
_TEAM_TABLES = {
    "places": "place",
    "factions": "faction",
    "control_changes": "control_change",
    "events": "event",
    "annotations": "annotation",
}
_QUEUE = (
    "INSERT INTO team_outbox (record_kind, record_id, queued) "
    "VALUES ('{kind}', {row}.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));"
)
_SHARING = "(SELECT enabled AND NOT applying FROM team_state WHERE id = 1)"


def _outbox_triggers() -> str:
    sql = []
    for table, kind in _TEAM_TABLES.items():
        for action, when, row in (
            ("insert", "INSERT", "new"),
            ("update", "UPDATE OF updated", "new"),
            ("delete", "DELETE", "old"),
        ):
            body = _QUEUE.format(kind=kind, row=row)
            if kind == "control_change":
                # A change of hands is news to the place's marker too.
                body += _QUEUE.format(kind="place", row=row).replace(f"{row}.id", f"{row}.place_id")
            sql.append(
                f"CREATE TRIGGER team_outbox_{table}_{action} AFTER {when} ON {table}\n"
                f"    WHEN {_SHARING} BEGIN\n    {body}\nEND;"
            )
    return "\n".join(sql)


_V7 = """
CREATE TABLE team_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    queued TEXT NOT NULL
);
CREATE TABLE team_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    enabled INTEGER NOT NULL DEFAULT 0,
    applying INTEGER NOT NULL DEFAULT 0
);
INSERT INTO team_state (id) VALUES (1);
CREATE TABLE team_sync (
    record_id TEXT PRIMARY KEY,
    record_kind TEXT NOT NULL,
    synced_updated TEXT NOT NULL
);
CREATE TABLE team_received (
    record_id TEXT PRIMARY KEY,
    record_kind TEXT NOT NULL,
    layer TEXT NOT NULL DEFAULT 'Team',
    sender_uid TEXT NOT NULL,
    sender_callsign TEXT NOT NULL,
    cot_type TEXT NOT NULL,
    received TEXT NOT NULL
);
CREATE INDEX team_received_layer ON team_received(layer);
CREATE TABLE team_conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    theirs TEXT,
    sender_callsign TEXT NOT NULL,
    received TEXT NOT NULL
);
CREATE INDEX team_conflicts_record ON team_conflicts(record_id);
""" + _outbox_triggers()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "records, spatial index, full-text search, change journal", _V1),
    Migration(2, "user layers, saved filters, settings", _V2),
    Migration(3, "indexes to sort the event list by any column", _V3, _measure_new_indexes),
    Migration(4, "sort keys padded to four-digit years", _V4),
    Migration(5, "attributes of imported features; TAK chat messages; attachments", _V5),
    Migration(6, "origin, record versions and tombstones for merging", V6_SQL, backfill_versions),
    Migration(7, "team outbox, sync stamps, received and conflicts (TAK)", _V7),
    # v8: team_sync was never written: the record versions of v6 say what both
    # sides last agreed on.
    Migration(8, "drop the unused team_sync table", "DROP TABLE IF EXISTS team_sync;"),
    Migration(9, "events per day and the map's saved columns, kept by triggers", V9_SQL),
)

LATEST_VERSION = MIGRATIONS[-1].version
