"""Mesh: CoT over UDP multicast on the loopback, no server; off, the app binds no port."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team.client import Connected, ReceivedCot, Sent
from sitrep_desktop.services.team.cot_out import Sender, outgoing
from sitrep_desktop.services.team.mesh import MeshEndpoint, MeshWorker, read_datagram

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="loopback multicast as on Linux")


def _endpoint() -> MeshEndpoint:
    # A port of its own per test: two test workers must not hear each other.
    return MeshEndpoint(
        group="239.2.3.1", port=random.randint(20_000, 60_000), interface="127.0.0.1"
    )


def _wait(worker: MeshWorker, kind: type, seconds: float = 5.0) -> list[object]:
    seen: list[object] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen += worker.drain()
        if any(isinstance(e, kind) for e in seen):
            return seen
        time.sleep(0.01)
    raise AssertionError(f"no {kind.__name__} within {seconds}s: {seen}")


def test_an_event_sent_on_the_mesh_arrives_whole_at_the_other_laptop(demo_memory_store):
    endpoint = _endpoint()
    a = MeshWorker(endpoint, Sender("uid-a", "alpha"))
    b = MeshWorker(endpoint, Sender("uid-b", "bravo"))
    a.start()
    b.start()
    try:
        _wait(a, Connected)
        _wait(b, Connected)
        event = demo_memory_store.events.all()[0]
        item = outgoing(demo_memory_store, "event", event.id, a.sender)
        a.send(a.epoch, [item])
        assert any(isinstance(e, Sent) for e in _wait(a, Sent))
        received = [e for e in _wait(b, ReceivedCot) if isinstance(e, ReceivedCot)]
        records = [i.record for r in received for i in r.items if i.record is not None]
        assert isinstance(records[0], Event)
        assert records[0] == event
        # Our own datagram, looped back to us, is not taken as news.
        time.sleep(0.2)
        assert not [e for e in a.drain() if isinstance(e, ReceivedCot)]
    finally:
        a.stop()
        b.stop()


def test_hostile_and_oversized_datagrams_are_skipped_and_counted():
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
    assert read_datagram(entity + b'<event uid="x" type="a-f-G">&a;</event>') == ([], 1)
    huge = b"<event uid='x' type='a-f-G' " + b"x" * 2_000_000 + b"/></event>"
    assert read_datagram(huge) == ([], 1)
    assert read_datagram(b"not xml at all") == ([], 0)


def test_an_endpoint_that_is_not_a_multicast_group_is_refused():
    assert MeshEndpoint(group="10.0.0.1").problems()
    assert MeshEndpoint(port=0).problems()
    assert MeshEndpoint().problems() == []


def _bound_ports() -> set[tuple[str, int]]:
    """(protocol, port) of the sockets this process has bound (Linux /proc)."""
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = fd.readlink().name if hasattr(fd, "readlink") else ""
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    bound = set()
    for proto in ("tcp", "udp", "tcp6", "udp6"):
        lines = Path(f"/proc/net/{proto}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            listening = proto.startswith("udp") or state == "0A"
            if inode in inodes and listening and port:
                bound.add((proto, port))
    return bound


def test_with_mesh_off_the_app_binds_no_port_and_on_it_binds_the_group_port(demo_memory_store):
    from sitrep_desktop.services.team import Endpoint, TeamLink

    before = _bound_ports()
    link = TeamLink(demo_memory_store, Endpoint("127.0.0.1", 9), Sender("uid-c", "charlie"))
    link.start()  # a TCP client to a closed port: it retries, it never listens
    try:
        time.sleep(0.3)
        assert _bound_ports() - before == set()
    finally:
        link.stop(sharing_off=True)
    endpoint = _endpoint()
    mesh = MeshWorker(endpoint, Sender("uid-d", "delta"))
    mesh.start()
    try:
        _wait(mesh, Connected)
        assert ("udp", endpoint.port) in _bound_ports() - before
    finally:
        mesh.stop()
    assert ("udp", endpoint.port) not in _bound_ports()
