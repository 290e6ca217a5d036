"""A streamed import of a revised ACLED export keeps, for undo, only the fields each
revision changed (commands.revision_undo), and undo restores every event exactly."""

from __future__ import annotations

import csv
from dataclasses import fields
from pathlib import Path

from sitrep_desktop.commands.revision_undo import FieldsBefore
from sitrep_desktop.io.acled import acled_id
from sitrep_desktop.services.exchange import import_streamed
from sitrep_desktop.store import Store

COLUMNS = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
           "location", "latitude", "longitude", "notes", "fatalities", "timestamp")  # fmt: skip
STAMPS = ("created", "updated", "author")


def write(path: Path, revised: set[int], stamp: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(40):
            notes, dead, when = f"Clash {n}.", "1", 1_733_500_000
            if n in revised:
                notes, dead, when = f"Clash {n}; corrected.", "4", stamp
            writer.writerow((f"SYR{n}", f"2024-03-{n % 28 + 1:02d}", "Battles", "Armed clash",
                             "Group A", "Group B", f"Village {n % 5}", "35.1", "36.7", notes, dead,
                             when))  # fmt: skip
    return path


def content(store: Store) -> dict[str, dict]:
    """Every event's fields but the edit stamps (undo saves as an edit does)."""
    return {
        event.id: {f.name: getattr(event, f.name) for f in fields(event) if f.name not in STAMPS}
        for event in store.events.all()
    }


def test_undo_of_a_revised_export_restores_every_event_from_the_changed_fields(tmp_path):
    store = Store.memory()
    import_streamed(store, write(tmp_path / "week1.csv", set(), 1_733_500_100), "acled",
                    chunk_rows=7)  # fmt: skip
    before = content(store)
    revised = {2, 9, 10, 33}
    result = import_streamed(store, write(tmp_path / "week2.csv", revised, 1_733_600_000),
                             "acled", chunk_rows=7)  # fmt: skip
    assert result.plan.updated == {"event": len(revised)}
    kept = [old for old, _new in result.plan.updates]
    # Only what the revision changed is held: the notes (description), fatalities and
    # ACLED's timestamp (attributes); not the title, place, time or position.
    assert all(isinstance(k, FieldsBefore) for k in kept)
    assert {k.id for k in kept} == {acled_id(f"SYR{n}") for n in revised}
    assert all(set(k.fields) == {"description", "attributes"} for k in kept)
    strike = store.events.get(acled_id("SYR9"))
    assert strike.description.startswith("Clash 9; corrected.")
    result.command.undo(store)
    assert content(store) == before
