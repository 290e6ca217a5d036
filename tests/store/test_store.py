"""The store: round trips, one transaction per write, the journal, search and bbox."""

import dataclasses
import sqlite3

import pytest

from sitrep_desktop.domain import ControlChange, Event, Faction, Place
from sitrep_desktop.store import (
    ConflictError,
    NotFoundError,
    ReferencedError,
    StoreError,
)


@pytest.fixture
def store(memory_store):
    memory_store.categories.ensure_defaults()
    return memory_store


@pytest.fixture
def hama(store):
    return store.places.add(
        Place(name="Hama", lat=35.13179, lon=36.75783, kind="city", alt_names=("Ḩamāh", "حماة"))
    )


def test_a_place_round_trips_exactly(store, hama):
    assert store.places.get(hama.id) == dataclasses.replace(hama, author="test")


def test_every_record_kind_round_trips(store, hama):
    hts = store.factions.add(
        Faction(name="Hayat Tahrir al-Sham", short_name="HTS", colour="#2e7d32")
    )
    change = store.control.add(
        ControlChange(
            place_id=hama.id,
            faction_id=hts.id,
            at="2024-12-05T10:00+02:00",
            source="article",
            confidence="high",
        )
    )
    event = store.events.add(
        Event(
            at="2024-12-05",
            title="HTS captures Hama",
            category="capture",
            place_id=hama.id,
            actors=("HTS",),
        )
    )
    assert store.factions.get(hts.id) == hts
    assert store.control.get(change.id) == change
    assert store.control.get(change.id).at.text == "2024-12-05T10:00:00+02:00"
    assert store.events.get(event.id) == event


def test_an_update_is_journalled_with_before_and_after(store, hama):
    edited = store.places.update(dataclasses.replace(hama, population=460_602))
    assert edited.updated > hama.updated
    history = store.journal.for_record(hama.id)
    assert [entry.action for entry in history] == ["insert", "update"]
    assert history[1].before["population"] is None
    assert history[1].after["population"] == 460_602
    assert history[1].changed_fields() == ["population"]
    assert history[1].author == "test"


def test_a_stale_edit_is_refused_not_silently_overwritten(store, hama):
    store.places.update(dataclasses.replace(hama, notes="first window"))
    with pytest.raises(ConflictError):
        store.places.update(dataclasses.replace(hama, notes="second window"))
    assert store.places.get(hama.id).notes == "first window"


def test_delete_returns_the_record_and_adding_it_back_restores_it(store, hama):
    removed = store.places.delete(hama.id)
    with pytest.raises(NotFoundError):
        store.places.get(hama.id)
    store.places.add(removed)
    assert store.places.get(hama.id) == removed
    assert [e.action for e in store.journal.for_record(hama.id)] == ["insert", "delete", "insert"]


def test_a_place_still_used_cannot_be_deleted(store, hama):
    store.events.add(Event(at="2024-12-05", title="x", place_id=hama.id))
    with pytest.raises(ReferencedError, match="Hama"):
        store.places.delete(hama.id)
    assert store.places.find(hama.id) is not None


def test_a_failed_transaction_writes_nothing(store, hama):
    journal_before = store.journal.count()
    with pytest.raises(RuntimeError), store.transaction():
        store.places.add(Place(name="Homs", lat=34.72, lon=36.72))
        raise RuntimeError("power cut")
    assert store.places.count() == 1
    assert store.journal.count() == journal_before


def test_the_journal_is_append_only(store, hama):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM journal")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE journal SET author = 'someone else'")


def test_duplicate_ids_are_refused_with_a_clear_error(store, hama):
    with pytest.raises(StoreError, match="same key"):
        store.places.add(hama)


def test_an_event_must_name_a_known_place_and_category(store):
    with pytest.raises(StoreError):
        store.events.add(Event(at="2024-12-05", title="x", place_id="no-such-place"))
    with pytest.raises(StoreError):
        store.events.add(Event(at="2024-12-05", title="x", category="picnic"))


def test_news_of_changes_comes_once_after_commit(store):
    heard = []
    store.subscribe(heard.append)
    with store.transaction():
        a = store.places.add(Place(name="Homs", lat=34.72, lon=36.72))
        b = store.places.add(Place(name="Hama", lat=35.13, lon=36.75))
        assert heard == []  # nothing is announced before the commit
    assert len(heard) == 1
    assert heard[0].kind == "place" and heard[0].action == "insert"
    assert heard[0].ids == (a.id, b.id)


def test_rolled_back_changes_are_never_announced(store):
    heard = []
    store.subscribe(heard.append)
    with pytest.raises(ValueError), store.transaction():
        store.places.add(Place(name="Homs", lat=34.72, lon=36.72))
        raise ValueError
    assert heard == []


def test_bounding_box_uses_the_spatial_index(store, hama):
    homs = store.places.add(Place(name="Homs", lat=34.72405, lon=36.72559))
    store.places.add(Place(name="Damascus", lat=33.51, lon=36.29))
    found = store.places.in_bbox((36.5, 34.5, 37.0, 35.5))
    assert {p.name for p in found} == {"Hama", "Homs"}
    event = store.events.add(Event(at="2024-12-06", title="strike", place_id=homs.id))
    assert store.events.query(bbox=(36.6, 34.6, 36.8, 34.8)) == [event]
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT rid FROM places_rtree WHERE max_lon >= 1 AND min_lon <= 2"
    ).fetchall()
    assert "VIRTUAL TABLE INDEX" in " ".join(str(tuple(r)) for r in plan)


def test_events_follow_their_place_when_it_moves(store, hama):
    event = store.events.add(Event(at="2024-12-05", title="x", place_id=hama.id))
    store.places.update(dataclasses.replace(hama, lat=35.5))
    assert store.events.query(bbox=(36.7, 35.4, 36.8, 35.6)) == [event]


def test_full_text_search_over_events_and_places(store, hama):
    event = store.events.add(
        Event(at="2024-12-05", title="HTS captures Hama", description="The city fell on Thursday")
    )
    assert store.events.query(search="thursday") == [event]
    assert store.events.query(search="captur") == [event]  # prefix
    assert store.events.query(search='"AND OR NEAR(') == []  # FTS syntax is inert
    assert store.places.search("hamah") == [hama]  # diacritics folded: Ḩamāh
    assert store.places.search("حماة") == [hama]


def test_time_filters_treat_a_date_as_the_whole_day(store):
    early = store.events.add(Event(at="2024-12-05T08:00+03:00", title="early"))
    late = store.events.add(Event(at="2024-12-06T01:00Z", title="late"))
    assert store.events.query(until="2024-12-05") == [early]
    assert store.events.query(since="2024-12-06") == [late]


def test_records_read_back_without_revalidation_have_every_field(shared_demo_store):
    # Reads skip validation (rows were validated on the way in): each must still be whole.
    store = shared_demo_store
    for repository in (
        store.places,
        store.factions,
        store.control,
        store.events,
        store.annotations,
    ):
        for record in repository.all():
            names = {f.name for f in dataclasses.fields(record)}
            assert set(vars(record)) == names
            rebuilt = type(record)(**{n: getattr(record, n) for n in names})
            assert rebuilt == record  # what we read is what validation would give
