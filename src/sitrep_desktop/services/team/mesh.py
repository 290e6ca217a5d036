"""Mesh: CoT over UDP multicast to everyone on the network, as ATAK's default mesh SA.

Off by default (Team settings: "Mesh (multicast 239.2.3.1:6969)"). While on,
what the link sends to the server also goes to the group, one datagram per
CoT, and what arrives from the group goes through the same reading (size cap,
safe XML) and the same merge as the server's. This is the only time the app
listens on a port: the group's, and only while mesh is on.

A datagram starting with 0xbf is TAK's protobuf (takproto): we do not read it,
and count it as skipped. Our own datagrams come back to us (multicast loopback,
so two laptops on one machine hear each other): they are recognised by our
uid and dropped. A CoT over the datagram limit is not sent on the mesh (the
server, when there is one, still gets it).

Plain sockets on a thread of their own: a datagram needs no asyncio.
"""

from __future__ import annotations

import logging
import queue
import socket
import struct
import threading
from collections.abc import Callable

from .client import ReceivedCot, drain_queue, post_event
from .cot_in import MAX_EVENT_BYTES, CotError, read_cot
from .cot_out import Outgoing, Sender

log = logging.getLogger(__name__)

MESH_GROUP = "239.2.3.1"
MESH_PORT = 6969
MAX_DATAGRAM = 65_507  # the most an IPv4 UDP datagram carries
PROTOBUF_MAGIC = 0xBF
POLL_SECONDS = 0.2  # how soon the receiving thread notices stop()


class MeshWorker:
    """Our CoT to the multicast group, theirs from it; `drain()` as TeamWorker's."""

    def __init__(
        self, sender: Sender, group: str = MESH_GROUP, port: int = MESH_PORT, ttl: int = 1
    ) -> None:
        self.sender = sender
        self.group, self.port, self.ttl = group, port, ttl
        self._events: queue.Queue[object] = queue.Queue()
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.on_event: Callable[[], None] = lambda: None
        self.sent = 0
        self.too_large = 0

    @property
    def running(self) -> bool:
        return self._socket is not None

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        try:
            # Several programs on one machine (ATAK's emulator, a second SitRep)
            # may listen to the group's port together.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, "SO_REUSEPORT"):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(("", self.port))
            membership = struct.pack("4s4s", socket.inet_aton(self.group), bytes(4))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, self.ttl)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            sock.settimeout(POLL_SECONDS)
        except OSError:
            sock.close()
            raise
        self._socket = sock
        self._stopping.clear()
        self._thread = threading.Thread(target=self._receive, name="team-mesh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(POLL_SECONDS * 5)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def send(self, items: list[Outgoing]) -> None:
        """One datagram per CoT, sent now (a datagram never blocks for long)."""
        sock = self._socket
        if sock is None:
            return
        for item in items:
            if len(item.data) > MAX_DATAGRAM:
                self.too_large += 1
                log.info("mesh: %s %s too large for a datagram", item.kind, item.record_id)
                continue
            try:
                sock.sendto(item.data, (self.group, self.port))
                self.sent += 1
            except OSError as exc:  # no route to the group (no network): work goes on
                log.warning("mesh: not sent (%s)", exc)
                return

    def drain(self) -> list[object]:
        return drain_queue(self._events)

    # -- the receiving thread -------------------------------------------------------------
    def _receive(self) -> None:
        sock = self._socket
        assert sock is not None
        while not self._stopping.is_set():
            try:
                data, _where = sock.recvfrom(MAX_DATAGRAM + 1)
            except TimeoutError:
                continue
            except OSError:
                return  # closed under us: stopping
            event = self._read(data)
            if event is not None:
                post_event(self._events, event, self.on_event)

    def _read(self, data: bytes) -> ReceivedCot | None:
        if not data:
            return None
        if data[0] == PROTOBUF_MAGIC or len(data) > MAX_EVENT_BYTES:
            return ReceivedCot([], skipped=1)
        try:
            item = read_cot(data)
        except CotError as exc:
            log.warning("mesh: a CoT was skipped: %s", exc)
            return ReceivedCot([], skipped=1)
        except Exception:  # whatever a hostile datagram finds, the mesh stays up
            log.exception("mesh: a CoT could not be read")
            return ReceivedCot([], skipped=1)
        if item is None or item.sender_uid == self.sender.uid:
            return None  # our own, back through the loopback
        return ReceivedCot([item])
