"""Each migration, from the version before it; files from the future are refused."""

import sqlite3

import pytest

from sitrep_desktop.domain import Place
from sitrep_desktop.store import LATEST_VERSION, MIGRATIONS, NewerSchemaError, Store
from sitrep_desktop.store.event_queries import EventFilter, EventQueries
from sitrep_desktop.store.opening import migrate

HOMS, RASTAN = "3b241101-e2bb-4255-8caf-4136c566a962", "9a0d5d1e-4b7c-4d0e-8a43-33d9f0c0a001"


def tables(conn):
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_versions_are_consecutive_from_one():
    versions = [m.version for m in MIGRATIONS]
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_migration_1_from_an_empty_file(tmp_path):
    conn = sqlite3.connect(tmp_path / "v0.db", isolation_level=None)
    assert migrate(conn, target=1) == [1]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert {
        "places",
        "events",
        "control_changes",
        "journal",
        "places_rtree",
        "events_fts",
    } <= tables(conn)
    assert "user_layers" not in tables(conn)


def test_migration_2_from_version_1_keeps_the_data(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO places (id, name, kind, lat, lon, created, updated) VALUES "
        "('3b241101-e2bb-4255-8caf-4136c566a962', 'Homs', 'city', 34.7, 36.7, 'c', 'u')"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert {"user_layers", "saved_filters", "settings"} <= tables(store.conn)
        assert store.places.get("3b241101-e2bb-4255-8caf-4136c566a962").name == "Homs"
        assert store.places.search("homs")[0].name == "Homs"
        assert store.backup_before_upgrade is not None
        assert store.backup_before_upgrade.exists()
    backup = sqlite3.connect(store.backup_before_upgrade)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1


def _version_2_file(path, *, analyzed):
    """A file as v2 wrote it: two places, events at each and one at none, a journal."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=2)
    stamps = "'2024-12-01T00:00:00.000000Z', '2024-12-01T00:00:00.000000Z', 'analyst'"
    conn.executescript(
        f"""
        INSERT INTO categories (name, label) VALUES ('capture', 'Capture');
        INSERT INTO places (id, name, kind, lat, lon, created, updated, author) VALUES
            ('{HOMS}', 'Homs', 'city', 34.72, 36.72, {stamps}),
            ('{RASTAN}', 'al-Rastan', 'town', 34.92, 36.73, {stamps});
        INSERT INTO events (id, at, at_key, category, title, place_id, confidence,
                            created, updated, author) VALUES
            ('e1', '2024-12-05', '2024-12-05T00:00:00.000000Z', 'capture', 'Homs falls',
             '{HOMS}', 'high', {stamps}),
            ('e2', '2024-12-04', '2024-12-04T00:00:00.000000Z', 'capture', 'No place',
             NULL, 'low', {stamps}),
            ('e3', '2024-12-03', '2024-12-03T00:00:00.000000Z', 'capture', 'Rastan taken',
             '{RASTAN}', 'medium', {stamps});
        INSERT INTO journal (at, author, record_kind, record_id, action, after)
            VALUES ('2024-12-01T00:00:00.000000Z', 'analyst', 'event', 'e1', 'insert', '{{}}');
        """
    )
    if analyzed:
        conn.execute("ANALYZE")
    conn.close()


def _logged(conn):
    """Everything a user logged, as stored (less migration 5's attributes, all '{}')."""
    logged = {}
    for table in ("places", "events", "categories", "journal"):
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        logged[table] = [tuple(v for n, v in zip(names, r) if n != "attributes") for r in cursor]
    return logged


def test_migration_3_from_version_2_sorts_by_place_and_changes_nothing_logged(tmp_path):
    path = tmp_path / "v2.db"
    _version_2_file(path, analyzed=True)
    with sqlite3.connect(path) as conn:
        before = _logged(conn)
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION >= 3
        assert store.backup_before_upgrade is not None and store.backup_before_upgrade.exists()
        assert _logged(store.conn) == before
        pages = EventQueries(store)
        by_place = [e.title for _, e in pages.page(EventFilter(), sort="place")]
        assert by_place == ["No place", "Rastan taken", "Homs falls"]  # NULL first, NOCASE
        # The file had statistics: the new indexes have theirs too.
        measured = {r[0] for r in store.conn.execute("SELECT idx FROM sqlite_stat1")}
        assert {"events_by_category", "events_by_title", "event_place_names_order"} <= measured
    backup = sqlite3.connect(store.backup_before_upgrade)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 2
    assert _logged(backup) == before
    assert "event_place_names" not in tables(backup)
    backup.close()


def test_migration_3_leaves_a_never_analyzed_file_unanalyzed(tmp_path):
    path = tmp_path / "v2.db"
    _version_2_file(path, analyzed=False)
    with Store.open(path) as store:
        assert "sqlite_stat1" not in tables(store.conn)
        assert [e.title for _, e in EventQueries(store).page(EventFilter(), sort="place")] == [
            "No place",
            "Rastan taken",
            "Homs falls",
        ]


def test_migrating_twice_is_harmless(tmp_path):
    path = tmp_path / "twice.db"
    with Store.open(path) as store:
        store.places.add(Place(name="Hama", lat=35.1, lon=36.7))
    with Store.open(path) as store:
        assert store.places.count() == 1
        assert migrate(store.conn) == []


def test_a_file_from_a_newer_version_is_refused_unchanged(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer"):
        Store.open(path)
    assert path.read_bytes() == before


def test_the_file_is_in_wal_mode_with_foreign_keys(tmp_path):
    with Store.open(tmp_path / "w.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
