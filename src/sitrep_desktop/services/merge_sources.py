"""What a merge reads from the other side: a SitRep database, a data package, records.

Each source answers the same few questions (`MergeSource`): its origin, every
record's head, the histories of some records, their rows. A database knows
all of it; a data package we wrote carries them too (merge_package), and
records another SitRep sent through a TAK server carry their versions. A
package from elsewhere and TAK's own CoT carry records without histories, so
their versions are left empty and the merge matches them by `updated` stamp.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..domain import Record
from ..io import cot
from ..store import Store
from ..store import rows as row_codec
from ..store.versions import TABLE_OF, Head, OtherDatabase, Row, VersionReader

_TO_ROW = {
    "place": row_codec.place_to_row,
    "faction": row_codec.faction_to_row,
    "control_change": row_codec.control_to_row,
    "annotation": row_codec.annotation_to_row,
}


class MergeSource(Protocol):
    origin: str
    clock: int

    def head_versions(self) -> dict[str, str]: ...

    def heads(self, ids: Sequence[str]) -> dict[str, Head]: ...

    def histories(self, ids: Sequence[str]) -> dict[str, dict[str, str | None]]: ...

    def rows(self, kind: str, ids: Sequence[str]) -> dict[str, Row]: ...

    def version_row(self, record_id: str, version: str) -> Row | None: ...


class DatabaseSource:
    """Another SitRep database file, read-only (older files read as if migrated)."""

    def __init__(self, path: str | Path) -> None:
        self.other: VersionReader = OtherDatabase(path)
        self.origin = self.other.origin() or f"file {Path(path).name}"
        self.clock = self.other.clock()

    @classmethod
    def of_store(cls, store: Store) -> DatabaseSource:
        """A database already open here (another window's, or a test's copy)."""
        source = cls.__new__(cls)
        source.other = VersionReader(store.conn)
        source.origin, source.clock = source.other.origin(), source.other.clock()
        return source

    def head_versions(self) -> dict[str, str]:
        return self.other.head_versions()

    def heads(self, ids: Sequence[str]) -> dict[str, Head]:
        return self.other.heads(ids)

    def histories(self, ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
        return self.other.histories(ids)

    def rows(self, kind: str, ids: Sequence[str]) -> dict[str, Row]:
        return self.other.rows(kind, ids)

    def version_row(self, record_id: str, version: str) -> Row | None:
        return self.other.version_row(record_id, version)

    def close(self) -> None:
        if isinstance(self.other, OtherDatabase):
            self.other.close()


@dataclass(frozen=True)
class IncomingRecord:
    """One record from elsewhere, for `merge_records`.

    `record` is the record as the sender holds it, or None when the sender
    deleted it (then `kind` and `record_id` say which). `version` and
    `history` ({version: updated stamp}) are the sender's, when it keeps them
    (another SitRep); without them the record is matched by its `updated` stamp.
    """

    record: Record | None
    kind: str = ""
    record_id: str = ""
    version: str = ""
    history: Mapping[str, str] = field(default_factory=dict)
    updated: str = ""

    @property
    def id(self) -> str:
        return self.record.id if self.record is not None else self.record_id

    @property
    def record_kind(self) -> str:
        return self.record.KIND if self.record is not None else self.kind  # type: ignore[attr-defined]


class RecordsSource:
    """Records in memory: a data package read by io.cot, or what a TAK server sent."""

    def __init__(self, store: Store, incoming: Iterable[IncomingRecord], origin: str) -> None:
        self.origin = origin
        self.clock = 0
        self._incoming = {item.id: item for item in incoming}
        places = {
            i.id: (i.record.lon, i.record.lat)  # type: ignore[union-attr]
            for i in self._incoming.values()
            if i.record is not None and i.record_kind == "place"
        }
        wanted = [
            i.record.place_id  # type: ignore[union-attr]
            for i in self._incoming.values()
            if i.record_kind == "event" and getattr(i.record, "place_id", None)
        ]
        self._points = {**VersionReader(store.conn).place_points(wanted), **places}

    def head_versions(self) -> dict[str, str]:
        return {rid: item.version for rid, item in self._incoming.items()}

    def heads(self, ids: Sequence[str]) -> dict[str, Head]:
        heads = {}
        for rid in ids:
            item = self._incoming[rid]
            updated = item.record.updated if item.record is not None else item.updated
            heads[rid] = Head(rid, item.record_kind, item.version, updated, item.record is None)
        return heads

    def histories(self, ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
        result: dict[str, dict[str, str | None]] = {}
        for rid in ids:
            item = self._incoming[rid]
            result[rid] = dict(item.history)
            if item.version:
                result[rid][item.version] = item.record.updated if item.record else item.updated
        return result

    def rows(self, kind: str, ids: Sequence[str]) -> dict[str, Row]:
        found = {}
        for rid in ids:
            # An id not sent (a place an event names, looked for to revive it): none.
            item = self._incoming.get(rid)
            record = None if item is None else item.record
            if record is None or record.KIND != kind:  # type: ignore[attr-defined]
                continue
            if kind == "event":
                point = self._points.get(record.place_id or "")  # type: ignore[attr-defined]
                found[rid] = row_codec.event_to_row(record, point)  # type: ignore[arg-type]
            else:
                found[rid] = _TO_ROW[kind](record)  # type: ignore[arg-type]
        return found

    def version_row(self, record_id: str, version: str) -> Row | None:
        return None

    def close(self) -> None:
        pass


def is_data_package(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def package_records(path: str | Path) -> list[IncomingRecord]:
    """The records a SitRep data package carries inside its CoT <detail>, with their
    versions and histories and the tombstones when we wrote it (merge_package)."""
    from .merge_package import read_versions

    batch = cot.read_datapackage(path)
    records: list[Record] = [*batch.factions, *batch.places, *batch.control, *batch.events,
                             *batch.annotations]  # fmt: skip
    versions = read_versions(path)
    known = {} if versions is None else versions.records
    found = []
    for record in records:
        if record.KIND not in TABLE_OF:  # type: ignore[attr-defined]
            continue
        entry = known.get(record.id)
        if entry is None or entry.deleted or entry.kind != record.KIND:  # type: ignore[attr-defined]
            found.append(IncomingRecord(record))
        else:
            found.append(IncomingRecord(record, version=entry.version, history=entry.history))
    carried = {r.id for r in records}
    for rid, entry in known.items():
        if entry.deleted and rid not in carried:
            found.append(
                IncomingRecord(None, kind=entry.kind, record_id=rid, version=entry.version,
                               history=entry.history, updated=entry.updated)
            )  # fmt: skip
    return found


def open_source(store: Store, path: str | Path) -> DatabaseSource | RecordsSource:
    """A database file, or a data package (a zip), as a merge source."""
    from .merge_package import read_versions

    path = Path(path)
    if path.is_file() and is_data_package(path):
        source = RecordsSource(store, package_records(path), f"package {path.name}")
        versions = read_versions(path)
        source.clock = 0 if versions is None else versions.clock
        return source
    return DatabaseSource(path)


def field_names(kind: str) -> list[str]:
    """A record kind's fields a user edits (stamps and derived columns left out)."""
    import dataclasses

    from ..domain.records import RECORD_TYPES

    stamps = {"id", "created", "updated", "author"}
    return [f.name for f in dataclasses.fields(RECORD_TYPES[kind]) if f.name not in stamps]


# Columns that follow a field when a user takes that field from the other side.
DERIVED: dict[str, tuple[str, ...]] = {
    "at": ("at_key",),
    "valid_from": ("valid_from_key",),
    "valid_to": ("valid_to_key",),
    "geometry": ("min_lon", "min_lat", "max_lon", "max_lat"),
}


def same_content(kind: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    return all(ours.get(name) == theirs.get(name) for name in field_names(kind))
