"""A real TAK server for the team tests (fixtures and helpers): OpenTAKServer on
127.0.0.1, started by packaging/tak_server.sh. Without one the live tests are
skipped with the reason, except under CI (CI=true), where a missing server fails
the run."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitrep_desktop.services.team import Endpoint, Sender, TeamLink
from sitrep_desktop.store import Store

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "tak_server.sh"
SERVER_DIR = Path(os.environ.get("SITREP_TAK_DIR", "/tmp/sitrep-tak"))
HOST, PORT, TLS_PORT = "127.0.0.1", 8088, 8089


def _relays() -> bool:
    result = subprocess.run(
        ["bash", str(SCRIPT), "status"], capture_output=True, timeout=30, check=False
    )
    return result.returncode == 0


def _no_server(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs a TAK server for the team tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tak_server() -> Path:
    """The server's scratch folder (CA, test client certificate), once it relays."""
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            pass
    except OSError:
        _no_server(f"no TAK server on {HOST}:{PORT} (start one: bash packaging/tak_server.sh)")
    if not _relays():
        _no_server(f"the TAK server on {HOST}:{PORT} does not relay CoT between two clients")
    return SERVER_DIR


def unique(name: str) -> str:
    # The server drops every CoT of a second client using a callsign already in use.
    return f"{name}-{uuid.uuid4().hex[:8]}"


class Team:
    """Laptops on one server; `until` pumps every link until a condition holds."""

    def __init__(self) -> None:
        self.links: list[TeamLink] = []

    def join(self, store: Store, name: str, endpoint: Endpoint | None = None) -> TeamLink:
        link = TeamLink(store, endpoint or Endpoint(HOST, PORT), Sender(unique(name), unique(name)))
        link.start()
        self.links.append(link)
        return link

    def leave(self, link: TeamLink) -> None:
        link.stop()
        self.links.remove(link)

    def until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for link in self.links:
                link.pump()
            if condition():
                return
            time.sleep(0.02)
        states = "; ".join(f"{link.sender.callsign}: {link.status.text()}" for link in self.links)
        raise AssertionError(f"not within {timeout} s ({states})")

    def connected(self, *links: TeamLink) -> None:
        # Generous: on a loaded machine a link may need a second try (client.py's
        # return-path check) before the server relays to it.
        self.until(lambda: all(link.connected for link in links), timeout=30)

    def settle(self, seconds: float = 0.5) -> None:
        """Pump for a while: whatever else was going to arrive has arrived."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for link in self.links:
                link.pump()
            time.sleep(0.02)


LOCK_WAIT_SECONDS = 180


@contextlib.contextmanager
def server_lock(exclusive: bool) -> Iterator[None]:
    """Shared while a test uses the server; exclusive while one stops and restarts it.

    The server is one for the whole machine: every worktree's test runs use it,
    and a test that stops its listeners cut the links of tests running beside it
    (elsewhere too), which failed them. A file lock beside the server's files
    keeps that test apart; the others run together.
    """
    path = SERVER_DIR / "tests.lock"
    try:
        handle = open(path, "a+")  # held until the test ends
    except OSError:
        yield  # no server folder we may write: nothing to share with
        return
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    try:
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break  # a holder that never lets go must not hang the suite
                time.sleep(0.1)
        yield
    finally:
        handle.close()  # releases the lock


def _team(exclusive: bool) -> Iterator[Team]:
    with server_lock(exclusive):
        team = Team()
        yield team
        for link in list(team.links):
            team.leave(link)


@pytest.fixture
def team(tak_server: Path) -> Iterator[Team]:
    yield from _team(exclusive=False)


@pytest.fixture
def team_alone(tak_server: Path) -> Iterator[Team]:
    """A team on the server with no other test using it (it stops the server)."""
    yield from _team(exclusive=True)


@pytest.fixture(scope="module")
def pair(tak_server: Path) -> Iterator[tuple[Team, Store, TeamLink, Store, TeamLink]]:
    """Alpha and bravo connected once for a module's tests that only add, edit and
    delete their own records (connecting costs ~1 s a laptop). Each test waits
    for both to be connected (a test before may have cut the server)."""
    team = Team()
    alpha, bravo = laptop(author="alpha"), laptop(author="bravo")
    a, b = team.join(alpha, "alpha"), team.join(bravo, "bravo")
    yield team, alpha, a, bravo, b
    for link in list(team.links):
        team.leave(link)


def laptop(path: Path | None = None, author: str = "analyst") -> Store:
    store = Store.open(path, author=author) if path else Store.memory(author=author)
    store.categories.ensure_defaults()
    return store
