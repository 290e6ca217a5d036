"""Named event-list filters, kept in the database beside the records (schema v2)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..domain.errors import ValidationError
from ..domain.times import utc_now_text
from .event_queries import EventFilter

if TYPE_CHECKING:
    from .database import Store


class SavedFilters:
    """Save, recall, list and forget filters by name. Saving a name again replaces it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def names(self) -> list[str]:
        rows = self.store.conn.execute(
            "SELECT name FROM saved_filters ORDER BY name COLLATE NOCASE"
        )
        return [name for (name,) in rows]

    def save(self, name: str, spec: EventFilter) -> None:
        if not name or not name.strip():
            raise ValidationError("name", name, "a saved filter needs a name")
        now = utc_now_text()
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO saved_filters (name, spec, created, updated, author) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "spec = excluded.spec, updated = excluded.updated",
                (name.strip(), json.dumps(spec.to_spec()), now, now, self.store.author),
            )
            self.store.notify("saved_filter", "update", [name.strip()])

    def load(self, name: str) -> EventFilter | None:
        row = self.store.conn.execute(
            "SELECT spec FROM saved_filters WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else EventFilter.from_spec(json.loads(row[0]))

    def delete(self, name: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM saved_filters WHERE name = ?", (name,))
            self.store.notify("saved_filter", "delete", [name])
