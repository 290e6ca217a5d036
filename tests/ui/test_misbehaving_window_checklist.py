"""Issue 16 in the real window: a refused edit keeps its form open and says why, and a
file that cannot be opened says why in a message, each cause named as what it is.

The disk is a small tmpfs (the tests run as root, for whom chmod does not make a
file read-only); the lock is held by a second process, as another program would.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from locked_db import held_locked, quick_lock_wait
from sitrep_desktop.services.demo import write_demo

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def small_disk(tmp_path: Path):
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def _window(qtbot, tmp_path: Path):
    from sitrep_desktop.ui.window.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    return window


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"x" * 4096):
            pass
    except OSError:  # no space left: full, as wanted
        pass
    finally:
        os.close(fd)


def test_an_event_logged_on_a_full_disk_keeps_its_form_open_saying_the_disk_is_full(
    qtbot, tmp_path, small_disk
) -> None:
    path = write_demo(small_disk / "demo.db")
    window = _window(qtbot, tmp_path)
    assert window.open_path(path)
    events = window.store.events.count()
    _fill(small_disk)
    dialog = window.features.logging.open_dialog("event")
    dialog.form.set_text("title", "Convoy seen on the M5")
    dialog.form.set_text("at", "2024-12-06T10:00Z")
    # More pages than the WAL has free, in lines: one 200 kB line takes Qt 5 s to lay out.
    dialog.form.set_text("description", ("d" * 99 + "\n") * 2000)
    dialog.accept()
    # Was: sqlite3.OperationalError past undo_stack.attempt, the dialog open, nothing said.
    assert dialog.isVisible()
    assert "the disk is full" in dialog.message.text() and dialog.message.isVisible()
    assert window.undo_stack.count() == 0
    (small_disk / "filler").unlink()
    dialog.accept()  # room again: the same form saves
    assert not dialog.isVisible()
    assert window.store.events.count() == events + 1
    window.close()


def test_an_edit_on_a_read_only_disk_keeps_its_form_open_saying_read_only(
    qtbot, tmp_path, small_disk
) -> None:
    path = write_demo(small_disk / "demo.db")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    window = _window(qtbot, tmp_path)
    assert window.open_path(path)
    assert "read-only" in window.file_guard.last_message.text()  # said on opening
    dialog = window.features.logging.new_place()
    dialog.form.set_text("name", "Kafr Nabudah")
    dialog.form.set_text("lat", "35.44")
    dialog.form.set_text("lon", "36.50")
    dialog.accept()
    assert dialog.isVisible() and "read-only" in dialog.message.text()
    assert window.store.places.by_name("Kafr Nabudah") is None
    window.close()


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """The text of every warning or critical message box the window opens."""
    texts: list[str] = []

    def record(_parent, _title, text, *_args, **_kwargs):
        texts.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(record))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(record))
    return texts


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _future_file(tmp_path: Path) -> Path:
    path = write_demo(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda d: d / "missing.db", "does not exist"),
        (lambda d: _written(d / "notes.db", "my notes\n" * 200), "notes.db"),
        (lambda d: _folder(d / "folder.db"), "folder.db"),
        (_future_file, "newer"),
    ],
    ids=["missing", "text-file", "folder", "newer-schema"],
)
def test_a_file_that_cannot_be_opened_says_why_in_a_message(
    qtbot, tmp_path, shown, make, said
) -> None:
    window = _window(qtbot, tmp_path)
    path = make(tmp_path)
    assert window.open_path(path) is False
    assert len(shown) == 1 and said in shown[0], shown
    assert "Traceback" not in shown[0]
    window.close()


def test_a_file_another_program_holds_locked_says_locked_in_a_message(
    qtbot, tmp_path, shown, monkeypatch
) -> None:
    quick_lock_wait(monkeypatch)
    path = write_demo(tmp_path / "held.db")
    with held_locked(path):
        window = _window(qtbot, tmp_path)
        assert window.open_path(path) is False
        assert len(shown) == 1 and "locked by another program" in shown[0], shown
        assert "damaged" not in shown[0]
        window.close()
