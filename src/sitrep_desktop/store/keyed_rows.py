"""Rows kept beside the records and keyed by id (chat messages, attachments):
add those not stored yet, delete by id, each in one transaction with its news."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .database import Store

_CHUNK = 500  # ids per IN (…) query, below SQLite's variable limit


def add_new(
    store: Store, table: str, kind: str, columns: Sequence[str], rows: list[tuple]
) -> list[str]:
    """Insert the rows (id first) whose id is not stored yet; return the new ids."""
    if not rows:
        return []
    marks = ", ".join("?" * len(columns))
    with store.transaction() as conn:
        ids = [r[0] for r in rows]
        present: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found = conn.execute(
                f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
            present.update(i for (i,) in found)
        new = [r for r in rows if r[0] not in present]
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", new
        )
        if new:
            store.notify(kind, "insert", [r[0] for r in new])
    return [r[0] for r in new]


def delete_ids(store: Store, table: str, kind: str, ids: Iterable[str]) -> None:
    ids = list(ids)
    if not ids:
        return
    with store.transaction() as conn:
        conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])
        store.notify(kind, "delete", ids)
