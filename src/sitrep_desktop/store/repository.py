"""The generic repository: add, get, update, delete one kind of record, journalled.

Each write is one transaction that also appends to the change journal and
queues the news of the change; undoing a delete is adding the record back.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..domain import Record
from ..domain.times import utc_now_text
from .errors import ConflictError, NotFoundError, ReferencedError, StoreError
from .id_chunks import in_chunks
from .rows import journal_json

if TYPE_CHECKING:
    from .database import Store

R = TypeVar("R", bound=Record)


class Repository(Generic[R]):
    table: str
    kind: str
    label: str  # for messages: "place", "event"
    order_by: str = "rowid"

    def __init__(self, store: Store) -> None:
        self.store = store

    # Subclasses convert; the row's keys are the table's columns.
    def to_row(self, record: R) -> dict[str, Any]:
        raise NotImplementedError

    def from_row(self, row: Mapping[str, Any]) -> R:
        raise NotImplementedError

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # -- reading -----------------------------------------------------------------
    def find(self, record_id: str) -> R | None:
        row = self.conn.execute(f"SELECT * FROM {self.table} WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else self.from_row(row)

    def get(self, record_id: str) -> R:
        record = self.find(record_id)
        if record is None:
            raise NotFoundError(f"no {self.label} with id {record_id}")
        return record

    def all(self) -> list[R]:
        rows = self.conn.execute(f"SELECT * FROM {self.table} ORDER BY {self.order_by}")
        return [self.from_row(row) for row in rows]

    def many(self, ids: Sequence[str]) -> list[R]:
        """Records for `ids`, in that order, skipping ids that do not exist."""
        found: dict[str, R] = {}
        for chunk, marks in in_chunks(ids):
            for row in self.conn.execute(
                f"SELECT * FROM {self.table} WHERE id IN ({marks})", chunk
            ):
                found[row["id"]] = self.from_row(row)
        return [found[i] for i in ids if i in found]

    def count(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def select(self, where: str, params: Sequence[Any] = (), order: str | None = None) -> list[R]:
        sql = f"SELECT * FROM {self.table} WHERE {where} ORDER BY {order or self.order_by}"
        return [self.from_row(row) for row in self.conn.execute(sql, params)]

    # -- writing -----------------------------------------------------------------
    def add(self, record: R) -> R:
        """Insert a new record (or re-insert a deleted one, keeping its id and stamps)."""
        return self.add_many([record])[0]

    def add_many(self, records: Iterable[R], *, journal: bool = True) -> list[R]:
        stamped = [self._stamp_new(r) for r in records]
        if not stamped:
            return []
        rows = [self.to_row(r) for r in stamped]
        columns = list(rows[0])
        sql = (
            f"INSERT INTO {self.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})"
        )
        with self.store.transaction():
            try:
                self.conn.executemany(sql, [tuple(row[c] for c in columns) for row in rows])
            except sqlite3.IntegrityError as exc:
                raise self._integrity_error(exc, "add") from None
            if journal:
                self._journal_many("insert", [(r.id, None, row) for r, row in zip(stamped, rows)])
            self.store.notify(self.kind, "insert", [r.id for r in stamped])
        return stamped

    def update(self, record: R) -> R:
        """Save an edited record. Refused if it changed since it was read."""
        with self.store.transaction():
            before = self.conn.execute(
                f"SELECT * FROM {self.table} WHERE id = ?", (record.id,)
            ).fetchone()
            if before is None:
                raise NotFoundError(f"no {self.label} with id {record.id}")
            if before["updated"] != record.updated:
                raise ConflictError(
                    f"this {self.label} was changed elsewhere since it was opened "
                    f"(at {before['updated']}); reload it and edit again"
                )
            saved = dataclasses.replace(record, updated=_later_than(before["updated"]))
            row = self.to_row(saved)
            assignments = ", ".join(f"{c} = ?" for c in row if c != "id")
            values = [v for c, v in row.items() if c != "id"]
            try:
                self.conn.execute(
                    f"UPDATE {self.table} SET {assignments} WHERE id = ?", (*values, record.id)
                )
            except sqlite3.IntegrityError as exc:
                raise self._integrity_error(exc, "save") from None
            self._after_update(before, saved)
            self._journal_many("update", [(record.id, dict(before), row)])
            self.store.notify(self.kind, "update", [record.id])
        return saved

    def delete(self, record_id: str) -> R:
        """Delete and return the record (keep it to undo the delete)."""
        return self.delete_many([record_id])[0]

    def delete_many(self, ids: Sequence[str]) -> list[R]:
        with self.store.transaction():
            removed = []
            for record_id in ids:
                row = self.conn.execute(
                    f"SELECT * FROM {self.table} WHERE id = ?", (record_id,)
                ).fetchone()
                if row is None:
                    raise NotFoundError(f"no {self.label} with id {record_id}")
                self._check_unreferenced(row)
                try:
                    self.conn.execute(f"DELETE FROM {self.table} WHERE id = ?", (record_id,))
                except sqlite3.IntegrityError as exc:
                    raise self._integrity_error(exc, "delete") from None
                self._journal_many("delete", [(record_id, dict(row), None)])
                removed.append(self.from_row(row))
            self.store.notify(self.kind, "delete", list(ids))
        return removed

    # -- hooks -------------------------------------------------------------------
    def _after_update(self, before: Mapping[str, Any], saved: R) -> None:
        """Keep derived data consistent inside the update's transaction."""

    def _check_unreferenced(self, row: Mapping[str, Any]) -> None:
        """Raise ReferencedError when other records still need this one."""

    # -- helpers -------------------------------------------------------------------
    def _stamp_new(self, record: R) -> R:
        if record.author:
            return record
        return dataclasses.replace(record, author=self.store.author)

    def _journal_many(
        self,
        action: str,
        entries: list[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    ) -> None:
        at = utc_now_text()
        self.conn.executemany(
            "INSERT INTO journal (at, author, record_kind, record_id, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (at, self.store.author, self.kind, rid, action, journal_json(b), journal_json(a))
                for rid, b, a in entries
            ],
        )

    def _integrity_error(self, exc: sqlite3.IntegrityError, verb: str) -> StoreError:
        text = str(exc)
        if "UNIQUE" in text or "PRIMARY KEY" in text:
            return StoreError(f"cannot {verb} {self.label}: one with the same key exists ({text})")
        if "FOREIGN KEY" in text:
            return ReferencedError(
                f"cannot {verb} {self.label}: it refers to a record that does not exist, "
                "or other records still refer to it"
            )
        return StoreError(f"cannot {verb} {self.label}: {text}")


def _later_than(previous: str) -> str:
    """A new `updated` stamp strictly after the previous one (clocks can be coarse)."""
    now = utc_now_text()
    if now > previous:
        return now
    # Same microsecond (or a clock set back): bump the last digit so edits stay ordered.
    head, micros = previous[:-7], int(previous[-7:-1])
    return f"{head}{micros + 1:06d}Z" if micros < 999_999 else now
