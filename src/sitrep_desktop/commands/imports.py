"""An import as one undoable command: many records in one transaction.

`ImportRecords` applies a plan held whole in memory; `StreamedImport` runs a
streamed import (services.exchange) inside its transaction and keeps, for
undo, only where its rows begin and end in each table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import Event
from ..store.attachments import Attachments
from ..store.bulk import ids_between, insert_records, table_ends
from ..store.messages import Messages
from .base import Command, repository_for
from .revision_undo import FieldsBefore

if TYPE_CHECKING:
    from ..io.pipeline import ImportPlan
    from ..store import Store
    from ..store.bulk import Cancel, Progress

# Deleting in this order keeps every reference valid while undoing an import.
_UNDO_ORDER = ("annotation", "event", "control_change", "place", "faction")


class ImportRecords(Command):
    """Apply an import plan in one transaction; undo removes exactly what it added."""

    def __init__(self, plan: ImportPlan, source: str) -> None:
        self.plan = plan
        self.text = f"import {Path(source).name}"
        self.progress: Progress | None = None
        self.cancel: Cancel | None = None
        self.added: dict[str, int] = {}
        # Added by another writer between planning and applying: not ours to undo.
        self.skipped: set[str] = set()
        self.message_ids: list[str] = []
        self.attachment_ids: list[str] = []

    def do(self, store: Store) -> None:
        self.skipped = set()
        with store.transaction():
            self.added = insert_records(
                store,
                self.plan.new.lists(),
                categories=self.plan.categories,
                progress=self.progress,
                cancel=self.cancel,
                skipped=self.skipped,
            )
            # Chat and attachments already stored (an earlier import) are left as
            # they are, and undo removes only the ones this import added.
            if self.plan.new.messages:
                self.message_ids = Messages(store).add_many(self.plan.new.messages)
                self.added["message"] = len(self.message_ids)
            if self.plan.new.attachments:
                self.attachment_ids = Attachments(store).add_many(self.plan.new.attachments)
                self.added["attachment"] = len(self.attachment_ids)
            apply_revisions(store, self.plan)

    def undo(self, store: Store) -> None:
        lists = self.plan.new.lists()
        with store.transaction():
            revert_revisions(store, self.plan)
            for kind in _UNDO_ORDER:
                ids = [record.id for record in lists[kind] if record.id not in self.skipped]
                if ids:
                    repository_for(store, kind).delete_many(ids)
            Messages(store).delete(self.message_ids)
            Attachments(store).delete(self.attachment_ids)


# (the plan of the whole file, what was added by kind) for a streamed import
StreamRun = Callable[["Store", dict[str, int]], tuple["ImportPlan", dict[str, int]]]


class StreamedImport(Command):
    """A streamed import as one undoable step, in one transaction.

    `run(store, ends)` reads, plans and inserts the file a chunk at a time
    (services.exchange); `ends` are the tables' last rowids before it began.
    Holding the write lock, the import's rows are exactly those after `ends`
    and up to the ends after it, so undo needs two numbers per table, not a
    million ids. Redo runs the import from the file again.
    """

    def __init__(self, run: StreamRun, source: str) -> None:
        self.run = run
        self.text = f"import {Path(source).name}"
        self.plan: ImportPlan | None = None
        self.added: dict[str, int] = {}
        self.rows: dict[str, tuple[int, int]] = {}

    def do(self, store: Store) -> None:
        with store.transaction():
            before = table_ends(store)
            self.plan, self.added = self.run(store, before)
            after = table_ends(store)
            self.rows = {kind: (before[kind], after[kind]) for kind in before}
            # Once for the whole file: a million ids would not fit in the news.
            store.notify("*", "import", ())

    def undo(self, store: Store) -> None:
        if self.plan is None:
            return
        with store.transaction():
            revert_revisions(store, self.plan)
            for kind in _UNDO_ORDER:
                first, last = self.rows[kind]
                for ids in ids_between(store, kind, first, last):
                    repository_for(store, kind).delete_many(ids)


def apply_revisions(store: Store, plan: ImportPlan) -> None:
    """ACLED revised these since they were imported, or withdrew them: saved
    as edits and deletes (journalled)."""
    for old, new in plan.updates:
        store.events.update(_revised(store.events.get(old.id), new))
    if plan.deletions:
        store.events.delete_many([e.id for e in plan.deletions])


def revert_revisions(store: Store, plan: ImportPlan) -> None:
    if plan.deletions:
        store.events.add_many(plan.deletions)
    for old, _new in plan.updates:
        stored = store.events.get(old.id)
        # A streamed import keeps only the fields its revisions changed (revision_undo).
        before = old.restored(stored) if isinstance(old, FieldsBefore) else _revised(stored, old)
        store.events.update(before)


def _revised(stored: Event, revision: Event) -> Event:
    """`revision`'s content over `stored`'s identity and edit stamp (as an edit saves)."""
    return dataclasses.replace(
        revision, created=stored.created, updated=stored.updated, author=stored.author
    )
