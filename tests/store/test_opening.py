"""Opening a file from a damaged USB stick, another program, or another version of SitRep.

A file SitRep cannot use is refused with a clear message and left byte for
byte as it was (no -wal or -shm beside it either); an older one is backed up,
then migrated with its data kept.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sitrep_desktop.app import main
from sitrep_desktop.domain import Event, Faction, Place
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import (
    LATEST_VERSION,
    CorruptDatabaseError,
    NewerSchemaError,
    NotADatabaseError,
    Store,
    StoreError,
)
from sitrep_desktop.store.opening import migrate


def demo_bytes(tmp_path: Path) -> bytes:
    """A checkpointed demo database, as bytes (one file, no WAL)."""
    path = write_demo(tmp_path / "source" / "demo.db")
    with Store.open(path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def random_bytes(tmp_path: Path) -> bytes:
    return os.urandom(64 * 1024)


def truncated_database(tmp_path: Path) -> bytes:
    return demo_bytes(tmp_path)[: 3 * 4096 + 100]


def zeros(tmp_path: Path) -> bytes:
    return b"\x00" * 32 * 1024


def text_file(tmp_path: Path) -> bytes:
    return "Hama (حماة) fell on 5 December.\nHoms is next.\n".encode() * 100


def damaged_pages(tmp_path: Path) -> bytes:
    data = bytearray(demo_bytes(tmp_path))
    for page in range(2, len(data) // 4096, 3):  # scribble over every third b-tree page
        data[page * 4096 : page * 4096 + 512] = os.urandom(512)
    return bytes(data)


def other_programs_sqlite(tmp_path: Path) -> bytes:
    path = tmp_path / "source" / "firefox-places.sqlite"
    path.parent.mkdir(exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    return path.read_bytes()


BAD_FILES: dict[str, tuple[Callable[[Path], bytes], type[StoreError], str]] = {
    "random bytes": (random_bytes, NotADatabaseError, "not an SQLite file"),
    "a truncated database": (truncated_database, CorruptDatabaseError, "damaged"),
    "a file of zeros": (zeros, NotADatabaseError, "not an SQLite file"),
    "a text file": (text_file, NotADatabaseError, "not an SQLite file"),
    "a database with damaged pages": (damaged_pages, CorruptDatabaseError, "damaged"),
    "an SQLite file of another program": (other_programs_sqlite, NotADatabaseError, "another"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_an_unusable_file_is_refused_and_left_unchanged(tmp_path: Path, kind: str) -> None:
    make, error, words = BAD_FILES[kind]
    path = tmp_path / "situation.db"
    path.write_bytes(make(tmp_path))
    original = path.read_bytes()
    with pytest.raises(error, match=words) as caught:
        Store.open(path)
    assert "situation.db" in str(caught.value)
    assert path.read_bytes() == original
    # The read-only check of a WAL-mode file may leave an empty -wal (and a -shm
    # index) beside it; nothing is ever written into them.
    extra = {p.name for p in tmp_path.iterdir()} - {"source", "situation.db"}
    assert extra <= {"situation.db-wal", "situation.db-shm"}
    wal = tmp_path / "situation.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    folder = tmp_path / "situation.db"
    folder.mkdir()
    with pytest.raises(NotADatabaseError, match="folder"):
        Store.open(folder)
    assert list(folder.iterdir()) == []


def test_the_command_line_says_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(zeros(tmp_path))
    assert main(["control", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "broken.db" in err and "not" in err
    assert path.read_bytes() == zeros(tmp_path)


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    original = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer SitRep Desktop"):
        Store.open(path)
    assert path.read_bytes() == original
    assert not list(tmp_path.glob("future.v*"))


def version_1_database(path: Path) -> dict[str, str]:
    """A file as the first release wrote it, with a faction, a place and an event."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn, target=1)
    store = Store(conn, path, "old-release")
    for repository in (store.places, store.events):  # v1 rows: no attributes column yet
        to_row = repository.to_row
        repository.to_row = lambda r, to_row=to_row: {  # type: ignore[method-assign]
            k: v for k, v in to_row(r).items() if k != "attributes"
        }
    hts = store.factions.add(
        Faction(name="Hayat Tahrir al-Sham", short_name="HTS", colour="#2e7d32")
    )
    hama = store.places.add(Place(name="Hama", lat=35.13179, lon=36.75783, kind="city"))
    store.categories.ensure(["capture"])
    event = store.events.add(
        Event(at="2024-12-05", title="HTS enters Hama", category="capture", place_id=hama.id)
    )
    conn.close()
    return {"faction": hts.id, "place": hama.id, "event": event.id}


def test_an_older_database_is_backed_up_then_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "2024.db"
    ids = version_1_database(path)
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION > 1
        assert store.places.get(ids["place"]).name == "Hama"
        assert store.factions.get(ids["faction"]).short_name == "HTS"
        assert store.events.get(ids["event"]).title == "HTS enters Hama"
        assert [e.id for e in store.events.query(search="Hama")] == [ids["event"]]
        backup = store.backup_before_upgrade
    assert backup is not None and backup.exists() and "v1-before-upgrade" in backup.name
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT name FROM places").fetchall() == [("Hama",)]
    finally:
        conn.close()


def test_a_current_database_opens_without_a_backup(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "now.db")
    with Store.open(path) as store:
        assert store.backup_before_upgrade is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["now.db"]


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert store.integrity_ok()
