"""Backups that can be trusted: one folder per file, verified, ranked by the order made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from damaged_db import stale_after_a_good_backup, stale_index
from sitrep_desktop.domain import Place
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store
from sitrep_desktop.store.backups import (
    BackupError,
    DamagedSourceError,
    backups_dir,
    legacy_backups_dir,
    list_backups,
    make_backup,
    prune_backups,
    restore_backup,
)


@pytest.fixture
def ops_db(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "ops.db")


def test_ops_db_and_ops_sqlite_keep_their_own_backups(ops_db: Path) -> None:
    other = ops_db.with_name("ops.sqlite")
    with Store.open(other) as store:
        store.places.add(Place(name="Only in ops.sqlite", lat=35.0, lon=36.0))
        sqlite_backups = [make_backup(store, keep=2) for _ in range(3)]
    with Store.open(ops_db) as store:
        for _ in range(3):
            make_backup(store, keep=2)
    assert backups_dir(ops_db) != backups_dir(other)
    assert [b.path for b in list_backups(other)] == sqlite_backups[:0:-1]
    assert len(list_backups(ops_db)) == 2
    restore_backup(list_backups(ops_db)[0].path, ops_db)
    with Store.open(ops_db) as store:
        assert store.places.by_name("Only in ops.sqlite") is None


def _legacy_copy(db_path: Path, backup: Path, stamp: str, suffix: str) -> Path:
    folder = legacy_backups_dir(db_path)
    folder.mkdir(exist_ok=True)
    target = folder / f"{db_path.stem}.{stamp}.periodic{suffix}"
    shutil.copyfile(backup, target)
    return target


def test_backups_in_the_old_shared_folder_are_still_listed_and_restorable(ops_db: Path) -> None:
    with Store.open(ops_db) as store:
        places = store.places.count()
        made = make_backup(store)
        store.places.add(Place(name="After the old backup", lat=35.0, lon=36.0))
    old = _legacy_copy(ops_db, made, "20241205T120000.000000Z", ".db")
    of_sqlite = _legacy_copy(ops_db, made, "20241206T120000.000000Z", ".sqlite")
    made.unlink()
    assert [b.path for b in list_backups(ops_db)] == [old]
    assert [b.path for b in list_backups(ops_db.with_name("ops.sqlite"))] == [of_sqlite]
    restore_backup(old, ops_db)
    with Store.open(ops_db) as store:
        assert store.places.count() == places


def test_a_clock_that_once_ran_ahead_does_not_delete_every_new_backup(ops_db: Path) -> None:
    with Store.open(ops_db) as store:
        first = make_backup(store)
        future = [
            _legacy_copy(ops_db, first, f"2031{month:02d}01T000000.000000Z", ".db")
            for month in range(1, 11)
        ]
        first.unlink()
        store.places.add(Place(name="Logged today", lat=35.0, lon=36.0))
        today = make_backup(store)
    kept = list_backups(ops_db)
    assert kept[0].path == today and today.exists()
    assert len(kept) == 10 and not future[0].exists()
    assert kept[0].record_counts()["places"] == kept[1].record_counts()["places"] + 1


def test_rotation_ranks_by_the_order_made_not_the_time_in_the_name(ops_db: Path) -> None:
    with Store.open(ops_db) as store:
        made = [make_backup(store, keep=3) for _ in range(3)]
        # The newest one says 2031 in its name, the next one made says today.
        dated_ahead = made[-1].with_name(made[-1].name.replace(made[-1].name[14:18], "2031", 1))
        made[-1].rename(dated_ahead)
        newest = make_backup(store, keep=3)
    assert [b.path for b in list_backups(ops_db)] == [newest, dated_ahead, made[1]]


def test_a_file_that_fails_the_integrity_check_is_never_backed_up_over_a_good_one(
    ops_db: Path,
) -> None:
    good = stale_after_a_good_backup(ops_db, keep=2)
    with Store.open(ops_db) as store:  # quick_check passes: it opens
        for _ in range(5):
            with pytest.raises(DamagedSourceError, match="integrity check"):
                make_backup(store, "open", keep=2)
    assert [b.path for b in list_backups(ops_db)] == [good]
    assert sorted(p.name for p in backups_dir(ops_db).iterdir()) == [good.name]


def test_restore_refuses_a_backup_that_fails_the_integrity_check(ops_db: Path) -> None:
    with Store.open(ops_db) as store:
        damaged = make_backup(store)
    stale_index(damaged)
    original = ops_db.read_bytes()
    with pytest.raises(BackupError, match="integrity check"):
        restore_backup(damaged, ops_db)
    assert ops_db.read_bytes() == original


def test_rotation_keeps_the_newest_verified_backup_behind_unchecked_copies(ops_db: Path) -> None:
    with Store.open(ops_db) as store:
        good = make_backup(store)
    chosen = good
    for _ in range(3):  # a damaged file replaced three times: three raw copies of it
        ops_db.write_bytes(b"\x00" * 8192)
        restore_backup(chosen, ops_db, keep=1)
    kept = list_backups(ops_db)
    assert good in [b.path for b in kept] and good.exists()
    assert kept[0].reason == "before-restore-unchecked" and not kept[0].verified
    assert prune_backups(ops_db, keep=1) == [] and good.exists()


def test_a_plain_file_where_the_backup_folder_goes_is_a_clear_backup_error(ops_db: Path) -> None:
    backups_dir(ops_db).write_text("not a folder")
    legacy_backups_dir(ops_db).write_text("nor this")
    with Store.open(ops_db) as store:
        with pytest.raises(BackupError, match="is a file, not a folder"):
            make_backup(store)
    assert list_backups(ops_db) == []
