"""A short, stable hash of what a database holds, printed on snapshots and exports.

Only the records count (places, factions, control changes, events, annotations):
not the category list, not the journal, not settings, not the order rows were
written in. Two databases with the same records (say, an export re-imported
into a fresh file) have the same hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .database import Store

# Tables and the columns that are record content (derived index columns left out).
_CONTENT = {
    "factions": ("id", "name", "short_name", "colour", "notes", "created", "updated", "author"),
    "places": (
        "id",
        "name",
        "kind",
        "lat",
        "lon",
        "alt_names",
        "population",
        "notes",
        "tags",
        "created",
        "updated",
        "author",
    ),
    "control_changes": (
        "id",
        "place_id",
        "faction_id",
        "at",
        "source",
        "confidence",
        "notes",
        "created",
        "updated",
        "author",
    ),
    "events": (
        "id",
        "at",
        "category",
        "title",
        "description",
        "place_id",
        "geometry",
        "actors",
        "source",
        "confidence",
        "created",
        "updated",
        "author",
    ),
    "annotations": (
        "id",
        "kind",
        "label",
        "geometry",
        "style",
        "valid_from",
        "valid_to",
        "notes",
        "created",
        "updated",
        "author",
    ),
}
LENGTH = 12


def content_hash(store: Store) -> str:
    """Hex digest (12 characters) of every record, in a canonical order."""
    digest = hashlib.sha256()
    for table, columns in _CONTENT.items():
        digest.update(f"\x1e{table}\x1e".encode())
        sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {columns[0]}"
        for row in store.conn.execute(sql):
            digest.update(json.dumps(list(row), ensure_ascii=False).encode())
            digest.update(b"\n")
    return digest.hexdigest()[:LENGTH]
