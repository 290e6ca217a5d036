"""The team link in the window: Tools > Team settings…, Tools > Share with team, and
the status bar (connected / offline with N queued / the last error).

The link (services/team) runs its socket on a worker thread; the worker's
wake-up crosses to the window's thread as a queued signal, and `pump()` runs
here, where the store lives. Nothing waits on the network in the window.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from sitrep_desktop.services.team import TeamLink, TeamStatus
from sitrep_desktop.services.team.mesh import MeshWorker
from sitrep_desktop.services.team.settings import (
    CERT_PASSWORD,
    TeamSettings,
    load_secret,
    load_settings,
    save_secret,
    save_settings,
)
from sitrep_desktop.ui.team.merge_feature import team_conflicts_dialog
from sitrep_desktop.ui.team.settings_dialog import TeamSettingsDialog
from sitrep_desktop.ui.window.context import FeatureContext

log = logging.getLogger(__name__)

# One slice of received CoT per event-loop turn takes about this long. Each slice is
# one commit. bench_live, 5,000 events on a loaded machine, runs interleaved: a
# 20 ms budget took 1,240-1,820 events/s at a median frame of 29-40 ms (95th
# percentile ~110 ms); 10 ms took 650-890 events/s at 21-26 ms (~72 ms). The map
# comes first: 10 ms.
FRAME_BUDGET_S = 0.010
FIRST_PER_ITEM_S = 0.002  # a guess at one item's cost until a slice has been measured
MAX_SLICE = 2000
# A slice's fixed cost (its lookups, its commit) divided among few items made
# the measured cost per item look large, the next slice smaller, and so on down
# to a handful per frame (bench_live took in ~100 events/s under load).
MIN_SLICE = 10


class _Wake(QObject):
    """Carries the worker's wake-up to the window's thread."""

    sigWake = Signal()
    sigStatus = Signal(object)


class TeamFeature(QObject):
    def __init__(self, ctx: FeatureContext, settings: TeamSettings | None = None) -> None:
        window = ctx.parent
        super().__init__(window)
        self.window = window  # the Qt parent of the dialog and the status label
        self.store = ctx.store
        self.settings = settings or load_settings()
        self.link: TeamLink | None = None
        self._per_item = FIRST_PER_ITEM_S
        self.signals = ctx.signals
        self._wake = _Wake(self)
        self._wake.sigWake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._scheduled = False
        self.label = QLabel("Team: off", window)
        window.statusBar().addPermanentWidget(self.label)
        ctx.menus.tools.addSeparator()
        ctx.action(ctx.menus.tools, "&Team settings…", self.edit_settings)
        ctx.action(ctx.menus.tools, "Team &conflicts…", lambda: team_conflicts_dialog(window))
        self.share_action = ctx.action(
            ctx.menus.tools, "Share with &team", self.set_sharing, checked=True
        )
        self.share_action.setCheckable(True)
        window.installEventFilter(self)
        if self.settings.enabled and not self.settings.problems():
            self.share_action.setChecked(True)
            self.set_sharing(True)

    # -- connecting ---------------------------------------------------------------------
    def set_sharing(self, on: bool) -> None:
        if on and self.link is None:
            problems = self.settings.problems()
            if problems:
                self.label.setText("Team: " + problems[0])
                self.share_action.setChecked(False)
                return
            password = load_secret(CERT_PASSWORD) if self.settings.tls else ""
            sender = self.settings.sender()
            mesh = MeshWorker(sender) if self.settings.mesh else None
            self.link = TeamLink(self.store, self.settings.endpoint(password), sender, mesh)
            self.link.wake = self._wake.sigWake.emit
            self.link.status_listeners.append(self.show_status)
            self.show_status(self.link.status)
            self.link.start()
        elif not on and self.link is not None:
            self.stop(sharing_off=True)

    def stop(self, *, sharing_off: bool = False) -> None:
        """Close the link (the window closes); `sharing_off`: the user turned sharing
        off, and changes stop being queued for the team."""
        if self.link is not None:
            link, self.link = self.link, None
            link.stop(sharing_off=sharing_off)
        self.label.setText("Team: off")

    def _on_wake(self) -> None:
        # The worker wakes us for every read; one pump pending is enough.
        if not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self._pump)

    def _pump(self) -> None:
        # One slice sized to fit a frame (FRAME_BUDGET_S), by the cost per item
        # measured on the slices before; then back to the event loop, so the map
        # repaints and the user works between slices. The views' refresh is
        # held and merged across slices (StoreSignals.held): a few refreshes a
        # second, however many slices the burst takes.
        self._scheduled = False
        if self.link is None:
            return
        count = max(MIN_SLICE, min(MAX_SLICE, int(FRAME_BUDGET_S / self._per_item)))
        start = time.perf_counter()
        with self.signals.held():
            waiting = self.link.pump(count)
        if self.link is not None and self.link.last_applied:
            per_item = (time.perf_counter() - start) / self.link.last_applied
            self._per_item = 0.5 * self._per_item + 0.5 * per_item
        if waiting:
            self._scheduled = True
            QTimer.singleShot(0, self._pump)

    def show_status(self, status: TeamStatus) -> None:
        self.label.setText(status.text())
        self.label.setToolTip(status.last_error)

    # -- settings ---------------------------------------------------------------------
    def edit_settings(self) -> TeamSettingsDialog:
        dialog = TeamSettingsDialog(self.settings, self.window)
        dialog.accepted.connect(
            lambda: self.apply_settings(dialog.settings(), dialog.new_password())
        )
        dialog.open()
        return dialog

    def apply_settings(self, settings: TeamSettings, password: str | None) -> None:
        save_settings(settings)
        if password is not None:
            save_secret(CERT_PASSWORD, password)
        self.settings = settings
        if self.link is not None:  # reconnect with the new settings
            self.stop()
            self.set_sharing(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install_team(ctx: FeatureContext) -> TeamFeature:
    """Tools > Team settings… and Share with team, and the team status in the status bar."""
    return TeamFeature(ctx)
