"""Mesh: CoT over UDP multicast with the laptops and phones on the same network.

ATAK's default "mesh SA": every device sends its CoT to one multicast group
(239.2.3.1:6969) and reads what the others send there, no server between them.
The worker has the same face as `client.TeamWorker` (start, stop, send, drain,
on_event; it posts Connected, Sent, ReceivedCot, Offline), so `TeamLink` and
everything behind it (outbox, picture on (re)connect, merge rules) work the same.

Off unless the user turns it on: this is the one place the app binds a port.
Mesh is best effort, as UDP is: a datagram lost on the way is not sent again
until the record changes or the link restarts (which re-sends the picture).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import queue
import socket
import threading
from collections import deque
from dataclasses import dataclass

from .client import Connected, Offline, ReceivedCot, Sent
from .cot_in import CotError, CotStream, Incoming, read_cot
from .cot_out import Outgoing, Sender, presence_cot

log = logging.getLogger(__name__)

DEFAULT_GROUP = "239.2.3.1"
DEFAULT_PORT = 6969
MAX_DATAGRAM = 65_000  # a CoT larger than this cannot go in one UDP datagram
PACE_EVERY = 64  # datagrams sent before yielding, so a burst does not overrun receivers
PACE_SECONDS = 0.002
ECHOES_KEPT = 4096  # our own recent datagrams, recognised when the loopback returns them


@dataclass(frozen=True)
class MeshEndpoint:
    """Where the mesh is: a multicast group and port, and the interface to use
    (its IPv4 address; 0.0.0.0 lets the system choose)."""

    group: str = DEFAULT_GROUP
    port: int = DEFAULT_PORT
    interface: str = "0.0.0.0"
    ttl: int = 1  # stays on the local network unless the user asks for more

    # TeamLink names its origin and reports by host and port.
    @property
    def host(self) -> str:
        return self.group

    @property
    def url(self) -> str:
        return f"udp://{self.group}:{self.port}"

    def problems(self) -> list[str]:
        found = []
        try:
            first = int(socket.inet_aton(self.group)[0])
        except OSError:
            first = -1
        if not 224 <= first <= 239:
            found.append(f"{self.group} is not a multicast group (224.0.0.0 to 239.255.255.255)")
        if not 0 < self.port < 65536:
            found.append(f"port {self.port} is not a port number")
        try:
            socket.inet_aton(self.interface)
        except OSError:
            found.append(f"{self.interface} is not an IPv4 interface address")
        return found


class MeshWorker:
    """Sends and receives the mesh's CoT on a thread of its own."""

    def __init__(self, endpoint: MeshEndpoint, sender: Sender) -> None:
        self.endpoint = endpoint
        self.sender = sender
        self._events: queue.Queue[object] = queue.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outgoing: asyncio.Queue[tuple[int, list[Outgoing]]] | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._echoes: deque[bytes] = deque(maxlen=ECHOES_KEPT)
        self._echo_set: set[bytes] = set()
        self.epoch = 0
        self.too_large = 0  # CoT not sent: over one datagram
        self.on_event = lambda: None

    # -- the main thread's side (as TeamWorker) -----------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="team-mesh", daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def stop(self, timeout: float = 5.0) -> None:
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def send(self, epoch: int, items: list[Outgoing]) -> None:
        if self._loop is None or self._outgoing is None or not items:
            return
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._outgoing.put_nowait, (epoch, items))

    def drain(self) -> list[object]:
        found = []
        while True:
            try:
                found.append(self._events.get_nowait())
            except queue.Empty:
                return found

    # -- the worker thread ---------------------------------------------------------------
    def _post(self, event: object) -> None:
        self._events.put(event)
        try:
            self.on_event()
        except Exception:
            log.exception("mesh: wake-up failed")

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._outgoing = asyncio.Queue()
        self._stopping = asyncio.Event()
        self._ready.set()
        try:
            loop.run_until_complete(self._session())
        finally:
            loop.close()
            self._loop = None

    async def _session(self) -> None:
        assert self._stopping is not None
        loop = asyncio.get_running_loop()
        try:
            receiving, sending = open_sockets(self.endpoint)
        except OSError as exc:
            self._post(Offline(f"mesh {self.endpoint.url}: {exc.strerror or exc}"))
            return
        transport, _ = await loop.create_datagram_endpoint(lambda: _Receiver(self), sock=receiving)
        try:
            self._send_datagram(sending, presence_cot(self.sender))
            self.epoch += 1
            self._post(Connected(self.epoch))
            writing = asyncio.create_task(self._write(sending, self.epoch))
            stopping = asyncio.create_task(self._stopping.wait())
            done, _ = await asyncio.wait({writing, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for task in (writing, stopping):
                task.cancel()
            if writing in done and not writing.cancelled() and writing.exception():
                self._post(Offline(f"mesh: {writing.exception()}"))
            else:
                self._post(Offline("disconnected"))
        finally:
            transport.close()
            sending.close()

    async def _write(self, sending: socket.socket, epoch: int) -> None:
        assert self._outgoing is not None
        while True:
            item_epoch, items = await self._outgoing.get()
            if item_epoch != epoch:
                continue
            for count, item in enumerate(items, 1):
                if len(item.data) > MAX_DATAGRAM:
                    # Left in no queue: the record goes again when it next changes.
                    self.too_large += 1
                    log.warning("mesh: a %s CoT of %d bytes is over one datagram; not sent",
                                item.kind, len(item.data))  # fmt: skip
                    continue
                self._send_datagram(sending, item.data)
                if count % PACE_EVERY == 0:
                    await asyncio.sleep(PACE_SECONDS)
            self._post(Sent(epoch, items))

    def _send_datagram(self, sending: socket.socket, data: bytes) -> None:
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if len(self._echoes) == self._echoes.maxlen:
            self._echo_set.discard(self._echoes[0])
        self._echoes.append(digest)
        self._echo_set.add(digest)
        sending.sendto(data, (self.endpoint.group, self.endpoint.port))

    def received(self, data: bytes) -> None:
        """One datagram: one CoT, unless it is our own coming back through the loopback."""
        if hashlib.blake2b(data, digest_size=16).digest() in self._echo_set:
            return
        items, skipped = read_datagram(data)
        if items or skipped:
            self._post(ReceivedCot(items, skipped))


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, worker: MeshWorker) -> None:
        self.worker = worker

    def datagram_received(self, data: bytes, addr) -> None:  # noqa: ANN001 (asyncio's signature)
        try:
            self.worker.received(data)
        except Exception:  # whatever a hostile datagram finds, the mesh stays up
            log.exception("mesh: a datagram could not be read")


def read_datagram(data: bytes) -> tuple[list[Incoming], int]:
    """The CoT in one datagram, with the same size cap and safety as the server link's."""
    stream = CotStream()  # per datagram: no partial event spans two senders' datagrams
    documents = stream.feed(data)
    items: list[Incoming] = []
    skipped = stream.dropped
    for document in documents:
        try:
            item = read_cot(document)
        except CotError as exc:
            log.warning("mesh: a CoT was skipped: %s", exc)
            skipped += 1
            continue
        except Exception:
            log.exception("mesh: a CoT could not be read")
            skipped += 1
            continue
        if item is not None:
            items.append(item)
    return items, skipped


def open_sockets(endpoint: MeshEndpoint) -> tuple[socket.socket, socket.socket]:
    """A socket joined to the group (shared with other mesh apps on this machine)
    and one to send from, its datagrams looped back to this machine's other apps."""
    group, interface = socket.inet_aton(endpoint.group), socket.inet_aton(endpoint.interface)
    receiving = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        receiving.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            receiving.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        # Bound to the group, not to every address: only the group's datagrams arrive.
        receiving.bind((endpoint.group, endpoint.port))
        receiving.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group + interface)
        receiving.setblocking(False)
    except OSError:
        receiving.close()
        raise
    sending = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sending.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, endpoint.ttl)
    sending.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    if endpoint.interface != "0.0.0.0":
        sending.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, interface)
    return receiving, sending
