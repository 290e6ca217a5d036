"""Chat messages (schema v5): add them from an import, list and search them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.messages import Message
from ..domain.times import Moment
from .keyed_rows import add_new, delete_ids

if TYPE_CHECKING:
    from .database import Store

_COLUMNS = ("id", "at", "at_key", "sender", "sender_uid", "room", "text", "source", "created")


class Messages:
    """The messages of one database, oldest first."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add_many(self, items: Iterable[Message]) -> list[str]:
        """Add those not already stored (by id); return the ids that were new."""
        return add_new(self.store, "messages", "message", _COLUMNS, [_row(m) for m in items])

    def delete(self, ids: Iterable[str]) -> None:
        """Remove messages (the undo of an import)."""
        delete_ids(self.store, "messages", "message", ids)

    def search(self, text: str = "", *, room: str | None = None) -> list[Message]:
        """Messages whose text, sender or room holds `text` (any case), oldest first."""
        where, params = [], []
        if text.strip():
            # LIKE's own wildcards in the text are searched for as themselves.
            pattern = (
                "%"
                + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            where.append(
                "(text LIKE ? ESCAPE '\\' OR sender LIKE ? ESCAPE '\\' OR room LIKE ? ESCAPE '\\')"
            )
            params += [pattern] * 3
        if room is not None:
            where.append("room = ?")
            params.append(room)
        sql = f"SELECT {', '.join(_COLUMNS)} FROM messages"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.store.conn.execute(sql + " ORDER BY at_key, rowid", params)
        return [_message(row) for row in rows]

    def count(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM messages").fetchone()[0]


def _row(message: Message) -> tuple[str, ...]:
    return (
        message.id,
        message.at.text,
        message.at.key,
        message.sender,
        message.sender_uid,
        message.room,
        message.text,
        message.source,
        message.created,
    )


def _message(row) -> Message:  # type: ignore[no-untyped-def]
    id_, at, at_key, sender, sender_uid, room, text, source, created = tuple(row)
    return Message(
        id=id_,
        at=Moment(at, at_key),
        sender=sender,
        sender_uid=sender_uid,
        room=room,
        text=text,
        source=source,
        created=created,
    )
