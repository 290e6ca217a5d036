"""services.situation: who holds what, which events show and where, kept current from the
store's change news without reading again, and a time change that reads nothing."""

import numpy as np
import pytest

from sitrep_desktop.domain import Annotation, ControlChange, Event, Place, parse_moment
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.services.event_arrays import bound_key, time_keys
from sitrep_desktop.services.situation import (
    AREAS,
    DRAWINGS,
    EVENTS,
    PLACES,
    Situation,
    event_marker_xy,
)
from sitrep_desktop.services.style import UNKNOWN_COLOUR
from sql_trace import QueryCounter

HOMS, HAMA = demo_id("place", "Homs"), demo_id("place", "Hama")
GOV, HTS = demo_id("faction", "GOV"), demo_id("faction", "HTS")
SYRIA = (35.2, 32.2, 42.5, 37.4)


@pytest.fixture
def store(demo_memory_store):
    return demo_memory_store


@pytest.fixture
def situation(store):
    situation = Situation(store)
    store.subscribe(situation.apply)
    return situation


def control_change(place_id, faction_id, at):
    return ControlChange(place_id=place_id, faction_id=faction_id, at=parse_moment(at), source="t")


def test_hama_changes_hands_on_5_december(situation):
    assert situation.holder(HAMA, "2024-12-04").short_name == "GOV"
    assert situation.holder(HAMA, "2024-12-05").short_name == "HTS"
    assert situation.holder(HAMA, "2024-12-05T08:00:00Z").short_name == "HTS"
    assert situation.holder(HOMS, "2024-12-05").short_name == "GOV"


def test_each_place_has_its_holders_colour_or_the_unknown_one(situation, store):
    views = {v.place.id: v for v in situation.places_at("2024-12-06")}
    assert views[HAMA].colour == situation.factions[HTS].colour
    assert views[HOMS].colour == situation.factions[GOV].colour
    lonely = store.places.add(Place(name="Nowhere", kind="village", lat=33.0, lon=39.0))
    views = {v.place.id: v for v in situation.places_at("2024-12-06")}
    assert views[lonely.id].holder is None and views[lonely.id].colour == UNKNOWN_COLOUR


def test_a_box_keeps_only_the_places_inside_it(situation):
    names = {v.place.name for v in situation.places_at(None, (36.5, 34.5, 37.0, 35.0))}
    assert "Homs" in names and "Aleppo" not in names


def test_two_holders_at_the_same_instant_are_a_conflict_with_no_colour(situation, store):
    store.control.add(
        ControlChange(place_id=HOMS, faction_id=HTS, at=parse_moment("2024-12-07"), source="t")
    )
    store.control.add(
        ControlChange(place_id=HOMS, faction_id=GOV, at=parse_moment("2024-12-07"), source="t")
    )
    view = next(v for v in situation.places_at("2024-12-07") if v.place.id == HOMS)
    assert view.conflicted and view.holder is None and view.colour == UNKNOWN_COLOUR


def test_later_events_do_not_show_earlier(situation, store):
    all_shown = situation.events_at(None)
    early = situation.events_at("2024-11-28")
    assert 0 < len(early) < len(all_shown) == store.events.count()
    keys = {e.id: e.at.key for e in store.events.all()}
    for row in early:
        assert keys[situation.events.ids[row]] <= parse_moment("2024-11-28").upper_key


@pytest.mark.parametrize(
    ("event_at", "bound", "shown"),
    [
        ("2024-12-05", "2024-12-05", True),
        ("2024-12-05T23:59:59Z", "2024-12-05", True),
        ("2024-12-06T00:00:00Z", "2024-12-05", False),
        ("2024-12-05", "2024-12-05T00:00:00Z", True),
        ("2024-12-06", "2024-12-05T23:00:00Z", False),
        ("2024-12-05T10:00:00Z", "2024-12-05T10:00:00Z", True),
        ("2024-12-05T10:00:01Z", "2024-12-05T10:00:00Z", False),
    ],
)
def test_an_event_exactly_at_the_bound_follows_the_stores_rule(event_at, bound, shown):
    event, moment = parse_moment(event_at), parse_moment(bound)
    assert (event.key <= moment.upper_key) is shown  # the store's rule, on text keys
    assert (int(time_keys([event.key])[0]) <= bound_key(moment)) is shown


def test_an_event_at_a_place_is_drawn_beside_it_and_one_with_a_point_at_that_point(situation):
    events = situation.events
    row = next(r for r in range(len(events.ids)) if events.place_ids[r] == HAMA)
    hama = situation.places[HAMA]
    assert (events.lon[row], events.lat[row]) == (hama.lon, hama.lat)
    assert events.at_place[row]
    x, y = event_marker_xy(events.x[[row]], events.y[[row]], events.at_place[[row]], 100.0)
    assert x[0] == pytest.approx(events.x[row] + 900) and y[0] == pytest.approx(events.y[row] + 900)
    # On a page y grows downwards: still up and to the right.
    x, y = event_marker_xy(np.array([10.0]), np.array([10.0]), np.array([True]), -1.0)
    assert (x[0], y[0]) == (19.0, 1.0)


def test_a_time_change_reads_nothing_from_disk(situation):
    situation.events_at("2024-12-01")
    situation.places_at("2024-12-01")
    situation.drawings_at("2024-12-01")
    with QueryCounter(situation.store) as queries:
        for day in ("2024-11-27", "2024-12-03", "2024-12-05", "2024-12-06"):
            situation.events_at(day, SYRIA)
            situation.places_at(day)
            situation.drawings_at(day)
    assert queries.statements == []


def test_an_added_event_is_appended_and_read_alone(situation, store):
    before = len(situation.events)
    with QueryCounter(store) as queries:
        added = store.events.add(
            Event(at=parse_moment("2024-12-06T10:00Z"), category="clash", title="x", place_id=HOMS)
        )
    added_id = added.id
    event_reads = [q for q in queries.statements if q.startswith("SELECT") and "FROM events" in q]
    assert len(event_reads) == 1 and f"WHERE id IN ('{added_id}')" in event_reads[0]
    assert len(situation.events) == before + 1
    assert situation.event_point(added.id) == (
        situation.places[HOMS].lon,
        situation.places[HOMS].lat,
    )


def test_an_edit_replaces_one_row_and_a_delete_removes_one(situation, store):
    event = store.events.all()[0]
    row = situation.events.row_of[event.id]
    rows_before = len(situation.events.ids)
    store.events.update(
        Event(**{**event.__dict__, "category": "airstrike", "geometry": "POINT (38 35)"})
    )
    assert situation.events.row_of[event.id] == row and len(situation.events.ids) == rows_before
    assert situation.events.categories[situation.events.code[row]] == "airstrike"
    assert situation.event_point(event.id) == (38.0, 35.0)
    store.events.delete(event.id)
    assert situation.event_point(event.id) is None
    assert row not in situation.events_at(None)


def test_an_event_edit_touches_the_events_layer_only(situation, store):
    touched = []
    store.subscribe(lambda change: touched.append(situation.apply(change)))
    situation.places_at(None)
    event = store.events.all()[0]
    with QueryCounter(store) as queries:
        store.events.update(Event(**{**event.__dict__, "title": "edited"}))
    assert touched[-1] == {EVENTS}
    assert not any("FROM places" in q or "FROM annotations" in q for q in queries.statements)


def test_a_control_change_recolours_places_without_reading_events(situation, store):
    touched = []
    store.subscribe(lambda change: touched.append(situation.apply(change)))
    situation.events_at(None)
    with QueryCounter(store) as queries:
        store.control.add(
            ControlChange(place_id=HOMS, faction_id=HTS, at=parse_moment("2024-12-08"), source="t")
        )
        assert situation.holder(HOMS, "2024-12-08").short_name == "HTS"
    assert touched[-1] == {PLACES, AREAS}
    assert not any("FROM events" in q for q in queries.statements)


def test_a_place_moved_carries_its_events_along(situation, store):
    events_of_homs = [r for r in situation.events_at(None) if situation.events.place_ids[r] == HOMS]
    homs = situation.places[HOMS]
    store.places.update(Place(**{**homs.__dict__, "lon": homs.lon + 0.1}))
    for row in events_of_homs:
        assert situation.events.lon[row] == pytest.approx(homs.lon + 0.1)


def test_drawings_show_only_while_valid(situation, store):
    store.annotations.add(
        Annotation(
            kind="line",
            geometry="LINESTRING (36 35, 37 35)",
            label="Front line 7 Dec",
            valid_from=parse_moment("2024-12-07"),
        )
    )
    labels_on_5th = {a.label for a in situation.drawings_at("2024-12-05")}
    labels_on_7th = {a.label for a in situation.drawings_at("2024-12-07")}
    assert "Front line 7 Dec" in labels_on_7th - labels_on_5th


def test_estimated_areas_follow_the_holders(situation):
    before = {a.faction_id: a for a in situation.estimated_areas("2024-12-04")}
    after = {a.faction_id: a for a in situation.estimated_areas("2024-12-06")}
    hama = situation.places[HAMA]
    assert before[GOV].contains(hama.lat, hama.lon)
    assert after[HTS].contains(hama.lat, hama.lon)


def test_what_changed_between_27_november_and_6_december(situation):
    changes = situation.what_changed("2024-11-27", "2024-12-06")
    names = {h.place.name for h in changes.handovers}
    assert {"Aleppo", "Hama"} <= names and "Homs" not in names
    assert changes.events and changes.control_changes


def test_a_drawing_change_touches_only_drawings(situation, store):
    touched = []
    store.subscribe(lambda change: touched.append(situation.apply(change)))
    store.annotations.add(Annotation(kind="line", geometry="LINESTRING (36 35, 37 35)", label="l"))
    assert touched[-1] == {DRAWINGS}


def test_the_areas_are_worked_out_again_only_when_a_place_changes_hands(situation):
    first = situation.estimated_areas("2024-12-05T09:00:00Z")
    assert situation.estimated_areas("2024-12-05T18:00:00Z") is first  # same holders
    assert situation.estimated_areas("2024-12-01") is not first  # Hama was GOV's


def test_what_changed_from_27_november_counts_the_27th(situation, store):
    store.control.add(
        control_change(demo_id("place", "Homs"), demo_id("faction", "HTS"), "2024-11-27T06:00:00Z")
    )
    changes = situation.what_changed("2024-11-27", "2024-12-06")
    assert "HTS launches offensive in north-west Syria" in {e.title for e in changes.events}
    assert any(c.at.key.startswith("2024-11-27") for c in changes.control_changes)
    # Held before the 27th by the government, and the 27th's change counts as a handover.
    assert "Homs" in {h.place.name for h in changes.handovers}
