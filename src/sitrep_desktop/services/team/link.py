"""The team link on the main thread: the store's change news out, the team's CoT in.

Each committed change here is queued in the outbox (store.team, migration 7)
and sent while the link is up; what the server took leaves the outbox. On
every connect the outbox goes first, then the whole current picture, since a
TAK server replays nothing to a client that (re)joins; the window's pumps build
that picture a slice at a time (~200 µs a record: a million events took minutes).
What arrives is applied through `apply_incoming`, and its own change news is not
sent back out.

Nothing here blocks: the socket lives on the worker (client.TeamWorker). The
owner calls `pump()` when the worker says something happened (the window: a
queued Qt signal; tests and the CLI: a loop).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...store import Store, StoreChange
from ...store.bulk import ids_between, table_ends
from .apply import ApplyResult, apply_incoming
from .client import Connected, Endpoint, Offline, ReceivedCot, Sent, TeamWorker
from .cot_in import Incoming
from .cot_out import Outgoing, Sender, outgoing, outgoing_many
from .mesh import MeshWorker

log = logging.getLogger(__name__)

SHARED_KINDS = ("faction", "place", "control_change", "event", "annotation")
BATCH = 500  # CoT handed to the worker at once
# A window's pump builds the picture's CoT for this long, then gives the event loop
# back: at a million events the whole picture took the window for minutes.
PICTURE_SLICE_S = 0.008
PICTURE_PAGE = 40  # records built at a time for the picture: ~5 ms, within a slice


@dataclass(frozen=True)
class TeamStatus:
    connected: bool
    queued: int
    last_error: str = ""
    sending_picture: bool = False  # the whole picture, after a connect (minutes at 10^6)

    def text(self) -> str:
        if self.connected:
            sending = [f"sending {self.queued}"] if self.queued else []
            if self.sending_picture:
                sending.append("sending the whole picture…")
            return ", ".join(["Team: connected", *sending])
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
        # The whole picture still to build, a page at a time as pump() goes on, by
        # where it goes: "server", "mesh".
        self._pictures: dict[str, Iterator[list[Outgoing]]] = {}
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
                self._pictures["mesh"] = self._picture()

    def stop(self, *, sharing_off: bool = False) -> None:
        """Close the link; changes go on being queued unless `sharing_off`."""
        if sharing_off:
            self.store.team.set_sharing(False)
        self.store.unsubscribe(self._on_change)
        self.worker.stop()
        if self.mesh is not None:
            self.mesh.stop()
        self._pictures.clear()  # nobody left to send it to
        self.pump()
        self._epoch = 0
        self._set_status(connected=False)

    def go_offline(self) -> None:
        """Close the connection but keep queueing changes (work offline)."""
        self.worker.stop()
        self._pictures.pop("server", None)  # sent again, whole, on the next connect
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
                self._pictures["server"] = self._picture()  # from the start, as it is now
                self._set_status()
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

    def _picture(self) -> Iterator[list[Outgoing]]:
        """Every shared record as it is now, a page at a time, factions and places
        before what refers to them; each page read and built when its turn comes.
        What changes meanwhile goes through the outbox as well."""
        ends = table_ends(self.store)
        for kind in SHARED_KINDS:
            for ids in ids_between(self.store, kind, 0, ends[kind], PICTURE_PAGE):
                yield outgoing_many(self.store, kind, ids, self.sender)

    def _continue_pictures(self, sliced: bool) -> None:
        """Build and hand over the pictures' next pages: all of them, or (`sliced`)
        for PICTURE_SLICE_S, so a window's event loop turns between slices."""
        deadline = time.perf_counter() + PICTURE_SLICE_S if sliced else None
        for where, picture in list(self._pictures.items()):
            items: list[Outgoing] = []
            for page in picture:
                items += page
                if deadline and time.perf_counter() > deadline:
                    break
            else:
                del self._pictures[where]  # all of it built
            if where == "server":
                self._hand_over(items)
                if where not in self._pictures:
                    self._set_status()  # no longer "sending the whole picture"
            elif items and self.mesh is not None and self.mesh.running:
                self.mesh.send(items)
            if deadline and time.perf_counter() > deadline:
                return

    def _hand_over(self, items: list[Outgoing]) -> None:
        for start in range(0, len(items), BATCH):
            self.worker.send(self._epoch, items[start : start + BATCH])

    # -- what the worker says -----------------------------------------------------------
    def pump(self, budget: int | None = None) -> int:
        """Handle what the worker reported; returns how many received CoT still wait.

        `budget` caps the received CoT applied in this call, and the picture sent
        on a connect is built a slice at a time, so a window that pumps on its
        event loop stays fluid while thousands arrive or go: it calls again (soon)
        while the answer is not 0 (a picture still being built counts one).
        """
        mesh_events = self.mesh.drain() if self.mesh is not None else []
        for event in [*self.worker.drain(), *mesh_events]:
            if isinstance(event, Connected):
                self._epoch, self._handed = event.epoch, 0
                log.info("team link: connected to %s as %s", self.origin, self.sender.callsign)
                self._set_status(connected=True, error="")
                self._send_outbox()
                self._pictures["server"] = self._picture()  # a TAK server replays nothing
                self._set_status()
            elif isinstance(event, Sent):
                self._sent(event)
            elif isinstance(event, ReceivedCot):
                self._incoming.extend(event.items)
                self.received_total += len(event.items)
            elif isinstance(event, Offline):
                self._epoch = 0
                self._pictures.pop("server", None)  # sent again, whole, on the next connect
                log.info("team link: offline (%s)", event.reason)
                self._set_status(connected=False, error=event.reason)
        self.last_applied = 0
        if self._incoming:
            count = len(self._incoming) if budget is None else min(budget, len(self._incoming))
            batch = [self._incoming.popleft() for _ in range(count)]
            self._apply(batch, durable=not self._incoming)
            self.last_applied = count
        self._continue_pictures(sliced=budget is not None)
        return len(self._incoming) + bool(self._pictures)

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
            "server" in self._pictures,
        )
        if status == self.status:
            return
        self.status = status
        for listener in list(self.status_listeners):
            listener(status)
