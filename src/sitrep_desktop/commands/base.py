"""Every user edit as a command with do/undo, in plain Python (glue's rule).

The UI wraps each in a QUndoCommand; the commands themselves know only the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..domain import Record

if TYPE_CHECKING:
    from ..store import Store
    from ..store.repository import Repository


class Command:
    """An edit: `do` applies it (and re-applies after undo), `undo` reverses it."""

    text = "edit"

    def do(self, store: Store) -> None:
        raise NotImplementedError

    def undo(self, store: Store) -> None:
        raise NotImplementedError


def repository_for(store: Store, record: Record | type[Record] | str) -> Repository[Any]:
    """The repository that holds this kind of record."""
    kind = record if isinstance(record, str) else record.KIND  # type: ignore[union-attr]
    return {
        "place": store.places,
        "faction": store.factions,
        "control_change": store.control,
        "event": store.events,
        "annotation": store.annotations,
    }[kind]


class AddRecords(Command):
    """Add records; undo deletes them; redo adds the very same records back."""

    def __init__(self, records: Sequence[Record], text: str | None = None) -> None:
        self.records = list(records)
        self.text = text or f"add {len(self.records)} record(s)"

    def do(self, store: Store) -> None:
        with store.transaction():
            for record in self.records:
                repository_for(store, record).add(record)

    def undo(self, store: Store) -> None:
        with store.transaction():
            for record in reversed(self.records):
                repository_for(store, record).delete(record.id)


class UpdateRecord(Command):
    """Replace a record by an edited version; undo restores what was there before."""

    def __init__(self, before: Record, after: Record, text: str | None = None) -> None:
        self.before = before
        self.after = after
        self.text = text or f"edit {before.KIND.replace('_', ' ')}"  # type: ignore[attr-defined]
        self._saved: Record | None = None

    def do(self, store: Store) -> None:
        repository = repository_for(store, self.after)
        current = repository.get(self.after.id)
        # After an undo the stored `updated` stamp moved on; edit what is there now.
        target = (
            self.after
            if self._saved is None
            else dataclasses.replace(self.after, updated=current.updated)
        )
        self._saved = repository.update(target)

    def undo(self, store: Store) -> None:
        repository = repository_for(store, self.before)
        current = repository.get(self.before.id)
        repository.update(dataclasses.replace(self.before, updated=current.updated))

    @property
    def saved(self) -> Record | None:
        return self._saved


class DeleteRecords(Command):
    """Delete records (in one transaction); undo puts them back with their ids."""

    def __init__(self, records: Sequence[Record], text: str | None = None) -> None:
        self.records = list(records)
        self.text = text or f"delete {len(self.records)} record(s)"

    def do(self, store: Store) -> None:
        with store.transaction():
            for record in self.records:
                repository_for(store, record).delete(record.id)

    def undo(self, store: Store) -> None:
        with store.transaction():
            for record in reversed(self.records):
                repository_for(store, record).add(record)


class CompositeCommand(Command):
    """Several commands as one undo step, applied in one transaction."""

    def __init__(self, commands: Sequence[Command], text: str) -> None:
        self.commands = list(commands)
        self.text = text

    def do(self, store: Store) -> None:
        with store.transaction():
            for command in self.commands:
                command.do(store)

    def undo(self, store: Store) -> None:
        with store.transaction():
            for command in reversed(self.commands):
                command.undo(store)
