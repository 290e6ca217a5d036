"""The store's news of committed changes, as a Qt signal views can connect to."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal

from sitrep_desktop.store import Store, StoreChange

EXTERNAL_POLL_MS = 1500
# While a burst is held (the team link applying thousands of events), the views
# refresh at most this often, and spend at most 1/REFRESH_SHARE of the time
# refreshing: a refresh costs about the same for 20 events as for 2,000.
BURST_REFRESH_MS = 200
REFRESH_SHARE = 5
LONGEST_GAP_MS = 2000  # however slow a refresh, the views follow at least this often


class StoreSignals(QObject):
    """Re-emits every StoreChange; also notices writes by other windows or programs.

    Inside `held()` the news is kept and merged (one change per kind and action,
    ids joined) and emitted at most every BURST_REFRESH_MS, so a burst of small
    transactions makes each view refresh a few times a second, not once each.
    """

    sigChanged = Signal(object)  # StoreChange

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        store.subscribe(self._on_change)
        self._held = 0
        self._waiting: list[StoreChange] = []
        self._last_flush = 0.0
        self._gap_ms = BURST_REFRESH_MS  # between two refreshes in a burst
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        # The one place that looks at the file: PRAGMA data_version is cheap and
        # tells us when another connection committed, so views never poll.
        self._timer = QTimer(self)
        self._timer.setInterval(EXTERNAL_POLL_MS)
        self._timer.timeout.connect(self._check_external)
        self._timer.start()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep the news of what commits inside; it is emitted, merged, soon after."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._waiting and not self._flush_timer.isActive():
                since = (time.perf_counter() - self._last_flush) * 1000
                self._flush_timer.start(max(0, int(self._gap_ms - since)))

    def flush(self) -> None:
        """Emit what was held now, merged."""
        self._flush_timer.stop()
        waiting, self._waiting = self._waiting, []
        start = time.perf_counter()
        for change in merge_changes(waiting):
            self.sigChanged.emit(change)
        self._last_flush = time.perf_counter()
        cost_ms = (self._last_flush - start) * 1000
        self._gap_ms = min(LONGEST_GAP_MS, max(BURST_REFRESH_MS, REFRESH_SHARE * cost_ms))

    def _on_change(self, change: StoreChange) -> None:
        if self._held or self._flush_timer.isActive():
            # Held, or news of a burst still waiting: this one must not overtake it.
            self._waiting.append(change)
            return
        self.sigChanged.emit(change)

    def _check_external(self) -> None:
        try:
            self.store.check_external_changes()
        except Exception:  # a closed store during shutdown
            self._timer.stop()

    def detach(self) -> None:
        self._timer.stop()
        self._flush_timer.stop()
        self._waiting = []
        self.store.unsubscribe(self._on_change)


def merge_changes(changes: list[StoreChange]) -> list[StoreChange]:
    """Runs of news of one kind and action become one change with their ids, in order;
    a "*" (reload everything) swallows all before it."""
    merged: list[StoreChange] = []
    for change in changes:
        if change.kind == "*":
            merged = [change]
            continue
        last = merged[-1] if merged else None
        if last is not None and (last.kind, last.action) == (change.kind, change.action):
            merged[-1] = StoreChange(change.kind, change.action, last.ids + change.ids)
        else:
            merged.append(change)
    return merged
