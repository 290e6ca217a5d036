"""services.event_aggregates: cells that add up to what SQL counts, with the time
bound, a box and the list's filters applied, and cell edges that are exact."""

import numpy as np
import pytest

from scale_data import volume_store
from sitrep_desktop.domain import parse_moment
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.services.event_aggregates import (
    aggregate,
    cell_size_for,
    count_text,
    disc_sizes,
)
from sitrep_desktop.services.event_arrays import EventArrays
from sitrep_desktop.services.situation import Situation
from sitrep_desktop.store.event_queries import EventFilter, EventQueries

N = 20_000
BOX = (36.0, 33.0, 39.0, 36.0)  # west, south, east, north


@pytest.fixture(scope="module")
def store():
    store = volume_store(N)
    yield store
    store.close()


@pytest.fixture(scope="module")
def situation(store):
    return Situation(store)


def sql_count(store, until, box, category=None):
    west, south, east, north = box
    sql = (
        "SELECT count(*) FROM events WHERE at_key <= ? AND min_lon >= ? AND min_lon <= ? "
        "AND min_lat >= ? AND min_lat <= ? AND geometry IS NOT NULL"
    )
    params = [parse_moment(until).upper_key, west, east, south, north]
    if category:
        sql += " AND category = ?"
        params.append(category)
    return store.conn.execute(sql, params).fetchone()[0]


@pytest.mark.parametrize("until", ["2019-06-30", "2021-03-04T12:30:00Z", "2024-12-31"])
def test_cells_in_a_box_up_to_a_time_add_up_to_the_sql_count(store, situation, until):
    events = situation.events
    rows = situation.events_at(until, BOX)
    rows = rows[~events.at_place[rows]]  # the demo's events at places sit beside them
    cells = aggregate(events.x[rows], events.y[rows], events.code[rows], 8, 20_000.0)
    assert cells.total == sql_count(store, until, BOX) > 1000
    assert cells.by_category.sum(axis=1).tolist() == cells.counts.tolist()


def test_the_lists_filter_applied_to_the_cells_keeps_the_sql_count(store, situation):
    events = situation.events
    ids = EventQueries(store).matching_ids(EventFilter(categories=("airstrike",)))
    keep = np.zeros(len(events.alive), bool)
    keep[[events.row_of[i] for i in ids]] = True
    rows = situation.events_at("2020-01-01", BOX)
    rows = rows[keep[rows]]
    cells = aggregate(events.x[rows], events.y[rows], events.code[rows], 8, 50_000.0)
    assert cells.total == sql_count(store, "2020-01-01", BOX, "airstrike") > 100
    airstrike = events.categories.index("airstrike")
    assert set(cells.dominant.tolist()) == {airstrike}


def test_an_event_exactly_on_a_cell_edge_belongs_to_the_cell_above_it():
    size = 1024.0
    x = np.array([0.0, 1023.999, 1024.0, -0.001])
    y = np.array([0.0, 0.0, 0.0, 2048.0])
    cells = aggregate(x, y, np.array([0, 0, 1, 1]), 2, size)
    by_cell = {(int(i), int(j)): int(n) for i, j, n in zip(cells.ix, cells.iy, cells.counts)}
    assert by_cell == {(0, 0): 2, (1, 0): 1, (-1, 2): 1}
    assert cells.at(1024.0, 10.0) == cells.at(2047.0, 1023.0)
    assert cells.bounds(cells.at(1024.0, 0.0)) == (1024.0, 0.0, 2048.0, 1024.0)


def test_an_event_exactly_at_the_time_bound_is_shown_and_one_a_microsecond_later_is_not():
    arrays = EventArrays(default_projection())
    rows = [
        ("a", "2024-12-05T08:00:00.000000Z", "clash", None, True, 36.7, 34.7, None),
        ("b", "2024-12-05T08:00:00.000001Z", "clash", None, True, 36.7, 34.7, None),
        ("c", "2024-12-05", "clash", None, True, 36.7, 34.7, None),
    ]
    arrays.load(rows, {})
    shown = arrays.shown(parse_moment("2024-12-05T08:00:00Z"))
    assert [arrays.ids[r] for r in shown] == ["a", "c"]
    cells = aggregate(arrays.x[shown], arrays.y[shown], arrays.code[shown], 1, 1000.0)
    assert cells.total == 2


def test_the_dominant_category_and_the_tip_list_counts_most_first():
    cells = aggregate(np.zeros(6), np.zeros(6), np.array([2, 2, 2, 0, 1, 1]), 3, 100.0)
    assert cells.dominant.tolist() == [2]
    assert cells.tip(0, ["clash", "airstrike", "shelling"]).splitlines() == [
        "6 events",
        "shelling: 3",
        "airstrike: 2",
        "clash: 1",
    ]


def test_a_wide_extent_is_counted_by_sorting_and_gives_the_same_cells():
    rng = np.random.default_rng(4)
    x, y = rng.uniform(-2e7, 2e7, 5000), rng.uniform(-2e7, 2e7, 5000)
    codes = rng.integers(0, 3, 5000)
    fine = aggregate(x, y, codes, 3, 10.0)  # 4e6 × 4e6 keys: too many for bincount
    assert fine.total == 5000 and len(fine) == 5000
    coarse = aggregate(x, y, codes, 3, 4e6)
    assert coarse.total == 5000 and coarse.by_category.sum() == 5000


def test_cell_sizes_are_powers_of_two_near_the_pixels_asked():
    size = cell_size_for(1000.0)  # 1 km a pixel, 48 px: about 48 km
    assert size == 2.0**15 or size == 2.0**16
    assert cell_size_for(1000.0) == cell_size_for(1010.0)  # a small zoom keeps the cells


def test_discs_grow_with_the_count_and_counts_read_short():
    sizes = disc_sizes(np.array([1, 10, 1000, 1_000_000]))
    assert np.all(np.diff(sizes) > 0)
    assert [count_text(n) for n in (950, 9_500, 95_000, 1_250_000)] == [
        "950",
        "9.5k",
        "95k",
        "1.2M",
    ]
