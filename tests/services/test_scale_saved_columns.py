"""Opening at volume from what the file keeps: the map's columns saved after a full read
(store.event_summaries), read back in one step and brought up to date with the rows added
since; and the id -> row index that replaces a dict of a million strings."""

from dataclasses import replace

import numpy as np
import pytest
from tests.scale_data import fill_events

from sitrep_desktop.domain import Event, Place, parse_moment
from sitrep_desktop.services.demo import build_demo, demo_id
from sitrep_desktop.services.event_arrays import EventArrays
from sitrep_desktop.services.event_ids import EventIds, RowIndex
from sitrep_desktop.services.saved_event_arrays import pack, unpack
from sitrep_desktop.services.situation import Situation
from sitrep_desktop.store import Store
from sitrep_desktop.store.event_summaries import saved_map_columns
from sql_trace import QueryCounter

HOMS = demo_id("place", "Homs")
COLUMNS = ("lon", "lat", "x", "y", "code", "time", "at_place", "own_geometry", "located")


@pytest.fixture
def store():
    store = Store.memory()
    build_demo(store)
    fill_events(store, 3_000)
    yield store
    store.close()


def read_in_steps(store) -> Situation:
    situation = Situation(store)
    for _count in situation.events_in_steps():
        pass
    return situation


def same_arrays(a: EventArrays, b: EventArrays) -> None:
    assert list(a.ids) == list(b.ids)
    assert [a.categories[c] for c in a.code] == [b.categories[c] for c in b.code]
    for name in COLUMNS[:2] + COLUMNS[4:]:
        if name != "code":
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_allclose(a.x, b.x)
    np.testing.assert_allclose(a.y, b.y)
    assert list(a.place_ids) == list(b.place_ids)


class InMemory:
    """A saved blob as store.event_summaries.SavedColumns reads it, held in memory."""

    def __init__(self, blob):
        self.blob, self.size = bytes(blob), len(blob)

    def read(self, offset, size):
        return self.blob[offset : offset + size]


def test_a_full_read_in_steps_is_saved_and_the_next_open_reads_no_event_rows(store):
    first = read_in_steps(store)
    assert saved_map_columns(store) is not None
    highest = store.conn.execute("SELECT max(rowid) FROM events").fetchone()[0]
    with QueryCounter(store) as trace:
        second = read_in_steps(store)
        assert len(second.events) == len(first.events) > 3_000
    reads = [s for s in trace.statements if "FROM events" in s]
    # One look for rows added since the save, and it starts after the last row saved.
    assert len(reads) == 1 and f"rowid > {highest}" in reads[0]
    assert not any("GROUP BY" in s for s in trace.statements)
    same_arrays(second.events, first.events)
    same_arrays(second.events, Situation(store).events)  # as a read of every row gives


def test_events_added_after_the_save_are_read_on_top_of_it(store):
    read_in_steps(store)
    event = Event(title="Shelling of Talbiseh", at=parse_moment("2024-12-03"), category="shelling",
                  geometry="POINT (36.73 34.84)", confidence="high")  # fmt: skip
    store.events.add(event)
    assert saved_map_columns(store) is not None  # an insert keeps what was saved
    again = read_in_steps(store)
    row = again.events.row_of[event.id]
    assert again.events.ids[row] == event.id
    assert again.event_point(event.id) == pytest.approx((36.73, 34.84))
    same_arrays(again.events, Situation(store).events)


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_an_edit_or_delete_drops_the_saved_columns_and_the_next_open_reads_rows(store, change):
    read_in_steps(store)
    event_id = store.conn.execute("SELECT id FROM events ORDER BY rowid LIMIT 1").fetchone()[0]
    event = store.events.get(event_id)
    if change == "edit":
        store.events.update(replace(event, category="airstrike", at=parse_moment("2019-05-05")))
    else:
        store.events.delete(event_id)
    assert saved_map_columns(store) is None
    again = read_in_steps(store)
    assert saved_map_columns(store) is not None  # saved anew
    same_arrays(again.events, Situation(store).events)
    assert (event_id in again.events.row_of) == (change == "edit")


def test_an_event_at_a_place_follows_the_place_moved_after_the_save(store):
    event = Event(title="Clashes in Homs", at=parse_moment("2024-12-06"), category="clash",
                  place_id=HOMS, confidence="medium")  # fmt: skip
    store.events.add(event)
    read_in_steps(store)
    homs = store.places.get(HOMS)
    store.places.update(replace(homs, lon=homs.lon + 0.5))
    again = read_in_steps(store)
    assert again.event_point(event.id) == pytest.approx((homs.lon + 0.5, homs.lat))


def test_saved_columns_of_another_projection_are_not_used(store):
    arrays = read_in_steps(store).events
    other = EventArrays(type(arrays.projection)("EPSG:32637"))
    assert not unpack(other, InMemory(pack(arrays).to_bytes()), {})
    assert len(other.ids) == 0


def test_the_row_index_forgets_deleted_ids_and_finds_them_again_when_re_added():
    ids = EventIds()
    alive = np.ones(0, bool)
    index = RowIndex(ids, lambda: alive)
    ids.extend(["b", "a", "c"])
    alive = np.ones(3, bool)
    index.sort()
    assert [index.get(i) for i in "abc"] == [1, 0, 2] and index.get("d") is None
    assert index.discard("a") == 1
    alive[1] = False
    assert "a" not in index and index.get("a") is None
    ids.extend(["a"])  # the delete undone: a new row
    alive = np.append(alive, True)
    index.added(["a"], 3)
    assert index["a"] == 3
    index.sort()  # sorted again: the dead row is left out
    assert index["a"] == 3 and index["b"] == 0
    with pytest.raises(KeyError):
        index["zz"]


def test_a_place_record_is_still_a_place():
    # The saved columns keep place ids as bytes; a non-ASCII id comes back whole.
    arrays = EventArrays(Situation(Store.memory()).projection)
    place = Place(name="Ḥimṣ", lat=34.73, lon=36.72, kind="city")
    rows = [("é1", "2024-12-06", "clash", place.id, 0, None, None, None)]
    arrays.load(rows, {place.id: place})
    same_arrays(_round_trip(arrays, {place.id: place}), arrays)


def _round_trip(arrays: EventArrays, places) -> EventArrays:
    again = EventArrays(arrays.projection)
    assert unpack(again, InMemory(pack(arrays).to_bytes()), places)
    return again


def test_a_blob_of_another_layout_is_ignored_and_the_rows_are_read(store):
    from sitrep_desktop.store.event_summaries import save_map_columns

    highest = store.conn.execute("SELECT max(rowid) FROM events").fetchone()[0]
    junk = b"\x05\x00\x00\x00\x00\x00\x00\x00PK\x03\x04 junk"
    assert save_map_columns(store, highest, len(junk), [(0, junk)])
    again = read_in_steps(store)
    same_arrays(again.events, Situation(store).events)


def test_rows_of_many_ids_at_once_agree_with_one_at_a_time():
    ids = EventIds()
    alive = np.ones(0, bool)
    index = RowIndex(ids, lambda: alive)
    ids.extend([f"id-{n:05d}" for n in range(0, 2000, 2)][::-1])
    alive = np.ones(len(ids), bool)
    index.sort()
    ids.extend(["late"])
    alive = np.append(alive, True)
    index.added(["late"], len(ids) - 1)
    index.discard("id-00010")
    asked = ["id-00010", "id-00012", "nope", "late", "id-01998", "id-00000", "zzz", "a"]
    assert index.rows_of(asked).tolist() == [index.get(i, -1) for i in asked]
    assert index.rows_of([]).tolist() == []
