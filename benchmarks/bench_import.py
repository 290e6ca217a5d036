"""Import 100,000 generated ACLED rows: rows per second through the whole import
(parse, validate, plan, one transaction), against the floor of raw sqlite3
executemany of the same event rows into the same schema, measured in this run.

Run: PYTHONPATH=src python benchmarks/bench_import.py [ROWS]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from common import print_peak_memory, report

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


def floor_rows(db: Path, path: Path) -> int:
    """The floor: the same events as rows, inserted with one executemany."""
    batch = pipeline.read_file(path, "acled")
    rows = [event_to_row(e, None) for e in batch.events]
    with Store.open(db, author="bench") as store:
        store.categories.ensure_defaults()
        columns = list(rows[0])
        sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        values = [tuple(r.values()) for r in rows]
        start = time.perf_counter()
        with store.transaction() as conn:
            conn.executemany(sql, values)
        return len(values), time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "acled.csv"
        write_acled(source, count)
        floor_count, floor_seconds = floor_rows(Path(folder) / "floor.db", source)
        start = time.perf_counter()
        added = import_rows(Path(folder) / "import.db", source)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = import_rows(Path(folder) / "import.db", source)
        second = time.perf_counter() - start
    report(
        f"import {count:,} ACLED rows",
        count / seconds,
        "rows/s",
        floor_count / floor_seconds,
        "rows/s (raw executemany)",
    )
    print(f"records added: {added}; second import of the same file added {again} in {second:.1f} s")
    print_peak_memory("import")


if __name__ == "__main__":
    main()
