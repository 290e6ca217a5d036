"""A big file opens without its page-by-page damage check when the window asks
(Store.open(check_later=True)); the check then runs on its own connection, and still
finds damage. A file to migrate is always checked first."""

import os
import sqlite3
from pathlib import Path

import pytest
from tests.scale_data import fill_events

from sitrep_desktop.store import CorruptDatabaseError, Store
from sitrep_desktop.store.opening import damage_of


@pytest.fixture
def big(monkeypatch):
    # Every file counts as big: the check is what is tested, not the size of the file.
    monkeypatch.setattr("sitrep_desktop.store.database.CHECK_AT_OPEN_BYTES", 0)


@pytest.fixture
def file_with_events(new_demo_file):
    def make(name: str) -> Path:
        path = new_demo_file(name)
        with Store.open(path) as store:
            fill_events(store, 800)
        return path

    return make


def scribble_over_the_last_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    for page in range(pages - 40, pages, 2):  # event rows; the schema on page 1 is left
        data[page * 4096 : page * 4096 + 512] = os.urandom(512)
    path.write_bytes(bytes(data))


def test_a_sound_big_file_opens_with_its_check_pending_and_passes_it(file_with_events, big):
    path = file_with_events("big.db")
    with Store.open(path, check_later=True) as store:
        assert store.check_pending
        assert store.events.count() > 800
    assert damage_of(path) is None


def test_damage_is_found_by_the_later_check_as_by_an_open(file_with_events, big):
    path = file_with_events("big.db")
    scribble_over_the_last_pages(path)
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)  # the CLI's open still checks first
    store = Store.open(path, check_later=True)
    assert store.check_pending
    store.close()
    assert "is damaged" in damage_of(path)


def test_a_file_to_migrate_is_checked_before_anything_runs_on_it(tmp_path, big):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    from sitrep_desktop.store.opening import migrate

    migrate(conn, target=7)
    conn.close()
    with Store.open(path, check_later=True) as store:
        assert not store.check_pending  # checked at once: it was backed up and migrated


def test_a_small_file_is_checked_at_open(file_with_events):
    path = file_with_events("small.db")
    with Store.open(path, check_later=True) as store:
        assert not store.check_pending
