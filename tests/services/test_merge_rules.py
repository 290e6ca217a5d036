"""The merge rules, one story each: two analysts' laptops meet again."""

from __future__ import annotations

import uuid

import pytest
from merge_helpers import HAMA, HOMS, base_store, copy_store, edit, head, merge, plan

from sitrep_desktop.domain import ControlChange, Event, Faction
from sitrep_desktop.services.merge import IncomingRecord, merge_records, versions_of
from sitrep_desktop.store.content_hash import content_hash

EVENT0, EVENT1 = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))


@pytest.fixture()
def laptops():
    base = base_store()
    return copy_store(base, "ana"), copy_store(base, "bob")


def test_an_event_logged_on_the_other_laptop_arrives_once(laptops):
    ana, bob = laptops
    new = bob.events.add(Event(at="2024-12-06", title="Clashes north of Homs", place_id=HOMS))
    report = merge(ana, bob)
    assert report.added == [("event", new.id)]
    assert ana.events.get(new.id) == bob.events.get(new.id)
    again = merge(ana, bob)
    assert not again.changes_anything and ana.events.count() == bob.events.count() == 4


def test_an_edit_made_only_there_is_taken_and_one_made_only_here_is_kept(laptops):
    ana, bob = laptops
    edit(bob, "events", EVENT0, title="Hama encircled")
    edit(ana, "events", EVENT1, description="seen from the M5")
    report = merge(ana, bob)
    assert report.updated == [("event", EVENT0)] and not report.conflicts
    assert ana.events.get(EVENT0).title == "Hama encircled"
    assert ana.events.get(EVENT1).description == "seen from the M5"
    merge(bob, ana)
    assert content_hash(ana) == content_hash(bob)


def test_a_place_moved_there_moves_the_events_located_by_it_here(laptops):
    ana, bob = laptops
    edit(bob, "places", HOMS, lat=34.74, lon=36.72)
    merge(ana, bob)
    located = ana.events.query(bbox=(36.719, 34.739, 36.721, 34.741))
    assert {e.place_id for e in located} == {HOMS}


def test_a_record_deleted_there_is_deleted_here(laptops):
    ana, bob = laptops
    bob.events.delete(EVENT0)
    report = merge(ana, bob)
    assert report.deleted == [("event", EVENT0)]
    assert ana.events.find(EVENT0) is None and head(ana, EVENT0)[1] == 1  # a tombstone


def test_a_record_deleted_there_but_changed_here_is_kept_and_said(laptops):
    ana, bob = laptops
    bob.events.delete(EVENT0)
    edit(ana, "events", EVENT0, title="Hama: fighting resumes")
    report = merge(ana, bob)
    assert report.kept == [("event", EVENT0)] and not report.deleted
    assert ana.events.get(EVENT0).title == "Hama: fighting resumes"
    # Bob, merging back, gets the record again: the change beats his delete.
    back = merge(bob, ana)
    assert back.added == [("event", EVENT0)]
    assert content_hash(ana) == content_hash(bob)


def test_both_changed_is_a_conflict_field_by_field_with_the_ancestor(laptops):
    ana, bob = laptops
    edit(ana, "events", EVENT0, title="Hama falls", confidence="high")
    edit(bob, "events", EVENT0, title="Hama captured by HTS", confidence="high")
    report = merge(ana, bob)
    (conflict,) = report.conflicts
    assert conflict.record_id == EVENT0 and conflict.label == "Hama falls"
    (title,) = conflict.fields  # both chose "high": not a conflict
    assert (title.field, title.ours, title.theirs, title.ancestor) == (
        "title",
        "Hama falls",
        "Hama captured by HTS",
        "Event 0",
    )
    assert ana.events.get(EVENT0).title == "Hama falls", "ours stays until resolved"
    assert merge(ana, bob).conflicts, "and the conflict is reported again"


def test_a_conflict_resolved_field_by_field_then_reaches_the_other_laptop(laptops):
    ana, bob = laptops
    edit(ana, "events", EVENT0, title="Hama falls", description="ana's notes")
    edit(bob, "events", EVENT0, title="Hama captured", description="bob's notes")
    merge(ana, bob, {EVENT0: {"title": "theirs", "description": "ours"}})
    mixed = ana.events.get(EVENT0)
    assert (mixed.title, mixed.description) == ("Hama captured", "ana's notes")
    back = merge(bob, ana)
    assert not back.conflicts and back.updated == [("event", EVENT0)]
    assert content_hash(ana) == content_hash(bob)


def test_the_same_edit_on_both_laptops_is_no_conflict(laptops):
    ana, bob = laptops
    edit(ana, "events", EVENT0, title="Hama falls")
    edit(bob, "events", EVENT0, title="Hama falls")
    assert not merge(ana, bob).conflicts and not merge(bob, ana).conflicts
    assert content_hash(ana) == content_hash(bob)


def test_a_merge_is_one_undo_step(laptops):
    ana, bob = laptops
    before = content_hash(ana)
    heads = list(map(tuple, ana.conn.execute("SELECT * FROM record_heads ORDER BY 1")))
    bob.events.add(Event(at="2024-12-06", title="New", place_id=HAMA))
    bob.events.delete(EVENT1)
    edit(bob, "places", HOMS, notes="under siege")
    the_plan = plan(ana, bob)
    command = the_plan.command()
    command.do(ana)
    assert content_hash(ana) == content_hash(bob)
    command.undo(ana)
    assert content_hash(ana) == before
    assert list(map(tuple, ana.conn.execute("SELECT * FROM record_heads ORDER BY 1"))) == heads
    assert plan(ana, bob).report.counts() == the_plan.report.counts(), "offered again"
    command.do(ana)  # redo
    assert content_hash(ana) == content_hash(bob)


def test_the_journal_names_the_origin_of_what_a_merge_wrote(laptops):
    ana, bob = laptops
    edit(bob, "events", EVENT0, title="Hama encircled")
    merge(ana, bob)
    origin = bob.conn.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()[0]
    (entry,) = [e for e in ana.journal.for_record(EVENT0) if e.action == "update"]
    assert entry.after["title"] == "Hama encircled" and entry.author == "ana"
    logged = ana.conn.execute(
        "SELECT origin FROM journal_origins WHERE seq = ?", (entry.seq,)
    ).fetchone()
    assert logged[0] == origin


def test_two_holders_at_one_instant_from_two_laptops_are_kept_and_flagged(laptops):
    ana, bob = laptops
    hts = Faction(name="Hayat Tahrir al-Sham", short_name="HTS", colour="#2e7d32")
    gov = Faction(name="Syrian government", short_name="SAA", colour="#c62828")
    for store in (ana, bob):
        store.factions.add(hts)
        store.factions.add(gov)
    ours = ana.control.add(
        ControlChange(place_id=HAMA, faction_id=hts.id, at="2024-12-05T16:00Z", source="ana")
    )
    theirs = bob.control.add(
        ControlChange(place_id=HAMA, faction_id=gov.id, at="2024-12-05T16:00Z", source="bob")
    )
    report = merge(ana, bob)
    assert report.added == [("control_change", theirs.id)]
    assert report.control_disputes == [(HAMA, ours.id, theirs.id)]
    assert ana.control.control_at(HAMA).faction_id is None  # disputed, as the rule says


def test_a_place_deleted_there_but_used_here_is_kept(laptops):
    ana, bob = laptops
    for event in bob.events.select("place_id = ?", (HOMS,)):
        bob.events.delete(event.id)
    bob.places.delete(HOMS)
    mine = ana.events.add(Event(at="2024-12-08", title="Homs: curfew", place_id=HOMS))
    report = merge(ana, bob)
    assert ("place", HOMS) in report.kept and ana.places.find(HOMS) is not None
    assert ana.events.find(mine.id) is not None


def test_a_new_laptop_receives_everything_and_its_tombstones(laptops):
    ana, bob = laptops
    bob.events.delete(EVENT0)
    fresh = base_store(events=0)
    report = merge(fresh, bob)
    assert {rid for _, rid in report.added} >= {EVENT1}
    assert head(fresh, EVENT0)[1] == 1, "the delete is known, for a third laptop"
    merge(ana, fresh)
    assert ana.events.find(EVENT0) is None


def test_records_from_a_tak_feed_merge_one_at_a_time(laptops):
    ana, _ = laptops
    event = Event(at="2024-12-06T10:00Z", title="Convoy on the M5", place_id=HOMS)
    first = merge_records(ana, [IncomingRecord(event)], origin="tak:bob-laptop")
    assert first.added == [("event", event.id)]
    assert not merge_records(ana, [IncomingRecord(event)], origin="tak:bob-laptop").changes_anything
    later = Event(**{**event.__dict__, "title": "Convoy reaches Homs",
                     "updated": "2099-01-01T00:00:00.000000Z"})  # fmt: skip
    second = merge_records(ana, [IncomingRecord(later)], origin="tak:bob-laptop")
    assert second.updated == [("event", event.id)]
    gone = IncomingRecord(None, kind="event", record_id=event.id)
    assert merge_records(ana, [gone], origin="tak:bob-laptop").deleted == [("event", event.id)]
    # A record changed here is never overwritten by a versionless copy: a conflict.
    edit(ana, "events", EVENT0, title="Hama: our own note")
    stale = ana.events.get(EVENT0).__dict__ | {"title": "Hama (TAK)",
                                              "updated": "2099-01-01T00:00:00.000000Z"}  # fmt: skip
    report = merge_records(ana, [IncomingRecord(Event(**stale))], origin="tak:bob-laptop")
    assert [c.record_id for c in report.conflicts] == [EVENT0]
    assert ana.events.get(EVENT0).title == "Hama: our own note"


def test_a_place_deleted_here_comes_back_when_an_event_there_arrives(laptops):
    ana, bob = laptops
    for event in ana.events.select("place_id = ?", (HOMS,)):
        ana.events.delete(event.id)
    ana.places.delete(HOMS)
    logged = bob.events.add(Event(at="2024-12-08", title="Homs: curfew", place_id=HOMS))
    report = merge(ana, bob)
    assert ("place", HOMS) in report.restored and ("event", logged.id) in report.added
    assert ana.places.get(HOMS).name == "Homs"
    merge(bob, ana)
    merge(ana, bob)
    assert ana.places.get(HOMS) == bob.places.get(HOMS)
    assert not merge(ana, bob).changes_anything and not merge(bob, ana).changes_anything


def test_a_sitrep_sender_passes_versions_so_the_receiver_merges_exactly(laptops):
    ana, bob = laptops
    edit(bob, "events", EVENT0, title="Hama encircled")
    edit(ana, "events", EVENT1, title="Ana's own edit")
    sent = []
    for record in bob.events.many([EVENT0, EVENT1]):
        version, history = versions_of(bob, [record.id])[record.id]
        sent.append(IncomingRecord(record, version=version, history=history))
    report = merge_records(ana, sent, origin="tak:bob")
    # Bob's edit is taken; Bob's older copy of EVENT1 does not undo Ana's edit.
    assert report.updated == [("event", EVENT0)] and not report.conflicts
    assert ana.events.get(EVENT1).title == "Ana's own edit"
