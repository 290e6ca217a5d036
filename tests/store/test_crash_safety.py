"""A laptop that loses power mid-write: kill the writer with SIGKILL and reopen the file.

The child process reports on stdout only after a transaction has committed;
whatever it reported must be in the file after the kill, and the file must pass
SQLite's integrity check.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
ROUNDS = 5

SRC = str(Path(__file__).resolve().parents[2] / "src")

# A long import: batches of a few hundred events, each batch one transaction.
IMPORT_CHILD = """
import sys
from sitrep_desktop.domain import Event
from sitrep_desktop.store import Store

store = Store.open(sys.argv[1], author="importer")
round_ = sys.argv[2]
batch = 0
while True:
    events = [
        Event(at=f"2024-12-{1 + i % 9:02d}T{i % 24:02d}:00Z",
              title=f"Shelling {round_}/{batch}/{i}", category="shelling",
              geometry=f"POINT ({36 + i / 1000} {35 + batch / 10000})",
              description="Reported by local sources " * 4)
        for i in range(300)
    ]
    store.events.add_many(events)
    print("committed", " ".join(e.id for e in events), flush=True)
    batch += 1
"""

# GUI-like editing: one small transaction per edit, as the window makes them.
EDIT_CHILD = """
import dataclasses, sys
from sitrep_desktop.domain import Event
from sitrep_desktop.store import Store

store = Store.open(sys.argv[1], author="analyst")
places = store.places.all()
previous = None
i = 0
while True:
    event = store.events.add(Event(at="2024-12-05", title=f"Edit {sys.argv[2]}/{i}"))
    print("add", event.id, flush=True)
    place = store.places.get(places[i % len(places)].id)
    saved = store.places.update(dataclasses.replace(place, notes=f"edit {i}"))
    print("update", saved.id, saved.updated, flush=True)
    if previous is not None and i % 3 == 0:
        print("deleting", previous, flush=True)
        store.events.delete(previous)
        print("deleted", previous, flush=True)
    previous = event.id
    i += 1
"""


def run_and_kill(script: str, db: Path, round_: int, min_reports: int) -> list[list[str]]:
    """Start the child, wait for `min_reports` commits, SIGKILL it at a random moment."""
    env = {**os.environ, "PYTHONPATH": SRC}
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(db), str(round_)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    reports: list[list[str]] = []
    deadline = time.monotonic() + 60
    try:
        assert child.stdout is not None
        while len(reports) < min_reports:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"child stopped early: {child.stderr.read() if child.stderr else ''}")
            reports.append(line.split())
            assert time.monotonic() < deadline, "child too slow"
        time.sleep(random.uniform(0.0, 0.05))  # land somewhere inside the next writes
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        # Reported before the kill; a line the kill cut short was never fully reported.
        reports.extend(line.split() for line in child.stdout if line.endswith("\n"))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    assert child.returncode == -signal.SIGKILL
    return reports


def test_killing_a_long_import_loses_no_committed_batch(tmp_path: Path) -> None:
    db = write_demo(tmp_path / "import.db")
    committed: list[str] = []
    for round_ in range(ROUNDS):
        reports = run_and_kill(IMPORT_CHILD, db, round_, min_reports=random.randint(2, 5))
        committed += [i for words in reports if words[0] == "committed" for i in words[1:]]
        with Store.open(db) as store:
            assert store.integrity_ok()
            found = {e.id for e in store.events.many(committed)}
            assert found == set(committed)
            # Only whole batches: a killed transaction leaves nothing behind.
            imported = store.conn.execute(
                "SELECT count(*) FROM events WHERE author = 'importer'"
            ).fetchone()[0]
            assert imported % 300 == 0 and imported >= len(committed)
    assert len(committed) >= ROUNDS * 2 * 300


def test_killing_the_app_during_small_edits_keeps_every_saved_edit(tmp_path: Path) -> None:
    db = write_demo(tmp_path / "edits.db")
    added: set[str] = set()
    deleted: set[str] = set()
    maybe_deleted: set[str] = set()
    last_update: dict[str, str] = {}
    for round_ in range(ROUNDS):
        reports = run_and_kill(EDIT_CHILD, db, round_, min_reports=random.randint(30, 90))
        for words in reports:
            action, record_id = words[0], words[1]
            if action == "add":
                added.add(record_id)
            elif action == "update":
                last_update[record_id] = max(last_update.get(record_id, ""), words[2])
            elif action == "deleting":
                maybe_deleted.add(record_id)
            elif action == "deleted":
                deleted.add(record_id)
        with Store.open(db) as store:
            assert store.integrity_ok()
            present = {e.id for e in store.events.many(sorted(added))}
            assert added - deleted - maybe_deleted <= present
            assert not present & deleted
            for place_id, stamp in last_update.items():
                assert store.places.get(place_id).updated >= stamp
    assert len(added) >= ROUNDS * 10
