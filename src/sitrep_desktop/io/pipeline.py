"""The import pipeline: read a file, check it against the database, then apply.

    batch = read_file(path)                  # parse + validate every record
    plan = plan_import(batch, lookup, path)  # references, duplicates, preview counts
    ...show plan.preview(), then the store applies plan.new in one transaction

Reading and planning never write. A problem anywhere raises ImportFileError
listing every problem found (where, field, why), so nothing is half-imported.
The database is reached through `Lookup` (implemented by store.bulk), which
keeps this package free of SQL.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..domain import Event, Faction, Place
from .progress import Progress
from .records import ImportFileError, Problem, RecordBatch

FORMATS = ("geojson", "kml", "csv", "acled", "gpkg", "cot", "datapackage")
_EXTENSIONS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kml",
    ".csv": "csv",
    ".gpkg": "gpkg",
    ".cot": "cot",
    ".xml": "cot",
    ".zip": "datapackage",
}


class Lookup(Protocol):
    """What planning needs to know about the database (read only)."""

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]: ...

    def place_id_named(self, name: str) -> str | None: ...

    def faction_id_named(self, name: str) -> str | None: ...

    def events_by_id(self, ids: Collection[str]) -> dict[str, Event]: ...


def guess_format(path: str | Path) -> str:
    """The format from the extension; a CSV whose header looks like ACLED's is "acled"."""
    suffix = Path(path).suffix.lower()
    fmt = _EXTENSIONS.get(suffix)
    if fmt is None:
        raise ImportFileError(
            str(path),
            [
                Problem(
                    "file name",
                    "format",
                    (
                        f"cannot tell the format from {suffix or 'no extension'!r}; "
                        f"give --format ({', '.join(FORMATS)})"
                    ),
                )
            ],
        )
    if fmt == "csv":
        from . import acled

        if acled.looks_like_acled(Path(path)):
            return "acled"
    return fmt


def read_file(
    path: str | Path,
    fmt: str | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> RecordBatch:
    """Parse and validate every record of a file; ImportFileError lists all problems.

    `progress(done, total)` hears how many of the file's bytes are read; it may
    raise ImportCancelled to stop (see io.progress).
    """
    path = Path(path)
    fmt = fmt or guess_format(path)
    readers = {
        "geojson": ("geojson", "read"),
        "kml": ("kml", "read"),
        "csv": ("csv", "read"),
        "acled": ("acled", "read"),
        "gpkg": ("gpkg", "read"),
        "cot": ("cot", "read"),
        "datapackage": ("cot", "read_datapackage"),
    }
    if fmt not in readers:
        raise ImportFileError(str(path), [Problem("command", "format", f"unknown format {fmt!r}")])
    module_name, function = readers[fmt]
    reader = getattr(importlib.import_module(f"{__package__}.{module_name}"), function)
    if fmt == "csv" and mapping is not None:
        reader = functools.partial(reader, mapping=mapping)
    # CoT and TAK packages are read in one step: their progress is its start and end.
    in_one_step = fmt in ("cot", "datapackage")
    if progress is not None and not in_one_step:
        reader = functools.partial(reader, progress=progress)
    try:
        if progress is None or not in_one_step:
            return reader(path)
        size = path.stat().st_size
        progress(0, size)
        batch = reader(path)
        progress(size, size)
        return batch
    except OSError as exc:
        raise ImportFileError(
            str(path), [Problem("file", "-", f"cannot read: {exc.strerror or exc}")]
        ) from None


@dataclass
class ImportPlan:
    """What applying would do: `new` records to add, counts already in the database."""

    new: RecordBatch
    present: dict[str, int] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    # (stored, revised) events the source changed since they were imported (ACLED).
    updates: list[tuple[Event, Event]] = field(default_factory=list)
    # Stored events the source withdrew (ACLED's deleted-events file).
    deletions: list[Event] = field(default_factory=list)

    def preview(self) -> dict[str, dict[str, int]]:
        """{"new": {kind: n}, "already_present": {kind: n}} for a preview or --dry-run,
        with "updated" and "deleted" when the source revised or withdrew events."""
        new = self.new.counts()
        if self.new.messages:  # chat (TAK GeoChat), stored once each on applying
            new["message"] = len(self.new.messages)
        if self.new.attachments:  # files kept with their records (TAK photos)
            new["attachment"] = len(self.new.attachments)
        preview = {"new": new, "already_present": dict(self.present)}
        if self.updates:
            preview["updated"] = {"event": len(self.updates)}
        if self.deletions:
            preview["deleted"] = {"event": len(self.deletions)}
        return preview


def plan_import(batch: RecordBatch, lookup: Lookup, file: str) -> ImportPlan:
    """Match the batch against the database: skip what is there, check every reference."""
    new = RecordBatch(
        where=batch.where,
        messages=batch.messages,
        repaired=batch.repaired,
        attachments=batch.attachments,
        unattached=batch.unattached,
    )
    present = {kind: 0 for kind in batch.lists()}
    remap: dict[str, str] = {}

    factions_present = lookup.existing_ids("faction", [f.id for f in batch.factions])
    new_faction_names: dict[str, str] = {}
    for faction in batch.factions:
        key = faction.name.casefold()
        existing = None if faction.id in factions_present else lookup.faction_id_named(faction.name)
        if faction.id in factions_present or existing is not None:
            present["faction"] += 1
            if existing is not None:
                remap[faction.id] = existing
        elif key in new_faction_names:
            remap[faction.id] = new_faction_names[key]
        else:
            new_faction_names[key] = faction.id
            new.factions.append(faction)

    places_present = lookup.existing_ids("place", [p.id for p in batch.places])
    for place in batch.places:
        existing = None
        if place.id not in places_present and place.id in batch.match_places_by_name:
            existing = lookup.place_id_named(place.name)
        if place.id in places_present or existing is not None:
            present["place"] += 1
            if existing is not None:
                remap[place.id] = existing
        else:
            new.places.append(place)

    problems: list[Problem] = []
    new_ids = {r.id for r in new.places} | {r.id for r in new.factions}
    for kind, records in (
        ("control_change", batch.control),
        ("event", batch.events),
        ("annotation", batch.annotations),
    ):
        already = lookup.existing_ids(kind, [r.id for r in records])
        target = new.lists()[kind]
        for record in records:
            if record.id in already:
                present[kind] += 1
                continue
            target.append(_remapped(record, remap))
    updates, deletions = _revisions(batch, lookup, present)

    refs = {("place", c.place_id, c.id) for c in new.control}
    refs |= {("faction", c.faction_id, c.id) for c in new.control}
    refs |= {("place", e.place_id, e.id) for e in new.events if e.place_id is not None}
    for kind in ("place", "faction"):
        wanted = {ref for k, ref, _ in refs if k == kind and ref not in new_ids}
        found = lookup.existing_ids(kind, wanted) if wanted else set()
        for k, ref, owner in sorted(refs):
            if k == kind and ref in wanted and ref not in found:
                problems.append(
                    Problem(
                        batch.where.get(owner, owner),
                        f"{kind}_id",
                        f"no {kind} with id {ref} in the file or the database",
                    )
                )
    if problems:
        raise ImportFileError(file, problems)
    categories = sorted({e.category for e in new.events} | {e.category for _, e in updates})
    return ImportPlan(new, present, categories, updates, deletions)


def _revisions(
    batch: RecordBatch, lookup: Lookup, present: dict[str, int]
) -> tuple[list[tuple[Event, Event]], list[Event]]:
    """Events present but revised since (ACLED's newer `timestamp`), and the
    stored events the batch withdraws; revised ones no longer count as present."""
    from .acled import newer_revisions

    stamped = [e for e in batch.events if "timestamp" in e.attributes]
    stored = lookup.events_by_id([e.id for e in stamped]) if stamped else {}
    updates = newer_revisions([e for e in stamped if e.id in stored], stored)
    present["event"] -= len(updates)
    gone = lookup.events_by_id(batch.deletions) if batch.deletions else {}
    return updates, [gone[i] for i in dict.fromkeys(batch.deletions) if i in gone]


def _remapped(record, remap: dict[str, str]):  # type: ignore[no-untyped-def]
    changes = {}
    for name in ("place_id", "faction_id"):
        value = getattr(record, name, None)
        if value is not None and value in remap:
            changes[name] = remap[value]
    return dataclasses.replace(record, **changes) if changes else record


def soft_place(batch: RecordBatch, place: Place, where: str) -> str:
    """Add a place made up from data (matched by name on import); return its id."""
    batch.add(place, where)
    batch.match_places_by_name.add(place.id)
    return place.id


def faction_named(batch: RecordBatch, faction: Faction, where: str) -> str:
    batch.add(faction, where)
    return faction.id
