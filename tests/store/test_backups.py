"""Rolling backups beside the database, and restoring one without losing the current file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.store import Store
from sitrep_desktop.store.backups import (
    BackupError,
    BackupPolicy,
    backups_dir,
    list_backups,
    make_backup,
    restore_backup,
)


@pytest.fixture
def demo_db(new_demo_file) -> Path:
    return new_demo_file("hama.db")


def test_backups_live_in_a_folder_named_after_the_database(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        made = make_backup(store, "on open")
    assert made.parent == demo_db.parent / "hama.db.backups" == backups_dir(demo_db)
    assert made.name.startswith("hama.db.000001.") and made.name.endswith(".on-open.db")
    [info] = list_backups(demo_db)
    assert info.path == made and info.reason == "on-open" and info.size == made.stat().st_size
    assert info.taken.tzinfo is not None


def test_a_backup_is_one_self_contained_file_with_every_record(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        counts = {"places": store.places.count(), "events": store.events.count()}
        made = make_backup(store)
    assert not Path(f"{made}-wal").exists()
    assert made.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    got = list_backups(demo_db)[0].record_counts()
    assert got["places"] == counts["places"] > 0 and got["events"] == counts["events"] > 0
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]


def test_only_the_newest_ten_backups_are_kept(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        made = [make_backup(store, f"n{i}") for i in range(13)]
    kept = list_backups(demo_db)
    assert [b.path for b in kept] == list(reversed(made[3:]))
    assert all(not p.exists() for p in made[:3])


def test_the_count_to_keep_can_be_chosen(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        for _ in range(5):
            make_backup(store, keep=2)
    assert len(list_backups(demo_db)) == 2


def test_files_that_are_not_backups_are_ignored(demo_db: Path) -> None:
    folder = backups_dir(demo_db)
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "hama.db.000001.20241205T120000.000000Z.periodic.db.partial").write_bytes(b"half")
    (folder / "other.db.000002.20241205T120000.000000Z.periodic.db").write_bytes(b"another db")
    assert list_backups(demo_db) == []
    assert list_backups(demo_db.with_name("missing.db")) == []


def test_an_in_memory_store_cannot_be_backed_up() -> None:
    with pytest.raises(BackupError):
        make_backup(Store.memory())


def test_restoring_brings_back_the_old_entries_and_keeps_the_current_file(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        before = store.places.count()
        chosen = make_backup(store, "periodic")
        store.places.add(Place(name="Kafr Nabudah", lat=35.44, lon=36.50, kind="village"))
    safety = restore_backup(chosen, demo_db)
    with Store.open(demo_db) as store:
        assert store.places.count() == before
        assert store.integrity_ok()
    assert safety is not None and safety.exists() and ".before-restore." in safety.name
    assert list_backups(demo_db)[0].path == safety
    assert list_backups(demo_db)[0].record_counts()["places"] == before + 1
    assert not Path(f"{demo_db}-wal").exists()


def test_restoring_the_oldest_backup_when_the_folder_is_full(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        oldest = make_backup(store, "first", keep=3)
        store.events.add(Event(at="2024-12-06", title="After the first backup"))
        make_backup(store, keep=3)
        make_backup(store, keep=3)
        events_now = store.events.count()
    restore_backup(oldest, demo_db, keep=3)  # the safety backup prunes `oldest`
    assert not oldest.exists()
    with Store.open(demo_db) as store:
        assert store.events.count() == events_now - 1


def test_restore_refuses_while_another_connection_has_the_file_open(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        chosen = make_backup(store)
        store.places.add(Place(name="Still open", lat=35.0, lon=36.0))
        original = demo_db.read_bytes()
        with pytest.raises(BackupError, match="still open"):
            restore_backup(chosen, demo_db)
        assert store.places.by_name("Still open") is not None
    assert demo_db.read_bytes() != b"" and len(original) > 0


def test_a_damaged_backup_is_refused_and_the_database_is_untouched(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        chosen = make_backup(store)
    data = bytearray(chosen.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    chosen.write_bytes(bytes(data))
    original = demo_db.read_bytes()
    with pytest.raises(BackupError):
        restore_backup(chosen, demo_db)
    assert demo_db.read_bytes() == original
    assert not list(demo_db.parent.glob(".*restoring"))


def test_a_damaged_database_can_be_replaced_by_its_backup(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        chosen = make_backup(store)
        places = store.places.count()
    demo_db.write_bytes(b"\x00" * 8192)
    safety = restore_backup(chosen, demo_db)
    assert safety is not None and safety.read_bytes() == b"\x00" * 8192
    with Store.open(demo_db) as store:
        assert store.places.count() == places


def test_restoring_onto_a_missing_file_creates_it(demo_db: Path, tmp_path: Path) -> None:
    with Store.open(demo_db) as store:
        chosen = make_backup(store)
    target = tmp_path / "copy" / "restored.db"
    assert restore_backup(chosen, target) is None
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_periodic_backup_is_due_only_after_writes_and_the_interval() -> None:
    clock = FakeClock()
    policy = BackupPolicy(interval_minutes=5, clock=clock)
    clock.now += 600
    assert not policy.is_due()  # ten quiet minutes: nothing to save
    policy.note_write()
    assert policy.is_due()
    policy.done()
    policy.note_write()
    clock.now += 299
    assert not policy.is_due()
    clock.now += 1
    assert policy.is_due()


def test_a_policy_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError):
        BackupPolicy(interval_minutes=0)
