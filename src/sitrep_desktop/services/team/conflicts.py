"""The conflicts the team link kept, resolved in the merge dialog (Tools > Team conflicts…).

`plan_team_conflicts(store)` merges the kept remote changes again, writing
nothing: its report lists each conflict field by field (ours, theirs, the
ancestor), as for a file merge. `ResolveTeamConflicts` applies the user's
choices as one undo step: the merge's writes, the kept changes forgotten, and
the resolved records queued for the team, so the others learn that our version
now knows theirs (a conflict kept ours writes no row, so no trigger queues it).
Undo puts all three back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ...commands.base import Command
from ...commands.merge import MergeCommand
from ...io.records import ProblemError, record_from_fields
from ...store import Store
from ...store.team import TeamConflict
from ..merge import IncomingRecord, MergePlan, Resolution, plan_merge
from ..merge_sources import RecordsSource

log = logging.getLogger(__name__)


def team_conflict_records(store: Store) -> list[IncomingRecord]:
    """The remote changes kept as conflicts, as the merge takes them."""
    found = []
    for kept in store.team.conflicts():
        record = None
        if kept.theirs is not None:
            try:
                record = record_from_fields(kept.record_kind, kept.theirs, "team conflict")
            except ProblemError as exc:  # kept by an older version, no longer valid
                log.warning("team conflict %s not shown: %s", kept.record_id, exc.problem)
                continue
        found.append(
            IncomingRecord(record, kind=kept.record_kind, record_id=kept.record_id,
                           version=kept.version, history=kept.history, updated=kept.updated)
        )  # fmt: skip
    return found


def plan_team_conflicts(store: Store, origin: str = "the team") -> MergePlan:
    """The kept conflicts merged again, nothing written; a kept change the merge no
    longer needs (settled since, e.g. by a file merge) is forgotten here."""
    records = team_conflict_records(store)
    plan = plan_merge(store, RecordsSource(store, records, origin))
    still = {c.record_id for c in plan.report.conflicts} | {w.record_id for w in plan.writes}
    store.team.drop_conflicts([r.id for r in records if r.id not in still])
    return plan


class ResolveTeamConflicts(Command):
    """The user's choices for the team's conflicts, as one undo step."""

    def __init__(self, plan: MergePlan, resolutions: Mapping[str, Resolution]) -> None:
        self.resolutions = dict(resolutions)
        self.merge: MergeCommand = plan.command(self.resolutions)
        self.text = "resolve team conflicts"
        kinds = {c.record_id: c.kind for c in plan.report.conflicts}
        self.shared = [(kinds[rid], rid) for rid in self.resolutions if rid in kinds]
        self.kept: list[TeamConflict] = []

    def do(self, store: Store) -> None:
        with store.transaction():
            self.merge.do(store)
            ids = {rid for _, rid in self.shared}
            self.kept = [k for k in store.team.conflicts() if k.record_id in ids]
            store.team.drop_conflicts(ids)
            if store.team.sharing:
                store.team.queue(self.shared)

    def undo(self, store: Store) -> None:
        with store.transaction():
            self.merge.undo(store)
            for kept in self.kept:
                store.team.keep_conflict(kept)
