"""Logging edits as commands, without Qt: create, edit, delete, control change; undo/redo."""

import dataclasses

import pytest

from sitrep_desktop.commands import AddRecords, CompositeCommand, DeleteRecords, UpdateRecord
from sitrep_desktop.domain import ControlChange, Event
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.store import StoreError


@pytest.fixture
def store(demo_store):
    return demo_store


def holder_of_homs(store, at=None):
    state = store.control.control_at(demo_id("place", "Homs"), at)
    return store.factions.get(state.faction_id).short_name


def test_logging_homs_falling_then_undo_and_redo(store):
    change = ControlChange(
        place_id=demo_id("place", "Homs"),
        faction_id=demo_id("faction", "HTS"),
        at="2024-12-08T03:00+02:00",
        source="report",
    )
    command = AddRecords([change], text="log control change")
    command.do(store)
    assert holder_of_homs(store) == "HTS"
    assert holder_of_homs(store, "2024-12-07") == "GOV"
    command.undo(store)
    assert holder_of_homs(store) == "GOV"
    command.do(store)
    assert store.control.get(change.id).at.text == "2024-12-08T03:00:00+02:00"


def test_edit_undo_redo_keeps_the_optimistic_check_happy(store):
    before = next(e for e in store.events.all() if e.title == "HTS captures Hama")
    after = dataclasses.replace(before, title="HTS takes Hama")
    command = UpdateRecord(before, after)
    command.do(store)
    command.undo(store)
    assert store.events.get(before.id).title == "HTS captures Hama"
    command.do(store)
    assert store.events.get(before.id).title == "HTS takes Hama"


def test_deleting_many_events_is_one_step_and_undo_brings_them_back(store):
    strikes = store.events.query(categories=["airstrike"])
    command = DeleteRecords(strikes)
    journal = store.journal.count()
    command.do(store)
    assert store.events.query(categories=["airstrike"]) == []
    command.undo(store)
    assert {e.id for e in store.events.query(categories=["airstrike"])} == {e.id for e in strikes}
    assert store.journal.count() == journal + 4


def test_a_refused_step_leaves_the_store_unchanged(store):
    ok = Event(at="2024-12-07", title="ok")
    bad = Event(at="2024-12-07", title="bad", category="not-a-category")
    with pytest.raises(StoreError):
        CompositeCommand([AddRecords([ok]), AddRecords([bad])], "two").do(store)
    assert store.events.find(ok.id) is None


def test_a_date_alone_stays_a_date(store):
    event = Event(at="2024-12-05", title="Hama falls (time unknown)")
    AddRecords([event]).do(store)
    saved = store.events.get(event.id)
    assert saved.at.date_only and saved.at.text == "2024-12-05"
