"""An import as one undoable command: many records in one transaction."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import Event
from ..store.attachments import Attachments
from ..store.bulk import insert_records
from ..store.messages import Messages
from .base import Command, repository_for

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
                ids = [record.id for record in lists[kind] if record.id not in self.skipped]
                if ids:
                    repository_for(store, kind).delete_many(ids)
            Messages(store).delete(self.message_ids)
            Attachments(store).delete(self.attachment_ids)


def _revised(stored: Event, revision: Event) -> Event:
    """`revision`'s content over `stored`'s identity and edit stamp (as an edit saves)."""
    return dataclasses.replace(
        revision, created=stored.created, updated=stored.updated, author=stored.author
    )
