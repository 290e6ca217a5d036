"""The team link on the main thread: the store's change news out, the team's CoT in.

Each committed change here is queued in the outbox (store.team, migration 7)
and sent while the link is up; what the server took leaves the outbox. On
every connect the outbox goes first, then the whole current picture, since a
TAK server replays nothing to a client that (re)joins. What arrives is applied
through `apply_incoming`, and its own change news is not sent back out.

Nothing here blocks: the socket lives on the worker (client.TeamWorker). The
owner calls `pump()` when the worker says something happened (the window: a
queued Qt signal; tests and the CLI: a loop).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ...store import Store, StoreChange
from .apply import ApplyResult, apply_incoming
from .client import Connected, Endpoint, Offline, ReceivedCot, Sent, TeamWorker
from .cot_in import Incoming
from .cot_out import Outgoing, Sender, outgoing
from .mesh import MeshWorker

log = logging.getLogger(__name__)

SHARED_KINDS = ("faction", "place", "control_change", "event", "annotation")
BATCH = 500  # CoT handed to the worker at once


@dataclass(frozen=True)
class TeamStatus:
    connected: bool
    queued: int
    last_error: str = ""

    def text(self) -> str:
        if self.connected:
            return "Team: connected" + (f", sending {self.queued}" if self.queued else "")
        error = f" ({self.last_error})" if self.last_error else ""
        return f"Team: offline, {self.queued} queued{error}"


class TeamLink:
    def __init__(
        self, store: Store, endpoint: Endpoint, sender: Sender, mesh: MeshWorker | None = None
    ) -> None:
        self.store = store
        self.endpoint = endpoint
        self.sender = sender
        self.origin = f"tak {endpoint.host}:{endpoint.port}"
        self.worker = TeamWorker(endpoint, sender)
        self.status = TeamStatus(False, store.team.outbox_count())
        self.status_listeners: list[Callable[[TeamStatus], None]] = []
        self.applied_listeners: list[Callable[[ApplyResult], None]] = []
        self._epoch = 0  # of the live connection; 0 when offline
        self._handed = 0  # highest outbox seq handed to the worker in this epoch
        self._applying = False
        self.received_total = 0
        self.last_applied = 0  # received CoT applied by the last pump()
        self._incoming: deque[Incoming] = deque()  # received, not yet applied
        # Called on the worker thread when it has news: the owner schedules pump()
        # on its own thread (the window: a queued signal).
        self.wake: Callable[[], None] = lambda: None
        self.worker.on_event = self._wake
        # Mesh (multicast), when the user turned it on: the same CoT out, the same
        # merge in, beside the server (mesh.py).
        self.mesh = mesh
        if mesh is not None:
            mesh.on_event = self._wake

    # -- life ------------------------------------------------------------------------
    def start(self) -> None:
        # From now on every change here is queued, connected or not, until
        # sharing is turned off (stop(sharing_off=True)).
        self.store.team.set_sharing(True)
        self.store.subscribe(self._on_change)
        self.worker.start()
        if self.mesh is not None:
            try:
                self.mesh.start()
            except OSError as exc:  # no multicast here (no network): the server still works
                log.warning("team mesh: not started (%s)", exc)
                self.mesh = None
            else:
                self.mesh.send(self._picture())

    def stop(self, *, sharing_off: bool = False) -> None:
        """Close the link; changes go on being queued unless `sharing_off`."""
        if sharing_off:
            self.store.team.set_sharing(False)
        self.store.unsubscribe(self._on_change)
        self.worker.stop()
        if self.mesh is not None:
            self.mesh.stop()
        self.pump()
        self._epoch = 0
        self._set_status(connected=False)

    def go_offline(self) -> None:
        """Close the connection but keep queueing changes (work offline)."""
        self.worker.stop()
        self.pump()
        self._epoch = 0
        self._set_status(connected=False, error="offline by choice")

    def go_online(self) -> None:
        """Connect again after `go_offline`; the outbox and the picture follow."""
        self.worker = TeamWorker(self.endpoint, self.sender)
        self.worker.on_event = self._wake
        self.worker.start()

    def _wake(self) -> None:
        self.wake()

    @property
    def connected(self) -> bool:
        return self._epoch != 0

    # -- out -------------------------------------------------------------------------
    def _on_change(self, change: StoreChange) -> None:
        # The change is in the outbox already (triggers, same transaction): send it.
        if self._applying:
            return  # the team's own change, arriving here: not ours to send back
        if change.kind == "*":
            if self.connected:
                self._send_picture()
            return
        if change.kind not in SHARED_KINDS:
            return
        if self.mesh is not None and self.mesh.running:
            self.mesh.send(
                [outgoing(self.store, change.kind, rid, self.sender) for rid in change.ids]
            )
        if self.connected:
            self._send_outbox()
        self._set_status()

    def _send_outbox(self) -> None:
        rows = [row for row in self.store.team.outbox() if row.seq > self._handed]
        if not rows:
            return
        self._handed = rows[-1].seq
        # Each row is sent as the record is now; the same record twice in a
        # batch goes once, with the later row's seq.
        latest = {(row.record_kind, row.record_id): row.seq for row in rows}
        items = [
            outgoing(self.store, kind, record_id, self.sender, seq)
            for (kind, record_id), seq in sorted(latest.items(), key=lambda kv: kv[1])
        ]
        self._hand_over(items)

    def _send_picture(self) -> None:
        self._hand_over(self._picture())

    def _picture(self) -> list[Outgoing]:
        team = self.store.team
        items: list[Outgoing] = []
        for kind in SHARED_KINDS:
            for record in team.store_repository(kind).all():
                items.append(outgoing(self.store, kind, record.id, self.sender))
        return items

    def _hand_over(self, items: list[Outgoing]) -> None:
        for start in range(0, len(items), BATCH):
            self.worker.send(self._epoch, items[start : start + BATCH])

    # -- what the worker says -----------------------------------------------------------
    def pump(self, budget: int | None = None) -> int:
        """Handle what the worker reported; returns how many received CoT still wait.

        `budget` caps the received CoT applied in this call, so a window that
        pumps on its event loop stays fluid while thousands arrive: it calls
        again (soon) while the answer is not 0.
        """
        mesh_events = self.mesh.drain() if self.mesh is not None else []
        for event in [*self.worker.drain(), *mesh_events]:
            if isinstance(event, Connected):
                self._epoch, self._handed = event.epoch, 0
                log.info("team link: connected to %s as %s", self.origin, self.sender.callsign)
                self._set_status(connected=True, error="")
                self._send_outbox()
                self._send_picture()
            elif isinstance(event, Sent):
                self._sent(event)
            elif isinstance(event, ReceivedCot):
                self._incoming.extend(event.items)
                self.received_total += len(event.items)
            elif isinstance(event, Offline):
                self._epoch = 0
                log.info("team link: offline (%s)", event.reason)
                self._set_status(connected=False, error=event.reason)
        self.last_applied = 0
        if self._incoming:
            count = len(self._incoming) if budget is None else min(budget, len(self._incoming))
            batch = [self._incoming.popleft() for _ in range(count)]
            self._apply(batch, durable=not self._incoming)
            self.last_applied = count
        return len(self._incoming)

    def _sent(self, event: Sent) -> None:
        if event.epoch != self._epoch:
            return
        seqs = [item.seq for item in event.items if item.seq is not None]
        if seqs:
            self.store.team.sent(max(seqs))
        self._set_status()

    def _apply(self, items: list[Incoming], *, durable: bool = True) -> None:
        self._applying = True
        try:
            result = apply_incoming(self.store, items, self.origin, durable=durable)
        finally:
            self._applying = False
        for listener in list(self.applied_listeners):
            listener(result)

    def _set_status(self, connected: bool | None = None, error: str | None = None) -> None:
        status = TeamStatus(
            self.connected if connected is None else connected,
            self.store.team.outbox_count(),
            self.status.last_error if error is None else error,
        )
        if status == self.status:
            return
        self.status = status
        for listener in list(self.status_listeners):
            listener(status)
