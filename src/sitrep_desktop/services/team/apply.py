"""Records from the team into the store by the merge rules of Part 1 (services/merge).

Another SitRep's record arrives with its version and recent history (cot_out),
so `merge_records` decides exactly as for a database file: a version we have
had is stale, one made on ours is taken, a record changed on both sides is a
**conflict** (ours stays), a delete applies unless we changed the record since.
A marker, shape or chat made in TAK carries no version: it is merged by its
`updated` stamp (the CoT's time): a new uid is added, a later report taken
while nobody edited it here; otherwise it is a conflict too.

A conflict is kept (store.team, with the sender's version and history) until
the user resolves it in the merge dialog (team/conflicts.py, Tools > Team
conflicts…), and dropped when a later change from the team settles it.

One transaction for the batch, not queued to go back out; when part of it does
not fit (an event at a place we lack), the items are merged one by one and the
one that does not fit is logged and skipped: the rest still arrive.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ...domain.errors import SitRepError
from ...domain.times import utc_now_text
from ...io.records import text_fields
from ...store import Store
from ...store.team import TEAM_LAYER, Received, TeamConflict
from ...store.versions import VersionReader
from ..merge import IncomingRecord, MergeReport, merge_records
from .cot_in import Incoming

log = logging.getLogger(__name__)


@dataclass
class ApplyResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "id: why"

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.deleted)


def apply_incoming(
    store: Store,
    items: list[Incoming],
    origin: str,
    layer: str = TEAM_LAYER,
    *,
    durable: bool = True,
) -> ApplyResult:
    """Merge what the team sent; `origin` names the route ("tak 127.0.0.1:8088").

    `durable=False`: more follows at once, the commit need not wait for the disk
    (store.team.applying)."""
    result = ApplyResult()
    pairs = []
    for item in items:
        incoming = _to_merge(store, item)
        if incoming is None:
            result.unchanged += 1
        else:
            pairs.append((item, incoming))
    if not pairs:
        return result
    with store.team.applying(durable=durable):
        try:
            with store.transaction():  # a savepoint: a batch that does not fit leaves nothing
                _merged(store, pairs, origin, layer, result)
        except SitRepError:
            for pair in pairs:
                try:
                    with store.transaction():
                        _merged(store, [pair], origin, layer, result)
                except SitRepError as exc:
                    item = pair[0]
                    log.warning("team %s: %s from %s skipped: %s",
                                origin, item.cot_uid, item.sender_callsign, exc)  # fmt: skip
                    result.skipped.append(f"{pair[1].id}: {exc}")
    return result


def _to_merge(store: Store, item: Incoming) -> IncomingRecord | None:
    """The item as the merge takes it; None when there is nothing to merge."""
    history = dict(item.history)
    if item.record is not None:
        return IncomingRecord(item.record, version=item.version, history=history)
    if item.deleted_id is None:
        return None
    head = VersionReader(store.conn).heads([item.deleted_id]).get(item.deleted_id)
    if head is None:
        return None  # a record we never had
    if not item.version and head.deleted:
        return None  # deleted here already; a delete from TAK names no version to record
    return IncomingRecord(
        None,
        kind=item.deleted_kind or head.kind,
        record_id=item.deleted_id,
        version=item.version,
        history=history,
        updated=item.updated,
    )


def _merged(
    store: Store,
    pairs: list[tuple[Incoming, IncomingRecord]],
    origin: str,
    layer: str,
    result: ApplyResult,
) -> None:
    """Merge some items, then note who sent what and keep the conflicts."""
    report = merge_records(store, [incoming for _, incoming in pairs], origin)
    sent = {incoming.id: item for item, incoming in pairs}
    settled = _settled(report)
    now = utc_now_text()
    store.team.note_received(
        [
            Received(rid, kind, layer, item.sender_uid, item.sender_callsign, item.cot_type, now)
            for kind, rid in [*report.added, *report.updated, *report.restored]
            if (item := sent.get(rid)) is not None
        ]
    )
    store.team.drop_conflicts(settled)
    incoming_of = {incoming.id: incoming for _, incoming in pairs}
    new_conflicts = []
    for conflict in report.conflicts:
        item, incoming = sent[conflict.record_id], incoming_of[conflict.record_id]
        kept = TeamConflict(
            conflict.kind,
            conflict.record_id,
            None if incoming.record is None else text_fields(incoming.record),
            item.sender_callsign,
            incoming.version,
            {v: u or "" for v, u in incoming.history.items()},
            incoming.updated,
        )
        if store.team.keep_conflict(kept):  # False: the same change kept already
            new_conflicts.append(conflict.record_id)
    result.added += [rid for _, rid in report.added if rid in sent]
    result.updated += [rid for _, rid in [*report.updated, *report.restored] if rid in sent]
    result.deleted += [rid for _, rid in report.deleted if rid in sent]
    result.conflicts += new_conflicts
    result.unchanged += len(set(sent) - settled - set(new_conflicts))


def _settled(report: MergeReport) -> set[str]:
    return {rid for _, rid in [*report.added, *report.updated, *report.deleted, *report.restored]}
