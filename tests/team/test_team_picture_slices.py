"""The whole picture sent on a connect is built a slice at a time when a window
pumps (at a million events, built at once, it held the window for minutes), and
still reaches the server whole: every record once, factions and places first.

The server here is a small TCP relay on 127.0.0.1: each CoT goes to every other
connection, as a TAK server relays it (so the link's check, sent on a second
connection, comes back on the first), and the uids of the records are kept."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

from scale_data import fill_events
from sitrep_desktop.services.demo import build_demo
from sitrep_desktop.services.team import Endpoint, Sender, TeamLink
from sitrep_desktop.services.team.cot_out import outgoing, outgoing_many
from sitrep_desktop.store import Store

SENDER = Sender("uid-slices", "Slices")


class Relay:
    """Relays each CoT to the other connections; records the records' uids."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.uids: list[str] = []
        self.clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = False
        self.threads = [threading.Thread(target=self._serve, daemon=True)]
        self.threads[0].start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            with self._lock:
                self.clients.append(conn)
            self.threads.append(threading.Thread(target=self._client, args=(conn,), daemon=True))
            self.threads[-1].start()

    def _client(self, conn: socket.socket) -> None:
        with conn:
            self._relay(conn)
        with self._lock:
            if conn in self.clients:
                self.clients.remove(conn)

    def _relay(self, conn: socket.socket) -> None:
        buffer = b""
        conn.settimeout(0.2)
        while not self._stop:
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"</event>" in buffer:
                event, buffer = buffer.split(b"</event>", 1)
                event += b"</event>"
                with self._lock:
                    others = [c for c in self.clients if c is not conn]
                for other in others:
                    try:
                        other.sendall(event)
                    except OSError:
                        pass  # gone: its own thread lets it go
                uid = re.search(rb'uid="([^"]+)"', event)
                # A record: not the link's check, nor its presence (its own uid).
                if uid and not uid.group(1).startswith(SENDER.uid.encode()):
                    self.uids.append(uid.group(1).decode())

    def close(self) -> None:
        self._stop = True
        self.listener.close()
        for thread in self.threads:
            thread.join(2)


@pytest.fixture
def relay():
    server = Relay()
    yield server
    server.close()


def pump_until(link: TeamLink, condition, budget: int | None, timeout: float = 30.0) -> list[int]:
    """Pump as a window does (again while the answer is not 0); the answers."""
    answers = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answers.append(link.pump(budget))
        if condition():
            return answers
        if not answers[-1]:
            time.sleep(0.01)
    raise AssertionError(f"not within {timeout} s: {link.status.text()}")


def test_a_window_pumping_gets_the_picture_in_slices_and_the_server_gets_it_whole(relay):
    store = Store.memory()
    build_demo(store)
    fill_events(store, 3_000)
    records = {r.id for repo in (store.factions, store.places, store.control, store.events,
                                 store.annotations) for r in repo.all()}  # fmt: skip
    link = TeamLink(store, Endpoint("127.0.0.1", relay.port), SENDER)
    link.start()
    try:
        said: list[str] = []
        link.status_listeners.append(lambda status: said.append(status.text()))
        pump_until(link, lambda: link.connected, budget=100)
        answers = pump_until(link, lambda: set(relay.uids) >= records, budget=100)
        # Built over several turns of the event loop, saying "more to come" meanwhile.
        assert len(answers) > 3 and all(answers[:-3])
        pump_until(link, lambda: link.pump(100) == 0, budget=100)
        # The status bar says so while it lasts, and stops saying it once it is done.
        assert "Team: connected, sending the whole picture…" in said
        assert link.status.text() == "Team: connected"
    finally:
        link.stop()
    assert sorted(relay.uids) == sorted(records)  # each record once
    kinds = {f.id: 0 for f in store.factions.all()} | {p.id: 1 for p in store.places.all()}
    order = [kinds.get(uid, 2) for uid in relay.uids]
    assert order == sorted(order)  # factions, then places, then what refers to them


def test_without_a_budget_the_picture_goes_in_one_pump(relay):
    """Tests and the command line pump without a budget: the picture goes at once."""
    store = Store.memory()
    build_demo(store)
    records = {r.id for repo in (store.factions, store.places, store.control, store.events,
                                 store.annotations) for r in repo.all()}  # fmt: skip
    link = TeamLink(store, Endpoint("127.0.0.1", relay.port), SENDER)
    link.start()
    try:
        pump_until(link, lambda: link.connected, budget=None)
        assert link.pump() == 0  # nothing left to build
        deadline = time.monotonic() + 10
        while set(relay.uids) < records and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        link.stop()
    assert sorted(relay.uids) == sorted(records)


def _timeless(data: bytes) -> bytes:
    """A CoT without what changes each time it is built: its clock (time, start,
    stale) and a delete message's own uid (new for each message)."""
    data = re.sub(rb' (time|start|stale)="[^"]*"', b"", data)
    if b'type="t-x-d-d"' in data:
        data = re.sub(rb'^(<event version="2.0") uid="[^"]*"', rb"\1", data)
    return data


def test_a_page_of_records_gives_the_cot_each_would_alone_deletes_included():
    store = Store.memory()
    build_demo(store)
    gone = store.events.all()[0]
    store.events.delete(gone.id)
    repositories = {"faction": store.factions, "place": store.places,
                    "control_change": store.control, "event": store.events,
                    "annotation": store.annotations}  # fmt: skip
    for kind, repository in repositories.items():
        ids = [r.id for r in repository.all()] + ([gone.id] if kind == "event" else [])
        page = outgoing_many(store, kind, ids, SENDER)
        alone = [outgoing(store, kind, rid, SENDER) for rid in ids]
        assert [(o.kind, o.record_id, o.stamp) for o in page] == [
            (o.kind, o.record_id, o.stamp) for o in alone
        ]
        assert [_timeless(o.data) for o in page] == [_timeless(o.data) for o in alone]
        if kind == "event":
            assert page[-1].stamp is None and b"t-x-d-d" in page[-1].data  # as its delete
