"""What sharing through a TAK server keeps in the database (migration 7).

The outbox (what changed here, in commit order, until the server took it), the
stamps both sides last agreed on per record, who sent each received record,
and the conflicts a remote change raised. services/team decides; this module
only reads and writes the four tables, each write one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain import Record
from ..domain.times import utc_now_text
from .repository import Repository

if TYPE_CHECKING:
    from .database import Store

TEAM_LAYER = "Team"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    seq: int
    record_kind: str
    record_id: str


@dataclass(frozen=True, slots=True)
class Received:
    record_id: str
    record_kind: str
    layer: str
    sender_uid: str
    sender_callsign: str
    cot_type: str
    received: str


@dataclass(frozen=True, slots=True)
class TeamConflict:
    id: int
    record_kind: str
    record_id: str
    theirs: dict[str, Any] | None  # None: they deleted it
    sender_callsign: str
    received: str


class TeamTables:
    """The team tables of one Store. No change news: they are bookkeeping, not records."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- sharing on or off, and the team's own changes -------------------------------
    def set_sharing(self, on: bool) -> None:
        """While on, every committed change here is queued (triggers, migration 7)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE team_state SET enabled = ? WHERE id = 1", (int(on),))

    @property
    def sharing(self) -> bool:
        row = self.store.conn.execute("SELECT enabled FROM team_state WHERE id = 1").fetchone()
        return bool(row and row[0])

    @contextmanager
    def applying(self) -> Iterator[None]:
        """One transaction for the team's changes, which are not queued to go back out."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE team_state SET applying = 1 WHERE id = 1")
            try:
                yield
            finally:
                conn.execute("UPDATE team_state SET applying = 0 WHERE id = 1")

    # -- outbox ------------------------------------------------------------------
    def queue(self, items: Iterable[tuple[str, str]]) -> None:
        """Append (record kind, record id) pairs to the outbox, in order."""
        now = utc_now_text()
        rows = [(kind, rid, now) for kind, rid in items]
        if not rows:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO team_outbox (record_kind, record_id, queued) VALUES (?, ?, ?)", rows
            )

    def outbox(self, limit: int = 10_000) -> list[OutboxItem]:
        sql = "SELECT seq, record_kind, record_id FROM team_outbox ORDER BY seq LIMIT ?"
        return [OutboxItem(*row) for row in self.store.conn.execute(sql, (limit,))]

    def outbox_count(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM team_outbox").fetchone()[0]

    def sent(self, up_to_seq: int) -> None:
        """The server took every item up to `up_to_seq`: they leave the outbox."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM team_outbox WHERE seq <= ?", (up_to_seq,))

    # -- agreed stamps --------------------------------------------------------------
    def synced(self, record_id: str) -> str | None:
        row = self.store.conn.execute(
            "SELECT synced_updated FROM team_sync WHERE record_id = ?", (record_id,)
        ).fetchone()
        return None if row is None else row[0]

    def mark_synced(self, items: Sequence[tuple[str, str, str]]) -> None:
        """(kind, id, updated stamp) the team and we now agree on."""
        if not items:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO team_sync (record_kind, record_id, synced_updated) VALUES (?, ?, ?) "
                "ON CONFLICT(record_id) DO UPDATE SET synced_updated = excluded.synced_updated",
                items,
            )

    # -- received -----------------------------------------------------------------
    def note_received(self, items: Sequence[Received]) -> None:
        if not items:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO team_received (record_id, record_kind, layer, sender_uid,"
                " sender_callsign, cot_type, received) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.record_id,
                        r.record_kind,
                        r.layer,
                        r.sender_uid,
                        r.sender_callsign,
                        r.cot_type,
                        r.received,
                    )
                    for r in items
                ],
            )

    def received(self, record_id: str) -> Received | None:
        row = self.store.conn.execute(
            "SELECT record_id, record_kind, layer, sender_uid, sender_callsign, cot_type, received"
            " FROM team_received WHERE record_id = ?",
            (record_id,),
        ).fetchone()
        return None if row is None else Received(*row)

    def in_layer(self, layer: str = TEAM_LAYER) -> list[Received]:
        rows = self.store.conn.execute(
            "SELECT record_id, record_kind, layer, sender_uid, sender_callsign, cot_type, received"
            " FROM team_received WHERE layer = ? ORDER BY received",
            (layer,),
        )
        return [Received(*row) for row in rows]

    # -- records as the team has them ------------------------------------------------
    def put_exact(self, record: Record) -> None:
        """Add or overwrite `record` keeping its stamps, journalled and announced.

        A remote version keeps the `updated` stamp it was made with, so every
        copy names one version alike; Repository.update would stamp it anew.
        """
        repository = self.store_repository(record.KIND)  # type: ignore[attr-defined]
        with self.store.transaction() as conn:
            before = conn.execute(
                f"SELECT * FROM {repository.table} WHERE id = ?", (record.id,)
            ).fetchone()
            if before is None:
                repository.add_many([record])
                return
            row = repository.to_row(record)
            assignments = ", ".join(f"{c} = ?" for c in row if c != "id")
            values = [v for c, v in row.items() if c != "id"]
            try:
                conn.execute(
                    f"UPDATE {repository.table} SET {assignments} WHERE id = ?",
                    (*values, record.id),
                )
            except sqlite3.IntegrityError as exc:
                raise repository._integrity_error(exc, "save") from None
            repository._after_update(before, record)
            repository._journal_many("update", [(record.id, dict(before), row)])
            self.store.notify(repository.kind, "update", [record.id])

    def store_repository(self, kind: str) -> Repository[Any]:
        return {
            "place": self.store.places,
            "faction": self.store.factions,
            "control_change": self.store.control,
            "event": self.store.events,
            "annotation": self.store.annotations,
        }[kind]

    # -- conflicts --------------------------------------------------------------------
    def add_conflict(
        self, kind: str, record_id: str, theirs: dict[str, Any] | None, sender: str
    ) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO team_conflicts (record_kind, record_id, theirs, sender_callsign,"
                " received) VALUES (?, ?, ?, ?, ?)",
                (
                    kind,
                    record_id,
                    None if theirs is None else json.dumps(theirs, sort_keys=True),
                    sender,
                    utc_now_text(),
                ),
            )

    def conflicts(self) -> list[TeamConflict]:
        return self.conflicts_for(None)

    def conflicts_for(self, record_id: str | None) -> list[TeamConflict]:
        """Conflicts of one record, or of all (None), oldest first."""
        rows = self.store.conn.execute(
            "SELECT id, record_kind, record_id, theirs, sender_callsign, received"
            " FROM team_conflicts WHERE ? IS NULL OR record_id = ? ORDER BY id",
            (record_id, record_id),
        )
        return [
            TeamConflict(r[0], r[1], r[2], json.loads(r[3]) if r[3] else None, r[4], r[5])
            for r in rows
        ]
