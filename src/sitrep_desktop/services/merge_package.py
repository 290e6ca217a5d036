"""Record versions inside the data packages we write, so a package merges as a database.

A TAK data package carries records as CoT; alone, a merge could only match
them by their `updated` stamps. So the package we write holds one more file of
ours, `sitrep/versions.json` (not in the manifest: ATAK ignores it), with what
`record_heads` and `record_versions` hold for every record in it: its version
and history, and the tombstones of records deleted here (a delete travels on
a USB stick as it does between two database files). `package_records` reads it
back and gives each record its version, so `sitrep merge DB package.zip` and
`sitrep merge DB other.db` decide the same.

The file is read with the same care as the package's CoT: a size cap, and a
file that is not what we write is ignored (the records then merge by stamp).
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io.records import RecordBatch
from ..store import Store
from ..store.versions import TABLE_OF, VersionReader

log = logging.getLogger(__name__)

VERSIONS_ENTRY = "sitrep/versions.json"
FORMAT = 1
MAX_VERSIONS_BYTES = 256 * 1024 * 1024  # unpacked; a 100,000-record package is ~20 MB


@dataclass(frozen=True)
class RecordVersions:
    kind: str
    version: str
    updated: str
    history: Mapping[str, str | None] = field(default_factory=dict)
    deleted: bool = False


@dataclass
class PackageVersions:
    origin: str = ""
    clock: int = 0
    records: dict[str, RecordVersions] = field(default_factory=dict)


def package_versions(store: Store, batch: RecordBatch) -> bytes:
    """The versions file for a package of `batch`'s records, written from `store`."""
    reader = VersionReader(store.conn)
    ids = [r.id for kind in TABLE_OF for r in _records(batch, kind)]
    sent = set(ids)
    heads = reader.heads(ids)
    others = reader.heads([rid for rid in reader.head_versions() if rid not in sent])
    tombstones = [rid for rid, head in others.items() if head.deleted]
    heads.update((rid, others[rid]) for rid in tombstones)
    wanted = ids + tombstones
    histories = reader.histories(wanted)
    records = {}
    for rid in wanted:
        head = heads.get(rid)
        if head is None:
            continue
        records[rid] = {
            "kind": head.kind,
            "version": head.version,
            "updated": head.updated,
            "history": histories[rid],
            **({"deleted": True} if head.deleted else {}),
        }
    document = {
        "format": FORMAT,
        "origin": reader.origin(),
        "clock": reader.clock(),
        "records": records,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def add_versions(path: str | Path, data: bytes) -> None:
    """Put the versions file into a package just written (before it is moved into place)."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(VERSIONS_ENTRY, data)


def read_versions(path: str | Path) -> PackageVersions | None:
    """The versions a package of ours carries; None when it has none we can use."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(VERSIONS_ENTRY)
            except KeyError:
                return None
            if info.file_size > MAX_VERSIONS_BYTES:
                log.warning("%s: %s too large, ignored", path, VERSIONS_ENTRY)
                return None
            with archive.open(info) as handle:
                raw = handle.read(MAX_VERSIONS_BYTES + 1)
    except (zipfile.BadZipFile, OSError) as exc:
        log.warning("%s: versions not read (%s)", path, exc)
        return None
    try:
        return _parsed(json.loads(raw))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("%s: %s not understood (%s), merged by stamps", path, VERSIONS_ENTRY, exc)
        return None


def _parsed(document: Any) -> PackageVersions | None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    found = PackageVersions(str(document.get("origin") or ""), int(document.get("clock") or 0))
    for rid, entry in dict(document["records"]).items():
        kind, history = entry["kind"], entry.get("history") or {}
        if kind not in TABLE_OF or not isinstance(history, dict):
            raise ValueError(f"record {rid}: bad kind or history")
        found.records[str(rid)] = RecordVersions(
            kind,
            str(entry["version"]),
            str(entry.get("updated") or ""),
            {str(v): None if u is None else str(u) for v, u in history.items()},
            bool(entry.get("deleted", False)),
        )
    return found


def _records(batch: RecordBatch, kind: str) -> list[Any]:
    return {
        "faction": batch.factions,
        "place": batch.places,
        "control_change": batch.control,
        "event": batch.events,
        "annotation": batch.annotations,
    }[kind]
