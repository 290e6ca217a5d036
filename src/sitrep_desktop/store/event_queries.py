"""Queries behind the event list: filters, sorting, counting and paging.

Built for 1,000,000 events: the list asks for a count and then for pages of
rows as they scroll into view, never for everything. Pages are read with
LIMIT/OFFSET over an index (time order) and, when the previous page is known,
with a keyset (`(at_key, rowid) > last`) so scrolling down stays O(page).

Faction filter: an event belongs to a faction when its actors name it (its
full name or short name, case-insensitive). We chose actors rather than "at
places the faction controls" because control changes over time, so the same
event would move in and out of the filter as the map's time moves; actors are
what the person logging the event said.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from ..domain import Event, parse_moment
from ..geo.geodesy import distances_from
from .repositories import BBox
from .rows import event_from_row, event_reader
from .search import fts_query

if TYPE_CHECKING:
    from .database import Store

# Column name -> ORDER BY expression (rowid breaks ties so the order is total).
SORT_KEYS = {
    "time": "events.at_key",
    "category": "events.category",
    "title": "events.title COLLATE NOCASE",
    "place": "(SELECT name FROM places WHERE places.id = events.place_id) COLLATE NOCASE",
    "confidence": ("CASE events.confidence WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"),
}
KM_PER_DEGREE_LAT = 110.574  # smallest length of a degree of latitude (equator)


@dataclass(frozen=True)
class EventFilter:
    """What the list shows. Empty fields filter nothing; the spec is JSON-safe."""

    search: str = ""
    categories: tuple[str, ...] = ()
    actor: str = ""
    faction: str = ""  # a faction's name or short name, matched against actors
    confidences: tuple[str, ...] = ()
    since: str = ""
    until: str = ""
    near_place_id: str = ""
    near_km: float = 0.0
    bbox: BBox | None = None  # "only what the map shows"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_spec(self) -> dict[str, Any]:
        spec = asdict(self)
        spec.pop("extra")
        spec["categories"] = list(self.categories)
        spec["confidences"] = list(self.confidences)
        spec["bbox"] = list(self.bbox) if self.bbox else None
        return spec

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> EventFilter:
        known = {k: v for k, v in spec.items() if k in cls.__dataclass_fields__ and k != "extra"}
        for name in ("categories", "confidences"):
            known[name] = tuple(known.get(name) or ())
        if known.get("bbox"):
            known["bbox"] = tuple(known["bbox"])
        return cls(**known)

    def with_(self, **changes: Any) -> EventFilter:
        return replace(self, **changes)


class RowPage(Sequence[tuple[int, Event]]):
    """A page of (rowid, event) whose events are built only when read.

    A list shows ~30 of a page's 200 rows; building the rest would be wasted.
    """

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows
        self._events: list[Event | None] = [None] * len(rows)
        self._read = event_reader(rows[0].keys()) if rows else event_from_row

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[int, Event]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, Event]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self._rows))[index]  # negative indexes, IndexError
        event = self._events[index]
        if event is None:
            event = self._events[index] = self._read(self._rows[index])
        return self._rows[index]["_rowid"], event


class EventQueries:
    """Counting and paging events under an EventFilter, in a chosen order."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # A count and a page ask for the same "near" set; any committed change forgets it.
        self._near: dict[tuple[str, float], list[int]] = {}
        store.subscribe(lambda _change: self._near.clear())

    # -- building the WHERE clause -------------------------------------------------------
    def where(self, spec: EventFilter) -> tuple[str, list[Any]]:
        clauses, params = ["1"], []  # type: list[str], list[Any]
        if spec.since:
            clauses.append("events.at_key >= ?")
            params.append(parse_moment(spec.since, "since").key)
        if spec.until:
            clauses.append("events.at_key <= ?")
            params.append(parse_moment(spec.until, "until").upper_key)
        if spec.categories:
            clauses.append(f"events.category IN ({','.join('?' * len(spec.categories))})")
            params.extend(spec.categories)
        if spec.confidences:
            clauses.append(f"events.confidence IN ({','.join('?' * len(spec.confidences))})")
            params.extend(spec.confidences)
        fts_parts = []
        if spec.search and (query := fts_query(spec.search)):
            fts_parts.append(query)
        for names in (self._actor_names(spec.actor), self._faction_names(spec.faction)):
            if not names:
                continue
            # FTS narrows to rows mentioning the words; json_each then demands an exact actor.
            words = [f"({{actors}}: {q})" for n in names if (q := _phrase(n))]
            if words:
                fts_parts.append("(" + " OR ".join(words) + ")")
            marks = ",".join("?" * len(names))
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(events.actors) "
                f"WHERE lower(json_each.value) IN ({marks}))"
            )
            params.extend(n.lower() for n in names)
        if fts_parts:
            clauses.append(
                "events.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)"
            )
            params.append(" AND ".join(fts_parts))
        if spec.bbox is not None:
            clauses.append(_rtree_clause())
            params.extend(_rtree_params(spec.bbox))
        if spec.near_place_id and spec.near_km > 0:
            ids = self.rowids_near(spec.near_place_id, spec.near_km)
            clauses.append("events.rowid IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(ids))
        return " AND ".join(clauses), params

    def _actor_names(self, actor: str) -> list[str]:
        return [actor.strip()] if actor.strip() else []

    def _faction_names(self, faction: str) -> list[str]:
        if not faction.strip():
            return []
        found = self.store.factions.by_name(faction.strip())
        if found is None:
            return [faction.strip()]
        return [found.name, found.short_name]

    def rowids_near(self, place_id: str, km: float) -> list[int]:
        """Rowids of events within `km` of the place: R*Tree box first, then geodesic."""
        cached = self._near.get((place_id, km))
        if cached is None:
            cached = self._near[(place_id, km)] = self._rowids_near(place_id, km)
        return cached

    def _rowids_near(self, place_id: str, km: float) -> list[int]:
        place = self.store.places.get(place_id)
        dlat = km / KM_PER_DEGREE_LAT
        cos = max(np.cos(np.radians(min(abs(place.lat) + dlat, 89.9))), 1e-6)
        dlon = min(km / (KM_PER_DEGREE_LAT * cos), 180.0)
        bbox = (place.lon - dlon, place.lat - dlat, place.lon + dlon, place.lat + dlat)
        rows = self.store.conn.execute(
            "SELECT rid, (min_lon + max_lon) / 2, (min_lat + max_lat) / 2 FROM events_rtree "
            "WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?",
            _rtree_params(bbox),
        ).fetchall()
        if not rows:
            return []
        found = np.array(rows, dtype=np.float64)
        metres = distances_from(place.lat, place.lon, found[:, 2], found[:, 1])
        return [int(r) for r in found[metres <= km * 1000.0, 0]]

    # -- reading -----------------------------------------------------------------------
    def count(self, spec: EventFilter) -> int:
        where, params = self.where(spec)
        return self.store.conn.execute(
            f"SELECT count(*) FROM events WHERE {where}", params
        ).fetchone()[0]

    def page(
        self,
        spec: EventFilter,
        *,
        sort: str = "time",
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
    ) -> RowPage:
        """(rowid, event) for rows offset..offset+limit in the chosen order."""
        where, params = self.where(spec)
        direction = "DESC" if descending else "ASC"
        order = f"{SORT_KEYS[sort]} {direction}, events.rowid {direction}"
        sql = (
            f"SELECT events.rowid AS _rowid, events.* FROM events WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        return RowPage(self.store.conn.execute(sql, [*params, limit, offset]).fetchall())

    def page_after(
        self,
        spec: EventFilter,
        last: tuple[str, int],
        *,
        descending: bool = False,
        limit: int = 200,
    ) -> RowPage:
        """Next page in time order after (at_key, rowid): a keyset read, cost O(limit)."""
        where, params = self.where(spec)
        op, direction = ("<", "DESC") if descending else (">", "ASC")
        sql = (
            f"SELECT events.rowid AS _rowid, events.* FROM events WHERE {where} "
            f"AND (events.at_key, events.rowid) {op} (?, ?) "
            f"ORDER BY events.at_key {direction}, events.rowid {direction} LIMIT ?"
        )
        return RowPage(self.store.conn.execute(sql, [*params, last[0], last[1], limit]).fetchall())

    def position_of(
        self, spec: EventFilter, event_id: str, *, sort: str = "time", descending: bool = False
    ) -> int | None:
        """Row number of an event in the filtered, sorted list (None if filtered out)."""
        where, params = self.where(spec)
        row = self.store.conn.execute(
            f"SELECT rowid, {SORT_KEYS[sort]} AS k FROM events WHERE id = ? AND {where}",
            [event_id, *params],
        ).fetchone()
        if row is None:
            return None
        op = ">" if descending else "<"
        before = self.store.conn.execute(
            f"SELECT count(*) FROM events WHERE {where} AND "
            f"({SORT_KEYS[sort]} {op} ? OR ({SORT_KEYS[sort]} = ? AND events.rowid {op} ?))",
            [*params, row["k"], row["k"], row["rowid"]],
        ).fetchone()[0]
        return int(before)

    def time_points(self, limit: int = 20_000) -> list[tuple[str, str]]:
        """(at_key, category) of events for the timeline, evenly thinned past `limit`."""
        total = self.store.events.count()
        step = max(1, -(-total // limit))
        sql = "SELECT at_key, category FROM events"
        if step > 1:
            sql += f" WHERE rowid % {int(step)} = 0"
        return [(key, category) for key, category in self.store.conn.execute(sql)]

    def categories(self) -> list[str]:
        return self.store.categories.names()

    def actors(self, limit: int = 500) -> list[str]:
        """Actor names in use, most frequent first (for completion)."""
        rows = self.store.conn.execute(
            "SELECT json_each.value, count(*) AS n FROM "
            "(SELECT actors FROM events ORDER BY rowid DESC LIMIT 20000) AS recent, "
            "json_each(recent.actors) GROUP BY json_each.value ORDER BY n DESC LIMIT ?",
            (limit,),
        )
        return [name for name, _ in rows]


def _phrase(name: str) -> str | None:
    query = fts_query(name)
    if query is None:
        return None
    # A phrase of the name's words, in order: "Hayat Tahrir al-Sham".
    words = [w.strip('"*') for w in query.split()]
    return '"' + " ".join(words) + '"'


def _rtree_clause() -> str:
    return (
        "events.rowid IN (SELECT rid FROM events_rtree WHERE max_lon >= ? AND min_lon <= ? "
        "AND max_lat >= ? AND min_lat <= ?)"
    )


def _rtree_params(bbox: BBox) -> list[float]:
    west, south, east, north = bbox
    return [west, east, south, north]
