"""How the event list orders events by each column, and how it pages on.

Every sort key has an index holding (key, rowid), the exact order asked for
(schema v3): a page walks ~200 index entries instead of sorting every match.
A keyset `(key, rowid) > last` continues a page where the last one ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SortKey:
    """How the list orders by one column: `expression ASC|DESC, rowid ASC|DESC`."""

    expression: str
    index: str  # holds (expression, rowid): walked for a page when most events match
    rowid: str = "events.rowid"  # breaks ties, so the order is total
    side_table: str = ""  # where the key is read from, when not from events (alias place_sort)
    # When few events match, keep SQLite from walking the index: it guesses that
    # a time range keeps a quarter of the events and would read them all. Not
    # in time order, whose range is on the index walked.
    sort_few: bool = True

    def key(self, walk: bool) -> str:
        """The expression for WHERE and ORDER BY; unary + stops SQLite using the index."""
        return f"+{self.expression}" if self.sort_few and not walk else self.expression

    def order(self, descending: bool, walk: bool) -> str:
        direction = "DESC" if descending else "ASC"
        return f"ORDER BY {self.key(walk)} {direction}, {self.rowid} {direction}"

    def tables(self, walk: bool, events: bool = True) -> str:
        """The FROM clause. `events=False`: only to count or skip rows, in the
        side table's index alone when walking it."""
        if not self.side_table:
            return f"events INDEXED BY {self.index}" if walk else "events"
        if not walk:
            return f"events JOIN {self.side_table} AS place_sort ON {self.rowid} = events.rowid"
        walked = f"{self.side_table} AS place_sort INDEXED BY {self.index}"
        # CROSS JOIN keeps the walked index the outer loop.
        return f"{walked} CROSS JOIN events ON events.rowid = {self.rowid}" if events else walked

    def filter(self, where: str, walk: bool) -> str:
        if self.side_table and walk and where != "1":
            # In a subquery, not on the join: there SQLite would first build a
            # Bloom filter of every matching event, as costly as the sort we avoid.
            return f"EXISTS (SELECT 1 FROM events WHERE events.rowid = {self.rowid} AND {where})"
        return where

    def page(self, where: str, clause: str, descending: bool, walk: bool) -> str:
        """A page's SELECT; its parameters: the WHERE's, the clause's, LIMIT, OFFSET."""
        return (
            f"SELECT events.rowid AS _rowid, events.*, {self.expression} AS _sort_value "
            f"FROM {self.tables(walk)} WHERE {self.filter(where, walk)} AND {clause} "
            f"{self.order(descending, walk)} LIMIT ? OFFSET ?"
        )


# Column name -> sort key; each index is in schema.py (v3).
CONFIDENCE_RANK = "(CASE events.confidence WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END)"
SORT_KEYS = {
    "time": SortKey("events.at_key", "events_at", sort_few=False),
    "category": SortKey("events.category", "events_by_category"),
    "title": SortKey("events.title COLLATE NOCASE", "events_by_title"),
    # NULL (no place) sorts first ascending, last descending, as SQLite orders NULLs.
    "place": SortKey(
        "place_sort.name COLLATE NOCASE",
        "event_place_names_order",
        rowid="place_sort.event_rowid",
        side_table="event_place_names",
    ),
    # The expression of the events_by_confidence index: SQLite must recognise it.
    "confidence": SortKey(CONFIDENCE_RANK, "events_by_confidence"),
}


def segments_after(
    key: SortKey, last: tuple[Any, int], descending: bool, walk: bool
) -> list[tuple[str, list[Any]]]:
    """WHERE clauses for the rows after `last`, in list order, each an index range.

    A row-value comparison never matches NULL, and NULLs (events without a
    place) come first ascending and last descending, so they are a range of
    their own.
    """
    value, rowid = last
    expr, pair = key.key(walk), f"({key.key(walk)}, {key.rowid})"
    if value is None:
        if descending:
            return [(f"{expr} IS NULL AND {key.rowid} < ?", [rowid])]
        return [(f"{expr} IS NULL AND {key.rowid} > ?", [rowid]), (f"{expr} IS NOT NULL", [])]
    # The lone bound is implied by the pair; SQLite seeks only on a plain comparison.
    if descending:
        return [
            (f"{expr} <= ? AND {pair} < (?, ?)", [value, value, rowid]),
            (f"{expr} IS NULL", []),
        ]
    return [(f"{expr} >= ? AND {pair} > (?, ?)", [value, value, rowid])]
