"""What undo keeps of an event a streamed import revised: its id and, of its fields, only
those the revision changed, as they were.

A revised ACLED export can revise tens of thousands of the events already imported;
keeping each one whole (and its revision whole beside it) for undo held two records per
revised row in memory for the import's life. A revision mostly changes the notes, the
fatalities and ACLED's timestamp: those few values are all undo needs, laid back over the
event as it is stored then.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sitrep_desktop.domain import Event

# Who saved the event, and when, are the store's: undo keeps the stored ones (as an edit).
_STAMPS = frozenset(("id", "created", "updated", "author"))
_CONTENT = tuple(f.name for f in dataclasses.fields(Event) if f.name not in _STAMPS)


@dataclasses.dataclass(frozen=True, slots=True)
class FieldsBefore:
    """The fields of event `id` that a revision changed, with their values before it."""

    id: str
    fields: dict[str, Any]

    @classmethod
    def of(cls, old: Event, new: Event) -> FieldsBefore:
        changed = {n: getattr(old, n) for n in _CONTENT if getattr(old, n) != getattr(new, n)}
        return cls(old.id, changed)

    def restored(self, stored: Event) -> Event:
        """`stored` with the revised fields put back as they were."""
        return dataclasses.replace(stored, **self.fields)
