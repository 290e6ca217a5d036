"""What a merge found: added, updated, deleted, restored, kept, and conflicts field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Side = Literal["ours", "theirs"]
# Per record: one side for the whole record, or a side per field.
Resolution = Side | Mapping[str, Side]
NOT_KNOWN = object()  # an ancestor the journal does not know (None is a value)


@dataclass(frozen=True)
class FieldConflict:
    field: str
    ours: Any
    theirs: Any
    ancestor: Any = NOT_KNOWN  # NOT_KNOWN when the journal does not know it

    @property
    def ancestor_known(self) -> bool:
        return self.ancestor is not NOT_KNOWN

    def as_json(self) -> dict[str, Any]:
        result = {"field": self.field, "ours": self.ours, "theirs": self.theirs}
        if self.ancestor_known:
            result["ancestor"] = self.ancestor
        return result


@dataclass(frozen=True)
class Conflict:
    """One record both sides changed since they last met."""

    kind: str
    record_id: str
    label: str
    fields: tuple[FieldConflict, ...]
    our_version: str = ""
    their_version: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.record_id,
            "label": self.label,
            "fields": [f.as_json() for f in self.fields],
            "our_version": self.our_version,
            "their_version": self.their_version,
        }


@dataclass
class MergeReport:
    origin: str
    added: list[tuple[str, str]] = field(default_factory=list)  # (kind, id)
    updated: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    restored: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # deleted there, changed here
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    control_disputes: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # place, ours, theirs
    dry_run: bool = False

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.restored or self.resolved)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "deleted": len(self.deleted),
            "restored": len(self.restored),
            "kept": len(self.kept),
            "conflicts": len(self.conflicts),
        }

    def as_json(self) -> dict[str, Any]:
        def ids(items: list[tuple[str, str]]) -> list[dict[str, str]]:
            return [{"kind": kind, "id": rid} for kind, rid in items]

        return {
            "origin": self.origin,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "added": ids(self.added),
            "updated": ids(self.updated),
            "deleted": ids(self.deleted),
            "restored": ids(self.restored),
            "kept": ids(self.kept),
            "conflicts": [c.as_json() for c in self.conflicts],
            "control_disputes": [
                {"place_id": p, "ours": o, "theirs": t} for p, o, t in self.control_disputes
            ],
        }
