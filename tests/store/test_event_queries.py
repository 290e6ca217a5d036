"""Event-list queries on the demo: every filter, sorting, paging and positions."""

import pytest

from sitrep_desktop.domain import Event
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.store.event_queries import EventFilter, EventQueries


@pytest.fixture
def queries(shared_demo_store):
    return EventQueries(shared_demo_store)


def titles(queries, spec, **kw):
    return [e.title for _, e in queries.page(spec, **kw)]


def test_no_filter_lists_all_ten_demo_events_oldest_first(queries):
    assert queries.count(EventFilter()) == 10
    assert titles(queries, EventFilter(), limit=2) == [
        "HTS launches offensive in north-west Syria",
        "HTS captures Aleppo",
    ]


def test_full_text_search_uses_word_prefixes(queries):
    assert titles(queries, EventFilter(search="talbis")) == [
        "Syrian and Russian air strikes on Talbiseh"
    ]


def test_category_and_confidence_filters(queries):
    assert queries.count(EventFilter(categories=("airstrike",))) == 2
    assert queries.count(EventFilter(categories=("capture",), confidences=("high",))) == 2


def test_faction_filter_matches_actors_by_name_or_short_name(queries):
    by_short = queries.count(EventFilter(faction="HTS"))
    by_name = queries.count(EventFilter(faction="Hayat Tahrir al-Sham"))
    assert by_short == by_name == 7
    assert queries.count(EventFilter(faction="RUS")) == 2


def test_actor_filter_is_exact_not_a_word_match(queries):
    assert queries.count(EventFilter(actor="Russian forces")) == 2
    assert queries.count(EventFilter(actor="Russian")) == 0


def test_time_range_treats_a_date_as_the_whole_day(queries):
    spec = EventFilter(since="2024-12-05", until="2024-12-05")
    assert titles(queries, spec) == ["HTS captures Hama"]


def test_within_km_of_homs_is_geodesic(queries):
    homs = demo_id("place", "Homs")
    # Talbiseh is ~13 km from Homs, al-Rastan ~22 km, Hama ~45 km.
    near = titles(queries, EventFilter(near_place_id=homs, near_km=15))
    assert "Syrian and Russian air strikes on Talbiseh" in near
    assert "Air strikes on al-Rastan" not in near
    wider = titles(queries, EventFilter(near_place_id=homs, near_km=25))
    assert "Air strikes on al-Rastan" in wider
    assert "HTS captures Hama" not in wider


def test_bbox_is_only_what_the_map_shows(queries):
    around_aleppo = (36.9, 36.0, 37.4, 36.4)
    assert titles(queries, EventFilter(bbox=around_aleppo)) == ["HTS captures Aleppo"]


def test_sorting_by_title_descending_and_position_of_a_row(queries):
    spec = EventFilter()
    rows = titles(queries, spec, sort="title", descending=True)
    assert rows == sorted(rows, key=str.casefold, reverse=True)
    _, fifth = queries.page(spec, sort="title", descending=True, offset=4, limit=1)[0]
    assert queries.position_of(spec, fifth.id, sort="title", descending=True) == 4


def test_keyset_page_continues_where_the_offset_page_ended(queries):
    spec = EventFilter()
    first = queries.page(spec, limit=4)
    rowid, last = first[-1]
    after = queries.page_after(spec, (last.at.key, rowid), limit=4)
    assert [e.id for _, e in after] == [e.id for _, e in queries.page(spec, offset=4, limit=4)]


def test_filter_spec_round_trips_through_json_form():
    spec = EventFilter(search="hama", categories=("capture",), bbox=(1.0, 2.0, 3.0, 4.0))
    assert EventFilter.from_spec(spec.to_spec()) == spec


def test_a_new_event_is_found_by_every_matching_filter(demo_store):
    store = demo_store
    queries = EventQueries(store)
    store.events.add(
        Event(
            at="2024-12-07T08:00+02:00",
            title="Shelling near Talbiseh",
            category="shelling",
            place_id=demo_id("place", "Talbiseh"),
            actors=("Syrian government forces",),
        )
    )
    spec = EventFilter(
        search="shelling",
        faction="GOV",
        since="2024-12-07",
        near_place_id=demo_id("place", "Homs"),
        near_km=20,
    )
    assert titles(queries, spec) == ["Shelling near Talbiseh"]


def test_a_page_builds_the_same_events_as_the_repository(queries):
    """Pages read rows by position (event_reader); the records equal the
    repository's, field for field."""
    store = queries.store
    for _rowid, event in queries.page(EventFilter(), limit=50):
        assert event == store.events.get(event.id)
        assert event.actors == store.events.get(event.id).actors
