"""A row file (ACLED, CSV) imported a chunk at a time, in one transaction.

    plan, added = stream_file(store, path, "acled", ends=table_ends(store), apply=True)

Each chunk of rows (io.pipeline.CHUNK_ROWS) is read, planned against the store
as it stood before the import (StoreLookup with `ends`) and, when applying,
inserted before the next chunk is read, so memory holds one chunk whatever the
file's size. What one batch of the whole file would have done is kept exact:
a record met in an earlier chunk is dropped (SeenIds, a temporary table), and
places and factions matched by name carry over (io.pipeline.Carried). The
totals are counts; the problems listed are capped at MAX_LISTED each.

A dry run plans every chunk and writes nothing. An import stops inserting at
the first entry that must be refused (skipped without `skip_bad`) but plans
to the end, so the refusal counts everything; the caller's transaction then
rolls back (commands.imports.StreamedImport), leaving the file as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..commands.imports import apply_revisions
from ..commands.revision_undo import FieldsBefore
from ..io import pipeline
from ..io.pipeline import Carried, ImportPlan
from ..io.progress import Progress
from ..io.records import ImportFileError, Problem, RecordBatch
from ..store import Store
from ..store.bulk import ImportCancelled, SeenIds, StoreLookup, insert_records

# Problems of each sort listed in a streamed import's result (all are counted).
MAX_LISTED = 1_000
Cancel = Callable[[], bool]


def stream_file(
    store: Store,
    source: str | Path,
    fmt: str,
    *,
    ends: dict[str, int] | None = None,
    apply: bool = False,
    skip_bad: bool = False,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    chunk_rows: int | None = None,  # default pipeline.CHUNK_ROWS, read when called
) -> tuple[ImportPlan, dict[str, int]]:
    """Plan (and with `apply`, insert) `source` chunk by chunk: (totals, added by kind).

    `ends`: the tables' last rowids before the import (store.bulk.table_ends);
    applying needs them, and a transaction around the call. Raises
    ImportFileError when the file as a whole cannot be read or holds nothing,
    ImportCancelled when `cancel()` says so between chunks.
    """
    planner = StreamPlanner(store, source, ends=ends, apply=apply, skip_bad=skip_bad)
    try:
        for chunk in pipeline.read_chunks(
            source, fmt, mapping=mapping, progress=progress, size=chunk_rows or pipeline.CHUNK_ROWS
        ):
            if cancel is not None and cancel():
                raise ImportCancelled("import cancelled; nothing was imported")
            planner.feed(chunk)
        if cancel is not None and cancel():
            raise ImportCancelled("import cancelled; nothing was imported")
        return planner.finish(fmt)
    finally:
        planner.close()


class StreamPlanner:
    """Plans (and with `apply`, inserts) the chunks of one file as they come,
    on the store's thread; the window's reading hands it chunks read on a worker."""

    def __init__(
        self,
        store: Store,
        source: str | Path,
        *,
        ends: dict[str, int] | None = None,
        apply: bool = False,
        skip_bad: bool = False,
    ) -> None:
        self.store = store
        self.source = str(source)
        self.total = _empty_plan()
        self.added = {kind: 0 for kind in self.total.present}
        self.lookup = StoreLookup(store, ends)
        self.seen: SeenIds | None = SeenIds(store)
        self.carried = Carried()
        self.entries = 0
        self.skip_bad = skip_bad
        self.inserting = apply

    def feed(self, chunk: RecordBatch) -> None:
        assert self.seen is not None, "fed after close()"
        self.entries += len(chunk) + len(chunk.skipped) + len(chunk.deletions)
        _drop_seen(chunk, self.seen)
        plan = pipeline.plan_import(
            chunk, self.lookup, self.source, keep_going=True, carried=self.carried
        )
        _add_up(self.total, plan)
        if self.total.skipped_count and not self.skip_bad:
            self.inserting = False  # refused in the end: planning goes on, for the counts
        if self.inserting:
            counts = insert_records(
                self.store, plan.new.lists(), categories=plan.categories, announce=False
            )
            apply_revisions(self.store, plan)
            for kind, count in counts.items():
                self.added[kind] += count

    def finish(self, fmt: str) -> tuple[ImportPlan, dict[str, int]]:
        """The totals and what was added; ImportFileError if the file held nothing."""
        if not self.entries:
            # Never "ok, 0 records": a file we read as empty is one we did not understand.
            raise ImportFileError(
                self.source, [Problem("file", "-", f"no records found (read as {fmt})")]
            )
        self.total.categories.sort()
        return self.total, self.added

    def close(self) -> None:
        """Drop the temporary table of ids met (also when the import failed)."""
        if self.seen is not None:
            self.seen.close()
            self.seen = None


def _empty_plan() -> ImportPlan:
    kinds = RecordBatch().counts()
    return ImportPlan(
        RecordBatch(),
        present=dict.fromkeys(kinds, 0),
        new_counts=dict.fromkeys(kinds, 0),
        skipped_total=0,
        repaired_total=0,
    )


def _drop_seen(chunk: RecordBatch, seen: SeenIds) -> None:
    """Leave out of `chunk` every record an earlier chunk held (one batch of
    the whole file would hold it once), and withdrawals already asked for."""
    for kind, records in chunk.lists().items():
        if records:
            first = seen.first_seen(kind, [r.id for r in records])
            records[:] = [r for r in records if r.id in first]
    if chunk.deletions:
        first = seen.first_seen("deletion", chunk.deletions)
        chunk.deletions[:] = [i for i in dict.fromkeys(chunk.deletions) if i in first]


def _add_up(total: ImportPlan, plan: ImportPlan) -> None:
    """Add one chunk's plan to the totals, keeping counts and a capped list of problems."""
    assert total.new_counts is not None
    for kind, count in plan.new.counts().items():
        total.new_counts[kind] += count
    for kind, count in plan.present.items():
        total.present[kind] = total.present.get(kind, 0) + count
    total.categories[:] = sorted(set(total.categories) | set(plan.categories))
    total.skipped_total = total.skipped_count + len(plan.skipped)
    total.repaired_total = total.repaired_count + len(plan.repaired)
    for listed, more in (
        (total.skipped, plan.skipped),
        (total.repaired, plan.repaired),
        (total.warnings, plan.warnings),
    ):
        listed.extend(more[: max(0, MAX_LISTED - len(listed))])
    # Undo needs, of each revised event, only the fields the revision changed, as they
    # were (commands.revision_undo); the revision itself is applied chunk by chunk.
    total.updates.extend((FieldsBefore.of(old, new), None) for old, new in plan.updates)
    total.deletions.extend(plan.deletions)
