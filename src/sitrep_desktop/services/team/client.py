"""The connection to a TAK server: asyncio in a thread of its own, through pytak.

The worker owns the socket and nothing else: it never touches the database
(a SQLite connection belongs to the thread that opened it). The main thread
hands it CoT to send (`send`) and reads what happened (`drain`): connected,
sent, received, offline. A connection has an epoch; CoT handed over for an
older epoch is dropped, because the main thread sends its outbox and the whole
picture again on every connect (the server replays nothing).

Traps of the server (shared/TAK-SERVERS.md): CoT sent in the first ~30 ms of a
connection is never relayed back to it, so the worker waits before its first
send; the first CoT with a <contact> names the client, so it is our presence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import ssl
import threading
import warnings
from collections.abc import Callable
from configparser import ConfigParser
from dataclasses import dataclass, field

with warnings.catch_warnings():
    # pytak warns at import that aiohttp (for its WebSocket and enrolment
    # clients, which we do not use) is missing.
    warnings.simplefilter("ignore", UserWarning)
    import pytak
    from pytak.client_functions import get_ssl_ctx, get_tls_config

from .cot_in import CotError, CotStream, Incoming, read_cot
from .cot_out import Outgoing, Sender, check_cot, is_check, presence_cot

log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.5  # after connecting, before the first CoT (see the module docstring)
RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)
CHECK_SECONDS = 8.0  # for our check CoT to come back (see _check_return_path)


@dataclass(frozen=True)
class Endpoint:
    """Where and how to connect. Secrets (the key's password) are passed in, never stored here."""

    host: str = "127.0.0.1"
    port: int = 8088
    tls: bool = False
    cert_file: str = ""  # PEM certificate, or a .p12 holding certificate and key
    key_file: str = ""  # PEM key (not needed with .p12)
    ca_file: str = ""  # the server's CA: TLS is verified against it
    server_name: str = ""  # the name in the server's certificate, if not the host
    password: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        return f"{'tls' if self.tls else 'tcp'}://{self.host}:{self.port}"


# What the worker tells the main thread, in order.
@dataclass(frozen=True)
class Connected:
    epoch: int


@dataclass(frozen=True)
class Sent:
    epoch: int
    items: list[Outgoing]


@dataclass(frozen=True)
class ReceivedCot:
    items: list[Incoming]
    skipped: int = 0


@dataclass(frozen=True)
class Offline:
    reason: str


def pytak_config(endpoint: Endpoint) -> ConfigParser:
    values = {"COT_URL": endpoint.url}
    if endpoint.tls:
        values["PYTAK_TLS_CLIENT_CERT"] = endpoint.cert_file
        if endpoint.key_file:
            values["PYTAK_TLS_CLIENT_KEY"] = endpoint.key_file
        if endpoint.ca_file:
            values["PYTAK_TLS_CLIENT_CAFILE"] = endpoint.ca_file
        if endpoint.password:
            values["PYTAK_TLS_CLIENT_PASSWORD"] = endpoint.password
        if endpoint.server_name:
            values["PYTAK_TLS_SERVER_EXPECTED_HOSTNAME"] = endpoint.server_name
    config = ConfigParser(interpolation=None)
    config["sitrep"] = values
    return config


class TeamWorker:
    """One server connection, kept up until `stop()`."""

    def __init__(self, endpoint: Endpoint, sender: Sender) -> None:
        self.endpoint = endpoint
        self.sender = sender
        self._events: queue.Queue[object] = queue.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outgoing: asyncio.Queue[tuple[int, list[Outgoing]]] | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.epoch = 0
        self._checked = asyncio.Event()
        self.on_event = lambda: None  # called on the worker thread after each event is queued

    # -- the main thread's side ------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="team-link", daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def stop(self, timeout: float = 5.0) -> None:
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
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
        """What happened since the last call, oldest first."""
        return drain_queue(self._events)

    # -- the worker thread -----------------------------------------------------------
    def _post(self, event: object) -> None:
        post_event(self._events, event, self.on_event)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._outgoing = asyncio.Queue()
        self._stopping = asyncio.Event()
        self._ready.set()
        try:
            loop.run_until_complete(self._supervise())
        finally:
            loop.close()
            self._loop = None

    async def _supervise(self) -> None:
        assert self._stopping is not None
        failures = 0
        while not self._stopping.is_set():
            try:
                reader, writer = await asyncio.wait_for(self._connect(), 10)
            except Exception as exc:  # refused, TLS refused, bad certificate, timeout
                self._post(Offline(_reason(exc)))
                failures += 1
                await self._pause(RETRY_SECONDS[min(failures, len(RETRY_SECONDS)) - 1])
                continue
            try:
                await self._session(reader, writer)
                failures = 0
            except Exception as exc:
                self._post(Offline(_reason(exc)))
                failures += 1
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 2)
            if not self._stopping.is_set():
                await self._pause(RETRY_SECONDS[min(failures, len(RETRY_SECONDS)) - 1])

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        config = pytak_config(self.endpoint)["sitrep"]
        if not self.endpoint.tls:
            return await pytak.protocol_factory(config)
        # pytak's TLS context (PEM or .p12, verified against the CA) sets
        # OP_NO_TLSv1*, which Python 3.10+ reports as deprecated on every connect.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context = get_ssl_ctx(get_tls_config(config))
        return await asyncio.open_connection(
            self.endpoint.host,
            self.endpoint.port,
            ssl=context,
            server_hostname=self.endpoint.server_name or self.endpoint.host,
        )

    async def _pause(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._stopping is not None
        await asyncio.sleep(SETTLE_SECONDS)
        writer.write(presence_cot(self.sender))
        await writer.drain()
        self._checked = asyncio.Event()
        reading = asyncio.create_task(self._read(reader))
        try:
            await self._check_return_path()
        except BaseException:
            reading.cancel()
            raise
        self.epoch += 1
        epoch = self.epoch
        self._post(Connected(epoch))
        tasks = [
            reading,
            asyncio.create_task(self._write(writer, epoch)),
            asyncio.create_task(self._stopping.wait()),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        if not self._stopping.is_set():
            raise ConnectionError("the server closed the connection")
        self._post(Offline("disconnected"))

    async def _check_return_path(self) -> None:
        """A CoT sent on a second connection must come back on this one.

        OpenTAKServer gives a connection its queue only if the channel to its
        broker was open when the client's first CoT arrived; otherwise the
        connection stays up and receives nothing, ever. Under load that takes
        longer than any fixed pause, so the link checks, and reconnects if not.
        """
        reader, writer = await asyncio.wait_for(self._connect(), 10)
        try:
            # No pause here: a CoT that arrives before the broker channel opens is
            # kept and sent when it opens; only receiving needs the channel first.
            writer.write(check_cot(self.sender))
            await writer.drain()
            await asyncio.wait_for(self._checked.wait(), CHECK_SECONDS)
        except TimeoutError:
            raise ConnectionError("the server does not relay to this connection") from None
        finally:
            # Awaited: a TLS transport closes over a few loop turns, and one left
            # closing when the link stops and its loop closes leaks its socket.
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)

    async def _write(self, writer: asyncio.StreamWriter, epoch: int) -> None:
        assert self._outgoing is not None
        while True:
            item_epoch, items = await self._outgoing.get()
            if item_epoch != epoch:
                continue  # for a connection that is gone: the outbox still has them
            for item in items:
                writer.write(item.data)
            await writer.drain()
            self._post(Sent(epoch, items))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        stream = CotStream()
        while True:
            data = await reader.read(65536)
            if not data:
                return
            dropped = stream.dropped
            items, skipped = [], 0
            for document in stream.feed(data):
                if not self._checked.is_set() and is_check(document, self.sender):
                    self._checked.set()
                    continue
                try:
                    item = read_cot(document)
                except CotError as exc:
                    log.warning("team link: a CoT from the server was skipped: %s", exc)
                    skipped += 1
                    continue
                except Exception:  # whatever a hostile CoT finds, the link stays up
                    log.exception("team link: a CoT from the server could not be read")
                    skipped += 1
                    continue
                if item is not None:
                    items.append(item)
            if stream.dropped > dropped:
                log.warning("team link: %d CoT over the size cap skipped", stream.dropped - dropped)
                skipped += stream.dropped - dropped
            if items or skipped:
                self._post(ReceivedCot(items, skipped))


def post_event(events: queue.Queue[object], event: object, wake: Callable[[], None]) -> None:
    """Queue a worker's news for the main thread and wake it (on the worker's thread)."""
    events.put(event)
    try:
        wake()
    except Exception:  # a broken wake-up must not end the connection
        log.exception("team link: wake-up failed")


def drain_queue(events: queue.Queue[object]) -> list[object]:
    """Everything a worker has queued for the main thread, oldest first."""
    found = []
    while True:
        try:
            found.append(events.get_nowait())
        except queue.Empty:
            return found


def _reason(exc: BaseException) -> str:
    """The error in words for the status bar (no secrets: paths and hosts only)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate could not be verified ({exc.verify_message})"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection (is it running, is the port right?)"
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return "no answer from the server"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
