"""Mesh (UDP multicast 239.2.3.1:6969, ATAK's mesh SA): off by default and then no
port is listened on; on, two laptops exchange a new event, an edit and a delete
through the group, by the same reading and merge as through a server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team import Endpoint, Sender, TeamLink
from sitrep_desktop.services.team.cot_out import outgoing, presence_cot
from sitrep_desktop.services.team.mesh import MeshWorker
from sitrep_desktop.services.team.settings import TeamSettings
from sitrep_desktop.store import Store

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ME, OTHER = Sender("SITREP-me", "Me"), Sender("SITREP-other", "Other")

# Multicast only on the loopback of a network namespace made for the test:
# ip link set lo up/multicast on, and a route for 239.0.0.0/8 through it.
NAMESPACE_SETUP = (
    "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo"
)


def listening_here() -> set[str]:
    """This process's listening TCP and bound UDP sockets."""
    out = subprocess.run(["ss", "-ltunpaH"], capture_output=True, text=True, check=True).stdout
    return {
        f"{line.split()[0]} {line.split()[4]}"
        for line in out.splitlines()
        if f"pid={os.getpid()}," in line and ("LISTEN" in line or "UNCONN" in line)
    }


def test_mesh_is_off_by_default_and_a_link_without_it_listens_on_no_port():
    if shutil.which("ss") is None:
        pytest.skip("needs the ss command to list sockets")
    assert TeamSettings().mesh is False
    before = listening_here()
    store = Store.memory()
    link = TeamLink(store, Endpoint("127.0.0.1", 9), ME)  # mesh off: no MeshWorker
    link.start()
    try:
        assert link.mesh is None
        assert listening_here() - before == set()
    finally:
        link.stop()


def test_a_datagram_is_read_as_a_cot_from_the_server_is():
    store = Store.memory(author="other")
    store.categories.ensure_defaults()
    event = store.events.add(Event(at="2024-12-05", title="Over the mesh", category="other"))
    mesh = MeshWorker(ME)
    theirs = mesh._read(outgoing(store, "event", event.id, OTHER).data)
    assert theirs is not None and theirs.items[0].record == event
    assert mesh._read(outgoing(store, "event", event.id, ME).data) is None  # our own, back
    assert mesh._read(presence_cot(OTHER)) is None or not mesh._read(presence_cot(OTHER)).items
    assert mesh._read(b"\xbf\x01\xbf" + b"protobuf").skipped == 1  # TAK protobuf: not read
    assert mesh._read(b"<event><broken").skipped == 1  # malformed: logged, skipped
    assert mesh._read(b'<!DOCTYPE x [<!ENTITY a "b">]><event/>').skipped == 1  # no entities


def test_two_laptops_share_through_the_mesh_in_a_namespace_of_their_own():
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs unshare and ip to make a network namespace")
    probe = subprocess.run(
        ["unshare", "-rn", "sh", "-c", NAMESPACE_SETUP], capture_output=True, text=True
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.strip()}")
    command = f"{NAMESPACE_SETUP} && exec {sys.executable} {HERE / 'mesh_in_namespace.py'}"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        ["unshare", "-rn", "sh", "-c", command], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "new": True,
        "same": True,
        "edit": True,
        "delete": True,
        "sender": "bravo",
        "conflicts": 0,
    }
