"""Merging files: another database (left untouched), a data package, an old v3 file."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.services.exchange import gather, write_export
from sitrep_desktop.services.merge import merge_path
from sitrep_desktop.store import LATEST_VERSION, Store
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.store.opening import migrate
from sitrep_desktop.store.versions import VersionReader

HOMS = "3b241101-e2bb-4255-8caf-4136c566a962"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):  # -shm is an index SQLite rebuilds on any read
        part = Path(f"{path}{suffix}")
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def two_files(tmp_path):
    a = tmp_path / "ana.db"
    with Store.open(a, author="ana") as store:
        store.categories.ensure_defaults()
        store.places.add(Place(id=HOMS, name="Homs", lat=34.73, lon=36.71, kind="city"))
        store.events.add(Event(at="2024-12-05", title="Homs falls", place_id=HOMS))
    b = tmp_path / "bob.db"
    shutil.copy(a, b)
    return a, b


def test_merging_a_database_file_leaves_that_file_untouched(two_files):
    a, b = two_files
    with Store.open(b, author="bob") as bob:
        bob.events.add(Event(at="2024-12-06", title="Talbiseh taken", place_id=HOMS))
        bob.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    untouched = _digest(b)
    with Store.open(a, author="ana") as ana:
        assert merge_path(ana, b).counts()["added"] == 1
    assert _digest(b) == untouched


def test_a_dry_run_writes_nothing(two_files):
    a, b = two_files
    with Store.open(b, author="bob") as bob:
        bob.events.add(Event(at="2024-12-06", title="Talbiseh taken", place_id=HOMS))
    with Store.open(a, author="ana") as ana:
        digest, journal = content_hash(ana), ana.journal.count()
        report = merge_path(ana, b, dry_run=True)
        assert report.counts()["added"] == 1 and report.dry_run
        assert (content_hash(ana), ana.journal.count()) == (digest, journal)


def test_a_data_package_brings_records_and_a_later_package_its_edits(two_files, tmp_path):
    a, b = two_files
    package = tmp_path / "bob.zip"
    with Store.open(b, author="bob") as bob:
        talbiseh = bob.places.add(Place(name="Talbiseh", lat=34.84, lon=36.73))
        write_export(gather(bob), package, "datapackage")
    with Store.open(a, author="ana") as ana:
        report = merge_path(ana, package)
        assert report.added == [("place", talbiseh.id)] and not report.conflicts
        assert ana.places.get(talbiseh.id) == talbiseh
        assert not merge_path(ana, package).changes_anything, "the same package again"
    with Store.open(b, author="bob") as bob:
        bob.places.update(dataclasses.replace(bob.places.get(talbiseh.id), notes="taken"))
        write_export(gather(bob), package, "datapackage")
    with Store.open(a, author="ana") as ana:
        report = merge_path(ana, package)
        assert report.updated == [("place", talbiseh.id)]
        assert ana.places.get(talbiseh.id).notes == "taken"


def test_a_version_3_file_gets_an_origin_versions_and_its_journalled_deletes(tmp_path):
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    stamp = "2024-12-01T00:00:00.000000Z"
    conn.executescript(
        f"""
        INSERT INTO places (id, name, kind, lat, lon, created, updated, author) VALUES
            ('{HOMS}', 'Homs', 'city', 34.72, 36.72, '{stamp}', '{stamp}', 'analyst');
        INSERT INTO journal (at, author, record_kind, record_id, action, before, after) VALUES
            ('{stamp}', 'analyst', 'place', 'gone-1', 'insert', NULL, '{{"updated": "{stamp}"}}'),
            ('{stamp}', 'analyst', 'place', 'gone-1', 'delete', '{{"updated": "{stamp}"}}', NULL);
        """
    )
    conn.close()
    copy = tmp_path / "v3-copy.db"
    shutil.copy(path, copy)
    with Store.open(path) as store, Store.open(copy) as other_copy:
        assert store.schema_version == LATEST_VERSION
        heads = VersionReader(store.conn).heads([HOMS, "gone-1"])
        assert {rid: h.deleted for rid, h in heads.items()} == {HOMS: 0, "gone-1": 1}
        origins = [
            s.conn.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()[0]
            for s in (store, other_copy)
        ]
        assert len(set(origins)) == 2, "each file its own origin"
        assert store.places.get(HOMS).name == "Homs"
        # Two copies of one old file agree on every version: nothing to merge.
        assert not merge_path(store, copy).changes_anything
        assert not merge_path(store, copy).conflicts
        # And editing after the upgrade stamps a new version.
        version = heads[HOMS].version
        place = store.places.get(HOMS)
        store.places.update(dataclasses.replace(place, notes="edited"))
        reader = VersionReader(store.conn)
        assert reader.heads([HOMS])[HOMS].version > version
        assert set(reader.histories([HOMS])[HOMS]) == {version, reader.heads([HOMS])[HOMS].version}


def test_an_older_file_merges_without_being_upgraded(two_files, tmp_path):
    a, _ = two_files
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrate(conn, target=3)
    stamp = "2024-12-02T00:00:00.000000Z"
    conn.execute(
        "INSERT INTO places (id, name, kind, lat, lon, created, updated, author) VALUES "
        "('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'Rastan', 'town', 34.92, 36.73, ?, ?, 'x')",
        (stamp, stamp),
    )
    conn.close()
    with Store.open(a, author="ana") as ana:
        report = merge_path(ana, old)
        assert report.added == [("place", "7c9e6679-7425-40de-944b-e07fc1f90ae7")]
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 3
