"""store.event_counts: the timeline's histogram matches SQL counts at every bin width,
and a place's events and a week's events come a page at a time."""

import numpy as np
import pytest

from scale_data import volume_store
from sitrep_desktop.domain import Event, parse_moment
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.store.event_counts import (
    count_between,
    day_counts,
    hour_counts,
    page_between,
    place_event_count,
    place_event_page,
)
from sitrep_desktop.ui.map.panels.timeline import DAY, bin_width, rebin

HOMS = demo_id("place", "Homs")


@pytest.fixture(scope="module")
def store():
    store = volume_store(20_000)
    yield store
    store.close()


def sql_count(store, lo_key, hi_key):
    return store.conn.execute(
        "SELECT count(*) FROM events WHERE at_key >= ? AND at_key < ?", (lo_key, hi_key)
    ).fetchone()[0]


def day_text(seconds):
    return str(np.datetime64(int(seconds), "s").astype("datetime64[D]"))


def test_day_counts_add_up_to_every_event_and_match_sql_on_sample_days(store):
    starts, counts = day_counts(store)
    assert counts.sum() == store.events.count()
    for i in (0, len(starts) // 2, len(starts) - 1):
        day = day_text(starts[i])
        assert counts[i] == sql_count(store, day, day + "~")


@pytest.mark.parametrize("width", [7 * DAY, 30 * DAY, 365 * DAY])
def test_coarser_bins_match_sql_counts(store, width):
    bins, counts = rebin(*day_counts(store), width)
    assert counts.sum() == store.events.count()
    for i in (1, len(bins) // 2):
        lo, hi = day_text(bins[i]), day_text(bins[i] + width)
        assert counts[i] == sql_count(store, lo, hi)


def test_hours_of_a_zoomed_in_strip_match_sql_and_a_date_alone_counts_in_hour_zero(store):
    lo = parse_moment("2020-03-01").as_utc().timestamp()
    hours, counts = hour_counts(store, lo, lo + 3 * DAY)
    assert counts.sum() == sql_count(store, "2020-03-01", "2020-03-05")
    noon = np.datetime64("2020-03-02T12:00:00", "s").astype(np.int64)
    at_noon = counts[hours == noon].sum()
    assert at_noon == sql_count(store, "2020-03-02T12", "2020-03-02T13")
    midnight = np.datetime64("2020-03-02T00:00:00", "s").astype(np.int64)
    dates_alone = store.conn.execute(
        "SELECT count(*) FROM events WHERE at_key = '2020-03-02'"
    ).fetchone()[0]
    assert counts[hours == midnight].sum() == dates_alone + sql_count(
        store, "2020-03-02T00", "2020-03-02T01"
    )


def test_the_strip_chooses_at_most_400_bins():
    assert bin_width(2 * DAY) < DAY
    assert bin_width(8 * 365 * DAY) == 30 * DAY
    assert bin_width(200 * 365 * DAY) == 365 * DAY


def test_a_place_with_many_events_pages_its_events_latest_first(store):
    with store.conn:
        store.conn.execute("UPDATE events SET place_id = ? WHERE rowid % 2 = 0", (HOMS,))
    try:
        total = place_event_count(store, HOMS)
        assert total > 9_000
        first, second = place_event_page(store, HOMS, 0, 20), place_event_page(store, HOMS, 20, 20)
        assert len(first) == len(second) == 20
        assert first[-1][1] >= second[0][1]
        assert not {r[0] for r in first} & {r[0] for r in second}
    finally:
        with store.conn:
            store.conn.execute("UPDATE events SET place_id = NULL WHERE place_id = ?", (HOMS,))


def test_a_week_of_events_is_counted_and_paged_from_its_first_day_inclusive(store):
    start, end = "2021-01-01", "2021-01-08"
    # between() is (start, end]; What changed counts the first day too.
    first_instant = parse_moment(start).key
    every = [e for e in store.events.between("2020-12-31", end) if e.at.key >= first_instant]
    assert any(e.at.key < parse_moment(start).upper_key for e in every)  # the 1st is in
    assert count_between(store, start, end) == len(every) > 20
    pages = page_between(store, start, end, 0, 20) + page_between(store, start, end, 20, 10_000)
    assert sorted(i for i, _, _ in pages) == sorted(e.id for e in every)
    assert isinstance(every[0], Event)
