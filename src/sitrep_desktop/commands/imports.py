"""An import as one undoable command: many records in one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..store.bulk import insert_records
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

    def do(self, store: Store) -> None:
        self.skipped = set()
        self.added = insert_records(
            store,
            self.plan.new.lists(),
            categories=self.plan.categories,
            progress=self.progress,
            cancel=self.cancel,
            skipped=self.skipped,
        )

    def undo(self, store: Store) -> None:
        lists = self.plan.new.lists()
        with store.transaction():
            for kind in _UNDO_ORDER:
                ids = [record.id for record in lists[kind] if record.id not in self.skipped]
                if ids:
                    repository_for(store, kind).delete_many(ids)
