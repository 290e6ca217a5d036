"""Import data… with a row file: read in chunks on the worker, each planned on the
window's thread as it comes; the preview counts what one batch would, and the
import is one undoable step that Cancel rolls back."""

from __future__ import annotations

import pytest
from acled_sample import write_acled

from sitrep_desktop.io import pipeline
from sitrep_desktop.services.exchange import plan_batch, read_import
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.ui.exchange.dialogs import apply_import, preview_import
from sitrep_desktop.ui.exchange.reading import ImportReading

ROWS = 500


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 60)  # nine chunks of this file


def test_the_preview_of_a_file_read_in_chunks_counts_what_one_batch_counts(
    qtbot, window, tmp_path, small_chunks
) -> None:  # type: ignore[no-untyped-def]
    source = write_acled(tmp_path / "acled.csv", ROWS)
    before = content_hash(window.store)
    dialog = preview_import(window, source)
    assert dialog is not None and dialog.plan is not None
    assert dialog.plan.new_counts is not None  # streamed: counts, no records held
    _fmt, batch = read_import(source)
    whole = plan_batch(window.store, batch, source)
    assert dialog.plan.preview() == whole.preview()
    assert content_hash(window.store) == before  # a preview writes nothing


def test_a_file_read_in_chunks_imports_as_one_undoable_step(
    qtbot, window, tmp_path, small_chunks
) -> None:  # type: ignore[no-untyped-def]
    source = write_acled(tmp_path / "acled.csv", ROWS)
    events, steps = window.store.events.count(), window.undo_stack.count()
    before = content_hash(window.store)
    dialog = preview_import(window, source)
    assert apply_import(window, dialog.plan, source)
    assert window.store.events.count() == events + ROWS - ROWS // 50
    assert window.undo_stack.count() == steps + 1
    assert "490 events from acled.csv" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert content_hash(window.store) == before
    window.undo_stack.redo()
    assert window.store.events.count() == events + ROWS - ROWS // 50


def test_cancelling_a_streamed_import_adds_nothing(qtbot, window, tmp_path, small_chunks) -> None:  # type: ignore[no-untyped-def]
    source = write_acled(tmp_path / "acled.csv", ROWS)
    before, steps = content_hash(window.store), window.undo_stack.count()
    plan = preview_import(window, source).plan
    asked = []
    assert not apply_import(window, plan, source, cancel=lambda: asked.append(1) or len(asked) > 3)
    assert content_hash(window.store) == before
    assert window.undo_stack.count() == steps
    assert "cancelled" in window.statusBar().currentMessage()


def test_the_reading_waits_while_chunks_are_not_yet_planned(
    qtbot, window, tmp_path, small_chunks
) -> None:  # type: ignore[no-untyped-def]
    source = write_acled(tmp_path / "acled.csv", ROWS)
    reading = ImportReading(source, window)
    # The event loop does not run: nothing is planned, so the worker must stop
    # after the chunks in flight instead of reading the whole file into the queue.
    reading._thread.wait(1500)
    assert not reading._thread.isFinished()
    reading.wait()
    assert reading.plan is not None and reading.plan.new_counts["event"] == ROWS - ROWS // 50
