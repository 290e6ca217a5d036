"""Merge two 100,000-event databases that went apart: 1,000 events edited on the
other laptop, 100 of them also edited here (100 conflicts). Seconds for the whole
`sitrep merge` path (read both sides' versions, compare, one transaction),
against the floor of a raw `INSERT OR IGNORE INTO events SELECT * FROM other.events`
between the same two files (ATTACH), measured in this run; and the peak memory
of the merging process (the files are built in a child process).

Run: PYTHONPATH=src python benchmarks/bench_merge.py [EVENTS]
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import print_peak_memory, report

EDITS, CONFLICTS, REPEAT = 1_000, 100, 3


def build(folder: Path, events: int) -> None:
    """base → ours.db and theirs.db; theirs edits EDITS events, ours CONFLICTS of the same."""
    from sitrep_desktop.domain import Event, Place
    from sitrep_desktop.store import Store
    from sitrep_desktop.store.bulk import insert_records

    rng = random.Random(11)
    base = folder / "base.db"
    with Store.open(base, author="base") as store:
        store.categories.ensure_defaults()
        places = [
            Place(name=f"Village {i}", lat=rng.uniform(32.5, 37.0), lon=rng.uniform(35.7, 42.0))
            for i in range(300)
        ]
        batch = [
            Event(
                id=str(uuid.UUID(int=n + 1)),
                at=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                title=f"Generated event {n}",
                category=rng.choice(("clash", "shelling", "airstrike")),
                place_id=rng.choice(places).id,
            )
            for n in range(events)
        ]
        insert_records(store, {"place": places, "event": batch})
    shutil.copy(base, folder / "ours.db")
    shutil.copy(base, folder / "theirs.db")
    edited = rng.sample(range(1, events + 1), EDITS)
    _edit(folder / "theirs.db", "bob", edited, "edited there")
    _edit(folder / "ours.db", "ana", edited[:CONFLICTS], "edited here")


def _edit(path: Path, author: str, numbers: list[int], text: str) -> None:
    from sitrep_desktop.store import Store

    with Store.open(path, author=author) as store, store.transaction():
        for n in numbers:
            event = store.events.get(str(uuid.UUID(int=n)))
            store.events.update(dataclasses.replace(event, title=f"{event.title} ({text})"))


def merge_seconds(folder: Path) -> tuple[float, dict[str, int]]:
    from sitrep_desktop.services.merge import merge_path
    from sitrep_desktop.store import Store

    times, counts = [], {}
    for n in range(REPEAT):
        work = folder / f"work{n}.db"
        shutil.copy(folder / "ours.db", work)
        with Store.open(work, author="ana") as store:
            start = time.perf_counter()
            counts = merge_path(store, folder / "theirs.db").counts()
            times.append(time.perf_counter() - start)
    return statistics.median(times), counts


def floor_seconds(folder: Path) -> float:
    times = []
    for n in range(REPEAT):
        work = folder / f"floor{n}.db"
        shutil.copy(folder / "ours.db", work)
        conn = sqlite3.connect(work, isolation_level=None)
        conn.execute("PRAGMA synchronous = FULL")
        start = time.perf_counter()
        conn.execute("ATTACH DATABASE ? AS other", (str(folder / "theirs.db"),))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR IGNORE INTO events SELECT * FROM other.events")
        conn.execute("COMMIT")
        times.append(time.perf_counter() - start)
        conn.close()
    return statistics.median(times)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--build"]:
        build(Path(argv[1]), int(argv[2]))
        return
    events = int(argv[0]) if argv else 100_000
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-merge-") as tmp:
        folder = Path(tmp)
        # Built in a child process, so the peak memory below is the merge's own.
        subprocess.run([sys.executable, __file__, "--build", tmp, str(events)], check=True)
        floor = floor_seconds(folder)
        seconds, counts = merge_seconds(folder)
        print(f"merge of {events:,} events, {EDITS:,} edited there, {CONFLICTS} both sides: "
              f"{counts}")  # fmt: skip
        report(f"merge {events:,} events ({EDITS:,} edits, {CONFLICTS} conflicts)", seconds, "s",
               floor)  # fmt: skip
    print_peak_memory("merge")


if __name__ == "__main__":
    main(sys.argv[1:])
