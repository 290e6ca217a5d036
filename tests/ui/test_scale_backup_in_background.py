"""A big file is backed up in a worker thread: the window opens and stays usable while
its copy is made and checked (a minute at a million events), and still hears a refusal."""

from __future__ import annotations

import pytest
from tests.ui.test_backup_dialog import StandInWindow, add_village

from damaged_db import stale_after_a_good_backup
from sitrep_desktop.store import Store
from sitrep_desktop.store.backups import list_backups
from sitrep_desktop.ui.window.backups import install_backups


@pytest.fixture
def big(monkeypatch):
    # Every file counts as big here: what is tested is where the work runs.
    monkeypatch.setattr("sitrep_desktop.ui.window.backups.CHECK_AT_OPEN_BYTES", 0)


def test_opening_a_big_file_backs_it_up_beside_the_window(qtbot, new_demo_file, big) -> None:
    window = StandInWindow(new_demo_file("aleppo.db"))
    qtbot.addWidget(window)
    controller = install_backups(window)
    assert controller.running is not None  # made in its own thread
    add_village(window.store)  # the window writes meanwhile
    qtbot.waitUntil(lambda: not controller.running.is_alive(), timeout=30_000)
    [backup] = list_backups(window.db_path)
    assert backup.reason == "open" and backup.verified
    with Store.open(backup.path) as copy:
        assert copy.places.count() > 0


def test_a_big_file_failing_the_check_is_refused_and_the_user_is_told(
    qtbot, new_demo_file, big
) -> None:
    path = new_demo_file("stale.db")
    good = stale_after_a_good_backup(path)
    window = StandInWindow(path)
    qtbot.addWidget(window)
    controller = install_backups(window)
    qtbot.waitUntil(lambda: controller.damaged_box is not None, timeout=30_000)
    assert "integrity check" in controller.damaged_box.text()
    assert [b.path for b in list_backups(path)] == [good]
