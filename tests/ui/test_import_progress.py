"""Import data… reads a big file on a worker thread: progress, Cancel, a live window."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from acled_sample import write_acled
from PySide6.QtCore import QEvent, QObject, QTimer

from sitrep_desktop.services.exchange import read_import
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.ui.exchange.dialogs import (
    ImportPreviewDialog,
    preview_after_reading,
    preview_import,
)
from sitrep_desktop.ui.exchange.reading import ImportReading

ROWS = 20_000  # ~2 MB: about a second to read
CANCEL_ROWS = 50_000  # cancelled early on, however slowly the test machine starts the window


@pytest.fixture
def big_acled(tmp_path: Path) -> Path:
    return write_acled(tmp_path / "acled.csv", ROWS)


class ShowCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.shown = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Show:
            self.shown += 1
        return False


def test_cancelling_while_reading_shows_no_preview_and_changes_nothing(
    qtbot, window, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    source = write_acled(tmp_path / "acled.csv", CANCEL_ROWS)
    before, undo_steps = content_hash(window.store), window.undo_stack.count()
    reading = ImportReading(source, window)
    qtbot.waitUntil(lambda: reading.progress.value() > 0, timeout=20_000)
    assert reading.progress.labelText().startswith("Reading acled.csv… (")
    assert reading.progress.labelText().endswith(" MB)")
    reading.progress.cancel()
    qtbot.waitUntil(lambda: reading.finished, timeout=20_000)
    assert reading.cancelled and reading.batch is None and reading.error is None
    assert preview_after_reading(window, reading) is None
    assert window.findChildren(ImportPreviewDialog) == []
    assert content_hash(window.store) == before
    assert window.undo_stack.count() == undo_steps


def test_a_big_acled_file_is_read_while_the_window_stays_live_then_previewed(
    qtbot, window, big_acled
) -> None:  # type: ignore[no-untyped-def]
    reading_when_ticked = []
    timer = QTimer(window)
    timer.timeout.connect(
        lambda: reading_when_ticked.append(
            any(not r.finished for r in window.findChildren(ImportReading))
        )
    )
    timer.start(10)
    switch_interval = sys.getswitchinterval()
    before = content_hash(window.store)
    dialog = preview_import(window, big_acled)
    timer.stop()
    # The event loop ran all along while the file was read (a 10 ms timer over
    # about a second): with the GIL contended, the window once froze for the read.
    assert sum(reading_when_ticked) >= 20
    assert sys.getswitchinterval() == switch_interval  # restored afterwards
    assert dialog is not None and dialog.import_button.isEnabled()
    rows = {r[0]: r[1:] for r in dialog.problem_rows()}
    assert rows["events"] == (str(ROWS - ROWS // 50), "0")
    assert rows["control changes"] == (str(ROWS // 50), "0")
    assert rows["places"] == ("10", "0")
    assert rows["factions"] == ("4", "0")
    assert content_hash(window.store) == before  # a preview writes nothing


def test_a_quick_read_shows_no_progress_dialog(qtbot, window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    counter = ShowCounter()
    small = write_acled(tmp_path / "small.csv", 20)
    read_import(small)  # the reader's modules imported first: a cold import is not a read
    reading = ImportReading(small, window)
    reading.progress.installEventFilter(counter)
    qtbot.waitUntil(lambda: reading.finished)
    qtbot.wait(400)  # past the delay after which a still running read shows it
    assert counter.shown == 0
    dialog = preview_after_reading(window, reading)
    assert dialog is not None
    assert {r[0]: r[1] for r in dialog.problem_rows()}["events"] == "19"  # row 0 is a capture


def test_two_readings_at_once_restore_the_switch_interval_after_the_last(
    qtbot, window, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    before = sys.getswitchinterval()
    first = ImportReading(write_acled(tmp_path / "a.csv", 2000), window)
    second = ImportReading(write_acled(tmp_path / "b.csv", 2000), window)
    assert sys.getswitchinterval() < before
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=20_000)
    assert sys.getswitchinterval() == before
