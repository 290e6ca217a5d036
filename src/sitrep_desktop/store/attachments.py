"""Attachments (schema v5): files kept with a record, e.g. a photo from a TAK package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.attachments import Attachment
from .keyed_rows import add_new, delete_ids

if TYPE_CHECKING:
    from .database import Store

_COLUMNS = ("id", "record_id", "name", "media_type", "data", "created")


class Attachments:
    """The attachments of one database, by the record they belong to."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add_many(self, items: Iterable[Attachment]) -> list[str]:
        """Add those not already stored (by id); return the ids that were new."""
        return add_new(
            self.store,
            "attachments",
            "attachment",
            _COLUMNS,
            [tuple(getattr(a, c) for c in _COLUMNS) for a in items],
        )

    def delete(self, ids: Iterable[str]) -> None:
        delete_ids(self.store, "attachments", "attachment", ids)

    def for_record(self, record_id: str) -> list[Attachment]:
        rows = self.store.conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM attachments WHERE record_id = ? "
            "ORDER BY name, rowid",
            (record_id,),
        )
        return [Attachment(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]
