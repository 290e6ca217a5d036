"""Import and export as both the app and the command line do them.

Above `store` and `io` (which may not know each other): gather records from the
store into a batch for a format writer; read a file, check it and plan it
against the store; apply a plan as one undoable command.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from .commands import Command, repository_for
from .domain import Event, Moment, parse_moment
from .domain.control import resolve_control
from .io import pipeline
from .io.progress import Progress as ReadProgress
from .io.records import RecordBatch
from .store import Store
from .store.attachments import Attachments
from .store.bulk import Cancel, Progress, StoreLookup, insert_records
from .store.messages import Messages

EXPORT_FORMATS = ("geojson", "kml", "csv", "gpkg", "cot", "datapackage")
_EXPORT_SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".csv": "csv",
    ".gpkg": "gpkg",
    ".cot": "cot",
    ".xml": "cot",
    ".zip": "datapackage",
}
# Deleting in this order keeps every reference valid while undoing an import.
_UNDO_ORDER = ("annotation", "event", "control_change", "place", "faction")


def export_format_for(path: Path) -> str | None:
    """The export format a file name asks for, or None if its suffix says nothing."""
    return _EXPORT_SUFFIXES.get(path.suffix.lower())


def gather(
    store: Store,
    *,
    at: Moment | str | None = None,
    since: Moment | str | None = None,
    until: Moment | str | None = None,
) -> RecordBatch:
    """The records to export: all, the situation at `at`, or a time window (with
    the control changes that say who held each place when it opens)."""
    moment = parse_moment(at, "--at") if at else None
    start = parse_moment(since, "--since") if since else None
    end = parse_moment(until, "--until") if until else None
    if moment is not None and (end is None or moment.upper_key < end.upper_key):
        end = moment
    batch = RecordBatch()
    for record in store.factions.all():
        batch.add(record)
    for record in store.places.all():
        batch.add(record)
    changes = store.control.all()
    if start is not None:
        # Who held each place when the window opens: the changes at each place's
        # latest instant before it, so "since T" still says who holds what at T.
        before = [c for c in changes if c.at.key < start.key]
        opening = {i for state in resolve_control(before).values() for i in state.change_ids}
        for change in before:
            if change.id in opening:
                batch.add(change)
    for change in changes:
        if (start is None or change.at.key >= start.key) and (
            end is None or change.at.key <= end.upper_key
        ):
            batch.add(change)
    for event in store.events.query(since=start, until=end):
        batch.add(event)
    for annotation in store.annotations.all():
        if annotation.valid_at(moment):
            batch.add(annotation)
    return batch


@dataclass(frozen=True)
class ExportResult:
    """Where the export went (a .cot of several records becomes a .zip data
    package) and what the summary should say (characters XML cannot hold...)."""

    path: Path
    notes: list[str]


def write_export(
    batch: RecordBatch, path: Path, fmt: str, *, at: Moment | str | None = None
) -> ExportResult:
    """Write `batch` as `fmt` to `path`, atomically: a reader never sees half a file."""
    from .io import cot, csv, geojson, gpkg, kml

    notes: list[str] = []
    if fmt == "cot" and cot.marker_count(batch) > 1:
        # ATAK reads one event per .cot file; several travel as a data package.
        path, fmt = path.with_suffix(".zip"), "datapackage"
        notes.append(f"{cot.marker_count(batch)} CoT events written as a TAK data package")

    writers = {
        "geojson": geojson.write,
        "kml": lambda b, p: kml.write(b, p, at=parse_moment(at, "--at") if at else None),
        "csv": csv.write,
        "gpkg": gpkg.write,
        "cot": cot.write,
        "datapackage": lambda b, p: cot.write_datapackage(b, p, name=path.name),
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r} ({', '.join(EXPORT_FORMATS)})")
    partial = path.with_name(f".{path.name}.partial{path.suffix}")
    try:
        notes += writers[fmt](batch, partial) or []
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(path, notes)


def read_source(
    source: Path,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: ReadProgress | None = None,
) -> tuple[str, RecordBatch]:
    """Read and check the whole file. No store: this may run on a worker thread.

    Raises ImportFileError listing every problem (row or feature, field, why), or
    ImportCancelled when `progress` raises it.
    """
    fmt = fmt or pipeline.guess_format(source)
    return fmt, pipeline.read_file(source, fmt, mapping=mapping, progress=progress)


def plan_batch(store: Store, batch: RecordBatch, source: Path) -> pipeline.ImportPlan:
    """Match a read file against the store (read-only); on the store's own thread.

    Not worth a progress hook: 0.1-0.3 s for 100,000 ACLED rows, against ~4 s to read them.
    """
    return pipeline.plan_import(batch, StoreLookup(store), str(source))


def plan_file(
    store: Store,
    source: Path,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: ReadProgress | None = None,
) -> tuple[str, pipeline.ImportPlan]:
    """Read and check the whole file, then match it against the store (read-only)."""
    fmt, batch = read_source(source, fmt, mapping, progress)
    return fmt, plan_batch(store, batch, source)


def _revised(stored: Event, revision: Event) -> Event:
    """`revision`'s content over `stored`'s identity and edit stamp (as an edit saves)."""
    return dataclasses.replace(
        revision, created=stored.created, updated=stored.updated, author=stored.author
    )


class ImportRecords(Command):
    """Apply an import plan in one transaction; undo removes exactly what it added."""

    def __init__(self, plan: pipeline.ImportPlan, source: str) -> None:
        self.plan = plan
        self.text = f"import {Path(source).name}"
        self.progress: Progress | None = None
        self.cancel: Cancel | None = None
        self.added: dict[str, int] = {}
        self.message_ids: list[str] = []
        self.attachment_ids: list[str] = []

    def do(self, store: Store) -> None:
        with store.transaction():
            self.added = insert_records(
                store,
                self.plan.new.lists(),
                categories=self.plan.categories,
                progress=self.progress,
                cancel=self.cancel,
            )
            # Chat and attachments already stored (an earlier import) are left as they are,
            # and undo removes only the ones this import added.
            if self.plan.new.messages:
                self.message_ids = Messages(store).add_many(self.plan.new.messages)
                self.added["message"] = len(self.message_ids)
            if self.plan.new.attachments:
                self.attachment_ids = Attachments(store).add_many(self.plan.new.attachments)
                self.added["attachment"] = len(self.attachment_ids)
            # ACLED revised these since they were imported: saved as edits (journalled).
            for old, new in self.plan.updates:
                store.events.update(_revised(store.events.get(old.id), new))
            if self.plan.deletions:
                store.events.delete_many([e.id for e in self.plan.deletions])

    def undo(self, store: Store) -> None:
        lists = self.plan.new.lists()
        with store.transaction():
            if self.plan.deletions:
                store.events.add_many(self.plan.deletions)
            for old, _new in self.plan.updates:
                store.events.update(_revised(store.events.get(old.id), old))
            for kind in _UNDO_ORDER:
                ids = [record.id for record in lists[kind]]
                if ids:
                    repository_for(store, kind).delete_many(ids)
            Messages(store).delete(self.message_ids)
            Attachments(store).delete(self.attachment_ids)
