"""The store's news of committed changes, as a Qt signal views can connect to."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from sitrep_desktop.store import Store, StoreChange

EXTERNAL_POLL_MS = 1500


class StoreSignals(QObject):
    """Re-emits every StoreChange; also notices writes by other windows or programs."""

    sigChanged = Signal(object)  # StoreChange

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        store.subscribe(self._on_change)
        # The one place that looks at the file: PRAGMA data_version is cheap and
        # tells us when another connection committed, so views never poll.
        self._timer = QTimer(self)
        self._timer.setInterval(EXTERNAL_POLL_MS)
        self._timer.timeout.connect(self._check_external)
        self._timer.start()

    def _on_change(self, change: StoreChange) -> None:
        self.sigChanged.emit(change)

    def _check_external(self) -> None:
        try:
            self.store.check_external_changes()
        except Exception:  # a closed store during shutdown
            self._timer.stop()

    def detach(self) -> None:
        self._timer.stop()
        self.store.unsubscribe(self._on_change)
