"""A merge as one undo step: what it wrote, and how to take it back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..store.versions import RecordWrite, apply_writes, catch_up_clock
from .base import Command

if TYPE_CHECKING:
    from ..store import Store


class MergeCommand(Command):
    """Apply a merge's writes in one transaction; undo puts back rows, heads and histories.

    Undo restores each record as it was before the merge and forgets the
    versions the merge taught, so merging again offers the same changes.
    """

    def __init__(
        self, writes: Sequence[RecordWrite], origin: str, their_clock: int, text: str
    ) -> None:
        self.writes = list(writes)
        self.origin = origin
        self.their_clock = their_clock
        self.text = text

    def do(self, store: Store) -> None:
        with store.transaction():
            apply_writes(store, self.writes, self.origin)
            catch_up_clock(store, self.their_clock)

    def undo(self, store: Store) -> None:
        apply_writes(store, [w.reversed() for w in reversed(self.writes)], self.origin)
