"""Merge what laptops carried apart: another database, a data package, a TAK feed.

The rules, for each record the other side knows (by id):

- not here at all: added (a record they deleted leaves its tombstone here, so
  a third copy that still has it learns of the delete);
- their version is in our history (they have an older copy): ours stays;
- our version is in their history (only they changed it since the two last
  met): theirs is taken, a delete included;
- neither knows the other's version (both changed it):
  - same content: nothing changes, the histories are joined;
  - deleted there, changed here: ours stays (reported under `kept`), and
    deleted here, changed there: theirs comes back (reported under `restored`);
  - otherwise a **conflict**, reported field by field (ours, theirs, and the
    common ancestor where the journal knows it). Ours stays until the caller
    resolves it (`resolutions`); an unresolved conflict is reported again by
    the next merge, never settled silently.

Two control changes for one place at the same instant (different records
from the two sides) are both kept, and flagged in `control_disputes`: the
control rule reports such a place as disputed.

A data package or a marker made in TAK carries no history: a record is matched
by its `updated` stamp (another SitRep on the TAK server sends its versions,
services/team/cot_out, and merges exactly). Theirs is taken when it is later
than ours and ours came from a merge (was not changed here since); otherwise a
difference is a conflict.

Entry points:

- `plan_merge(store, source)` → `MergePlan`: nothing is written; `.report`
  says what would happen, `.command(resolutions)` is the one undo step.
- `merge_path(store, path, dry_run=..., resolutions=...)` → `MergeReport`:
  a database file or a data package (the CLI and File > Merge…).
- `merge_records(store, incoming, origin, resolutions=None)` → `MergeReport`:
  records from anywhere, e.g. CoT from a TAK server, one or many at a time
  (`IncomingRecord`: the record, or None and its id for a delete, with the
  sender's version and history when it keeps them).
- `versions_of(store, ids)` → {id: (version, history)}: what a sender puts
  beside each record it sends, so the receiver merges it exactly (another
  SitRep), instead of by `updated` stamp.

Every merge is one transaction, journalled with the other side's origin.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..commands.base import repository_for
from ..commands.merge import MergeCommand
from ..domain.times import utc_now_text
from ..store import Store
from ..store.versions import KIND_ORDER, Head, RecordWrite, Row, VersionReader
from .merge_report import NOT_KNOWN, Conflict, FieldConflict, MergeReport, Resolution
from .merge_sources import (
    DERIVED,
    IncomingRecord,
    MergeSource,
    RecordsSource,
    field_names,
    open_source,
    same_content,
)

__all__ = [
    "Conflict",
    "FieldConflict",
    "IncomingRecord",
    "MergePlan",
    "MergeReport",
    "merge_from",
    "merge_path",
    "merge_records",
    "plan_merge",
    "versions_of",
]


# Up to this many records from the other side, our heads are looked up by id;
# past it, read all at once (a whole database merged).
FEW_RECORDS = 5_000


@dataclass
class _Pending:
    """A conflict's makings, kept until the caller resolves it (or not)."""

    kind: str
    ours: Row
    theirs: Row
    our_head: Head
    their_head: Head
    learned: list[tuple[str, str]]


@dataclass
class MergePlan:
    store: Store
    report: MergeReport
    writes: list[RecordWrite]
    pending: dict[str, _Pending]
    their_clock: int = 0

    def command(self, resolutions: Mapping[str, Resolution] | None = None) -> MergeCommand:
        """The merge as one undo step, with the conflicts resolved as given."""
        writes = list(self.writes)
        for record_id, resolution in (resolutions or {}).items():
            writes.append(self._resolve(record_id, resolution))
        self.report.resolved = list(resolutions or {})
        return MergeCommand(writes, self.report.origin, self.their_clock, _summary(self.report))

    def _resolve(self, record_id: str, resolution: Resolution) -> RecordWrite:
        item = self.pending[record_id]
        names = field_names(item.kind)
        sides = {n: resolution for n in names} if isinstance(resolution, str) else resolution
        unknown = set(sides) - set(names)
        if unknown or any(s not in ("ours", "theirs") for s in sides.values()):
            raise ValueError(f"bad resolution for {record_id}: {dict(sides)}")
        chosen = [n for n in names if sides.get(n, "ours") == "theirs"]
        differing = [n for n in names if item.ours.get(n) != item.theirs.get(n)]
        if not set(differing) & set(chosen):  # all ours: ours now knows theirs
            return RecordWrite(item.kind, record_id, item.ours, item.ours,
                               item.our_head, item.our_head, item.learned)  # fmt: skip
        if set(differing) <= set(chosen):  # all theirs
            return RecordWrite(item.kind, record_id, item.ours, item.theirs,
                               item.our_head, item.their_head, item.learned)  # fmt: skip
        row = _mixed_row(self.store, item, chosen)
        version = _new_version(self.store, self.their_clock)
        head = Head(record_id, item.kind, version, row["updated"])
        return RecordWrite(item.kind, record_id, item.ours, row, item.our_head, head,
                           [*item.learned, (version, row["updated"])])  # fmt: skip


def plan_merge(store: Store, source: MergeSource) -> MergePlan:
    """Compare every record the other side knows with ours; write nothing."""
    ours = VersionReader(store.conn)
    their_versions = source.head_versions()
    if len(their_versions) <= FEW_RECORDS:
        # A few records (a slice of CoT from the team): look up just theirs, not
        # every head here (a scan of the whole database, ~40 ms at 10,000 events).
        our_versions = {rid: head.version for rid, head in ours.heads(list(their_versions)).items()}
    else:
        our_versions = ours.head_versions()
    # A record whose head is the same on both sides needs nothing: most of them.
    todo = [
        rid
        for rid, version in their_versions.items()
        if not version or our_versions.get(rid) != version
    ]
    our_heads = ours.heads([rid for rid in todo if rid in our_versions])
    their_heads = source.heads(todo)
    known = [rid for rid in todo if rid in our_heads]
    our_hist, their_hist = ours.histories(known), source.histories(known)
    versionless = [rid for rid in known if not their_heads[rid].version]
    from_merge = ours.came_from_merge(versionless) if versionless else set()
    report = MergeReport(origin=source.origin)
    outcome: dict[str, str] = {}
    for rid in todo:
        t, o = their_heads[rid], our_heads.get(rid)
        if o is None:
            outcome[rid] = "tombstone" if t.deleted else "add"
            continue
        if t.version:
            theirs_known, ours_known = t.version in our_hist[rid], o.version in their_hist[rid]
        else:
            theirs_known = t.updated in our_hist[rid].values()
            # Not changed here since it came: a later copy (or a delete) is taken.
            ours_known = rid in from_merge and (t.deleted or t.updated > o.updated)
        if theirs_known:
            continue
        if ours_known:
            outcome[rid] = "take"
        else:
            outcome[rid] = "both"
    their_hist.update(source.histories([r for r in outcome if r not in our_heads]))
    rows_ours = _rows(ours, their_heads, [r for r in outcome if r in our_heads])
    rows_theirs = _rows(source, their_heads, list(outcome))
    writes: list[RecordWrite] = []
    pending: dict[str, _Pending] = {}
    for rid, what in outcome.items():
        t, o = their_heads[rid], our_heads.get(rid)
        mine, theirs = rows_ours.get(rid), rows_theirs.get(rid)
        learned = _learned(their_hist[rid], our_hist.get(rid, {}), t)
        if not t.version:  # no version from the sender: the merge stamps one
            if what == "both" and mine is not None and theirs is not None:
                if same_content(t.kind, mine, theirs):
                    continue
            t = t._replace(version=_new_version(store, 0))
            learned = [(t.version, t.updated)]
        if what == "both":
            what = _both(report, rid, t, o, mine, theirs, ours, source)  # type: ignore[arg-type]
            if what == "conflict":
                pending[rid] = _Pending(t.kind, mine, theirs, o, t, learned)  # type: ignore[arg-type]
                continue
            if what == "same" and o is not None and t.version < o.version:
                t, theirs = o, mine  # the greater version wins, on both sides alike
        if what in ("take", "add", "restore", "same", "tombstone", "kept"):
            after = mine if what == "kept" else theirs
            head = o if what == "kept" else t
            writes.append(RecordWrite(t.kind, rid, mine, after, o, head, learned))
            _count(report, what, t, mine, after)
    _refuse_orphaning_deletes(ours, writes, report)
    _revive_parents(store, ours, source, writes, report)
    report.control_disputes = _control_disputes(store, writes)
    return MergePlan(store, report, writes, pending, getattr(source, "clock", 0))


def _both(report: MergeReport, rid: str, t: Head, o: Head, mine: Row | None,
          theirs: Row | None, ours: VersionReader, source: MergeSource) -> str:  # fmt: skip
    """Both sides changed the record since they last met."""
    if mine is None and theirs is None:
        return "same"
    if theirs is None:
        return "kept"
    if mine is None:
        return "restore"
    if same_content(t.kind, mine, theirs):
        return "same"
    report.conflicts.append(_conflict(rid, t, mine, theirs, ours, source))
    report.conflicts[-1] = dataclasses.replace(report.conflicts[-1], our_version=o.version)
    return "conflict"


def _count(report: MergeReport, what: str, t: Head, mine: Row | None, after: Row | None) -> None:
    item = (t.kind, t.record_id)
    if what == "kept":
        report.kept.append(item)
    elif what == "restore":
        report.restored.append(item)
    elif mine is None and after is not None:
        report.added.append(item)
    elif mine is not None and after is None:
        report.deleted.append(item)
    elif mine is not None and after is not None and mine != after:
        report.updated.append(item)


def _rows(reader: Any, heads: Mapping[str, Head], ids: list[str]) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for kind in KIND_ORDER:
        wanted = [rid for rid in ids if heads[rid].kind == kind]
        if wanted:
            found.update(reader.rows(kind, wanted))
    return found


def _learned(theirs: Mapping[str, str | None], ours: Mapping[str, str | None],
             head: Head) -> list[tuple[str, str]]:  # fmt: skip
    learned = [(v, u or "") for v, u in theirs.items() if v not in ours]
    if head.version and head.version not in ours and head.version not in theirs:
        learned.append((head.version, head.updated))
    return learned


def _conflict(
    rid: str, t: Head, mine: Row, theirs: Row, ours: VersionReader, source: MergeSource
) -> Conflict:
    ancestor = _ancestor_row(rid, ours, source)
    names = [n for n in field_names(t.kind) if mine.get(n) != theirs.get(n)]
    fields = tuple(
        FieldConflict(n, mine.get(n), theirs.get(n),
                      ancestor.get(n, NOT_KNOWN) if ancestor else NOT_KNOWN)
        for n in names
    )  # fmt: skip
    label = str(mine.get("name") or mine.get("title") or mine.get("label") or t.kind)
    return Conflict(t.kind, rid, label, fields, their_version=t.version)


def _ancestor_row(rid: str, ours: VersionReader, theirs: MergeSource) -> Row | None:
    """What the record held when the two last agreed, from either side's journal."""
    mine = ours.histories([rid])[rid]
    common = sorted(v for v in theirs.histories([rid])[rid] if v in mine)
    for version in reversed(common):  # the latest version both know
        row = ours.version_row(rid, version) or theirs.version_row(rid, version)
        if row is not None:
            return row
    return None


def _refuse_orphaning_deletes(
    ours: VersionReader, writes: list[RecordWrite], report: MergeReport
) -> None:
    """A place or faction still used here (by records the merge keeps) is not deleted."""
    deleting = {w.record_id for w in writes if w.after is None and w.before is not None}
    for kind in ("faction", "place"):
        ids = [w.record_id for w in writes if w.kind == kind and w.record_id in deleting]
        users = ours.referrers(kind, ids) if ids else {}
        for w in writes:
            if w.record_id in users and users[w.record_id] - deleting:
                w.after, w.head_after, w.learned = w.before, w.head_before, []
                report.deleted.remove((kind, w.record_id))
                report.kept.append((kind, w.record_id))


def _revive_parents(
    store: Store,
    ours: VersionReader,
    source: MergeSource,
    writes: list[RecordWrite],
    report: MergeReport,
) -> None:
    """Places and factions deleted here that arriving records still name come back.

    Say we deleted a place while the other laptop logged an event there: the
    event arrives, so its place is restored from theirs (reported as restored),
    with a new version that both sides will then agree on.
    """
    written = {w.record_id for w in writes}
    needed: dict[str, set[str]] = {"place": set(), "faction": set()}
    for w in writes:
        if w.after is not None and w.kind in ("event", "control_change"):
            if w.after.get("place_id"):
                needed["place"].add(w.after["place_id"])
            if w.after.get("faction_id"):
                needed["faction"].add(w.after["faction_id"])
    for kind, ids in needed.items():
        wanted = sorted(ids - written - set(ours.rows(kind, sorted(ids - written))))
        if not wanted:
            continue
        theirs = source.rows(kind, wanted)
        our_heads, their_hist = ours.heads(wanted), source.histories(list(theirs))
        our_hist = ours.histories(list(theirs))
        for rid, row in theirs.items():
            version = _new_version(store, getattr(source, "clock", 0))
            head = Head(rid, kind, version, row["updated"])
            learned = _learned(their_hist[rid], our_hist[rid], head)  # head included
            writes.insert(0, RecordWrite(kind, rid, None, row, our_heads.get(rid), head, learned))
            report.restored.append((kind, rid))


def _control_disputes(store: Store, writes: Sequence[RecordWrite]) -> list[tuple[str, str, str]]:
    disputes = []
    for w in writes:
        if w.kind != "control_change" or w.after is None or w.after == w.before:
            continue
        for change in store.control.history(w.after["place_id"]):
            if (change.id != w.record_id and change.at.key == w.after["at_key"]
                    and change.faction_id != w.after["faction_id"]):  # fmt: skip
                disputes.append((w.after["place_id"], change.id, w.record_id))
    return disputes


def _mixed_row(store: Store, item: _Pending, chosen: Sequence[str]) -> Row:
    """Ours with the chosen fields taken from theirs, validated, stamped now."""
    row = dict(item.ours)
    for name in chosen:
        for column in (name, *DERIVED.get(name, ())):
            if column in item.theirs:
                row[column] = item.theirs[column]
    repository = repository_for(store, item.kind)
    record = repository.from_row(row)
    stamp = max(utc_now_text(), item.ours["updated"], item.theirs["updated"])
    checked = dataclasses.replace(record, updated=stamp)  # runs the record's validation
    return {**row, **repository.to_row(checked)}


def _new_version(store: Store, other_clock: int) -> str:
    clock = max(VersionReader(store.conn).clock(), other_clock) + 1
    return f"{clock:012d}.{secrets.token_hex(6)}"


def _summary(report: MergeReport) -> str:
    counts = report.counts()
    return (
        f"merge from {report.origin} (+{counts['added']} ~{counts['updated']} -{counts['deleted']})"
    )


def versions_of(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, str | None]]]:
    """Each record's head version and history here, for a sender to pass along."""
    reader = VersionReader(store.conn)
    heads, histories = reader.heads(ids), reader.histories(ids)
    return {rid: (head.version, histories[rid]) for rid, head in heads.items()}


def merge_path(
    store: Store,
    path: str | Path,
    *,
    dry_run: bool = False,
    resolutions: Mapping[str, Resolution] | None = None,
) -> MergeReport:
    """Merge another database file or a data package into `store` (one transaction)."""
    source = open_source(store, path)
    try:
        return merge_from(store, source, dry_run=dry_run, resolutions=resolutions)
    finally:
        source.close()


def merge_records(
    store: Store,
    incoming: Iterable[IncomingRecord],
    origin: str,
    *,
    resolutions: Mapping[str, Resolution] | None = None,
) -> MergeReport:
    """Merge records from elsewhere (a TAK server: one record at a time is fine)."""
    return merge_from(store, RecordsSource(store, incoming, origin), resolutions=resolutions)


def merge_from(
    store: Store,
    source: MergeSource,
    *,
    dry_run: bool = False,
    resolutions: Mapping[str, Resolution] | None = None,
) -> MergeReport:
    """Plan and (unless a dry run) apply a merge from any source; the report says what."""
    plan = plan_merge(store, source)
    plan.report.dry_run = dry_run
    command = plan.command(resolutions)
    if not dry_run:
        command.do(store)
    return plan.report
