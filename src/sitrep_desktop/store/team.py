"""What sharing through a TAK server keeps in the database (migration 7).

The outbox (what changed here, in commit order, until the server took it), who
sent each received record, and the conflicts a remote change raised (kept with
the sender's version and history, so the merge dialog can resolve them later).
services/team decides; this module only reads and writes those tables, each
write one transaction. (Migration 7's `team_sync` was never used: the merge's
record versions, migration 6, say what both sides last agreed on; migration 8
drops it.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    """A remote change that conflicts with ours, kept until the user resolves it.

    `theirs` are the record's fields as text (cot_out's), None for a delete;
    `version` and `history` ({version: updated}) are the sender's, for the
    merge that resolves it (services/team/apply.py).
    """

    record_kind: str
    record_id: str
    theirs: dict[str, Any] | None
    sender_callsign: str
    version: str = ""
    history: dict[str, str] = field(default_factory=dict)
    updated: str = ""
    id: int = 0
    received: str = ""

    def payload(self) -> str:
        return json.dumps(
            {"fields": self.theirs, "version": self.version, "history": self.history,
             "updated": self.updated},
            sort_keys=True,
        )  # fmt: skip

    @classmethod
    def from_row(cls, id_: int, kind: str, record_id: str, theirs: str | None,
                 sender: str, received: str) -> TeamConflict:  # fmt: skip
        data = json.loads(theirs) if theirs else None
        if not isinstance(data, dict) or "fields" not in data:
            data = {"fields": data}  # kept before versions travelled: fields only
        return cls(kind, record_id, data["fields"], sender, data.get("version", ""),
                   data.get("history", {}), data.get("updated", ""), id_, received)  # fmt: skip


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
    def applying(self, *, durable: bool = True) -> Iterator[None]:
        """One transaction for the team's changes, which are not queued to go back out.

        `durable=False` (a slice of a burst with more behind it): the commit does
        not wait for the disk (synchronous NORMAL: in WAL mode the file stays
        sound, a power cut may lose the last slices; 5-300 ms a commit under
        load otherwise, on the window's thread). The burst's last slice is
        durable, and its fsync of the log carries the slices before it.
        """
        conn = self.store.conn
        relaxed = not durable and not conn.in_transaction
        if relaxed:
            conn.execute("PRAGMA synchronous = NORMAL")
        try:
            with self.store.transaction() as conn:
                conn.execute("UPDATE team_state SET applying = 1 WHERE id = 1")
                try:
                    yield
                finally:
                    conn.execute("UPDATE team_state SET applying = 0 WHERE id = 1")
        finally:
            if relaxed:
                conn.execute("PRAGMA synchronous = FULL")

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

    def store_repository(self, kind: str) -> Repository[Any]:
        return {
            "place": self.store.places,
            "faction": self.store.factions,
            "control_change": self.store.control,
            "event": self.store.events,
            "annotation": self.store.annotations,
        }[kind]

    # -- conflicts --------------------------------------------------------------------
    def keep_conflict(self, conflict: TeamConflict) -> bool:
        """Keep a remote change the merge rules did not apply (one per record: the
        latest). False when the same change was kept already (a re-sent picture)."""
        payload = conflict.payload()
        with self.store.transaction() as conn:
            rows = conn.execute(
                "SELECT theirs FROM team_conflicts WHERE record_id = ?", (conflict.record_id,)
            ).fetchall()
            if [r[0] for r in rows] == [payload]:
                return False
            conn.execute("DELETE FROM team_conflicts WHERE record_id = ?", (conflict.record_id,))
            conn.execute(
                "INSERT INTO team_conflicts (record_kind, record_id, theirs, sender_callsign,"
                " received) VALUES (?, ?, ?, ?, ?)",
                (conflict.record_kind, conflict.record_id, payload,
                 conflict.sender_callsign, utc_now_text()),
            )  # fmt: skip
        return True

    def drop_conflicts(self, record_ids: Iterable[str]) -> None:
        """The records' kept conflicts are settled (merged since, or resolved)."""
        ids = [(rid,) for rid in record_ids]
        if ids:
            with self.store.transaction() as conn:
                conn.executemany("DELETE FROM team_conflicts WHERE record_id = ?", ids)

    def conflicts(self) -> list[TeamConflict]:
        return self.conflicts_for(None)

    def conflicts_for(self, record_id: str | None) -> list[TeamConflict]:
        """Conflicts of one record, or of all (None), oldest first."""
        rows = self.store.conn.execute(
            "SELECT id, record_kind, record_id, theirs, sender_callsign, received"
            " FROM team_conflicts WHERE ? IS NULL OR record_id = ? ORDER BY id",
            (record_id, record_id),
        )
        return [TeamConflict.from_row(*r) for r in rows]
