"""The repositories for each kind of record, and the queries users ask of them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain import (
    DEFAULT_CATEGORIES,
    Annotation,
    ControlChange,
    ControlState,
    Event,
    Faction,
    Moment,
    Place,
    parse_moment,
    resolve_control,
)
from ..domain.errors import ValidationError
from . import rows
from .errors import ReferencedError
from .id_chunks import in_chunks
from .repository import R, Repository
from .search import fts_query

if TYPE_CHECKING:
    from .database import Store

BBox = tuple[float, float, float, float]  # west, south, east, north (degrees)


class PlaceRepository(Repository[Place]):
    table, kind, label, order_by = "places", "place", "place", "name COLLATE NOCASE"
    to_row = staticmethod(rows.place_to_row)  # type: ignore[assignment]
    from_row = staticmethod(rows.place_from_row)  # type: ignore[assignment]

    def by_name(self, name: str) -> Place | None:
        """A place whose name or alternate name equals `name` (case-insensitive)."""
        row = self.conn.execute(
            "SELECT * FROM places WHERE name = ? COLLATE NOCASE", (name.strip(),)
        ).fetchone()
        if row is not None:
            return self.from_row(row)
        wanted = name.strip().casefold()
        for place in self.search(name, limit=50):
            if wanted in (n.casefold() for n in place.all_names):
                return place
        return None

    def in_bbox(self, bbox: BBox) -> list[Place]:
        west, south, east, north = bbox
        return self.select(
            "rowid IN (SELECT rid FROM places_rtree WHERE max_lon >= ? AND min_lon <= ? "
            "AND max_lat >= ? AND min_lat <= ?)",
            (west, east, south, north),
        )

    def search(self, text: str, limit: int = 50) -> list[Place]:
        query = fts_query(text)
        if query is None:
            return []
        sql = (
            "SELECT places.* FROM places_fts JOIN places ON places.rowid = places_fts.rowid "
            "WHERE places_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        return [self.from_row(r) for r in self.conn.execute(sql, (query, limit))]

    def _after_update(self, before: Mapping[str, Any], saved: Place) -> None:
        # Events located only by this place move with it.
        self.conn.execute(
            "UPDATE events SET min_lon = ?, max_lon = ?, min_lat = ?, max_lat = ? "
            "WHERE place_id = ? AND geometry IS NULL",
            (saved.lon, saved.lon, saved.lat, saved.lat, saved.id),
        )

    def _check_unreferenced(self, row: Mapping[str, Any]) -> None:
        changes = self.conn.execute(
            "SELECT count(*) FROM control_changes WHERE place_id = ?", (row["id"],)
        ).fetchone()[0]
        events = self.conn.execute(
            "SELECT count(*) FROM events WHERE place_id = ?", (row["id"],)
        ).fetchone()[0]
        if changes or events:
            raise ReferencedError(
                f"{row['name']} still has {changes} control change(s) and {events} event(s); "
                "delete or move them first"
            )


class FactionRepository(Repository[Faction]):
    table, kind, label, order_by = "factions", "faction", "faction", "name COLLATE NOCASE"
    to_row = staticmethod(rows.faction_to_row)  # type: ignore[assignment]
    from_row = staticmethod(rows.faction_from_row)  # type: ignore[assignment]

    def by_name(self, name: str) -> Faction | None:
        row = self.conn.execute(
            "SELECT * FROM factions WHERE name = ? COLLATE NOCASE OR short_name = ? COLLATE NOCASE",
            (name, name),
        ).fetchone()
        return None if row is None else self.from_row(row)

    def _check_unreferenced(self, row: Mapping[str, Any]) -> None:
        used = self.conn.execute(
            "SELECT count(*) FROM control_changes WHERE faction_id = ?", (row["id"],)
        ).fetchone()[0]
        if used:
            raise ReferencedError(f"{row['name']} is named in {used} control change(s)")


class _TimedRepository(Repository[R]):
    """Records with an `at_key` column: control changes and events."""

    def between(self, start: Moment | str, end: Moment | str) -> list[R]:
        """Records after `start` and at or before `end`: "what changed since Monday"."""
        lo, hi = parse_moment(start, "since"), parse_moment(end, "until")
        return self.select("at_key > ? AND at_key <= ?", (lo.upper_key, hi.upper_key))


class ControlRepository(_TimedRepository[ControlChange]):
    table, kind, label, order_by = "control_changes", "control_change", "control change", "at_key"
    to_row = staticmethod(rows.control_to_row)  # type: ignore[assignment]
    from_row = staticmethod(rows.control_from_row)  # type: ignore[assignment]

    def history(self, place_id: str) -> list[ControlChange]:
        return self.select("place_id = ?", (place_id,), order="at_key, id")

    def control_at(self, place_id: str, at: Moment | str | None = None) -> ControlState | None:
        """Who holds `place_id` at `at` (now, if None): the latest change at or before it."""
        moment = _optional_moment(at)
        params: list[Any] = [place_id]
        where = "place_id = ?"
        if moment is not None:
            where += " AND at_key <= ?"
            params.append(moment.upper_key)
        return resolve_control(self.select(where, params), moment).get(place_id)

    def control_map(self, at: Moment | str | None = None) -> dict[str, ControlState]:
        """Control of every place with a known controller at `at` (latest, if None)."""
        moment = _optional_moment(at)
        if moment is None:
            return resolve_control(self.all())
        return resolve_control(self.select("at_key <= ?", (moment.upper_key,)), moment)


class EventRepository(_TimedRepository[Event]):
    table, kind, label, order_by = "events", "event", "event", "at_key, rowid"
    from_row = staticmethod(rows.event_from_row)  # type: ignore[assignment]

    def to_row(self, record: Event) -> dict[str, Any]:
        point = None
        if record.geometry is None and record.place_id is not None:
            found = self.conn.execute(
                "SELECT lon, lat FROM places WHERE id = ?", (record.place_id,)
            ).fetchone()
            point = (found[0], found[1]) if found else None
        return rows.event_to_row(record, point)

    def query(
        self,
        *,
        since: Moment | str | None = None,
        until: Moment | str | None = None,
        search: str | None = None,
        categories: Sequence[str] | None = None,
        bbox: BBox | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Event]:
        """Events matching every given filter, oldest first.

        The same rules as the event list's (store.event_queries): one place says
        what "since", "until", a text search and a box mean.
        """
        from .event_queries import EventFilter, EventQueries

        spec = EventFilter(
            search=search or "",
            categories=tuple(categories or ()),
            since=_moment_text(since),
            until=_moment_text(until),
            bbox=bbox,
        )
        page = EventQueries(self.store).page(
            spec, offset=offset, limit=-1 if limit is None else limit
        )
        return [event for _rowid, event in page]

    def map_columns(self, ids: Sequence[str] | None = None) -> list[tuple]:
        """What the map needs of events (all, or `ids`), without building records:
        (id, at_key, category, place_id, has_geometry, lon, lat, shape_wkt). lon/lat
        are the point of a point geometry or of the event's place; shape_wkt is
        given only for lines and areas, whose drawn point must be worked out."""
        sql = (
            "SELECT id, at_key, category, place_id, geometry IS NOT NULL, min_lon, min_lat, "
            "CASE WHEN min_lon = max_lon AND min_lat = max_lat THEN NULL ELSE geometry END "
            "FROM events"
        )
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a million sqlite3.Row objects cost
        if ids is None:
            return cursor.execute(sql + " ORDER BY at_key, rowid").fetchall()
        found = []
        for chunk, marks in in_chunks(ids):
            found += cursor.execute(f"{sql} WHERE id IN ({marks})", chunk).fetchall()
        return found


class AnnotationRepository(Repository[Annotation]):
    table, kind, label, order_by = "annotations", "annotation", "annotation", "label, rowid"
    to_row = staticmethod(rows.annotation_to_row)  # type: ignore[assignment]
    from_row = staticmethod(rows.annotation_from_row)  # type: ignore[assignment]

    def valid_at(self, at: Moment | str | None) -> list[Annotation]:
        moment = _optional_moment(at)
        return [a for a in self.all() if a.valid_at(moment)]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    at: str
    author: str
    record_kind: str
    record_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def changed_fields(self) -> list[str]:
        """Fields whose value differs between before and after (bookkeeping left out)."""
        before, after = self.before or {}, self.after or {}
        skip = {
            "updated",
            "at_key",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "valid_from_key",
            "valid_to_key",
        }
        return sorted(
            k for k in set(before) | set(after) if k not in skip and before.get(k) != after.get(k)
        )


class JournalReader:
    """The append-only change journal, read back for a record's history."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def for_record(self, record_id: str) -> list[JournalEntry]:
        sql = "SELECT * FROM journal WHERE record_id = ? ORDER BY seq"
        return [_entry(r) for r in self.store.conn.execute(sql, (record_id,))]

    def since(self, seq: int = 0, limit: int = 1000) -> list[JournalEntry]:
        sql = "SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?"
        return [_entry(r) for r in self.store.conn.execute(sql, (seq, limit))]

    def count(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM journal").fetchone()[0]


def _entry(row: Mapping[str, Any]) -> JournalEntry:
    return JournalEntry(
        row["seq"],
        row["at"],
        row["author"],
        row["record_kind"],
        row["record_id"],
        row["action"],
        json.loads(row["before"]) if row["before"] else None,
        json.loads(row["after"]) if row["after"] else None,
    )


class CategoryRepository:
    """The editable list of event categories."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def names(self) -> list[str]:
        rows_ = self.store.conn.execute("SELECT name FROM categories ORDER BY position, name")
        return [name for (name,) in rows_]

    def ensure(self, names: Sequence[str]) -> None:
        """Add categories that are missing (keeps existing ones and their order)."""
        with self.store.transaction() as conn:
            start = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM categories"
            ).fetchone()[0]
            added = []
            for offset, name in enumerate(names):
                if not name or not name.strip():
                    raise ValidationError("category", name, "is required")
                cur = conn.execute(
                    "INSERT OR IGNORE INTO categories (name, label, position) VALUES (?, ?, ?)",
                    (name.strip(), name.strip().capitalize(), start + offset),
                )
                if cur.rowcount:
                    added.append(name.strip())
            if added:
                self.store.notify("category", "insert", added)

    def ensure_defaults(self) -> None:
        self.ensure(DEFAULT_CATEGORIES)


def _moment_text(value: Moment | str | None) -> str:
    return value.text if isinstance(value, Moment) else (value or "")


def _optional_moment(at: Moment | str | None) -> Moment | None:
    return None if at is None else parse_moment(at, "at")
