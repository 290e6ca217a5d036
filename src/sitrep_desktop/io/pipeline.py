"""The import pipeline: read a file, check it against the database, then apply.

    batch = read_file(path, keep_going=True)  # parse + validate every record
    plan = plan_import(batch, lookup, path, keep_going=True)  # references, duplicates
    ...show plan.preview(), then the store applies plan.new in one transaction

A row format (ACLED, CSV) may instead be read a chunk at a time (`read_chunks`)
and each chunk planned after the ones before it (`plan_import(..., carried=)`):
services/import_stream does so for files of any size.

Reading and planning never write. Which reader reads a file comes from the
format table (io/formats.py) and, where a suffix is shared, from the content
(a CSV with ACLED's header; a zip with a TAK manifest or .cot entries, else a
zipped Shapefile or GeoPackage; our own GeoPackage, else another program's).

Strict (the default) a problem anywhere raises ImportFileError listing every
problem found (where, field, why). With `keep_going` a problem in one entry
only leaves that entry out, listed in `skipped` with why; whether the rest may
be imported is the caller's policy (services/exchange). The database is reached
through `Lookup` (implemented by store.bulk), which keeps this package free of SQL.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..domain import Event, Faction, Place
from ..domain.times import implausible_year
from . import formats, limits
from .progress import Progress
from .records import (
    ZIP_READ_ERRORS,
    ImportFileError,
    Problem,
    RecordBatch,
    feature_text,
    record_fields,
)

FORMATS = tuple(formats.readable())


class Lookup(Protocol):
    """What planning needs to know about the database (read only)."""

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]: ...

    def place_id_named(self, name: str) -> str | None: ...

    def faction_id_named(self, name: str) -> str | None: ...

    def events_by_id(self, ids: Collection[str]) -> dict[str, Event]: ...


def guess_format(path: str | Path) -> str:
    """The format from the extension and, where several share it, the content."""
    path = Path(path)
    suffix = path.suffix.lower()
    fmt = formats.by_suffix(path)
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
    if fmt.name == "csv":
        from . import acled

        if acled.looks_like_acled(path):
            return "acled"
    if fmt.name == "datapackage" and _zipped_gis_data(path):
        return "gis"
    if fmt.name == "gpkg" and not _our_geopackage(path):
        return "gis"
    if fmt.name == "geojson" and _declares_projected_crs(path):
        return "gis"
    return fmt.name


# What a GeoJSON "crs" member names when it means lon/lat (RFC 7946 drops the member).
_LON_LAT_CRS = re.compile(r"CRS84|EPSG::?4326\b|EPSG:4326\b")
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{[^{}]*\{[^{}]*\}[^{}]*\}')
_HEAD = 65_536


def _declares_projected_crs(path: Path) -> bool:
    """A GeoJSON with a pre-RFC 7946 "crs" member naming another CRS (older QGIS
    and GDAL write one, e.g. EPSG:27700): read through GDAL, which reprojects.
    The member comes before the features, so the head of the file says."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return False  # the GeoJSON reader says why
    member = _CRS_MEMBER.search(head)
    if member is None:
        return False
    return _LON_LAT_CRS.search(member.group().decode("utf-8", "replace")) is None


def _zipped_gis_data(path: Path) -> bool:
    """A zip is a TAK data package only with a manifest or .cot entries; one
    holding a Shapefile or GeoPackage is GIS data (what QGIS users send)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n.lower() for n in archive.namelist()]
    except ZIP_READ_ERRORS:
        return False  # not a zip at all: the data package reader says so
    if any(n.endswith((".cot", "manifest.xml")) for n in names):
        return False
    return any(n.endswith((".shp", ".gpkg", ".fgb", ".gpx")) for n in names)


def _our_geopackage(path: Path) -> bool:
    """Written by us (or ours re-saved): our layers, the factions table among
    them (we write every layer, even empty; "places" alone is a common name)."""
    from . import gpkg, ogr_records

    try:
        layers = set(ogr_records.layer_names(path, tables=True))
    except ImportFileError:
        return True  # unreadable: the GeoPackage reader says why
    return set(gpkg.LAYERS) <= layers


def read_file(
    path: str | Path,
    fmt: str | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    layer: str | None = None,
    keep_going: bool = False,
) -> RecordBatch:
    """Parse and validate every record of a file.

    Strict, ImportFileError lists all problems. With `keep_going`, entries with
    a problem are left out and listed in `batch.skipped`; ImportFileError then
    means the file as a whole cannot be read. `progress(done, total)` hears how
    many of the file's bytes are read; it may raise ImportCancelled to stop (see
    io.progress). `layer` picks one layer of a GIS file (default: every layer).
    """
    path = Path(path)
    name = fmt or guess_format(path)
    spec = formats.FORMATS.get(name)
    if spec is None or spec.reader is None:
        raise ImportFileError(str(path), [Problem("command", "format", f"unknown format {name!r}")])
    reader = spec.read_function()
    if spec.mapped and mapping is not None:
        reader = functools.partial(reader, mapping=mapping)
    if layer is not None:
        if name != "gis":
            raise ImportFileError(
                str(path), [Problem("command", "layer", f"a {spec.title} file has no layers")]
            )
        reader = functools.partial(reader, layer=layer)
    # A CoT file is read in one step: their progress is its start and end.
    if progress is not None and spec.streams:
        reader = functools.partial(reader, progress=progress)
    try:
        if name in ("geojson", "kml", "cot"):  # parsed whole: its size is its memory
            limits.check_document_size(str(path), path.stat().st_size, name)
        if progress is None or spec.streams:
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
    except ImportFileError as exc:
        if not keep_going or exc.batch is None:
            raise
        exc.batch.skipped.extend(exc.problems)
        return exc.batch


# Row formats, the ones that reach 10^6 rows: read, planned and applied a chunk at a time.
STREAMED = frozenset({"acled", "csv"})
CHUNK_ROWS = 20_000


def read_chunks(
    path: str | Path,
    fmt: str,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    size: int = CHUNK_ROWS,
) -> Iterator[RecordBatch]:
    """A row format's entries a batch of `size` rows at a time, each row with a
    problem in its batch's `skipped` (as read_file with `keep_going`).

    Raises ImportFileError (as it reads) when the file as a whole cannot be read.
    """
    from . import acled, csv

    path = Path(path)
    try:
        if fmt == "acled":
            yield from acled.read_chunks(path, size=size, progress=progress)
        elif fmt == "csv":
            yield from csv.read_chunks(path, size=size, mapping=mapping, progress=progress)
        else:
            raise ValueError(f"{fmt} is not read in chunks (only {', '.join(sorted(STREAMED))})")
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
    # Entries taken with a repair, and entries left out (with why): the file's
    # own and those whose references lead nowhere.
    repaired: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    # (stored, revised) events the source changed since they were imported (ACLED).
    updates: list[tuple[Event, Event]] = field(default_factory=list)
    # Stored events the source withdrew (ACLED's deleted-events file).
    deletions: list[Event] = field(default_factory=list)
    # Imported all the same, but worth a look: "year 0999 — typo?".
    warnings: list[Problem] = field(default_factory=list)
    # A streamed import (io.pipeline.read_chunks) keeps no records, only how
    # many of each kind are new, and lists at most MAX_LISTED problems of each
    # sort, counting them all.
    new_counts: dict[str, int] | None = None
    skipped_total: int | None = None
    repaired_total: int | None = None

    @property
    def new_count(self) -> int:
        """How many new records (of every kind) applying adds."""
        return len(self.new) if self.new_counts is None else sum(self.new_counts.values())

    @property
    def skipped_count(self) -> int:
        return len(self.skipped) if self.skipped_total is None else self.skipped_total

    @property
    def repaired_count(self) -> int:
        return len(self.repaired) if self.repaired_total is None else self.repaired_total

    @property
    def updated(self) -> dict[str, int]:
        """Records already present that the file revises, by kind."""
        return {"event": len(self.updates)} if self.updates else {}

    def preview(self) -> dict:
        """{"new": {kind: n}, "already_present": {kind: n}} for a preview or --dry-run,
        with "updated" and "deleted" when the source revised or withdrew events, and
        "warnings" (where, field, reason) when there are any."""
        new = self.new.counts() if self.new_counts is None else dict(self.new_counts)
        if self.new.messages:  # chat (TAK GeoChat), stored once each on applying
            new["message"] = len(self.new.messages)
        if self.new.attachments:  # files kept with their records (TAK photos)
            new["attachment"] = len(self.new.attachments)
        preview: dict = {"new": new, "already_present": dict(self.present)}
        if self.updates:
            preview["updated"] = self.updated
        if self.deletions:
            preview["deleted"] = {"event": len(self.deletions)}
        if self.warnings:
            preview["warnings"] = [w.as_json() for w in self.warnings]
        return preview


@dataclass
class Carried:
    """What planning one chunk of a streamed file hands to the next: the places
    and factions matched or added so far, so a later chunk plans exactly as if
    the file were one batch. Grows with the distinct places and factions, not
    with the rows."""

    remap: dict[str, str] = field(default_factory=dict)
    faction_names: dict[str, str] = field(default_factory=dict)
    new_ids: set[str] = field(default_factory=set)


def plan_import(
    batch: RecordBatch,
    lookup: Lookup,
    file: str,
    *,
    keep_going: bool = False,
    carried: Carried | None = None,
) -> ImportPlan:
    """Match the batch against the database: skip what is there, check every reference.

    Strict, a reference to a record neither in the file nor in the database
    raises ImportFileError; with `keep_going` that record is left out and listed.
    `carried` plans a chunk of a streamed file after the chunks before it
    (whose records the caller has already dropped from `batch`).
    """
    carried = carried if carried is not None else Carried()
    new = RecordBatch(
        where=batch.where,
        messages=batch.messages,
        attachments=batch.attachments,
        unattached=batch.unattached,
    )
    present = {kind: 0 for kind in batch.lists()}
    remap = carried.remap

    factions_present = lookup.existing_ids("faction", [f.id for f in batch.factions])
    new_faction_names = carried.faction_names
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
    carried.new_ids |= {r.id for r in new.places} | {r.id for r in new.factions}
    new_ids = carried.new_ids
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
    dangling: set[str] = set()  # records whose reference leads nowhere
    owners = {r.id: r for r in (*new.control, *new.events)}
    for kind in ("place", "faction"):
        wanted = {ref for k, ref, _ in refs if k == kind and ref not in new_ids}
        found = lookup.existing_ids(kind, wanted) if wanted else set()
        for k, ref, owner in sorted(refs):
            if k == kind and ref in wanted and ref not in found:
                dangling.add(owner)
                problems.append(
                    Problem(
                        batch.where.get(owner, owner),
                        f"{kind}_id",
                        f"no {kind} with id {ref} in the file or the database",
                        feature_text(record_fields(owners[owner])),
                    )
                )
    if problems and not keep_going:
        raise ImportFileError(file, problems)
    if dangling:
        new.control[:] = [c for c in new.control if c.id not in dangling]
        new.events[:] = [e for e in new.events if e.id not in dangling]
    categories = sorted({e.category for e in new.events} | {e.category for _, e in updates})
    skipped = [*batch.skipped, *problems]
    return ImportPlan(
        new,
        present,
        categories,
        list(batch.repaired),
        skipped,
        updates,
        deletions,
        warnings=_year_warnings(new),
    )


def _year_warnings(batch: RecordBatch) -> list[Problem]:
    warnings = []
    for kind, records, fields in (
        ("control change", batch.control, ("at",)),
        ("event", batch.events, ("at",)),
        ("annotation", batch.annotations, ("valid_from", "valid_to")),
    ):
        for record in records:
            for name in fields:
                moment = getattr(record, name)
                why = None if moment is None else implausible_year(moment, kind)
                if why is not None:
                    warnings.append(Problem(batch.where.get(record.id, record.id), name, why))
    return warnings


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
