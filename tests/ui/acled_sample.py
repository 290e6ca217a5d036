"""A small ACLED-shaped CSV for the window's import tests."""

from __future__ import annotations

import csv
from pathlib import Path


def write_acled(path: Path, rows: int) -> Path:
    """Every 50th row a town changing hands (10 towns, 4 groups); the rest clashes."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1")
            + ("location", "latitude", "longitude", "notes")
        )
        for n in range(rows):
            sub_event = "Non-state actor overtakes territory" if n % 50 == 0 else "Armed clash"
            writer.writerow(
                (f"SYR{n}", f"2024-12-{n % 28 + 1:02d}", "Battles", sub_event)
                + (f"Armed group {n // 50 % 4}", f"Village {n // 50 % 10}", "34.93", "36.73")
                + (f"Generated row {n}.",)
            )
    return path
