"""A database file held locked by another program, for the tests that it is named so."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitrep_desktop.store import opening

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect({path!r}, isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
"""


def quick_lock_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The opening check waits 5 s for a lock before it gives up; what is tested is
    what it then says, so the wait is cut to half a second."""
    connect = sqlite3.connect
    monkeypatch.setattr(
        opening.sqlite3, "connect", lambda *a, **k: connect(*a, **{**k, "timeout": 0.5})
    )


@contextlib.contextmanager
def held_locked(path: Path) -> Iterator[None]:
    """`path` held in an exclusive transaction by another process until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLDER.format(path=str(path)))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("\n", timeout=30)
