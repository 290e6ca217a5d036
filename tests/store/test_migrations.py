"""Each migration, from the version before it; files from the future are refused."""

import sqlite3

import pytest

from sitrep_desktop.domain import Place
from sitrep_desktop.store import LATEST_VERSION, MIGRATIONS, NewerSchemaError, Store
from sitrep_desktop.store.opening import migrate


def tables(conn):
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_versions_are_consecutive_from_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))


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
