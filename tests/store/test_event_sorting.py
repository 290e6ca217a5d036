"""Sorting the event list by each column: the order of the v2 SQL, kept by index walks.

The reference sorts in Python the way SQLite did before v3: NOCASE folds only
A-Z, events without a place come first ascending and last descending, rowid
breaks ties.
"""

import random
import string
from dataclasses import replace

import pytest

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.services.demo import demo_id, write_demo
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.store.event_queries import EventFilter, EventQueries
from sitrep_desktop.store.event_sorting import SORT_KEYS

NOCASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
RANK = {"low": 0, "medium": 1, "high": 2}
# What v2 sorted by: the reference the new indexes must agree with.
V2_ORDER = {
    "time": "events.at_key",
    "category": "events.category",
    "title": "events.title COLLATE NOCASE",
    "place": "(SELECT name FROM places WHERE places.id = events.place_id) COLLATE NOCASE",
    "confidence": "CASE events.confidence WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END",
}
FILTERS = {
    "everything": EventFilter(),
    "one category": EventFilter(categories=("shelling",)),
    "two confidences": EventFilter(confidences=("medium", "high")),
    "one confidence": EventFilter(confidences=("low",)),
    "until a day": EventFilter(until="2024-12-03"),
}


def add_tricky_events(store):
    """300 generated events: places sharing a name or differing only in case,
    events without a place, titles that tie but for case."""
    rng = random.Random(7)
    names = ["Tall Abyad", "tall abyad", "Zabadani", "al-Bab", "Al-Bab", "Éclair", "éclair"]
    places = store.places.add_many([Place(name=n, lat=35.0, lon=37.0) for n in names])
    place_ids = [p.id for p in places] + [demo_id("place", "Homs"), None, None]
    titles = ["Shelling", "shelling", "SHELLING", "Clash", "Ärger", "ärger", "convoy"]
    store.events.add_many(
        Event(
            at=f"2024-12-{rng.randrange(1, 10):02d}T{rng.randrange(24):02d}:00Z",
            title=rng.choice(titles),
            category=rng.choice(["shelling", "clash", "airstrike", "other"]),
            place_id=rng.choice(place_ids),
            confidence=rng.choice(["low", "medium", "high"]),
        )
        for _ in range(300)
    )


@pytest.fixture(scope="module")
def queries(tmp_path_factory):
    """The demo plus the tricky events, built once: these tests only read."""
    path = write_demo(tmp_path_factory.mktemp("sorting") / "demo.db")
    with Store.open(path) as store:
        add_tricky_events(store)
        before = content_hash(store)
        yield EventQueries(store)
        assert content_hash(store) == before, "a test changed the shared events"


@pytest.fixture
def changing_queries(demo_store):
    """The same, fresh for a test that moves, adds or deletes events."""
    add_tricky_events(demo_store)
    return EventQueries(demo_store)


def reference(queries, spec, sort, descending):
    """Rowids in the order v2 gave, sorted here in Python."""
    names = {p.id: p.name for p in queries.store.places.all()}
    rows = list(queries.page(spec, limit=100_000))

    def value(event):
        return {
            "time": event.at.key,
            "category": event.category,
            "title": event.title.translate(NOCASE),
            "place": names[event.place_id].translate(NOCASE) if event.place_id else None,
            "confidence": RANK[event.confidence],
        }[sort]

    def key(row):
        rowid, event = row
        found = value(event)
        # NULL is smallest: first ascending, last descending.
        return (found is not None, found if found is not None else "", rowid)

    return [rowid for rowid, _ in sorted(rows, key=key, reverse=descending)]


def v2_order(queries, spec, sort, descending):
    where, params = queries.where(spec)
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT events.rowid FROM events WHERE {where} "
        f"ORDER BY {V2_ORDER[sort]} {direction}, events.rowid {direction}"
    )
    return [rowid for (rowid,) in queries.store.conn.execute(sql, params)]


def rowids(page):
    return [rowid for rowid, _ in page]


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("name", list(FILTERS))
def test_every_column_sorts_as_v2_did_in_pages_big_and_small(queries, name, sort, descending):
    spec = FILTERS[name]
    expected = reference(queries, spec, sort, descending)
    assert expected == v2_order(queries, spec, sort, descending)
    # One big page is sorted by SQLite; pages of 7 walk the column's index.
    assert rowids(queries.page(spec, sort=sort, descending=descending, limit=1000)) == expected
    pages = [
        queries.page(spec, sort=sort, descending=descending, offset=offset, limit=7)
        for offset in range(0, len(expected), 7)
    ]
    assert [rowid for page in pages for rowid in rowids(page)] == expected


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("name", ["everything", "one category", "one confidence"])
def test_keyset_pages_continue_across_ties_and_events_without_a_place(
    queries, name, sort, descending
):
    spec = FILTERS[name]
    expected = reference(queries, spec, sort, descending)
    page = queries.page(spec, sort=sort, descending=descending, limit=9)
    seen = rowids(page)
    while page.cursor is not None:
        page = queries.page_after(spec, page.cursor, sort=sort, descending=descending, limit=9)
        seen += rowids(page)
    assert seen == expected


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("name", ["everything", "one category", "until a day"])
def test_position_of_every_event_in_every_order(queries, name, sort, descending):
    spec = FILTERS[name]
    rows = queries.page(spec, sort=sort, descending=descending, limit=1000)
    for position, (_, event) in enumerate(rows):
        assert queries.position_of(spec, event.id, sort=sort, descending=descending) == position


def test_renaming_a_place_moves_its_events_in_place_order(changing_queries):
    queries = changing_queries
    store = queries.store
    homs = store.places.get(demo_id("place", "Homs"))

    def named(rows):  # place ids in list order, events without a place left out
        return [event.place_id for _, event in rows if event.place_id is not None]

    before = named(queries.page(EventFilter(), sort="place", limit=1000))
    at_homs = before.count(homs.id)
    assert set(before[:at_homs]) != {homs.id}
    store.places.update(replace(homs, name="Aaa Homs"))
    after = named(queries.page(EventFilter(), sort="place", limit=1000))
    assert set(after[:at_homs]) == {homs.id}
    for descending in (False, True):
        got = queries.page(EventFilter(), sort="place", descending=descending, limit=20)
        assert rowids(got) == reference(queries, EventFilter(), "place", descending)[:20]


def test_moving_adding_and_deleting_events_keep_the_place_order(changing_queries):
    queries = changing_queries
    store = queries.store
    hama = store.events.get(demo_id("event", "HTS captures Hama"))
    store.events.update(replace(hama, place_id=None))
    store.events.add(Event(at="2024-12-09T10:00Z", title="New", place_id=demo_id("place", "Homs")))
    store.events.delete(queries.page(EventFilter(), sort="place", limit=1)[0][1].id)
    for descending in (False, True):
        expected = reference(queries, EventFilter(), "place", descending)
        got = queries.page(EventFilter(), sort="place", descending=descending, limit=1000)
        assert rowids(got) == expected
        assert rowids(got) == v2_order(queries, EventFilter(), "place", descending)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", ["category", "title", "place", "confidence"])
@pytest.mark.parametrize("name", ["everything", "one category", "two confidences"])
def test_a_first_page_walks_the_columns_index_and_sorts_nothing(queries, name, sort, descending):
    plan = queries.page_plan(FILTERS[name], sort=sort, descending=descending, limit=20)
    assert not [line for line in plan if "USE TEMP B-TREE FOR ORDER BY" in line], plan
    assert any(SORT_KEYS[sort].index in line for line in plan), plan


def test_few_matches_are_sorted_rather_than_walked_for(queries):
    """A day of events out of the whole table: reading the title index until
    enough of them turn up would read nearly all of it."""
    plan = queries.page_plan(EventFilter(until="2024-11-28"), sort="title", limit=200)
    assert any("events_at" in line for line in plan), plan
