"""Import generated ACLED rows: rows per second through the whole import
(parse, validate, plan, one transaction, streamed a chunk at a time), against
the floor of raw sqlite3 executemany of the same event rows into the same
schema, measured in this run; and the import's peak memory, measured in a
child process of its own at the size asked and at a fifth of it (streamed, the
two should be about the same).

Run: PYTHONPATH=src python benchmarks/bench_import.py [ROWS]
     (or SITREP_IMPORT_ROWS=1000000; default 100,000)
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import report

from sitrep_desktop.io import pipeline
from sitrep_desktop.services.exchange import import_file
from sitrep_desktop.store import Store
from sitrep_desktop.store.rows import event_to_row

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "location",
    "latitude",
    "longitude",
    "source",
    "notes",
    "fatalities",
)
TYPES = (
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Protests", "Peaceful protest"),
    ("Battles", "Non-state actor overtakes territory"),
    ("Battles", "Government regains territory"),
)


def write_acled(path: Path, rows: int, seed: int = 7) -> None:
    """A synthetic ACLED file: 300 locations, 20 actors, 2% territory changes."""
    rng = random.Random(seed)
    locations = [
        (f"Village {i}", rng.uniform(32.5, 37.0), rng.uniform(35.7, 42.0)) for i in range(300)
    ]
    actors = [f"Armed group {i}" for i in range(20)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            kind = TYPES[rng.randrange(4)] if rng.random() > 0.02 else TYPES[4 + rng.randrange(2)]
            name, lat, lon = rng.choice(locations)
            day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            writer.writerow(
                (
                    f"SYR{n}",
                    day,
                    day[:4],
                    *kind,
                    rng.choice(actors),
                    rng.choice(actors),
                    "Syria",
                    name,
                    f"{lat:.4f}",
                    f"{lon:.4f}",
                    "Local media",
                    f"Generated row {n}.",
                    rng.randint(0, 5),
                )
            )


def import_rows(db: Path, path: Path) -> int:
    """The import as the CLI and the window do it (services.exchange)."""
    with Store.open(db, author="bench") as store:
        result = import_file(store, path, "acled")
    return sum(result.added.values())


def floor_rows(db: Path, path: Path) -> tuple[int, float]:
    """The floor: the same events as rows, inserted with executemany in one
    transaction; only the inserts are timed (read a chunk at a time, so the
    floor's own memory does not cap the size of the run)."""
    count, seconds = 0, 0.0
    with Store.open(db, author="bench") as store:
        store.categories.ensure_defaults()
        with store.transaction() as conn:
            for chunk in pipeline.read_chunks(path, "acled"):
                rows = [event_to_row(e, None) for e in chunk.events]
                columns = list(rows[0])
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({marks})"
                values = [tuple(r.values()) for r in rows]
                start = time.perf_counter()
                conn.executemany(sql, values)
                seconds += time.perf_counter() - start
                count += len(values)
    return count, seconds


def child(db: str, source: str) -> None:
    """In a process of its own: import, then print the figures as JSON."""
    start = time.perf_counter()
    added = import_rows(Path(db), Path(source))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    megabytes = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(json.dumps({"added": added, "seconds": seconds, "peak_mb": megabytes}))


def measured_import(db: Path, source: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:4])
        return
    count = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SITREP_IMPORT_ROWS", 100_000))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "acled.csv"
        write_acled(source, count)
        floor_count, floor_seconds = floor_rows(Path(folder) / "floor.db", source)
        first = measured_import(Path(folder) / "import.db", source)
        again = measured_import(Path(folder) / "import.db", source)
        fifth = Path(folder) / "fifth.csv"
        write_acled(fifth, max(1, count // 5))
        small = measured_import(Path(folder) / "fifth.db", fifth)
    report(
        f"import {count:,} ACLED rows",
        count / first["seconds"],
        "rows/s",
        floor_count / floor_seconds,
        "rows/s (raw executemany)",
    )
    print(
        f"records added: {first['added']}; second import of the same file added "
        f"{again['added']} in {again['seconds']:.1f} s"
    )
    print(f"import peak memory: {first['peak_mb']:.0f} MB", flush=True)
    print(
        f"import peak memory at {max(1, count // 5):,} rows: {small['peak_mb']:.0f} MB "
        f"(streamed: about the same as at {count:,})",
        flush=True,
    )


if __name__ == "__main__":
    main()
