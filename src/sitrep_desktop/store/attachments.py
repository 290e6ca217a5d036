"""Attachments (schema v5): files kept with a record, e.g. a photo from a TAK package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.attachments import Attachment

if TYPE_CHECKING:
    from .database import Store

_COLUMNS = ("id", "record_id", "name", "media_type", "data", "created")


class Attachments:
    """The attachments of one database, by the record they belong to."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add_many(self, items: Iterable[Attachment]) -> list[str]:
        """Add those not already stored (by id); return the ids that were new."""
        rows = [tuple(getattr(a, c) for c in _COLUMNS) for a in items]
        if not rows:
            return []
        marks = ", ".join("?" * len(_COLUMNS))
        with self.store.transaction() as conn:
            ids = [r[0] for r in rows]
            present = set()
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found = conn.execute(
                    f"SELECT id FROM attachments WHERE id IN ({', '.join('?' * len(chunk))})", chunk
                )
                present.update(i for (i,) in found)
            new = [r for r in rows if r[0] not in present]
            conn.executemany(
                f"INSERT OR IGNORE INTO attachments ({', '.join(_COLUMNS)}) VALUES ({marks})", new
            )
            if new:
                self.store.notify("attachment", "insert", [r[0] for r in new])
        return [r[0] for r in new]

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self.store.transaction() as conn:
            conn.executemany("DELETE FROM attachments WHERE id = ?", [(i,) for i in ids])
            self.store.notify("attachment", "delete", ids)

    def for_record(self, record_id: str) -> list[Attachment]:
        rows = self.store.conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM attachments WHERE record_id = ? "
            "ORDER BY name, rowid",
            (record_id,),
        )
        return [Attachment(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]
