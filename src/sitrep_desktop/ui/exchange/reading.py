"""Reading a file to import on a worker thread, with a progress dialog and Cancel.

Only the reading runs on the worker: parsing and checking every record, which
takes seconds for 100,000 ACLED rows and touches nothing but the file. Matching
the records against the store stays on the main thread (services.exchange.plan_batch):
the store's sqlite3 connection belongs to the thread that opened it, and
planning takes ~0.1-0.3 s for those rows, too little to justify a second
connection (which an in-memory store could not have anyway).

A row file (ACLED, CSV) is read a chunk at a time: the worker hands each chunk
to the main thread, which plans it at once (services.import_stream.StreamPlanner)
and drops it; at most CHUNKS_IN_FLIGHT wait, so memory stays that of a few
chunks whatever the file's size. The outcome is then a `plan`, not a `batch`.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from sitrep_desktop.io import pipeline
from sitrep_desktop.io.pipeline import ImportPlan
from sitrep_desktop.io.progress import ImportCancelled
from sitrep_desktop.io.records import ImportFileError, RecordBatch
from sitrep_desktop.services.exchange import import_format, read_import, streams
from sitrep_desktop.services.import_stream import StreamPlanner

# A read that ends sooner shows no dialog at all.
SHOW_AFTER_MS = 300
_STEPS = 1000  # the bar's range: bytes would overflow its int past 2 GB
READING_SWITCH_INTERVAL = 0.0005  # seconds: see ImportReading.__init__
CHUNKS_IN_FLIGHT = 2  # read but not yet planned: the bound on a streamed reading's memory


class _ReadingThread(QThread):
    """Runs services.exchange.read_import; the outcome is in its attributes once it finishes."""

    sigProgress = Signal(object, object)  # bytes done, bytes in the file (may pass 2**31)
    sigChunk = Signal(object)  # a RecordBatch of a row file, for the main thread to plan

    def __init__(
        self, source: Path, parent: QObject | None = None, layer: str | None = None
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.layer = layer
        self.batch: RecordBatch | None = None
        self.error: ImportFileError | None = None
        self.failure: BaseException | None = None
        self.cancelled = False
        self.fmt: str | None = None  # set when the file was read in chunks
        self.room = threading.Semaphore(CHUNKS_IN_FLIGHT)  # released as chunks are planned
        self._step = -1

    def run(self) -> None:
        try:
            fmt = import_format(self.source)
            if streams(fmt, self.layer):
                for chunk in pipeline.read_chunks(
                    self.source, fmt, progress=self._report, size=pipeline.CHUNK_ROWS
                ):
                    while not self.room.acquire(timeout=0.05):
                        if self.isInterruptionRequested():
                            raise ImportCancelled
                    self.sigChunk.emit(chunk)
                self.fmt = fmt
            else:
                _fmt, self.batch = read_import(self.source, layer=self.layer, progress=self._report)
        except ImportCancelled:
            self.cancelled = True
        except ImportFileError as exc:
            self.error = exc
        except Exception as exc:  # handed to the main thread, raised there as before
            self.failure = exc

    def _report(self, done: int, total: int) -> None:
        if self.isInterruptionRequested():
            raise ImportCancelled
        step = done * _STEPS // max(total, 1)
        if step != self._step:  # a signal per visible step, not per read
            self._step = step
            self.sigProgress.emit(done, total)


class ImportReading(QObject):
    """One file being read: starts at once, `sigFinished` when read, failed or cancelled.

    Afterwards exactly one of `batch` (or, for a row file read in chunks,
    `plan`, planned against the window's store), `error` (the file's
    problems), `failure` (a bug, to raise) is set, or `cancelled` is True.
    """

    sigFinished = Signal()

    def __init__(self, source: Path, parent: QWidget, layer: str | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.batch: RecordBatch | None = None
        self.plan: ImportPlan | None = None
        self.error: ImportFileError | None = None
        self.failure: BaseException | None = None
        self.cancelled = False
        self.finished = False
        self._store = getattr(parent, "store", None)
        self._planner: StreamPlanner | None = None
        self._size = _size_of(source)
        self.progress = QProgressDialog(self._label(0), "Cancel", 0, _STEPS, parent)
        self.progress.setWindowTitle("Import data")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)  # no edits meanwhile
        self.progress.setMinimumDuration(SHOW_AFTER_MS)
        self.progress.setValue(0)
        self._thread = _ReadingThread(source, self, layer)
        self._thread.sigProgress.connect(self._show_progress)
        self._thread.sigChunk.connect(self._plan_chunk)
        self._thread.finished.connect(self._finish)
        # Cancel closes the dialog at once; the worker stops at its next report.
        self.progress.canceled.connect(self._thread.requestInterruption)
        # The worker holds the GIL while it parses; every time the window's own
        # Python code calls into Qt it gives the GIL up and waits a whole switch
        # interval (5 ms) to get it back, so one repaint of the map took ~0.5 s and
        # the window froze for the whole read. A 0.5 ms interval keeps it live
        # (timers: 1 tick a second -> 95) and reading is no slower.
        _quick_switching(True)
        self._thread.start()

    def wait(self) -> None:
        """Return once finished, running the event loop meanwhile (the window repaints)."""
        if not self.finished:
            loop = QEventLoop()
            self.sigFinished.connect(loop.quit)
            loop.exec()
        if not self.finished:  # the application quit every event loop: stop reading
            self.progress.cancel()
            self._thread.requestInterruption()
            self._finish()
        # Deleted here, never in _finish: a modal QProgressDialog's setValue runs
        # the event loop, so _finish can run inside the dialog's own setValue, and
        # deleting it there crashed the process (segfault seen in the test suite).
        self.progress.deleteLater()

    def _label(self, done: int) -> str:
        return f"Reading {self.source.name}… ({_megabytes(done)} of {_megabytes(self._size)})"

    def _show_progress(self, done: int, total: int) -> None:
        if self.finished:  # a report queued before the end: the dialog is done
            return
        if self.progress.wasCanceled():  # also when cancel() was called, which emits nothing
            self._thread.requestInterruption()
            return
        self._size = total
        self.progress.setLabelText(self._label(done))
        self.progress.setValue(min(done * _STEPS // max(total, 1), _STEPS - 1))

    def _plan_chunk(self, chunk: RecordBatch) -> None:
        """Plan one chunk of a row file here, on the store's thread, and let the
        worker read another."""
        try:
            if self.finished or self.failure is not None or self._store is None:
                return
            if self._planner is None:
                self._planner = StreamPlanner(self._store, self.source)
            self._planner.feed(chunk)
        except Exception as exc:  # raised on the main thread once the reading ends
            self.failure = exc
            self._thread.requestInterruption()
        finally:
            self._thread.room.release()

    def _finish(self) -> None:
        if self.finished:
            return
        thread = self._thread
        thread.wait()  # past run() unless the application is quitting
        _quick_switching(False)
        # A chunk that could not be planned stopped the worker: that is a failure, not a cancel.
        stopped = thread.cancelled and self.failure is None
        self.cancelled = stopped or self.progress.wasCanceled()
        if not self.cancelled:
            self.error = thread.error
            self.failure = self.failure or thread.failure
            self.batch = thread.batch
            if thread.fmt is not None and self.failure is None and self.error is None:
                self._plan_streamed(thread.fmt)
        if self._planner is not None:
            self._planner.close()
        self._thread.sigProgress.disconnect(self._show_progress)
        self.progress.reset()  # hides it, and stops the timer that would show it
        self.finished = True
        self.sigFinished.emit()

    def _plan_streamed(self, fmt: str) -> None:
        if self._store is None:
            return  # the window closed meanwhile: nothing to plan against
        if self._planner is None:  # no chunk at all: the file holds no rows
            self._planner = StreamPlanner(self._store, self.source)
        try:
            self.plan, _ = self._planner.finish(fmt)
        except ImportFileError as exc:
            self.error = exc


_readers: list[float] = []  # the interval each running reading found, oldest first


def _quick_switching(on: bool) -> None:
    """Shorten the GIL switch interval while any reading runs (two windows may
    read at once); the interval found by the first comes back after the last."""
    if on:
        _readers.append(sys.getswitchinterval())
        sys.setswitchinterval(min(_readers[0], READING_SWITCH_INTERVAL))
    elif _readers:
        first = _readers[0]
        _readers.pop()
        if not _readers:
            sys.setswitchinterval(first)


def _size_of(source: Path) -> int:
    try:
        return source.stat().st_size
    except OSError:
        return 0  # the reader reports the problem


def _megabytes(count: int) -> str:
    megabytes = count / 1_000_000
    return f"{megabytes:.1f} MB" if megabytes < 10 else f"{megabytes:.0f} MB"
