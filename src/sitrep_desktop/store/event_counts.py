"""Counts and pages of events for views at volume: the timeline's histogram, a place's
events, the events between two times — each a SQL aggregate or one page, never every row.

Days come from the first ten characters of `at_key` (a date alone is its own key;
a time is kept in UTC), so a day's count reads the events_at index only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..domain import Moment, parse_moment
from .id_chunks import in_chunks

if TYPE_CHECKING:
    from .database import Store

HOUR_S = 3_600
DAY_S = 86_400
_IDS_PER_QUERY = 900  # bound parameters per statement, well under SQLite's limit


def map_column_chunks(
    store: Store, size: int = 100_000, *, after_rowid: int = 0, up_to_rowid: int | None = None
) -> Iterator[list[tuple]]:
    """Every event's map columns (those of EventRepository.map_columns), `size` rows at a
    time in table order: a million rows are never all Python tuples at once. Only rows
    after `after_rowid` and up to `up_to_rowid`, if given (those a saved copy lacks)."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    last = up_to_rowid if up_to_rowid is not None else (1 << 62)
    cursor.execute(
        "SELECT id, at_key, category, place_id, geometry IS NOT NULL, min_lon, min_lat, "
        "CASE WHEN min_lon = max_lon AND min_lat = max_lat THEN NULL ELSE geometry END "
        "FROM events WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
        (after_rowid, last),
    )
    while rows := cursor.fetchmany(size):
        yield rows


def latest_event_key(store: Store) -> str | None:
    """The latest event's time key (None if there are none): the events_at index's last
    entry, not a scan."""
    return store.conn.execute("SELECT max(at_key) FROM events").fetchone()[0]


def day_counts(store: Store) -> tuple[np.ndarray, np.ndarray]:
    """(day start in seconds since 1970 UTC, events that day) for every day with an event:
    from the table of days the triggers keep (store.event_summaries), not a GROUP BY."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute("SELECT day, events FROM event_days ORDER BY day").fetchall()
    return _day_arrays(rows)


def day_counts_of(store: Store, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """day_counts for these events only (those just added): by their primary key, so
    a burst of new events costs its own size, not the table's."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    per_day: dict[str, int] = {}
    ids = list(ids)
    for part, marks in in_chunks(ids, _IDS_PER_QUERY):
        for day, count in cursor.execute(
            f"SELECT substr(at_key, 1, 10) AS day, count(*) FROM events "
            f"WHERE id IN ({marks}) GROUP BY day",
            part,
        ):
            per_day[day] = per_day.get(day, 0) + count
    return _day_arrays(sorted(per_day.items()))


def _day_arrays(rows: list[tuple[str, int]]) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    days, counts = zip(*rows)
    starts = np.array(days, dtype="datetime64[D]").astype("datetime64[s]").astype(np.int64)
    return starts, np.array(counts, np.int64)


def hour_counts(store: Store, start_s: float, end_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(hour start in seconds, events that hour) between two instants: the timeline zoomed
    to days. An event dated by its day alone counts in that day's first hour."""
    lo = np.datetime64(int(start_s) // DAY_S * DAY_S, "s").astype("datetime64[D]")
    hi = np.datetime64(int(end_s) + DAY_S, "s").astype("datetime64[D]")
    cursor = store.conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute(
        "SELECT substr(at_key, 1, 13) AS hour, count(*) FROM events "
        "WHERE at_key >= ? AND at_key < ? GROUP BY hour ORDER BY hour",
        (str(lo), str(hi)),
    ).fetchall()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    hours = [h if len(h) == 13 else h + "T00" for h, _ in rows]
    starts = np.array([h + ":00" for h in hours], dtype="datetime64[s]").astype(np.int64)
    counts = np.array([c for _, c in rows], np.int64)
    order = np.argsort(starts, kind="stable")
    starts, counts = starts[order], counts[order]
    unique, first = np.unique(starts, return_index=True)  # a date alone joins hour 00
    return unique, np.add.reduceat(counts, first)


def place_event_count(store: Store, place_id: str) -> int:
    sql = "SELECT count(*) FROM events WHERE place_id = ?"
    return int(store.conn.execute(sql, (place_id,)).fetchone()[0])


def place_event_page(
    store: Store, place_id: str, offset: int = 0, limit: int = 20
) -> list[tuple[str, str, str]]:
    """(id, at, title) of a place's events, latest first, one page."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(
        "SELECT id, at, title FROM events WHERE place_id = ? "
        "ORDER BY at_key DESC, rowid DESC LIMIT ? OFFSET ?",
        (place_id, limit, offset),
    ).fetchall()


def _between(start: Moment | str, end: Moment | str) -> tuple[str, str]:
    # From `start` inclusive ("from 27 November" counts the 27th) to `end`
    # inclusive, as "What changed" reads them.
    lo, hi = parse_moment(start, "since"), parse_moment(end, "until")
    return lo.key, hi.upper_key


def count_between(store: Store, start: Moment | str, end: Moment | str) -> int:
    """Events from `start` (its first instant) to `end` (its last), both inclusive."""
    return int(
        store.conn.execute(
            "SELECT count(*) FROM events WHERE at_key >= ? AND at_key <= ?", _between(start, end)
        ).fetchone()[0]
    )


def page_between(
    store: Store, start: Moment | str, end: Moment | str, offset: int = 0, limit: int = 500
) -> list[tuple[str, str, str]]:
    """(id, at, title) of one page of the events between two times, in time order."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(
        "SELECT id, at, title FROM events WHERE at_key >= ? AND at_key <= ? "
        "ORDER BY at_key, rowid LIMIT ? OFFSET ?",
        (*_between(start, end), limit, offset),
    ).fetchall()
