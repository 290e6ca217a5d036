"""The file under an open store: deleted or replaced, writes stop and nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitrep_desktop.domain import Place
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store, StoreError
from sitrep_desktop.store.errors import FileReplacedError


def village(name: str) -> Place:
    return Place(name=name, lat=35.44, lon=36.50, kind="village")


def test_a_deleted_file_refuses_the_next_edit_and_saves_everything_elsewhere(tmp_path):
    db = write_demo(tmp_path / "ops.db")
    store = Store.open(db)
    store.places.add(village("Logged before"))
    db.unlink()
    with pytest.raises(FileReplacedError, match="deleted or replaced"):
        store.places.add(village("Logged after"))  # was: "saved" into a deleted file
    rescued = store.save_as(tmp_path / "rescued.db")
    store.close()
    with Store.open(rescued) as copy:
        assert copy.integrity_ok()
        assert copy.places.by_name("Logged before") is not None
        assert copy.places.by_name("Logged after") is None


def test_a_file_replaced_by_a_colleagues_copy_never_gets_our_journal(tmp_path):
    db = write_demo(tmp_path / "ops.db")
    colleague = write_demo(tmp_path / "colleague.db")
    with Store.open(colleague) as theirs:
        theirs.places.add(village("Theirs"))
    store = Store.open(db)
    store.places.add(village("Ours"))
    assert Path(f"{db}-wal").exists()
    os.replace(colleague, db)
    with pytest.raises(FileReplacedError):
        store.check_file()
    # Opened while ours is still open: it must not read our journal's pages.
    with Store.open(db) as meanwhile:
        assert meanwhile.places.by_name("Ours") is None
        assert meanwhile.places.by_name("Theirs") is not None
    with pytest.raises(FileReplacedError):
        store.places.add(village("Lost otherwise"))
    rescued = store.save_as(tmp_path / "ours.db")
    store.close()
    assert not Path(f"{db}-wal").exists()
    with Store.open(db) as replaced:
        assert replaced.integrity_ok()
        assert replaced.places.by_name("Theirs") is not None
        assert replaced.places.by_name("Ours") is None
    with Store.open(rescued) as ours:
        assert ours.places.by_name("Ours") is not None
        assert ours.places.by_name("Theirs") is None


def test_save_as_never_overwrites_a_file(tmp_path):
    db = write_demo(tmp_path / "ops.db")
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"mine")
    with Store.open(db) as store, pytest.raises(StoreError, match="already exists"):
        store.save_as(taken)
    assert taken.read_bytes() == b"mine"


def test_the_same_file_still_in_place_writes_as_before(tmp_path):
    db = write_demo(tmp_path / "ops.db")
    with Store.open(db) as store:
        store.check_file()
        store.places.add(village("Fine"))
        store.reconnect()
        store.places.add(village("Still fine"))


def test_the_windows_poll_removes_our_stray_journal_at_once(tmp_path):
    db = write_demo(tmp_path / "ops.db")
    colleague = write_demo(tmp_path / "colleague.db")
    store = Store.open(db)
    store.places.add(village("Ours"))
    os.replace(colleague, db)
    assert store.check_external_changes() is False
    assert not Path(f"{db}-wal").exists()
    # A program opening the new file now reads only the colleague's pages.
    with Store.open(db) as theirs:
        assert theirs.integrity_ok() and theirs.places.by_name("Ours") is None
    assert store.save_as(tmp_path / "ours.db").exists()
    store.close()
