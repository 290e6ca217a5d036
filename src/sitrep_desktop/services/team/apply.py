"""Records from the team into the store, never over a local edit.

`apply_incoming(store, items, origin)` is the one seam where the merge rules
of services/merge.py (being written on another branch) plug in. Until then it
decides by versions: a record's version is its `updated` stamp, the same on
every copy (a remote version is written with its own stamp), and each change
names the version it was made on (its base):

  theirs is ours                            -> nothing to do (a re-sent picture)
  theirs is a version we had before         -> a stale copy: keep ours
  theirs was made on ours                   -> take theirs
  we never had it                           -> add it
  a marker or shape made in TAK, newer      -> take it (its sender owns it)
  otherwise both changed it                 -> a conflict: ours stays, theirs
                                               waits in team_conflicts
A delete applies only to the version it names; a record deleted here and
changed there is a conflict too. Each item is its own transaction, so one that
does not fit (a reference to a place we lack) is logged and skipped, and the
rest still arrive.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ...domain import Record
from ...domain.errors import SitRepError
from ...domain.times import utc_now_text
from ...io.records import record_fields
from ...store import Store
from ...store.team import TEAM_LAYER, Received
from .cot_in import TEAM_CATEGORY, Incoming

log = logging.getLogger(__name__)
_KINDS = ("place", "faction", "control_change", "event", "annotation")


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
    store: Store, items: list[Incoming], origin: str, layer: str = TEAM_LAYER
) -> ApplyResult:
    """Apply what the team sent; `origin` names the route ("tak 127.0.0.1:8088") for the log."""
    result = ApplyResult()
    received: list[Received] = []
    # One transaction for the batch (one commit, one piece of change news), not
    # queued to go back out; each item in a savepoint of it, so one that does not
    # fit is skipped alone.
    with store.team.applying():
        if any(_needs_team_category(i) for i in items):
            store.categories.ensure([TEAM_CATEGORY])
        for item in items:
            _apply_one(store, item, origin, layer, result, received)
        store.team.note_received(received)
    return result


def _apply_one(
    store: Store,
    item: Incoming,
    origin: str,
    layer: str,
    result: ApplyResult,
    received: list[Received],
) -> None:
    try:
        if item.record is not None:
            outcome = _apply_record(store, item)
            target, kind = item.record.id, item.record.KIND  # type: ignore[attr-defined]
        elif item.deleted_id is not None:
            outcome = _apply_delete(store, item)
            target, kind = item.deleted_id, item.deleted_kind or ""
        else:
            return
    except SitRepError as exc:
        log.warning(
            "team %s: %s from %s skipped: %s", origin, item.cot_uid, item.sender_callsign, exc
        )
        result.skipped.append(f"{item.cot_uid}: {exc}")
        return
    if outcome == "unchanged":
        result.unchanged += 1
        return
    getattr(result, outcome).append(target)
    if outcome in ("added", "updated"):
        received.append(
            Received(
                target,
                kind,
                layer,
                item.sender_uid,
                item.sender_callsign,
                item.cot_type,
                utc_now_text(),
            )
        )


def _apply_record(store: Store, item: Incoming) -> str:
    theirs = item.record
    assert theirs is not None
    kind = theirs.KIND  # type: ignore[attr-defined]
    ours = store.team.store_repository(kind).find(theirs.id)
    history = _versions(store, theirs.id)
    if ours is not None and (ours.updated == theirs.updated or _same(ours, theirs)):
        return "unchanged"
    if theirs.updated in history:
        return "unchanged"  # a version we had: ours is newer, or deleted here
    if ours is None and history:
        return _conflict(store, kind, theirs.id, record_fields(theirs), item)
    if ours is not None:
        foreign = item.base is None and store.team.received(theirs.id) is not None
        newer = foreign and theirs.updated > ours.updated
        if not newer and item.base != ours.updated:
            return _conflict(store, kind, theirs.id, record_fields(theirs), item)
    with store.transaction():
        store.team.put_exact(theirs)
        store.team.mark_synced([(kind, theirs.id, theirs.updated)])
    return "added" if ours is None else "updated"


def _apply_delete(store: Store, item: Incoming) -> str:
    record_id = item.deleted_id
    assert record_id is not None
    kinds = [item.deleted_kind] if item.deleted_kind in _KINDS else list(_KINDS)
    for kind in kinds:
        repository = store.team.store_repository(str(kind))
        ours = repository.find(record_id)
        if ours is None:
            continue
        # From ATAK a delete names no version: it may delete what came from TAK.
        foreign = item.base is None and store.team.received(record_id) is not None
        if not foreign and item.base != ours.updated:
            return _conflict(store, str(kind), record_id, None, item)
        with store.transaction():
            repository.delete(record_id)
            store.team.mark_synced([(str(kind), record_id, ours.updated)])
        return "deleted"
    return "unchanged"


def _conflict(
    store: Store, kind: str, record_id: str, theirs: dict[str, object] | None, item: Incoming
) -> str:
    stamp = None if theirs is None else theirs.get("updated")
    for known in store.team.conflicts_for(record_id):
        if (None if known.theirs is None else known.theirs.get("updated")) == stamp:
            return "unchanged"  # the same change again (a re-sent picture)
    store.team.add_conflict(kind, record_id, theirs, item.sender_callsign)
    return "conflicts"


def _versions(store: Store, record_id: str) -> set[str]:
    """Every `updated` stamp the record has had here, from the change journal."""
    stamps = set()
    for entry in store.journal.for_record(record_id):
        for values in (entry.before, entry.after):
            if values and values.get("updated"):
                stamps.add(str(values["updated"]))
    return stamps


def _same(ours: Record, theirs: Record) -> bool:
    a, b = record_fields(ours), record_fields(theirs)
    if ours.updated == theirs.updated:
        return True
    for name in ("updated", "created", "author"):
        a.pop(name, None)
        b.pop(name, None)
    return a == b


def _needs_team_category(item: Incoming) -> bool:
    record = item.record
    return record is not None and getattr(record, "category", None) == TEAM_CATEGORY
