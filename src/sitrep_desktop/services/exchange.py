"""Import and export: the one path the command line, the window, the tests and
the benchmark take.

    result = import_file(store, path, dry_run=True)    # read, check, plan
    result = import_file(store, path, skip_bad=True)   # ... and apply
    result = export_file(store, path, at="2024-12-06")

The import policy: one transaction and one undo step, but not all-or-nothing
on content. An entry that can be taken with a stated repair is taken and
counted (`repaired`); one that cannot is left out and listed with why
(`skipped`). An import with skipped entries is refused unless the caller asks
to import the rest (`skip_bad`: the CLI's --skip-bad, the preview's button);
an import that holds nothing importable is refused always. Reading never
touches the store, so the window reads on a worker thread (`read_import`) and
plans on the store's thread (`plan_batch`).

A row file (ACLED, CSV: the formats that reach a million rows) is streamed
instead (`import_streamed`, services/import_stream): read, planned and
inserted a chunk at a time inside the one transaction, so memory does not grow
with the file; its undo removes the rows by rowid range (StreamedImport).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..commands.imports import ImportRecords, StreamedImport
from ..domain import Moment, parse_moment
from ..domain.control import resolve_control
from ..domain.errors import SitRepError
from ..io import cot, formats, pipeline
from ..io.progress import Progress
from ..io.records import ImportFileError, Problem, RecordBatch
from ..store import Store
from ..store.bulk import StoreLookup
from .import_stream import Cancel, stream_file
from .merge_package import add_versions, package_versions

EXPORT_FORMATS = tuple(formats.writable())


# -- export --------------------------------------------------------------------
@dataclass(frozen=True)
class WrittenFile:
    """Where an export went (a .cot of several records becomes a .zip data
    package) and what its summary should say (characters XML cannot hold…)."""

    path: Path
    format: str
    notes: list[str]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    counts: dict[str, int]  # only the kinds the format carries
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "counts": dict(self.counts),
            "notes": list(self.notes),
        }


def export_format_for(path: Path) -> str | None:
    """The export format a file name asks for, or None if its suffix says nothing."""
    fmt = formats.by_suffix(path, writing=True)
    return None if fmt is None else fmt.name


def export_file(
    store: Store,
    path: str | Path,
    fmt: str | None = None,
    *,
    at: Moment | str | None = None,
    since: Moment | str | None = None,
    until: Moment | str | None = None,
) -> ExportResult:
    """Write the store's records (all, as of `at`, or a time window) to `path`."""
    path = Path(path)
    name = fmt or export_format_for(path)
    if name is None:
        raise ValueError(f"cannot tell the format from {path.name!r}; give --format")
    batch = gather(store, at=at, since=since, until=until)
    written = write_export(batch, path, name, at=at, store=store)
    return ExportResult(
        written.path, written.format, carried_counts(batch, written.format), written.notes
    )


def _is_the_database(path: Path, database: str | Path) -> bool:
    """Whether writing `path` would replace the database file or one of its journals."""
    database = Path(database).resolve()
    target = path.resolve()
    journals = [database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal")]
    return target in (database, *journals) or (
        target.exists() and database.exists() and os.path.samefile(target, database)
    )


def carried_counts(batch: RecordBatch, fmt: str) -> dict[str, int]:
    """How many records of each kind the format wrote: a CSV holds events only."""
    counts = batch.counts()
    return {kind: counts[kind] for kind in formats.FORMATS[fmt].carries}


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


def write_export(
    batch: RecordBatch,
    path: Path,
    fmt: str,
    *,
    at: Moment | str | None = None,
    store: Store | None = None,
) -> WrittenFile:
    """Write `batch` as `fmt` to `path`, atomically: a reader never sees half a file.

    `store`: the batch's database; a data package then carries the records'
    versions, so it merges as the database would (services/merge_package)."""
    spec = formats.FORMATS.get(fmt)
    if spec is None or spec.writer is None:
        raise ValueError(f"unknown export format {fmt!r} ({', '.join(EXPORT_FORMATS)})")
    notes: list[str] = []
    markers = cot.marker_count(batch)
    if fmt == "cot" and markers > 1:
        # ATAK reads one event per .cot file; several travel as a data package.
        path, fmt = path.with_suffix(".zip"), "datapackage"
        spec = formats.FORMATS[fmt]
        notes.append(f"{markers} CoT events written as a TAK data package")
    if store is not None and store.path is not None and _is_the_database(path, store.path):
        # `sitrep export ops.db ops.db --format geojson` replaced the database by its export.
        raise SitRepError(f"{path.name} is the database being exported; choose another file")
    writer = spec.write_function()
    # Written under its own name in a hidden folder beside the target, then
    # moved: a reader never sees half a file, and a format that records its
    # file's name (a TAK package's manifest) records the real one.
    folder = path.with_name(f".{path.name}.partial")
    folder.mkdir(exist_ok=True)
    partial = folder / path.name
    try:
        if fmt == "kml":  # KML marks who holds each place as of the export's time
            said = writer(batch, partial, at=parse_moment(at, "--at") if at else None)
        else:
            said = writer(batch, partial)
        if fmt == "datapackage" and store is not None:
            add_versions(partial, package_versions(store, batch))
        notes += said or []  # XML writers say what characters they had to drop
        os.replace(partial, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return WrittenFile(path, fmt, notes)


# -- import --------------------------------------------------------------------
@dataclass
class ImportResult:
    """What an import found and did; `summary()` is the CLI's stable JSON."""

    file: str
    format: str
    plan: pipeline.ImportPlan
    dry_run: bool = False
    skip_bad: bool = False
    added: dict[str, int] = field(default_factory=dict)
    # The applied import as an undoable command (a streamed import's own).
    command: StreamedImport | None = None

    @property
    def importable(self) -> int:
        """Entries the file holds that can be taken: records new or already
        present, chat messages (a TAK package may hold only chat) and ACLED's
        withdrawals; without the last two such a file was "nothing importable"."""
        plan = self.plan
        return (
            plan.new_count
            + sum(plan.present.values())
            + len(plan.new.messages)
            + len(plan.deletions)
        )

    def summary(self, ok: bool = True) -> dict[str, Any]:
        preview = self.plan.preview()
        kinds = list(preview["new"])
        if not self.dry_run and self.added:  # what another import added meanwhile
            for kind, planned in preview["new"].items():
                if kind in preview["already_present"]:  # records, not chat or files
                    preview["already_present"][kind] += planned - self.added.get(kind, 0)
        return {
            "ok": ok,
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "skip_bad": self.skip_bad,
            **preview,
            "added": {k: self.added.get(k, 0) for k in kinds},
            "updated": {k: self.plan.updated.get(k, 0) for k in kinds},
            "repaired": [p.as_json() for p in self.plan.repaired],
            "skipped": [p.as_json() for p in self.plan.skipped],
            # A streamed import lists the first of many problems; these count them all.
            **{
                f"{name}_total": count
                for name, listed, count in (
                    ("repaired", self.plan.repaired, self.plan.repaired_count),
                    ("skipped", self.plan.skipped, self.plan.skipped_count),
                )
                if count > len(listed)
            },
        }


class ImportRefused(ImportFileError):
    """Some entries cannot be imported and the caller did not ask for the rest,
    or nothing can be. `result` says what the file holds; nothing was written."""

    def __init__(self, result: ImportResult, hint: str) -> None:
        self.result = result
        super().__init__(result.file, result.plan.skipped, hint=hint)


def read_import(
    source: str | Path,
    fmt: str | None = None,
    *,
    mapping: dict[str, str] | None = None,
    layer: str | None = None,
    progress: Progress | None = None,
) -> tuple[str, RecordBatch]:
    """Read and check the whole file; no store, so this may run on a worker thread.

    Entries with a problem are in `batch.skipped`. Raises ImportFileError when
    the file as a whole cannot be read or holds no records at all, or
    ImportCancelled when `progress` raises it.
    """
    source = Path(source)
    if not source.is_file():
        raise ImportFileError(str(source), [Problem("file", "-", "does not exist")])
    fmt = fmt or pipeline.guess_format(source)
    batch = pipeline.read_file(
        source, fmt, mapping=mapping, layer=layer, progress=progress, keep_going=True
    )
    if not len(batch) and not batch.skipped and not batch.messages:
        # Never "ok, 0 records": a file we read as empty is one we did not understand.
        raise ImportFileError(
            str(source), [Problem("file", "-", f"no records found (read as {fmt})")]
        )
    return fmt, batch


def plan_file(
    store: Store, source: str | Path, fmt: str | None = None
) -> tuple[str, pipeline.ImportPlan]:
    """Read `source` and plan it against `store` (strict): (format, plan)."""
    fmt, batch = read_import(source, fmt)
    return fmt, plan_batch(store, batch, source)


def plan_batch(store: Store, batch: RecordBatch, source: str | Path) -> pipeline.ImportPlan:
    """Match a read file against the store (read-only); on the store's own thread.

    Not worth a progress hook: 0.1-0.3 s for 100,000 ACLED rows, against ~4 s to read them.
    """
    return pipeline.plan_import(batch, StoreLookup(store), str(source), keep_going=True)


def import_batch(
    store: Store,
    batch: RecordBatch,
    source: str | Path,
    fmt: str,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
) -> ImportResult:
    """Plan a read file against the store and, unless refused or a dry run, apply
    it as one ImportRecords command (one transaction)."""
    plan = plan_batch(store, batch, source)
    result = ImportResult(str(source), fmt, plan, dry_run=dry_run, skip_bad=skip_bad)
    refusal = refusal_of(result)
    if refusal is not None:
        raise ImportRefused(result, refusal)
    if not dry_run:
        command = ImportRecords(plan, str(source))
        command.do(store)
        result.added = command.added
    return result


def refusal_of(result: ImportResult) -> str | None:
    """Why this import may not go ahead as asked (the tail of a one-line
    message), or None when it may."""
    skipped = result.plan.skipped_count
    entries = f"{skipped} {'entry' if skipped == 1 else 'entries'}"
    if skipped and not result.importable:
        return f"; nothing in the file can be imported ({entries} left out)"
    if skipped and not result.skip_bad:
        return (
            f"; {entries} cannot be imported, the other {result.importable} can "
            "(import the rest with --skip-bad)"
        )
    return None


def import_file(
    store: Store,
    source: str | Path,
    fmt: str | None = None,
    *,
    mapping: dict[str, str] | None = None,
    layer: str | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check, plan and (unless `dry_run`) apply a file in one transaction.

    Raises ImportFileError if the file cannot be read, ImportRefused if some of
    it cannot be imported and `skip_bad` is not given (or none of it can be).
    A row format (ACLED, CSV) is streamed: see import_streamed.
    """
    fmt = import_format(source, fmt)
    if streams(fmt, layer):
        return import_streamed(
            store,
            source,
            fmt,
            mapping=mapping,
            dry_run=dry_run,
            skip_bad=skip_bad,
            progress=progress,
        )
    fmt, batch = read_import(source, fmt, mapping=mapping, layer=layer, progress=progress)
    return import_batch(store, batch, source, fmt, dry_run=dry_run, skip_bad=skip_bad)


def import_format(source: str | Path, fmt: str | None = None) -> str:
    """The format `source` is read as; ImportFileError when it is no file or says none."""
    source = Path(source)
    if not source.is_file():
        raise ImportFileError(str(source), [Problem("file", "-", "does not exist")])
    return fmt or pipeline.guess_format(source)


def streams(fmt: str, layer: str | None = None) -> bool:
    """True when a file of `fmt` is imported a chunk at a time (import_streamed)."""
    return fmt in pipeline.STREAMED and layer is None


def streamed_command(
    source: str | Path,
    fmt: str,
    *,
    skip_bad: bool = False,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    chunk_rows: int | None = None,  # default pipeline.CHUNK_ROWS, read when called
) -> StreamedImport:
    """The streamed import of `source` as an undoable command (not yet done):
    its `do` refuses (ImportRefused, nothing written) as import_file would."""
    options = {"mapping": mapping, "progress": progress, "cancel": cancel, "chunk_rows": chunk_rows}

    def run(store: Store, ends: dict[str, int]) -> tuple[pipeline.ImportPlan, dict[str, int]]:
        plan, added = stream_file(
            store, source, fmt, ends=ends, apply=True, skip_bad=skip_bad, **options
        )
        result = ImportResult(str(source), fmt, plan, skip_bad=skip_bad)
        refusal = refusal_of(result)
        if refusal is not None:  # raised inside the transaction: it rolls back
            raise ImportRefused(result, refusal)
        return plan, added

    return StreamedImport(run, str(source))


def import_streamed(
    store: Store,
    source: str | Path,
    fmt: str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    chunk_rows: int | None = None,  # default pipeline.CHUNK_ROWS, read when called
) -> ImportResult:
    """Import a row file (ACLED, CSV) a chunk at a time: memory stays that of
    one chunk for a million rows. Still one transaction and one undo step
    (`result.command`); a refusal, a cancel or an error leaves the database
    as it was. A dry run writes nothing."""
    options = {"mapping": mapping, "progress": progress, "cancel": cancel, "chunk_rows": chunk_rows}
    if dry_run:
        plan, _ = stream_file(store, source, fmt, **options)
        result = ImportResult(str(source), fmt, plan, dry_run=True, skip_bad=skip_bad)
        refusal = refusal_of(result)
        if refusal is not None:
            raise ImportRefused(result, refusal)
        return result

    command = streamed_command(source, fmt, skip_bad=skip_bad, **options)
    command.do(store)
    assert command.plan is not None
    result = ImportResult(str(source), fmt, command.plan, skip_bad=skip_bad)
    result.added = command.added
    result.command = command
    return result
