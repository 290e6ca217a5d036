"""The ids of the map's event rows, held as one numpy bytes column, and the way back
from an id to its row.

A million ids as Python strings in a list, with a dict from id to row, cost about
160 MB; as one fixed-width bytes column and a sorted order of it, about 45 MB. The
order is worked out once per load; ids added afterwards (a team burst, an import
while the window is open) go in a small dict until there are enough of them to
sort the whole column again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

RESORT_AFTER = 50_000  # ids added since the last sort: past this, sort the column again


class EventIds:
    """`ids[row]` is the id (text) of a row; `len(ids)` the rows held, deleted ones too."""

    def __init__(self, column: np.ndarray | None = None) -> None:
        self.column = np.zeros(0, "S1") if column is None else column

    def __len__(self) -> int:
        return len(self.column)

    def __getitem__(self, row: int) -> str:
        return self.column[row].decode()

    def __iter__(self) -> Iterator[str]:
        return (value.decode() for value in self.column)

    def extend(self, ids: Sequence[str]) -> None:
        """Add rows at the end (np.concatenate widens the column for a longer id)."""
        self.column = np.concatenate((self.column, encoded(ids)))


def encoded(ids: Iterable[str]) -> np.ndarray:
    values = [i.encode() for i in ids]
    return np.array(values, dtype="S") if values else np.zeros(0, "S1")


class RowIndex:
    """id -> row for the rows alive: `get`, `[]` and `in`, as the dict it replaces.

    A deleted row's id is forgotten (`discard`), as a dict's `pop` would. The column
    is sorted when first asked (`sort`): a load paints before it spends a second
    sorting a million ids.
    """

    def __init__(self, ids: EventIds, alive: Callable[[], np.ndarray]) -> None:
        self._ids = ids
        self._alive = alive  # the rows alive now (the owner's array is replaced as it grows)
        self._order = np.zeros(0, np.int64)
        self._sorted: np.ndarray | None = np.zeros(0, "S1")
        self._recent: dict[str, int] = {}  # rows added since the column was sorted
        self._sorted_rows = 0
        self._dropped: set[str] = set()
        self._stale = False

    def sort(self) -> None:
        """Sort again when next asked (after a load; then every RESORT_AFTER additions)."""
        self._stale = True

    @property
    def order(self) -> np.ndarray:
        """Rows in the order of their ids (the rows alive only)."""
        self._sort_now()
        return self._order

    def set_order(self, order: np.ndarray) -> None:
        """Take an order worked out before (saved with the columns): every row alive.
        The sorted ids are gathered at the first lookup, not on the way to a paint."""
        self._order, self._sorted = order, None
        self._sorted_rows, self._stale = len(order), False
        self._recent.clear()
        self._dropped.clear()

    def _sort_now(self) -> None:
        if not self._stale:
            return
        # A deleted row is left out: its id may since live again in a later row.
        rows = np.flatnonzero(self._alive())
        column = self._ids.column[rows]
        self.set_order(rows[np.argsort(column, kind="stable")])

    def added(self, ids: Sequence[str], start: int) -> None:
        """Rows start.. hold these new ids."""
        for offset, event_id in enumerate(ids):
            self._recent[event_id] = start + offset
            self._dropped.discard(event_id)
        if len(self._recent) > RESORT_AFTER:
            self.sort()

    def discard(self, event_id: str) -> int | None:
        """Forget a deleted event's id; its row, or None if not held."""
        row = self.get(event_id)
        if row is not None:
            self._recent.pop(event_id, None)
            self._dropped.add(event_id)
        return row

    def get(self, event_id: str, default: int | None = None) -> int | None:
        self._sort_now()
        if event_id in self._dropped:
            return default
        row = self._recent.get(event_id)
        if row is not None:
            return row
        if not self._sorted_rows:
            return default
        if self._sorted is None:
            self._sorted = self._ids.column[self._order]
        key = event_id.encode()
        at = int(np.searchsorted(self._sorted, key))
        if at < self._sorted_rows and self._sorted[at] == key:
            return int(self._order[at])
        return default

    def rows_of(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of these ids (-1 where not held), looked up together: one vectorised
        search of the sorted column (a map filter asks for 200,000 at once)."""
        self._sort_now()
        rows = np.full(len(ids), -1, np.int64)
        if not len(ids):
            return rows
        if self._sorted_rows:
            if self._sorted is None:
                self._sorted = self._ids.column[self._order]
            keys = encoded(ids)
            at = np.minimum(np.searchsorted(self._sorted, keys), self._sorted_rows - 1)
            found = self._sorted[at] == keys
            rows[found] = self._order[at[found]]
        if self._recent or self._dropped:  # the few changed since the sort, one by one
            for i, event_id in enumerate(ids):
                if event_id in self._dropped:
                    rows[i] = -1
                elif event_id in self._recent:
                    rows[i] = self._recent[event_id]
        return rows

    def __getitem__(self, event_id: str) -> int:
        row = self.get(event_id)
        if row is None:
            raise KeyError(event_id)
        return row

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, str) and self.get(event_id) is not None
